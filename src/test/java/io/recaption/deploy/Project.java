package io.recaption.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Paths of the repository's deployment files, found from the working directory Maven runs tests in. */
final class Project {

    private Project() {}

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("k8s"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no project root (pom.xml next to k8s/) above " + Path.of("").toAbsolutePath());
    }

    static Path k8s() {
        return root().resolve("k8s");
    }

    static Path terraform() {
        return root().resolve("terraform");
    }

    /** application.properties, with the keys of the application's @ConfigMapping interfaces once compiled. */
    static AppConfig applicationProperties() {
        return AppConfig.load(root().resolve("src/main/resources/application.properties"))
                .withMapping(ConfigMappingKeys.ofApplication(root().resolve("target/classes")));
    }

    /** A {@code <properties>} value of pom.xml, e.g. pytorch.version. */
    static String pomProperty(String name) {
        String pom = Manifests.read(root().resolve("pom.xml"));
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        if (!m.find()) {
            throw new IllegalStateException("pom.xml has no property " + name);
        }
        return m.group(1).strip();
    }
}

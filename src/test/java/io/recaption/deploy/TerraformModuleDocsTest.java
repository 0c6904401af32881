package io.recaption.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The module's README documents every variable and output it declares (no terraform needed). */
@Tag("integration")
class TerraformModuleDocsTest {

    @Test
    void readmeListsEveryInputAndOutput() {
        Path module = Project.terraform().resolve("modules/recaption");
        String readme = Manifests.read(module.resolve("README.md"));
        for (String file : List.of("variables.tf", "outputs.tf")) {
            Matcher block = Pattern.compile("(?m)^(variable|output) \"([^\"]+)\"").matcher(Manifests.read(module.resolve(file)));
            int found = 0;
            while (block.find()) {
                found++;
                assertTrue(readme.contains("| `" + block.group(2) + "` |"),
                        "terraform/modules/recaption/README.md does not document " + block.group(1) + " " + block.group(2));
            }
            assertTrue(found > 0, "no declarations in " + file);
        }
    }
}

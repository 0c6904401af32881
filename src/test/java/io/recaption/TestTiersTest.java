package io.recaption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every test class belongs to exactly one tier, so that {@code -Dtier=…} (README, "Tests") runs a whole tier and
 * no test falls between them.
 */
@Tag("unit")
class TestTiersTest {

    /** The tiers, as README names them. */
    static final Set<String> TIERS = Set.of("unit", "conformance", "integration", "browser");

    private static final Pattern TAG = Pattern.compile("@Tag\\(\"([^\"]+)\"\\)");

    @Test
    void everyTestClassHasOneKnownTier() throws IOException {
        List<String> problems = new ArrayList<>();
        int classes = 0;
        try (Stream<Path> files = Files.walk(Path.of("src", "test", "java"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String code = LayeringTest.stripComments(Files.readString(file));
                if (!code.contains("@Test") && !code.contains("@ParameterizedTest")) {
                    continue;
                }
                classes++;
                List<String> tags = new ArrayList<>();
                Matcher m = TAG.matcher(code);
                while (m.find()) {
                    tags.add(m.group(1));
                }
                if (tags.size() != 1 || !TIERS.contains(tags.get(0))) {
                    problems.add(file + ": " + tags);
                }
            }
        }
        assertTrue(classes > 40, "the test classes were found");
        assertEquals(List.of(), problems);
    }
}

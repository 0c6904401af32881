package io.recaption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.model.weights.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference fixtures copied from the shared reference folder into {@code src/test/resources/reference}
 * (tiny SD snapshot, reference tensors and their notes), and the comparisons the conformance tests use.
 */
public final class Fixtures {

    private Fixtures() {}

    public static Path reference() {
        try {
            return Path.of(Fixtures.class.getResource("/reference/cases.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path tinySd() {
        return reference().resolve("tiny-sd");
    }

    /** The bundled shapes-world model (kept in git under {@code models/shapes}; Maven runs tests in the project root). */
    public static Path shapesModel() {
        return Path.of("models", "shapes").toAbsolutePath();
    }

    /** The bundled shapes-world captioner (kept in git under {@code models/shapes-captioner}). */
    public static Path shapesCaptioner() {
        return Path.of("models", "shapes-captioner").toAbsolutePath();
    }

    /** The SDXL fixture's folder: {@code tiny-sdxl/}, {@code sdxl-cases.*} (issue 22). */
    public static Path referenceSdxl() {
        try {
            return Path.of(Fixtures.class.getResource("/reference-sdxl/sdxl-cases.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path tinySdxl() {
        return referenceSdxl().resolve("tiny-sdxl");
    }

    public static Path linearProjectionUnet() {
        return reference().resolve("tiny-unet-linear-projection");
    }

    /** Every reference tensor, loaded into {@code manager}. */
    public static Map<String, NDArray> cases(NDManager manager) {
        return tensors(reference().resolve("cases.safetensors"), manager);
    }

    /** Every tensor of a safetensors file, by name, loaded into {@code manager}. */
    public static Map<String, NDArray> tensors(Path path, NDManager manager) {
        SafetensorsFile file = SafetensorsFile.open(path);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : file.tensors().keySet()) {
            out.put(name, file.load(name, manager));
        }
        return out;
    }

    public static JsonNode casesJson() {
        try {
            return new ObjectMapper().readTree(reference().resolve("cases.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double maxAbsDiff(NDArray expected, NDArray actual) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), "shape");
        return expected.sub(actual).abs().max().getFloat();
    }

    /** ‖actual − expected‖₂ / ‖expected‖₂. */
    public static double relativeL2(NDArray expected, NDArray actual) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), "shape");
        double num = expected.sub(actual).square().sum().getFloat();
        double den = expected.square().sum().getFloat();
        return Math.sqrt(num / den);
    }

    /** Asserts max |expected − actual| ≤ tolerance and prints the measured error. */
    public static void assertMaxAbs(String caseName, NDArray expected, NDArray actual, double tolerance) {
        double error = maxAbsDiff(expected, actual);
        System.out.printf("conformance %-32s max abs diff %.3e (tolerance %.0e)%n", caseName, error, tolerance);
        assertTrue(error <= tolerance, caseName + ": max abs diff " + error + " > " + tolerance);
    }

    /** Asserts the relative L2 error ≤ tolerance and prints it. */
    public static void assertRelativeL2(String caseName, NDArray expected, NDArray actual, double tolerance) {
        double error = relativeL2(expected, actual);
        System.out.printf("conformance %-32s relative L2 %.3e (tolerance %.0e)%n", caseName, error, tolerance);
        assertTrue(error <= tolerance, caseName + ": relative L2 error " + error + " > " + tolerance);
    }
}

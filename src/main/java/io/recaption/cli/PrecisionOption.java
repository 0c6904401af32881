package io.recaption.cli;

import io.recaption.model.nn.Precision;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code --dtype}, shared by the commands that load Stable Diffusion. */
public final class PrecisionOption {

    @Option(names = "--dtype", defaultValue = "float32", converter = PrecisionOption.Parser.class,
            description = "float32 | bfloat16 | float16: what the models' weights are kept and their forward passes"
                    + " computed in; latents, null embeddings and the optimizer stay float32 (default: ${DEFAULT-VALUE})")
    Precision precision = Precision.FLOAT32;

    public Precision precision() {
        return precision;
    }

    static final class Parser implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            return Precision.parse(value);
        }
    }
}

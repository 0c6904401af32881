package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtSymbolBlock;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The floating-point type a model's weights are kept in and its forward pass computes in. What crosses a
 * model's boundary stays float32 whatever this is (latents, text embeddings, null embeddings, pixels): each
 * model casts its inputs to its precision on entry and its result back to float32 on exit, as diffusers'
 * pipelines keep the scheduler's arithmetic and the optimizer's state out of half precision. Weights stored
 * in another type are converted once, at load; a float16 file loaded as float16 is used as stored.
 *
 * <p>DJL 0.36's native layer knows no bfloat16: it reports such a tensor's type as {@link DataType#UNKNOWN},
 * and every call that passes a type to libtorch (creating, converting, softmax, zeros-like) aborts the process
 * when that type is bfloat16 or unknown. Tensors are therefore converted only through {@link #cast} (libtorch's
 * own {@code to}, through the TorchScript seam, which also keeps autograd's graph), bfloat16 ones are made by
 * converting float32 ones, and the few ops that take a type run in float32 on them, as the references'
 * attention upcasts its softmax.
 */
public enum Precision {
    FLOAT32(DataType.FLOAT32, 6),
    BFLOAT16(DataType.BFLOAT16, 15),
    FLOAT16(DataType.FLOAT16, 5);

    private final DataType dataType;
    /** libtorch's {@code ScalarType} code, as TorchScript source spells a dtype. */
    private final int scalarType;
    private volatile PtSymbolBlock castModule;

    Precision(DataType dataType, int scalarType) {
        this.dataType = dataType;
        this.scalarType = scalarType;
    }

    public DataType dataType() {
        return dataType;
    }

    /** The name users write: {@code float32}, {@code bfloat16}, {@code float16}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@link #label()}; refuses anything else, naming the choices. */
    public static Precision parse(String label) {
        String wanted = label == null ? "" : label.trim().toLowerCase(Locale.ROOT);
        for (Precision precision : values()) {
            if (precision.label().equals(wanted)) {
                return precision;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + label + "': use one of "
                + Arrays.stream(values()).map(Precision::label).collect(Collectors.joining(", ")));
    }

    /** The precision of a floating-point array (DJL's UNKNOWN is bfloat16, the one float type it cannot name). */
    public static Precision of(NDArray x) {
        return switch (x.getDataType()) {
            case FLOAT32 -> FLOAT32;
            case FLOAT16 -> FLOAT16;
            case UNKNOWN, BFLOAT16 -> BFLOAT16;
            default -> throw new IllegalArgumentException("not a model precision: " + x.getDataType());
        };
    }

    /**
     * x in this precision, in x's manager: x itself when it already is, else a converted copy. Autograd flows
     * through the conversion (a float32 leaf cast for a half-precision model receives a float32 gradient).
     */
    public NDArray cast(NDArray x) {
        Precision from = of(x);
        if (from == this) {
            return x;
        }
        // libtorch's own `to` for every conversion: DJL's toType leaves autograd's graph (a float16 UNet's output
        // would then have no gradient to the float32 context) and cannot name bfloat16
        return TorchScriptModule.call(castModule(), x);
    }

    /** x as float32, the type of everything between models: x itself when it already is. */
    public static NDArray full(NDArray x) {
        return FLOAT32.cast(x);
    }

    private PtSymbolBlock castModule() {
        PtSymbolBlock module = castModule;
        if (module == null) {
            String className = "CastTo" + name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
            module = TorchScriptModule.shared(className, String.join("\n",
                    "  def forward(self: __torch__." + className + ",",
                    "    x: Tensor) -> Tensor:",
                    "    return torch.to(x, " + scalarType + ")",
                    ""));
            castModule = module;
        }
        return module;
    }

    @Override
    public String toString() {
        return label();
    }
}

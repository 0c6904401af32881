package io.recaption.model.nn;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * libtorch's process-wide switches that DJL does not reach, set once per process after its library is loaded.
 *
 * <p>NNPACK off. libtorch asks whether NNPACK can run before choosing a CPU convolution
 * ({@code ConvParams::use_nnpack} in ATen's {@code Convolution.cpp}: the user's switch first, then
 * {@code at::_nnpack_available()}), and on a CPU NNPACK refuses (no AVX2 with the cache it wants, as on this
 * project's build machines and many cloud VMs) the second check logs "Could not initialize NNPACK! Reason:
 * Unsupported hardware." on every call: about fifty lines per job in the worker's log, burying the lines that
 * matter. PyTorch's answer is the user's switch ({@code torch.backends.nnpack.set_flags(False)}, which this
 * project's reference scripts use too); libtorch's C++ API has it as {@code at::Context::setUserEnabledNNPACK},
 * exported by {@code libtorch_cpu}, and called here through JNA. It changes no number that is computed here:
 * libtorch uses NNPACK only for batches of 16 and more, which no model call of this project makes, and only where
 * NNPACK initializes at all.
 */
public final class TorchContext {

    private static final System.Logger LOG = System.getLogger(TorchContext.class.getName());
    // at::globalContext() and at::Context's NNPACK switch, as the Itanium C++ ABI names them
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";
    private static final String GET_NNPACK = "_ZNK2at7Context17userEnabledNNPACKEv";

    private static String applied;

    private TorchContext() {}

    /** Turns NNPACK off once per process (later calls only return what was done); what it did, in one line. */
    public static synchronized String configure() {
        if (applied == null) {
            applied = apply();
            LOG.log(System.Logger.Level.DEBUG, "libtorch context: " + applied);
        }
        return applied;
    }

    /** Whether libtorch may try NNPACK for a convolution (its user switch); empty where it cannot be read. */
    public static Optional<Boolean> nnpackEnabled() {
        return library().map(torch -> {
            Pointer context = torch.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
            // a C++ bool comes back in the low byte of the return register
            return (torch.getFunction(GET_NNPACK).invokeInt(new Object[] {context}) & 0xff) != 0;
        });
    }

    private static String apply() {
        Optional<NativeLibrary> torch;
        try {
            torch = library();
        } catch (RuntimeException | LinkageError e) {
            return "NNPACK left as it is (libtorch_cpu unreachable: " + e.getMessage() + ")";
        }
        if (torch.isEmpty()) {
            return "NNPACK left as it is (no libtorch_cpu beside DJL's JNI library)";
        }
        try {
            Pointer context = torch.get().getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
            // a member function: the object is its first argument
            torch.get().getFunction(SET_NNPACK).invoke(Void.class, new Object[] {context, Boolean.FALSE});
            return "NNPACK off";
        } catch (UnsatisfiedLinkError e) {
            LOG.log(System.Logger.Level.WARNING, "libtorch has no NNPACK switch, left as it is: " + e.getMessage());
            return "NNPACK left as it is (" + e.getMessage() + ")";
        }
    }

    /** The libtorch_cpu that DJL loaded (opening it again by its path returns the loaded one). */
    private static Optional<NativeLibrary> library() {
        if (!Platform.isLinux()) {
            return Optional.empty();
        }
        Engine.getEngine("PyTorch");
        Path file = Path.of(LibUtils.getLibtorchPath()).resolve("libtorch_cpu.so");
        return Files.isRegularFile(file) ? Optional.of(NativeLibrary.getInstance(file.toString()))
                : Optional.empty();
    }
}

package io.recaption.model.nn;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Locale;
import java.util.Map;

/**
 * How libtorch gets its CPU memory, set once per process before the first tensor.
 *
 * <p>Where the CPU time of a real-size model went on this project's 2-core Linux machines: not into arithmetic but
 * into page faults. A Stable Diffusion activation at 256²–512² is 32–512 MB; glibc serves every allocation over 32 MB
 * with a fresh {@code mmap} and gives it back with {@code munmap} when the tensor dies, so each op's output is
 * faulted in page by page (4 KiB) and zero-filled by the kernel, then handed back — measured with torch's own ops at
 * 128×256² float32: an addition 77 → 1.4 ms, group norm + SiLU 148 → 3.6 ms, a 3×3 convolution 140 → 48 ms once the
 * memory is kept. And the weights (3.4 GB for the UNet), read on every call, sit on 4 KiB pages, so the TLB misses
 * them. Two settings together remove most of both costs (whole components at 256², float32, ours: VAE encode
 * 4.4 → 1.7 s, UNet forward 5.2 → 1.9 s, forward + backward 10.7 → 3.8 s, VAE decode 8.9 → 3.5 s; README,
 * <i>Real size</i>):
 * <ul>
 *   <li>{@code THP_MEM_ALLOC_ENABLE=1}, libtorch's own switch ({@code c10/core/alloc_cpu.cpp}): allocations of
 *       2 MB and more are 2 MB-aligned and advised {@code MADV_HUGEPAGE}, so they use transparent huge pages where
 *       the kernel offers them on request ({@code /sys/kernel/mm/transparent_hugepage/enabled} "madvise", the usual
 *       default, or "always"). libtorch reads it once, at its first allocation: hence before any tensor.</li>
 *   <li>glibc's {@code mallopt(M_MMAP_MAX, 0)} and a trim threshold of 2 GiB: large blocks come from the heap and
 *       freed ones stay mapped for the next op (up to 2 GiB of free heap top is kept), the way PyTorch's CUDA caching
 *       allocator keeps GPU memory. The price: the resident set does not shrink after a peak.</li>
 * </ul>
 * One thing only the environment can do: {@code MALLOC_ARENA_MAX=1}. glibc gives threads their own heaps
 * (arenas) of at most 64 MB each and serves a larger block in such a heap with {@code mmap}, whatever
 * {@code M_MMAP_MAX} says, unmapping it when freed; the JVM's threads, which make every JNI call, have such heaps.
 * So without the variable each activation over 64 MB is still faulted in afresh on every op (SD 1.5 at 512²,
 * float32: UNet forward + backward 18.8 → 11.3 s, VAE decode 16.8 → 10.2 s with it). glibc reads it only when the
 * process starts: every model command re-runs itself with it where it is missing ({@code io.recaption.OneHeap}),
 * the image sets it (Dockerfile), and {@link #configure} says when it is missing all the same (the user turned the
 * re-run off).
 *
 * <p>Memory kept is memory that must fit the next phase: the VAE's pixel-sized blocks rarely fit the holes the
 * UNet's left, so {@link #releaseFreeMemory} gives the heap back around each VAE call (peak RSS of the 512²
 * benchmark 7.0 → 6.2 GB).
 *
 * <p>Nothing is changed that the user already set: an existing {@code THP_MEM_ALLOC_ENABLE} is kept, and any
 * {@code MALLOC_*} variable but {@code MALLOC_ARENA_MAX} (which only says which heaps the settings apply to), or
 * {@code GLIBC_TUNABLES}, leaves glibc as configured. The system property
 * {@code io.recaption.model.host-memory=default} leaves the process as it started. Neither setting changes a number
 * that is computed. {@link io.recaption.model.weights.Snapshot#open} applies it, so every model load does.
 */
public final class HostMemory {

    /** What {@link #configure} does. */
    public enum Policy {
        /** Huge pages for libtorch's large tensors and freed memory kept for reuse (see the class comment). */
        TUNED,
        /** The process as it started: glibc's and libtorch's defaults, or whatever the environment set. */
        DEFAULT;

        /** "tuned" or "default". */
        public static Policy parse(String text) {
            for (Policy p : values()) {
                if (p.name().equalsIgnoreCase(text.trim())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("host memory policy '" + text + "': expected tuned or default");
        }
    }

    /** The system property that chooses the policy; absent means {@link Policy#TUNED}. */
    public static final String PROPERTY = "io.recaption.model.host-memory";

    // glibc's mallopt parameters (malloc.h)
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_MAX = -4;
    /** Free memory at the heap's top up to this much is kept (mallopt takes an int). */
    private static final int TRIM_THRESHOLD = Integer.MAX_VALUE;

    /** glibc's environment variable for the number of heaps (arenas); read once, when the process starts. */
    static final String ARENA_MAX = "MALLOC_ARENA_MAX";

    private static final System.Logger LOG = System.getLogger(HostMemory.class.getName());
    private static String applied;
    /** The C library where the tuned policy changed glibc's settings, so that {@link #releaseFreeMemory} applies. */
    private static volatile C library;

    private HostMemory() {}

    /** The C library functions used: setenv(3) and glibc's mallopt(3). */
    interface C extends Library {
        int setenv(String name, String value, int overwrite);

        int mallopt(int parameter, int value);

        int malloc_trim(long pad);
    }

    /**
     * Applies the policy named by {@link #PROPERTY} once per process (later calls only return what was done);
     * call it before the first tensor. Returns what it did, in one line, for the benchmarks' headers.
     */
    public static synchronized String configure() {
        if (applied == null) {
            String property = System.getProperty(PROPERTY);
            Policy policy = property == null ? Policy.TUNED : Policy.parse(property);
            applied = apply(policy, System.getenv());
            LOG.log(System.Logger.Level.DEBUG, "host memory: " + applied);
        }
        return applied;
    }

    /**
     * Gives the free memory inside the heap back to the system (glibc's {@code malloc_trim(0)}), where the tuned
     * policy keeps it. Called between the phases of a job whose working sets differ (the UNet's forward + backward
     * at 64² latents, then the VAE decoder at 512² pixels): the next phase's blocks rarely fit the holes the last one
     * left, so without it the heap grows by the next phase's whole working set on top of the last one's. The price
     * is one fault per page the next phase touches first, once per phase, not once per op (SD 1.5 at 512²: a VAE
     * decode 9.2–9.9 → 11.0–13.4 s, 0.46–1.02× diffusers' in three pairs; peak RSS of the benchmark 7.0 → 6.2 GB). A
     * no-op unless the tuned policy was applied.
     */
    public static void releaseFreeMemory() {
        C c = library;
        if (c != null) {
            c.malloc_trim(0);
        }
    }

    /** What was applied, or null before {@link #configure}. */
    public static synchronized String applied() {
        return applied;
    }

    /** Applies {@code policy} given the process environment; what it did, in one line. */
    static String apply(Policy policy, Map<String, String> environment) {
        if (policy == Policy.DEFAULT) {
            return "default (" + PROPERTY + "=default)";
        }
        if (!Platform.isLinux()) {
            return "default (not Linux)";
        }
        C c;
        try {
            c = Native.load("c", C.class);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "cannot reach the C library, host memory left as it is: " + e);
            return "default (C library unreachable: " + e.getMessage() + ")";
        }
        StringBuilder done = new StringBuilder();
        if (environment.containsKey("THP_MEM_ALLOC_ENABLE")) {
            done.append("huge pages as set (THP_MEM_ALLOC_ENABLE=").append(environment.get("THP_MEM_ALLOC_ENABLE"))
                    .append(")");
        } else if (c.setenv("THP_MEM_ALLOC_ENABLE", "1", 0) == 0) {
            done.append("huge pages for large tensors");
        } else {
            done.append("huge pages not set (setenv failed)");
        }
        // MALLOC_ARENA_MAX is not a choice about the settings below: it only decides which heap they apply to
        boolean userMalloc = environment.containsKey("GLIBC_TUNABLES")
                || environment.keySet().stream().map(k -> k.toUpperCase(Locale.ROOT))
                        .anyMatch(k -> k.startsWith("MALLOC_") && !k.equals(ARENA_MAX));
        if (userMalloc) {
            done.append(", malloc as the environment set it");
        } else {
            try {
                // glibc returns 1 on success; another C library (musl) may not have mallopt or ignore it
                boolean kept = c.mallopt(M_MMAP_MAX, 0) == 1 & c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1;
                if (kept) {
                    library = c;
                }
                done.append(kept ? ", freed memory kept for reuse" : ", malloc unchanged (mallopt refused)");
            } catch (UnsatisfiedLinkError e) {
                done.append(", malloc unchanged (no mallopt)");
            }
        }
        if (!environment.containsKey(ARENA_MAX)) {
            done.append("; thread heaps still map and unmap blocks over 64 MB (set " + ARENA_MAX + "=1 before the"
                    + " JVM starts)");
        } else {
            done.append(", ").append(ARENA_MAX).append('=').append(environment.get(ARENA_MAX));
        }
        return done.toString();
    }
}

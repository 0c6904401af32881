package io.recaption.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The host-memory policy: parsed strictly, applied once, and on Linux really visible to libtorch. */
@Tag("unit")
class HostMemoryTest {

    interface Getenv extends Library {
        String getenv(String name);
    }

    @Test
    void policyParsesBothNamesAndRefusesOthers() {
        assertEquals(HostMemory.Policy.TUNED, HostMemory.Policy.parse(" Tuned "));
        assertEquals(HostMemory.Policy.DEFAULT, HostMemory.Policy.parse("default"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostMemory.Policy.parse("fast"));
        assertTrue(e.getMessage().contains("tuned or default"), e.getMessage());
    }

    @Test
    void appliedOnceAndSeenByNativeCode() {
        String first = HostMemory.configure();
        assertNotNull(first);
        assertSame(first, HostMemory.configure(), "a second call changes nothing");
        assertSame(first, HostMemory.applied());
        boolean tuned = System.getProperty(HostMemory.PROPERTY) == null
                || HostMemory.Policy.parse(System.getProperty(HostMemory.PROPERTY)) == HostMemory.Policy.TUNED;
        if (Platform.isLinux() && tuned) {
            // libtorch reads the switch with getenv(3): the C library's environment, not Java's copy of it
            String seen = Native.load("c", Getenv.class).getenv("THP_MEM_ALLOC_ENABLE");
            assertNotNull(seen, "libtorch's huge-page switch is not in the process environment: " + first);
            assertTrue(first.contains("huge pages"), first);
        }
    }

    @Test
    void leavesTheUsersSettingsAlone() {
        String choice = HostMemory.apply(HostMemory.Policy.TUNED,
                Map.of("THP_MEM_ALLOC_ENABLE", "0", "MALLOC_MMAP_MAX_", "65536"));
        if (Platform.isLinux()) {
            assertTrue(choice.contains("huge pages as set (THP_MEM_ALLOC_ENABLE=0)"), choice);
            assertTrue(choice.contains("malloc as the environment set it"), choice);
        }
        assertTrue(HostMemory.apply(HostMemory.Policy.DEFAULT, Map.of()).startsWith("default"));
    }

    @Test
    void theArenaCountIsNoChoiceAboutTheOtherSettingsButIsReported() {
        if (!Platform.isLinux()) {
            return;
        }
        // MALLOC_ARENA_MAX only says which heap the settings apply to: they are still made, and it is named
        String oneHeap = HostMemory.apply(HostMemory.Policy.TUNED, Map.of("MALLOC_ARENA_MAX", "1"));
        assertTrue(oneHeap.contains("freed memory kept for reuse"), oneHeap);
        assertTrue(oneHeap.endsWith("MALLOC_ARENA_MAX=1"), oneHeap);
        // without it the process cannot fix its thread heaps any more (glibc reads it at start): it says how
        String threadHeaps = HostMemory.apply(HostMemory.Policy.TUNED, Map.of());
        assertTrue(threadHeaps.contains("set MALLOC_ARENA_MAX=1 before the JVM starts"), threadHeaps);
    }
}

package dev.bountymarket.evaluator.sandbox;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only child mains that stand in for models that loop, crash the native runtime or exhaust memory
 * (such models are hard to build on purpose). The parent side is the real {@link SandboxedEvaluator}.
 */
final class MisbehavingChildren {
    private MisbehavingChildren() {}

    static sun.misc.Unsafe unsafe() throws ReflectiveOperationException {
        Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        field.setAccessible(true);
        return (sun.misc.Unsafe) field.get(null);
    }

    /** Never finishes, like a model stuck in a loop. */
    public static final class Looping {
        public static void main(String[] args) throws InterruptedException {
            while (true) {
                Thread.sleep(1_000);
            }
        }
    }

    /** Writes to address 0 from native code: a real SIGSEGV, as a crashing runtime would cause. */
    public static final class Crashing {
        public static void main(String[] args) throws ReflectiveOperationException {
            unsafe().putAddress(0L, 42L);
        }
    }

    /** Fills the heap until the JVM runs out of it. */
    public static final class HeapHog {
        public static void main(String[] args) {
            List<long[]> hoard = new ArrayList<>();
            while (true) {
                hoard.add(new long[1 << 20]);
            }
        }
    }

    /** Allocates and touches native memory outside the heap, as a native runtime might. */
    public static final class NativeHog {
        public static void main(String[] args) throws ReflectiveOperationException, InterruptedException {
            sun.misc.Unsafe unsafe = unsafe();
            long chunk = 64L << 20;
            for (int i = 0; i < 64; i++) {
                long address = unsafe.allocateMemory(chunk);
                unsafe.setMemory(address, chunk, (byte) 1);
                Thread.sleep(20);
            }
            Thread.sleep(60_000);
        }
    }
}

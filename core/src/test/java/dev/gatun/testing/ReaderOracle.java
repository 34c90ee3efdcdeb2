package dev.gatun.testing;

import dev.gatun.tensor.MemoryBudget;
import dev.gatun.tensor.MemoryBudgetException;
import dev.gatun.tensor.Scope;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The oracle of the readers' fuzz tests (shared with the train module's through the core's test
 * jar). Whatever the bytes, a reader returns, or refuses them with one of its own documented
 * exceptions in one line that names the file. Either way it frees every tensor it allocated, and
 * it never allocates past the memory budget: not off the heap (a {@link MemoryBudgetException}
 * from the allocator means no size check came first), and not on the heap either, where the
 * reading thread's allocations are counted.
 *
 * <p>Each read runs under the small budget {@link #BUDGET}, the process's own restored after it.
 * Fuzz targets set a five-second {@code @Timeout} ({@link #SECONDS}), which Jazzer turns into
 * libFuzzer's {@code -timeout} when fuzzing.
 */
public final class ReaderOracle {
    /** A fuzz input that takes longer than this, in seconds, is a hang. */
    public static final int SECONDS = 5;
    /** The memory budget while the fuzz tests run: far below the machine, above any valid seed. */
    public static final long BUDGET = 512L << 20;

    // HotSpot's count of the heap bytes a thread allocated, through reflection: the core module,
    // which these tests are patched into, does not read java.management.
    private static final Object THREADS;
    private static final Method ALLOCATED;

    static {
        Object threads = null;
        Method allocated = null;
        try {
            threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException | LinkageError e) {
            // not HotSpot: the heap goes uncounted, and OutOfMemoryError is the only limit there
        }
        THREADS = threads;
        ALLOCATED = allocated;
    }

    private ReaderOracle() {}

    /** What a fuzz target does with one input. */
    @FunctionalInterface
    public interface Read {
        void run() throws Exception;
    }

    /**
     * Runs {@code read} and fails unless it returns, or throws an instance of one of
     * {@code allowed} whose message is one line naming {@code name} (the input's file or folder);
     * and fails when it leaves tensor memory allocated or allocates past the budget.
     */
    @SafeVarargs
    public static void check(String name, Read read, Class<? extends Throwable>... allowed) {
        Run r = new Run(name, read);
        if (r.thrown != null) {
            judge(name, r.thrown, List.of(allowed));
        }
        r.checkMemory();
    }

    /**
     * {@link #check} for a step after reading, which the file's name does not reach (building the
     * model a config describes, say): the exception must be one of {@code allowed} and one line,
     * and need not name the file.
     */
    @SafeVarargs
    public static void checkStep(Read step, Class<? extends Throwable>... allowed) {
        Run r = new Run("the step", step);
        if (r.thrown != null) {
            judge(null, r.thrown, List.of(allowed));
        }
        r.checkMemory();
    }

    /** What a fuzz target does with the file it wrote an input to. */
    @FunctionalInterface
    public interface FileRead {
        void run(Path file) throws Exception;
    }

    /** Writes each seed into {@code dir} under its name and checks that {@code read} {@link #accepts} it. */
    public static void acceptsEach(Map<String, byte[]> seeds, Path dir, FileRead read) throws IOException {
        for (Map.Entry<String, byte[]> s : seeds.entrySet()) {
            Path file = dir.resolve(s.getKey());
            Files.write(file, s.getValue());
            accepts(s.getKey(), () -> read.run(file));
        }
    }

    /** Runs {@code read} (a valid input) and fails on any exception, tensor memory left, or too much allocated. */
    public static void accepts(String name, Read read) {
        Run r = new Run(name, read);
        if (r.thrown != null) {
            throw new AssertionError(name + ": a valid input was refused: " + r.thrown, r.thrown);
        }
        r.checkMemory();
    }

    /** One run of a read: what it threw, the tensor memory live before it, and the heap it allocated. */
    private static final class Run {
        private final String name;
        private final Read read;
        private final long liveBefore = Scope.liveBytes();
        private final Throwable thrown;
        private final long heap;
        private final long nanos;

        Run(String name, Read read) {
            this.name = name;
            this.read = read;
            long heapBefore = heapAllocated();
            long start = System.nanoTime();
            long processBudget = MemoryBudget.limit();
            MemoryBudget.setLimit(BUDGET);
            Throwable t = null;
            try {
                read.run();
            } catch (Throwable e) {
                // OutOfMemoryError and StackOverflowError too: a finding, not the end of the test run.
                t = e;
            } finally {
                MemoryBudget.setLimit(processBudget);
            }
            thrown = t;
            nanos = System.nanoTime() - start;
            heap = heapBefore < 0 ? -1 : heapAllocated() - heapBefore;
        }

        void checkMemory() {
            long live = Scope.liveBytes();
            if (live != liveBefore) {
                throw new AssertionError(name + ": " + (live - liveBefore) + " bytes of tensor memory are still "
                        + "allocated after the input was read (" + liveBefore + " before, " + live + " after)");
            }
            if (heap > BUDGET) {
                // The first run of a code path also loads its classes in this thread (and, while
                // fuzzing, instruments them), which allocates too: a second run tells, unless the
                // first took so long that it fails on time anyway.
                long again = nanos > SECONDS * 1_000_000_000L ? heap : new Run(name, read).heap;
                if (again > BUDGET) {
                    throw new AssertionError(name + ": allocated " + MemoryBudget.format(again) + " on the heap, over "
                            + "the memory budget of " + MemoryBudget.format(BUDGET), thrown);
                }
            }
        }
    }

    /** Fails unless {@code thrown} is allowed, not from the allocator, and one line naming {@code nameOrNull}. */
    private static void judge(String nameOrNull, Throwable thrown, List<Class<? extends Throwable>> allowed) {
        String name = nameOrNull == null ? "the step" : nameOrNull;
        if (allowed.stream().noneMatch(c -> c.isInstance(thrown))) {
            throw new AssertionError(name + ": " + thrown.getClass().getName() + " is not one of the reader's own "
                    + "exceptions " + allowed.stream().map(Class::getSimpleName).collect(Collectors.toList()) + ": "
                    + thrown.getMessage(), thrown);
        }
        if (thrown instanceof MemoryBudgetException && fromAllocator(thrown)) {
            throw new AssertionError(name + ": an allocation reached the memory budget; the size should have been "
                    + "checked before allocating: " + thrown.getMessage(), thrown);
        }
        String message = thrown.getMessage();
        if (message == null || (nameOrNull != null && !message.contains(nameOrNull))) {
            throw new AssertionError(name + ": the message is missing or does not name the file: " + thrown, thrown);
        }
        if (message.contains("\n") || message.contains("\r")) {
            throw new AssertionError(name + ": the message is not one line: " + thrown, thrown);
        }
    }

    /** True when {@code e} was thrown inside tensor or device allocation rather than by a reader's own check. */
    private static boolean fromAllocator(Throwable e) {
        return Arrays.stream(e.getStackTrace()).map(StackTraceElement::getClassName).anyMatch(c ->
                (c.startsWith("dev.gatun.tensor.") && !c.startsWith(MemoryBudget.class.getName()))
                        || c.startsWith("dev.gatun.device."));
    }

    /** Heap bytes this thread has allocated so far, or -1 where the JVM does not count them. */
    public static long heapAllocated() {
        if (ALLOCATED == null) {
            return -1;
        }
        try {
            return (long) ALLOCATED.invoke(THREADS);
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }
}

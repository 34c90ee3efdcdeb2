package dev.gatun.testing;

import dev.gatun.tensor.MemoryBudget;
import dev.gatun.tensor.MemoryBudgetException;
import dev.gatun.tensor.Scope;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The oracle of the readers' fuzz tests (shared with the train module's through the core's test
 * jar). Whatever the bytes, a reader returns, or refuses them with one of its own documented
 * exceptions in one line that names the file. Either way it frees every tensor it allocated, and
 * it never allocates past the memory budget: not off the heap (a {@link MemoryBudgetException}
 * from the allocator means no size check came first), and not on the heap either, where the
 * reading thread's allocations are counted.
 *
 * <p>Fuzz tests set the small budget {@link #BUDGET} for their class ({@link #enter} and
 * {@link #exit}) and a five-second {@code @Timeout} on each target ({@link #SECONDS}), which
 * Jazzer turns into libFuzzer's {@code -timeout} when fuzzing.
 */
public final class ReaderOracle {
    /** A fuzz input that takes longer than this, in seconds, is a hang. */
    public static final int SECONDS = 5;
    /** The memory budget while the fuzz tests run: far below the machine, above any valid seed. */
    public static final long BUDGET = 256L << 20;

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

    private static long savedLimit;

    private ReaderOracle() {}

    /** What a fuzz target does with one input. */
    @FunctionalInterface
    public interface Read {
        void run() throws Exception;
    }

    /** Sets the fuzzing budget ({@code @BeforeAll}); {@link #exit} restores the one before. */
    public static void enter() {
        savedLimit = MemoryBudget.limit();
        MemoryBudget.setLimit(BUDGET);
    }

    /** Restores the budget {@link #enter} replaced ({@code @AfterAll}). */
    public static void exit() {
        MemoryBudget.setLimit(savedLimit);
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

    /** Runs {@code read} (a valid input) and fails on any exception, tensor memory left, or too much allocated. */
    public static void accepts(String name, Read read) {
        Run r = new Run(name, read);
        if (r.thrown != null) {
            throw new AssertionError(name + ": a valid input was refused: " + r.thrown, r.thrown);
        }
        r.checkMemory();
    }

    /** One run of a read, with the tensor memory live and the heap allocated before it. */
    private static final class Run {
        private final String name;
        private final long liveBefore = Scope.liveBytes();
        private final long heapBefore = heapAllocated();
        private final Throwable thrown;

        Run(String name, Read read) {
            this.name = name;
            Throwable t = null;
            try {
                read.run();
            } catch (Throwable e) {
                // OutOfMemoryError and StackOverflowError too: a finding, not the end of the test run.
                t = e;
            }
            thrown = t;
        }

        void checkMemory() {
            long live = Scope.liveBytes();
            if (live != liveBefore) {
                throw new AssertionError(name + ": " + (live - liveBefore) + " bytes of tensor memory are still "
                        + "allocated after the input was read (" + liveBefore + " before, " + live + " after)");
            }
            long heap = heapAllocated() - heapBefore;
            if (heapBefore >= 0 && heap > MemoryBudget.limit()) {
                throw new AssertionError(name + ": allocated " + MemoryBudget.format(heap)
                        + " on the heap, over the memory budget of " + MemoryBudget.format(MemoryBudget.limit()), thrown);
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
    private static long heapAllocated() {
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

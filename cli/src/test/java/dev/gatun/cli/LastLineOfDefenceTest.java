package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.MemoryBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever goes wrong ends in one line on standard error and exit code 1: a model over the memory
 * budget, a JVM out of heap, a stack overflow, a malformed budget setting; and {@code --max-memory}
 * sets the budget of every command, passed on to {@code --jobs} children as their share.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // child JVMs on a loaded machine; a hang, not a speed target
class LastLineOfDefenceTest {
    private static final Path CONFIGS = Files.isDirectory(Path.of("..", "configs")) ? Path.of("..", "configs")
            : Path.of("configs");

    @TempDir
    Path dir;

    @Test
    void aConfigOverTheBudgetEndsInOneLineAndExitCode1BeforeAnythingTrains() throws Exception {
        Path big = wideMoons("big.yaml", "50000000");
        ChildRun run = ChildRun.of(dir, List.of(), "train", big.toString(), "--runs", dir.resolve("runs").toString(),
                "--max-memory", "1g");
        assertEquals(1, run.exitCode(), run.errLines().toString());
        assertEquals(1, run.errLines().size(), run.errLines().toString());
        String line = run.errLines().getFirst();
        // moons.yaml's second layer reads the 50 million units of the first: it is the largest.
        assertTrue(line.startsWith("gatun train: " + big + ": training its network (1750000098 parameters; the largest"
                + " layer is model.layers[2], dense from 50000000 to 32 units) at batch 32"), line);
        assertTrue(line.endsWith("over the memory budget of 1.00 GiB (1073741824 bytes) (set it with --max-memory or"
                + " -Dgatun.maxMemory)"), line);
        assertTrue(Files.notExists(dir.resolve("runs")), "nothing trained");
    }

    @Test
    void runningOutOfHeapEndsInOneLineAndExitCode1WithoutAStackTrace() throws Exception {
        // 20 million moons are 160 MB of coordinates on the heap: past a 48 MB heap, within any memory budget.
        Path many = Files.writeString(dir.resolve("many.yaml"), Files.readString(CONFIGS.resolve("moons.yaml"))
                .replace("n: 1000,", "n: 20000000,"));
        ChildRun run = ChildRun.of(dir, List.of("-Xmx48m"), "train", many.toString(), "--runs",
                dir.resolve("runs").toString());
        assertEquals(1, run.exitCode(), run.errLines().toString());
        assertEquals(1, run.errLines().size(), run.errLines().toString());
        String line = run.errLines().getFirst();
        assertTrue(line.startsWith("gatun train: out of memory (Java heap space) in Synthetic."), line);
        assertTrue(line.contains(": the Java heap is limited to ") && line.contains(" (-Xmx) and Gatun's memory budget is "),
                line);
    }

    @Test
    void aMalformedBudgetSettingEndsInOneLineNamingIt() throws Exception {
        ChildRun run = ChildRun.of(dir, List.of("-Dgatun.maxMemory=lots"), "info");
        assertEquals(1, run.exitCode(), run.errLines().toString());
        assertEquals(List.of("gatun info: -Dgatun.maxMemory: 'lots' is not a memory size (e.g. 512m, 8g, 1.5GiB or a"
                + " number of bytes)"), run.errLines());
    }

    @Test
    void jobsGiveEachChildItsShareOfTheBudget() throws Exception {
        // About 1.5 GiB to train: within the 2 GiB the command has, past the 1 GiB each of two children gets.
        Path wide = wideMoons("wide.yaml", "200000");
        long saved = MemoryBudget.limit();
        CliRun run = CliRun.of("train", CONFIGS.resolve("xor.json").toString(), wide.toString(), "--runs",
                dir.resolve("runs").toString(), "--epochs", "1", "--jobs", "2", "--max-memory", "2g");
        try {
            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("[1/2] xor: done"), run.out());
            assertTrue(run.out().contains("[2/2] wide: FAILED (exit 1)"), run.out());
            assertTrue(run.out().contains("over the memory budget of 1.00 GiB (1073741824 bytes)"), run.out());
        } finally {
            MemoryBudget.setLimit(saved);
        }
    }

    @Test
    void maxMemoryIsTakenByEveryCommandAndABadSizeIsAUsageError() {
        long saved = MemoryBudget.limit();
        try {
            CliRun info = CliRun.of("info", "--max-memory", "3g");
            assertEquals(0, info.exitCode(), info.err());
            assertTrue(info.out().contains("memory:   budget 3.00 GiB (3221225472 bytes)"), info.out());
            assertEquals(3L << 30, MemoryBudget.limit());
            CliRun before = CliRun.of("--max-memory", "1.5g", "info");
            assertTrue(before.out().contains("budget 1.50 GiB"), before.out());
            CliRun bad = CliRun.of("eval", "--max-memory", "3 apples", "run");
            assertEquals(2, bad.exitCode());
            assertTrue(bad.err().startsWith("Invalid value for option '--max-memory': '3 apples' is not a memory size"),
                    bad.err());
        } finally {
            MemoryBudget.setLimit(saved);
        }
    }

    @Test
    void aStackOverflowIsOneLineSayingWhereAndHowToRaiseTheStack() {
        StackOverflowError e = null;
        try {
            deep.applyAsInt(0);
        } catch (StackOverflowError overflow) {
            e = overflow;
        }
        assertTrue(e != null, "the recursion overflowed");
        String line = FailureLine.of(e);
        assertEquals("stack overflow: the calls nest deeper than the thread's stack allows (-Xss sets its size)", line);
        assertEquals("two; lines", FailureLine.of(new IllegalStateException("two\n  lines")));
    }

    private final IntUnaryOperator deep = new IntUnaryOperator() {
        @Override
        public int applyAsInt(int depth) {
            return applyAsInt(depth + 1) + 1;
        }
    };

    private Path wideMoons(String name, String units) throws IOException {
        String moons = Files.readString(CONFIGS.resolve("moons.yaml"));
        String wide = moons.replaceFirst("units: 32}", "units: " + units + "}");
        assertTrue(!wide.equals(moons));
        return Files.writeString(dir.resolve(name), wide.replace("name: moons", "name: " + name.replace(".yaml", "")));
    }
}

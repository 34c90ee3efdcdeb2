package dev.gatun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigException;
import dev.gatun.config.ConfigLoader;
import dev.gatun.config.LayerConfig;
import dev.gatun.config.SearchSpace;
import dev.gatun.tracking.RunLineage;
import dev.gatun.tracking.RunState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Sweeps run with an analytic stand-in for training (the value is a function of the proposed
 * values, reported over a few "epochs"), so that resuming, pruning and parallel workers are
 * checked exactly and fast.
 */
class SweepTest {
    @TempDir
    Path tmp;

    private static final String CONFIG = """
            name: quad
            seed: 5
            data: {source: synthetic, kind: xor, n: 200, validation: 0.2}
            model:
              layers:
                - {type: dense, units: 8}
                - {type: tanh}
                - {type: dense, units: 2}
            optimizer: {type: adam, lr: 0.01}
            training: {epochs: 5, batch: 16}
            search:
              method: tpe
              trials: 16
              startup_trials: 5
              %s
              params:
                optimizer.lr: {type: loguniform, low: 1.0e-4, high: 1}
                model.layers[0].units: {type: int, low: 2, high: 64, log: true}
                model.layers[1].type: [tanh, relu, sigmoid]
            """;

    private static JsonNode tree(String extra) {
        return ConfigLoader.parseYaml(CONFIG.formatted(extra), "test");
    }

    /** The stand-in objective: best at lr 0.01, 16 units, tanh. */
    private static double objective(Trial t) {
        double lr = Math.log10(t.config().optimizer().lr()) + 2;
        double units = Math.log(((LayerConfig.Dense) t.config().model().layers().get(0)).units() / 16.0);
        boolean tanh = t.config().model().layers().get(1).equals(new LayerConfig.Activation("tanh"));
        return 0.1 + lr * lr + units * units + (tanh ? 0 : 0.5);
    }

    /** Reports a metric falling towards the objective over 5 epochs, then finishes with it. */
    private static TrialResult simulate(Trial t) {
        double v = objective(t);
        for (int e = 1; e <= 5; e++) {
            t.monitor().epochEnded(e, v * (1 + 1.0 / e));
        }
        return new TrialResult(RunState.FINISHED, v, null, "");
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    @Test
    void aSweepRunsItsTrialsAndSavesEachInItsFolder() throws Exception {
        Sweep s = Sweep.start(tree(""), "file", tmp);
        assertTrue(s.folder().getFileName().toString().startsWith("quad-sweep-"), s.folder().toString());
        assertEquals(new RunLineage(null, "parent", java.util.Map.of("kind", "sweep", "method", "tpe")),
                RunLineage.read(s.folder()));
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        List<TrialRecord> trials = s.run(1, SweepTest::simulate, new PrintStream(lines, true, StandardCharsets.UTF_8));
        assertEquals(16, trials.size());
        assertEquals(16, SweepState.read(s.folder()).trials().size());
        assertTrue(trials.stream().allMatch(t -> t.state() == RunState.FINISHED && t.epochs() == 5));
        String out = lines.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("[1/16 ended] trial 0 finished val_loss "), out);
        assertEquals(16, out.lines().count());
        assertTrue(Files.isRegularFile(s.folder().resolve("logs/trial-015.log")));
    }

    @Test
    void anInterruptedSweepResumesWithoutRepeatingTrialsAndEndsAsTheUninterruptedOne() throws Exception {
        for (String pruner : List.of("", "pruner: {type: median, warmup_epochs: 1, startup_trials: 3}")) {
            Path a = Files.createDirectories(tmp.resolve("a" + pruner.length()));
            Path b = Files.createDirectories(tmp.resolve("b" + pruner.length()));
            List<TrialRecord> whole = Sweep.start(tree(pruner), "f", a).run(1, SweepTest::simulate, quiet());

            Sweep s = Sweep.start(tree(pruner), "f", b);
            AtomicInteger started = new AtomicInteger();
            // Killed during the 8th trial, after its second epoch: 7 trials were saved.
            Error killed = assertThrows(Error.class, () -> s.run(1, t -> {
                if (started.incrementAndGet() == 8) {
                    t.monitor().epochEnded(1, 0.0);
                    t.monitor().epochEnded(2, 0.0);
                    throw new Error("killed");
                }
                return simulate(t);
            }, quiet()));
            assertEquals("killed", killed.getMessage());
            assertEquals(7, SweepState.read(s.folder()).trials().size());

            Sweep resumed = Sweep.open(s.folder(), tree(pruner), "f");
            assertEquals(9, resumed.remaining());
            Set<Integer> ran = new HashSet<>();
            List<TrialRecord> rest = resumed.run(1, t -> {
                ran.add(t.number());
                return simulate(t);
            }, quiet());
            assertEquals(Set.of(7, 8, 9, 10, 11, 12, 13, 14, 15), ran, "only the trials not saved run again");
            assertEquals(whole, rest, pruner);
            if (!pruner.isEmpty()) {
                assertTrue(whole.stream().anyMatch(t -> t.state() == RunState.PRUNED), "the median pruner stopped some");
            }
        }
    }

    @Test
    void theMedianPrunerStopsTrialsAndTheyKeepTheirLastValue() throws Exception {
        Sweep s = Sweep.start(tree("pruner: {type: median, warmup_epochs: 1, startup_trials: 3}"), "f", tmp);
        List<TrialRecord> trials = s.run(1, SweepTest::simulate, quiet());
        List<TrialRecord> pruned = trials.stream().filter(t -> t.state() == RunState.PRUNED).toList();
        assertFalse(pruned.isEmpty());
        for (TrialRecord t : pruned) {
            assertTrue(t.epochs() >= 2 && t.epochs() < 5, "pruned after " + t.epochs() + " epochs");
            assertEquals(t.epochValues().getLast(), t.value());
            assertTrue(t.note().startsWith("pruned after epoch " + t.epochs() + ": val_loss "), t.note());
        }
        // The first 3 trials finish: nothing to compare with before.
        assertTrue(trials.subList(0, 3).stream().allMatch(t -> t.state() == RunState.FINISHED));
    }

    @Test
    void workersRunTrialsSideBySideEachOnce() throws Exception {
        Sweep s = Sweep.start(tree("pruner: {type: asha, min_epochs: 1, reduction_factor: 3}"), "f", tmp);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<TrialRecord> trials = s.run(4, t -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
                return simulate(t);
            } finally {
                running.decrementAndGet();
            }
        }, quiet());
        assertEquals(16, trials.size());
        assertEquals(16, trials.stream().map(TrialRecord::number).distinct().count());
        assertTrue(most.get() > 1 && most.get() <= 4, "at most " + most.get() + " at once");
        assertEquals(trials, Sweep.open(s.folder()).trials());
    }

    @Test
    void randomSearchWithAPrunerIsASweepDrawingWhatRandomSearchDraws() throws Exception {
        JsonNode random = ConfigLoader.parseYaml(CONFIG.formatted("pruner: {type: asha}").replace("method: tpe",
                "method: random").replace("  startup_trials: 5\n", ""), "t");
        assertTrue(SweepSettings.isSweep(random));
        Sweep s = Sweep.start(random, "f", tmp);
        List<TrialRecord> trials = s.run(2, SweepTest::simulate, quiet());
        RandomSampler sampler = new RandomSampler(s.settings().params(), 5);
        for (TrialRecord t : trials) {
            assertEquals(sampler.propose(t.number(), List.of()), t.params());
        }
        assertTrue(trials.stream().anyMatch(t -> t.state() == RunState.PRUNED));
    }

    @Test
    void aFailingTrialIsRecordedAndTheSweepGoesOn() throws Exception {
        Sweep s = Sweep.start(tree(""), "f", tmp);
        List<TrialRecord> trials = s.run(1, t -> {
            if (t.number() == 2) {
                throw new IllegalStateException("diverged at epoch 3");
            }
            return simulate(t);
        }, quiet());
        TrialRecord failed = trials.get(2);
        assertEquals(RunState.FAILED, failed.state());
        assertEquals("diverged at epoch 3", failed.note());
        assertNull(failed.runOrNull());
        assertTrue(Double.isNaN(failed.value()));
        assertEquals(16, trials.size());
    }

    @Test
    void badSweepsAreRefusedBeforeAnyTrialWithThePathAtFault() {
        assertPath("search.trials", CONFIG.formatted("").replace("trials: 16", "trials: 0"));
        assertPath("search.metric", CONFIG.formatted("").replace("validation: 0.2", "validation: 0"));
        assertPath("search.params.model.layers[5].units", CONFIG.formatted("").replace("layers[0]", "layers[5]"));
        assertPath("search.params.backend", CONFIG.formatted("").replace("model.layers[1].type:", "backend:"));
        assertPath("search.startup_trials", CONFIG.formatted("").replace("method: tpe", "method: random")
                + "  pruner: {type: median}\n");
        assertPath("search.pruner.warmup", CONFIG.formatted("pruner: {type: median, warmup: 2}"));
        ConfigException e = assertThrows(ConfigException.class, () -> Sweep.start(tree("metric: val_mse"), "f", tmp));
        assertEquals("search.metric", e.path());
    }

    private void assertPath(String path, String yaml) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Sweep.start(ConfigLoader.parseYaml(yaml, "t"), "f", tmp));
        assertEquals(path, e.path(), e.getMessage());
    }

    @Test
    void aSweepFolderContinuesOnlyTheConfigItSearched() throws Exception {
        Sweep s = Sweep.start(tree(""), "f", tmp);
        JsonNode other = tree("").deepCopy();
        ((tools.jackson.databind.node.ObjectNode) other.get("training")).put("epochs", 9);
        ConfigException e = assertThrows(ConfigException.class, () -> Sweep.open(s.folder(), other, "f"));
        assertTrue(e.getMessage().contains("this sweep searched another config (its training differ)"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> Sweep.open(tmp));
        assertTrue(missing.getMessage().contains("not a sweep folder"), missing.getMessage());
    }

    @Test
    void aSweepIsNotExpandedUpFrontAndRandomSearchTakesTheNewKinds() {
        ConfigException e = assertThrows(ConfigException.class, () -> SearchSpace.expand(tree(""), "f"));
        assertEquals("search.method", e.path());
        JsonNode random = ConfigLoader.parseYaml(CONFIG.formatted("").replace("method: tpe", "method: random")
                .replace("  startup_trials: 5\n", ""), "t");
        var trials = SearchSpace.expand(random, "f");
        assertEquals(16, trials.size());
        for (var t : trials) {
            int units = ((LayerConfig.Dense) t.model().layers().get(0)).units();
            assertTrue(units >= 2 && units <= 64 && t.optimizer().lr() >= 1e-4 && t.optimizer().lr() <= 1, t.name());
        }
    }
}

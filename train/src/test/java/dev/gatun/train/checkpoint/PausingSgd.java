package dev.gatun.train.checkpoint;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Parameter;
import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Plain SGD that, given a run folder, stops for good inside the save of epoch 2: a checkpoint
 * reads the optimizer's settings after it has written the tensor files into its temporary
 * folder, so a process killed there leaves what a {@code kill -9} during a real save leaves.
 */
final class PausingSgd extends Optimizer {
    static final String PAUSED = "paused inside the save of epoch 2";

    private final Path pauseInOrNull;

    PausingSgd(List<Parameter> parameters, double lr, Path pauseInOrNull) {
        super(parameters, lr);
        this.pauseInOrNull = pauseInOrNull;
    }

    @Override
    protected Map<String, Double> ownHyperparameters() {
        if (pauseInOrNull != null && savingEpochTwo()) {
            System.out.println(PAUSED);
            System.out.flush();
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return Map.of();
    }

    private boolean savingEpochTwo() {
        try (Stream<Path> s = Files.list(pauseInOrNull.resolve(Checkpoint.DIRECTORY))) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(".epoch-0002."));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void update(int index, Tensor weight, Tensor grad, int step) {
        BackendRegistry.of(weight).sgdStep(weight, grad, null, learningRate(), 0, 0, 0, false, false);
    }
}

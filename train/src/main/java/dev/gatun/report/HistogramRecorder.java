package dev.gatun.report;

import dev.gatun.nn.Parameter;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.callbacks.EpochContext;
import dev.gatun.train.metrics.IoReason;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * After each epoch, histograms every parameter's weights and its gradient (the last batch's: the
 * trainer zeroes gradients before each backward pass, not after, and evaluation records none)
 * and rewrites {@code histograms.json}. A run resumed in the same folder keeps the epochs
 * recorded before the one it restarts from.
 */
public final class HistogramRecorder implements Callback {
    private final RunFolder folder;
    private final int bins;
    private final List<HistogramsFile.EpochHistograms> epochs = new ArrayList<>();

    /**
     * Records into {@code folder} with {@code bins} bins per histogram.
     *
     * @param folder the run folder
     * @param bins the bins per histogram
     */
    public HistogramRecorder(RunFolder folder, int bins) {
        if (folder == null) {
            throw new IllegalArgumentException("folder must not be null");
        }
        if (bins < 1 || bins > 10_000) {
            throw new IllegalArgumentException("histogram bins must be in [1, 10000], got " + bins);
        }
        this.folder = folder;
        this.bins = bins;
        if (Files.exists(folder.path().resolve(HistogramsFile.FILE))) {
            epochs.addAll(HistogramsFile.read(folder.path()));
        }
    }

    @Override
    public void onEpochEnd(EpochContext context) {
        List<Histogram> layers = new ArrayList<>();
        for (Parameter p : context.trainer().model().parameters()) {
            layers.add(Histogram.of(p.name(), Histogram.WEIGHT, p.tensor().toDoubleArray(), bins));
            if (p.grad() != null) {
                layers.add(Histogram.of(p.name(), Histogram.GRAD, p.grad().toDoubleArray(), bins));
            }
        }
        // A resumed run replays from its checkpoint: what was recorded after it is superseded.
        epochs.removeIf(e -> e.epoch() >= context.epoch());
        epochs.add(new HistogramsFile.EpochHistograms(context.epoch(), layers));
        try {
            HistogramsFile.write(folder, epochs);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + HistogramsFile.FILE + " to " + folder + ": "
                    + IoReason.of(e), e);
        }
    }

    /** {@return the epochs recorded so far (including any found in the folder at construction)} */
    public List<HistogramsFile.EpochHistograms> epochs() {
        return List.copyOf(epochs);
    }
}

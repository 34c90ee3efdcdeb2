package dev.gatun.predict;

import dev.gatun.autograd.Autograd;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A trained network ready to answer: raw examples in as float rows, class probabilities (a
 * classifier) or predicted values (regression) out.
 *
 * <pre>{@code
 * try (Predictor p = TrainedModel.predictor(Path.of("runs/mlp-20250101-120000"))) {
 *     Prediction best = p.classify(pixels);          // pixels: float[784]
 *     float[] probabilities = p.predict(pixels);     // one per class
 * }
 * }</pre>
 *
 * <p><b>Rows and tensors.</b> A {@code float[]} row is one raw example, {@link #inputSize()}
 * values in row-major order of {@link #inputShape()}; the predictor applies the preprocessing the
 * network was trained with ({@link FeatureTransform}) before running it. A {@link Tensor} batch
 * ({@link #predictPreprocessed}) is taken as the network's own input: it is not preprocessed again.
 *
 * <p><b>Threads.</b> A predictor is safe to share: any number of threads may call it at once, and
 * each call returns exactly (to the bit) what the same call returns alone. The network stays in
 * evaluation mode and is only read; each call runs with gradients off, in a {@link Scope} of its
 * own on the calling thread that is freed before it returns, and returns plain arrays. Do not
 * train or change the network while a predictor holds it. The network runs where its parameters
 * are: {@code TrainedModel.predictor} loads them on the host, where the above is tested on the
 * cpu and scalar backends.
 *
 * <p><b>Memory.</b> The predictor owns its network's tensors (in a {@link Scope#detach() detached}
 * scope) and frees them in {@link #close()}, which any thread may call: it waits for calls in
 * progress, and later calls throw {@link IllegalStateException}.
 */
public final class Predictor implements AutoCloseable {
    /**
     * A network and what using it takes.
     *
     * @param module the network, its tensors in the scope current while the {@link Loader} runs
     * @param input one example's shape, as the network reads it (without the batch axis)
     * @param preprocessing what turns a raw example into the network's input
     * @param classNames one name per output class; empty for a regression network
     */
    public record Network(Module module, int[] input, FeatureTransform preprocessing, List<String> classNames) {
        /** Copies the shape and class names and checks that the network is complete. */
        public Network {
            input = input.clone();
            classNames = List.copyOf(classNames);
            if (module == null || preprocessing == null) {
                throw new IllegalArgumentException("a network needs its module and a preprocessing (FeatureTransform.NONE)");
            }
            if (input.length == 0 || Arrays.stream(input).anyMatch(d -> d < 1)) {
                throw new IllegalArgumentException("input shape must have dimensions > 0, got " + Arrays.toString(input));
            }
        }

        /** {@return one example's shape, as the network reads it} */
        @Override
        public int[] input() {
            return input.clone();
        }
    }

    /** Builds or reads a network; whatever tensors it makes belong to the predictor. */
    @FunctionalInterface
    public interface Loader {
        /**
         * Builds or reads the network.
         *
         * @return the network
         * @throws IOException if the loader fails to read the network
         */
        Network load() throws IOException;
    }

    private final String name;
    private final Scope memory;
    private final Module module;
    private final Device device;
    private final int[] input;
    private final int inputSize;
    private final FeatureTransform preprocessing;
    private final List<String> classNames;
    // Calls share the read lock; close() takes the write lock, so it waits for them.
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private Predictor(String name, Scope memory, Network network) {
        this.name = name;
        this.memory = memory;
        this.module = network.module();
        this.input = network.input();
        this.inputSize = Math.toIntExact(Shape.checkedSize(input));
        this.preprocessing = network.preprocessing();
        this.classNames = network.classNames();
        for (Parameter p : module.state()) {
            if (p.tensor().scope() != memory) {
                throw new IllegalArgumentException("predictor '" + name + "': tensor '" + p.name() + "' lives in scope '"
                        + p.tensor().scope().name() + "'; build or load the network inside the Loader");
            }
        }
        module.train(false);
        this.device = module.device();
    }

    /**
     * A predictor owning the network {@code loader} returns: the loader runs with a fresh scope
     * current, so the network's parameters (and anything else it allocates) belong to the
     * predictor until {@link #close()}. {@code name} appears in errors.
     *
     * @param name a name for error messages
     * @param loader builds or reads the network
     * @return the predictor
     * @throws IOException if the loader fails to read the network
     */
    public static Predictor load(String name, Loader loader) throws IOException {
        Scope memory = Scope.open("predictor " + name);
        try {
            Network network = loader.load();
            memory.detach();
            return new Predictor(name, memory, network);
        } catch (IOException | RuntimeException | Error e) {
            memory.close();
            throw e;
        }
    }

    /** {@return the name given at loading (a run folder's path, say), as errors show it} */
    public String name() {
        return name;
    }

    /** {@return one example's shape as the network reads it} */
    public int[] inputShape() {
        return input.clone();
    }

    /** {@return the values in one example's row: the product of {@link #inputShape()}} */
    public int inputSize() {
        return inputSize;
    }

    /** {@return whether this is a classifier, whose outputs are class probabilities} */
    public boolean classification() {
        return !classNames.isEmpty();
    }

    /** {@return one name per class; empty for regression} */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * The class probabilities (a classifier) or predicted values of one raw example.
     *
     * @param row one raw example's values
     * @return the class probabilities or predicted values
     */
    public float[] predict(float[] row) {
        return rows(run(prepare(new float[][] {row}), 1))[0];
    }

    /**
     * {@link #predict(float[])} of each row, as one batch.
     *
     * @param rows raw examples, one per row
     * @return the class probabilities or predicted values, one row per example
     */
    public float[][] predict(float[][] rows) {
        return rows.length == 0 ? new float[0][] : rows(run(prepare(rows), rows.length));
    }

    /**
     * The class probabilities or values of a batch already in the network's input form: float32 of
     * shape {@code [n, ...inputShape()]}, on any device, preprocessed (this method does not
     * preprocess it). The tensor stays the caller's.
     *
     * @param batch the batch [n, ...inputShape()], float32
     * @return one row of outputs per example
     */
    public float[][] predictPreprocessed(Tensor batch) {
        int[] want = withBatch(batch.rank() == 0 ? -1 : batch.dim(0));
        if (batch.dtype() != DType.FLOAT32 || !Arrays.equals(batch.shape(), want)) {
            throw new IllegalArgumentException(where() + "expected a float32 batch of shape [n, "
                    + Shape.str(input).substring(1) + ", got " + batch.describe());
        }
        int count = want[0];
        return count == 0 ? new float[0][] : rows(run(count, () -> batch));
    }

    /**
     * The most probable class of one raw example.
     *
     * @param row one raw example's values
     * @return the predicted class
     */
    public Prediction classify(float[] row) {
        requireClasses();
        return classes(run(prepare(new float[][] {row}), 1)).getFirst();
    }

    /**
     * {@link #classify(float[])} of each row, as one batch.
     *
     * @param rows raw examples, one per row
     * @return the predicted classes, one per row
     */
    public List<Prediction> classify(float[][] rows) {
        requireClasses();
        return rows.length == 0 ? List.of() : classes(run(prepare(rows), rows.length));
    }

    /** Frees the network; waits for calls in progress. Closing twice is a no-op. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                memory.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "Predictor[" + name + ", input " + Shape.str(input) + ", "
                + (classification() ? classNames.size() + " classes" : "regression") + "]";
    }

    /** The network's outputs for a batch, row-major [count, width]: logits or values. */
    private record Outputs(double[] values, int count, int width) {}

    /** The rows, checked and preprocessed, flat. */
    private float[] prepare(float[][] rows) {
        float[] flat = new float[Math.multiplyExact(rows.length, inputSize)];
        for (int i = 0; i < rows.length; i++) {
            float[] row = rows[i];
            if (row == null || row.length != inputSize) {
                throw new IllegalArgumentException(where() + (rows.length == 1 ? "the example" : "row " + i) + " has "
                        + (row == null ? "no" : row.length) + " values, expected " + inputSize + " (input shape "
                        + Shape.str(input) + ")");
            }
            System.arraycopy(row, 0, flat, i * inputSize, inputSize);
        }
        float[] x = preprocessing.apply(flat);
        if (x.length != flat.length) {
            throw new IllegalStateException(where() + "the preprocessing turned " + flat.length + " values into "
                    + x.length);
        }
        return x;
    }

    private Outputs run(float[] x, int count) {
        return run(count, () -> Tensor.of(x, withBatch(count)));
    }

    /** Runs the network on the batch {@code batch} makes inside the call's own scope. */
    private Outputs run(int count, Supplier<Tensor> batch) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(where() + "the predictor is closed");
            }
            try (Scope call = Scope.open("predict " + name); Autograd.NoGrad off = Autograd.noGrad()) {
                Tensor out = module.forward(batch.get().to(device));
                double[] values = out.contiguous().toDoubleArray();
                if (out.rank() == 0 || out.dim(0) != count || values.length == 0) {
                    throw new IllegalStateException(where() + "the network gave " + out.describe() + " for a batch of "
                            + count);
                }
                int width = values.length / count;
                if (classification() && width != classNames.size()) {
                    throw new IllegalStateException(where() + "the network gives " + width + " outputs per example but "
                            + "has " + classNames.size() + " class names");
                }
                return new Outputs(values, count, width);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private float[][] rows(Outputs o) {
        float[][] rows = new float[o.count()][o.width()];
        for (int i = 0; i < o.count(); i++) {
            int from = i * o.width();
            if (classification()) {
                double[] p = ClassProbabilities.softmax(o.values(), from, o.width());
                for (int c = 0; c < o.width(); c++) {
                    rows[i][c] = (float) p[c];
                }
            } else {
                for (int c = 0; c < o.width(); c++) {
                    rows[i][c] = (float) o.values()[from + c];
                }
            }
        }
        return rows;
    }

    private void requireClasses() {
        if (!classification()) {
            throw new IllegalStateException(where() + "a regression network has no classes; use predict");
        }
    }

    private List<Prediction> classes(Outputs o) {
        List<Prediction> out = new ArrayList<>(o.count());
        for (int i = 0; i < o.count(); i++) {
            int from = i * o.width();
            int best = ClassProbabilities.best(o.values(), from, o.width());
            float p = (float) ClassProbabilities.softmax(o.values(), from, o.width())[best];
            out.add(new Prediction(best, classNames.get(best), p));
        }
        return out;
    }

    private int[] withBatch(int count) {
        int[] s = new int[input.length + 1];
        s[0] = count;
        System.arraycopy(input, 0, s, 1, input.length);
        return s;
    }

    private String where() {
        return "predictor '" + name + "': ";
    }
}

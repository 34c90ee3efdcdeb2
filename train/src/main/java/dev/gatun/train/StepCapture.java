package dev.gatun.train;

import dev.gatun.device.DeviceGraph;
import dev.gatun.device.DeviceRuntime;
import dev.gatun.device.DeviceRuntimes;
import dev.gatun.device.GraphCaptureException;
import dev.gatun.optim.Optimizer;
import dev.gatun.optim.OptimizerState;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs training steps as device graphs (CUDA Graphs) where it can: a few eager warm-up steps until
 * the inputs' shapes and the learning rate repeat, then one capture, then replays. Before each
 * replay the inputs are copied into the captured step's fixed input buffers; the step's outputs
 * are the captured ones, at fixed addresses, overwritten by each replay.
 *
 * <p>A step runs eagerly instead, and the reason is logged once, when:
 * <ul>
 *   <li>the device cannot capture (the host: CUDA graphs need a CUDA device);</li>
 *   <li>the inputs' shapes differ from the captured ones (the last, partial batch): only steps of
 *       the captured shapes replay, the others run eagerly;</li>
 *   <li>the step synchronizes with the host inside (a read such as {@code item()}) or issues an op a
 *       graph cannot replay (dropout's host seed): the capture is abandoned and graphs are off for good.</li>
 * </ul>
 * A changed learning rate (a schedule) is baked into the graph: the graph is dropped and a new one
 * captured after the next warm-up. The optimizer keeps its step count on the device ({@link
 * Optimizer#keepStepCountOnDevice()}), so Adam's bias correction advances under replay.
 *
 * <p>The step must do all its work on the device through tensor ops; Java-side effects of the step
 * body (counters, logging) happen once, at capture, not at each replay.
 */
public final class StepCapture implements AutoCloseable {
    /** Eager steps of the same shapes before the capture. */
    public static final int DEFAULT_WARMUP_STEPS = 3;

    /** What {@link #step} did with one step. */
    public enum Mode {
        /** Ran eagerly: warming up, or graphs are not used for this step. */
        EAGER,
        /** Captured the step as a graph and launched it once. */
        CAPTURED,
        /** Launched the captured graph. */
        REPLAYED
    }

    private final Device device;
    private final Optimizer optimizer;
    private final int warmupSteps;
    private final Consumer<String> log;
    private final Set<String> logged = new HashSet<>();
    private String disabled;
    private Signature last;
    private int stableSteps;
    private Signature captured;
    private DeviceGraph graph;
    private Scope graphScope;
    private Tensor[] staticInputs;
    private Tensor[] staticOutputs;
    private Mode lastMode;
    private int replays;

    /**
     * Graph capture for steps on {@code device} that update {@code optimizer}.
     *
     * @param device the device the step runs on
     * @param optimizer the optimizer the step calls; its step count moves to the device
     * @param warmupSteps eager steps of the same shapes before the capture, at least 1
     * @param log where the reason for each kind of fallback goes, once
     */
    public StepCapture(Device device, Optimizer optimizer, int warmupSteps, Consumer<String> log) {
        if (warmupSteps < 1) {
            throw new IllegalArgumentException("cuda graphs: warm-up steps must be >= 1, got " + warmupSteps);
        }
        this.device = device;
        this.optimizer = optimizer;
        this.warmupSteps = warmupSteps;
        this.log = log;
        String refusal = device.isHost() ? "CUDA graphs need a CUDA device; training runs on " + device
                : DeviceRuntimes.of(device).captureRefusal();
        if (refusal != null) {
            disable(refusal);
        } else {
            optimizer.keepStepCountOnDevice();
        }
    }

    /**
     * One training step: {@code body} maps the step's inputs, on the device, to its outputs (loss,
     * predictions), doing forward, backward and the optimizer step. The inputs may be on any
     * device; they are moved (eager) or copied into the graph's input buffers (replay).
     *
     * @param inputs the step's inputs, e.g. features and labels
     * @param body the step, from device inputs to device outputs
     * @return the outputs, on the device; after a capture or replay, the graph's fixed outputs
     */
    public Tensor[] step(Tensor[] inputs, Function<Tensor[], Tensor[]> body) {
        Signature signature = new Signature(inputs, optimizer.learningRate());
        if (disabled != null) {
            return eager(inputs, body);
        }
        if (graph != null) {
            if (signature.equals(captured)) {
                return replay(inputs);
            }
            if (signature.sameShapes(captured)) {
                report("learning rate", "cuda graphs: the learning rate changed from " + captured.learningRate
                        + " to " + signature.learningRate + ", which the graph holds: capturing again after "
                        + warmupSteps + " eager steps");
                dropGraph();
            } else {
                report("shape " + signature.shapes(), "cuda graphs: inputs " + signature.shapes()
                        + " differ from the captured " + captured.shapes() + ": steps of these shapes run eagerly");
                return eager(inputs, body);
            }
        }
        stableSteps = signature.equals(last) ? stableSteps + 1 : 1;
        last = signature;
        if (stableSteps <= warmupSteps) {
            return eager(inputs, body);
        }
        return capture(signature, inputs, body);
    }

    /** {@return the optimizer whose steps this captures} */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** {@return what the last {@link #step} did, or null before the first} */
    public Mode lastMode() {
        return lastMode;
    }

    /** {@return why graphs are off for good, or null while they are used} */
    public String disabledReason() {
        return disabled;
    }

    /** {@return the replays so far (not counting the launch right after a capture)} */
    public int replays() {
        return replays;
    }

    /** {@return whether a captured graph is held} */
    public boolean hasGraph() {
        return graph != null;
    }

    /** Closes the graph and frees its buffers; later steps capture again. */
    @Override
    public void close() {
        dropGraph();
    }

    private Tensor[] eager(Tensor[] inputs, Function<Tensor[], Tensor[]> body) {
        lastMode = Mode.EAGER;
        Tensor[] onDevice = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            onDevice[i] = inputs[i].to(device);
        }
        return body.apply(onDevice);
    }

    private Tensor[] replay(Tensor[] inputs) {
        for (int i = 0; i < inputs.length; i++) {
            staticInputs[i].copyFrom(inputs[i].detach());
        }
        graph.launch();
        optimizer.countReplayedStep();
        replays++;
        lastMode = Mode.REPLAYED;
        return staticOutputs.clone();
    }

    private Tensor[] capture(Signature signature, Tensor[] inputs, Function<Tensor[], Tensor[]> body) {
        DeviceRuntime runtime = DeviceRuntimes.of(device);
        OptimizerState before = optimizer.state();
        Scope scope = Scope.open("captured training step");
        try {
            Tensor[] in = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                in[i] = inputs[i].detach().to(device);
            }
            runtime.beginCapture();
            Tensor[] out;
            try {
                out = body.apply(in);
                graph = runtime.endCapture();
            } catch (RuntimeException | Error e) {
                // Nothing recorded has run: only the host's step count moved, and it goes back.
                runtime.abortCapture();
                optimizer.loadState(before, Map.of());
                if (!(e instanceof GraphCaptureException refused)) {
                    throw e;
                }
                disable(refused.getMessage());
                out = null;
            }
            if (out != null) {
                graph.launch();
                graphScope = scope.detach();
                captured = signature;
                staticInputs = in;
                staticOutputs = out;
                lastMode = Mode.CAPTURED;
                report("captured " + signature.shapes(), "cuda graphs: captured the training step for inputs "
                        + signature.shapes() + " (" + graph.operations() + " operations); it replays from now on");
                return out.clone();
            }
        } finally {
            if (graphScope != scope) {
                scope.close();
            }
        }
        return eager(inputs, body);
    }

    private void disable(String reason) {
        disabled = reason;
        report("disabled", "cuda graphs off, training steps run eagerly: " + reason);
    }

    private void dropGraph() {
        if (graph != null) {
            graph.close();
            graph = null;
        }
        if (graphScope != null) {
            graphScope.close();
            graphScope = null;
        }
        captured = null;
        staticInputs = null;
        staticOutputs = null;
        last = null;
        stableSteps = 0;
    }

    private void report(String kind, String message) {
        if (logged.add(kind)) {
            log.accept(message);
        }
    }

    /** The inputs' shapes and dtypes plus the learning rate: what a graph is valid for. */
    private record Signature(List<String> inputs, double learningRate) {
        Signature(Tensor[] tensors, double learningRate) {
            this(Arrays.stream(tensors).map(Tensor::describe).toList(), learningRate);
        }

        boolean sameShapes(Signature other) {
            return inputs.equals(other.inputs);
        }

        String shapes() {
            return String.join(", ", inputs);
        }
    }
}

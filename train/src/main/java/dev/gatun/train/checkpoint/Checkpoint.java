package dev.gatun.train.checkpoint;

import dev.gatun.io.MalformedUtf8Exception;
import dev.gatun.io.SafetensorsReader;
import dev.gatun.io.SafetensorsWriter;
import dev.gatun.io.Utf8Text;
import dev.gatun.nn.Dropout;
import dev.gatun.nn.Module;
import dev.gatun.optim.Optimizer;
import dev.gatun.optim.OptimizerState;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Trainer;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.callbacks.StatefulCallback;
import dev.gatun.train.metrics.EpochMetrics;
import dev.gatun.train.metrics.MetricsLog;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A training run saved after an epoch, in a directory {@code checkpoints/epoch-NNNN/} of its run
 * folder:
 * <ul>
 *   <li>{@code model.safetensors}: the model's {@link Module#state() state} (weights and buffers);
 *   <li>{@code optimizer.safetensors}: {@link Optimizer#stateTensors()} (moments, momentum);
 *   <li>{@code callbacks.safetensors}: tensors of {@link StatefulCallback}s, named
 *       {@code <state key>/<name>} (early stopping's best weights);
 *   <li>{@code checkpoint.json}: format version ({@value #VERSION}), epoch, the caller's model
 *       config (any JSON object), optimizer name, step, learning rate and hyperparameters, the
 *       callbacks' scalar state, the random state (seeds the caller names, each dropout's mask
 *       counter), the metrics history, and each tensor file's size and SHA-256.
 * </ul>
 * Doubles are written in shortest round-trip form, so they read back bit for bit; ±∞ and NaN,
 * which JSON lacks, are the strings {@code "Infinity"}, {@code "-Infinity"}, {@code "NaN"}.
 *
 * <p>{@link #save} publishes the directory atomically. {@link #load} checks everything (JSON
 * fields and version, file sizes and hashes, safetensors headers, tensor names, dtypes and shapes)
 * before it copies the weights into the model, then {@link Trainer#resume} restores the rest.
 */
public final class Checkpoint {
    /** The {@code checkpoint.json} format version this build writes and reads. */
    public static final int VERSION = 1;
    /** The value of the {@code format} field. */
    public static final String FORMAT = "gatun-checkpoint";
    /** The subdirectory of a run folder holding checkpoints. */
    public static final String DIRECTORY = "checkpoints";
    /** The checkpoint's description file. */
    public static final String JSON_FILE = "checkpoint.json";
    /** The model's weights and buffers. */
    public static final String MODEL_FILE = "model.safetensors";
    /** The optimizer's state tensors. */
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    /** The stateful callbacks' tensors. */
    public static final String CALLBACKS_FILE = "callbacks.safetensors";

    private static final List<String> TENSOR_FILES = List.of(MODEL_FILE, OPTIMIZER_FILE, CALLBACKS_FILE);
    // checkpoint.json holds the history and small state; anything near this is not ours.
    private static final long MAX_JSON_BYTES = 64L << 20;
    private static final List<String> HISTORY_FIELDS = List.of(MetricsLog.CSV_HEADER.split(","));
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path directory;
    private final int epoch;
    private final JsonNode modelConfig;
    private final OptimizerState optimizer;
    private final Map<String, Double> hyperparameters;
    private final Map<String, Tensor> optimizerTensors;
    private final Map<String, Map<String, Double>> callbackStates;
    private final Map<String, Map<String, Tensor>> callbackTensors;
    private final Map<String, Long> seeds;
    private final Map<String, Long> dropoutDraws;
    private final List<EpochMetrics> history;

    private Checkpoint(Path directory, int epoch, JsonNode modelConfig, OptimizerState optimizer,
            Map<String, Double> hyperparameters, Map<String, Tensor> optimizerTensors,
            Map<String, Map<String, Double>> callbackStates, Map<String, Map<String, Tensor>> callbackTensors,
            Map<String, Long> seeds, Map<String, Long> dropoutDraws, List<EpochMetrics> history) {
        this.directory = directory;
        this.epoch = epoch;
        this.modelConfig = modelConfig;
        this.optimizer = optimizer;
        this.hyperparameters = hyperparameters;
        this.optimizerTensors = optimizerTensors;
        this.callbackStates = callbackStates;
        this.callbackTensors = callbackTensors;
        this.seeds = seeds;
        this.dropoutDraws = dropoutDraws;
        this.history = history;
    }

    /**
     * The directory name of epoch {@code epoch}'s checkpoint: {@code epoch-0007}.
     *
     * @param epoch the completed epoch the checkpoint is of
     * @return the name
     */
    public static String directoryName(int epoch) {
        return String.format(java.util.Locale.ROOT, "epoch-%04d", epoch);
    }

    // ---- save ------------------------------------------------------------------------------

    /**
     * Saves the trainer's run after its last completed epoch into
     * {@code runDir/checkpoints/epoch-NNNN/}, replacing a checkpoint of the same epoch.
     *
     * @param runDir the run folder
     * @param trainer the trainer whose run is saved
     * @param modelConfig a JSON object describing the model (a config tree, or e.g.
     *     {@code {"sample": "cnn"}}); may be empty
     * @param seeds named seeds of the run, e.g. {@code data_loader}, for the record
     * @return the checkpoint directory
     * @throws IOException when a file cannot be written
     */
    public static Path save(Path runDir, Trainer trainer, JsonNode modelConfig, Map<String, Long> seeds)
            throws IOException {
        if (modelConfig == null || !modelConfig.isObject()) {
            throw new IllegalArgumentException("model config must be a JSON object, got " + modelConfig);
        }
        int epoch = trainer.completedEpochs();
        Module model = trainer.model();
        Optimizer opt = trainer.optimizer();
        Map<String, Tensor> callbackTensors = new LinkedHashMap<>();
        ObjectNode callbacks = JSON.createObjectNode();
        for (StatefulCallback c : statefulCallbacks(trainer)) {
            ObjectNode state = callbacks.putObject(c.stateKey());
            c.state().forEach((k, v) -> putNumber(state, k, v));
            c.stateTensors().forEach((k, t) -> callbackTensors.put(c.stateKey() + "/" + k, t));
        }
        Path target = runDir.resolve(DIRECTORY).resolve(directoryName(epoch));
        return AtomicDirectory.publish(target, dir -> {
            RunFolder files = RunFolder.open(dir);
            ObjectNode fileRecords = JSON.createObjectNode();
            writeHashed(files, MODEL_FILE, out -> SafetensorsWriter.write(model.state(), null, out), fileRecords);
            writeHashed(files, OPTIMIZER_FILE, out -> SafetensorsWriter.writeTensors(opt.stateTensors(), null, out),
                    fileRecords);
            writeHashed(files, CALLBACKS_FILE, out -> SafetensorsWriter.writeTensors(callbackTensors, null, out),
                    fileRecords);

            ObjectNode root = JSON.createObjectNode();
            root.put("format", FORMAT);
            root.put("version", VERSION);
            root.put("epoch", epoch);
            root.set("model_config", modelConfig.deepCopy());
            ObjectNode o = root.putObject("optimizer");
            OptimizerState s = opt.state();
            o.put("name", s.optimizer());
            o.put("step", s.step());
            putNumber(o, "lr", s.learningRate());
            ObjectNode hyper = o.putObject("hyperparameters");
            opt.hyperparameters().forEach((k, v) -> putNumber(hyper, k, v));
            root.set("callbacks", callbacks);
            ObjectNode rng = root.putObject("rng");
            ObjectNode seedNode = rng.putObject("seeds");
            seeds.forEach(seedNode::put);
            ObjectNode dropout = rng.putObject("dropout_draws");
            DropoutCounters.of(model).forEach((path, d) -> dropout.put(path, d.draws()));
            ArrayNode hist = root.putArray("history");
            for (EpochMetrics m : trainer.history()) {
                ObjectNode e = hist.addObject();
                e.put("epoch", m.epoch());
                double[] values = {m.trainLoss(), m.trainAccuracy(), m.valLoss(), m.valAccuracy(), m.learningRate(),
                        m.seconds(), m.samplesPerSecond()};
                for (int i = 0; i < values.length; i++) {
                    putNumber(e, HISTORY_FIELDS.get(i + 1), values[i]);
                }
            }
            root.set("files", fileRecords);
            files.writeAtomically(JSON_FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        });
    }

    /** The stateful callbacks of a trainer, checked to have distinct keys. */
    private static List<StatefulCallback> statefulCallbacks(Trainer trainer) {
        List<StatefulCallback> out = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (Callback c : trainer.callbacks()) {
            if (c instanceof StatefulCallback s) {
                if (!keys.add(s.stateKey())) {
                    throw new IllegalArgumentException("two callbacks save their state as '" + s.stateKey()
                            + "'; a checkpoint could not tell them apart");
                }
                out.add(s);
            }
        }
        return out;
    }

    private static void writeHashed(RunFolder folder, String name, RunFolder.Content content, ObjectNode records)
            throws IOException {
        MessageDigest sha = sha256();
        Path file = folder.writeAtomically(name, out -> {
            // Not closed: RunFolder flushes and closes the underlying stream.
            OutputStream hashing = new DigestOutputStream(out, sha);
            content.writeTo(hashing);
            hashing.flush();
        });
        ObjectNode r = records.putObject(name);
        r.put("bytes", Files.size(file));
        r.put("sha256", HexFormat.of().formatHex(sha.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Finite doubles as JSON numbers (shortest round-trip form), others as strings. */
    private static void putNumber(ObjectNode node, String key, double v) {
        if (Double.isFinite(v)) {
            node.put(key, v);
        } else {
            node.put(key, Double.toString(v));
        }
    }

    // ---- load ------------------------------------------------------------------------------

    /**
     * Reads and checks the checkpoint in {@code dir}, then copies its weights and buffers into
     * {@code model} and its dropouts' counters into the model's dropouts. The optimizer's and
     * callbacks' tensors are read into {@code scope}; pass the checkpoint to
     * {@link Trainer#resume} to restore them. Nothing in the model changes unless every check
     * passes: the JSON (well-formed, every field present and typed, known version), each tensor
     * file (present, recorded size and SHA-256, a valid safetensors file), and the model's tensors
     * (every name present, none extra, same dtype and shape).
     *
     * @param dir the checkpoint directory
     * @param model the model the weights go into
     * @param scope the scope owning the optimizer's and callbacks' tensors
     * @return the checkpoint
     * @throws CheckpointFormatException or {@link dev.gatun.io.SafetensorsFormatException}
     *     naming the file, field or tensor at fault
     */
    public static Checkpoint load(Path dir, Module model, Scope scope) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no checkpoint directory");
        }
        JsonNode root = readJson(dir);
        Fields f = new Fields(dir);
        String format = f.string(root, "format");
        if (!FORMAT.equals(format)) {
            throw f.problem("format: expected \"" + FORMAT + "\", got " + Fields.brief(root.get("format")));
        }
        long version = f.integer(root, "version");
        if (version != VERSION) {
            throw f.problem("version: unknown version " + version + "; this build reads version " + VERSION);
        }
        int epoch = (int) f.count(root, "epoch");
        JsonNode modelConfig = f.object(root, "model_config");
        JsonNode opt = f.object(root, "optimizer");
        String optimizerName = f.string(opt, "optimizer.name", "name");
        if (optimizerName.isBlank()) {
            throw f.problem("optimizer.name: must not be blank");
        }
        double lr = f.number(opt, "optimizer.lr", "lr");
        if (!(lr >= 0 && lr < Double.POSITIVE_INFINITY)) {
            throw f.problem("optimizer.lr: must be a finite number >= 0, got " + lr);
        }
        OptimizerState optimizerState = new OptimizerState(optimizerName, (int) f.count(opt, "optimizer.step", "step"),
                lr);
        Map<String, Double> hyper = f.numbers(f.object(opt, "optimizer.hyperparameters", "hyperparameters"),
                "optimizer.hyperparameters");
        JsonNode callbacksNode = f.object(root, "callbacks");
        Map<String, Map<String, Double>> callbackStates = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : callbacksNode.properties()) {
            String path = "callbacks." + e.getKey();
            if (!e.getValue().isObject()) {
                throw f.problem(path + ": must be an object");
            }
            callbackStates.put(e.getKey(), f.numbers(e.getValue(), path));
        }
        JsonNode rng = f.object(root, "rng");
        Map<String, Long> seeds = f.integers(f.object(rng, "rng.seeds", "seeds"), "rng.seeds");
        Map<String, Long> draws = f.integers(f.object(rng, "rng.dropout_draws", "dropout_draws"),
                "rng.dropout_draws");
        List<EpochMetrics> history = history(f, f.array(root, "history"), epoch);
        JsonNode files = f.object(root, "files");
        for (String name : TENSOR_FILES) {
            String path = "files." + name;
            JsonNode record = f.object(files, path, name);
            long bytes = f.asInteger(f.field(record, path + ".bytes", "bytes"), path + ".bytes");
            if (bytes < 0) {
                throw f.problem(path + ".bytes: must be >= 0, got " + bytes);
            }
            String sha256 = f.string(record, path + ".sha256", "sha256");
            if (!sha256.matches("[0-9a-fA-F]{64}")) {
                throw f.problem(path + ".sha256: must be 64 hexadecimal digits, got " + Fields.brief(record.get("sha256")));
            }
            verifyFile(dir, name, bytes, sha256);
        }

        Map<String, Dropout> dropouts = DropoutCounters.of(model);
        if (!dropouts.keySet().equals(draws.keySet())) {
            throw f.problem("rng.dropout_draws: the checkpoint has counters for dropouts " + draws.keySet()
                    + " but the model's dropouts are " + dropouts.keySet());
        }
        for (Map.Entry<String, Long> e : draws.entrySet()) {
            if (e.getValue() < 0) {
                throw f.problem("rng.dropout_draws." + e.getKey() + ": must be >= 0, got " + e.getValue());
            }
        }
        Map<String, Tensor> optimizerTensors = SafetensorsReader.read(dir.resolve(OPTIMIZER_FILE), scope);
        Map<String, Map<String, Tensor>> callbackTensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : SafetensorsReader.read(dir.resolve(CALLBACKS_FILE), scope).entrySet()) {
            int slash = e.getKey().indexOf('/');
            String key = slash < 0 ? "" : e.getKey().substring(0, slash);
            if (!callbackStates.containsKey(key)) {
                throw f.problem(CALLBACKS_FILE + ": tensor '" + e.getKey() + "' belongs to no saved callback "
                        + callbackStates.keySet());
            }
            callbackTensors.computeIfAbsent(key, k -> new LinkedHashMap<>())
                    .put(e.getKey().substring(slash + 1), e.getValue());
        }
        // The last check, and the first change: loadInto copies only once every tensor matches.
        SafetensorsReader.loadInto(model, dir.resolve(MODEL_FILE));
        dropouts.forEach((path, d) -> d.setDraws(draws.get(path)));
        return new Checkpoint(dir, epoch, modelConfig, optimizerState, hyper, optimizerTensors, callbackStates,
                callbackTensors, seeds, draws, history);
    }

    /**
     * The checkpoint a user names: {@code path} itself when it holds {@value #JSON_FILE} (it must
     * sit in a run folder's {@value #DIRECTORY}/ directory), else the newest checkpoint of the run
     * folder {@code path}.
     *
     * @param path a checkpoint directory or a run folder
     * @return the checkpoint directory
     * @throws java.io.FileNotFoundException when {@code path} is neither
     */
    public static Path locate(Path path) throws IOException {
        if (Files.isRegularFile(path.resolve(JSON_FILE))) {
            Path parent = path.toAbsolutePath().normalize().getParent();
            if (parent == null || !parent.getFileName().toString().equals(DIRECTORY)) {
                throw new IllegalArgumentException("checkpoint " + path + " is not inside a run folder's " + DIRECTORY
                        + "/ directory");
            }
            return path;
        }
        Path latest = Files.isDirectory(path) ? CheckpointCallback.latest(path) : null;
        if (latest == null) {
            throw new java.io.FileNotFoundException(path + " is neither a checkpoint (no " + JSON_FILE
                    + ") nor a run folder with checkpoints");
        }
        return latest;
    }

    /**
     * The run folder a checkpoint directory belongs to ({@code <run>/checkpoints/epoch-NNNN}).
     *
     * @param checkpointDir the checkpoint directory
     * @return the run folder
     */
    public static Path runFolderOf(Path checkpointDir) {
        return checkpointDir.toAbsolutePath().normalize().getParent().getParent();
    }

    /**
     * The model config saved in {@code dir}'s {@value #JSON_FILE}, read before any model exists
     * (to build the model it describes); the format and version are checked.
     *
     * @param dir the checkpoint directory
     * @return the model config
     * @throws IOException when a file is missing, unreadable or malformed
     */
    public static JsonNode readModelConfig(Path dir) throws IOException {
        JsonNode root = readJson(dir);
        Fields f = new Fields(dir);
        if (!FORMAT.equals(f.string(root, "format")) || f.integer(root, "version") != VERSION) {
            throw f.problem("not a version " + VERSION + " " + FORMAT + " (format " + Fields.brief(root.get("format"))
                    + ", version " + Fields.brief(root.get("version")) + ")");
        }
        return f.object(root, "model_config");
    }

    private static JsonNode readJson(Path dir) throws IOException {
        Path file = dir.resolve(JSON_FILE);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointFormatException(dir, JSON_FILE + " is missing");
        }
        long size = Files.size(file);
        if (size > MAX_JSON_BYTES) {
            throw new CheckpointFormatException(dir, JSON_FILE + " is " + size + " bytes, more than the "
                    + MAX_JSON_BYTES + " a checkpoint's JSON may have");
        }
        JsonNode root;
        try {
            root = JSON.readTree(Utf8Text.read(file));
        } catch (MalformedUtf8Exception e) {
            throw new CheckpointFormatException(dir, JSON_FILE + ": line " + e.line() + ": " + e.problem());
        } catch (JacksonException e) {
            throw new CheckpointFormatException(dir, JSON_FILE + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointFormatException(dir, JSON_FILE + " must hold a JSON object");
        }
        return root;
    }

    private static void verifyFile(Path dir, String name, long bytes, String sha256) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointFormatException(dir, name + " is missing");
        }
        long size = Files.size(file);
        if (size != bytes) {
            throw new CheckpointFormatException(dir, name + " is " + size + " bytes but " + JSON_FILE + " records "
                    + bytes + " (truncated or replaced)");
        }
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equalsIgnoreCase(sha256)) {
            throw new CheckpointFormatException(dir, name + " has SHA-256 " + actual + " but " + JSON_FILE
                    + " records " + sha256 + " (corrupted)");
        }
    }

    private static List<EpochMetrics> history(Fields f, JsonNode array, int epoch) throws CheckpointFormatException {
        List<EpochMetrics> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String path = "history[" + i + "]";
            JsonNode e = array.get(i);
            if (!e.isObject()) {
                throw f.problem(path + ": must be an object");
            }
            long n = f.count(e, path + ".epoch", "epoch");
            if (n != i + 1) {
                throw f.problem(path + ".epoch: expected " + (i + 1) + ", got " + n);
            }
            double[] v = new double[HISTORY_FIELDS.size() - 1];
            for (int k = 0; k < v.length; k++) {
                String field = HISTORY_FIELDS.get(k + 1);
                v[k] = f.number(e, path + "." + field, field);
            }
            out.add(new EpochMetrics((int) n, v[0], v[1], v[2], v[3], v[4], v[5], v[6]));
        }
        if (out.size() != epoch) {
            throw f.problem("history: has " + out.size() + " epochs but the checkpoint is of epoch " + epoch);
        }
        return List.copyOf(out);
    }

    // ---- restore ---------------------------------------------------------------------------

    /**
     * Restores the optimizer (after checking its kind and hyperparameters) and checks that every
     * stateful callback of the trainer has saved state (saved state of a callback the trainer no
     * longer has is ignored). {@link Trainer#resume} calls this; it changes nothing unless every
     * check passes.
     *
     * @param trainer the trainer to restore
     */
    public void restore(Trainer trainer) {
        Optimizer opt = trainer.optimizer();
        String kind = opt.state().optimizer();
        if (!kind.equals(optimizer.optimizer())) {
            throw new IllegalArgumentException("checkpoint " + directory + " was saved with " + optimizer.optimizer()
                    + " but the trainer's optimizer is " + kind);
        }
        Map<String, Double> mine = opt.hyperparameters();
        if (!mine.equals(hyperparameters)) {
            throw new IllegalArgumentException("checkpoint " + directory + ": optimizer " + kind
                    + " hyperparameters differ: saved " + hyperparameters + ", the trainer's " + mine);
        }
        Set<String> keys = new TreeSet<>();
        for (StatefulCallback c : statefulCallbacks(trainer)) {
            keys.add(c.stateKey());
        }
        if (!callbackStates.keySet().containsAll(keys)) {
            throw new IllegalArgumentException("checkpoint " + directory + " holds state for the callbacks "
                    + new TreeSet<>(callbackStates.keySet()) + " but the trainer's stateful callbacks are " + keys);
        }
        try {
            opt.loadState(optimizer, optimizerTensors);
        } catch (IllegalArgumentException e) {
            // The optimizer checks its tensors against the parameters; the checkpoint names the file.
            throw new IllegalArgumentException("checkpoint " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Hands each stateful callback its saved state, then sets the saved learning rate again (an
     * {@code onFitStart} may have set a schedule's first rate). {@link Trainer#fit} calls this
     * after the callbacks' {@code onFitStart}.
     *
     * @param trainer the trainer whose callbacks are restored
     */
    public void restoreCallbacks(Trainer trainer) {
        for (StatefulCallback c : statefulCallbacks(trainer)) {
            c.restoreState(trainer, callbackStates.get(c.stateKey()),
                    callbackTensors.getOrDefault(c.stateKey(), Map.of()));
        }
        trainer.optimizer().setLearningRate(optimizer.learningRate());
    }

    // ---- accessors -------------------------------------------------------------------------

    /** {@return the checkpoint's directory} */
    public Path directory() {
        return directory;
    }

    /** {@return the last completed epoch when it was saved} */
    public int epoch() {
        return epoch;
    }

    /** {@return the model config saved with it (a JSON object, possibly empty)} */
    public JsonNode modelConfig() {
        return modelConfig.deepCopy();
    }

    /** {@return the optimizer's kind, step count and learning rate} */
    public OptimizerState optimizerState() {
        return optimizer;
    }

    /** {@return the optimizer's hyperparameters when it was saved} */
    public Map<String, Double> hyperparameters() {
        return Map.copyOf(hyperparameters);
    }

    /** {@return the seeds the run recorded} */
    public Map<String, Long> seeds() {
        return Map.copyOf(seeds);
    }

    /** {@return each dropout's mask counter, by layer path} */
    public Map<String, Long> dropoutDraws() {
        return Map.copyOf(dropoutDraws);
    }

    /** {@return the metrics of epochs 1 to {@link #epoch()}} */
    public List<EpochMetrics> history() {
        return history;
    }

    /** Typed access to JSON fields, with errors naming the field's path. */
    private record Fields(Path dir) {
        /** A value as a message shows it: its JSON, cut short, since a field of a damaged file may be huge. */
        static String brief(JsonNode n) {
            String text = n == null ? "nothing" : n.toString();
            return text.length() <= 40 ? text : text.substring(0, 37) + "...";
        }

        CheckpointFormatException problem(String message) {
            return new CheckpointFormatException(dir, JSON_FILE + ": " + message);
        }

        JsonNode field(JsonNode parent, String path, String name) throws CheckpointFormatException {
            JsonNode n = parent.get(name);
            if (n == null || n.isNull()) {
                throw problem(path + ": missing");
            }
            return n;
        }

        String string(JsonNode parent, String name) throws CheckpointFormatException {
            return string(parent, name, name);
        }

        String string(JsonNode parent, String path, String name) throws CheckpointFormatException {
            JsonNode n = field(parent, path, name);
            if (!n.isString()) {
                throw problem(path + ": must be a string, got " + brief(n));
            }
            return n.stringValue();
        }

        long integer(JsonNode parent, String name) throws CheckpointFormatException {
            return asInteger(field(parent, name, name), name);
        }

        long asInteger(JsonNode n, String path) throws CheckpointFormatException {
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw problem(path + ": must be an integer, got " + brief(n));
            }
            return n.longValue();
        }

        long count(JsonNode parent, String name) throws CheckpointFormatException {
            return count(parent, name, name);
        }

        long count(JsonNode parent, String path, String name) throws CheckpointFormatException {
            long v = asInteger(field(parent, path, name), path);
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw problem(path + ": must be in [0, " + Integer.MAX_VALUE + "], got " + v);
            }
            return v;
        }

        double number(JsonNode parent, String path, String name) throws CheckpointFormatException {
            return number(field(parent, path, name), path);
        }

        double number(JsonNode n, String path) throws CheckpointFormatException {
            if (n.isNumber()) {
                // Empty for an integer past a double's range, which Jackson will not round.
                java.util.OptionalDouble v = n.doubleValueOpt();
                if (v.isEmpty()) {
                    throw problem(path + ": " + brief(n) + " is beyond the range of a double");
                }
                return v.getAsDouble();
            }
            if (n.isString()) {
                switch (n.stringValue()) {
                    case "Infinity" -> {
                        return Double.POSITIVE_INFINITY;
                    }
                    case "-Infinity" -> {
                        return Double.NEGATIVE_INFINITY;
                    }
                    case "NaN" -> {
                        return Double.NaN;
                    }
                    default -> { }
                }
            }
            throw problem(path + ": must be a number (or \"Infinity\", \"-Infinity\", \"NaN\"), got " + brief(n));
        }

        JsonNode object(JsonNode parent, String name) throws CheckpointFormatException {
            return object(parent, name, name);
        }

        JsonNode object(JsonNode parent, String path, String name) throws CheckpointFormatException {
            JsonNode n = field(parent, path, name);
            if (!n.isObject()) {
                throw problem(path + ": must be an object, got " + brief(n));
            }
            return n;
        }

        JsonNode array(JsonNode parent, String name) throws CheckpointFormatException {
            JsonNode n = field(parent, name, name);
            if (!n.isArray()) {
                throw problem(name + ": must be an array, got " + brief(n));
            }
            return n;
        }

        Map<String, Double> numbers(JsonNode object, String path) throws CheckpointFormatException {
            Map<String, Double> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                out.put(e.getKey(), number(e.getValue(), path + "." + e.getKey()));
            }
            return out;
        }

        Map<String, Long> integers(JsonNode object, String path) throws CheckpointFormatException {
            Map<String, Long> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                out.put(e.getKey(), asInteger(e.getValue(), path + "." + e.getKey()));
            }
            return out;
        }
    }
}

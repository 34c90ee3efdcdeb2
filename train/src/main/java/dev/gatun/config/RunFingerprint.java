package dev.gatun.config;

import dev.gatun.data.Dataset;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.parallel.Collectives;
import dev.gatun.train.parallel.RunRefusedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What the ranks of a data-parallel run must agree on before the first step: every value of the
 * normalized config, each data part's size and shapes, a SHA-256 of a sample of its examples, and
 * the checkpoint epoch a resumed run starts from. Compared with {@link #requireSameOnEveryRank},
 * which names what differs.
 */
public final class RunFingerprint {
    private static final int SAMPLED_EXAMPLES = 64;

    private final Map<String, String> entries;

    private RunFingerprint(Map<String, String> entries) {
        this.entries = entries;
    }

    /**
     * The fingerprint of a prepared run on this rank.
     *
     * @param config the run's config
     * @param data its data
     * @param resumedEpoch the checkpoint's epoch, 0 for a fresh run
     * @return the fingerprint
     */
    public static RunFingerprint of(ExperimentConfig config, ExperimentData data, int resumedEpoch) {
        Map<String, String> e = new LinkedHashMap<>();
        flatten("config", config.normalized(), e);
        describe("data.train", data.train(), e);
        describe("data.validation", data.validationOrNull(), e);
        describe("data.test", data.testOrNull(), e);
        e.put("resume.epoch", Integer.toString(resumedEpoch));
        return new RunFingerprint(e);
    }

    /** {@return the entries, key to value, in a fixed order} */
    public Map<String, String> entries() {
        return Map.copyOf(entries);
    }

    /**
     * Gathers every rank's fingerprint and throws, on every rank alike, when one differs from rank
     * 0's, naming the rank and the first differing entries with both values.
     *
     * @param collectives the ranks
     * @throws RunRefusedException naming what differs
     */
    public void requireSameOnEveryRank(Collectives collectives) {
        byte[] mine = text().getBytes(StandardCharsets.UTF_8);
        double[] lengths = collectives.allGather(new double[] {mine.length});
        int longest = 0;
        for (double l : lengths) {
            longest = Math.max(longest, (int) l);
        }
        byte[] all = collectives.allGather(Arrays.copyOf(mine, longest));
        List<Map<String, String>> ranks = new ArrayList<>();
        for (int r = 0; r < lengths.length; r++) {
            ranks.add(parse(new String(all, r * longest, (int) lengths[r], StandardCharsets.UTF_8)));
        }
        List<String> problems = new ArrayList<>();
        for (int r = 1; r < ranks.size(); r++) {
            List<String> differ = differences(ranks.get(0), ranks.get(r));
            if (!differ.isEmpty()) {
                problems.add("rank " + r + " differs from rank 0 in " + String.join("; ", differ));
            }
        }
        if (!problems.isEmpty()) {
            throw new RunRefusedException("the ranks disagree on the run, so none of them trains: "
                    + String.join(" | ", problems));
        }
    }

    /** Up to 5 differing keys of {@code other} against {@code root}, each with both values. */
    static List<String> differences(Map<String, String> root, Map<String, String> other) {
        List<String> out = new ArrayList<>();
        List<String> keys = new ArrayList<>(root.keySet());
        other.keySet().stream().filter(k -> !root.containsKey(k)).forEach(keys::add);
        for (String k : keys) {
            String a = root.getOrDefault(k, "(absent)");
            String b = other.getOrDefault(k, "(absent)");
            if (!a.equals(b)) {
                if (out.size() == 5) {
                    out.add("...");
                    break;
                }
                out.add(k + " is " + b + " there but " + a + " on rank 0");
            }
        }
        return out;
    }

    private String text() {
        StringBuilder b = new StringBuilder();
        entries.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return b.toString();
    }

    private static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    private static void flatten(String path, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                flatten(path + "." + f.getKey(), f.getValue(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(path + "[" + i + "]", node.get(i), out);
            }
        } else {
            out.put(path, node.toString().replace('\n', ' '));
        }
    }

    private static void describe(String part, Dataset data, Map<String, String> out) {
        if (data == null) {
            out.put(part, "none");
            return;
        }
        out.put(part + ".examples", Integer.toString(data.size()));
        out.put(part + ".features", Arrays.toString(data.featureShape()));
        out.put(part + ".targets", data.targetDType() + Arrays.toString(data.targetShape()));
        out.put(part + ".sample_sha256", sampleHash(data));
    }

    /** SHA-256 of up to 64 examples spread evenly over the data set, features and targets. */
    private static String sampleHash(Dataset data) {
        int n = data.size();
        int count = Math.min(n, SAMPLED_EXAMPLES);
        if (count == 0) {
            return "empty";
        }
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = (int) ((long) i * n / count);
        }
        try (Scope scope = Scope.open("fingerprint")) {
            Tensor x = Tensor.zeros(DType.FLOAT32, shape(count, data.featureShape()));
            Tensor y = Tensor.zeros(data.targetDType(), shape(count, data.targetShape()));
            data.fill(indices, 0, count, x, y);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            float[] features = x.toFloatArray();
            ByteBuffer bytes = ByteBuffer.allocate(features.length * Float.BYTES);
            bytes.asFloatBuffer().put(features);
            sha.update(bytes.array());
            float[] targets = y.dtype() == DType.INT32 ? toFloats(y.toIntArray()) : y.toFloatArray();
            ByteBuffer t = ByteBuffer.allocate(targets.length * Float.BYTES);
            t.asFloatBuffer().put(targets);
            sha.update(t.array());
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JDK", e);
        }
    }

    private static float[] toFloats(int[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static int[] shape(int count, int[] example) {
        int[] s = new int[example.length + 1];
        s[0] = count;
        System.arraycopy(example, 0, s, 1, example.length);
        return s;
    }
}

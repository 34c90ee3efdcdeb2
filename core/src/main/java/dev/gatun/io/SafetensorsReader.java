package dev.gatun.io;

import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads safetensors files (the format {@link SafetensorsWriter} writes, and the reference
 * implementation's): an 8-byte little-endian header length, a JSON header, then raw
 * little-endian tensor data.
 *
 * <p>Tensors may be F64, F32, F16, BF16, I64, I32, U8 or BOOL; each value converts exactly into a
 * Gatun dtype or the file is refused, naming the tensor, its dtype, the value and its index (see
 * {@link #read} and {@link #loadInto}).
 *
 * <p>The whole header is validated before any tensor memory is allocated: its length, UTF-8,
 * strict JSON, each entry's dtype, shape and byte range, and that the byte ranges tile the data
 * section exactly; then every value that needs converting is checked. Every problem is reported
 * as a {@link SafetensorsFormatException} naming the file. Data is read through a read-only memory
 * mapping and copied into the caller's scope.
 */
public final class SafetensorsReader {
    /** Largest header accepted (the reference uses the same limit). */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final int MAX_JSON_DEPTH = 16;

    /**
     * PyTorch's batch norm saves a batch counter beside its running statistics. Only its
     * {@code momentum=None} mode (a cumulative average) reads it; Gatun's batch norm always has a
     * momentum and keeps no counter, so {@link #loadInto} checks it and leaves it out.
     */
    static final String BATCH_COUNTER = "num_batches_tracked";

    private SafetensorsReader() {}

    /**
     * The tensors and string metadata of a file. Both maps keep the header's order.
     *
     * @param tensors the tensors by name
     * @param metadata the string metadata by key
     */
    public record Safetensors(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** One validated header entry: its dtype as the file has it, and its byte range in the data section. */
    record Entry(String name, SafetensorsDType dtype, int[] shape, long begin, long end) {}

    /** A validated header. {@code entries} are in header order. */
    private record Header(long dataStart, long dataLength, List<Entry> entries, Map<String, String> metadata) {}

    /**
     * Reads every tensor of {@code file} into new tensors owned by {@code scope}: F64 as float64,
     * F32, F16 and BF16 as float32, I32, U8 and BOOL (0 and 1) as int32, and I64 as int32 when
     * every value fits.
     *
     * @param file the safetensors file
     * @param scope the scope owning the new tensors
     * @return the tensors by name, in the header's order
     * @throws IOException if the file cannot be read or is not valid safetensors
     */
    public static Map<String, Tensor> read(Path file, Scope scope) throws IOException {
        return load(file, scope).tensors();
    }

    /**
     * Reads tensors (owned by {@code scope}, dtypes as {@link #read} gives them) and metadata.
     *
     * @param file the safetensors file
     * @param scope the scope owning the new tensors
     * @return the tensors and the metadata
     * @throws IOException if the file cannot be read or is not valid safetensors
     */
    public static Safetensors load(Path file, Scope scope) throws IOException {
        return load(file, scope, false);
    }

    /**
     * Reads tensors and metadata as {@link #load(Path, Scope)} does, except that with
     * {@code keepHalves} F16 and BF16 tensors stay float16 and bfloat16 (their bytes copied as
     * they are) instead of widening to float32.
     *
     * @param file the safetensors file
     * @param scope the scope owning the new tensors
     * @param keepHalves whether F16 and BF16 load as float16 and bfloat16 tensors
     * @return the tensors and the metadata
     * @throws IOException if the file cannot be read or is not valid safetensors
     */
    public static Safetensors load(Path file, Scope scope, boolean keepHalves) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = readHeader(file, ch);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment data = map(ch, h, arena);
                for (Entry e : h.entries()) {
                    ExactConversion.convert(file, e, data, e.dtype().loaded(keepHalves), null, 0);
                }
                for (Entry e : h.entries()) {
                    Tensor t = Tensor.zeros(scope, e.dtype().loaded(keepHalves), e.shape());
                    ExactConversion.convert(file, e, data, t.dtype(), t.segment(), 0);
                    tensors.put(e.name(), t);
                }
            }
            return new Safetensors(Collections.unmodifiableMap(tensors), h.metadata());
        }
    }

    /**
     * The shape of every tensor of {@code file}, in header order, from its validated header alone:
     * no tensor is read or allocated, so a caller can check sizes before building anything.
     *
     * @param file the safetensors file
     * @return each tensor's dimensions by name, unmodifiable
     * @throws IOException if the file cannot be read or is not valid safetensors
     */
    public static Map<String, int[]> shapes(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (Entry e : readHeader(file, ch).entries()) {
                shapes.put(e.name(), e.shape().clone());
            }
            return Collections.unmodifiableMap(shapes);
        }
    }

    /**
     * The string metadata of {@code file} (empty when it has none); the file is fully validated.
     *
     * @param file the safetensors file
     * @return the string metadata by key
     * @throws IOException if the file cannot be read or is not valid safetensors
     */
    public static Map<String, String> metadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, ch).metadata();
        }
    }

    /**
     * Copies the {@link Module#state() state} of {@code module} (parameters, then buffers such as
     * batch norm's running statistics) from {@code file}. The file must hold exactly those names,
     * each with the same shape and a dtype whose values convert exactly into the model's: F16,
     * BF16 and F32 into float32 or float64, and F64 and the integer types value by value (an I64
     * of 2^24 + 1 loads into float64 but is refused for float32). Otherwise nothing is copied and
     * the error lists every missing, unexpected and mismatched tensor, or names the first value
     * that does not convert. Write such files from {@code module.state()}.
     *
     * <p>One name needs no tensor in the model: PyTorch's {@code P.num_batches_tracked}, where the
     * model has {@code P.running_mean} and {@code P.running_var} (a batch norm) and no tensor of
     * that name. It must be an integer scalar, as PyTorch writes it, and is not loaded: Gatun's
     * batch norm always uses its momentum, which is what PyTorch does with the counter too unless
     * {@code momentum=None}.
     *
     * @param module the model whose state is loaded
     * @param file the safetensors file
     * @throws IOException if the file cannot be read or is not valid safetensors
     */
    public static void loadInto(Module module, Path file) throws IOException {
        List<Parameter> params = module.state();
        Map<String, Tensor> wanted = new LinkedHashMap<>();
        for (Parameter p : params) {
            if (wanted.put(p.name(), p.tensor()) != null) {
                throw new IllegalArgumentException("the model has two tensors named '" + p.name() + "'");
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = readHeader(file, ch);
            Map<String, Entry> inFile = new LinkedHashMap<>();
            for (Entry e : h.entries()) {
                inFile.put(e.name(), e);
            }
            List<String> problems = new ArrayList<>();
            TreeSet<String> missing = new TreeSet<>(wanted.keySet());
            missing.removeAll(inFile.keySet());
            TreeSet<String> unexpected = new TreeSet<>(inFile.keySet());
            unexpected.removeAll(wanted.keySet());
            List<Entry> counters = new ArrayList<>();
            for (String name : unexpected) {
                if (isBatchNormCounter(name, wanted)) {
                    counters.add(inFile.get(name));
                }
            }
            for (Entry c : counters) {
                unexpected.remove(c.name());
                if (c.dtype().isFloat() || c.shape().length != 0) {
                    problems.add("tensor '" + c.name() + "' should be PyTorch's batch counter, an integer scalar, but is "
                            + c.dtype() + " " + Shape.str(c.shape()));
                }
            }
            if (!missing.isEmpty()) {
                problems.add("missing from the file: " + missing);
            }
            if (!unexpected.isEmpty()) {
                problems.add("not in the model: " + unexpected);
            }
            for (Map.Entry<String, Tensor> w : wanted.entrySet()) {
                Entry e = inFile.get(w.getKey());
                if (e == null) {
                    continue;
                }
                Tensor t = w.getValue();
                if (!ExactConversion.possible(e.dtype(), t.dtype())) {
                    problems.add("tensor '" + e.name() + "' is " + e.dtype() + " in the file but "
                            + SafetensorsDType.of(t.dtype()) + " in the model");
                }
                if (!Arrays.equals(e.shape(), t.shape())) {
                    problems.add("tensor '" + e.name() + "' has shape " + Shape.str(e.shape()) + " in the file but "
                            + Shape.str(t.shape()) + " in the model");
                }
            }
            if (!problems.isEmpty()) {
                throw new SafetensorsFormatException(file, "does not match the model: " + String.join("; ", problems));
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment data = map(ch, h, arena);
                for (Map.Entry<String, Tensor> w : wanted.entrySet()) {
                    ExactConversion.convert(file, inFile.get(w.getKey()), data, w.getValue().dtype(), null, 0);
                }
                for (Map.Entry<String, Tensor> w : wanted.entrySet()) {
                    Entry e = inFile.get(w.getKey());
                    Tensor t = w.getValue();
                    if (t.isContiguous() && t.device().isHost()) {
                        ExactConversion.convert(file, e, data, t.dtype(), t.segment(), t.offset() * t.dtype().byteSize());
                    } else {
                        try (Scope tmp = Scope.open("safetensors-load")) {
                            Tensor c = Tensor.zeros(tmp, t.dtype(), e.shape());
                            ExactConversion.convert(file, e, data, t.dtype(), c.segment(), 0);
                            t.copyFrom(c);
                        }
                    }
                }
            }
        }
    }

    /** True for {@code P.num_batches_tracked} (or the bare name) where the model has P's running statistics. */
    private static boolean isBatchNormCounter(String name, Map<String, Tensor> wanted) {
        if (!name.endsWith(BATCH_COUNTER)) {
            return false;
        }
        String prefix = name.substring(0, name.length() - BATCH_COUNTER.length());
        return (prefix.isEmpty() || prefix.endsWith(".")) && wanted.containsKey(prefix + "running_mean")
                && wanted.containsKey(prefix + "running_var");
    }

    // ---- data ------------------------------------------------------------------------------

    private static MemorySegment map(FileChannel ch, Header h, Arena arena) throws IOException {
        if (h.dataLength() == 0) {
            return MemorySegment.NULL;
        }
        return ch.map(FileChannel.MapMode.READ_ONLY, h.dataStart(), h.dataLength(), arena);
    }

    // ---- header ----------------------------------------------------------------------------

    private static Header readHeader(Path file, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 8) {
            throw new SafetensorsFormatException(file, "file is " + fileSize
                    + " bytes, too short for the 8-byte header length (truncated?)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.getLong(0);
        if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException(file, "header length " + Long.toUnsignedString(headerLen)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (headerLen > fileSize - 8) {
            throw new SafetensorsFormatException(file, "header length " + headerLen + " runs past the end of the file ("
                    + (fileSize - 8) + " bytes follow the length; truncated?)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, 8);
        hb.flip();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(hb)
                    .toString();
        } catch (CharacterCodingException ex) {
            throw new SafetensorsFormatException(file, "header is not valid UTF-8");
        }
        Object root;
        try {
            root = new Json(text).parseDocument();
        } catch (IllegalArgumentException ex) {
            throw new SafetensorsFormatException(file, "header is not valid JSON: " + ex.getMessage());
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new SafetensorsFormatException(file, "header must be a JSON object, got " + Json.kind(root));
        }
        long dataLength = fileSize - 8 - headerLen;
        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> kv : top.entrySet()) {
            String name = (String) kv.getKey();
            if (name.equals(METADATA_KEY)) {
                metadata = metadata(file, kv.getValue());
            } else {
                entries.add(entry(file, name, kv.getValue()));
            }
        }
        checkLayout(file, entries, dataLength);
        return new Header(8 + headerLen, dataLength, List.copyOf(entries), metadata);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file while reading the header");
            }
            pos += n;
        }
    }

    private static Map<String, String> metadata(Path file, Object value) throws IOException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new SafetensorsFormatException(file, "__metadata__ must be an object of strings, got "
                    + Json.kind(value));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> kv : m.entrySet()) {
            if (!(kv.getValue() instanceof String s)) {
                throw new SafetensorsFormatException(file, "__metadata__ value for '" + kv.getKey()
                        + "' must be a string, got " + Json.kind(kv.getValue()));
            }
            out.put((String) kv.getKey(), s);
        }
        return Collections.unmodifiableMap(out);
    }

    private static Entry entry(Path file, String name, Object value) throws IOException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new SafetensorsFormatException(file, "tensor '" + name + "' must be an object, got " + Json.kind(value));
        }
        for (Object key : m.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new SafetensorsFormatException(file, "tensor '" + name + "' has unknown field '" + key + "'");
            }
        }
        // dtype
        Object dt = m.get("dtype");
        if (!(dt instanceof String code)) {
            throw new SafetensorsFormatException(file, "tensor '" + name + "' needs a string \"dtype\", got "
                    + Json.kind(dt));
        }
        SafetensorsDType dtype = SafetensorsDType.of(code);
        if (dtype == null) {
            throw new SafetensorsFormatException(file, "unsupported dtype '" + code + "' for tensor '" + name
                    + "' (supported: " + SafetensorsDType.SUPPORTED + ")");
        }
        // shape
        Object sh = m.get("shape");
        if (!(sh instanceof List<?> dims)) {
            throw new SafetensorsFormatException(file, "tensor '" + name + "' needs an array \"shape\", got "
                    + Json.kind(sh));
        }
        int[] shape = new int[dims.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            Object d = dims.get(i);
            if (!(d instanceof Long dim)) {
                throw new SafetensorsFormatException(file, "tensor '" + name + "' has a non-integer dimension "
                        + Json.kind(d) + " at axis " + i);
            }
            if (dim < 0) {
                throw new SafetensorsFormatException(file, "tensor '" + name + "' has negative dimension " + dim
                        + " at axis " + i + " in shape " + dims);
            }
            if (dim > Integer.MAX_VALUE) {
                throw new SafetensorsFormatException(file, "tensor '" + name + "' has dimension " + dim + " at axis "
                        + i + ", larger than " + Integer.MAX_VALUE);
            }
            shape[i] = (int) (long) dim;
        }
        long bytes;
        try {
            for (int d : shape) {
                elements = Math.multiplyExact(elements, (long) d);
            }
            bytes = Math.multiplyExact(elements, (long) dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw new SafetensorsFormatException(file, "tensor '" + name + "' with shape " + Shape.str(shape)
                    + " and dtype " + code + " overflows a 64-bit byte count");
        }
        // data_offsets
        Object off = m.get("data_offsets");
        if (!(off instanceof List<?> o) || o.size() != 2 || !(o.get(0) instanceof Long begin)
                || !(o.get(1) instanceof Long end)) {
            throw new SafetensorsFormatException(file, "tensor '" + name
                    + "' needs \"data_offsets\" as an array of two integers, got " + (off == null ? "nothing" : off));
        }
        if (begin < 0 || end < 0) {
            throw new SafetensorsFormatException(file, "tensor '" + name + "' has negative data_offsets " + off);
        }
        if (begin > end) {
            throw new SafetensorsFormatException(file, "tensor '" + name + "' has data_offsets [" + begin + ", " + end
                    + "] with begin > end");
        }
        if (end - begin != bytes) {
            throw new SafetensorsFormatException(file, "tensor '" + name + "' with shape " + Shape.str(shape) + " and dtype "
                    + code + " needs " + bytes + " bytes but its data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** The byte ranges, sorted by start, must tile [0, dataLength) exactly. */
    private static void checkLayout(Path file, List<Entry> entries, long dataLength) throws IOException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < expected) {
                throw new SafetensorsFormatException(file, "tensor '" + e.name() + "' (bytes " + e.begin() + ".."
                        + e.end() + ") overlaps '" + previous.name() + "' (bytes " + previous.begin() + ".."
                        + previous.end() + ")");
            }
            if (e.begin() > expected) {
                throw new SafetensorsFormatException(file, "gap in the data: bytes " + expected + ".." + e.begin()
                        + " before tensor '" + e.name() + "' belong to no tensor");
            }
            expected = e.end();
            previous = e;
        }
        if (expected != dataLength) {
            throw new SafetensorsFormatException(file, "the tensors cover " + expected + " bytes but the data section"
                    + " after the header is " + dataLength + " bytes"
                    + (expected > dataLength ? " (truncated?)" : " (trailing bytes)"));
        }
    }

    // ---- JSON --------------------------------------------------------------------------------

    /**
     * A strict parser for the JSON subset safetensors headers use: objects (no duplicate keys),
     * arrays, strings with escapes, and integers. Objects become insertion-ordered maps, arrays
     * lists, integers {@code Long}. Errors are IllegalArgumentExceptions with the character offset.
     */
    static final class Json {
        private final String s;
        private int pos;

        Json(String s) {
            this.s = s;
        }

        static String kind(Object v) {
            if (v == null) {
                return "nothing";
            }
            if (v instanceof Map<?, ?>) {
                return "an object";
            }
            if (v instanceof List<?>) {
                return "an array";
            }
            if (v instanceof String str) {
                return "the string \"" + str + "\"";
            }
            return "the number " + v;
        }

        Object parseDocument() {
            skipWs();
            Object v = value(0);
            skipWs();
            if (pos != s.length()) {
                throw error("unexpected " + describe() + " after the end of the value");
            }
            return v;
        }

        private Object value(int depth) {
            if (depth > MAX_JSON_DEPTH) {
                throw error("nesting deeper than " + MAX_JSON_DEPTH);
            }
            if (pos >= s.length()) {
                throw error("unexpected end of input");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                return object(depth);
            }
            if (c == '[') {
                return array(depth);
            }
            if (c == '"') {
                return string();
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return integer();
            }
            throw error("unexpected " + describe());
        }

        private Map<String, Object> object(int depth) {
            pos++; // {
            Map<String, Object> out = new LinkedHashMap<>();
            skipWs();
            if (peek() == '}') {
                pos++;
                return out;
            }
            while (true) {
                skipWs();
                if (peek() != '"') {
                    throw error("expected a string key, found " + describe());
                }
                int keyAt = pos;
                String key = string();
                skipWs();
                expect(':');
                skipWs();
                Object v = value(depth + 1);
                if (out.put(key, v) != null) {
                    pos = keyAt;
                    throw error("duplicate key \"" + key + "\"");
                }
                skipWs();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == '}') {
                    pos++;
                    return out;
                } else {
                    throw error("expected ',' or '}', found " + describe());
                }
            }
        }

        private List<Object> array(int depth) {
            pos++; // [
            List<Object> out = new ArrayList<>();
            skipWs();
            if (peek() == ']') {
                pos++;
                return out;
            }
            while (true) {
                skipWs();
                out.add(value(depth + 1));
                skipWs();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == ']') {
                    pos++;
                    return out;
                } else {
                    throw error("expected ',' or ']', found " + describe());
                }
            }
        }

        private String string() {
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    pos--;
                    throw error("unescaped control character U+" + String.format("%04X", (int) c) + " in a string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> sb.append(unicodeEscape());
                    default -> {
                        pos--;
                        // describe() spells a control character by its code point: messages stay one line
                        throw error("invalid escape: a backslash before " + describe());
                    }
                }
            }
        }

        private char unicodeEscape() {
            if (pos + 4 > s.length()) {
                throw error("truncated \\u escape");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(s.charAt(pos + i), 16);
                if (d < 0) {
                    throw error("invalid \\u escape");
                }
                v = v * 16 + d;
            }
            pos += 4;
            return (char) v;
        }

        private Long integer() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            int digitsAt = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == digitsAt) {
                throw error("expected a digit, found " + describe());
            }
            if (pos - digitsAt > 1 && s.charAt(digitsAt) == '0') {
                pos = start;
                throw error("leading zero in a number");
            }
            if (pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                throw error("only integers are allowed, found a fraction or exponent");
            }
            String text = s.substring(start, pos);
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException ex) {
                pos = start;
                throw error("integer " + text + " does not fit 64 bits");
            }
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "', found " + describe());
            }
            pos++;
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private void skipWs() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private String describe() {
            if (pos >= s.length()) {
                return "end of input";
            }
            char c = s.charAt(pos);
            return c < 0x20 || c == 0x7f ? String.format("character U+%04X", (int) c) : "'" + c + "'";
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException(message + " at offset " + pos);
        }
    }
}

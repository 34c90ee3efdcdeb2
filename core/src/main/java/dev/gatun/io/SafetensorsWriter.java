package dev.gatun.io;

import dev.gatun.nn.Parameter;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes tensors in the safetensors format: an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, padded with spaces to a multiple of 8, then
 * the raw little-endian data in header order.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    /**
     * Streams {@code parameters} (and string metadata; null or empty writes none) to {@code out}.
     *
     * <p>The bytes match the reference implementation's {@code save_file}: entries ordered by dtype
     * alignment (F64, then F32, then I32, then BF16, then F16) and then by name, compact JSON, header padded with
     * spaces. Metadata keys are written sorted (the reference writes them in hash order).
     *
     * @param parameters the named tensors to write
     * @param metadata string metadata to write; null or empty for none
     * @param out the stream written to; not closed
     * @throws IOException if writing to out fails
     */
    public static void write(List<Parameter> parameters, Map<String, String> metadata, OutputStream out)
            throws IOException {
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (byName.put(p.name(), p.tensor()) != null) {
                throw new IllegalArgumentException("two parameters are named '" + p.name() + "'");
            }
        }
        writeTensors(byName, metadata, out);
    }

    /**
     * Streams named tensors of any dtype (int32 included, which parameters cannot be); bfloat16
     * and float16 tensors are written as BF16 and F16, bit for bit.
     *
     * @param tensors the tensors to write, by name
     * @param metadata string metadata to write; null or empty for none
     * @param out the stream written to; not closed
     * @throws IOException if writing to out fails
     */
    public static void writeTensors(Map<String, Tensor> tensors, Map<String, String> metadata, OutputStream out)
            throws IOException {
        List<Map.Entry<String, Tensor>> entries = new ArrayList<>(tensors.entrySet());
        entries.sort(ENTRY_ORDER);
        StringBuilder header = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            header.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                header.append(first ? "" : ",").append(json(e.getKey())).append(':').append(json(e.getValue()));
                first = false;
            }
            header.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : entries) {
            Tensor t = e.getValue();
            long bytes = Math.multiplyExact(t.size(), (long) t.dtype().byteSize());
            header.append(header.length() > 1 ? "," : "").append(json(e.getKey())).append(":{\"dtype\":\"")
                    .append(SafetensorsDType.of(t.dtype())).append("\",\"shape\":").append(java.util.Arrays.toString(t.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        byte[] lenBytes = new byte[8];
        MemorySegment.ofArray(lenBytes).set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, padded);
        out.write(lenBytes);
        out.write(h);
        for (int i = h.length; i < padded; i++) {
            out.write(' ');
        }
        byte[] buf = new byte[1 << 16];
        for (Map.Entry<String, Tensor> e : entries) {
            // A device tensor is copied to the host first, in a scope of its own.
            try (Scope host = Scope.open("safetensors-write")) {
                writeData(out, e.getValue().detach().to(Device.CPU).contiguous(), buf);
            }
        }
    }

    private static void writeData(OutputStream out, Tensor c, byte[] buf) throws IOException {
        MemorySegment seg = c.segment().asSlice(c.offset() * c.dtype().byteSize(), c.size() * c.dtype().byteSize());
        // Our memory is native order; the file is little-endian (the same on x86 and ARM).
        for (long pos = 0; pos < seg.byteSize(); pos += buf.length) {
            int n = (int) Math.min(buf.length, seg.byteSize() - pos);
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, buf, 0, n);
            if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                swap(buf, n, c.dtype().byteSize());
            }
            out.write(buf, 0, n);
        }
    }

    private static void swap(byte[] b, int n, int width) {
        for (int i = 0; i + width <= n; i += width) {
            for (int j = 0; j < width / 2; j++) {
                byte t = b[i + j];
                b[i + j] = b[i + width - 1 - j];
                b[i + width - 1 - j] = t;
            }
        }
    }

    /**
     * The reference's order: larger dtype alignment first (its dtype enum, descending), then the
     * name compared as UTF-8 bytes (Rust's string order).
     */
    private static final Comparator<Map.Entry<String, Tensor>> ENTRY_ORDER =
            Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> rank(e.getValue().dtype()))
                    .reversed()
                    .thenComparing(e -> e.getKey().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned);

    /** Position in the reference's dtype enum (only the relative order matters). */
    private static int rank(DType d) {
        return switch (d) {
            case FLOAT16 -> -2;
            case BFLOAT16 -> -1;
            case INT32 -> 0;
            case FLOAT32 -> 2;
            case FLOAT64 -> 3;
        };
    }

    static String json(String s) {
        return JsonStrings.quote(s, false);
    }
}

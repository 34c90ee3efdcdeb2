package dev.gatun.io;

import dev.gatun.nn.Parameter;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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

    /** Streams {@code parameters} (and string metadata) to {@code out}. */
    public static void write(List<Parameter> parameters, Map<String, String> metadata, OutputStream out)
            throws IOException {
        Map<String, Tensor> byName = new TreeMap<>();
        for (Parameter p : parameters) {
            if (byName.put(p.name(), p.tensor()) != null) {
                throw new IllegalArgumentException("two parameters are named '" + p.name() + "'");
            }
        }
        StringBuilder header = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            header.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                header.append(first ? "" : ",").append(json(e.getKey())).append(':').append(json(e.getValue()));
                first = false;
            }
            header.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : byName.entrySet()) {
            Tensor t = e.getValue();
            long bytes = t.size() * t.dtype().byteSize();
            header.append(header.length() > 1 ? "," : "").append(json(e.getKey())).append(":{\"dtype\":\"")
                    .append(code(t.dtype())).append("\",\"shape\":").append(java.util.Arrays.toString(t.shape()).replace(" ", ""))
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
        for (Tensor t : byName.values()) {
            Tensor c = t.contiguous();
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

    /** The safetensors dtype code. */
    static String code(DType d) {
        return switch (d) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT32 -> "I32";
        };
    }

    static String json(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}

package dev.gatun.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One fuzz input holding several files of a folder (a trained model, a checkpoint), in the form
 * {@code tail} prints them: the first file's bytes, then for each further file a line
 * {@code ==> NAME <==} and its bytes.
 *
 * <pre>
 * {"format": "gatun-model", ...}
 * ==&gt; config.json &lt;==
 * {"name": ...}
 * ==&gt; model.safetensors &lt;==
 * (binary)
 * </pre>
 *
 * Only the names a target lists are files; a section with another name stays part of the file
 * before it, and a listed file without a section is absent from the folder.
 */
public final class FolderInput {
    private static final byte[] OPEN = "\n==> ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CLOSE = " <==\n".getBytes(StandardCharsets.UTF_8);

    private FolderInput() {}

    /** The files of {@code input}: {@code names.getFirst()} first, then those with a section. */
    public static Map<String, byte[]> split(byte[] input, List<String> names) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        String current = names.getFirst();
        int start = 0;
        int at = 0;
        while ((at = indexOf(input, OPEN, at)) >= 0) {
            int nameStart = at + OPEN.length;
            int close = indexOf(input, CLOSE, nameStart);
            String name = close < 0 ? null : new String(input, nameStart, close - nameStart, StandardCharsets.UTF_8);
            if (name != null && names.contains(name) && !files.containsKey(name) && !name.equals(current)) {
                files.put(current, Arrays.copyOfRange(input, start, at));
                current = name;
                start = close + CLOSE.length;
                at = start;
            } else {
                at = nameStart;
            }
        }
        files.putIfAbsent(current, Arrays.copyOfRange(input, start, input.length));
        return files;
    }

    /** The input holding {@code files} (in their order; the first one's section line is left out). */
    public static byte[] join(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean first = true;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            if (!first) {
                out.writeBytes(OPEN);
                out.writeBytes(f.getKey().getBytes(StandardCharsets.UTF_8));
                out.writeBytes(CLOSE);
            }
            out.writeBytes(f.getValue());
            first = false;
        }
        return out.toByteArray();
    }

    /** Empties {@code dir} of {@code names} and writes the files {@code files} holds. */
    public static void write(Map<String, byte[]> files, List<String> names, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : names) {
            Files.deleteIfExists(dir.resolve(name));
        }
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

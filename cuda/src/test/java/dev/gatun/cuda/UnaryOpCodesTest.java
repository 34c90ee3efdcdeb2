package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.gatun.backend.UnaryOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * UnaryOp crosses into CUDA C by its code: the codes are distinct, unary.cu's UNARY_* defines
 * spell exactly the enum's codes, and the committed PTX of unary_forward and unary_backward
 * compares the op parameter with every code and traps on the rest.
 *
 * <p>nvcc lowers each switch to a tree of compares on the register loaded from the op parameter:
 * range splits ({@code setp.gt.s32}) and, at the leaves, one {@code setp.eq.s32} or
 * {@code setp.ne.s32} against each case's code. So the set of equality immediates compared with
 * that register is the set of cases the kernel handles.
 */
class UnaryOpCodesTest {
    private static final Pattern DEFINE = Pattern.compile("(?m)^#define UNARY_(\\w+) (\\d+)\\s*$");

    @Test
    void codesAreDistinctAndStable() {
        Set<Integer> seen = new TreeSet<>();
        for (UnaryOp op : UnaryOp.values()) {
            assertTrue(op.code() >= 0, op + " has a negative code");
            assertTrue(seen.add(op.code()), op + " reuses code " + op.code());
        }
        // Codes already compiled into PTX never change meaning.
        assertEquals(0, UnaryOp.RELU.code());
        assertEquals(1, UnaryOp.SIGMOID.code());
        assertEquals(2, UnaryOp.TANH.code());
        assertEquals(3, UnaryOp.EXP.code());
        assertEquals(4, UnaryOp.LOG.code());
    }

    @Test
    void unaryCuDefinesTheEnumsCodes() throws IOException {
        Path cu = source("cuda/src/main/cuda/unary.cu");
        Map<String, Integer> defined = new TreeMap<>();
        Matcher m = DEFINE.matcher(Files.readString(cu));
        while (m.find()) {
            defined.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        assertEquals(expected(), defined, "unary.cu's UNARY_* defines against UnaryOp's codes");
    }

    @Test
    void committedPtxHandlesEveryCodeAndTrapsOnOthers() {
        String ptx = PtxKernels.ptx("unary");
        Set<Integer> codes = new TreeSet<>(expected().values());
        for (String entry : new String[] {"unary_forward", "unary_backward"}) {
            String body = entry(ptx, entry);
            assertEquals(codes, comparedCodes(body, entry), entry + ": the codes its switch compares the op with");
            assertTrue(body.contains("trap;"), entry + ": no trap for an unknown op code");
        }
    }

    private static Map<String, Integer> expected() {
        Map<String, Integer> codes = new TreeMap<>();
        for (UnaryOp op : UnaryOp.values()) {
            codes.put(op.name(), op.code());
        }
        return codes;
    }

    /** The immediates of the equality compares on the register loaded from the entry's first parameter. */
    private static Set<Integer> comparedCodes(String body, String entry) {
        Matcher load = Pattern.compile("ld\\.param\\.u32\\s+(%r\\d+), \\[" + entry + "_param_0\\];").matcher(body);
        assertTrue(load.find(), entry + ": no load of the op parameter (param_0)");
        String reg = Pattern.quote(load.group(1));
        Matcher cmp = Pattern.compile("setp\\.(?:eq|ne)\\.s32\\s+%p\\d+, " + reg + ", (-?\\d+);").matcher(body);
        Set<Integer> codes = new TreeSet<>();
        while (cmp.find()) {
            codes.add(Integer.parseInt(cmp.group(1)));
        }
        return codes;
    }

    /** The text of one .entry, up to the next. */
    private static String entry(String ptx, String name) {
        int at = ptx.indexOf(".entry " + name + "(");
        assertTrue(at >= 0, "no .entry " + name + " in unary.ptx");
        int next = ptx.indexOf(".entry ", at + 1);
        return next < 0 ? ptx.substring(at) : ptx.substring(at, next);
    }

    private static Path source(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(relative);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        abort(relative + " is not above " + Path.of("").toAbsolutePath()
                + ": this is not a source checkout (the gpu-runner ships only the compiled PTX)");
        throw new AssertionError("unreachable");
    }
}

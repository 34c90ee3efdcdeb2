package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The committed PTX declares exactly the kernels PtxKernels lists, with the listed parameters. */
class PtxKernelsTest {
    private static final Pattern ENTRY = Pattern.compile("\\.visible \\.entry (\\w+)\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param (\\.\\w+) (\\w+)_param_(\\d+)");

    /** entry name -> PTX parameter types in order, as the PTX text declares them. */
    static Map<String, List<String>> entries(String ptx) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher e = ENTRY.matcher(ptx);
        while (e.find()) {
            List<String> types = new ArrayList<>();
            Matcher p = PARAM.matcher(e.group(2));
            while (p.find()) {
                assertEquals(e.group(1), p.group(2));
                assertEquals(types.size(), Integer.parseInt(p.group(3)));
                types.add(p.group(1));
            }
            out.put(e.group(1), types);
        }
        return out;
    }

    @Test
    void everyListedKernelIsDeclaredWithItsParameters() {
        for (PtxKernel k : PtxKernels.ALL) {
            Map<String, List<String>> declared = entries(PtxKernels.ptx(k.file()));
            assertTrue(declared.containsKey(k.entry()), k.resource() + " has no .entry " + k.entry());
            List<String> expected = k.params().stream().map(p -> p.type().ptxType()).toList();
            assertEquals(expected, declared.get(k.entry()), k.entry() + " parameters " + k.params());
        }
    }

    @Test
    void eachPtxFileDeclaresOnlyListedKernels() {
        assertEquals(List.of("cross_entropy_backward", "adam_step", "sgd_step", "rmsprop_step", "adagrad_step", "scale",
                "binary_broadcast", "pool", "lstm_cell", "gru_cell", "unary", "copy", "reduce", "softmax", "cross_entropy",
                "argmax", "dropout", "cast"), PtxKernels.files());
        for (String file : PtxKernels.files()) {
            List<String> listed = PtxKernels.ALL.stream().filter(k -> k.file().equals(file)).map(PtxKernel::entry)
                    .sorted().toList();
            String ptx = PtxKernels.ptx(file);
            assertEquals(listed, entries(ptx).keySet().stream().sorted().toList(), file);
            assertTrue(ptx.contains(".target sm_80"), file + " is not compute_80 PTX");
        }
    }

    @Test
    void kernelsAreFoundByEntryName() {
        assertEquals(PtxKernels.ADAM_STEP, PtxKernels.find("adam_step").orElseThrow());
        assertEquals(15, PtxKernels.find("binary_div").orElseThrow().params().size());
        assertTrue(PtxKernels.find("no_such_kernel").isEmpty());
    }

    @Test
    void aMissingPtxFileIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PtxKernels.ptx("missing"));
        assertTrue(e.getMessage().contains("/dev/gatun/cuda/ptx/missing.ptx"), e.getMessage());
    }
}

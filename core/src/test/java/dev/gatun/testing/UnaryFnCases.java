package dev.gatun.testing;

import dev.gatun.backend.UnaryFn;
import dev.gatun.backend.UnaryOp;
import java.util.ArrayList;
import java.util.List;

/**
 * The unary functions the parity tests of every backend run (shared with the cuda module's tests
 * through the core's test jar): every op with its default parameter,
 * and the parametrised ops with another.
 */
public final class UnaryFnCases {
    private UnaryFnCases() {}

    /** Every op at its default, then leaky ReLU with slope 0.2 and ELU with alpha 0.5. */
    public static List<UnaryFn> all() {
        List<UnaryFn> fns = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            fns.add(UnaryFn.of(op));
        }
        fns.add(UnaryFn.of(UnaryOp.LEAKY_RELU, 0.2));
        fns.add(UnaryFn.of(UnaryOp.ELU, 0.5));
        return fns;
    }
}

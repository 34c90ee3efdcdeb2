package dev.gatun.backend;

import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;

/**
 * The default implementations of {@link OptimizerOps}: each update as a few passes of axpby,
 * binary and unary over the parameter, with temporaries in a scope of their own. Square roots are
 * exp(½·log v), which the element-wise core has (√0 = 0, and a negative v gives NaN, as √ does),
 * a few ulps from √; SGD, which needs none, does the scalar reference's float64 arithmetic exactly.
 * In float32 every pass rounds to float32 where the reference rounds once.
 */
final class ComposedOptimizerSteps {
    private ComposedOptimizerSteps() {}

    /** Adam (AdamW when decoupled): m, v ← moving averages of g, g²; p −= lr·(m/bc1) / (√(v/bc2) + eps). */
    static void adam(ElementwiseOps be, Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1,
                     double beta2, double eps, double weightDecay, boolean decoupled, int step) {
        try (Scope s = Scope.open("adam")) {
            Tensor g = grad;
            if (decoupled) {
                be.binary(BinaryOp.MUL, param, constant(be, param, 1 - lr * weightDecay), param);
            } else {
                g = decayed(be, param, grad, weightDecay);
            }
            be.axpby(1 - beta1, g, beta1, m);
            Tensor t = param.newEmpty(param.shape());
            be.binary(BinaryOp.MUL, g, g, t);
            be.axpby(1 - beta2, t, beta2, v);
            be.binary(BinaryOp.DIV, v, constant(be, param, 1 - Math.pow(beta2, step)), t);
            sqrt(be, t, t);
            be.binary(BinaryOp.ADD, t, constant(be, param, eps), t);
            Tensor u = param.newEmpty(param.shape());
            be.binary(BinaryOp.DIV, m, constant(be, param, 1 - Math.pow(beta1, step)), u);
            be.binary(BinaryOp.DIV, u, t, u);
            be.axpby(-lr, u, 1, param);
        }
    }

    /** SGD: g = grad + wd·p; with momentum b ← momentum·b + (1 − dampening)·g (g on the first step); p −= lr·g. */
    static void sgd(ElementwiseOps be, Tensor param, Tensor grad, Tensor buf, double lr, double momentum,
                    double dampening, double weightDecay, boolean nesterov, boolean firstStep) {
        try (Scope s = Scope.open("sgd")) {
            Tensor g = decayed(be, param, grad, weightDecay);
            if (momentum != 0) {
                if (firstStep) {
                    be.copy(g, buf);
                } else {
                    be.axpby(1 - dampening, g, momentum, buf);
                }
                if (nesterov) {
                    be.axpby(momentum, buf, 1, g);
                } else {
                    g = buf;
                }
            }
            be.axpby(-lr, g, 1, param);
        }
    }

    /** RMSprop: s ← α·s + (1 − α)·g²; avg = √(s − ḡ²) (centered) or √s, plus eps; p −= lr·g/avg, through b with momentum. */
    static void rmsprop(ElementwiseOps be, Tensor param, Tensor grad, Tensor squareAvg, Tensor buf, Tensor gradAvg,
                        double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        try (Scope s = Scope.open("rmsprop")) {
            Tensor g = decayed(be, param, grad, weightDecay);
            Tensor t = param.newEmpty(param.shape());
            be.binary(BinaryOp.MUL, g, g, t);
            be.axpby(1 - alpha, t, alpha, squareAvg);
            if (centered) {
                be.axpby(1 - alpha, g, alpha, gradAvg);
                be.binary(BinaryOp.MUL, gradAvg, gradAvg, t);
                be.binary(BinaryOp.SUB, squareAvg, t, t);
                sqrt(be, t, t);
            } else {
                sqrt(be, squareAvg, t);
            }
            be.binary(BinaryOp.ADD, t, constant(be, param, eps), t);
            be.binary(BinaryOp.DIV, g, t, t);
            if (momentum != 0) {
                be.axpby(1, t, momentum, buf);
                t = buf;
            }
            be.axpby(-lr, t, 1, param);
        }
    }

    /** Adagrad: sum += g²; p −= lr/(1 + (step − 1)·lrDecay) · g / (√sum + eps). */
    static void adagrad(ElementwiseOps be, Tensor param, Tensor grad, Tensor sum, double lr, double lrDecay,
                        double weightDecay, double eps, int step) {
        try (Scope s = Scope.open("adagrad")) {
            Tensor g = decayed(be, param, grad, weightDecay);
            Tensor t = param.newEmpty(param.shape());
            be.binary(BinaryOp.MUL, g, g, t);
            be.axpby(1, t, 1, sum);
            sqrt(be, sum, t);
            be.binary(BinaryOp.ADD, t, constant(be, param, eps), t);
            be.binary(BinaryOp.DIV, g, t, t);
            be.axpby(-lr / (1 + (step - 1) * lrDecay), t, 1, param);
        }
    }

    /** A new tensor holding grad + weightDecay·param (always computed: an infinite param gives NaN, as in the reference). */
    private static Tensor decayed(ElementwiseOps be, Tensor param, Tensor grad, double weightDecay) {
        Tensor g = param.newEmpty(param.shape());
        be.copy(grad, g);
        be.axpby(weightDecay, param, 1, g);
        return g;
    }

    /** y = √x as exp(½·log x). y may be x. */
    private static void sqrt(ElementwiseOps be, Tensor x, Tensor y) {
        be.unary(UnaryFn.of(UnaryOp.LOG), x, y);
        be.binary(BinaryOp.MUL, y, constant(be, y, 0.5), y);
        be.unary(UnaryFn.of(UnaryOp.EXP), y, y);
    }

    private static Tensor constant(ElementwiseOps be, Tensor like, double value) {
        return ScalarOperand.of(be, like, value);
    }
}

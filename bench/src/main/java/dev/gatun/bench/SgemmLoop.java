package dev.gatun.bench;

import dev.gatun.kernels.gemm.Sgemm;

/**
 * One {@link SgemmBenchmark} shape multiplied forever, printing {@code "<ns> <products so far>"}
 * after each product: the Gatun side of {@code bench/pytorch/paired.py --model sgemm}, whose
 * PyTorch side is {@code torch.mm} on the same shape ({@code sgemm.py --loop}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/gatun-benchmarks.jar dev.gatun.bench.SgemmLoop 1024
 * </pre>
 */
public final class SgemmLoop {
    private SgemmLoop() {}

    /**
     * Runs the loop.
     *
     * @param args the shape, as {@link SgemmBenchmark} names them (N for N×N·N×N)
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: SgemmLoop N|MxKxN[-tA|-tB]");
            System.exit(2);
        }
        SgemmBenchmark.VectorCase p = new SgemmBenchmark.VectorCase();
        p.shape = args[0];
        p.setUp();
        StepReports.forever(() -> Sgemm.sgemm(p.transA, p.transB, p.m, p.n, p.k, 1f, p.a, 0, p.lda, p.b, 0, p.ldb,
                0f, p.c, 0, p.n), 1);
    }
}

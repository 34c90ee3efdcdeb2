package dev.gatun.kernels;

import dev.gatun.kernels.elementwise.Relu;
import dev.gatun.kernels.elementwise.Sigmoid;
import dev.gatun.kernels.elementwise.Tanh;
import dev.gatun.kernels.gemm.Sgemm;
import dev.gatun.kernels.reduce.AxisSum;
import dev.gatun.kernels.reduce.LogSoftmax;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The child JVM of {@link JitTiersTest}: compiles every method of the kernel classes under the
 * directory given at C1's profiling tier (3) through the JVM's WhiteBox API, and prints one
 * {@code NOT COMPILABLE} line for each method that C1 gave up on, then {@code checked N}.
 *
 * <p>C1 inlines a callee only once its class is loaded, so a few kernels run first: the vector,
 * mask and shuffle classes of this width are then loaded, and each kernel is compiled with the
 * Vector API inlined into it, as it is in a training run.
 */
public final class JitTiersProbe {
    /** HotSpot's tier of C1 with full profiling, which a method passes through on its way to C2. */
    private static final int PROFILING_TIER = 3;
    /** The entry of a normal (not on-stack-replacement) compilation. */
    private static final int METHOD_ENTRY = -1;

    private JitTiersProbe() {}

    /**
     * Runs the check.
     *
     * @param args the directory of the compiled kernel classes
     * @throws Exception when the WhiteBox API is missing or a class does not load
     */
    public static void main(String[] args) throws Exception {
        runKernels();
        Class<?> whiteBox = Class.forName("jdk.test.whitebox.WhiteBox");
        Constructor<?> make = whiteBox.getDeclaredConstructor();
        make.setAccessible(true);
        Object wb = make.newInstance();
        Method enqueue = whiteBox.getMethod("enqueueMethodForCompilation0", Executable.class, int.class, int.class);
        Method compilable = whiteBox.getMethod("isMethodCompilable0", Executable.class, int.class, boolean.class);
        Path root = Path.of(args[0]);
        int checked = 0;
        for (Class<?> c : classes(root)) {
            List<Executable> all = new ArrayList<>(List.of(c.getDeclaredMethods()));
            all.addAll(List.of(c.getDeclaredConstructors()));
            for (Executable m : all) {
                if (Modifier.isAbstract(m.getModifiers()) || Modifier.isNative(m.getModifiers())) {
                    continue;
                }
                enqueue.invoke(wb, m, PROFILING_TIER, METHOD_ENTRY);
                if (!(boolean) compilable.invoke(wb, m, PROFILING_TIER, false)) {
                    System.out.println("NOT COMPILABLE " + m);
                }
                checked++;
            }
        }
        System.out.println("checked " + checked);
    }

    /** Every class under root's dev/gatun/kernels, loaded and initialized. */
    private static List<Class<?>> classes(Path root) throws Exception {
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("dev/gatun/kernels"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), ".");
                out.add(Class.forName(name.substring(0, name.length() - ".class".length())));
            }
        }
        return out;
    }

    /** Small inputs through GEMM (every transpose, edge tiles), activations, reductions and lane ops. */
    private static void runKernels() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 131 * 97;
            MemorySegment a = arena.allocate((long) n * Float.BYTES, 64);
            MemorySegment b = arena.allocate((long) n * Float.BYTES, 64);
            MemorySegment c = arena.allocate((long) n * Float.BYTES, 64);
            for (int i = 0; i < n; i++) {
                a.setAtIndex(ValueLayout.JAVA_FLOAT, i, (i % 17 - 8) / 8f);
                b.setAtIndex(ValueLayout.JAVA_FLOAT, i, (i % 13 - 6) / 6f);
            }
            for (int[] s : new int[][] {{131, 97, 64}, {37, 45, 29}, {8, 40, 16}}) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    int m = s[0], nn = s[1], k = s[2];
                    Sgemm.sgemm(ta, tb, m, nn, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : nn, 0.5f, c, 0, nn);
                }
            }
            Sigmoid.forward(a, 0, c, 0, n);
            Tanh.forward(a, 0, c, 0, n);
            Relu.forward(a, 0, c, 0, n);
            AxisSum.run(a, 0, 13, 97, 7, c, 0);
            LogSoftmax.forward(a, 0, 97, 10, c, 0);
        }
        VectorSpecies<Float> f = Simd.FLOATS;
        VectorSpecies<Integer> i = IntVector.SPECIES_PREFERRED.withShape(f.vectorShape());
        FloatVector x = FloatVector.fromArray(f, new float[f.length()], 0);
        IntVector y = IntVector.zero(i).lanewise(VectorOperators.LSHL, 1).lanewise(VectorOperators.ASHR, 1);
        VectorMask<Float> lt = x.compare(VectorOperators.LT, 1f);
        VectorShuffle<Float> rotate = VectorShuffle.iota(f, 1, 1, true);
        x = x.blend(x.rearrange(rotate), lt).add(y.reinterpretAsFloats()).selectFrom(x, x);
        DoubleVector d = DoubleVector.zero(Simd.DOUBLES).add(1);
        if (x.reduceLanes(VectorOperators.MAX) + d.reduceLanes(VectorOperators.ADD) < -1) {
            throw new AssertionError();
        }
    }
}

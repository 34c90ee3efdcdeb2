package dev.gatun.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.kernels.ChildJvm;
import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.Simd;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The convolutions give the same bits on any number of threads: JVMs with 1 and 3 kernel threads
 * run {@link ConvThreadsProbe} at this run's vector width and must print what this JVM computes.
 * The shapes reach the tap tiles both ways they share work (ranges of tiles; fixed parts of
 * images where tiles are few), the pixel tiles, groups and the implicit GEMM.
 */
class ConvThreadsTest {
    /** {batch, inC, inH, inW, outC, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups}. */
    static final int[][] SHAPES = {
        {9, 1, 12, 12, 32, 5, 5, 1, 1, 2, 2, 1, 1, 1},
        {3, 16, 8, 8, 64, 5, 5, 1, 1, 2, 2, 1, 1, 1},
        {3, 24, 9, 7, 6, 5, 5, 1, 1, 2, 2, 1, 1, 2},
        {2, 8, 9, 9, 20, 3, 3, 2, 2, 1, 1, 1, 1, 1},
    };

    @Test
    void oneTwoAndThreeThreadsGiveTheSameBits() throws Exception {
        String here = ConvThreadsProbe.digests();
        for (int threads : new int[] {1, 3}) {
            String child = ChildJvm.run(List.of(ChildJvm.tool("java"), "--add-modules", "jdk.incubator.vector",
                    "--enable-native-access=ALL-UNNAMED", "-Dgatun.threads=" + threads,
                    "-Dgatun.simd.bits=" + Simd.FLOATS.vectorBitSize(), "-cp", ChildJvm.classPath(),
                    ConvThreadsProbe.class.getName()));
            List<String> lines = child.lines().filter(l -> l.startsWith("forward") || l.startsWith("backward")).toList();
            assertEquals(here.lines().toList(), lines,
                    threads + " threads against " + Parallel.THREADS + " at " + Simd.FLOATS.vectorBitSize() + " bits");
        }
    }
}

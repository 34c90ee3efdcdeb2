package dev.gatun.kernels.conv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Runs the three passes of {@link ConvThreadsTest#SHAPES} on seeded data and prints one line a
 * pass and shape: its name and a CRC of the output's bytes, so JVMs with other thread counts can
 * be compared bit for bit.
 */
public final class ConvThreadsProbe {
    private ConvThreadsProbe() {}

    public static void main(String[] args) {
        System.out.print(digests());
    }

    /** The lines {@link #main} prints, computed in this JVM. */
    static String digests() {
        StringBuilder out = new StringBuilder();
        try (Arena arena = Arena.ofShared()) {
            for (int[] a : ConvThreadsTest.SHAPES) {
                ConvShape s = ConvData.shape(a);
                MemorySegment x = ConvData.random(arena, 0, s.inputSize(), 1);
                MemorySegment w = ConvData.random(arena, 0, s.weightSize(), 2);
                MemorySegment b = ConvData.random(arena, 0, s.outChannels(), 3);
                MemorySegment dy = ConvData.random(arena, 0, s.outputSize(), 4);
                MemorySegment y = ConvData.guards(arena, 0, s.outputSize());
                MemorySegment dx = ConvData.guards(arena, 0, s.inputSize());
                MemorySegment dw = ConvData.guards(arena, 0, s.weightSize());
                MemorySegment db = ConvData.guards(arena, 0, s.outChannels());
                Conv2d.forward(s, x, 0, w, 0, b, 0, y, 0);
                Conv2d.backwardData(s, dy, 0, w, 0, dx, 0);
                Conv2d.backwardWeight(s, x, 0, dy, 0, dw, 0, db, 0);
                String shape = Arrays.toString(a);
                out.append("forward ").append(shape).append(' ').append(crc(y)).append('\n');
                out.append("backwardData ").append(shape).append(' ').append(crc(dx)).append('\n');
                out.append("backwardWeight ").append(shape).append(' ').append(crc(dw)).append(' ').append(crc(db)).append('\n');
            }
        }
        return out.toString();
    }

    private static String crc(MemorySegment s) {
        CRC32 crc = new CRC32();
        crc.update(s.asByteBuffer());
        return Long.toHexString(crc.getValue());
    }
}

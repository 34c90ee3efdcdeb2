package dev.gatun.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void creationAndArrays() {
        try (Scope s = Scope.open()) {
            Tensor z = Tensor.zeros(DType.FLOAT64, 2, 3);
            assertArrayEquals(new double[6], z.toDoubleArray());
            assertArrayEquals(new float[] {1, 1, 1, 1}, Tensor.ones(DType.FLOAT32, 2, 2).toFloatArray());
            assertArrayEquals(new float[] {7, 7, 7}, Tensor.full(DType.FLOAT32, 7, 3).toFloatArray());
            Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            assertEquals(6.0, a.get(1, 2));
            assertArrayEquals(new int[] {2, 3}, a.shape());
            assertArrayEquals(new long[] {3, 1}, a.strides());
            assertArrayEquals(new int[] {3, 1, 2}, Tensor.of(new int[] {3, 1, 2}, 3).toIntArray());
            assertEquals(5.0, Tensor.scalar(DType.FLOAT64, 5).item());
        }
    }

    @Test
    void seededRandomIsReproducibleAndInRange() {
        try (Scope s = Scope.open()) {
            Tensor u1 = Tensor.uniform(3, -2, 5, DType.FLOAT32, 1000);
            Tensor u2 = Tensor.uniform(3, -2, 5, DType.FLOAT32, 1000);
            assertArrayEquals(u1.toFloatArray(), u2.toFloatArray());
            for (float v : u1.toFloatArray()) {
                assertTrue(v >= -2 && v < 5);
            }
            double[] n = Tensor.normal(4, 1, 2, DType.FLOAT64, 20000).toDoubleArray();
            double mean = 0;
            double sq = 0;
            for (double v : n) {
                mean += v;
            }
            mean /= n.length;
            for (double v : n) {
                sq += (v - mean) * (v - mean);
            }
            assertEquals(1, mean, 0.05);
            assertEquals(2, Math.sqrt(sq / n.length), 0.05);
        }
    }

    @Test
    void viewsShareStorage() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
            Tensor r = a.reshape(3, 2);
            Tensor t = a.t();
            Tensor sl = a.slice(1, 1, 3);
            assertEquals(a.segment(), r.segment());
            assertFalse(t.isContiguous());
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());
            assertArrayEquals(new float[] {1, 2, 4, 5}, sl.toFloatArray());
            a.set(42, 1, 1);
            assertEquals(42.0, r.get(2, 0));
            assertEquals(42.0, t.get(1, 1));
            assertEquals(42.0, sl.get(1, 0));
            assertArrayEquals(new float[] {0, 3, 1, 42, 2, 5}, t.contiguous().toFloatArray());
            assertArrayEquals(new int[] {6}, a.reshape(-1).shape());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.reshape(6));
            assertTrue(e.getMessage().contains("not contiguous"), e.getMessage());
        }
    }

    @Test
    void readableToString() {
        try (Scope s = Scope.open()) {
            assertEquals("Tensor(float32[2, 2], [[1.0000, 2.0000], [3.0000, 4.0000]])",
                    Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).toString());
            assertEquals("Tensor(int32[3], [1, 2, 3])", Tensor.of(new int[] {1, 2, 3}, 3).toString());
            assertTrue(Tensor.zeros(50, 50).toString().contains("2500 elements"));
        }
    }

    @Test
    void useAfterCloseThrows() {
        Tensor t;
        try (Scope s = Scope.open("short")) {
            t = Tensor.ones(DType.FLOAT32, 4);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toFloatArray);
        assertTrue(e.getMessage().contains("used after its scope 'short' was closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> t.add(t));
        assertThrows(IllegalStateException.class, t::segment);
        assertEquals("Tensor(float32[4], closed)", t.toString());
    }

    @Test
    void aDetachedScopeKeepsItsTensorsAndClosesFromAnotherThread() throws InterruptedException {
        try (Scope outer = Scope.open("outer")) {
            Scope kept = Scope.open("kept");
            Tensor t = Tensor.full(DType.FLOAT32, 3, 4);
            assertTrue(kept.detach() == kept && kept.isOpen());
            assertTrue(Scope.current() == outer, "ops allocate in the scope below again");
            assertTrue(Tensor.zeros(2).scope() == outer);
            IllegalStateException[] failed = new IllegalStateException[1];
            Thread other = new Thread(() -> {
                assertArrayEquals(new float[] {3, 3, 3, 3}, t.toFloatArray());
                try {
                    kept.close();
                } catch (IllegalStateException e) {
                    failed[0] = e;
                }
            });
            other.start();
            other.join();
            assertEquals(null, failed[0]);
            assertFalse(kept.isOpen());
            assertThrows(IllegalStateException.class, t::toFloatArray);
        }
        Scope owned = Scope.open("owned");
        try {
            RuntimeException[] refused = new RuntimeException[1];
            Thread other = new Thread(() -> {
                try {
                    owned.detach();
                } catch (IllegalStateException e) {
                    refused[0] = e;
                }
            });
            other.start();
            other.join();
            assertTrue(refused[0] != null && refused[0].getMessage().contains("thread that opened it"));
        } finally {
            owned.close();
        }
    }

    @Test
    void noScopeIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.zeros(3));
        assertTrue(e.getMessage().contains("no open Scope"), e.getMessage());
    }

    @Test
    void scopesTrackLiveBytes() {
        long before = Scope.liveBytes();
        try (Scope s = Scope.open()) {
            Tensor.zeros(DType.FLOAT64, 10, 10);
            assertEquals(before + 800, Scope.liveBytes());
        }
        assertEquals(before, Scope.liveBytes());
    }

    @Test
    void badShapesGetClearErrors() {
        try (Scope s = Scope.open()) {
            IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, -1));
            assertTrue(neg.getMessage().contains("negative dimension -1"), neg.getMessage());
            Tensor a = Tensor.zeros(2, 3);
            Tensor b = Tensor.zeros(4, 3);
            IllegalArgumentException bc = assertThrows(IllegalArgumentException.class, () -> a.add(b));
            assertTrue(bc.getMessage().contains("cannot be broadcast"), bc.getMessage());
            IllegalArgumentException mm = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
            assertTrue(mm.getMessage().contains("[2, 3] and [4, 3]"), mm.getMessage());
            IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
                    () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
            assertTrue(len.getMessage().contains("does not fit shape [2, 2]"), len.getMessage());
            assertThrows(IllegalArgumentException.class, () -> a.slice(1, 2, 5));
            assertThrows(IllegalArgumentException.class, () -> a.reshape(5, -1));
            assertThrows(IllegalArgumentException.class, () -> a.sum(2, false));
        }
    }
}

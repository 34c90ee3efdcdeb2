package dev.gatun.studio.play;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.Linear;
import dev.gatun.nn.MaxPool2d;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.Scope;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The network view's pictures: computed only while a page is connected with the view open, and what they hold. */
class NetworkViewTest {
    @TempDir
    Path dir;

    @Test
    void neuronPicturesAreNotComputedWithoutAConnectedPageWithTheViewOpen() throws Exception {
        AtomicBoolean connected = new AtomicBoolean(false);
        AtomicBoolean open = new AtomicBoolean(true);
        PlaygroundRunTest.Events events = new PlaygroundRunTest.Events();
        long sent;
        try (PlaygroundRun run = PlaygroundRun.start("p1", PlaygroundRunTest.spirals(5), dir, events, connected::get,
                view -> view.equals("network") && open.get())) {
            // Open, but no page connected.
            run.control("step_batch", false);
            run.control("step_epoch", false);
            assertEquals(0, run.views().path("sent").path("network").asLong());
            // Connected, but the view closed.
            connected.set(true);
            open.set(false);
            run.control("step_batch", false);
            run.control("step_epoch", false);
            run.showViews();
            assertEquals(0, run.views().path("sent").path("network").asLong());
            assertTrue(!run.views().path("open").path("network").asBoolean());
            // Both: every snapshot carries one, and a page that opens the view gets one at once.
            open.set(true);
            run.showViews();
            assertEquals(1, run.views().path("sent").path("network").asLong());
            run.control("step_batch", false);
            sent = run.views().path("sent").path("network").asLong();
            assertTrue(sent >= 2, "sent " + sent);
            // Closed again: no more.
            open.set(false);
            run.control("step_epoch", false);
            assertEquals(sent, run.views().path("sent").path("network").asLong());
        }
        // Every one computed was sent, and none other.
        assertEquals(sent, events.of("network").size());
    }

    @Test
    void theNetworkEventDrawsEachDenseLayerWithItsWeightsAndEachNeuronOverThePlane() throws Exception {
        PlaygroundRunTest.Events events = new PlaygroundRunTest.Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", PlaygroundRunTest.spirals(5), dir, events, () -> true,
                view -> true)) {
            run.control("step_batch", false);
        }
        JsonNode network = events.of("network").getLast();
        assertEquals(1, network.path("step").asInt());
        assertEquals("", network.path("unsupported").asString());
        JsonNode plane = network.path("plane");
        assertEquals(24, plane.path("width").asInt());
        JsonNode columns = network.path("columns");
        assertEquals(4, columns.size());
        assertEquals(List.of("input", "dense", "dense", "output"),
                List.of(kind(columns, 0), kind(columns, 1), kind(columns, 2), kind(columns, 3)));
        assertEquals("0: dense 8, tanh", columns.path(1).path("label").asString());
        assertEquals("[0,1]", columns.path(1).path("layers").toString());
        assertEquals(8 * 2, columns.path(1).path("weights").size());
        assertEquals(8 * 8, columns.path(2).path("weights").size());
        assertEquals(2, columns.path(3).path("bias").size());
        // The input's pictures are the plane's coordinates: x grows to the right, y upwards.
        float[] x = floats(columns.path(0).path("neurons").path(0).asString());
        float[] y = floats(columns.path(0).path("neurons").path(1).asString());
        assertEquals(24 * 24, x.length);
        assertTrue(x[0] < x[23] && x[0] == x[24]);
        assertTrue(y[0] > y[24 * 23] && y[0] == y[1]);
        // Hidden tanh neurons lie in [-1, 1] and differ across the plane.
        for (JsonNode n : columns.path(1).path("neurons")) {
            float[] v = floats(n.asString());
            float lo = Float.MAX_VALUE;
            float hi = -Float.MAX_VALUE;
            for (float f : v) {
                lo = Math.min(lo, f);
                hi = Math.max(hi, f);
            }
            assertTrue(lo >= -1 && hi <= 1 && hi > lo, lo + " .. " + hi);
        }
        // Column 1's first neuron at cell 0 is tanh(w·(x, y) + b) from the event's own weights.
        JsonNode first = columns.path(1);
        double pre = first.path("weights").path(0).asDouble() * x[0] + first.path("weights").path(1).asDouble() * y[0]
                + first.path("bias").path(0).asDouble();
        assertEquals(Math.tanh(pre), floats(first.path("neurons").path(0).asString())[0], 1e-5);
        assertNotEquals(0, first.path("limit").asDouble());
    }

    @Test
    void aNetworkOtherThanDenseIsNamedNotDrawn() {
        try (Scope s = Scope.open("test")) {
            NetworkDiagram d = NetworkDiagram.of(new Sequential(new Linear(2, 3, new SplittableRandom(1)),
                    new MaxPool2d(2)), List.of("dense", "maxpool2d"), new int[] {2});
            assertEquals("the network view draws dense networks; layer 1 is maxpool2d", d.unsupported());
            assertEquals(List.of(), d.columns());
        }
    }

    @Test
    void aWideLayerIsCutToItsFirstSixteenNeuronsWithTheirOwnWeights() {
        try (Scope s = Scope.open("test")) {
            Linear wide = new Linear(2, 40, new SplittableRandom(1));
            Linear out = new Linear(40, 3, new SplittableRandom(2));
            NetworkDiagram d = NetworkDiagram.of(new Sequential(wide, out), List.of("dense", "dense"), new int[] {2});
            assertEquals("", d.unsupported());
            NetworkDiagram.Column hidden = d.columns().get(1);
            assertEquals(40, hidden.units());
            assertEquals(16, hidden.drawn());
            assertEquals(16 * 2, hidden.weights().length);
            NetworkDiagram.Column last = d.columns().get(2);
            assertEquals("output", last.kind());
            assertEquals(3 * 16, last.weights().length);
            float[] w = out.weight().tensor().toFloatArray();
            // Row 2 of the drawn links is row 2 of the weight, its first 16 inputs.
            for (int c = 0; c < 16; c++) {
                assertEquals(w[2 * 40 + c], last.weights()[2 * 16 + c]);
            }
            assertEquals(out.bias().tensor().toFloatArray()[2], last.bias()[2]);
        }
    }

    private static String kind(JsonNode columns, int i) {
        return columns.path(i).path("kind").asString();
    }

    private static float[] floats(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }
}

package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.ArrayDataset;
import dev.gatun.data.Synthetic;
import dev.gatun.nn.Linear;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionBoundaryTest {
    @TempDir
    Path dir;
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** Logits (-x, x): class 1 exactly where x > 0. */
    private static Linear splitAtXZero() {
        Linear net = new Linear(2, 2, true, DType.FLOAT32, new SplittableRandom(3));
        net.weight().tensor().set(-1, 0, 0);
        net.weight().tensor().set(0, 0, 1);
        net.weight().tensor().set(1, 1, 0);
        net.weight().tensor().set(0, 1, 1);
        net.bias().tensor().fill(0);
        return net;
    }

    /** Four corner points, labelled by the sign of x; the plot spans x, y in [-1.2, 1.2] with the margin. */
    private static ArrayDataset corners() {
        return ArrayDataset.classification(new float[] {-1, -1, -1, 1, 1, -1, 1, 1}, new int[] {2},
                new int[] {0, 0, 1, 1}, 2);
    }

    @Test
    void colorsTheTwoHalvesByPredictedClass() throws IOException {
        Linear net = splitAtXZero();
        net.train(true);
        Path png = DecisionBoundary.write(dir.resolve("plots/boundary.png"), net, corners(), List.of("left", "right"));

        assertTrue(net.isTraining(), "the model's mode is restored");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(DecisionBoundary.WIDTH, image.getWidth());
        assertEquals(DecisionBoundary.HEIGHT, image.getHeight());
        var plot = DecisionBoundary.PLOT;
        int midY = plot.y + plot.height / 2;
        // Sample away from the points (at the corners) and from the boundary (the middle column).
        for (int dx : new int[] {plot.width / 8, plot.width / 4, 3 * plot.width / 8}) {
            assertEquals(DecisionBoundary.pale(0).getRGB(), image.getRGB(plot.x + plot.width / 2 - dx, midY),
                    "left of x = 0 is class 0");
            assertEquals(DecisionBoundary.pale(1).getRGB(), image.getRGB(plot.x + plot.width / 2 + dx, midY),
                    "right of x = 0 is class 1");
        }
        // The point (1, 1) is drawn in its true class's strong colour, 1/1.2 of the way from the centre.
        int px = plot.x + (int) Math.round((1 + 1.2) / 2.4 * plot.width);
        int py = plot.y + (int) Math.round((1.2 - 1) / 2.4 * plot.height);
        assertEquals(DecisionBoundary.strong(1).getRGB(), image.getRGB(px, py));
    }

    @Test
    void aSingleLogitIsReadAsBinary() throws IOException {
        // One output x: class 1 where x > 0, like the two-logit model.
        Linear net = new Linear(2, 1, true, DType.FLOAT32, new SplittableRandom(3));
        net.weight().tensor().set(1, 0, 0);
        net.weight().tensor().set(0, 0, 1);
        net.bias().tensor().fill(0);
        BufferedImage image = ImageIO.read(DecisionBoundary.write(dir.resolve("b.png"), net, corners()).toFile());
        var plot = DecisionBoundary.PLOT;
        int midY = plot.y + plot.height / 2;
        assertEquals(DecisionBoundary.pale(0).getRGB(), image.getRGB(plot.x + plot.width / 4, midY));
        assertEquals(DecisionBoundary.pale(1).getRGB(), image.getRGB(plot.x + 3 * plot.width / 4, midY));
    }

    @Test
    void trainsNothingAndLeavesNoTensorsBehind() throws IOException {
        Linear net = splitAtXZero();
        long before = Scope.liveBytes();
        DecisionBoundary.write(dir.resolve("c.png"), net, Synthetic.moons(200, 0.1, 1));
        assertEquals(before, Scope.liveBytes(), "grid and data tensors are freed with the boundary's own scope");
        assertEquals(null, net.weight().grad(), "no gradients recorded");
    }

    @Test
    void rejectsDataThatIsNotTwoDimensionalClassification() {
        Linear net = splitAtXZero();
        ArrayDataset threeFeatures = ArrayDataset.classification(new float[] {1, 2, 3}, new int[] {3}, new int[] {0}, 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> DecisionBoundary.write(dir.resolve("x.png"), net, threeFeatures));
        assertTrue(e.getMessage().contains("exactly 2 features") && e.getMessage().contains("[3]"), e.getMessage());

        ArrayDataset regression = ArrayDataset.regression(new float[] {1, 2}, new int[] {2}, new float[] {0.5f}, new int[] {1});
        e = assertThrows(IllegalArgumentException.class, () -> DecisionBoundary.write(dir.resolve("x.png"), net, regression));
        assertTrue(e.getMessage().contains("int32 class labels"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> DecisionBoundary.write(dir.resolve("x.png"), net, corners(), List.of("only one")));
        assertTrue(e.getMessage().contains("2 classes but 1 class names"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.png")));
    }
}

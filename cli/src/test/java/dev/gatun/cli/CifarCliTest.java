package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CIFAR-10 run from the command line: trained on binary batches, evaluated on another copy, asked about PNGs. */
class CifarCliTest {
    private static final List<String> NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    @TempDir
    Path dir;

    @Test
    void trainsOnBinaryBatchesThenEvaluatesAnotherCopyAndPredictsPngsByName() throws IOException {
        Path data = dir.resolve("cifar-10-batches-bin");
        writeCifar10(data, 11);
        Path config = Files.writeString(dir.resolve("squares.yaml"), """
                name: squares
                seed: 3
                data:
                  source: cifar10
                  dir: '%s'
                  validation: 0
                  preprocessing: [standardize_channels]
                  augmentation: [{type: random_crop, pad: 4}, {type: hflip}]
                model:
                  layers:
                    - {type: conv2d, filters: 8, kernel: 3, padding: 1}
                    - {type: relu}
                    - {type: maxpool2d, kernel: 4}
                    - {type: flatten}
                    - {type: dense, units: 10}
                optimizer: {type: adam, lr: 0.01}
                training: {epochs: 10, batch: 16}
                """.formatted(data));
        Path runs = dir.resolve("runs");
        CliRun train = CliRun.of("train", config.toString(), "--runs", runs.toString());
        assertEquals(0, train.exitCode(), train.err());
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertTrue(Files.readString(run.resolve("model.json")).contains("\"automobile\""), "class names in the card");

        Path other = dir.resolve("other-copy");
        writeCifar10(other, 12);
        CliRun eval = CliRun.of("eval", run.toString(), "--data", other.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(number(eval.out(), "\naccuracy: ([0-9.]+)") >= 0.9, eval.out());

        // Class 4 ("deer" by batches.meta.txt): a green square in the bottom half.
        Path pngs = Files.createDirectories(dir.resolve("pngs"));
        SplittableRandom rng = new SplittableRandom(13);
        for (int k = 0; k < 10; k++) {
            byte[] p = square(4, rng);
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int at = y * 32 + x;
                    img.setRGB(x, y, (p[at] & 0xFF) << 16 | (p[1024 + at] & 0xFF) << 8 | (p[2048 + at] & 0xFF));
                }
            }
            ImageIO.write(img, "png", pngs.resolve(k + ".png").toFile());
        }
        CliRun predict = CliRun.of("predict", run.toString(), pngs.toString());
        assertEquals(0, predict.exitCode(), predict.err());
        List<String> rows = predict.out().lines().skip(1).toList();
        assertEquals(10, rows.size());
        long deer = rows.stream().filter(r -> r.split(",")[2].equals("deer")).count();
        assertTrue(deer >= 9, predict.out());
    }

    /** 160 training images in five batches and 40 test images: class = 3 × (bottom half) + colour plane. */
    private static void writeCifar10(Path folder, long seed) throws IOException {
        Files.createDirectories(folder);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int f = 0; f < 6; f++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < (f < 5 ? 32 : 40); i++) {
                int label = rng.nextInt(6);
                out.write(label);
                out.write(square(label, rng));
            }
            Files.write(folder.resolve(f < 5 ? "data_batch_" + (f + 1) + ".bin" : "test_batch.bin"), out.toByteArray());
        }
        Files.writeString(folder.resolve("batches.meta.txt"), String.join("\n", NAMES) + "\n\n");
    }

    /** The R, G and B planes of a dim noisy image with a bright 8×8 square showing {@code label}. */
    private static byte[] square(int label, SplittableRandom rng) {
        byte[] p = new byte[3072];
        for (int k = 0; k < p.length; k++) {
            p[k] = (byte) rng.nextInt(40);
        }
        int top = (label >= 3 ? 18 : 2) + rng.nextInt(6);
        int left = rng.nextInt(25);
        for (int y = top; y < top + 8; y++) {
            for (int x = left; x < left + 8; x++) {
                p[label % 3 * 1024 + y * 32 + x] = (byte) (200 + rng.nextInt(56));
            }
        }
        return p;
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }
}

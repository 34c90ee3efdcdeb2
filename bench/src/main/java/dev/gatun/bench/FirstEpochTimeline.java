package dev.gatun.bench;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.data.DataLoader;
import dev.gatun.data.FashionMnist;
import dev.gatun.data.ImageDataset;
import dev.gatun.models.FashionModels;
import dev.gatun.nn.Module;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.Scope;
import dev.gatun.train.JitWarmUp;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.callbacks.BatchContext;
import dev.gatun.train.callbacks.Callback;
import java.io.IOException;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One Fashion-MNIST epoch of a sample's network as {@code make run} trains it (the JIT warm-up
 * thread beside it, seed 42, no validation split), printing when batches end: the first four,
 * every power of two, every 50th and the last, each with the seconds since the JVM's main began
 * and the batch's own milliseconds. It shows where a first epoch loses its time to the JIT.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:+UseSerialGC -Xmn32m -cp bench/target/gatun-benchmarks.jar \
 *     dev.gatun.bench.FirstEpochTimeline mlp
 * </pre>
 */
public final class FirstEpochTimeline {
    private FirstEpochTimeline() {}

    /**
     * Runs the epoch.
     *
     * @param args the model: mlp, cnn or lstm
     * @throws IOException when the Fashion-MNIST files cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: FirstEpochTimeline mlp|cnn|lstm");
            System.exit(2);
        }
        long start = System.nanoTime();
        String model = args[0].toLowerCase(Locale.ROOT);
        int[] example = switch (model) {
            case "mlp" -> new int[] {784};
            case "cnn" -> new int[] {1, 28, 28};
            case "lstm" -> new int[] {28, 28};
            default -> {
                System.err.println("unknown model '" + model + "': mlp, cnn or lstm");
                System.exit(2);
                yield null;
            }
        };
        BackendRegistry.use("cpu");
        try (Scope scope = Scope.open("first epoch")) {
            SplittableRandom rng = new SplittableRandom(42);
            Module net = switch (model) {
                case "mlp" -> FashionModels.mlp(rng);
                case "cnn" -> FashionModels.cnn(rng);
                default -> FashionModels.lstm(rng);
            };
            JitWarmUp.start(JitWarmUp.kindsOf(net));
            FashionMnist.Split train = FashionMnist.Split.load(FashionMnist.locate(null), true, scope.arena());
            DataLoader loader = new DataLoader(new ImageDataset(train, example), model.equals("mlp") ? 128 : 64, true, 42,
                    false);
            Trainer trainer = new Trainer(net, new Adam(net.parameters(), 1e-3), Loss.CROSS_ENTROPY, System.out, false);
            trainer.addCallback(new Callback() {
                private long last = System.nanoTime();

                @Override
                public void onBatchEnd(BatchContext c) {
                    long now = System.nanoTime();
                    int b = c.batch();
                    if (b < 4 || Integer.bitCount(b + 1) == 1 || b % 50 == 0 || b == c.batches() - 1) {
                        System.out.printf(Locale.ROOT, "batch %4d  at %6.2f s  took %7.1f ms%n", b, (now - start) / 1e9,
                                (now - last) / 1e6);
                    }
                    last = now;
                }
            });
            System.out.printf(Locale.ROOT, "training starts at %.2f s%n", (System.nanoTime() - start) / 1e9);
            trainer.fit(loader, null, 1, null);
        }
    }
}

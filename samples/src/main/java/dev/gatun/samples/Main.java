package dev.gatun.samples;

import dev.gatun.bindings.NoGpuException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Arrays;

/** Entry point: {@code Main SAMPLE [options]}, where SAMPLE is mlp, cnn, lstm or sequence. */
public final class Main {
    private static final String SAMPLES = "mlp, cnn, lstm, sequence";

    private Main() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: Main SAMPLE [options]   (SAMPLE: " + SAMPLES + ")");
            System.exit(2);
        }
        String sample = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (sample) {
                case "mlp" -> FashionSample.MLP.run(FashionSample.MLP.parse(rest), System.out);
                case "cnn" -> FashionSample.CNN.run(FashionSample.CNN.parse(rest), System.out);
                case "lstm" -> FashionSample.LSTM.run(FashionSample.LSTM.parse(rest), System.out);
                case "sequence" -> SequenceSample.run(SequenceSample.parse(rest), System.out);
                default -> {
                    System.err.println("unknown sample '" + sample + "'; available: " + SAMPLES);
                    System.exit(2);
                }
            }
        } catch (SampleOptions.HelpRequested help) {
            System.out.print(help.getMessage());
        } catch (NoGpuException e) {
            System.err.println("error: --backend cuda needs a GPU: " + e.getMessage()
                    + " (bin/gatun info shows what was found)");
            System.exit(4);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (FileNotFoundException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(3);
        } catch (IOException e) {
            System.err.println("error: " + e);
            System.exit(1);
        }
    }
}

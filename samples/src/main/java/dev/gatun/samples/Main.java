package dev.gatun.samples;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Arrays;

/** Entry point: {@code Main SAMPLE [options]}, where SAMPLE is mlp. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: Main SAMPLE [options]   (SAMPLE: mlp)");
            System.exit(2);
        }
        String sample = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (sample) {
                case "mlp" -> MlpSample.run(SampleOptions.parse(rest, 10, 128, 1e-3), System.out);
                default -> {
                    System.err.println("unknown sample '" + sample + "'; available: mlp");
                    System.exit(2);
                }
            }
        } catch (SampleOptions.HelpRequested help) {
            System.out.print(help.getMessage());
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

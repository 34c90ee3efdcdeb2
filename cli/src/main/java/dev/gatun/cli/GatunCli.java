package dev.gatun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gatun} command: train, evaluate and compare models from configs without writing Java. */
@Command(name = "gatun", mixinStandardHelpOptions = true, version = "gatun 0.1.0",
        description = "Train, evaluate and compare neural networks on the Gatun runtime.")
public final class GatunCli implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new GatunCli()).execute(args));
    }
}

package dev.gatun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code gatun} command: train, evaluate and compare models from configs without writing Java.
 * Exit codes: 0 success, 1 a failed command (bad config, missing file, ...), 2 a usage error.
 */
@Command(name = "gatun", mixinStandardHelpOptions = true, version = "gatun 0.1.0",
        description = "Train, evaluate and compare neural networks on the Gatun runtime.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, CompareCommand.class,
                InfoCommand.class})
public final class GatunCli implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** The command line with Gatun's error handling: failures print one message, not a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new GatunCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("gatun " + commandLine.getCommandName() + ": " + message(e));
            if (Boolean.getBoolean("gatun.debug")) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cli;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    public static void main(String[] args) {
        // The runtime logs its backend choice once through java.util.logging; one plain line here.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        System.exit(commandLine().execute(args));
    }
}

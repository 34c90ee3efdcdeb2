package dev.gatun.cli;

import dev.gatun.tensor.MemoryBudget;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code gatun} command: train, evaluate and compare models from configs without writing Java.
 * Exit codes: 0 success, 1 a failed command (bad config, missing file, over the memory budget, out
 * of memory, ...), 2 a usage error. A failure prints one line, never a stack trace
 * ({@code -Dgatun.debug=true} adds it).
 */
@Command(name = "gatun", mixinStandardHelpOptions = true, version = "gatun 0.1.0",
        description = "Train, evaluate and compare neural networks on the Gatun runtime.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, CompareCommand.class,
                InfoCommand.class, StudioCommand.class, ExportCommand.class, ImportCommand.class, RunsCommand.class})
public final class GatunCli implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** {@code --max-memory}, taken by every command: sets the budget for the rest of the process. */
    @Option(names = "--max-memory", paramLabel = "SIZE", scope = ScopeType.INHERIT, converter = MemorySize.class,
            description = "the most memory Gatun may hold, e.g. 512m, 8g (default: -Dgatun.maxMemory, else half of"
                    + " the physical or container memory); a model or tensor that needs more is refused")
    void setMaxMemory(Long bytes) {
        if (bytes != null) {
            MemoryBudget.setLimit(bytes);
        }
    }

    /** Reads {@code --max-memory}'s size, so that a bad one is a usage error naming the option. */
    static final class MemorySize implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return MemoryBudget.parse(value, "--max-memory");
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage().replaceFirst("^--max-memory: ", ""));
            }
        }
    }

    /** The command line with Gatun's error handling: failures print one message, not a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new GatunCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> fail(commandLine, e));
        // Errors (out of memory, stack overflow) pass picocli's exception handler by: the last line of defence.
        CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
        cli.setExecutionStrategy(parseResult -> {
            try {
                return run.execute(parseResult);
            } catch (Error e) {
                CommandLine last = parseResult.asCommandLineList().getLast();
                return fail(last, e);
            }
        });
        return cli;
    }

    private static int fail(CommandLine commandLine, Throwable e) {
        PrintWriter err = commandLine.getErr();
        err.println("gatun " + commandLine.getCommandName() + ": " + FailureLine.of(e));
        if (Boolean.getBoolean("gatun.debug")) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    public static void main(String[] args) {
        // The runtime logs its backend choice once through java.util.logging; one plain line here.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        // A thread other than the command's that dies leaves the command waiting or wrong: one line, exit 1.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            System.err.println("gatun: thread '" + thread.getName() + "' failed: " + FailureLine.of(e));
            if (Boolean.getBoolean("gatun.debug")) {
                e.printStackTrace();
            }
            System.exit(1);
        });
        System.exit(commandLine().execute(args));
    }
}

package dev.gatun.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** One in-process run of the {@code gatun} command with its exit code and captured output. */
record CliRun(int exitCode, String out, String err) {
    /** The shipped configs, from the module's folder (Maven) or the repository root. */
    static final Path CONFIGS = Files.isDirectory(Path.of("..", "configs")) ? Path.of("..", "configs")
            : Path.of("configs");

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = GatunCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}

package dev.gatun.cli;

import dev.gatun.studio.Studio;
import dev.gatun.studio.api.PretrainedModels;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatun studio}: serves Gatun Studio, the live dashboard and playground, until Ctrl-C, which
 * stops its runs cleanly (each keeps its metrics and a final checkpoint).
 */
@Command(name = "studio", mixinStandardHelpOptions = true,
        description = {"Serve Gatun Studio: watch and steer training live in the browser (a playground of small"
                + " networks, and the curves of 'gatun train --live' runs). Prints its URL with an access token;"
                + " opens nothing. Ctrl-C stops it."})
final class StudioCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0", description = "port (default: a free one)")
    private int port;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "interface to listen on (default: ${DEFAULT-VALUE}); another exposes Studio to the network")
    private String host;

    @Option(names = "--workspace", paramLabel = "DIR",
            description = "folder of uploads and playground runs (default: ~/.gatun/studio)")
    private Path workspace;

    @Option(names = "--pretrained", paramLabel = "DIR",
            description = "folder of pre-trained models the page offers (default: the checkout's pretrained/)")
    private Path pretrained;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Studio.Options defaults = Studio.Options.defaults();
        if (pretrained != null && !java.nio.file.Files.isDirectory(pretrained)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--pretrained: " + pretrained
                    + " is not a directory");
        }
        Studio studio = Studio.start(new Studio.Options(host, port, workspace != null ? workspace : defaults.workspace(),
                pretrained != null ? new PretrainedModels(pretrained.toAbsolutePath().normalize()) : defaults.pretrained()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            studio.close();
            stopped.countDown();
        }, "studio-shutdown"));
        if (!InetAddress.getByName(host).isLoopbackAddress()) {
            spec.commandLine().getErr().println("warning: Studio listens on " + host + ": anyone who can reach it and"
                    + " has the URL's token can train and upload files here");
        }
        announce(out, studio);
        out.println("Ctrl-C stops it; playground runs keep their folders under " + studio.workspace().root().resolve("runs"));
        out.flush();
        stopped.await();
        return 0;
    }

    /** Prints Studio's URL, the line a user (or a test) looks for. */
    static void announce(PrintWriter out, Studio studio) {
        out.println("Gatun Studio: " + studio.url());
        out.flush();
    }
}

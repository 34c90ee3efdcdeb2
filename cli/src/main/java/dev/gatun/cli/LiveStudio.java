package dev.gatun.cli;

import dev.gatun.config.ExperimentConfig;
import dev.gatun.studio.Studio;
import dev.gatun.studio.live.LiveReporter;
import dev.gatun.studio.server.StudioFile;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The Studio a {@code gatun train --live} run streams to: the one already running (found through
 * its discovery file), or one this process starts and serves until Ctrl-C once training is done.
 */
final class LiveStudio {
    // The page opened at this fragment scrolls to the live runs, where this run's card appears.
    private static final String LIVE_RUNS = "#live-runs";

    private final URI url;
    private final String token;
    private final Studio startedOrNull;

    private LiveStudio(URI url, String token, Studio startedOrNull) {
        this.url = url;
        this.token = token;
        this.startedOrNull = startedOrNull;
    }

    static LiveStudio findOrStart(PrintWriter out) throws IOException {
        Optional<StudioFile.Found> found = StudioFile.find();
        if (found.isPresent()) {
            out.println("streaming to Gatun Studio: " + found.get().url() + LIVE_RUNS);
            out.flush();
            return new LiveStudio(found.get().url(), found.get().token().value(), null);
        }
        Studio studio = Studio.start(Studio.Options.defaults());
        Runtime.getRuntime().addShutdownHook(new Thread(studio::close, "studio-shutdown"));
        out.println("streaming to Gatun Studio: " + studio.url() + LIVE_RUNS);
        out.flush();
        return new LiveStudio(studio.url(), studio.server().token().value(), studio);
    }

    LiveReporter reporter(ExperimentConfig config, PrintStream warnings) {
        return new LiveReporter(url, token, config, warnings);
    }

    /** Keeps a Studio this process started serving until Ctrl-C, so its page stays open. */
    void serveUntilStopped(PrintWriter out) throws InterruptedException {
        if (startedOrNull == null) {
            return;
        }
        out.println("training done; Gatun Studio goes on serving " + startedOrNull.url() + LIVE_RUNS + " until Ctrl-C");
        out.flush();
        new CountDownLatch(1).await();
    }
}

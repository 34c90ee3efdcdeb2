package dev.gatun.studio;

import dev.gatun.studio.api.PretrainedModels;
import dev.gatun.studio.api.StudioApi;
import dev.gatun.studio.server.ServerOptions;
import dev.gatun.studio.server.StudioFile;
import dev.gatun.studio.server.StudioServer;
import dev.gatun.studio.server.Workspace;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Gatun Studio, started: the server with its API, its workspace, and the discovery file through
 * which {@code gatun train --live} finds it. Closing it stops the playground's runs (each keeps its
 * metrics and a final checkpoint), the server and the file.
 */
public final class Studio implements AutoCloseable {
    private final StudioServer server;
    private final StudioApi api;
    private final StudioFile file;
    private final Workspace workspace;

    /**
     * Where Studio listens and keeps its files.
     *
     * @param host the interface to listen on; anything but the loopback exposes it to the network
     * @param port the port, or 0 for a free one
     * @param workspace the folder of uploads and playground runs
     * @param pretrained the pre-trained models the page offers
     */
    public record Options(String host, int port, Path workspace, PretrainedModels pretrained) {
        /**
         * Options with the pre-trained models of the folder the {@value PretrainedModels#PROPERTY}
         * property names (none when it is unset).
         *
         * @param host the interface to listen on
         * @param port the port, or 0 for a free one
         * @param workspace the folder of uploads and playground runs
         */
        public Options(String host, int port, Path workspace) {
            this(host, port, workspace, PretrainedModels.fromProperty());
        }

        /** {@return the loopback, a free port, {@code ~/.gatun/studio} and the property's pre-trained models} */
        public static Options defaults() {
            return new Options(ServerOptions.DEFAULT_HOST, 0, StudioFile.directory().resolve("studio"));
        }
    }

    private Studio(StudioServer server, StudioApi api, StudioFile file, Workspace workspace) {
        this.server = server;
        this.api = api;
        this.file = file;
        this.workspace = workspace;
    }

    /**
     * Starts Studio and writes its discovery file.
     *
     * @param options where it listens and keeps its files
     * @return the running Studio
     * @throws IOException when it cannot listen or create its workspace
     */
    public static Studio start(Options options) throws IOException {
        Workspace workspace = new Workspace(options.workspace());
        ServerOptions serverOptions = ServerOptions.defaults().withHost(options.host()).withPort(options.port());
        StudioServer server = StudioServer.start(serverOptions);
        try {
            StudioApi api = new StudioApi(server, workspace, options.pretrained(), serverOptions.uploadBodyLimit());
            StudioFile file = StudioFile.write(server.url(), server.token());
            return new Studio(server, api, file, workspace);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** {@return the address to open, with the access token} */
    public URI url() {
        return server.url();
    }

    /** {@return the server, e.g. for its token and event stream} */
    public StudioServer server() {
        return server;
    }

    /** {@return the workspace of uploads and playground runs} */
    public Workspace workspace() {
        return workspace;
    }

    @Override
    public void close() {
        try {
            api.close();
        } finally {
            try {
                file.close();
            } finally {
                server.close();
            }
        }
    }
}

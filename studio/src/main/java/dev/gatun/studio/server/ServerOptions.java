package dev.gatun.studio.server;

/**
 * How Studio's server listens and what it accepts.
 *
 * @param host the address to listen on and the one name, besides the loopback names, that the
 *     {@code Host} header may carry
 * @param port the port, or 0 for a free one
 * @param token the access token, or null for a new random one
 * @param jsonBodyLimit the largest request body, in bytes, of a JSON route
 * @param uploadBodyLimit the largest request body, in bytes, of an upload route
 */
public record ServerOptions(String host, int port, AccessToken token, int jsonBodyLimit,
                            int uploadBodyLimit) {
    /** The loopback address Studio listens on unless told otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The largest JSON body: 1 MiB. */
    public static final int DEFAULT_JSON_BODY_LIMIT = 1 << 20;
    /** The largest upload: 16 MiB. */
    public static final int DEFAULT_UPLOAD_BODY_LIMIT = 16 << 20;

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException when the host is blank, the port is outside 0..65535 or
     *     a limit is not positive
     */
    public ServerOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: an address to listen on is needed");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " is outside 0..65535");
        }
        if (jsonBodyLimit <= 0 || uploadBodyLimit <= 0) {
            throw new IllegalArgumentException("body limits must be positive, got json "
                    + jsonBodyLimit + " and upload " + uploadBodyLimit);
        }
    }

    /** {@return the protocol's defaults: 127.0.0.1, a free port, a random token, 1 MiB and 16 MiB} */
    public static ServerOptions defaults() {
        return new ServerOptions(DEFAULT_HOST, 0, null, DEFAULT_JSON_BODY_LIMIT, DEFAULT_UPLOAD_BODY_LIMIT);
    }

    /**
     * {@return these options listening on another address}
     *
     * @param newHost the address to listen on
     */
    public ServerOptions withHost(String newHost) {
        return new ServerOptions(newHost, port, token, jsonBodyLimit, uploadBodyLimit);
    }

    /**
     * {@return these options listening on another port}
     *
     * @param newPort the port, or 0 for a free one
     */
    public ServerOptions withPort(int newPort) {
        return new ServerOptions(host, newPort, token, jsonBodyLimit, uploadBodyLimit);
    }

    /**
     * {@return these options with a given access token}
     *
     * @param newToken the token, or null for a random one
     */
    public ServerOptions withToken(AccessToken newToken) {
        return new ServerOptions(host, port, newToken, jsonBodyLimit, uploadBodyLimit);
    }

    /**
     * {@return these options with other body limits}
     *
     * @param newJsonBodyLimit the largest body of a JSON route, in bytes
     * @param newUploadBodyLimit the largest body of an upload route, in bytes
     */
    public ServerOptions withBodyLimits(int newJsonBodyLimit, int newUploadBodyLimit) {
        return new ServerOptions(host, port, token, newJsonBodyLimit, newUploadBodyLimit);
    }
}

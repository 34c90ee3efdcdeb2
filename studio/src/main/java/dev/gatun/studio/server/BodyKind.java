package dev.gatun.studio.server;

/** What a route's request body is, which sets how large it may be. */
public enum BodyKind {
    /** A JSON document, limited by {@link ServerOptions#jsonBodyLimit()}. */
    JSON,
    /** A file's bytes, limited by {@link ServerOptions#uploadBodyLimit()}. */
    UPLOAD
}

package dev.gatun.studio.server;

/**
 * One event as the stream sends it, encoded once for every client.
 *
 * @param id its id in the channel's sequence
 * @param idLine {@code id: N\n} in UTF-8
 * @param rest {@code event: TYPE\ndata: JSON\n\n} in UTF-8
 */
record EncodedEvent(long id, byte[] idLine, byte[] rest) {
    /** {@return its size on the wire, in bytes} */
    int size() {
        return idLine.length + rest.length;
    }
}

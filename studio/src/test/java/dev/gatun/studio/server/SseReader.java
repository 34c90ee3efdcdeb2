package dev.gatun.studio.server;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** Reads the frames of an event stream from its lines. */
final class SseReader {
    /**
     * One frame: an event, or (when {@code id} is -1) the stream's retry or a comment.
     *
     * @param id the event's id, -1 for a frame that is not an event
     * @param type the event's type, or null
     * @param data the event's data, or null
     * @param comment the comment, or null
     */
    record Frame(long id, String type, String data, String comment) {
    }

    private final Iterator<String> lines;

    SseReader(Iterator<String> lines) {
        this.lines = lines;
    }

    /** {@return the next frame; throws NoSuchElementException when the stream ended} */
    Frame next() {
        long id = -1;
        String type = null;
        String data = null;
        String comment = null;
        boolean any = false;
        while (true) {
            if (!lines.hasNext()) {
                throw new NoSuchElementException("the event stream ended");
            }
            String line = lines.next();
            if (line.isEmpty()) {
                if (any) {
                    return new Frame(id, type, data, comment);
                }
                continue;
            }
            any = true;
            if (line.startsWith(":")) {
                comment = line.substring(1).strip();
            } else if (line.startsWith("id: ")) {
                id = Long.parseLong(line.substring(4));
            } else if (line.startsWith("event: ")) {
                type = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data = line.substring(6);
            }
        }
    }

    /** {@return the next frame that is an event} */
    Frame nextEvent() {
        while (true) {
            Frame frame = next();
            if (frame.id() >= 0) {
                return frame;
            }
        }
    }
}

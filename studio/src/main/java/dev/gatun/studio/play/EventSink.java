package dev.gatun.studio.play;

import dev.gatun.studio.server.EventChannel;

/** Where a run's events go: Studio's event stream. Publishing must not block the caller. */
@FunctionalInterface
public interface EventSink {
    /**
     * Publishes one event.
     *
     * @param type the event's type, e.g. {@code batch}
     * @param json the event's data, one JSON object
     * @return the event's id
     */
    long publish(String type, String json);

    /**
     * Publishes a picture of a run's state (its weights, say) that makes the previous one of the
     * same type obsolete: a page that connects later needs only the newest.
     *
     * @param type the event's type, e.g. {@code weights}
     * @param run the run it pictures
     * @param json the event's data, one JSON object
     * @return the event's id
     */
    default long publishLatest(String type, String run, String json) {
        return publish(type, json);
    }

    /**
     * Studio's event stream as a sink: a picture supersedes the run's previous one of its type.
     *
     * @param events the stream
     * @return the sink
     */
    static EventSink of(EventChannel events) {
        return new EventSink() {
            @Override
            public long publish(String type, String json) {
                return events.publish(type, json);
            }

            @Override
            public long publishLatest(String type, String run, String json) {
                return events.publish(type, json, run + "/" + type);
            }
        };
    }
}

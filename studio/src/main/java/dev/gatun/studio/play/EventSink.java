package dev.gatun.studio.play;

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
}

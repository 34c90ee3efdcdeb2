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
}

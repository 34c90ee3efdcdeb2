package dev.gatun.studio.api;

import dev.gatun.studio.play.EventJson;
import dev.gatun.studio.play.PlaygroundRun;
import dev.gatun.studio.play.RunStatus;
import java.io.IOException;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Several setups trained side by side on the same data and seed, as ConvNetJS's trainer race: each
 * setup is a run of its own thread, started and paused together. Its {@code race} event and
 * {@code GET /api/races/{race}} give the setups and, per setup, the last epoch's metrics: the final
 * table once every run has finished.
 *
 * @param id the race's id
 * @param epochs the epochs every setup trains
 * @param members the setups' runs, in the order given
 */
public record Race(String id, int epochs, List<Member> members) implements AutoCloseable {
    /**
     * One setup's run.
     *
     * @param label the setup's name
     * @param run its run
     */
    public record Member(String label, PlaygroundRun run) {}

    /** {@return the race's setups: {@code {race, epochs, runs: [{run, label, optimizer, lr, batch}]}}} */
    public ObjectNode describe() {
        ObjectNode o = EventJson.object();
        o.put("race", id);
        o.put("run", id);
        o.put("epochs", epochs);
        ArrayNode runs = o.putArray("runs");
        for (Member m : members) {
            ObjectNode r = runs.addObject();
            r.put("run", m.run().id());
            r.put("label", m.label());
            ObjectNode optimizer = m.run().optimizer();
            r.put("optimizer", optimizer.path("type").asString(""));
            r.set("lr", optimizer.path("lr"));
            r.set("batch", optimizer.path("batch"));
        }
        return o;
    }

    /** {@return {@link #describe()} with each run's status and last epoch, and whether every run has ended} */
    public ObjectNode state() {
        ObjectNode o = describe();
        ArrayNode runs = (ArrayNode) o.get("runs");
        boolean ended = true;
        for (int i = 0; i < members.size(); i++) {
            ObjectNode info = members.get(i).run().info();
            ObjectNode r = (ObjectNode) runs.get(i);
            r.put("status", info.path("status").asString(""));
            r.set("lastEpoch", info.get("lastEpoch"));
            RunStatus s = members.get(i).run().status();
            ended &= s == RunStatus.FINISHED || s == RunStatus.FAILED || s == RunStatus.STOPPED;
        }
        o.put("ended", ended);
        return o;
    }

    /**
     * Plays or pauses every setup; a setup that has finished or failed is left as it is.
     *
     * @param action {@code play} or {@code pause}
     * @return {@link #state()}
     * @throws IllegalArgumentException for another action
     * @throws IOException declared by the runs' command mechanism
     */
    public ObjectNode control(String action) throws IOException {
        if (!action.equals("play") && !action.equals("pause")) {
            throw new IllegalArgumentException("action: a race can 'play' or 'pause', got '" + action + "'");
        }
        for (Member m : members) {
            RunStatus s = m.run().status();
            if (action.equals("pause") || s == RunStatus.PAUSED) {
                m.run().control(action, false);
            }
        }
        return state();
    }

    /** Stops every setup; each run folder keeps its metrics and a final checkpoint. */
    @Override
    public void close() {
        members.forEach(m -> m.run().close());
    }
}

package dev.gatun.studio.api;

import dev.gatun.studio.server.ApiException;
import dev.gatun.studio.server.Workspace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The setups of a race, read from {@code POST /api/race}: one base config (its data, seed,
 * network and epochs) and 2 to {@value #MOST} setups, each the base with its own {@code optimizer}
 * section and, optionally, its own {@code batch} and {@code init}. Every setup is checked as a config of its own
 * before any run is built; a problem names the setup ({@code setups[2].optimizer.lr: ...}).
 *
 * @param setups the checked setups, in the order given
 */
public record RaceSetups(List<Setup> setups) {
    /** The fewest setups of a race. */
    public static final int FEWEST = 2;
    /** The most setups of a race. */
    public static final int MOST = 4;
    private static final int LABEL_CHARACTERS = 40;

    /**
     * One setup: its name in the race view and its config.
     *
     * @param label the name (given, or made from the optimizer and its rate)
     * @param config the checked config
     */
    public record Setup(String label, PlaygroundConfig config) {}

    /**
     * Reads and checks the body's {@code config} (or {@code yaml}) and {@code setups}.
     *
     * @param body the request's JSON
     * @param workspace Studio's workspace, the only place data may come from
     * @param pretrained the models {@code init.from} may name
     * @return the setups
     * @throws ApiException 400 naming the setup and the field of the first problem
     */
    public static RaceSetups from(JsonNode body, Workspace workspace, PretrainedModels pretrained) {
        ObjectNode raw = PlaygroundConfig.tree(body);
        PlaygroundConfig.of(raw.deepCopy(), workspace, pretrained);
        JsonNode list = body.path("setups");
        if (!list.isArray() || list.size() < FEWEST || list.size() > MOST) {
            throw new ApiException(400, "setups: a race needs " + FEWEST + " to " + MOST + " setups, each {label, optimizer: {type, lr, ...}}",
                    "setups", null);
        }
        List<Setup> setups = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "setups[" + i + "]";
            JsonNode s = list.get(i);
            if (!s.isObject() || !s.path("optimizer").isObject()) {
                throw new ApiException(400, at + ".optimizer: each setup needs an optimizer section, e.g. {type: adam, lr: 0.01}",
                        at + ".optimizer", null);
            }
            ObjectNode tree = raw.deepCopy();
            tree.set("optimizer", s.get("optimizer").deepCopy());
            if (s.has("init")) {
                // A setup may start from other weights than the base: null is from the seed's.
                if (s.get("init").isNull()) {
                    tree.remove("init");
                } else {
                    tree.set("init", s.get("init").deepCopy());
                }
            }
            // A setup's own optimizer runs at its own rate: the base's schedule and switch belong to the base's optimizer.
            tree.remove("schedule");
            tree.remove("switch");
            if (s.has("batch")) {
                JsonNode training = tree.path("training");
                ObjectNode t = training.isObject() ? (ObjectNode) training : tree.putObject("training");
                t.set("batch", s.get("batch").deepCopy());
            }
            PlaygroundConfig checked;
            try {
                checked = PlaygroundConfig.of(tree, workspace, pretrained);
            } catch (ApiException e) {
                String path = e.path() == null ? at : at + "." + e.path();
                throw new ApiException(400, at + ": " + e.getMessage(), path, e.layer());
            }
            String label = label(s, checked, at);
            if (!labels.add(label)) {
                throw new ApiException(400, at + ".label: '" + label + "' names two setups; give each its own label",
                        at + ".label", null);
            }
            setups.add(new Setup(label, checked));
        }
        return new RaceSetups(List.copyOf(setups));
    }

    private static String label(JsonNode setup, PlaygroundConfig config, String at) {
        JsonNode given = setup.get("label");
        if (given != null && !given.isNull()) {
            String text = given.isString() ? given.stringValue().strip() : "";
            if (text.isEmpty() || text.length() > LABEL_CHARACTERS) {
                throw new ApiException(400, at + ".label: must be text of 1 to " + LABEL_CHARACTERS + " characters",
                        at + ".label", null);
            }
            return text;
        }
        var o = config.config().optimizer();
        String type = o.type().equals("sgd") && o.momentum() > 0 ? "momentum" : o.type();
        return type + " " + String.format(Locale.ROOT, "%.3g", o.lr()).replaceFirst("\\.?0+(e|$)", "$1");
    }
}

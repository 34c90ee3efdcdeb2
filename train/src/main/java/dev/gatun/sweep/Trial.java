package dev.gatun.sweep;

import dev.gatun.config.ExperimentConfig;
import dev.gatun.tracking.RunLineage;
import java.io.PrintStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One trial to run: its number, the proposed values, the config they make, how its run belongs to
 * the sweep, where its console output goes and who watches its epochs.
 *
 * @param number the trial's number, from 0
 * @param params the proposed values by config path
 * @param config the trial's experiment: the searched config with the values set
 * @param lineage its run's parent (the sweep), role {@code trial} and tags
 * @param log where its progress is printed
 * @param monitor what each epoch's metric is reported to
 */
public record Trial(int number, Map<String, JsonNode> params, ExperimentConfig config, RunLineage lineage,
                    PrintStream log, TrialMonitor monitor) {
    /** Copies the values, keeping their order. */
    public Trial {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }
}

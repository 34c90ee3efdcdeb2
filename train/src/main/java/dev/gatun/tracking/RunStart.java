package dev.gatun.tracking;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a run's record holds from its start.
 *
 * @param id the run's id: its run folder's name
 * @param name the experiment's name (the config's)
 * @param configJson the normalized config, every default spelled out, as JSON text
 * @param hyperparameters the config flattened ({@link HyperParameters#flatten}), e.g. {@code optimizer.lr}
 * @param lineage the run's parent, role and tags
 * @param machine the machine it runs on
 * @param gatunVersion Gatun's version
 * @param gitCommitOrNull the commit Gatun was built from, or null
 * @param folder the run folder, absolute
 * @param startedAt when it started
 */
public record RunStart(String id, String name, String configJson, Map<String, String> hyperparameters,
        RunLineage lineage, MachineFacts machine, String gatunVersion, String gitCommitOrNull, String folder,
        Instant startedAt) {
    /** Checks the id and copies the hyperparameters. */
    public RunStart {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a tracked run needs an id (its run folder's name)");
        }
        Objects.requireNonNull(lineage, "lineage");
        Objects.requireNonNull(machine, "machine");
        hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    }
}

package dev.gatun.studio.play;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/** A config tree as the YAML {@code gatun train} reads: what Studio's builder exports. */
public final class ConfigYaml {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
            .build();

    private ConfigYaml() {}

    /**
     * The YAML text of {@code tree}.
     *
     * @param tree a config tree
     * @return its YAML
     */
    public static String write(JsonNode tree) {
        return YAML.writeValueAsString(tree);
    }
}

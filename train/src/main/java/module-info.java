/**
 * The training application on top of the core: data sets, loaders and preprocessing, the trainer
 * with metrics, callbacks and checkpoints, YAML/JSON experiment configs, trained-model loading,
 * and the HTML reports with their plots.
 */
@SuppressWarnings("requires-automatic")
module dev.gatun.train {
    requires transitive dev.gatun.core;
    requires java.desktop;
    requires java.sql;
    requires dev.gatun.kernels;
    requires org.xerial.sqlitejdbc;
    requires org.postgresql.jdbc;
    requires tools.jackson.core;
    requires tools.jackson.databind;
    requires tools.jackson.dataformat.yaml;
    requires xchart;

    exports dev.gatun.config;
    exports dev.gatun.data;
    exports dev.gatun.data.augment;
    exports dev.gatun.models;
    exports dev.gatun.report;
    exports dev.gatun.sweep;
    exports dev.gatun.train;
    exports dev.gatun.train.callbacks;
    exports dev.gatun.train.checkpoint;
    exports dev.gatun.train.console;
    exports dev.gatun.train.metrics;
    exports dev.gatun.train.parallel;
    exports dev.gatun.tracking;
}

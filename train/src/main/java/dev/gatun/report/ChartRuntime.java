package dev.gatun.report;

/**
 * Whether this Java runtime can draw: charts need java.desktop (AWT), which a jlinked runtime may
 * leave out to stay small (the GPU runner does). Reports then skip their plots and say so. Kept
 * apart from {@link ChartPng}, whose AWT types would fail to load before the check could run.
 */
final class ChartRuntime {
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("java.desktop").isPresent();

    /** What a report says in place of its plots. */
    static final String UNAVAILABLE = "Plots skipped: this Java runtime has no java.desktop module.";

    private ChartRuntime() {}
}

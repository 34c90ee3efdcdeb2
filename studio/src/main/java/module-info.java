/**
 * Gatun Studio: a local web dashboard that shows training live, and a playground that builds,
 * trains and steers small networks in the browser. Started by {@code gatun studio}.
 */
@SuppressWarnings("requires-automatic")
module dev.gatun.studio {
    requires transitive dev.gatun.train;
    requires transitive jdk.httpserver;
    requires java.net.http;
    requires tools.jackson.core;
    requires transitive tools.jackson.databind;
    requires tools.jackson.dataformat.yaml;
    // The uPlot WebJar: its files are served from the jar, never from a CDN.
    requires uplot;

    exports dev.gatun.studio;
    exports dev.gatun.studio.api;
    exports dev.gatun.studio.live;
    exports dev.gatun.studio.play;
    exports dev.gatun.studio.server;
}

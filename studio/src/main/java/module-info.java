/**
 * Gatun Studio: a local web dashboard that shows training live, and a playground that builds,
 * trains and steers small networks in the browser. Started by {@code gatun studio}.
 */
module dev.gatun.studio {
    requires transitive dev.gatun.train;
    requires transitive jdk.httpserver;
    requires java.net.http;
    requires tools.jackson.core;
    requires transitive tools.jackson.databind;
    requires tools.jackson.dataformat.yaml;
    // The uPlot WebJar holds only files, read through the class loader from the module or the
    // class path: requiring it by its file-derived name would pin that name.

    exports dev.gatun.studio;
    exports dev.gatun.studio.api;
    exports dev.gatun.studio.live;
    exports dev.gatun.studio.play;
    exports dev.gatun.studio.server;
}

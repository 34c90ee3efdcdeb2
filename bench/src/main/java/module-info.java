/**
 * The JMH benchmarks (kernels, ops, training steps, CPU against GPU) and the report that turns
 * their results into tables and plots. They run from a shaded jar on the class path; this
 * descriptor checks at compile time which modules they reach.
 */
@SuppressWarnings("requires-automatic")
module dev.gatun.bench {
    requires dev.gatun.bindings;
    requires dev.gatun.cuda;
    requires dev.gatun.kernels;
    requires dev.gatun.train;
    requires dev.gatun.studio;
    requires java.net.http;
    requires java.desktop;
    requires jdk.management;
    requires jdk.incubator.vector;
    requires jmh.core;
    requires tools.jackson.databind;
    requires xchart;

    // JMH instantiates the generated benchmark classes reflectively.
    opens dev.gatun.bench to jmh.core;
    opens dev.gatun.bench.jmh_generated to jmh.core;
}

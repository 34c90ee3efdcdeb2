/** The {@code gatun} command: train, eval, predict, compare, info and studio, on YAML/JSON configs. */
module dev.gatun.cli {
    requires dev.gatun.bindings;
    requires dev.gatun.kernels;
    requires dev.gatun.train;
    requires dev.gatun.distributed;
    requires dev.gatun.onnx;
    requires dev.gatun.studio;
    requires info.picocli;
    requires java.management;

    // picocli reads the command classes' annotated fields reflectively.
    opens dev.gatun.cli to info.picocli;
}

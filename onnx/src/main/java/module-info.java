/**
 * ONNX for Gatun: trained models exported as ONNX graphs that other runtimes (onnxruntime) run,
 * and ONNX models made of the supported ops imported as Gatun run folders. The protobuf classes
 * are generated from ONNX's own {@code onnx.proto}.
 */
@SuppressWarnings("requires-automatic")
module dev.gatun.onnx {
    requires transitive dev.gatun.train;
    requires com.google.protobuf;
    requires transitive tools.jackson.databind;

    exports dev.gatun.onnx;
    // protobuf's runtime reads the generated messages' fields reflectively.
    opens dev.gatun.onnx.proto to com.google.protobuf;
}

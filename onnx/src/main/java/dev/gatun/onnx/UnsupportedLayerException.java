package dev.gatun.onnx;

/** A layer that ONNX export cannot express: names the layer and the reason. */
public final class UnsupportedLayerException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * The refusal of one layer.
     *
     * @param layer the layer's name
     * @param reason why it cannot be exported
     */
    public UnsupportedLayerException(String layer, String reason) {
        super(layer + ": cannot be exported to ONNX: " + reason);
    }
}

package dev.gatun.onnx;

import dev.gatun.config.FittedPreprocessing;
import java.util.List;
import java.util.Map;

/**
 * A run's fitted preprocessing as leading nodes: each affine step (standardize, min-max) as
 * (x − shift)·scale with Sub and Mul over one example's shape, computed in float32 as Gatun does;
 * one-hot targets change no input and add nothing.
 */
final class PreprocessingEmitter {
    private PreprocessingEmitter() {}

    static String emit(FittedPreprocessing preprocessing, int[] input, OnnxGraph graph, String x) {
        long[] dims = new long[input.length + 1];
        dims[0] = 1;
        int features = 1;
        for (int i = 0; i < input.length; i++) {
            dims[i + 1] = input[i];
            features *= input[i];
        }
        String value = x;
        int step = 0;
        for (FittedPreprocessing.Step s : preprocessing.steps()) {
            String name = "preprocessing[" + step++ + "]";
            float[][] affine = switch (s) {
                case FittedPreprocessing.Standardize st -> affine(st.standardizer().mean(), st.standardizer().std(), null);
                case FittedPreprocessing.MinMax mm -> affine(mm.scaler().min(), mm.scaler().max(), mm.scaler().min());
                case FittedPreprocessing.OneHotTargets oh -> null;
            };
            if (affine == null) {
                continue;
            }
            if (affine[0].length != features) {
                throw new UnsupportedLayerException(name, affine[0].length + " fitted features for an input of "
                        + features + " values");
            }
            String shifted = graph.node("Sub", name + ".shift", List.of(value, graph.floats(name + ".shift", affine[0],
                    dims)), Map.of());
            value = graph.node("Mul", name + ".scale", List.of(shifted, graph.floats(name + ".scale", affine[1], dims)),
                    Map.of());
        }
        return value;
    }

    /**
     * {shift, scale} as Gatun applies them: standardize scales by 1/std (1 for a constant feature),
     * min-max by 1/(max − min) (1 for a constant feature; {@code min} is given then).
     */
    private static float[][] affine(float[] shift, float[] spreadOrMax, float[] min) {
        float[] scale = new float[shift.length];
        for (int j = 0; j < scale.length; j++) {
            float spread = min == null ? spreadOrMax[j] : spreadOrMax[j] - min[j];
            scale[j] = spread > 0 ? 1f / spread : 1f;
        }
        return new float[][] {shift, scale};
    }
}

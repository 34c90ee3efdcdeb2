package dev.gatun.modules;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Linear;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Run in a child JVM by {@link CoreModuleTest}: one forward and backward pass of a layer, then the
 * backend that ran it and the output, on standard output.
 */
public final class ForwardPassProbe {
    private ForwardPassProbe() {}

    public static void main(String[] args) {
        try (Scope s = Scope.open("probe")) {
            Linear layer = new Linear(4, 3, new SplittableRandom(1));
            Tensor x = Tensor.uniform(new SplittableRandom(2), -1, 1, DType.FLOAT32, 5, 4);
            Tensor y = layer.forward(x).relu();
            y.sum().backward();
            System.out.println("backend=" + BackendRegistry.current().name());
            System.out.println("output=" + Arrays.toString(y.toFloatArray()));
        }
    }
}

package dev.gatun.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.nn.Parameter;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The settings a checkpoint records to refuse resuming into a differently configured optimizer. */
class HyperparametersTest {
    private Scope scope;
    private List<Parameter> ps;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
        ps = List.of(new Parameter("w", Tensor.zeros(DType.FLOAT32, 2)));
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void eachOptimizerListsItsSettingsAndClipping() {
        Map<String, Double> adam = new LinkedHashMap<>();
        adam.put("beta1", 0.9);
        adam.put("beta2", 0.999);
        adam.put("eps", 1e-8);
        adam.put("weight_decay", 0.01);
        adam.put("decoupled", 1.0);
        adam.put("clip_grad_norm", 2.0);
        assertEquals(adam, new AdamW(ps, 0.1).clipGradNorm(2).hyperparameters());
        assertEquals(List.copyOf(adam.keySet()), List.copyOf(new AdamW(ps, 0.1).clipGradNorm(2).hyperparameters().keySet()));
        assertEquals(Map.of("momentum", 0.9, "dampening", 0.0, "weight_decay", 0.0, "nesterov", 1.0,
                "clip_grad_value", 0.5), new Sgd(ps, 0.1, 0.9, 0, 0, true).clipGradValue(0.5).hyperparameters());
        assertEquals(Map.of("alpha", 0.99, "eps", 1e-8, "weight_decay", 0.0, "momentum", 0.0, "centered", 0.0),
                new Rmsprop(ps, 0.1).hyperparameters());
        assertEquals(Map.of("lr_decay", 0.0, "weight_decay", 0.0, "eps", 1e-10), new Adagrad(ps, 0.1).hyperparameters());
    }
}

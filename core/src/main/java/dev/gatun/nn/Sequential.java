package dev.gatun.nn;

import dev.gatun.tensor.Tensor;
import java.util.List;

/** Modules applied one after another; children are named 0, 1, 2, ... */
public final class Sequential extends Module {
    private final List<Module> layers;

    /**
     * A chain of the given modules.
     *
     * @param layers the modules, applied in order
     */
    public Sequential(Module... layers) {
        this.layers = List.of(layers);
        for (int i = 0; i < layers.length; i++) {
            register(Integer.toString(i), layers[i]);
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (Module m : layers) {
            h = m.forward(h);
        }
        return h;
    }

    /** {@return the layers in order} */
    public List<Module> layers() {
        return layers;
    }
}

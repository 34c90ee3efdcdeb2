package dev.gatun.io;

import dev.gatun.nn.Module;
import dev.gatun.tensor.Tensor;
import java.util.Map;

/** A model whose state is the given named buffers, so a test can load any file's names, dtypes and shapes. */
final class BufferModule extends Module {
    BufferModule(Map<String, Tensor> buffers) {
        buffers.forEach(this::registerBuffer);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x;
    }
}

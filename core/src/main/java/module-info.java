/**
 * Gatun's core: off-heap tensors owned by scopes, devices, the backend SPI with the scalar and
 * cpu backends, autograd, ops, layers, optimizers and safetensors. Everything a program needs to
 * build, train and run a network in code; it depends on nothing outside the JDK and Gatun's
 * kernels. Other device kinds (CUDA) plug in through {@link dev.gatun.device.DeviceProvider}.
 */
module dev.gatun.core {
    requires dev.gatun.kernels;

    exports dev.gatun.autograd;
    exports dev.gatun.backend;
    exports dev.gatun.backend.operand to dev.gatun.cuda;
    exports dev.gatun.device;
    exports dev.gatun.io;
    exports dev.gatun.nn;
    exports dev.gatun.ops;
    exports dev.gatun.optim;
    exports dev.gatun.optim.schedule;
    exports dev.gatun.predict;
    exports dev.gatun.tensor;
    exports dev.gatun.tensor.internal to dev.gatun.cuda;

    uses dev.gatun.device.DeviceProvider;
}

/** The sample programs behind {@code make run}: Fashion-MNIST MLP, CNN and LSTM, and a sequence forecaster. */
module dev.gatun.samples {
    requires dev.gatun.bindings;
    requires dev.gatun.train;
    requires tools.jackson.databind;
}

package dev.gatun.device;

import java.util.List;

/** A graph captured on the fake device: the recorded kernels, run again in their order on each launch. */
final class FakeDeviceGraph extends DeviceGraph {
    private final List<Runnable> kernels;

    FakeDeviceGraph(CapturePool pool, List<Runnable> kernels) {
        super(pool);
        this.kernels = List.copyOf(kernels);
    }

    @Override
    public int operations() {
        return kernels.size();
    }

    @Override
    protected void replay() {
        for (Runnable k : kernels) {
            k.run();
        }
    }

    @Override
    protected void release() {}

    @Override
    public String toString() {
        return "FakeDeviceGraph[" + kernels.size() + " operations]";
    }
}

package dev.gatun.tensor;

import dev.gatun.autograd.Autograd;
import dev.gatun.device.CudaContext;
import java.lang.foreign.MemorySegment;

/**
 * Copies between devices: {@link Tensor#to(Device)}, {@link Tensor#moveTo(Device)} and single
 * elements read or written from the host. The host and the fake device copy with
 * MemorySegment.copy; CUDA copies go through the device's pinned staging buffers on its stream and
 * have finished when they return.
 */
final class DeviceTransfer {
    private DeviceTransfer() {}

    static Tensor to(Tensor t, Device target) {
        Device source = t.device();
        if (source.equals(target)) {
            return t;
        }
        requireDeviceDType(t, target);
        Tensor src = t.contiguous();
        Tensor out = Tensor.empty(target, t.dtype(), t.shape());
        copyBytes(src, src.offset() * t.dtype().byteSize(), out, 0, t.size() * t.dtype().byteSize());
        if (!t.dtype().isFloating()) {
            return out;
        }
        return Autograd.record(out, "to(" + target + ")", g -> new Tensor[] {g.to(source)}, t);
    }

    /** CUDA computes in float32 and int32: a float64 tensor is refused before it gets there. */
    static void requireDeviceDType(Tensor t, Device target) {
        requireDeviceDType(t.dtype(), t.shape(), target, true);
    }

    /**
     * The one check that keeps float64 off CUDA devices, for moves and for tensors made there
     * directly, so no op ever meets one. Every allocation passes here: the message is built only
     * on refusal.
     */
    static void requireDeviceDType(DType dtype, int[] shape, Device target, boolean move) {
        if (target.kind() == Device.Kind.CUDA && dtype == DType.FLOAT64) {
            String what = dtype.label() + Shape.str(shape);
            throw new IllegalArgumentException("cannot " + (move ? "move " + what + " to " : "allocate " + what + " on ")
                    + target + ": the cuda backend computes in float32 (and int32); convert it on the host first"
                    + " with to(DType.FLOAT32)");
        }
    }

    static Storage copyStorage(Tensor t, Device target) {
        requireDeviceDType(t, target);
        long bytes = t.size() * t.dtype().byteSize();
        Storage moved = t.scope().allocateOn(target, bytes, false);
        Tensor dst = new Tensor(moved, t.scope(), t.dtype(), t.shape(), t.strides(), 0);
        copyBytes(t, 0, dst, 0, bytes);
        return moved;
    }

    /** A host segment holding element {@code physical} of {@code t} (a device tensor). */
    static MemorySegment readElement(Tensor t, long physical) {
        long size = t.dtype().byteSize();
        Storage st = storage(t);
        if (st.device().kind() == Device.Kind.FAKE) {
            return st.host().asSlice(physical * size, size);
        }
        MemorySegment one = MemorySegment.ofArray(new long[1]).asSlice(0, size);
        CudaContext ctx = cuda(st.device());
        ctx.memory().copyDeviceToHost(st.address() + physical * size, one, size, ctx.stream());
        return one;
    }

    /** Writes {@code value} into element {@code physical} of {@code t} (a device tensor). */
    static void writeElement(Tensor t, long physical, double value) {
        long size = t.dtype().byteSize();
        MemorySegment one = MemorySegment.ofArray(new long[1]).asSlice(0, size);
        switch (t.dtype()) {
            case FLOAT32 -> one.set(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, (float) value);
            case FLOAT64 -> one.set(java.lang.foreign.ValueLayout.JAVA_DOUBLE, 0, value);
            case INT32 -> one.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, (int) value);
        }
        Storage st = storage(t);
        if (st.device().kind() == Device.Kind.FAKE) {
            MemorySegment.copy(one, 0, st.host(), physical * size, size);
            return;
        }
        CudaContext ctx = cuda(st.device());
        ctx.memory().copyHostToDevice(one, st.address() + physical * size, size, ctx.stream());
    }

    /** Copies {@code bytes} bytes between the storages of two alive tensors, at byte offsets. */
    static void copyBytes(Tensor src, long srcOffset, Tensor dst, long dstOffset, long bytes) {
        if (bytes == 0) {
            return;
        }
        Storage s = storage(src);
        Storage d = storage(dst);
        boolean sCuda = s.device().kind() == Device.Kind.CUDA;
        boolean dCuda = d.device().kind() == Device.Kind.CUDA;
        if (!sCuda && !dCuda) {
            MemorySegment.copy(s.host(), srcOffset, d.host(), dstOffset, bytes);
        } else if (!sCuda) {
            CudaContext ctx = cuda(d.device());
            ctx.memory().copyHostToDevice(s.host().asSlice(srcOffset, bytes), d.address() + dstOffset, bytes,
                    ctx.stream());
        } else if (!dCuda) {
            CudaContext ctx = cuda(s.device());
            ctx.memory().copyDeviceToHost(s.address() + srcOffset, d.host().asSlice(dstOffset, bytes), bytes,
                    ctx.stream());
        } else if (s.device().equals(d.device())) {
            CudaContext ctx = cuda(s.device());
            ctx.memory().copyDeviceToDevice(s.address() + srcOffset, d.address() + dstOffset, bytes, ctx.stream());
        } else {
            // Between two GPUs: through the host, which needs no peer access.
            try (Scope bounce = Scope.open("device-to-device bounce")) {
                Tensor host = Tensor.empty(Device.CPU, DType.INT32, Math.toIntExact((bytes + 3) / 4));
                copyBytes(src, srcOffset, host, 0, bytes);
                copyBytes(host, 0, dst, dstOffset, bytes);
            }
        }
    }

    private static Storage storage(Tensor t) {
        t.checkAlive();
        return t.storage();
    }

    static CudaContext cuda(Device d) {
        return CudaContext.of(d.index());
    }
}

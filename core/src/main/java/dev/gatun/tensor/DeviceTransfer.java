package dev.gatun.tensor;

import dev.gatun.autograd.Autograd;
import dev.gatun.device.DeviceRuntime;
import dev.gatun.device.DeviceRuntimes;
import dev.gatun.kernels.half.HalfBits;
import java.lang.foreign.MemorySegment;

/**
 * Copies between devices: {@link Tensor#to(Device)}, {@link Tensor#moveTo(Device)} and single
 * elements read or written from the host. Host memory copies with MemorySegment.copy; every other
 * device through its {@link DeviceRuntime}, and a copy has finished when it returns.
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

    /** A device that does not hold the dtype (float64 on CUDA) refuses it before any op meets it. */
    static void requireDeviceDType(Tensor t, Device target) {
        requireDeviceDType(t.dtype(), t.shape(), target, true);
    }

    /**
     * The one check that keeps a dtype off a device that does not hold it, for moves and for
     * tensors made there directly. Every allocation passes here: the message is built only on
     * refusal.
     */
    static void requireDeviceDType(DType dtype, int[] shape, Device target, boolean move) {
        if (target.isHost()) {
            return;
        }
        String refusal = DeviceRuntimes.refusal(target, dtype);
        if (refusal != null) {
            String what = dtype.label() + Shape.str(shape);
            throw new IllegalArgumentException("cannot " + (move ? "move " + what + " to " : "allocate " + what + " on ")
                    + target + ": " + refusal);
        }
    }

    static Storage copyStorage(Tensor t, Device target) {
        requireDeviceDType(t, target);
        long bytes = t.size() * t.dtype().byteSize();
        Storage moved = t.scope().allocateOn(target, bytes, false, t.dtype(), t.shape());
        Tensor dst = new Tensor(moved, t.scope(), t.dtype(), t.shape(), t.strides(), 0);
        copyBytes(t, 0, dst, 0, bytes);
        return moved;
    }

    /** A host segment holding element {@code physical} of {@code t} (a device tensor). */
    static MemorySegment readElement(Tensor t, long physical) {
        long size = t.dtype().byteSize();
        Storage st = storage(t);
        MemorySegment one = MemorySegment.ofArray(new long[1]).asSlice(0, size);
        DeviceRuntimes.of(st.device()).copyOut(st.address() + physical * size, one);
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
            case BFLOAT16, FLOAT16 -> one.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, halfBits(t.dtype(), value));
        }
        Storage st = storage(t);
        DeviceRuntimes.of(st.device()).copyIn(one, st.address() + physical * size);
    }

    /** The bits of {@code value} in a half dtype: rounded to float32 first, as every conversion path does. */
    static short halfBits(DType dtype, double value) {
        return dtype == DType.BFLOAT16 ? HalfBits.toBf16((float) value) : HalfBits.toFp16((float) value);
    }

    /** Copies {@code bytes} bytes between the storages of two alive tensors, at byte offsets. */
    static void copyBytes(Tensor src, long srcOffset, Tensor dst, long dstOffset, long bytes) {
        if (bytes == 0) {
            return;
        }
        Storage s = storage(src);
        Storage d = storage(dst);
        boolean sHost = s.device().isHost();
        boolean dHost = d.device().isHost();
        if (sHost && dHost) {
            MemorySegment.copy(s.host(), srcOffset, d.host(), dstOffset, bytes);
        } else if (sHost) {
            DeviceRuntimes.of(d.device()).copyIn(s.host().asSlice(srcOffset, bytes), d.address() + dstOffset);
        } else if (dHost) {
            DeviceRuntimes.of(s.device()).copyOut(s.address() + srcOffset, d.host().asSlice(dstOffset, bytes));
        } else if (s.device().equals(d.device())) {
            DeviceRuntimes.of(s.device()).copyWithin(s.address() + srcOffset, d.address() + dstOffset, bytes);
        } else {
            // Between two devices: through the host, which needs no peer access.
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
}

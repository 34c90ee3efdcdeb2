package dev.gatun.tensor;

import dev.gatun.autograd.GradFn;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.device.DeviceRuntimes;
import dev.gatun.kernels.half.HalfBits;
import dev.gatun.kernels.half.HalfConversion;
import dev.gatun.ops.Activations;
import dev.gatun.ops.Arithmetic;
import dev.gatun.ops.MatMul;
import dev.gatun.ops.Reductions;
import dev.gatun.ops.SoftmaxOps;
import dev.gatun.ops.Views;
import dev.gatun.tensor.internal.TensorInternals;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * An n-dimensional array in off-heap memory owned by a {@link Scope}.
 *
 * <p>A tensor is a view: storage segment, element offset, shape and strides (in elements). Reshape
 * of contiguous data, transpose and slice make new views without copying. Math methods allocate
 * their results in the current scope and, unless gradients are off, record how to differentiate
 * them; {@link #backward()} then fills {@link #grad()} of every tensor that requires it.
 */
public final class Tensor {
    // Not final: Module.to moves parameters in place (moveTo), keeping the Tensor object that
    // layers and optimizers hold.
    private Storage storage;
    private final Scope scope;
    private final DType dtype;
    private final int[] shape;
    private final long[] strides;
    private final long offset;
    private final long size;

    private boolean requiresGrad;
    private Tensor grad;
    /** The gradient is zero but its memory not yet written (see {@link #zeroGrad}). */
    private boolean gradZeroed;
    private GradFn gradFn;

    Tensor(MemorySegment segment, Scope scope, DType dtype, int[] shape, long[] strides, long offset) {
        this(Storage.host(segment), scope, dtype, shape, strides, offset);
    }

    Tensor(Storage storage, Scope scope, DType dtype, int[] shape, long[] strides, long offset) {
        this.storage = storage;
        this.scope = scope;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.size = Shape.checkedSize(shape);
    }

    // ---- creation -------------------------------------------------------------------------

    /**
     * Zeros in the current scope.
     *
     * @param dtype the element type
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public static Tensor zeros(DType dtype, int... shape) {
        return zeros(Scope.current(), dtype, shape);
    }

    /**
     * Zeros owned by {@code scope}.
     *
     * @param scope the scope owning the memory
     * @param dtype the element type
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public static Tensor zeros(Scope scope, DType dtype, int... shape) {
        int[] s = shape.clone();
        MemorySegment seg = scope.allocate(bytes(scope, dtype, s), true, dtype, s);
        return new Tensor(seg, scope, dtype, s, Shape.contiguousStrides(s), 0);
    }

    /**
     * A tensor in the current scope whose contents are unspecified, for results an op overwrites
     * completely (saves zeroing the memory first).
     *
     * @param dtype the element type
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public static Tensor empty(DType dtype, int... shape) {
        Scope scope = Scope.current();
        int[] s = shape.clone();
        MemorySegment seg = scope.allocate(bytes(scope, dtype, s), false, dtype, s);
        return new Tensor(seg, scope, dtype, s, Shape.contiguousStrides(s), 0);
    }

    /**
     * Zeros on {@code device}, owned by {@code scope}.
     *
     * @param scope the scope owning the memory
     * @param device the device the memory is on
     * @param dtype the element type
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public static Tensor zeros(Scope scope, Device device, DType dtype, int... shape) {
        return allocate(scope, device, dtype, shape, true);
    }

    /**
     * A tensor on {@code device} in the current scope whose contents are unspecified (see {@link #empty}).
     *
     * @param device the device the memory is on
     * @param dtype the element type
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public static Tensor empty(Device device, DType dtype, int... shape) {
        return allocate(Scope.current(), device, dtype, shape, false);
    }

    private static Tensor allocate(Scope scope, Device device, DType dtype, int[] shape, boolean zero) {
        int[] s = shape.clone();
        long bytes = bytes(scope, dtype, s);
        DeviceTransfer.requireDeviceDType(dtype, s, device, false);
        Storage storage = scope.allocateOn(device, bytes, zero, dtype, s);
        return new Tensor(storage, scope, dtype, s, Shape.contiguousStrides(s), 0);
    }

    /** The bytes of a {@code dtype} tensor of {@code shape}; one whose size overflows a long is over any budget. */
    private static long bytes(Scope scope, DType dtype, int[] shape) {
        long bytes;
        try {
            bytes = MemoryBudget.bytes(dtype.byteSize(), Shape.checkedSize(shape));
        } catch (ArithmeticException e) {
            bytes = -1;
        }
        if (bytes < 0) {
            throw new MemoryBudgetException("a " + dtype.label() + Shape.str(shape) + " tensor in scope '" + scope.name()
                    + "'", bytes, MemoryBudget.limit());
        }
        return bytes;
    }

    /**
     * Zeros of this tensor's dtype on its device, in the current scope: how ops make their results.
     *
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public Tensor newZeros(int... shape) {
        return newZeros(dtype, shape);
    }

    /**
     * Zeros of {@code dtype} on this tensor's device, in the current scope.
     *
     * @param dtype the element type
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public Tensor newZeros(DType dtype, int... shape) {
        return allocate(Scope.current(), storage.device(), dtype, shape, true);
    }

    /**
     * An uninitialized tensor of this dtype on this tensor's device, for results an op overwrites completely.
     *
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public Tensor newEmpty(int... shape) {
        return newEmpty(dtype, shape);
    }

    /**
     * An uninitialized tensor of {@code dtype} on this tensor's device.
     *
     * @param dtype the element type
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public Tensor newEmpty(DType dtype, int... shape) {
        return allocate(Scope.current(), storage.device(), dtype, shape, false);
    }

    /**
     * A tensor of this dtype on this tensor's device filled with {@code value}.
     *
     * @param value the value of every element
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public Tensor newFull(double value, int... shape) {
        Tensor t = newZeros(shape);
        if (value != 0) {
            t.fill(value);
        }
        return t;
    }

    /**
     * Float32 zeros in the current scope.
     *
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public static Tensor zeros(int... shape) {
        return zeros(DType.FLOAT32, shape);
    }

    /**
     * Ones in the current scope.
     *
     * @param dtype the element type
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1.0, shape);
    }

    /**
     * A tensor filled with {@code value}.
     *
     * @param dtype the element type
     * @param value the value of every element
     * @param shape the new tensor's dimensions
     * @return the new tensor
     */
    public static Tensor full(DType dtype, double value, int... shape) {
        Tensor t = zeros(dtype, shape);
        if (value != 0) {
            t.fill(value);
        }
        return t;
    }

    /**
     * Zeros with the dtype and shape of {@code like}, in the current scope.
     *
     * @param like the tensor whose dtype and shape are copied
     * @return the new tensor
     */
    public static Tensor zerosLike(Tensor like) {
        return zeros(like.dtype, like.shape);
    }

    /**
     * Seeded uniform values in [lo, hi).
     *
     * @param seed the random seed
     * @param lo the lower bound, included
     * @param hi the upper bound, excluded
     * @param dtype the element type
     * @param shape the new tensor's dimensions
     * @return the new tensor, in the current scope
     */
    public static Tensor uniform(long seed, double lo, double hi, DType dtype, int... shape) {
        return uniform(new SplittableRandom(seed), lo, hi, dtype, shape);
    }

    /**
     * Uniform values in [lo, hi) drawn from {@code rng}.
     *
     * @param rng the random source
     * @param lo the lower bound, included
     * @param hi the upper bound, excluded
     * @param dtype the element type
     * @param shape the new tensor's dimensions
     * @return the new tensor, in the current scope
     */
    public static Tensor uniform(RandomGenerator rng, double lo, double hi, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        for (long i = 0; i < t.size; i++) {
            t.setFlat(i, lo + (hi - lo) * rng.nextDouble());
        }
        return t;
    }

    /**
     * Seeded normal values with the given mean and standard deviation.
     *
     * @param seed the random seed
     * @param mean the distribution's mean
     * @param std the standard deviation
     * @param dtype the element type
     * @param shape the new tensor's dimensions
     * @return the new tensor, in the current scope
     */
    public static Tensor normal(long seed, double mean, double std, DType dtype, int... shape) {
        return normal(new SplittableRandom(seed), mean, std, dtype, shape);
    }

    /**
     * Normal values drawn from {@code rng}.
     *
     * @param rng the random source
     * @param mean the distribution's mean
     * @param std the standard deviation
     * @param dtype the element type
     * @param shape the new tensor's dimensions
     * @return the new tensor, in the current scope
     */
    public static Tensor normal(RandomGenerator rng, double mean, double std, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        for (long i = 0; i < t.size; i++) {
            t.setFlat(i, mean + std * rng.nextGaussian());
        }
        return t;
    }

    /**
     * A float32 tensor holding a copy of {@code data}, with the given shape.
     *
     * @param data the values, row-major
     * @param shape the new tensor's dimensions
     * @return the new tensor, in the current scope
     */
    public static Tensor of(float[] data, int... shape) {
        Tensor t = zeros(DType.FLOAT32, checkLength(data.length, shape));
        MemorySegment.copy(data, 0, t.storage.host(), DType.FLOAT32.layout(), 0, data.length);
        return t;
    }

    /**
     * A float64 tensor holding a copy of {@code data}, with the given shape.
     *
     * @param data the values, row-major
     * @param shape the new tensor's dimensions
     * @return the new tensor, in the current scope
     */
    public static Tensor of(double[] data, int... shape) {
        Tensor t = zeros(DType.FLOAT64, checkLength(data.length, shape));
        MemorySegment.copy(data, 0, t.storage.host(), DType.FLOAT64.layout(), 0, data.length);
        return t;
    }

    /**
     * An int32 tensor holding a copy of {@code data}, with the given shape.
     *
     * @param data the values, row-major
     * @param shape the new tensor's dimensions
     * @return the new tensor, in the current scope
     */
    public static Tensor of(int[] data, int... shape) {
        Tensor t = zeros(DType.INT32, checkLength(data.length, shape));
        MemorySegment.copy(data, 0, t.storage.host(), DType.INT32.layout(), 0, data.length);
        return t;
    }

    /**
     * A scalar (rank 0) tensor.
     *
     * @param dtype the element type
     * @param value the element's value
     * @return the new rank-0 tensor, in the current scope
     */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    private static int[] checkLength(int length, int[] shape) {
        int[] s = shape.length == 0 && length != 1 ? new int[] {length} : shape;
        long n = Shape.checkedSize(s);
        if (n != length) {
            throw new IllegalArgumentException("array of " + length + " elements does not fit shape " + Shape.str(s)
                    + " (" + n + " elements)");
        }
        return s;
    }

    // ---- metadata -------------------------------------------------------------------------

    /** {@return the element type} */
    public DType dtype() {
        return dtype;
    }

    /** {@return a copy of the shape} */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Size of one axis (negative counts from the end).
     *
     * @param axis the axis; negative counts from the end
     * @return the axis' size
     */
    public int dim(int axis) {
        return shape[Shape.axis(axis, shape.length)];
    }

    /** {@return the number of axes} */
    public int rank() {
        return shape.length;
    }

    /** {@return the number of elements} */
    public long size() {
        return size;
    }

    /** {@return a copy of the strides, in elements} */
    public long[] strides() {
        return strides.clone();
    }

    /** {@return the offset of the first element in the storage, in elements} */
    public long offset() {
        return offset;
    }

    /** {@return the scope owning this tensor's memory} */
    public Scope scope() {
        return scope;
    }

    Storage storage() {
        return storage;
    }

    /** {@return the device this tensor's memory is on} */
    public Device device() {
        return storage.device();
    }

    /**
     * The storage segment, for host backends and kernels. Throws if the owning scope was closed,
     * so a use after close is an exception, never a crash, and for a tensor on a device, whose
     * memory host code cannot touch.
     *
     * @return the storage segment
     */
    public MemorySegment segment() {
        checkAlive();
        Storage st = storage;
        if (!st.device().isHost()) {
            throw new IllegalStateException("tensor " + describe() + " is on " + st.device()
                    + ": host code cannot read it; copy it to the host with to(Device.CPU)");
        }
        return st.host();
    }

    static {
        TensorInternals.install(new TensorInternals.Access() {
            @Override
            public void setGradFn(Tensor t, GradFn fn) {
                t.gradFn = fn;
            }

            @Override
            public long deviceAddress(Tensor t) {
                return t.deviceAddress();
            }

            @Override
            public Tensor deviceHostView(Tensor t) {
                return t.deviceHostView();
            }

            @Override
            public Tensor takeZeroedGrad(Tensor t) {
                if (!t.gradZeroed) {
                    return null;
                }
                t.gradZeroed = false;
                return t.grad;
            }

            @Override
            public Tensor zeroedGrad(Tensor t) {
                return t.gradZeroed ? t.grad : null;
            }
        });
    }

    private long deviceAddress() {
        checkAlive();
        Storage st = storage;
        if (st.device().isHost()) {
            throw new IllegalStateException("tensor " + describe() + " is on the host, not on a device");
        }
        return st.address();
    }

    private Tensor deviceHostView() {
        checkAlive();
        Storage st = storage;
        if (st.device().isHost()) {
            throw new IllegalStateException("tensor " + describe() + " is on the host, not on a device");
        }
        MemorySegment view = DeviceRuntimes.of(st.device()).hostView(st.address(), st.bytes());
        return new Tensor(Storage.host(view), Scope.KERNEL_VIEWS, dtype, shape.clone(), strides.clone(), offset);
    }

    /** Throws {@link IllegalStateException} if this tensor's scope was closed. */
    public void checkAlive() {
        if (!scope.isOpen()) {
            throw new IllegalStateException("tensor " + dtype.label() + Shape.str(shape)
                    + " used after its scope '" + scope.name() + "' was closed");
        }
    }

    /** {@return whether the elements are laid out densely in row-major order} */
    public boolean isContiguous() {
        long expect = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expect) {
                return false;
            }
            expect *= shape[i];
        }
        return true;
    }

    // ---- element access (slow; for tests, printing and small data) -----------------------

    private long physical(long flat) {
        return Shape.physicalIndex(shape, strides, offset, flat);
    }

    /**
     * The element at row-major position {@code flat}, as a double. On a device this copies one
     * element to the host and waits for it: fine for a loss value, far too slow in a loop (copy the
     * tensor with {@link #to(Device)} first).
     *
     * @param flat the row-major position
     * @return the element's value
     */
    public double getFlat(long flat) {
        checkAlive();
        Objects.checkIndex(flat, size);
        long p = physical(flat);
        MemorySegment segment = storage.device().isHost() ? storage.host() : DeviceTransfer.readElement(this, p);
        long i = storage.device().isHost() ? p : 0;
        return switch (dtype) {
            case FLOAT32 -> segment.getAtIndex((java.lang.foreign.ValueLayout.OfFloat) dtype.layout(), i);
            case FLOAT64 -> segment.getAtIndex((java.lang.foreign.ValueLayout.OfDouble) dtype.layout(), i);
            case INT32 -> segment.getAtIndex((java.lang.foreign.ValueLayout.OfInt) dtype.layout(), i);
            case BFLOAT16 -> HalfBits.fromBf16(segment.getAtIndex((java.lang.foreign.ValueLayout.OfShort) dtype.layout(), i));
            case FLOAT16 -> HalfBits.fromFp16(segment.getAtIndex((java.lang.foreign.ValueLayout.OfShort) dtype.layout(), i));
        };
    }

    /**
     * Sets the element at row-major position {@code flat} (on a device: one small copy, see {@link #getFlat}).
     *
     * @param flat the row-major position
     * @param value the value to store
     */
    public void setFlat(long flat, double value) {
        checkAlive();
        Objects.checkIndex(flat, size);
        long p = physical(flat);
        if (!storage.device().isHost()) {
            DeviceTransfer.writeElement(this, p, value);
            return;
        }
        MemorySegment segment = storage.host();
        switch (dtype) {
            case FLOAT32 -> segment.setAtIndex((java.lang.foreign.ValueLayout.OfFloat) dtype.layout(), p, (float) value);
            case FLOAT64 -> segment.setAtIndex((java.lang.foreign.ValueLayout.OfDouble) dtype.layout(), p, value);
            case INT32 -> segment.setAtIndex((java.lang.foreign.ValueLayout.OfInt) dtype.layout(), p, (int) value);
            case BFLOAT16, FLOAT16 -> segment.setAtIndex((java.lang.foreign.ValueLayout.OfShort) dtype.layout(), p,
                    DeviceTransfer.halfBits(dtype, value));
        }
    }

    /**
     * The element at the given indices.
     *
     * @param index one index per axis
     * @return the element's value
     */
    public double get(int... index) {
        return getFlat(flatIndex(index));
    }

    /**
     * Sets the element at the given indices.
     *
     * @param value the value to store
     * @param index one index per axis
     */
    public void set(double value, int... index) {
        setFlat(flatIndex(index), value);
    }

    private long flatIndex(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + index.length + " for tensor of shape " + Shape.str(shape));
        }
        long flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + index[i] + " out of range for axis " + i + " of shape "
                        + Shape.str(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    /** {@return the single value of a one-element tensor} */
    public double item() {
        if (size != 1) {
            throw new IllegalStateException("item() needs one element, tensor has shape " + Shape.str(shape));
        }
        return getFlat(0);
    }

    /** {@return all elements in row-major order as floats} */
    public float[] toFloatArray() {
        checkFits();
        if (!device().isHost()) {
            try (Scope s = Scope.open("toFloatArray")) {
                return detach().to(Device.CPU).toFloatArray();
            }
        }
        float[] out = new float[(int) size];
        if (dtype == DType.FLOAT32 && isContiguous()) {
            MemorySegment.copy(segment(), DType.FLOAT32.layout(), offset * 4, out, 0, out.length);
            return out;
        }
        if (dtype == DType.BFLOAT16 && isContiguous()) {
            HalfConversion.fromBf16(segment(), offset, MemorySegment.ofArray(out), 0, out.length);
            return out;
        }
        if (dtype == DType.FLOAT16 && isContiguous()) {
            HalfConversion.fromFp16(segment(), offset, MemorySegment.ofArray(out), 0, out.length);
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) getFlat(i);
        }
        return out;
    }

    /** {@return all elements in row-major order as doubles} */
    public double[] toDoubleArray() {
        checkFits();
        if (!device().isHost()) {
            try (Scope s = Scope.open("toDoubleArray")) {
                return detach().to(Device.CPU).toDoubleArray();
            }
        }
        double[] out = new double[(int) size];
        for (int i = 0; i < out.length; i++) {
            out[i] = getFlat(i);
        }
        return out;
    }

    /** {@return all elements in row-major order as ints (truncating floats)} */
    public int[] toIntArray() {
        checkFits();
        if (!device().isHost()) {
            try (Scope s = Scope.open("toIntArray")) {
                return detach().to(Device.CPU).toIntArray();
            }
        }
        int[] out = new int[(int) size];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) getFlat(i);
        }
        return out;
    }

    private void checkFits() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor of " + size + " elements does not fit a Java array");
        }
    }

    /**
     * Fills every element with {@code value} (in place, not recorded for autograd).
     *
     * @param value the value of every element
     * @return this tensor
     */
    public Tensor fill(double value) {
        BackendRegistry.of(this).fill(this, value);
        return this;
    }

    /**
     * Copies {@code src} (same shape, same dtype) into this tensor in place.
     *
     * @param src the source, of this tensor's shape and dtype
     * @return this tensor
     */
    public Tensor copyFrom(Tensor src) {
        if (!Arrays.equals(shape, src.shape) || dtype != src.dtype) {
            throw new IllegalArgumentException("copyFrom: " + src.describe() + " into " + describe());
        }
        BackendRegistry.of(this).copy(src, this);
        return this;
    }

    // ---- views ------------------------------------------------------------------------------

    /**
     * A view with new shape and strides over the same storage; no autograd.
     *
     * @param newShape the view's shape
     * @param newStrides the view's strides, in elements
     * @param newOffset the view's offset in the storage, in elements
     * @return the view
     */
    public Tensor view(int[] newShape, long[] newStrides, long newOffset) {
        checkAlive();
        return new Tensor(storage, scope, dtype, newShape.clone(), newStrides.clone(), newOffset);
    }

    /**
     * The same data with another shape; one axis may be -1. Contiguous data only (no copy).
     *
     * @param newShape the new shape; one axis may be -1, inferred from the size
     * @return a view of the same data
     */
    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape);
    }

    /**
     * Swaps two axes (no copy).
     *
     * @param axis0 one axis
     * @param axis1 the other axis
     * @return a view of the same data
     */
    public Tensor transpose(int axis0, int axis1) {
        return Views.transpose(this, axis0, axis1);
    }

    /** {@return the 2-D transpose, a view} */
    public Tensor t() {
        if (shape.length != 2) {
            throw new IllegalArgumentException("t() needs a matrix, got shape " + Shape.str(shape));
        }
        return transpose(0, 1);
    }

    /**
     * Elements {@code [start, end)} along {@code axis} (no copy).
     *
     * @param axis the axis; negative counts from the end
     * @param start the first index, included
     * @param end the last index, excluded
     * @return a view of the same data
     */
    public Tensor slice(int axis, int start, int end) {
        return Views.slice(this, axis, start, end);
    }

    /**
     * {@return a contiguous tensor with the same values: this one if already contiguous, else a copy}
     */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.copy(this);
    }

    /**
     * A contiguous copy with a new dtype, on the same device: float32, float64, bfloat16 and float16
     * in any direction (rounding to nearest even when narrowing, see
     * {@link dev.gatun.backend.CastOps}), and to and from int32. Gradients flow between float
     * types, cast back to this tensor's dtype.
     *
     * @param target the dtype to convert to
     * @return the converted copy
     */
    public Tensor to(DType target) {
        return Views.cast(this, target);
    }

    /**
     * This tensor on {@code target}: itself when already there, otherwise a contiguous copy in
     * the current scope. Gradients flow back to the source device.
     *
     * @param target the device to move to
     * @return this tensor or its copy on target
     */
    public Tensor to(Device target) {
        return DeviceTransfer.to(this, target);
    }

    /**
     * Moves this tensor's data to {@code target} in place, keeping this Tensor object: how
     * {@code Module.to} moves parameters and buffers that layers and optimizers hold. The new
     * memory belongs to this tensor's scope; the old is freed with the scope. The gradient is
     * dropped. Views taken before the move keep the old memory. Only for contiguous tensors
     * that own their storage from its start.
     *
     * @param target the device to move to
     */
    public void moveTo(Device target) {
        checkAlive();
        if (storage.device().equals(target)) {
            return;
        }
        if (!isContiguous() || offset != 0 || storage.bytes() != size * dtype.byteSize()) {
            throw new IllegalStateException("moveTo: " + describe() + " is a view; only whole contiguous tensors move in place");
        }
        Storage moved = DeviceTransfer.copyStorage(this, target);
        this.storage = moved;
        this.grad = null;
        this.gradZeroed = false;
    }

    // ---- math (differentiable) ---------------------------------------------------------------

    /**
     * Matrix product of 2-D tensors.
     *
     * @param other the right matrix
     * @return the product
     */
    public Tensor matmul(Tensor other) {
        return MatMul.apply(this, other);
    }

    /**
     * Broadcasting addition.
     *
     * @param other the other operand
     * @return the sum
     */
    public Tensor add(Tensor other) {
        return Arithmetic.add(this, other);
    }

    /**
     * Broadcasting subtraction.
     *
     * @param other the other operand
     * @return the difference
     */
    public Tensor sub(Tensor other) {
        return Arithmetic.sub(this, other);
    }

    /**
     * Broadcasting multiplication.
     *
     * @param other the other operand
     * @return the product
     */
    public Tensor mul(Tensor other) {
        return Arithmetic.mul(this, other);
    }

    /**
     * Broadcasting division.
     *
     * @param other the other operand
     * @return the quotient
     */
    public Tensor div(Tensor other) {
        return Arithmetic.div(this, other);
    }

    /**
     * Multiplies by a constant.
     *
     * @param c the constant
     * @return the product
     */
    public Tensor mul(double c) {
        return Arithmetic.scale(this, c);
    }

    /**
     * Adds a constant.
     *
     * @param c the constant
     * @return the sum
     */
    public Tensor add(double c) {
        return Arithmetic.add(this, scalar(dtype, c));
    }

    /** {@return the element-wise negation} */
    public Tensor neg() {
        return Arithmetic.scale(this, -1);
    }

    /** {@return max(x, 0), element-wise} */
    public Tensor relu() {
        return Activations.relu(this);
    }

    /** {@return 1 / (1 + e^-x), element-wise} */
    public Tensor sigmoid() {
        return Activations.sigmoid(this);
    }

    /** {@return the hyperbolic tangent, element-wise} */
    public Tensor tanh() {
        return Activations.tanh(this);
    }

    /** {@return e^x, element-wise} */
    public Tensor exp() {
        return Activations.exp(this);
    }

    /** {@return the natural logarithm, element-wise} */
    public Tensor log() {
        return Activations.log(this);
    }

    /**
     * Sum along an axis (the axis is removed unless keepDim).
     *
     * @param axis the axis; negative counts from the end
     * @param keepDim whether to keep the axis with size 1
     * @return the sum
     */
    public Tensor sum(int axis, boolean keepDim) {
        return Reductions.sum(this, axis, keepDim);
    }

    /** {@return the sum of all elements, as a scalar tensor} */
    public Tensor sum() {
        return Reductions.sumAll(this);
    }

    /**
     * Mean along an axis.
     *
     * @param axis the axis; negative counts from the end
     * @param keepDim whether to keep the axis with size 1
     * @return the mean
     */
    public Tensor mean(int axis, boolean keepDim) {
        return Reductions.mean(this, axis, keepDim);
    }

    /** {@return the mean of all elements, as a scalar tensor} */
    public Tensor mean() {
        return Reductions.meanAll(this);
    }

    /**
     * Maximum along an axis; the gradient goes to the first maximum.
     *
     * @param axis the axis; negative counts from the end
     * @param keepDim whether to keep the axis with size 1
     * @return the maxima
     */
    public Tensor max(int axis, boolean keepDim) {
        return Reductions.max(this, axis, keepDim);
    }

    /**
     * {@return the index of the maximum along the last axis of a 2-D tensor, as int32 [rows]; not
     * differentiable}
     */
    public Tensor argmax() {
        return Reductions.argmax(this);
    }

    /** {@return the softmax along the last axis} */
    public Tensor softmax() {
        return SoftmaxOps.softmax(this);
    }

    /** {@return the log-softmax along the last axis} */
    public Tensor logSoftmax() {
        return SoftmaxOps.logSoftmax(this);
    }

    // ---- autograd -----------------------------------------------------------------------------

    /**
     * Marks this tensor as a leaf whose gradient is accumulated by {@link #backward()}.
     *
     * @param on whether gradients are wanted
     * @return this tensor
     */
    public Tensor requiresGrad(boolean on) {
        if (on && !dtype.isFloating()) {
            throw new IllegalArgumentException("only float tensors can require gradients, this is " + dtype.label());
        }
        this.requiresGrad = on;
        return this;
    }

    /**
     * {@return whether gradients flow into this tensor (a leaf that asked for them, or a recorded op
     * result)}
     */
    public boolean requiresGrad() {
        return requiresGrad || gradFn != null;
    }

    /** {@return whether this tensor was not produced by a recorded op} */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** {@return the accumulated gradient, or null before any backward pass} */
    public Tensor grad() {
        if (gradZeroed) {
            gradZeroed = false;
            grad.fill(0);
        }
        return grad;
    }

    /**
     * Replaces the gradient (null clears it). Used by autograd and optimizers.
     *
     * @param g the new gradient, or null
     */
    public void setGrad(Tensor g) {
        this.grad = g;
        this.gradZeroed = false;
    }

    /**
     * Sets the gradient to zero, keeping its memory (nothing to do before the first backward pass).
     * The zeros are written when {@link #grad()} is next called; a backward pass that reaches this
     * tensor first writes its gradient over the memory instead, which saves a fill and an add.
     */
    public void zeroGrad() {
        gradZeroed = grad != null;
    }

    /** {@return how this tensor was computed, or null for a leaf} */
    public GradFn gradFn() {
        return gradFn;
    }

    /** Back-propagates from this scalar: d(this)/d(leaf) is accumulated into every leaf's grad. */
    public void backward() {
        dev.gatun.autograd.Autograd.backward(this);
    }

    /** {@return a view of the same data cut off from the graph} */
    public Tensor detach() {
        return view(shape, strides, offset);
    }

    // ---- printing -----------------------------------------------------------------------------

    /** {@return the dtype and shape, e.g. {@code float32[2, 3]}} */
    public String describe() {
        return dtype.label() + Shape.str(shape);
    }

    /** Shape, dtype and, for small tensors, the values as nested brackets. */
    @Override
    public String toString() {
        if (!scope.isOpen()) {
            return "Tensor(" + describe() + ", closed)";
        }
        StringBuilder sb = new StringBuilder("Tensor(").append(describe());
        if (!device().isHost()) {
            return sb.append(", on ").append(device()).append(gradFn != null ? ", grad_fn=" + gradFn.name() : "")
                    .append(')').toString();
        }
        if (size <= 100) {
            sb.append(", ");
            format(sb, 0, 0);
        } else {
            sb.append(", ").append(size).append(" elements");
        }
        if (gradFn != null) {
            sb.append(", grad_fn=").append(gradFn.name());
        }
        return sb.append(')').toString();
    }

    private long format(StringBuilder sb, int axis, long flat) {
        if (axis == shape.length) {
            double v = getFlat(flat);
            sb.append(dtype == DType.INT32 ? String.valueOf((long) v) : String.format(java.util.Locale.ROOT, "%.4f", v));
            return flat + 1;
        }
        sb.append('[');
        for (int i = 0; i < shape[axis]; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            flat = format(sb, axis + 1, flat);
        }
        sb.append(']');
        return flat;
    }
}

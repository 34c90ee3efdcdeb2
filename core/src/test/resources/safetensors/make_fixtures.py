#!/usr/bin/env python3
"""Writes the safetensors fixtures SafetensorsPythonCompatTest reads, with the reference writer.

Run from this folder: python3 make_fixtures.py  (needs: pip install safetensors numpy; PyTorch is
not needed). The files are committed, so the Java tests need no Python. Everything is
deterministic, and expected.txt records each tensor's values as NumPy decodes them:

    file <TAB> tensor <TAB> dtype <TAB> shape <TAB> values

with F16, BF16 and F32 values as the hex bits of their float32 value (NumPy's float16 -> float32
conversion; BF16 is the top half of a float32, so its bits shifted left by 16), F64 values as the
hex bits of the float64, and integer and BOOL values in decimal.
"""

import os

import numpy as np
import safetensors
from safetensors import TensorSpec, serialize_file
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))

# IEEE binary16 bit patterns: zeros, 1, -2.5, 1/3, the largest value, the smallest normal, the
# smallest, largest and a middle subnormal (and a negative one), infinities and quiet NaNs (one
# with a payload, one negative). Signalling NaNs are left out: a CPU's conversion may quiet them.
F16_BITS = [0x0000, 0x8000, 0x3C00, 0xC100, 0x3555, 0x7BFF, 0x0400, 0x0001,
            0x03FF, 0x0200, 0x8001, 0x7C00, 0xFC00, 0x7E00, 0x7E01, 0xFE00]
# bfloat16 bit patterns: zeros, 1, -2.5, 1/3, the largest value, the smallest normal, the smallest
# and largest subnormal, infinities and a quiet NaN.
BF16_BITS = [0x0000, 0x8000, 0x3F80, 0xC020, 0x3EAB, 0x7F7F, 0x0080, 0x0001,
             0x007F, 0x7F80, 0xFF80, 0x7FC0]


def spec(array, dtype=None):
    """The reference serializer's description of a little-endian array (dtype: its dtype name)."""
    assert array.dtype.byteorder in "<=|" and array.flags["C_CONTIGUOUS"]
    return TensorSpec(dtype=dtype or array.dtype.name, shape=array.shape,
                      data_ptr=array.ctypes.data, data_len=array.nbytes)


def dtype_tensors():
    """One tensor per dtype Gatun reads, at the edges of each; I64 values fit int32 (read() gives int32)."""
    return {
        "f16": (np.array(F16_BITS, dtype=np.uint16).view(np.float16).reshape(4, 4), "F16"),
        "bf16": (np.array(BF16_BITS, dtype=np.uint16).reshape(3, 4), "BF16"),
        "f32": (np.array([1.5, -0.0, 3.0e-39, 1.401298464324817e-45, np.inf, np.nan, 0.1, -3.4028234663852886e38],
                         dtype=np.float32).reshape(2, 4), "F32"),
        "f64": (np.array([np.pi, -1e300, 5e-324, -np.inf, np.nan, -0.0], dtype=np.float64), "F64"),
        "i64": (np.array([0, 1, -1, 2**31 - 1, -2**31, 16777217], dtype=np.int64).reshape(3, 2), "I64"),
        "i32": (np.array([-2**31, -1, 0, 2**31 - 1], dtype=np.int32).reshape(2, 1, 2), "I32"),
        "u8": (np.array([0, 1, 127, 128, 255], dtype=np.uint8), "U8"),
        "bool": (np.array([True, False, False, True, True, False], dtype=np.bool_).reshape(2, 3), "BOOL"),
        "i64_scalar": (np.array(7, dtype=np.int64), "I64"),
        "f16_empty": (np.zeros((0, 3), dtype=np.float16), "F16"),
    }


def bn1d_state_dict():
    """What torch.save would hold for Sequential(Linear(4, 3), BatchNorm1d(3)) after 12 training steps."""
    rng = np.random.default_rng(14)
    f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
    return {
        "0.weight": (f32(3, 4), "F32"),
        "0.bias": (f32(3), "F32"),
        "1.weight": (f32(3), "F32"),
        "1.bias": (f32(3), "F32"),
        "1.running_mean": (f32(3), "F32"),
        "1.running_var": (np.abs(f32(3)) + np.float32(0.5), "F32"),
        "1.num_batches_tracked": (np.array(12, dtype=np.int64), "I64"),
    }


def bn2d_half_state_dict():
    """What model.half().state_dict() holds for a bare BatchNorm2d(2): F16 tensors, an I64 counter."""
    rng = np.random.default_rng(15)
    f16 = lambda: rng.standard_normal(2).astype(np.float16)
    return {
        "weight": (f16(), "F16"),
        "bias": (f16(), "F16"),
        "running_mean": (f16(), "F16"),
        "running_var": (np.abs(f16()) + np.float16(0.25), "F16"),
        "num_batches_tracked": (np.array(5, dtype=np.int64), "I64"),
    }


def write(name, tensors):
    specs = {k: spec(a, "bfloat16" if code == "BF16" else None) for k, (a, code) in tensors.items()}
    serialize_file(specs, os.path.join(HERE, name), metadata=None)


def expected_values(array, code):
    if code == "F16":
        return ["%08x" % v for v in array.astype(np.float32).view(np.uint32).ravel()]
    if code == "BF16":
        return ["%08x" % (int(v) << 16) for v in array.ravel()]
    if code == "F32":
        return ["%08x" % v for v in array.view(np.uint32).ravel()]
    if code == "F64":
        return ["%016x" % v for v in array.view(np.uint64).ravel()]
    return [str(int(v)) for v in array.ravel()]


# The compatibility set: the same tensors SafetensorsPythonCompatTest builds in Java.
W = np.array([1.5, -2.25, 3.0e-39, 3.4028234663852886e38, -0.0, 0.1], dtype=np.float32).reshape(2, 3)
B = np.array([np.pi, -1e300, 5e-324], dtype=np.float64)
I = np.array([-2147483648, -1, 0, 2147483647], dtype=np.int32).reshape(2, 1, 2)
E = np.zeros((0, 3), dtype=np.float32)
COMPAT = {"w": W, "b": B, "i": I, "e": E}
# Half-precision tensors as Gatun writes them (bfloat16 and float16 beside float32), non-NaN so
# that every value has one bit pattern: zeros, 1, -2.5, subnormals, the largest values, infinity.
HALF_BF16 = np.array([0x0000, 0x8000, 0x3F80, 0xC020, 0x0001, 0x7F7F], dtype=np.uint16).reshape(2, 3)
HALF_F16 = np.array([0x3555, 0x7BFF, 0x0001, 0x83FF, 0xFC00, 0x3C00], dtype=np.uint16).view(np.float16).reshape(3, 2)
HALF = {"w": (W, "F32"), "hb": (HALF_BF16, "BF16"), "hf": (HALF_F16, "F16"), "a": (HALF_F16[:1], "F16")}
# One metadata key only: the reference writes several in hash order, different on each run.
AWKWARD = "\u00e9 \"q\" \\ \n\t\b\f\u0001\u001f\u007f/"


def main():
    save_file(COMPAT, os.path.join(HERE, "reference.safetensors"))
    save_file(COMPAT, os.path.join(HERE, "reference-metadata.safetensors"), metadata={"k": AWKWARD})
    files = {
        "dtypes.safetensors": dtype_tensors(),
        "reference-half.safetensors": HALF,
        "bn1d-state-dict.safetensors": bn1d_state_dict(),
        "bn2d-half-state-dict.safetensors": bn2d_half_state_dict(),
    }
    lines = []
    for name, tensors in files.items():
        write(name, tensors)
        for key, (array, code) in tensors.items():
            shape = "[" + ",".join(str(d) for d in array.shape) + "]"
            lines.append("\t".join([name, key, code, shape, " ".join(expected_values(array, code))]))
    with open(os.path.join(HERE, "expected.txt"), "w", encoding="utf-8") as out:
        out.write("# Written by make_fixtures.py with safetensors %s and numpy %s.\n"
                  % (safetensors.__version__, np.__version__))
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

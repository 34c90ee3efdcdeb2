"""PyTorch conv2d forward / backward-data / backward-weight on the shapes of Gatun's ConvBenchmark
(CPU) and DeviceOpsBenchmark (CPU or GPU).

    /tmp/torchenv/bin/python bench/pytorch/conv.py --threads 2
    python3 bench/pytorch/conv.py --device cuda     # true float32 (TF32 off), cuDNN autotuned

Layers: cnn-conv1 x[64,1,28,28] 32 filters 5x5 pad 2; cnn-conv2 x[64,32,14,14] 64 filters 5x5
pad 2; resnet-3x3 x[32,64,56,56] 64 filters 3x3 pad 1. Each pass is 2*N*Cout*Hout*Wout*Cin*kH*kW
FLOPs. The backward passes call the aten convolution_backward op directly with one output mask
bit each (backward weight also returns the bias gradient, as Gatun's does). Time is the best of
5 rounds, each the mean of enough calls to last about a second.
"""
import argparse
import time

import torch

DEVICE = torch.device("cpu")
LAYERS = {
    "cnn-conv1": (64, 1, 28, 28, 32, 5, 2),
    "cnn-conv2": (64, 32, 14, 14, 64, 5, 2),
    "resnet-3x3": (32, 64, 56, 56, 64, 3, 1),
}


def sync():
    if torch.cuda.is_available() and DEVICE.type == "cuda":
        torch.cuda.synchronize()


def best_ms(fn, seconds):
    fn()
    sync()
    start = time.perf_counter()
    fn()
    sync()
    once = max(time.perf_counter() - start, 1e-6)
    reps = max(3, int(seconds / once))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        sync()
        best = min(best, (time.perf_counter() - start) / reps)
    return best * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=1.0, help="length of one timing round")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    a = ap.parse_args()
    global DEVICE
    DEVICE = torch.device(a.device)
    torch.set_num_threads(a.threads)
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    print(f"torch {torch.__version__}, {DEVICE}, {torch.get_num_threads()} threads")
    torch.manual_seed(0)
    for name, (n, cin, h, w, cout, k, pad) in LAYERS.items():
        x = (torch.rand(n, cin, h, w) * 2 - 1).to(DEVICE)
        wt = (torch.rand(cout, cin, k, k) * 2 - 1).to(DEVICE)
        b = (torch.rand(cout) * 2 - 1).to(DEVICE)
        y = torch.nn.functional.conv2d(x, wt, b, padding=pad)
        dy = torch.rand_like(y) * 2 - 1
        gflop = 2.0 * n * cout * y.shape[2] * y.shape[3] * cin * k * k / 1e9

        def forward():
            torch.nn.functional.conv2d(x, wt, b, padding=pad)

        def backward(mask):
            return lambda: torch.ops.aten.convolution_backward(
                dy, x, wt, [cout], [1, 1], [pad, pad], [1, 1], False, [0, 0], 1, mask)

        with torch.no_grad():
            for op, fn in (("forward", forward), ("backwardData", backward([True, False, False])),
                           ("backwardWeight", backward([False, True, True]))):
                ms = best_ms(fn, a.seconds)
                print(f"{name:11s} {op:15s} {ms:8.3f} ms  {gflop / ms * 1e3:6.1f} GFLOP/s")


if __name__ == "__main__":
    main()

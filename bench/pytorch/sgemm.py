"""PyTorch (MKL/oneDNN) SGEMM GFLOP/s on the same square sizes as Gatun's SgemmBenchmark.

    python3 bench/pytorch/sgemm.py --threads 2
    python3 bench/pytorch/sgemm.py --loop 1024   # endless, "<monotonic ns> <products so far>" (for paired.py)
"""
import argparse
import sys
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sizes", type=int, nargs="+", default=[128, 256, 512, 1024, 2048])
    ap.add_argument("--loop", type=int, metavar="N",
                    help="multiply N×N matrices forever, printing '<monotonic ns> <products so far>' after each: "
                         "the PyTorch side of paired.py --model sgemm")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if a.loop:
        x = torch.rand(a.loop, a.loop) * 2 - 1
        y = torch.rand(a.loop, a.loop) * 2 - 1
        out = torch.empty(a.loop, a.loop)
        products = 0
        while True:
            torch.mm(x, y, out=out)
            products += 1
            sys.stdout.write(f"{time.monotonic_ns()} {products}\n")
            sys.stdout.flush()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for n in a.sizes:
        x = torch.rand(n, n) * 2 - 1
        y = torch.rand(n, n) * 2 - 1
        out = torch.empty(n, n)
        reps = max(3, int(2e9 / (2 * n ** 3)))
        for _ in range(reps):
            torch.mm(x, y, out=out)
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(reps):
                torch.mm(x, y, out=out)
            best = min(best, (time.perf_counter() - start) / reps)
        print(f"{n}: {2 * n ** 3 / best / 1e9:.1f} GFLOP/s (best of 5 rounds of {reps})")


if __name__ == "__main__":
    main()

"""PyTorch reference for `make run`: MLP 784-256-128-10, ReLU, Adam lr 1e-3, batch 128, on the
same Fashion-MNIST IDX files, same [0, 1] scaling. Prints test accuracy per epoch and training
samples/s, so Gatun's figures can be set against PyTorch's on the same machine.

    python3 bench/pytorch/mlp_fashion_mnist.py --epochs 1 --seeds 1 2 3 42 --threads 2
"""
import argparse
import gzip
import os
import struct
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, f"{path}: not a ubyte IDX file"
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(folder, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise FileNotFoundError(f"{stem}[.gz] not in {folder}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--seeds", type=int, nargs="+", default=[42])
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    load = lambda stem: read_idx(find(a.data, stem))
    xtr = torch.from_numpy(load("train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255)
    ytr = torch.from_numpy(load("train-labels-idx1-ubyte").astype(np.int64))
    xte = torch.from_numpy(load("t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255)
    yte = torch.from_numpy(load("t10k-labels-idx1-ubyte").astype(np.int64))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for seed in a.seeds:
        torch.manual_seed(seed)
        net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()
        for epoch in range(1, a.epochs + 1):
            perm = torch.randperm(len(xtr))
            start = time.perf_counter()
            for i in range(0, len(xtr), 128):
                idx = perm[i:i + 128]
                loss = loss_fn(net(xtr[idx]), ytr[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            seconds = time.perf_counter() - start
            with torch.no_grad():
                acc = (net(xte).argmax(1) == yte).float().mean().item()
            print(f"seed {seed} epoch {epoch}: test accuracy {acc:.4f}, {len(xtr) / seconds:.0f} samples/s")


if __name__ == "__main__":
    main()

"""PyTorch references for the Fashion-MNIST samples, same models, optimizer, batch size, IDX
files and [0, 1] scaling as Gatun's `make run SAMPLE=...`:

  mlp   784-256-128-10, ReLU, Adam lr 1e-3, batch 128
  cnn   conv5x5 32 pad 2, ReLU, maxpool 2, conv5x5 64 pad 2, ReLU, maxpool 2, linear 3136-10;
        Adam lr 1e-3, batch 64. Each ReLU runs after its pooling, as in Gatun's FashionModels.cnn:
        the same function and gradient (both are monotone), on a quarter of the values.
  lstm  each image as 28 steps of 28 pixels, LSTM hidden 128, last hidden state -> linear 10;
        Adam lr 1e-3, batch 64

Prints test accuracy per epoch and training samples/s, so Gatun's figures can be set against
PyTorch's on the same machine.

    python3 bench/pytorch/fashion_mnist.py --model cnn --epochs 1 --seeds 1 2 42 --threads 2
    python3 bench/pytorch/fashion_mnist.py --model cnn --device cuda     # on a GPU, true float32
    python3 bench/pytorch/fashion_mnist.py --model mlp --fused-adam --flush-denormal   # PyTorch's best CPU settings

On cuda, TF32 is switched off for cuDNN and cuBLAS, as Gatun's CUDA backend computes by default.
"""
import argparse
import gzip
import os
import struct
import time

import numpy as np
import torch
from torch import nn

import cpu_settings


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


class LastState(nn.Module):
    """LSTM over the image rows; the last layer's final hidden state feeds a linear classifier."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        _, (h, _) = self.lstm(x.view(-1, 28, 28))
        return self.head(h[-1])


MODELS = {
    "mlp": (128, lambda: nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                                       nn.Linear(128, 10)), (784,)),
    "cnn": (64, lambda: nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(),
                                      nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(),
                                      nn.Flatten(), nn.Linear(3136, 10)), (1, 28, 28)),
    "lstm": (64, LastState, (28, 28)),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--model", choices=sorted(MODELS), default="mlp")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N examples only (0: all)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[42])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    cpu_settings.add_options(ap)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cpu_settings.apply(a)
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    dev = torch.device(a.device)
    load = lambda stem: read_idx(find(a.data, stem))
    batch, build, shape = MODELS[a.model]
    xtr = torch.from_numpy(load("train-images-idx3-ubyte").reshape(-1, *shape).astype(np.float32) / 255)
    ytr = torch.from_numpy(load("train-labels-idx1-ubyte").astype(np.int64))
    if a.limit:
        xtr, ytr = xtr[:a.limit], ytr[:a.limit]
    xte = torch.from_numpy(load("t10k-images-idx3-ubyte").reshape(-1, *shape).astype(np.float32) / 255)
    yte = torch.from_numpy(load("t10k-labels-idx1-ubyte").astype(np.int64))
    xtr, ytr, xte, yte = xtr.to(dev), ytr.to(dev), xte.to(dev), yte.to(dev)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {dev}, model {a.model}, batch {batch}"
          + cpu_settings.describe(a))
    for seed in a.seeds:
        torch.manual_seed(seed)
        net = build().to(dev)
        opt = cpu_settings.adam(net.parameters(), a)
        loss_fn = nn.CrossEntropyLoss()
        for epoch in range(1, a.epochs + 1):
            perm = torch.randperm(len(xtr), device=dev)
            start = time.perf_counter()
            for i in range(0, len(xtr), batch):
                idx = perm[i:i + batch]
                loss = loss_fn(net(xtr[idx]), ytr[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            if dev.type == "cuda":
                torch.cuda.synchronize()
            seconds = time.perf_counter() - start
            with torch.no_grad():
                correct = sum((net(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item()
                              for i in range(0, len(xte), 1000))
                acc = correct / len(xte)
            print(f"seed {seed} epoch {epoch}: test accuracy {acc:.4f}, {len(xtr) / seconds:.0f} samples/s")


if __name__ == "__main__":
    main()

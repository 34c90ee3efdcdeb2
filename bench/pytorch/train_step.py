"""PyTorch's side of Gatun's TrainStepBenchmark: one training step (forward, cross-entropy or
MSE, backward, Adam) of each sample's model on a fixed random batch, as samples per second.

  mlp       784-256-128-10, batch 128
  cnn       conv5x5 32, maxpool, conv5x5 64, maxpool, linear 3136-10, batch 64
  lstm      LSTM 28->128 over 28 steps, last state -> linear 10, batch 64
  sequence  LSTM 1->32 over 48 steps, last state -> linear 1, batch 32, MSE

Each step reads the loss back (loss.item()), as Gatun's benchmark and trainer do, so on a GPU
the figure is the device's real step rate; "queued" is the same loop reading it only at the end.
TF32 is off (true float32), as in Gatun's CUDA backend by default, and cuDNN autotunes its
convolutions (torch.backends.cudnn.benchmark), as Gatun picks them with cudnnFind.

    python3 bench/pytorch/train_step.py --device cuda
    python3 bench/pytorch/train_step.py --device cpu --threads 2
    python3 bench/pytorch/train_step.py --device cpu --models cnn --windows 12 --seconds 1   # median and best of 12 windows
    python3 bench/pytorch/train_step.py --loop cnn   # endless, "<monotonic ns> <samples>" a step (for paired.py)
    python3 bench/pytorch/train_step.py --fused-adam  # PyTorch's fastest Adam: one fused kernel for all parameters
    python3 bench/pytorch/train_step.py --fused-adam --flush-denormal   # PyTorch's best CPU settings

--fused-adam is PyTorch's best optimizer setting (Adam(fused=True), on the CPU since 2.4); the
default is its default, foreach Adam. --flush-denormal calls torch.set_flush_denormal(True): the
CPU then treats subnormal floats as zero. On a fixed batch, Adam's moments of dead ReLU units
decay into the subnormal range, where every x86 operation on them takes a microcode assist, and
the MLP's Adam step runs several times slower without it. Gatun flushes its optimizer state the
same way (dev.gatun.kernels.optim.Subnormals).
"""
import argparse
import statistics
import sys
import time

import torch
from torch import nn

import cpu_settings
from fashion_mnist import MODELS


class Forecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, 32, batch_first=False)
        self.head = nn.Linear(32, 1)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


def cases():
    for name in ("mlp", "cnn", "lstm"):
        batch, build, shape = MODELS[name]
        yield name, batch, build, (batch, *shape), lambda b: torch.randint(0, 10, (b,)), nn.CrossEntropyLoss()
    yield "sequence", 32, Forecaster, (48, 32, 1), lambda b: torch.randn(b, 1), nn.MSELoss()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--models", default="mlp,cnn,lstm,sequence", help="comma-separated subset to time")
    ap.add_argument("--windows", type=int, default=1,
                    help="time N windows of --seconds each and print their median and best, as JMH iterations "
                         "(on a shared machine the best window is the least disturbed one)")
    ap.add_argument("--loop", metavar="MODEL",
                    help="train MODEL's step forever, printing '<monotonic ns> <samples so far>' after each "
                         "(synced) step: the PyTorch side of paired.py")
    cpu_settings.add_options(ap)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cpu_settings.apply(a)
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.benchmark = True  # autotuned convolutions, as Gatun's cudnnFind plans
    dev = torch.device(a.device)
    if a.loop and a.loop not in ("mlp", "cnn", "lstm", "sequence"):
        ap.error(f"--loop {a.loop}: not a model (mlp, cnn, lstm, sequence)")
    print(f"torch {torch.__version__}, {dev}" + (f" ({torch.cuda.get_device_name()})" if dev.type == "cuda" else
                                                 f", {torch.get_num_threads()} threads")
          + cpu_settings.describe(a))
    for name, batch, build, shape, target, loss_fn in cases():
        if name not in (a.loop or a.models).split(","):
            continue
        torch.manual_seed(42)
        net = build().to(dev)
        opt = cpu_settings.adam(net.parameters(), a)
        x = torch.rand(shape, device=dev)
        y = target(batch).to(dev)

        def step():
            loss = loss_fn(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        if a.loop:
            samples = 0
            while True:
                step().item()
                samples += batch
                sys.stdout.write(f"{time.monotonic_ns()} {samples}\n")
                sys.stdout.flush()

        for sync in (True, False):
            for _ in range(20):
                step().item()
            rates = []
            for _ in range(a.windows):
                steps, start = 0, time.perf_counter()
                while time.perf_counter() - start < a.seconds:
                    loss = step()
                    if sync:
                        loss.item()
                    steps += 1
                loss.item()
                rates.append(steps * batch / (time.perf_counter() - start))
            mode = 'synced' if sync else 'queued'
            if a.windows == 1:
                print(f"{name:9s} {mode}: {rates[0]:10.0f} samples/s")
            else:
                print(f"{name:9s} {mode}: median {statistics.median(rates):10.0f}, best {max(rates):10.0f} samples/s "
                      f"over {a.windows} windows of {a.seconds:g} s")


if __name__ == "__main__":
    main()

"""PyTorch's side of Gatun's TrainStepBenchmark.resnet18 / resnet50: one training step (forward,
cross-entropy, backward, SGD with momentum 0.9 at 0.01) of the ResNets of configs/cifar10-resnet18.yaml
and configs/imagenet-resnet50.yaml on a fixed random batch, as samples per second.

  resnet18  3x3 stem, basic blocks 2-2-2-2 at 64-128-256-512, 3x32x32, batch 256, 10 classes
  resnet50  7x7/2 stem, 3x3/2 max pool, bottlenecks 3-4-6-3, 3x224x224, batch 64, 1000 classes

Layer for layer the configs' networks: bias-free convs each followed by batch norm, and where a
block changes the shape, x projected by a bias-free 1x1 conv without a batch norm (torchvision puts
one there, so these have 1,792 and 7,680 fewer parameters than torchvision's). No torchvision.

Modes (--modes, comma-separated):
  fp32          true float32 (TF32 off in cuBLAS and cuDNN), as Gatun's precision fp32
  tf32          TF32 tensor-core matmuls and convolutions, as Gatun's tf32
  bf16          torch.autocast(bfloat16), no GradScaler (bf16 has float32's range), TF32 off
  compile-bf16  bf16 with the model under torch.compile(mode="reduce-overhead") (CUDA graphs);
                compile-fp32 and compile-tf32 likewise

Each step reads the loss back (loss.item()), as Gatun's benchmark does, so on a GPU the figure
is the device's real step rate. cuDNN autotunes its convolutions (cudnn.benchmark), as Gatun
picks them with cudnnFind.

    python3 bench/pytorch/resnet.py --device cuda
    python3 bench/pytorch/resnet.py --device cuda --models resnet50 --modes bf16,compile-bf16 --json out.json
    python3 bench/pytorch/resnet.py --device cpu --batch 2 --warmup 1 --seconds 0.2   # a shape check, not a speed
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

# name: (blocks per stage, bottleneck, input [C, H, W], batch, classes)
MODELS = {
    "resnet18": ((2, 2, 2, 2), False, (3, 32, 32), 256, 10),
    "resnet50": ((3, 4, 6, 3), True, (3, 224, 224), 64, 1000),
}
# Parameters of the configs' networks (ResNetConfigsTest derives them from the architecture tables).
PARAMETERS = {"resnet18": 11_172_170, "resnet50": 25_549_352}


def conv_bn(cin, cout, k, stride=1):
    return [nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout)]


class Residual(nn.Module):
    """x + f(x), x through a bias-free 1x1 conv when f changes the shape; ReLU after, as the configs."""

    def __init__(self, cin, width, stride, bottleneck):
        super().__init__()
        cout = 4 * width if bottleneck else width
        if bottleneck:
            layers = conv_bn(cin, width, 1) + [nn.ReLU()] + conv_bn(width, width, 3, stride) + [nn.ReLU()] \
                + conv_bn(width, cout, 1)
        else:
            layers = conv_bn(cin, width, 3, stride) + [nn.ReLU()] + conv_bn(width, width, 3)
        self.f = nn.Sequential(*layers)
        self.project = nn.Conv2d(cin, cout, 1, stride, bias=False) if stride != 1 or cin != cout else None
        self.cout = cout

    def forward(self, x):
        return torch.relu(self.f(x) + (x if self.project is None else self.project(x)))


def resnet(name):
    blocks, bottleneck, shape, _, classes = MODELS[name]
    if shape[1] == 32:
        layers = conv_bn(3, 64, 3) + [nn.ReLU()]
    else:
        layers = conv_bn(3, 64, 7, 2) + [nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for stage, count in enumerate(blocks):
        for b in range(count):
            block = Residual(cin, 64 << stage, 2 if stage > 0 and b == 0 else 1, bottleneck)
            layers.append(block)
            cin = block.cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


def set_tf32(on):
    torch.backends.cuda.matmul.allow_tf32 = on
    torch.backends.cudnn.allow_tf32 = on


def measure(name, mode, dev, batch, warmup, seconds, windows):
    """Samples/s of the median window (and the best) for one model in one mode."""
    precision = mode.removeprefix("compile-")
    if precision not in ("fp32", "tf32", "bf16"):
        raise SystemExit(f"--modes: '{mode}' is not fp32, tf32, bf16 or compile-<one of them>")
    set_tf32(precision == "tf32")
    _, _, shape, _, classes = MODELS[name]
    torch.manual_seed(42)
    net = resnet(name).to(dev).train()
    params = sum(p.numel() for p in net.parameters())
    if params != PARAMETERS[name]:
        raise SystemExit(f"{name}: {params} parameters, the config's network has {PARAMETERS[name]}")
    model = torch.compile(net, mode="reduce-overhead") if mode.startswith("compile-") else net
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    x = torch.rand((batch, *shape), device=dev)
    y = torch.randint(0, classes, (batch,), device=dev)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=precision == "bf16"):
            loss = loss_fn(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    start = time.perf_counter()
    for _ in range(warmup):
        loss = step()
    if not loss == loss:
        raise SystemExit(f"{name} {mode}: the loss is NaN after warm-up")
    warm_s = time.perf_counter() - start
    rates = []
    for _ in range(windows):
        steps, start = 0, time.perf_counter()
        while steps == 0 or time.perf_counter() - start < seconds:
            step()
            steps += 1
        rates.append(steps * batch / (time.perf_counter() - start))
    return {"model": name, "mode": mode, "batch": batch, "parameters": params,
            "samples_per_s": statistics.median(rates), "best_samples_per_s": max(rates),
            "windows": windows, "seconds": seconds, "warmup_steps": warmup, "warmup_s": round(warm_s, 2)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's default)")
    ap.add_argument("--models", default="resnet18,resnet50")
    ap.add_argument("--modes", default="fp32,tf32,bf16,compile-bf16")
    ap.add_argument("--batch", type=int, default=0, help="examples a step (0: the model's, 256 or 64)")
    ap.add_argument("--warmup", type=int, default=10, help="untimed steps first (compilation, autotuning)")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--windows", type=int, default=3, help="timed windows; the median is reported")
    ap.add_argument("--json", help="also write the results to this file, a JSON list")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.backends.cudnn.benchmark = True  # autotuned convolutions, as Gatun's cudnnFind plans
    dev = torch.device(a.device)
    device_name = torch.cuda.get_device_name() if dev.type == "cuda" else f"cpu, {torch.get_num_threads()} threads"
    print(f"torch {torch.__version__}, {device_name}")
    results = []
    names = a.models.split(",")
    for name in names:
        if name not in MODELS:
            raise SystemExit(f"--models: '{name}' is not one of {', '.join(MODELS)}")
    # Mode by mode, so that the compiled cases, minutes of compiling, come after every eager one.
    for mode in a.modes.split(","):
        for name in names:
            r = measure(name, mode, dev, a.batch or MODELS[name][3], a.warmup, a.seconds, a.windows)
            r.update(device=device_name, torch=torch.__version__)
            results.append(r)
            print(f"{name:9s} {mode:13s} batch {r['batch']:4d}: {r['samples_per_s']:10.1f} samples/s "
                  f"(best {r['best_samples_per_s']:.1f}; warm-up {r['warmup_s']} s)", flush=True)
            if a.json:  # after every case, so that a run cut short keeps what it measured
                with open(a.json, "w") as f:
                    json.dump(results, f, indent=1)
            if dev.type == "cuda":
                torch.cuda.empty_cache()


if __name__ == "__main__":
    main()

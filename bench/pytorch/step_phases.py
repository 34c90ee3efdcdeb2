"""PyTorch's side of Gatun's dev.gatun.bench.StepPhases: where one training step of train_step.py's
models spends its time (forward with the loss, zeroing the gradients, backward, the optimizer step),
as mean microseconds over rounds of steps on a fixed random batch; then how many of Adam's state
values are subnormal or zero, and the optimizer step timed alone on the state the training left.

    python3 bench/pytorch/step_phases.py --model mlp --steps 3000 --fused-adam
    python3 bench/pytorch/step_phases.py --model mlp --steps 3000 --fused-adam --flush-denormal
"""
import argparse
import time

import torch

import cpu_settings
import train_step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="mlp", choices=["mlp", "cnn", "lstm", "sequence"])
    ap.add_argument("--steps", type=int, default=2000, help="steps per round; three rounds run")
    ap.add_argument("--threads", type=int, default=2)
    cpu_settings.add_options(ap)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cpu_settings.apply(a)
    name, batch, build, shape, target, loss_fn = next(c for c in train_step.cases() if c[0] == a.model)
    torch.manual_seed(42)
    net = build()
    opt = cpu_settings.adam(net.parameters(), a)
    x, y = torch.rand(shape), target(batch)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, model {name}"
          + cpu_settings.describe(a))
    for k in range(1, 4):
        t = [0.0] * 4
        for _ in range(a.steps):
            t0 = time.perf_counter()
            loss = loss_fn(net(x), y)
            t1 = time.perf_counter()
            opt.zero_grad()
            t2 = time.perf_counter()
            loss.backward()
            t3 = time.perf_counter()
            opt.step()
            t4 = time.perf_counter()
            for i, d in enumerate((t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                t[i] += d
        us = [1e6 * v / a.steps for v in t]
        print(f"round {k}, {a.steps} steps, mean us: forward {us[0]:.0f}, zero grad {us[1]:.0f}, backward {us[2]:.0f},"
              f" optimizer {us[3]:.0f}, step {sum(us):.0f}")
    tiny = torch.finfo(torch.float32).tiny
    for pname, p in net.named_parameters():
        for slot in ("exp_avg", "exp_avg_sq"):
            s = opt.state[p][slot]
            sub = ((s != 0) & (s.abs() < tiny)).sum().item()
            print(f"state {slot}.{pname}: {s.numel()} values, {sub} subnormal, {(s == 0).sum().item()} zero")
    t0 = time.perf_counter()
    for _ in range(a.steps):
        opt.step()
    print(f"optimizer step alone, on that state: mean {1e6 * (time.perf_counter() - t0) / a.steps:.0f} us")


if __name__ == "__main__":
    main()

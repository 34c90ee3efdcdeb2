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

import train_step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="mlp", choices=["mlp", "cnn", "lstm", "sequence"])
    ap.add_argument("--steps", type=int, default=2000, help="steps per round; three rounds run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--fused-adam", action="store_true", help="Adam(fused=True), PyTorch's fastest Adam")
    ap.add_argument("--flush-denormal", action="store_true",
                    help="torch.set_flush_denormal(True): subnormal floats computed as zero (x86 FTZ/DAZ)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if a.flush_denormal and not torch.set_flush_denormal(True):
        raise SystemExit("--flush-denormal: this CPU does not support flushing denormals")
    name, batch, build, shape, target, loss_fn = next(c for c in train_step.cases() if c[0] == a.model)
    torch.manual_seed(42)
    net = build()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, fused=True if a.fused_adam else None)
    x, y = torch.rand(shape), target(batch)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, model {name}"
          + (", fused Adam" if a.fused_adam else ", default Adam") + (", denormals flushed" if a.flush_denormal else ""))
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

"""PyTorch's LSTM at the shape of the LSTM sample (RecurrentBenchmark's lstm, hidden 128, 28 steps), on the CPU.

T = 28 steps of 28 pixels, batch 64, hidden 128, one layer. Prints ms for one step (the
recurrent GEMM plus the cell, as eager ops), the sequence forward (no grad), forward and
backward from the last hidden state, and the sample's training step (LSTM, last step ->
Linear 10, cross-entropy, Adam) in samples/s. Each figure is the best of 5 rounds.

    /tmp/torchenv/bin/python bench/pytorch/lstm.py --threads 2
"""
import argparse
import time

import torch

T, B, I, H = 28, 64, 28, 128


def best_ms(fn, reps, rounds=5):
    for _ in range(reps):
        fn()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - start) / reps)
    return best * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")

    lstm = torch.nn.LSTM(I, H)
    x = torch.rand(T, B, I)
    h = torch.rand(B, H) * 2 - 1
    c = torch.rand(B, H) * 2 - 1
    xg = torch.rand(B, 4 * H)
    w_hh = lstm.weight_hh_l0

    def step_plain():
        with torch.no_grad():
            g = torch.addmm(xg, h, w_hh.t())
            i, f, gg, o = g.chunk(4, 1)
            cn = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(gg)
            return torch.sigmoid(o) * torch.tanh(cn)

    def forward():
        with torch.no_grad():
            lstm(x)

    def forward_backward():
        lstm.zero_grad()
        _, (hn, _) = lstm(x)
        hn.sum().backward()

    sample = torch.nn.LSTM(I, H, batch_first=True)
    head = torch.nn.Linear(H, 10)
    opt = torch.optim.Adam(list(sample.parameters()) + list(head.parameters()), lr=1e-3)
    xb = torch.rand(B, T, I)
    labels = torch.randint(0, 10, (B,))

    def train_step():
        out, _ = sample(xb)
        loss = torch.nn.functional.cross_entropy(head(out[:, -1, :]), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()

    print(f"step (addmm + cell, eager ops): {best_ms(step_plain, 200):.4f} ms")
    print(f"forward (sequence, no grad):    {best_ms(forward, 20):.3f} ms")
    print(f"forward + backward:             {best_ms(forward_backward, 10):.3f} ms")
    ms = best_ms(train_step, 10)
    print(f"train step:                     {ms:.3f} ms = {B / ms * 1e3:.0f} samples/s")


if __name__ == "__main__":
    main()

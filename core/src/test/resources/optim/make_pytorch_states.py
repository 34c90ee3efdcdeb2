#!/usr/bin/env python3
"""Writes pytorch-float32-states.txt: PyTorch's optimizer states, step by step, in float32.

Run from this folder: python3 make_pytorch_states.py  (needs torch and numpy; a CPU build is
enough). PyTorchFloat32StatesTest replays the same gradients through Gatun's optimizers and
compares every state tensor after every step. Lines:

    case <TAB> step <TAB> tensor <TAB> float32 bits in hex, space-separated

step 0 holds the starting parameter; step s holds "grad" (the gradient fed to step s) and the
parameter and optimizer states after it, under PyTorch's state names.
"""

import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 6
SIZE = 37  # two 16-lane vectors and a tail in Gatun's kernels

# Gatun's PyTorchFloat32StatesTest builds the same optimizers from these names.
CASES = {
    "adam": lambda ps: torch.optim.Adam(ps, lr=1e-2),
    "adam-l2": lambda ps: torch.optim.Adam(ps, lr=3e-3, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1),
    "adamw": lambda ps: torch.optim.AdamW(ps, lr=1e-2, weight_decay=0.05),
    "rmsprop": lambda ps: torch.optim.RMSprop(ps, lr=1e-2),
    "rmsprop-centered-momentum": lambda ps: torch.optim.RMSprop(
        ps, lr=1e-2, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.5, centered=True),
}


def hexbits(t):
    return " ".join("%08x" % v for v in t.detach().numpy().astype(np.float32).view(np.uint32))


def main():
    torch.set_num_threads(1)
    rng = np.random.default_rng(14)
    start = rng.standard_normal(SIZE).astype(np.float32)
    # Gradients over six orders of magnitude, so the squares test the constants' last bits.
    scales = np.float32(10.0) ** rng.uniform(-3, 3, size=(STEPS, SIZE)).astype(np.float32)
    grads = (rng.standard_normal((STEPS, SIZE)).astype(np.float32) * scales).astype(np.float32)
    lines = []
    for name, make in CASES.items():
        p = torch.nn.Parameter(torch.from_numpy(start.copy()))
        opt = make([p])
        lines.append("\t".join([name, "0", "param", hexbits(p)]))
        for s in range(STEPS):
            p.grad = torch.from_numpy(grads[s].copy())
            opt.step()
            lines.append("\t".join([name, str(s + 1), "grad", hexbits(p.grad)]))
            lines.append("\t".join([name, str(s + 1), "param", hexbits(p)]))
            for key, value in opt.state[p].items():
                if key != "step":
                    lines.append("\t".join([name, str(s + 1), key, hexbits(value)]))
    with open(os.path.join(HERE, "pytorch-float32-states.txt"), "w", encoding="utf-8") as out:
        out.write("# Written by make_pytorch_states.py with torch %s and numpy %s.\n"
                  % (torch.__version__, np.__version__))
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

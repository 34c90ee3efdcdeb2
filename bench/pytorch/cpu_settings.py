"""PyTorch's best CPU settings as command-line options, shared by the scripts that train:
--fused-adam (Adam(fused=True), one fused kernel for every parameter) and --flush-denormal
(torch.set_flush_denormal(True): the CPU treats subnormal floats as zero, which keeps Adam's
moments of dead units out of the microcode assists x86 cores take on subnormals; Gatun stores its
optimizer state flushed the same way). torch is imported only where needed, so that paired.py,
which only passes the options on, starts without it."""


def add_options(ap):
    ap.add_argument("--fused-adam", action="store_true",
                    help="Adam(fused=True): one fused kernel for every parameter, PyTorch's fastest Adam")
    ap.add_argument("--flush-denormal", action="store_true",
                    help="torch.set_flush_denormal(True): subnormal floats computed as zero (x86 FTZ/DAZ)")


def apply(a):
    """Sets the process-wide flag; exits when the CPU cannot flush."""
    import torch
    if a.flush_denormal and not torch.set_flush_denormal(True):
        raise SystemExit("--flush-denormal: this CPU does not support flushing denormals")


def adam(params, a, lr=1e-3):
    import torch
    return torch.optim.Adam(params, lr=lr, fused=True if a.fused_adam else None)


def describe(a):
    return (", fused Adam" if a.fused_adam else ", default Adam") + (", denormals flushed" if a.flush_denormal else "")


def as_arguments(a):
    """The options as given, to pass on to another script."""
    return (["--fused-adam"] if a.fused_adam else []) + (["--flush-denormal"] if a.flush_denormal else [])

"""Gatun against PyTorch on a shared machine, in turns: one model's training step, both sides
warm, taking turns of a few seconds while the other side is stopped (SIGSTOP), so each pair of
turns sees the same neighbours. The ratio of each pair is Gatun's speed over PyTorch's in the
same few seconds; their median is the comparison, and their spread says how much the machine
moved meanwhile.

Why: on a shared 2-core VM the neighbours' load changes over tens of seconds. Rounds of JMH
and train_step.py one after the other (each ~20 s) can land one side in a quiet spell and the
other in a loud one, and have given ratios from 0.8 to 1.3 for the same code. Short alternating
turns cancel that out.

Each side prints "<monotonic ns> <samples so far>" after every step (Gatun's
dev.gatun.bench.TrainStepLoop, train_step.py --loop); a turn's rate is the samples between its
first and last step report, over the time between them, after a settling pause.

    python3 bench/pytorch/paired.py --model cnn --turns 20 --seconds 2
    python3 bench/pytorch/paired.py --model lstm --jar bench/target/gatun-benchmarks.jar --java /path/to/java
    python3 bench/pytorch/paired.py --model mlp --fused-adam   # against PyTorch's fastest Adam
    python3 bench/pytorch/paired.py --model mlp --fused-adam --flush-denormal   # PyTorch's best CPU settings
    python3 bench/pytorch/paired.py --model sgemm --size 1024   # SGEMM against torch.mm (MKL), GFLOP/s

Run it with the Python that has torch (it starts train_step.py with the same interpreter).
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import cpu_settings

HERE = os.path.dirname(os.path.abspath(__file__))


class Side:
    """One process that prints step reports, and the reports read so far."""

    def __init__(self, name, cmd):
        self.name = name
        self.reports = []  # (ns, samples)
        self.lock = threading.Lock()
        self.errors = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.errors, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            parts = line.split()
            if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
                with self.lock:
                    self.reports.append((int(parts[0]), int(parts[1])))

    def error_tail(self):
        self.errors.seek(0)
        return "".join(self.errors.readlines()[-10:])

    def steps(self):
        with self.lock:
            return len(self.reports)

    def stop(self):
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def rate(self, t0, t1):
        """Samples per second over the step reports inside [t0, t1] (monotonic ns)."""
        with self.lock:
            inside = [r for r in self.reports if t0 <= r[0] <= t1]
        if len(inside) < 3:
            return None
        (a_ns, a_n), (b_ns, b_n) = inside[0], inside[-1]
        return (b_n - a_n) / ((b_ns - a_ns) / 1e9)

    def close(self):
        self.proc.send_signal(signal.SIGCONT)
        self.proc.kill()
        self.proc.wait()


def warm(side, seconds, min_steps):
    """Runs side alone until it has run for `seconds` and done `min_steps` steps, then stops it."""
    side.resume()
    start = time.monotonic()
    while time.monotonic() - start < seconds or side.steps() < min_steps:
        if side.proc.poll() is not None:
            sys.exit(f"{side.name} exited during warm-up with status {side.proc.returncode}:\n{side.error_tail()}")
        if time.monotonic() - start > 300:
            sys.exit(f"{side.name} did fewer than {min_steps} steps in 300 s")
        time.sleep(0.1)
    side.stop()


def turn(side, settle, seconds):
    side.resume()
    time.sleep(settle)
    t0 = time.monotonic_ns()
    time.sleep(seconds)
    t1 = time.monotonic_ns()
    side.stop()
    return side.rate(t0, t1)


def alternating_turns(first, second, turns, settle, seconds):
    """Yields (k, {name: rate}) for each pair of turns, which side goes first alternating, so that
    neither always follows the other's cache use."""
    for k in range(turns):
        order = [first, second] if k % 2 == 0 else [second, first]
        yield k, {s.name: turn(s, settle, seconds) for s in order}


def scaled_pairs(first, second, turns, settle, seconds, scale, show):
    """Both sides' rates, times scale, for each pair of alternating turns in which both reported
    enough steps; show(k, rate_first, rate_second) prints each pair, the rates None for a pair that
    could not be timed. Exits when no pair could."""
    rates_first, rates_second = [], []
    for k, rates in alternating_turns(first, second, turns, settle, seconds):
        a, b = rates[first.name], rates[second.name]
        if a is None or b is None:
            show(k, None, None)
            continue
        rates_first.append(a * scale)
        rates_second.append(b * scale)
        show(k, a * scale, b * scale)
    if not rates_first:
        sys.exit("no pair could be timed")
    return rates_first, rates_second


def quartiles(v):
    q = statistics.quantiles(v, n=4) if len(v) > 1 else [v[0]] * 3
    return q[0], q[2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="cnn", choices=["mlp", "cnn", "lstm", "sequence", "sgemm"])
    ap.add_argument("--size", type=int, default=1024, help="with --model sgemm: N for N×N times N×N")
    ap.add_argument("--turns", type=int, default=20, help="pairs of turns")
    ap.add_argument("--seconds", type=float, default=2.0, help="timed length of one turn")
    ap.add_argument("--settle", type=float, default=0.3, help="untimed start of each turn (caches, wake-up)")
    ap.add_argument("--threads", type=int, default=2, help="PyTorch's threads (Gatun uses every core)")
    cpu_settings.add_options(ap)  # passed on to PyTorch's side
    ap.add_argument("--warm-gatun", type=float, default=20.0, help="seconds of JIT warm-up before the turns")
    ap.add_argument("--warm-torch", type=float, default=5.0)
    ap.add_argument("--jar", default=os.path.join(HERE, "..", "target", "gatun-benchmarks.jar"))
    ap.add_argument("--java", help="java to run Gatun with (default: the JDK scripts/find-jdk picks, as make does)")
    a = ap.parse_args()
    if a.java is None:
        found = subprocess.run([os.path.join(HERE, "..", "..", "scripts", "find-jdk")], capture_output=True, text=True)
        if found.returncode != 0:
            sys.exit(found.stderr.strip() or "scripts/find-jdk found no JDK: pass --java")
        a.java = os.path.join(found.stdout.strip(), "bin", "java")
    if not os.path.isfile(a.jar):
        sys.exit(f"no benchmarks jar at {a.jar}: build it with make build (or pass --jar)")

    # The collector bin/gatun and make run use (see the Makefile's GC_FLAGS).
    java = [a.java, "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
            "-XX:+UseSerialGC", "-Xmn32m", "-cp", a.jar]
    if a.model == "sgemm":
        gatun = Side("gatun", java + ["dev.gatun.bench.SgemmLoop", str(a.size)])
        torch_cmd = [sys.executable, os.path.join(HERE, "sgemm.py"), "--threads", str(a.threads), "--loop", str(a.size)]
        # A turn's rate is products a second; this turns it into GFLOP/s.
        unit, scale = "GFLOP/s", 2 * a.size ** 3 / 1e9
    else:
        gatun = Side("gatun", java + ["dev.gatun.bench.TrainStepLoop", a.model, "cpu"])
        torch_cmd = [sys.executable, os.path.join(HERE, "train_step.py"), "--device", "cpu", "--threads",
                     str(a.threads), "--loop", a.model] + cpu_settings.as_arguments(a)
        unit, scale = "samples/s", 1
    gatun.stop()
    torch_side = Side("pytorch", torch_cmd)
    torch_side.stop()
    try:
        warm(gatun, a.warm_gatun, 20)
        warm(torch_side, a.warm_torch, 20)
        what = (f"{a.size}x{a.size}x{a.size}, torch.mm with {a.threads} threads" if a.model == "sgemm"
                else "PyTorch with" + cpu_settings.describe(a).replace(",", "", 1))
        print(f"{a.model}: {a.turns} pairs of {a.seconds:g} s turns (after {a.settle:g} s to settle), {unit}, {what}")

        def show(k, g, t):
            if g is None:
                print(f"  pair {k + 1:2d}: too few steps in a turn (lengthen --seconds)")
            else:
                print(f"  pair {k + 1:2d}: gatun {g:8.1f}  pytorch {t:8.1f}  ratio {g / t:5.2f}", flush=True)

        g_rates, t_rates = scaled_pairs(gatun, torch_side, a.turns, a.settle, a.seconds, scale, show)
        ratios = [g / t for g, t in zip(g_rates, t_rates)]
        lo, hi = quartiles(ratios)
        print(f"gatun   median {statistics.median(g_rates):8.1f}, best {max(g_rates):8.1f} {unit}")
        print(f"pytorch median {statistics.median(t_rates):8.1f}, best {max(t_rates):8.1f} {unit}")
        print(f"gatun / pytorch: median {statistics.median(ratios):.2f} (quartiles {lo:.2f}-{hi:.2f}, "
              f"min {min(ratios):.2f}, max {max(ratios):.2f}) over {len(ratios)} pairs")
    finally:
        gatun.close()
        torch_side.close()


if __name__ == "__main__":
    main()

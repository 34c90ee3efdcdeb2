"""Two builds of Gatun's training step against each other, in turns: the TrainStepLoop of a
BEFORE jar and of an AFTER jar run side by side, both warm, and take turns of a few seconds
while the other is stopped (SIGSTOP), the way bench/pytorch/paired.py sets Gatun against
PyTorch. Each pair of turns sees the same neighbours, so AFTER/BEFORE of a pair is the change's
effect in the same few seconds; the median over pairs is the verdict and the quartiles say how
much the machine moved. Pairs alternate which build goes first (ABBA).

    python3 bench/tools/before_after_turns.py --before OLD.jar --after NEW.jar --models mlp,cnn,lstm,sequence \\
        --pairs 16 --seconds 2 --csv turns.csv
    python3 bench/tools/before_after_turns.py --before OLD.jar --after NEW.jar --jvm-arg=-Dgatun.simd.bits=256

Both jars must hold dev.gatun.bench.TrainStepLoop. Rows are appended to --csv
(model, flags, pair, first, then before, after and their ratio per wall second and per CPU
second of the process), so several runs can share one file.
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pytorch"))
from paired import Side, quartiles, turn, warm  # noqa: E402  (the turn mechanics, shared)

TICK = os.sysconf("SC_CLK_TCK")
CPU_READ_GAP_NS = 50_000_000

JVM_FLAGS = ["--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"]


class CpuTimedSide(Side):
    """A Side that also reads the process's CPU time (all threads, /proc/PID/stat) at step reports,
    at most every 50 ms, so a turn gives samples per CPU second as well as per wall second. On a
    crowded machine the wall rate mostly says how much of the cores the neighbours left; the CPU
    rate says how much work a sample costs, which is what a code change moves."""

    def __init__(self, name, cmd):
        self.cpu_reports = []  # (ns, samples, cpu seconds)
        super().__init__(name, cmd)

    def _cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime

    def _read(self):
        for line in self.proc.stdout:
            parts = line.split()
            if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
                report = (int(parts[0]), int(parts[1]))
                with self.lock:
                    self.reports.append(report)
                    if not self.cpu_reports or report[0] - self.cpu_reports[-1][0] >= CPU_READ_GAP_NS:
                        try:
                            self.cpu_reports.append((*report, self._cpu_seconds()))
                        except OSError:
                            pass  # the process just exited

    def cpu_rate(self, t0, t1):
        """Samples per CPU second over the CPU readings inside [t0, t1] (monotonic ns)."""
        with self.lock:
            inside = [r for r in self.cpu_reports if t0 <= r[0] <= t1]
        if len(inside) < 2 or inside[-1][2] <= inside[0][2]:
            return None
        return (inside[-1][1] - inside[0][1]) / (inside[-1][2] - inside[0][2])


def timed_turn(side, settle, seconds):
    """One turn: (samples per wall second, samples per CPU second)."""
    t0 = time.monotonic_ns() + int(settle * 1e9)
    wall = turn(side, settle, seconds)
    return wall, side.cpu_rate(t0, time.monotonic_ns())


def default_java():
    """The java of the JDK scripts/find-jdk picks, as make does."""
    found = subprocess.run([os.path.join(HERE, "..", "..", "scripts", "find-jdk")], capture_output=True, text=True)
    if found.returncode != 0:
        sys.exit(found.stderr.strip() or "scripts/find-jdk found no JDK: pass --java")
    return os.path.join(found.stdout.strip(), "bin", "java")


def loop_command(java, jar, extra, model):
    return [java, *JVM_FLAGS, *extra, "-cp", jar, "dev.gatun.bench.TrainStepLoop", model, "cpu"]


def summary(label, b_rates, a_rates):
    ratios = [n / b for b, n in zip(b_rates, a_rates)]
    lo, hi = quartiles(ratios)
    print(f"  {label}: before median {statistics.median(b_rates):8.0f}   after median {statistics.median(a_rates):8.0f}   "
          f"after/before median {statistics.median(ratios):.3f} (quartiles {lo:.3f}-{hi:.3f}, "
          f"min {min(ratios):.3f}, max {max(ratios):.3f}) over {len(ratios)} pairs", flush=True)


def compare(a, model, writer):
    before = CpuTimedSide("before", loop_command(a.java, a.before, a.jvm_arg, model))
    before.stop()
    after = CpuTimedSide("after", loop_command(a.java, a.after, a.jvm_arg, model))
    after.stop()
    flags = " ".join(a.jvm_arg) or "default"
    try:
        warm(before, a.warm, 20)
        warm(after, a.warm, 20)
        wall, cpu = ([], []), ([], [])  # (before rates, after rates)
        print(f"{model} ({flags}): {a.pairs} pairs of {a.seconds:g} s turns, samples per wall / CPU second", flush=True)
        for k in range(a.pairs):
            order = [before, after] if k % 2 == 0 else [after, before]
            rates = {s.name: timed_turn(s, a.settle, a.seconds) for s in order}
            (b, b_cpu), (n, n_cpu) = rates["before"], rates["after"]
            if None in (b, n, b_cpu, n_cpu):
                print(f"  pair {k + 1:2d}: too few steps in a turn (lengthen --seconds)")
                continue
            for got, pair in ((wall, (b, n)), (cpu, (b_cpu, n_cpu))):
                got[0].append(pair[0])
                got[1].append(pair[1])
            writer.writerow([model, flags, k + 1, order[0].name, f"{b:.1f}", f"{n:.1f}", f"{n / b:.4f}",
                             f"{b_cpu:.1f}", f"{n_cpu:.1f}", f"{n_cpu / b_cpu:.4f}"])
            print(f"  pair {k + 1:2d}: wall before {b:8.0f} after {n:8.0f} ratio {n / b:5.3f}   "
                  f"CPU before {b_cpu:8.0f} after {n_cpu:8.0f} ratio {n_cpu / b_cpu:5.3f}", flush=True)
        if not wall[0]:
            sys.exit(f"{model}: no pair could be timed")
        summary("per wall second", *wall)
        summary("per CPU second ", *cpu)
    finally:
        before.close()
        after.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", required=True, help="benchmarks jar of the old build")
    ap.add_argument("--after", required=True, help="benchmarks jar of the new build")
    ap.add_argument("--models", default="mlp,cnn,lstm,sequence")
    ap.add_argument("--pairs", type=int, default=16, help="pairs of turns per model")
    ap.add_argument("--seconds", type=float, default=2.0, help="timed length of one turn")
    ap.add_argument("--settle", type=float, default=0.3, help="untimed start of each turn")
    ap.add_argument("--warm", type=float, default=20.0, help="seconds of JIT warm-up per build before the turns")
    ap.add_argument("--jvm-arg", action="append", default=[], help="extra JVM option for both builds (repeatable)")
    ap.add_argument("--csv", help="append one row per pair to this file")
    ap.add_argument("--java", help="java to run both with (default: the JDK scripts/find-jdk picks)")
    a = ap.parse_args()
    a.java = a.java or default_java()
    for jar in (a.before, a.after):
        if not os.path.isfile(jar):
            sys.exit(f"no benchmarks jar at {jar}")
    out = open(a.csv, "a", newline="") if a.csv else open(os.devnull, "w")
    with out:
        writer = csv.writer(out)
        if a.csv and out.tell() == 0:
            writer.writerow(["model", "flags", "pair", "first", "before", "after", "ratio", "before_cpu", "after_cpu",
                             "ratio_cpu"])
        for model in a.models.split(","):
            compare(a, model, writer)
            out.flush()


if __name__ == "__main__":
    main()

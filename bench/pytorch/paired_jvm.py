"""Two Gatun step loops against each other in alternating turns, as paired.py sets Gatun against
PyTorch: two builds (two jars), or one build under two JVM options (-Dgatun.threads=1 against 2,
-Dgatun.simd.bits=256 against the CPU's width). Both sides stay warm, each turn runs one side
while the other is stopped, and the median of the pairs' ratios b/a is the comparison.

    python3 bench/pytorch/paired_jvm.py --b-opt=-Dgatun.threads=1 TrainStepLoop cnn cpu
    python3 bench/pytorch/paired_jvm.py --b-opt=-Dgatun.simd.bits=256 --scale 2.147483648 SgemmLoop 1024
    python3 bench/pytorch/paired_jvm.py --jar-a old.jar --jar-b new.jar TrainStepLoop lstm cpu

MAIN is a class of dev.gatun.bench that prints "<monotonic ns> <count>" lines (TrainStepLoop,
SgemmLoop); --scale turns counts a second into the unit wanted (2·N³/1e9 for SgemmLoop N: GFLOP/s).
"""
import argparse
import os
import statistics
import subprocess
import sys

from paired import HERE, Side, quartiles, scaled_pairs, warm


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("main", help="class in dev.gatun.bench, e.g. TrainStepLoop or SgemmLoop")
    ap.add_argument("args", nargs="*", help="its arguments")
    default_jar = os.path.join(HERE, "..", "target", "gatun-benchmarks.jar")
    ap.add_argument("--jar-a", default=default_jar)
    ap.add_argument("--jar-b", default=default_jar)
    ap.add_argument("--a-opt", action="append", default=[], help="a JVM option of side a (repeatable)")
    ap.add_argument("--b-opt", action="append", default=[], help="a JVM option of side b (repeatable)")
    ap.add_argument("--turns", type=int, default=12, help="pairs of turns")
    ap.add_argument("--seconds", type=float, default=2.0, help="timed length of one turn")
    ap.add_argument("--settle", type=float, default=0.3, help="untimed start of each turn")
    ap.add_argument("--warm", type=float, default=15.0, help="seconds of JIT warm-up of each side before the turns")
    ap.add_argument("--scale", type=float, default=1.0, help="factor from counts a second to the unit printed")
    a = ap.parse_args()
    found = subprocess.run([os.path.join(HERE, "..", "..", "scripts", "find-jdk")], capture_output=True, text=True)
    if found.returncode != 0:
        sys.exit(found.stderr.strip() or "scripts/find-jdk found no JDK")
    for jar in (a.jar_a, a.jar_b):
        if not os.path.isfile(jar):
            sys.exit(f"no benchmarks jar at {jar}: build it with make build")
    java = [os.path.join(found.stdout.strip(), "bin", "java"), "--add-modules=jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmn32m"]
    main_class = a.main if "." in a.main else "dev.gatun.bench." + a.main
    side_a = Side("a", java + a.a_opt + ["-cp", a.jar_a, main_class] + a.args)
    side_a.stop()
    side_b = Side("b", java + a.b_opt + ["-cp", a.jar_b, main_class] + a.args)
    side_b.stop()
    try:
        warm(side_a, a.warm, 20)
        warm(side_b, a.warm, 20)
        print(f"{main_class} {' '.join(a.args)}: a = {a.jar_a} {' '.join(a.a_opt)}, b = {a.jar_b} {' '.join(a.b_opt)};"
              f" {a.turns} pairs of {a.seconds:g} s turns")

        def show(k, ra, rb):
            if ra is None:
                print(f"  pair {k + 1:2d}: too few reports in a turn (lengthen --seconds)")
            else:
                print(f"  pair {k + 1:2d}: a {ra:9.1f}  b {rb:9.1f}  b/a {rb / ra:.3f}", flush=True)

        rates_a, rates_b = scaled_pairs(side_a, side_b, a.turns, a.settle, a.seconds, a.scale, show)
        ratios = [rb / ra for ra, rb in zip(rates_a, rates_b)]
        lo, hi = quartiles(ratios)
        print(f"a median {statistics.median(rates_a):.1f}, b median {statistics.median(rates_b):.1f};"
              f" b/a median {statistics.median(ratios):.3f} (quartiles {lo:.3f}-{hi:.3f}) over {len(ratios)} pairs")
    finally:
        side_a.close()
        side_b.close()


if __name__ == "__main__":
    main()

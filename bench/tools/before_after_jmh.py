"""Two builds of Gatun's JMH benchmarks against each other, in alternating turns: for each round
and each benchmark, one short JMH run of the BEFORE jar and one of the AFTER jar, back to back,
the order swapped every round (ABBA), so each pair sees nearly the same neighbours. AFTER/BEFORE
of a pair is the change's effect; the median over rounds is the verdict, min and max its spread.

    python3 bench/tools/before_after_jmh.py --before OLD.jar --after NEW.jar --out DIR \\
        --benchmarks mlp,cnn,lstm,sequence --rounds 6
    python3 bench/tools/before_after_jmh.py ... --jvm-arg=-Dgatun.simd.bits=256 --jmh='-wi 3 -i 3'

Benchmarks are methods of TrainStepBenchmark unless --class names another. Every JMH run's
JSON lands in DIR (round<r>-<benchmark>-<build>.json), each pair's scores in DIR/jmh-pairs.csv
(appended), and a summary is printed.
"""
import argparse
import csv
import json
import os
import shlex
import statistics
import subprocess
import sys

from before_after_turns import JVM_FLAGS, default_java


def run_jmh(a, jar, benchmark, json_path):
    """One JMH run of one benchmark; returns (score, error) in the benchmark's unit."""
    cmd = [a.java, "-jar", jar, f"{a.bench_class}.{benchmark}$", "-f", "1", *shlex.split(a.jmh),
           "-jvmArgsAppend", " ".join(JVM_FLAGS + a.jvm_arg), "-rf", "json", "-rff", json_path]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0 or not os.path.isfile(json_path):
        sys.exit(f"JMH failed ({' '.join(cmd)}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    with open(json_path) as f:
        results = json.load(f)
    if len(results) != 1:
        sys.exit(f"{json_path}: expected one result, got {len(results)} (does -p narrow the params?)")
    metric = results[0]["primaryMetric"]
    return float(metric["score"]), float(metric["scoreError"])  # the error is "NaN" for one iteration


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", required=True, help="benchmarks jar of the old build")
    ap.add_argument("--after", required=True, help="benchmarks jar of the new build")
    ap.add_argument("--out", required=True, help="folder for the JSON files and jmh-pairs.csv")
    ap.add_argument("--benchmarks", default="mlp,cnn,lstm,sequence")
    ap.add_argument("--class", dest="bench_class", default="TrainStepBenchmark")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--jmh", default="-p backend=cpu -wi 5 -w 1s -i 4 -r 2s",
                    help="JMH options of every run (besides -f 1 and the output)")
    ap.add_argument("--jvm-arg", action="append", default=[], help="extra JVM option for both builds (repeatable)")
    ap.add_argument("--java", help="java to run both with (default: the JDK scripts/find-jdk picks)")
    a = ap.parse_args()
    a.java = a.java or default_java()
    jars = {"before": a.before, "after": a.after}
    for jar in jars.values():
        if not os.path.isfile(jar):
            sys.exit(f"no benchmarks jar at {jar}")
    os.makedirs(a.out, exist_ok=True)
    flags = " ".join(a.jvm_arg) or "default"
    pairs_path = os.path.join(a.out, "jmh-pairs.csv")
    fresh = not os.path.isfile(pairs_path)
    scores = {}  # benchmark -> list of (before, after)
    with open(pairs_path, "a", newline="") as out:
        writer = csv.writer(out)
        if fresh:
            writer.writerow(["benchmark", "flags", "round", "first", "before", "before_error", "after",
                             "after_error", "ratio"])
        for r in range(1, a.rounds + 1):
            order = ["before", "after"] if r % 2 == 1 else ["after", "before"]
            for benchmark in a.benchmarks.split(","):
                got = {}
                for build in order:
                    tag = "" if not a.jvm_arg else "-" + "".join(c for c in flags if c.isalnum())
                    path = os.path.join(a.out, f"round{r}-{benchmark}-{build}{tag}.json")
                    got[build] = run_jmh(a, jars[build], benchmark, path)
                (b, be), (n, ne) = got["before"], got["after"]
                scores.setdefault(benchmark, []).append((b, n))
                writer.writerow([benchmark, flags, r, order[0], f"{b:.1f}", f"{be:.1f}", f"{n:.1f}", f"{ne:.1f}",
                                 f"{n / b:.4f}"])
                out.flush()
                print(f"round {r} {benchmark:9s} before {b:8.0f} ± {be:6.0f}  after {n:8.0f} ± {ne:6.0f}  "
                      f"after/before {n / b:5.3f}", flush=True)
    print(f"summary ({flags}): median of the rounds, samples/s")
    for benchmark, pairs in scores.items():
        ratios = [n / b for b, n in pairs]
        print(f"  {benchmark:9s} before {statistics.median(b for b, _ in pairs):8.0f}  "
              f"after {statistics.median(n for _, n in pairs):8.0f}  after/before {statistics.median(ratios):.3f} "
              f"(min {min(ratios):.3f}, max {max(ratios):.3f}, {len(ratios)} rounds)")


if __name__ == "__main__":
    main()

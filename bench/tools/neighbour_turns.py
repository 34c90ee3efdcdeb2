"""What a small neighbour costs a training loop: runs one endless step loop (Gatun's TrainStepLoop
or PyTorch's train_step.py --loop), and in alternating order per turn times 3 s with
busy_neighbour.py running beside it (BUSY s busy, IDLE s asleep, over and over) and 3 s without.
Prints each turn's rates and the median ratio with/without. A browser showing the training wakes
like such a neighbour: a few percent of a core in short bursts.

    python3 bench/tools/neighbour_turns.py gatun mlp 0.0005 0.0495 16
    python3 bench/tools/neighbour_turns.py torch mlp 0.0005 0.0495 16
    CP_PREFIX=/tmp/other-classes python3 bench/tools/neighbour_turns.py gatun mlp ...   # a variant's classes first

The JDK comes from scripts/find-jdk; the jar is bench/target/gatun-benchmarks.jar (make build).
"""
import os
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def loop_command(who, model):
    if who == "torch":
        return [sys.executable, os.path.join(ROOT, "bench/pytorch/train_step.py"), "--loop", model, "--fused-adam",
                "--threads", "2"]
    java = subprocess.check_output([os.path.join(ROOT, "scripts/find-jdk")], text=True).strip() + "/bin/java"
    jar = os.path.join(ROOT, "bench/target/gatun-benchmarks.jar")
    prefix = os.environ.get("CP_PREFIX")
    return [java, "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
            "-Xmn32m", "-cp", (prefix + ":" if prefix else "") + jar, "dev.gatun.bench.TrainStepLoop", model]


def main():
    if len(sys.argv) < 5:
        sys.exit("usage: neighbour_turns.py gatun|torch MODEL BUSY_S IDLE_S [TURNS]")
    who, model, busy, idle = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    turns = int(sys.argv[5]) if len(sys.argv) > 5 else 16
    loop = subprocess.Popen(loop_command(who, model), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            bufsize=1)
    last = [0, 0]

    def read():
        for line in loop.stdout:
            fields = line.split()
            if len(fields) == 2:
                last[0], last[1] = int(fields[0]), int(fields[1])

    threading.Thread(target=read, daemon=True).start()
    try:
        time.sleep(15)  # JIT warm-up
        ratios = []
        for t in range(turns):
            rates = {}
            for mode in (("off", "on") if t % 2 == 0 else ("on", "off")):
                neighbour = None
                if mode == "on":
                    neighbour = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench/tools/busy_neighbour.py"),
                                                  busy, idle])
                time.sleep(0.3)
                start = tuple(last)
                time.sleep(3)
                end = tuple(last)
                if neighbour:
                    neighbour.kill()
                    neighbour.wait()
                rates[mode] = (end[1] - start[1]) / ((end[0] - start[0]) / 1e9)
            ratios.append(rates["on"] / rates["off"])
            print(f"turn {t + 1}: without {rates['off']:.0f} with {rates['on']:.0f} samples/s, ratio {ratios[-1]:.3f}",
                  flush=True)
        print(f"{who} {model}, neighbour {busy} s busy / {idle} s idle: median ratio {statistics.median(ratios):.3f}, "
              f"slower with it in {sum(r < 1 for r in ratios)}/{len(ratios)} turns")
    finally:
        loop.kill()


if __name__ == "__main__":
    main()

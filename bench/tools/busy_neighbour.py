"""A synthetic neighbour for robustness runs: busy for BUSY seconds, idle for IDLE, over and
over (default 3 ms on, 6 ms off: about a third of one core, in bursts), for SECONDS or until
killed. Run it beside a benchmark to see how much a share of one core taken away costs:

    python3 bench/tools/busy_neighbour.py & java -jar bench/target/gatun-benchmarks.jar TrainStepBenchmark.cnn ...; kill %1
"""
import sys
import time

busy = float(sys.argv[1]) if len(sys.argv) > 1 else 0.003
idle = float(sys.argv[2]) if len(sys.argv) > 2 else 0.006
end = time.time() + float(sys.argv[3]) if len(sys.argv) > 3 else float("inf")
while time.time() < end:
    start = time.perf_counter()
    while time.perf_counter() - start < busy:
        pass
    time.sleep(idle)

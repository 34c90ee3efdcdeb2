"""The Markdown table of one run of scripts/gpu-bench-resnet: Gatun's TrainStepBenchmark.resnet18 /
resnet50 (JMH JSON files, steps/s times the batch) beside PyTorch's bench/pytorch/resnet.py (its
JSON), samples/s per model and precision, with the ratios the issue sets goals for.

    python3 bench/pytorch/resnet_report.py --gatun g1.json g2.json --torch torch.json \\
        --logs g1.txt g2.txt torch.txt --device "NVIDIA H100" --commit abc1234 --date 2026-12-06 > results.md
"""
import argparse
import json
import os

# (Gatun's precision, its cudaGraphs, PyTorch's mode): the rows, in order.
ROWS = [
    ("fp32", False, "fp32", "fp32"),
    ("tf32", False, "tf32", "tf32"),
    ("bf16", False, "bf16", "bf16 (PyTorch: autocast, AMP)"),
    ("bf16", True, "compile-bf16", "bf16 + CUDA graphs (PyTorch: torch.compile reduce-overhead)"),
]
MODELS = [("resnet18", "ResNet-18, 3x32x32"), ("resnet50", "ResNet-50, 3x224x224")]


def gatun_results(files):
    """{(model, precision, graphs): (samples/s, error, batch, backend)} from JMH JSON files."""
    out = {}
    for f in files:
        if not os.path.exists(f):
            continue
        with open(f) as fh:
            text = fh.read().strip()
        for r in json.loads(text) if text else []:
            model = r["benchmark"].rsplit(".", 1)[1]
            p = r["params"]
            batch = int(p["batch"])
            m = r["primaryMetric"]
            error = m.get("scoreError")
            error = error * batch if isinstance(error, (int, float)) and error == error else None
            out[(model, p["precision"], p["cudaGraphs"] == "true")] = (m["score"] * batch, error, batch,
                                                                       p["backend"])
    return out


def torch_results(path):
    """{(model, mode): result} from resnet.py's JSON."""
    if not path or not os.path.exists(path):
        return {}
    with open(path) as fh:
        return {(r["model"], r["mode"]): r for r in json.load(fh)}


def graph_notes(paths):
    """The lines of the console logs that say what became of CUDA graphs (captured, or why not), once each."""
    notes = []
    for path in paths:
        if not os.path.exists(path):
            continue
        with open(path, errors="replace") as fh:
            for line in fh:
                line = line.strip()
                if line.startswith(("#", "Benchmark", "TrainStepBenchmark")):
                    continue  # JMH's own lines, which name the cudaGraphs parameter
                if ("cuda graphs" in line.lower() or "cudagraph" in line.lower()) and line not in notes:
                    notes.append(line)
    return notes


def fmt(x):
    return "–" if x is None else f"{x:,.0f}" if x >= 100 else f"{x:,.2f}"


def table(gatun, torch, device, commit, date, notes):
    lines = [f"# ResNet training steps: Gatun and PyTorch on one machine", "",
             f"- **Device:** {device}", f"- **Commit:** `{commit}`", f"- **Date:** {date}"]
    any_torch = next(iter(torch.values()), None)
    if any_torch:
        lines.append(f"- **PyTorch:** {any_torch['torch']} ({any_torch['device']})")
    lines += ["",
              "One training step (forward, cross-entropy, backward, SGD with momentum) on a fixed random batch,",
              "the loss read back every step; samples/s (Gatun: JMH's mean ± its 99.9% error; PyTorch: the",
              "median of its windows). Models: `configs/cifar10-resnet18.yaml` and `configs/imagenet-resnet50.yaml`,",
              "PyTorch's twins in `bench/pytorch/resnet.py`.", "",
              "| model | batch | precision | Gatun samples/s | PyTorch samples/s | Gatun / PyTorch |",
              "|---|---:|---|---:|---:|---:|"]
    for model, title in MODELS:
        for precision, graphs, mode, label in ROWS:
            g = gatun.get((model, precision, graphs))
            t = torch.get((model, mode))
            if g is None and t is None:
                continue
            batch = g[2] if g else t["batch"]
            gs = None if g is None else g[0]
            ts = None if t is None else t["samples_per_s"]
            gcell = "not run" if g is None else fmt(gs) + ("" if g[1] is None else f" ± {fmt(g[1])}")
            tcell = "not run" if t is None else fmt(ts)
            ratio = f"{gs / ts:.2f}×" if gs and ts else "–"
            lines.append(f"| {title} | {batch} | {label} | {gcell} | {tcell} | {ratio} |")
    lines += ["", "Goals of issue 20 read from this table:"]
    g = gatun.get(("resnet50", "bf16", False))
    t = torch.get(("resnet50", "bf16"))
    goal = f"{g[0] / t['samples_per_s']:.2f}×" if g and t else "not measured"
    lines.append(f"- bf16 ResNet at 224², Gatun / PyTorch AMP: {goal} (goal: at least 0.95×).")
    if notes:
        lines += ["", "What the logs say about CUDA graphs (a graphs row that fell back ran eagerly):", ""]
        lines += [f"- `{n}`" for n in notes]
    backends = sorted({v[3] for v in gatun.values()})
    if backends and backends != ["cuda"]:
        lines += ["", f"Gatun ran on backend {', '.join(backends)}, not a GPU: a shape check, not a speed."]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gatun", nargs="*", default=[], help="JMH JSON files of TrainStepBenchmark.resnet*")
    ap.add_argument("--torch", help="bench/pytorch/resnet.py's --json file")
    ap.add_argument("--logs", nargs="*", default=[], help="console logs to quote on CUDA graphs (JMH's, PyTorch's)")
    ap.add_argument("--device", default="unknown")
    ap.add_argument("--commit", default="unknown")
    ap.add_argument("--date", default="unknown")
    a = ap.parse_args()
    print(table(gatun_results(a.gatun), torch_results(a.torch), a.device, a.commit, a.date,
                graph_notes(a.logs)), end="")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Issue 5's side-by-side: Deepen (Model.Fit), a raw TorchSharp loop and PyTorch time the same training steps (seed CNN,
# MNIST-size CNN, MLP) in alternating rounds on one machine, then the medians over rounds, the ratios and the achieved
# GFLOP/s next to the fp32/bf16 matmul ceilings are printed. Fashion-MNIST (60k/10k, 2 epochs) runs once per side at
# the end when data/fashion-mnist exists (FASHION=0 skips it).
# Usage: benchmarks/run-performance.sh   (ROUNDS=3 STEPS=10 WARMUP=3 by default; needs apt's python3-torch)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-3}"; STEPS="${STEPS:-10}"; WARMUP="${WARMUP:-3}"
dotnet build "$ROOT/benchmarks/Deepen.Benchmarks" -c Release -v q -nologo >/dev/null
BENCH="dotnet $ROOT/benchmarks/Deepen.Benchmarks/bin/Release/net10.0/Deepen.Benchmarks.dll"
RESULTS="$(mktemp)"
for round in $(seq "$ROUNDS"); do
  echo "round $round/$ROUNDS (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  $BENCH compare all --rounds 1 --warmup "$WARMUP" --steps "$STEPS" | grep median_ms | tee -a "$RESULTS"
  /usr/bin/python3 "$ROOT/benchmarks/pytorch/train_step.py" --threads 2 --steps "$STEPS" --warmup "$WARMUP" | grep median_ms | tee -a "$RESULTS"
done
$BENCH ceiling | tee -a "$RESULTS"
if [[ "${FASHION:-1}" != 0 && -d "$ROOT/data/fashion-mnist" ]]; then
  $BENCH fashion "$ROOT/data/fashion-mnist" | tee -a "$RESULTS"
  /usr/bin/python3 "$ROOT/benchmarks/pytorch/fashion_mnist.py" --data "$ROOT/data/fashion-mnist" | tee -a "$RESULTS"
  /usr/bin/python3 "$ROOT/benchmarks/pytorch/fashion_mnist.py" --data "$ROOT/data/fashion-mnist" --channels-last | tee -a "$RESULTS"
fi
/usr/bin/python3 - "$RESULTS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
# Training FLOPs per step (forward ≈ 1/3 of forward + backward): see benchmarks/README.md for the derivation.
gflop = {"seed": 45.3, "mnist": 2.02, "mlp": 0.18}
ceil = {r["dtype"]: r["gflops"] for r in rows if r.get("workload") == "matmul"}
steps = {}
for r in rows:
    if "median_ms" in r:
        steps.setdefault((r["workload"], r["framework"], r["layout"]), []).append(r["median_ms"])
print(f"\nmatmul ceilings: fp32 {ceil.get('Float32')} GFLOP/s, bf16 {ceil.get('BFloat16')} GFLOP/s")
print(f"{'workload':8} {'framework':15} {'layout':15} {'median ms':>10} {'GFLOP/s':>8}  (medians of {len(next(iter(steps.values())))} rounds)")
for w in gflop:
    best = {}
    for (wl, fw, lay), ms in sorted(steps.items()):
        if wl != w: continue
        m = statistics.median(ms)
        print(f"{w:8} {fw:15} {lay:15} {m:10.1f} {gflop[w] / m * 1000:8.1f}")
        if not lay.endswith("_acc"): best[fw] = min(best.get(fw, 1e18), m)
    d = best.get("deepen"); p = best.get("pytorch"); t = best.get("torchsharp-raw")
    if d and p: print(f"{w:8} PyTorch best / Deepen = {p / d:.2f}x faster")
    if d and t: print(f"{w:8} Deepen / raw TorchSharp best = {d / t:.3f} (overhead {100 * (d / t - 1):+.1f}%)")
for r in rows:
    if r.get("workload") == "fashion_mnist":
        print(f"fashion_mnist {r['framework']:8} {r.get('layout', r.get('policy', '')):15} test accuracy {r['test_accuracy']:.4f}  train {r['train_seconds']} s")
PY
rm -f "$RESULTS"

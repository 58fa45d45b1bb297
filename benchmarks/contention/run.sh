#!/usr/bin/env bash
# benchmarks/contention: the demo's training on a quiet machine and beside BUSY processes that each keep one core
# busy (`yes > /dev/null`), for Deepen (in-memory tensors vs the image pipeline) and PyTorch (in-memory tensors vs
# DataLoader(num_workers=2)), and the whole `deepen demo` command. Configurations alternate within each round, so the
# machine's other load hits all of them alike; medians over ROUNDS rounds are printed at the end, with each side's
# slowdown (busy / quiet) and the pipeline's slowdown over the in-memory one (issue 17's target: at most 1.25).
# Usage: benchmarks/contention/run.sh [DIR]   (default /tmp/deepen-contention; the demo's data is written there once)
#        ROUNDS (default 3), EPOCHS measured per run after one warm-up (default 2), BUSY (default 2),
#        DEMO=0 skips the whole-command timing, TORCH=0 skips PyTorch (needs python3-torch, python3-torchvision).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-/tmp/deepen-contention}"
ROUNDS="${ROUNDS:-3}"; EPOCHS="${EPOCHS:-2}"; BUSY="${BUSY:-2}"
dotnet build "$ROOT/benchmarks/contention" -c Release -v q -nologo >/dev/null
dotnet build "$ROOT/src/Deepen.Cli" -c Release -v q -nologo >/dev/null
DEEPEN=(dotnet "$ROOT/src/Deepen.Cli/bin/Release/net10.0/Deepen.Cli.dll")
BENCH=(dotnet "$ROOT/benchmarks/contention/bin/Release/net10.0/ContentionBench.dll")
if [[ ! -d "$DIR/data/train" ]]; then "${DEEPEN[@]}" demo --out "$DIR" --epochs 1 --quiet >/dev/null; fi
RESULTS="$(mktemp)"
busy_pids=()
start_busy() { for _ in $(seq "$1"); do yes > /dev/null & busy_pids+=($!); done; }
stop_busy() { for p in "${busy_pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait "${busy_pids[@]}" 2>/dev/null || true; busy_pids=(); }
trap stop_busy EXIT
for round in $(seq "$ROUNDS"); do
  for load in 0 "$BUSY"; do
    echo "round $round/$ROUNDS, $load busy process(es) (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
    start_busy "$load"
    for mode in memory pipeline; do
      "${BENCH[@]}" --data "$DIR/data/train" --mode "$mode" --epochs "$EPOCHS" | sed "s/^RESULT deepen $mode/RESULT $load deepen-$mode/" | tee -a "$RESULTS" | grep -v RESULT
    done
    if [[ "${TORCH:-1}" != 0 ]]; then
      for mode in memory loader; do
        /usr/bin/python3 "$ROOT/benchmarks/contention/pytorch_bench.py" --data "$DIR/data/train" --mode "$mode" --epochs "$EPOCHS" \
          | sed "s/^RESULT pytorch $mode/RESULT $load pytorch-$mode/" | tee -a "$RESULTS" | grep -v RESULT
      done
    fi
    if [[ "${DEMO:-1}" != 0 ]]; then
      t0=$(date +%s.%N)
      "${DEEPEN[@]}" demo --out "$DIR/demo-run" --quiet > "$DIR/demo.log" 2>&1
      t1=$(date +%s.%N)
      s=$(echo "$t1 - $t0" | bc)
      echo "deepen demo (whole command, 12 epochs + report): $s s — $(grep 'Test accuracy' "$DIR/demo.log")"
      echo "RESULT $load deepen-demo $s" >> "$RESULTS"
    fi
    stop_busy
  done
done
/usr/bin/python3 - "$RESULTS" "$BUSY" <<'PY'
import statistics, sys
busy = sys.argv[2]
r = {}
for line in open(sys.argv[1]):
    if line.startswith("RESULT "):
        _, load, name, value = line.split()
        r.setdefault((load, name), []).append(float(value))
med = {k: statistics.median(v) for k, v in r.items()}
print(f"\nmedians ({len(r.get(('0', 'deepen-memory'), []))} rounds); ms/step (seconds for the whole demo)")
print(f"{'':18} {'quiet':>9} {busy + ' busy':>9} {'slowdown':>9}   runs quiet / busy")
slow = {}
for name in ("deepen-memory", "deepen-pipeline", "pytorch-memory", "pytorch-loader", "deepen-demo"):
    q, b = med.get(("0", name)), med.get((busy, name))
    if q is None or b is None: continue
    slow[name] = b / q
    runs = lambda l: ", ".join(f"{v:.1f}" for v in r[(l, name)])
    print(f"{name:18} {q:9.1f} {b:9.1f} {b / q:8.2f}x   {runs('0')} / {runs(busy)}")
for side, fed, mem in (("Deepen pipeline", "deepen-pipeline", "deepen-memory"), ("Deepen demo", "deepen-demo", "deepen-memory"),
                       ("PyTorch DataLoader", "pytorch-loader", "pytorch-memory")):
    if fed in slow and mem in slow:
        print(f"{side}: slowdown {slow[fed]:.2f}x vs in-memory {slow[mem]:.2f}x -> ratio {slow[fed] / slow[mem]:.2f} (target <= 1.25)")
for name, mem in (("deepen-pipeline", "deepen-memory"), ("pytorch-loader", "pytorch-memory")):
    if ("0", name) in med and ("0", mem) in med:
        print(f"quiet: {name} is {100 * (med[('0', name)] / med[('0', mem)] - 1):+.1f}% per step over {mem}")
PY
rm -f "$RESULTS"

#!/usr/bin/env bash
# benchmarks/contention: the demo's training on a quiet machine and beside BUSY processes that each keep one core
# busy (`yes > /dev/null`), for Deepen (in-memory tensors vs the image pipeline) and PyTorch (in-memory tensors vs
# DataLoader(num_workers=2)), and the whole `deepen demo` command. Configurations alternate within each round, so the
# machine's other load hits all of them alike; medians over ROUNDS rounds are printed at the end, with each side's
# slowdown (busy / quiet) and the pipeline's slowdown over the in-memory one (issue 17's target: at most 1.25).
# Usage: benchmarks/contention/run.sh [DIR]   (default /tmp/deepen-contention; the demo's data is written there once)
#        ROUNDS (default 3), EPOCHS measured per run after one warm-up (default 2), BUSY (default 2),
#        DEMO=0 skips the whole-command timing, TORCH=0 skips PyTorch (needs python3-torch, python3-torchvision),
#        SPIN=0 skips the spinning ("-spin") runs of Deepen.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-/tmp/deepen-contention}"
ROUNDS="${ROUNDS:-3}"; EPOCHS="${EPOCHS:-2}"; BUSY="${BUSY:-2}"
dotnet build "$ROOT/benchmarks/contention" -c Release -v q -nologo >/dev/null
dotnet build "$ROOT/src/Deepen.Cli" -c Release -v q -nologo >/dev/null
DEEPEN=(dotnet "$ROOT/src/Deepen.Cli/bin/Release/net10.0/Deepen.Cli.dll")
BENCH=(dotnet "$ROOT/benchmarks/contention/bin/Release/net10.0/ContentionBench.dll")
if [[ ! -d "$DIR/data/train" ]]; then "${DEEPEN[@]}" demo --out "$DIR" --epochs 1 --quiet >/dev/null; fi
# Deepen's OpenMP threads sleep while they wait (OMP_WAIT_POLICY=PASSIVE, its default since issue 17); with SPIN=1
# (the default) each Deepen configuration also runs as "-spin" with GNU OpenMP's own default (GOMP_SPINCOUNT=300000,
# spinning at every barrier), which is how Deepen ran before, side by side in the same rounds.
VARIANTS=("")
if [[ "${SPIN:-1}" != 0 ]]; then VARIANTS+=("-spin"); fi
spin_env() { if [[ "$1" == "-spin" ]]; then echo "GOMP_SPINCOUNT=300000"; fi; }
RESULTS="$(mktemp)"
busy_pids=()
start_busy() { for _ in $(seq "$1"); do yes > /dev/null & busy_pids+=($!); done; }
stop_busy() { for p in "${busy_pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait "${busy_pids[@]}" 2>/dev/null || true; busy_pids=(); }
trap stop_busy EXIT
for round in $(seq "$ROUNDS"); do
  for load in 0 "$BUSY"; do
    echo "round $round/$ROUNDS, $load busy process(es) (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
    start_busy "$load"
    for variant in "${VARIANTS[@]}"; do
      for mode in memory pipeline; do
        env $(spin_env "$variant") "${BENCH[@]}" --data "$DIR/data/train" --mode "$mode" --epochs "$EPOCHS" \
          | sed "s/^RESULT deepen $mode/RESULT $load deepen-$mode$variant/; s/^deepen $mode:/deepen $mode$variant:/" | tee -a "$RESULTS" | grep -v RESULT
      done
    done
    if [[ "${TORCH:-1}" != 0 ]]; then
      for mode in memory loader; do
        /usr/bin/python3 "$ROOT/benchmarks/contention/pytorch_bench.py" --data "$DIR/data/train" --mode "$mode" --epochs "$EPOCHS" \
          | sed "s/^RESULT pytorch $mode/RESULT $load pytorch-$mode/" | tee -a "$RESULTS" | grep -v RESULT
      done
    fi
    if [[ "${DEMO:-1}" != 0 ]]; then
      for variant in "${VARIANTS[@]}"; do
        t0=$(date +%s.%N)
        env $(spin_env "$variant") "${DEEPEN[@]}" demo --out "$DIR/demo-run" --quiet > "$DIR/demo.log" 2>&1
        t1=$(date +%s.%N)
        s=$(echo "$t1 - $t0" | bc)
        echo "deepen demo$variant (whole command, 12 epochs + report): $s s — $(grep 'Test accuracy' "$DIR/demo.log")"
        echo "RESULT $load deepen-demo$variant $s" >> "$RESULTS"
      done
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
for name in ("deepen-memory", "deepen-pipeline", "deepen-demo", "deepen-memory-spin", "deepen-pipeline-spin", "deepen-demo-spin",
             "pytorch-memory", "pytorch-loader"):
    q, b = med.get(("0", name)), med.get((busy, name))
    if q is None or b is None: continue
    slow[name] = b / q
    runs = lambda l: ", ".join(f"{v:.1f}" for v in r[(l, name)])
    print(f"{name:18} {q:9.1f} {b:9.1f} {b / q:8.2f}x   {runs('0')} / {runs(busy)}")
for side, fed, mem in (("Deepen pipeline", "deepen-pipeline", "deepen-memory"), ("Deepen demo", "deepen-demo", "deepen-memory"),
                       ("Deepen pipeline, spinning", "deepen-pipeline-spin", "deepen-memory-spin"),
                       ("Deepen demo, spinning", "deepen-demo-spin", "deepen-memory-spin"),
                       ("PyTorch DataLoader", "pytorch-loader", "pytorch-memory")):
    if fed in slow and mem in slow:
        print(f"{side}: slowdown {slow[fed]:.2f}x vs in-memory {slow[mem]:.2f}x -> ratio {slow[fed] / slow[mem]:.2f} (target <= 1.25)")
for name, base in (("deepen-pipeline", "deepen-memory"), ("pytorch-loader", "pytorch-memory"), ("deepen-pipeline", "pytorch-loader"),
                   ("deepen-memory", "deepen-memory-spin"), ("deepen-pipeline", "deepen-pipeline-spin"), ("deepen-demo", "deepen-demo-spin")):
    if ("0", name) in med and ("0", base) in med:
        print(f"quiet: {name} is {100 * (med[('0', name)] / med[('0', base)] - 1):+.1f}% over {base}")
PY
rm -f "$RESULTS"

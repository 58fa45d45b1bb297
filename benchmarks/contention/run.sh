#!/usr/bin/env bash
# benchmarks/contention: the demo's training on a quiet machine and beside BUSY processes that each keep one core
# busy (`yes > /dev/null`), for Deepen (in-memory tensors vs the image pipeline) and PyTorch (in-memory tensors vs
# DataLoader(num_workers=2)), and the whole `deepen demo` command. Configurations alternate within each round, so the
# machine's other load hits all of them alike; medians over ROUNDS rounds are printed at the end, with each side's
# slowdown (busy / quiet) and the pipeline's slowdown over the in-memory one (issue 17's target: at most 1.25).
# Usage: benchmarks/contention/run.sh [DIR]   (default /tmp/deepen-contention; the demo's data is written there once)
#        ROUNDS (default 3), EPOCHS measured per run after one warm-up (default 2), BUSY (default 2),
#        DEMO=0 skips the whole-command timing, TORCH=0 skips PyTorch (needs python3-torch, python3-torchvision),
#        SPINS (default "300000"; "" for none) adds Deepen runs with GOMP_SPINCOUNT=N, DEEPEN_RUNS=0 skips Deepen's training runs (the demo still runs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-/tmp/deepen-contention}"
ROUNDS="${ROUNDS:-3}"; EPOCHS="${EPOCHS:-2}"; BUSY="${BUSY:-2}"
dotnet build "$ROOT/benchmarks/contention" -c Release -v q -nologo >/dev/null
dotnet build "$ROOT/src/Deepen.Cli" -c Release -v q -nologo >/dev/null
DEEPEN=(dotnet "$ROOT/src/Deepen.Cli/bin/Release/net10.0/Deepen.Cli.dll")
BENCH=(dotnet "$ROOT/benchmarks/contention/bin/Release/net10.0/ContentionBench.dll")
if [[ ! -d "$DIR/data/train" ]]; then "${DEEPEN[@]}" demo --out "$DIR" --epochs 1 --quiet >/dev/null; fi
# Deepen's idle OpenMP threads spin briefly, then sleep (GOMP_SPINCOUNT=10000, its default since issue 17). Each spin count
# in SPINS (default: 300000, GNU OpenMP's own default, which is how Deepen ran before) adds a run of every Deepen
# configuration with GOMP_SPINCOUNT set to it, named "-spin<N>", side by side in the same rounds.
VARIANTS=("")
for n in ${SPINS-300000}; do VARIANTS+=("-spin$n"); done
spin_env() { if [[ -n "$1" ]]; then echo "GOMP_SPINCOUNT=${1#-spin}"; fi; }
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
      [[ "${DEEPEN_RUNS:-1}" == 0 ]] && break
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
def order(n):
    spins = int(n.split("-spin")[1]) if "-spin" in n else -1
    return (not n.startswith("deepen"), spins, n)
names = sorted({n for _, n in r}, key=order)
print(f"\nmedians; ms/step (seconds for the whole demo)")
print(f"{'':24} {'quiet':>9} {busy + ' busy':>9} {'slowdown':>9}   runs quiet / busy")
slow = {}
for name in names:
    q, b = med.get(("0", name)), med.get((busy, name))
    runs = lambda l: ", ".join(f"{v:.1f}" for v in r.get((l, name), []))
    if q is not None and b is not None: slow[name] = b / q
    print(f"{name:24} {q or float('nan'):9.1f} {b or float('nan'):9.1f} {slow.get(name, float('nan')):8.2f}x   {runs('0')} / {runs(busy)}")
suffixes = sorted({n.split("deepen-memory", 1)[1] for n in names if n.startswith("deepen-memory")})
pairs = [(f"Deepen {kind}{s}", f"deepen-{kind}{s}", f"deepen-memory{s}") for s in suffixes for kind in ("pipeline", "demo")]
pairs.append(("PyTorch DataLoader", "pytorch-loader", "pytorch-memory"))
for side, fed, mem in pairs:
    if fed in slow and mem in slow:
        print(f"{side}: slowdown {slow[fed]:.2f}x vs in-memory {slow[mem]:.2f}x -> ratio {slow[fed] / slow[mem]:.2f} (target <= 1.25)")
compare = [("deepen-pipeline", "deepen-memory"), ("pytorch-loader", "pytorch-memory"), ("deepen-pipeline", "pytorch-loader")]
compare += [(f"deepen-{kind}", f"deepen-{kind}{s}") for s in suffixes if s for kind in ("memory", "pipeline", "demo")]
for load in ("0", busy):
    for name, base in compare:
        if (load, name) in med and (load, base) in med:
            print(f"{'quiet' if load == '0' else busy + ' busy'}: {name} is {100 * (med[(load, name)] / med[(load, base)] - 1):+.1f}% over {base}")
PY
rm -f "$RESULTS"

#!/usr/bin/env bash
# Runs both sides of the pipeline benchmark on one folder. The machine is shared and noisy, so the two sides
# alternate: ROUNDS rounds, each running Deepen then torchvision for one warm-up epoch and one measured epoch per
# configuration ("augmented": decode + resize to 150x150 + shear 0.2 / zoom 0.2 / horizontal flip + 1/255;
# "plain": decode + resize + 1/255). Medians over the rounds are printed at the end. Then the training comparison
# (seed CNN fed by the pipeline vs by in-memory tensors) runs in one process, alternating too.
# Usage: benchmarks/pipeline/run.sh [DIR]   (default /tmp/deepen-pipeline-bench: 2,200 Fashion-MNIST JPEGs at
#        256x256, made with examples/CatsVsDogs/make-dataset.sh when missing). ROUNDS (default 7), STEPS (default 20),
#        EPOCHS measured per round and side after one warm-up epoch (default 3), INTERPOLATION (default nearest), NICE (PipelineOptions.WorkerNice, default 0), TRAIN=0 skips the training comparison.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-/tmp/deepen-pipeline-bench}"
ROUNDS="${ROUNDS:-7}"
INTERPOLATION="${INTERPOLATION:-nearest}"   # resizing filter on both sides: nearest (Keras's default) or bilinear
STEPS="${STEPS:-20}"
if [[ ! -d "$DIR/train" ]]; then
  "$ROOT/examples/CatsVsDogs/make-dataset.sh" "$DIR" --train 1100 --test 0 --size 256
fi
dotnet build "$ROOT/benchmarks/pipeline" -c Release -v q -nologo >/dev/null
RESULTS="$(mktemp)"
for round in $(seq "$ROUNDS"); do
  echo "round $round/$ROUNDS (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  dotnet run -c Release --no-build --project "$ROOT/benchmarks/pipeline" -- --data "$DIR/train" --runs "${EPOCHS:-3}" --warmup 1 --mode pipeline --interpolation "$INTERPOLATION" --nice "${NICE:-0}" | tee -a "$RESULTS" | grep -v RESULT || true
  /usr/bin/python3 "$ROOT/benchmarks/pipeline/torchvision_bench.py" --data "$DIR/train" --runs "${EPOCHS:-3}" --warmup 1 --workers 2 --interpolation "$INTERPOLATION" | tee -a "$RESULTS" | grep -v RESULT || true
done
/usr/bin/python3 - "$RESULTS" <<'PY'
import statistics, sys
rates = {}
for line in open(sys.argv[1]):
    if line.startswith("RESULT "):
        _, side, config, value = line.split()
        rates.setdefault((side, config), []).append(float(value))
for config in ("augmented", "plain"):
    d, t = rates.get(("deepen", config), []), rates.get(("torchvision", config), [])
    if d and t:
        md, mt = statistics.median(d), statistics.median(t)
        print(f"{config:9}  Deepen median {md:6.0f} images/s  torchvision median {mt:6.0f} images/s  ratio {md / mt:.2f}x"
              f"   (Deepen runs: {', '.join(f'{v:.0f}' for v in d)}; torchvision runs: {', '.join(f'{v:.0f}' for v in t)})")
PY
rm -f "$RESULTS"
echo "resizing: $INTERPOLATION, decoding threads' nice: ${NICE:-0}"
[[ "${TRAIN:-1}" == 0 ]] && exit 0
echo "training comparison (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
dotnet run -c Release --no-build --project "$ROOT/benchmarks/pipeline" -- --data "$DIR/train" --runs "$ROUNDS" --steps "$STEPS" --mode train --interpolation "$INTERPOLATION" --nice "${NICE:-0}"

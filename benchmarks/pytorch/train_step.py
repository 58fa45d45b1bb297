#!/usr/bin/python3
"""PyTorch peer benchmark: time of one training step (zero_grad + forward + loss + backward + Adam step).

Run with Debian's PyTorch:  /usr/bin/python3 benchmarks/pytorch/train_step.py [--workloads seed,mnist,mlp]
Prints one JSON line per (workload, layout):
  {"framework":"pytorch","workload":...,"layout":...,"median_ms":...,"p10_ms":...,"p90_ms":...}
The same workloads are timed for raw TorchSharp by benchmarks/Deepen.Benchmarks (RawTorchSharp.cs).
"""
import argparse
import json
import platform
import sys
import time

import torch
import torch.nn as nn


def seed_cnn():
    # 150x150x3 -> conv 148 -> pool 74 -> conv 72 -> pool 36 -> conv 34 -> pool 17 -> conv 15 -> pool 7
    return nn.Sequential(
        nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(128, 128, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 512), nn.ReLU(), nn.Linear(512, 1))


def mnist_cnn():
    # 28x28x1 -> conv 26 -> pool 13 -> conv 11 -> pool 5
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def make(workload, gen):
    """Returns (model, inputs, targets, loss_fn)."""
    if workload == "seed":
        x = torch.rand(32, 3, 150, 150, generator=gen)
        y = torch.randint(0, 2, (32, 1), generator=gen).float()
        return seed_cnn(), x, y, nn.BCEWithLogitsLoss()
    if workload == "mnist":
        x = torch.rand(128, 1, 28, 28, generator=gen)
        y = torch.randint(0, 10, (128,), generator=gen)
        return mnist_cnn(), x, y, nn.CrossEntropyLoss()
    if workload == "mlp":
        x = torch.rand(128, 784, generator=gen)
        y = torch.randint(0, 10, (128,), generator=gen)
        return mlp(), x, y, nn.CrossEntropyLoss()
    raise ValueError(workload)


def percentile(sorted_vals, q):
    """Linear interpolation between closest ranks (same as numpy's default and the C# Stats helper)."""
    if len(sorted_vals) == 1:
        return sorted_vals[0]
    pos = (len(sorted_vals) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_vals) - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (pos - lo)


def bench(workload, layout, warmup, steps):
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    model, x, y, loss_fn = make(workload, gen)
    if layout == "channels_last":
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        dt = (time.perf_counter() - t0) * 1000.0
        if i >= warmup:
            times.append(dt)
    if not torch.isfinite(loss):
        raise RuntimeError(f"{workload}/{layout}: loss is not finite")
    s = sorted(times)
    return {"framework": "pytorch", "workload": workload, "layout": layout,
            "median_ms": round(percentile(s, 0.5), 3), "p10_ms": round(percentile(s, 0.1), 3),
            "p90_ms": round(percentile(s, 0.9), 3), "steps": steps, "warmup": warmup,
            "threads": torch.get_num_threads(), "version": torch.__version__}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workloads", default="seed,mnist,mlp")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    layouts = {"seed": ["nchw", "channels_last"], "mnist": ["nchw", "channels_last"], "mlp": ["flat"]}
    for w in args.workloads.split(","):
        for layout in layouts[w]:
            print(json.dumps(bench(w, layout, args.warmup, args.steps)), flush=True)


if __name__ == "__main__":
    sys.exit(main())

"""torchvision's side of benchmarks/pipeline: ImageFolder + DataLoader(num_workers=2) with the transforms equivalent
to Keras's ImageDataGenerator(rescale=1/255, shear_range=0.2, zoom_range=0.2, horizontal_flip=True) at 150x150:
JPEG decode (PIL) + Resize((150, 150), nearest by default as Keras's flow_from_directory) + RandomAffine(shear 0.2 degrees, scale 0.8-1.2, bilinear) +
RandomHorizontalFlip + ToTensor (which divides by 255). Prints the median images/s over several epochs.

Usage: /usr/bin/python3 benchmarks/pipeline/torchvision_bench.py --data DIR [--runs 5] [--warmup 1] [--workers 2]
       [--interpolation nearest|bilinear]
Each measured epoch is also printed as "RESULT torchvision <config> <images/s>", which run.sh collects.
"""
import argparse, os, statistics, time

import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms as T

p = argparse.ArgumentParser()
p.add_argument("--data", required=True)
p.add_argument("--runs", type=int, default=5)
p.add_argument("--warmup", type=int, default=0)
p.add_argument("--workers", type=int, default=2)
p.add_argument("--interpolation", choices=("nearest", "bilinear"), default="nearest")
a = p.parse_args()
print(f"torch {torch.__version__}, torchvision {__import__('torchvision').__version__}, {os.cpu_count()} cores, "
      f"main-process threads {torch.get_num_threads()}")

resize = T.Resize((150, 150), interpolation=T.InterpolationMode.NEAREST if a.interpolation == "nearest" else T.InterpolationMode.BILINEAR)
augment = T.Compose([
    resize,
    T.RandomAffine(degrees=0, shear=0.2, scale=(0.8, 1.2), interpolation=T.InterpolationMode.BILINEAR),
    T.RandomHorizontalFlip(),
    T.ToTensor(),
])
plain = T.Compose([resize, T.ToTensor()])
for name, tf in (("augmented", augment), ("plain", plain)):
    ds = datasets.ImageFolder(a.data, transform=tf)
    loader = DataLoader(ds, batch_size=32, shuffle=True, num_workers=a.workers)
    rates = []
    for r in range(a.warmup + a.runs):
        t0 = time.perf_counter()
        n = 0
        for x, y in loader:
            n += x.shape[0]
        if r < a.warmup:
            continue
        rates.append(n / (time.perf_counter() - t0))
        print(f"RESULT torchvision {name} {rates[-1]:.1f}", flush=True)
    print(f"torchvision {name}: median {statistics.median(rates):.0f} images/s over {a.runs} epochs of {len(ds)} images "
          f"(runs: {', '.join(f'{v:.0f}' for v in rates)})")

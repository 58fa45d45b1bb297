"""PyTorch's side of benchmarks/contention: the same training as Program.cs — small-cnn (Conv 32 3x3 same + ReLU, max
pool, Conv 64 3x3 same + ReLU, max pool, Flatten, Dropout 0.3, Dense 128 ReLU, Dense 10 softmax), Adam 1e-3, batch 64,
28x28 grey images — fed either from in-memory tensors ("memory") or by torchvision's ImageFolder + DataLoader with
num_workers=2 and the demo's augmentation (RandomAffine shear 0.2 degrees as Keras's shear_range, scale 0.9-1.1,
RandomHorizontalFlip) ("loader"). One warm-up epoch, then --epochs measured ones; prints
"RESULT pytorch <mode> <ms per step>" (median).

Usage: /usr/bin/python3 benchmarks/contention/pytorch_bench.py --data DIR/train --mode memory|loader [--epochs 2]
"""
import argparse, statistics, time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torchvision import datasets, transforms as T

p = argparse.ArgumentParser()
p.add_argument("--data", required=True)
p.add_argument("--mode", choices=("memory", "loader"), required=True)
p.add_argument("--epochs", type=int, default=2)
p.add_argument("--workers", type=int, default=2)
a = p.parse_args()
torch.manual_seed(42)

grey = T.Grayscale(num_output_channels=1)
if a.mode == "memory":
    ds = datasets.ImageFolder(a.data, transform=T.Compose([grey, T.PILToTensor()]))
    xs = torch.stack([x for x, _ in ds]).float()
    ys = torch.tensor([y for _, y in ds])
    loader = DataLoader(TensorDataset(xs, ys), batch_size=64, shuffle=True)
else:
    augment = T.Compose([grey, T.RandomAffine(degrees=0, shear=0.2, scale=(0.9, 1.1)),
                         T.RandomHorizontalFlip(), T.PILToTensor()])
    ds = datasets.ImageFolder(a.data, transform=augment)
    loader = DataLoader(ds, batch_size=64, shuffle=True, num_workers=a.workers, persistent_workers=True)

model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Dropout(0.3), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, len(ds.classes)))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
steps, waits = [], []
for epoch in range(a.epochs + 1):
    t0 = time.perf_counter()
    waited, n = 0.0, 0
    it = iter(loader)
    while True:
        w0 = time.perf_counter()
        try:
            x, y = next(it)
        except StopIteration:
            waited += time.perf_counter() - w0
            break
        waited += time.perf_counter() - w0
        x = x.float() / 255
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        n += 1
    total = time.perf_counter() - t0
    if epoch == 0:
        continue
    steps.append(1000 * total / n)
    waits.append(waited / total)
print(f"pytorch {a.mode}: {statistics.median(steps):.1f} ms/step (epochs: {', '.join(f'{v:.1f}' for v in steps)}), "
      f"waiting for batches {100 * statistics.median(waits):.0f}% of the time; torch threads {torch.get_num_threads()}")
print(f"RESULT pytorch {a.mode} {statistics.median(steps):.2f}", flush=True)

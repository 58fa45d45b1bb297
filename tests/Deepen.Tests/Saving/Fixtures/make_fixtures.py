#!/usr/bin/python3
"""Writes the weight-file fixtures of tests/Deepen.Tests/Saving/WeightFileTests.cs.

Run with Debian's python3 (apt-get install -y python3-h5py python3-torch python3-numpy):

    /usr/bin/python3 tests/Deepen.Tests/Saving/Fixtures/make_fixtures.py

Keras itself is not installable here, so the Keras files are written with h5py in the layouts Keras writes
(keras/src/saving/saving_lib.py for .weights.h5, keras/src/legacy/saving/legacy_h5_format.py for .h5), and the Keras
model's forward pass is written out in numpy (channels last, Keras kernel layouts). The PyTorch files come from
torch.save(model.state_dict()) and from a safetensors file written as the format specifies (the safetensors package
is not in Debian 12). Each model's input and expected output go to a JSON file beside the weights.
"""
import json
import os
import struct

import h5py
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(1234)


def f32(*shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def write_io(name, x, y):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump({"input_shape": list(x.shape), "input": [float(v) for v in x.ravel()],
                   "output_shape": list(y.shape), "output": [float(v) for v in y.ravel()]}, f)


# ---------------------------------------------------------------------------------------------------------------
# A Keras CNN: Input(6, 6, 2) → Conv2D(3, 3, relu) → BatchNormalization → MaxPooling2D(2) → Flatten → Dense(4, relu)
# → Dense(3, softmax). Keras names: conv2d, batch_normalization, max_pooling2d, flatten, dense, dense_1.
# ---------------------------------------------------------------------------------------------------------------
conv_kernel = f32(3, 3, 2, 3)            # Keras Conv2D kernel: (kh, kw, in, out)
conv_bias = f32(3)
gamma, beta = 1 + f32(3, scale=0.2), f32(3, scale=0.2)
moving_mean, moving_variance = f32(3, scale=0.3), (0.5 + rng.random(3)).astype(np.float32)
dense_kernel, dense_bias = f32(12, 4), f32(4)       # Keras Dense kernel: (input, units)
head_kernel, head_bias = f32(4, 3), f32(3)


def keras_forward(x):
    n, h, w, _ = x.shape
    oh, ow = h - 2, w - 2
    conv = np.zeros((n, oh, ow, 3), np.float64)
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i:i + 3, j:j + 3, :]                                  # (n, 3, 3, in)
            conv[:, i, j, :] = np.tensordot(patch, conv_kernel, axes=([1, 2, 3], [0, 1, 2]))
    conv = np.maximum(conv + conv_bias, 0)
    bn = (conv - moving_mean) / np.sqrt(moving_variance + 1e-3) * gamma + beta   # inference: moving statistics
    pooled = bn.reshape(n, oh // 2, 2, ow // 2, 2, 3).max(axis=(2, 4))
    flat = pooled.reshape(n, -1)                                              # channels-last order
    hidden = np.maximum(flat @ dense_kernel + dense_bias, 0)
    logits = hidden @ head_kernel + head_bias
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


keras_layers = [  # (name, class snake name, weights in Keras's order)
    ("conv2d", "conv2d", [("kernel", conv_kernel), ("bias", conv_bias)]),
    ("batch_normalization", "batch_normalization",
     [("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean), ("moving_variance", moving_variance)]),
    ("max_pooling2d", "max_pooling2d", []),
    ("flatten", "flatten", []),
    ("dense", "dense", [("kernel", dense_kernel), ("bias", dense_bias)]),
    ("dense_1", "dense_1", [("kernel", head_kernel), ("bias", head_bias)]),
]

# Keras 3 .weights.h5: the model's own "vars", then layers/<class name in snake case, numbered per class>/vars/<i>.
with h5py.File(os.path.join(HERE, "keras_cnn.weights.h5"), "w") as f:
    f.create_group("vars")
    for _, path, weights in keras_layers:
        g = f.create_group("layers/" + path).create_group("vars")
        for i, (_, value) in enumerate(weights):
            g[str(i)] = value

# Keras 2 .h5 (model.save_weights("x.h5")): layer_names / weight_names attributes, datasets under <layer>/<weight>.
with h5py.File(os.path.join(HERE, "keras_cnn.h5"), "w") as f:
    f.attrs["layer_names"] = np.array([name.encode("utf8") for name, _, _ in keras_layers])
    f.attrs["backend"] = b"tensorflow"
    f.attrs["keras_version"] = b"2.15.0"
    for name, _, weights in sorted(keras_layers, key=lambda l: l[0]):
        g = f.create_group(name)
        names = [f"{name}/{w}:0".encode("utf8") for w, _ in weights]
        g.attrs["weight_names"] = np.array(names) if names else []
        for wname, (_, value) in zip(names, weights):
            g.create_dataset(wname.decode("utf8"), data=value)

x_keras = rng.random((2, 6, 6, 2)).astype(np.float32)
write_io("keras_cnn.io.json", x_keras, keras_forward(x_keras.astype(np.float64)))


# ---------------------------------------------------------------------------------------------------------------
# A PyTorch CNN with named modules: conv (Conv2d 2→3, 3×3) → bn (BatchNorm2d) → ReLU → MaxPool2d(2) → flatten →
# fc1 (Linear 12→4) → ReLU → fc2 (Linear 4→3). Channels first, so flatten runs over (channels, height, width).
# ---------------------------------------------------------------------------------------------------------------
class TorchCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 3, 3)
        self.bn = torch.nn.BatchNorm2d(3)
        self.fc1 = torch.nn.Linear(12, 4)
        self.fc2 = torch.nn.Linear(4, 3)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.bn(self.conv(x))), 2)
        return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))


torch.manual_seed(7)
model = TorchCnn()
with torch.no_grad():
    model.bn.weight.copy_(1 + 0.2 * torch.randn(3))
    model.bn.bias.copy_(0.2 * torch.randn(3))
    model.bn.running_mean.copy_(0.3 * torch.randn(3))
    model.bn.running_var.copy_(0.5 + torch.rand(3))
    model.bn.num_batches_tracked.fill_(12)
model.eval()
state = model.state_dict()
torch.save(state, os.path.join(HERE, "torch_cnn.pt"))


def save_safetensors(tensors, path):
    dtypes = {torch.float32: "F32", torch.int64: "I64"}
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        data = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": dtypes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


save_safetensors(state, os.path.join(HERE, "torch_cnn.safetensors"))

x_torch = torch.rand(2, 2, 6, 6)                                   # NCHW
with torch.no_grad():
    y_torch = model(x_torch)
write_io("torch_cnn.io.json", x_torch.permute(0, 2, 3, 1).numpy(), y_torch.numpy())   # Deepen takes NHWC


# ---------------------------------------------------------------------------------------------------------------
# A PyTorch sequence model: emb (Embedding 10→4) → norm (LayerNorm 4) → conv (Conv1d 4→3, kernel 2, over time) →
# flatten (channels first: (3, 4)) → fc (Linear 12→2). Deepen runs the same on (batch, time, channels).
# ---------------------------------------------------------------------------------------------------------------
class TorchSequence(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(10, 4)
        self.norm = torch.nn.LayerNorm(4)
        self.conv = torch.nn.Conv1d(4, 3, 2)
        self.fc = torch.nn.Linear(12, 2)

    def forward(self, tokens):
        h = self.norm(self.emb(tokens))                      # (batch, time, channels)
        h = torch.relu(self.conv(h.transpose(1, 2)))         # (batch, channels, time - 1)
        return self.fc(torch.flatten(h, 1))


torch.manual_seed(8)
sequence = TorchSequence()
with torch.no_grad():
    sequence.norm.weight.copy_(1 + 0.2 * torch.randn(4))
    sequence.norm.bias.copy_(0.2 * torch.randn(4))
torch.save(sequence.state_dict(), os.path.join(HERE, "torch_sequence.pt"))
tokens = torch.randint(0, 10, (3, 5))
with torch.no_grad():
    y_sequence = sequence(tokens)
write_io("torch_sequence.io.json", tokens.numpy().astype(np.float32), y_sequence.numpy())
print("fixtures written to", HERE)

"""data.py -- the cached MNIST / CIFAR-10 files (scripts/data.sh) as float tensors, and augmentation.

Preprocessing, the same in tesa's C++ engine (recorded in each model file): the uint8 image is
zero-padded by `pad` pixels (MNIST 28x28 -> 32x32), then x = (p / 255 - mean[c]) / std[c].
"""
import os
import numpy as np
import torch

PREPROCESS = {
    "mnist": dict(pad=2, mean=[0.1307], std=[0.3081]),
    "cifar10": dict(pad=0, mean=[0.4914, 0.4822, 0.4465], std=[0.2470, 0.2435, 0.2616]),
}


def data_dir(arg=None):
    return arg or os.environ.get("TESA_DATA_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "tesa", "data")


def _idx(path, dims):
    raw = np.fromfile(path, dtype=np.uint8)
    magic = int.from_bytes(raw[:4].tobytes(), "big")
    if magic != 0x800 + dims:
        raise SystemExit(f"{path}: not an idx file with {dims} dimensions")
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i].tobytes(), "big") for i in range(dims)]
    return raw[4 + 4 * dims:].reshape(shape)


def load_raw(dataset, split, root):
    """uint8 images N x C x H x W (unpadded) and int64 labels, as the files hold them."""
    if dataset == "mnist":
        pre = "train" if split == "train" else "t10k"
        x = _idx(os.path.join(root, "mnist", f"{pre}-images-idx3-ubyte"), 3)[:, None]
        y = _idx(os.path.join(root, "mnist", f"{pre}-labels-idx1-ubyte"), 1)
    else:
        names = [f"data_batch_{k}.bin" for k in range(1, 6)] if split == "train" else ["test_batch.bin"]
        rec = np.concatenate([np.fromfile(os.path.join(root, "cifar10", n), dtype=np.uint8).reshape(-1, 3073) for n in names])
        y, x = rec[:, 0], rec[:, 1:].reshape(-1, 3, 32, 32)
    return torch.from_numpy(x.copy()), torch.from_numpy(y.astype(np.int64))


def preprocess(x_uint8, dataset):
    p = PREPROCESS[dataset]
    x = x_uint8.float() / 255.0
    if p["pad"]:
        x = torch.nn.functional.pad(x, (p["pad"],) * 4)  # zero pixels, before normalisation
    mean = torch.tensor(p["mean"]).view(1, -1, 1, 1)
    std = torch.tensor(p["std"]).view(1, -1, 1, 1)
    return (x - mean) / std


def augment(x, gen):
    """Random crop (4-pixel zero padding) and horizontal flip, per image, from generator `gen`."""
    n, _, h, w = x.shape
    padded = torch.nn.functional.pad(x, (4, 4, 4, 4))
    dy = torch.randint(0, 9, (n,), generator=gen)
    dx = torch.randint(0, 9, (n,), generator=gen)
    flip = torch.rand(n, generator=gen) < 0.5
    out = torch.empty_like(x)
    for i in range(n):
        img = padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w]
        out[i] = img.flip(2) if flip[i] else img
    return out

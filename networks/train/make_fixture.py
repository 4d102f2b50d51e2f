#!/usr/bin/env python3
"""make_fixture.py -- ResNet-20 at initialisation (seed 1) as a tesa model file, a test fixture of
the residual topology (option-A shortcuts, adds, global average pooling) for the C++ engines:

  /usr/bin/python3 networks/train/make_fixture.py    # -> tests/fixtures/resnet20-cifar10-untrained.h5

Accuracy and sensitivities use the first 200 test / training images only; reference logits are
those of the first 16 test images, as in trained model files.
"""
import os
import sys
import types

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
import nets  # noqa: E402
import train  # noqa: E402


def main():
    torch.manual_seed(1)
    torch.set_num_threads(1)
    root = data.data_dir()
    xt, yt = data.load_raw("cifar10", "test", root)
    xr, yr = data.load_raw("cifar10", "train", root)
    xt, yt = data.preprocess(xt[:200], "cifar10"), yt[:200]
    xr, yr = data.preprocess(xr[:200], "cifar10"), yr[:200]
    model = nets.ResNet20().eval()
    layers = model.layers()
    acc = train.evaluate(lambda x: nets.run_layers(layers, x), xt, yt)
    sens = train.sensitivities(layers, xr, yr, batch=100)
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = os.path.join(here, "tests", "fixtures", "resnet20-cifar10-untrained.h5")
    args = types.SimpleNamespace(network="resnet20-cifar10", seed=1)
    train.export(out, args, train.RECIPES["resnet20-cifar10"], layers, sens, 200, xt, yt, acc,
                 "0 epochs: the initialised network (seed 1), a test fixture; accuracy on 200 test images")
    print(f"fixture: {out} (accuracy {acc:.3f} on 200 test images)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""train.py -- train one of the paper's networks, then export it as a tesa model file (HDF5).

  /usr/bin/python3 networks/train/train.py --network lenet5-mnist [--epochs N] [--seed S]

Checkpoints after every epoch (model, optimizer, schedule, RNG state) in --checkpoint-dir; a run
that finds one resumes from it and, with the same arguments, ends with the same bits as an
uninterrupted run. At the end the BN-folded network, its per-weight sensitivities and reference
logits go to --out (schema: networks/README.md), written to a temporary file and renamed.
"""
import argparse
import os
import sys
import time

import h5py
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
import nets  # noqa: E402

# Recipes: SGD with momentum and a cosine learning-rate schedule; batch 128.
RECIPES = {
    "lenet5-mnist": dict(dataset="mnist", epochs=20, lr=0.05, wd=5e-4, augment=False),
    "lenet5-cifar10": dict(dataset="cifar10", epochs=60, lr=0.05, wd=5e-4, augment=True),
    "resnet20-cifar10": dict(dataset="cifar10", epochs=100, lr=0.1, wd=5e-4, augment=True),
}


def build(network, dataset):
    if network.startswith("lenet5"):
        return nets.LeNet5(1 if dataset == "mnist" else 3)
    return nets.ResNet20()


def evaluate(fn, x, y, batch=1000):
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += (fn(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return correct / len(x)


def save_atomic(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def sensitivities(layers, x, y, batch=1000):
    """|dL/dw| for every weight of the deployed network, L = mean cross-entropy over the whole
    training set (no augmentation): the per-batch gradients of the summed loss are added up, divided
    by the set size, and the absolute value is taken at the end."""
    params = [L["weight"] for L in layers if "weight" in L]
    for p in params:
        p.requires_grad_(True)
        p.grad = None
    for i in range(0, len(x), batch):
        loss = F.cross_entropy(nets.run_layers(layers, x[i:i + batch]), y[i:i + batch], reduction="sum")
        loss.backward()
    out = [(p.grad / len(x)).abs().detach() for p in params]
    for p in params:
        p.requires_grad_(False)
    return out


def export(path, args, recipe, layers, sens, sens_images, x_test, y_test, fp32_acc, log_summary):
    pre = data.PREPROCESS[recipe["dataset"]]
    tmp = path + ".tmp"
    with h5py.File(tmp, "w") as f:
        f.attrs["format"] = "tesa-model"
        f.attrs["format_version"] = 1
        f.attrs["network"] = args.network
        f.attrs["dataset"] = recipe["dataset"]
        c, h, w = x_test.shape[1:]  # preprocessed, i.e. padded
        f.attrs["input_shape"] = np.array([c, h - 2 * pre["pad"], w - 2 * pre["pad"]], dtype=np.int32)
        f.attrs["pad"] = pre["pad"]
        f.attrs["mean"] = np.array(pre["mean"], dtype=np.float32)
        f.attrs["std"] = np.array(pre["std"], dtype=np.float32)
        f.attrs["fp32_test_accuracy"] = fp32_acc
        f.attrs["seed"] = args.seed
        f.attrs["command"] = " ".join(sys.argv)
        f.attrs["torch_version"] = str(torch.__version__)
        f.attrs["training"] = log_summary
        f.attrs["sensitivity"] = (f"|dL/dw|, L = mean cross-entropy over the first {sens_images} training images "
                                  "(no augmentation) of the deployed (BN-folded) FP32 network")
        g = f.create_group("layers")
        k = 0
        for i, L in enumerate(layers):
            h = g.create_group(f"{i:03d}")
            h.attrs["type"] = L["type"]
            h.attrs["inputs"] = np.array(L["inputs"], dtype=np.int32)
            for key in ("relu", "stride", "pad", "kernel", "pad_channels"):
                if key in L:
                    h.attrs[key] = int(L[key])
            if "weight" in L:
                h.create_dataset("weight", data=L["weight"].numpy().astype(np.float32))
                h.create_dataset("bias", data=L["bias"].numpy().astype(np.float32))
                h.create_dataset("sensitivity", data=sens[k].numpy().astype(np.float32))
                k += 1
        r = f.create_group("reference")
        n = 16
        r.create_dataset("test_indices", data=np.arange(n, dtype=np.int32))
        with torch.no_grad():
            r.create_dataset("logits", data=nets.run_layers(layers, x_test[:n]).numpy().astype(np.float32))
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--network", required=True, choices=sorted(RECIPES))
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data-dir")
    ap.add_argument("--sensitivity-images", type=int, default=0,
                    help="training images for the sensitivities (0: the whole training set)")
    ap.add_argument("--out", help="model file (default networks/models/NETWORK.h5)")
    ap.add_argument("--checkpoint-dir", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "checkpoints"),
                    help="where the per-epoch checkpoint goes (removed once the model file is written)")
    args = ap.parse_args()
    recipe = RECIPES[args.network]
    epochs = args.epochs or recipe["epochs"]
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = args.out or os.path.join(here, "models", args.network + ".h5")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    os.makedirs(args.checkpoint_dir, exist_ok=True)
    ckpt = os.path.join(args.checkpoint_dir, f"{args.network}_seed{args.seed}_e{epochs}.pt")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    root = data.data_dir(args.data_dir)
    xr, y_train = data.load_raw(recipe["dataset"], "train", root)
    xt, y_test = data.load_raw(recipe["dataset"], "test", root)
    x_train, x_test = data.preprocess(xr, recipe["dataset"]), data.preprocess(xt, recipe["dataset"])

    model = build(args.network, recipe["dataset"])
    opt = torch.optim.SGD(model.parameters(), lr=recipe["lr"], momentum=0.9, weight_decay=recipe["wd"], nesterov=True)
    steps = (len(x_train) + 127) // 128
    # --epochs 0 exports the initialised network (a test fixture of the topology, not a model).
    sched = None if epochs == 0 else torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe["lr"], total_steps=epochs * steps,
                                                pct_start=0.05, anneal_strategy="cos", div_factor=10, final_div_factor=100)
    gen = torch.Generator().manual_seed(args.seed)
    start, history = 0, []
    if epochs > 0 and os.path.exists(ckpt):
        st = torch.load(ckpt)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        sched.load_state_dict(st["sched"])
        gen.set_state(st["gen"])
        torch.set_rng_state(st["rng"])
        start, history = st["epoch"], st["history"]
        print(f"resumed from {ckpt} after epoch {start}", flush=True)

    for epoch in range(start, epochs):
        t0 = time.time()
        model.train()
        perm = torch.randperm(len(x_train), generator=gen)
        total, correct, seen = 0.0, 0, 0
        for i in range(steps):
            idx = perm[i * 128:(i + 1) * 128]
            xb, yb = x_train[idx], y_train[idx]
            if recipe["augment"]:
                xb = data.augment(xb, gen)
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
            correct += (logits.argmax(1) == yb).sum().item()
            seen += len(idx)
            if i % 50 == 0 and sys.stdout.isatty():
                print(f"\repoch {epoch + 1}/{epochs} batch {i}/{steps} loss {total / seen:.4f}", end="", flush=True)
        model.eval()
        acc = evaluate(model, x_test, y_test)
        line = (f"epoch {epoch + 1}/{epochs} loss {total / seen:.4f} train_acc {correct / seen:.4f} "
                f"test_acc {acc:.4f} lr {sched.get_last_lr()[0]:.5f} time {time.time() - t0:.1f}s")
        print(("\r" if sys.stdout.isatty() else "") + line, flush=True)
        history.append(line)
        save_atomic(dict(model=model.state_dict(), opt=opt.state_dict(), sched=sched.state_dict(), gen=gen.get_state(),
                         rng=torch.get_rng_state(), epoch=epoch + 1, history=history), ckpt)

    model.eval()
    layers = model.layers()
    fp32_acc = evaluate(lambda x: nets.run_layers(layers, x), x_test, y_test)
    print(f"deployed (BN-folded) FP32 test accuracy {fp32_acc:.4f}", flush=True)
    n_sens = args.sensitivity_images or len(x_train)
    sens = sensitivities(layers, x_train[:n_sens], y_train[:n_sens])
    summary = f"{epochs} epochs, seed {args.seed}; last: {history[-1] if history else 'none'}"
    export(out, args, recipe, layers, sens, n_sens, x_test, y_test, fp32_acc, summary)
    if os.path.exists(ckpt):
        os.remove(ckpt)
    print(f"model file: {out}", flush=True)


if __name__ == "__main__":
    main()

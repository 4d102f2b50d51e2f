"""nets.py -- the paper's networks in PyTorch, BN folding, and the export to tesa's layer list.

LeNet-5 (32x32 input; MNIST zero-padded from 28x28): conv 6@5x5 -> ReLU -> maxpool 2 -> conv
16@5x5 -> ReLU -> maxpool 2 -> fc 120 -> ReLU -> fc 84 -> ReLU -> fc 10.
ResNet-20 (He et al., CIFAR variant): conv 16@3x3, 3 stages x 3 basic blocks (16/32/64 channels),
option-A shortcuts (stride-2 subsampling, zero-padded channels), global average pool, fc 10.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)

    def layers(self):
        """tesa's layer list (see networks/model_file.h): dicts in topological order."""
        return [
            conv_layer(self.conv1, [-1], relu=True),
            dict(type="maxpool", inputs=[0], kernel=2, stride=2),
            conv_layer(self.conv2, [1], relu=True),
            dict(type="maxpool", inputs=[2], kernel=2, stride=2),
            fc_layer(self.fc1, [3], relu=True),
            fc_layer(self.fc2, [4], relu=True),
            fc_layer(self.fc3, [5], relu=False),
        ]


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.stride = stride
        self.pad = (cout - cin) // 2  # option A: zero channels on both sides

    def shortcut(self, x):
        if self.stride == 1 and self.pad == 0:
            return x
        return F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, self.pad, self.pad))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet20(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        blocks, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for k in range(3):
                blocks.append(BasicBlock(cin, cout, stride if k == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, 10)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.blocks(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)

    def layers(self):
        out = [conv_layer(self.conv1, [-1], relu=True, bn=self.bn1)]
        for b in self.blocks:
            x = len(out) - 1
            out.append(conv_layer(b.conv1, [x], relu=True, bn=b.bn1))
            out.append(conv_layer(b.conv2, [len(out) - 1], relu=False, bn=b.bn2))
            y = len(out) - 1
            if b.stride != 1 or b.pad != 0:
                out.append(dict(type="shortcut_a", inputs=[x], stride=b.stride, pad_channels=b.pad))
                x = len(out) - 1
            out.append(dict(type="add", inputs=[y, x], relu=True))
        out.append(dict(type="global_avgpool", inputs=[len(out) - 1]))
        out.append(fc_layer(self.fc, [len(out) - 1], relu=False))
        return out


def fold_bn(conv, bn):
    """Conv weights and bias with an eval-mode BatchNorm folded in (float64, then float32)."""
    w = conv.weight.detach().double()
    b = conv.bias.detach().double() if conv.bias is not None else torch.zeros(w.shape[0], dtype=torch.float64)
    if bn is None:
        return w.float(), b.float()
    s = bn.weight.detach().double() / torch.sqrt(bn.running_var.detach().double() + bn.eps)
    return (w * s.view(-1, 1, 1, 1)).float(), ((b - bn.running_mean.detach().double()) * s + bn.bias.detach().double()).float()


def conv_layer(conv, inputs, relu, bn=None):
    w, b = fold_bn(conv, bn)
    return dict(type="conv", inputs=inputs, relu=relu, stride=conv.stride[0], pad=conv.padding[0], weight=w, bias=b)


def fc_layer(fc, inputs, relu):
    return dict(type="fc", inputs=inputs, relu=relu, weight=fc.weight.detach().float(), bias=fc.bias.detach().float())


def run_layers(layers, x):
    """Forward pass of an exported layer list: the deployed (BN-folded) network tesa runs. Weights
    may require grad, so this also gives the sensitivities of the deployed weights."""
    outs = []
    for L in layers:
        a = x if L["inputs"][0] < 0 else outs[L["inputs"][0]]
        t = L["type"]
        if t == "conv":
            y = F.conv2d(a, L["weight"], L["bias"], L["stride"], L["pad"])
        elif t == "fc":
            y = F.linear(torch.flatten(a, 1), L["weight"], L["bias"])
        elif t == "maxpool":
            y = F.max_pool2d(a, L["kernel"], L["stride"])
        elif t == "global_avgpool":
            y = F.adaptive_avg_pool2d(a, 1)
        elif t == "shortcut_a":
            p = L["pad_channels"]
            y = F.pad(a[:, :, ::L["stride"], ::L["stride"]], (0, 0, 0, 0, p, p))
        elif t == "add":
            y = a + outs[L["inputs"][1]]
        else:
            raise ValueError("unknown layer type " + t)
        if L.get("relu"):
            y = F.relu(y)
        outs.append(y)
    return outs[-1]

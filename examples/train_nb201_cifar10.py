#!/usr/bin/env python3
"""Train one NAS-Bench-201 cell on CIFAR-10 and print the result line brp-nas reads.

    brp-nas search --space nb201 --strategy brp --budget 100 --workers 1 --state runs/nb201 \
        --trainer "python3 examples/train_nb201_cifar10.py --arch {arch} --out {out} --seed {seed}"

The network is NAS-Bench-201's: a 3x3 conv stem (16 channels), three stages of 5 cells at 16, 32
and 64 channels joined by residual reduction blocks, global pooling and a linear classifier. Each
cell edge applies its op (none, skip_connect, nor_conv_1x1, nor_conv_3x3 as ReLU-conv-BN,
avg_pool_3x3) and a node sums its incoming edges, as in the benchmark. Training follows the
benchmark's recipe shortened by --epochs (NAS-Bench-201 trains 200; its 12-epoch numbers are a known
cheap proxy): SGD with Nesterov momentum 0.9, lr 0.1 with cosine decay, weight decay 5e-4, batch
256, random crop and flip. The validation split is the last 5,000 training images (the benchmark's
cifar10-valid); the test set is never looked at.

The last line of stdout is the JSON object brp-nas needs: {"accuracy": validation %, ...}, with the
parameter count, the epochs and the seconds as further metrics, and latency_ms of one batch-1
forward pass on this machine's CPU (a rough figure: measure on the target device for real
constraints). A checkpoint in --out lets a retried attempt resume instead of starting over.
Needs: torch, torchvision (downloads CIFAR-10 to --data on first use). Not run by the tests.
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
import torchvision.transforms as T

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def parse_arch(s):
    """'|op~0|+|op~0|op~1|+|op~0|op~1|op~2|' -> [(to_node, from_node, op), ...]"""
    edges = []
    for to, part in enumerate(s.strip().split("+"), start=1):
        for tok in part.strip("|").split("|"):
            op, frm = tok.split("~")
            if op not in OPS:
                raise SystemExit(f"unknown op {op!r} in {s!r}")
            edges.append((to, int(frm), op))
    if len(edges) != 6:
        raise SystemExit(f"{s!r} is not an NB201 cell (6 edges)")
    return edges


class ReLUConvBN(nn.Sequential):
    def __init__(self, c_in, c_out, k, stride=1):
        super().__init__(nn.ReLU(inplace=False), nn.Conv2d(c_in, c_out, k, stride, k // 2, bias=False), nn.BatchNorm2d(c_out))


def make_op(op, c):
    if op == "none":
        return None
    if op == "skip_connect":
        return nn.Identity()
    if op == "nor_conv_1x1":
        return ReLUConvBN(c, c, 1)
    if op == "nor_conv_3x3":
        return ReLUConvBN(c, c, 3)
    return nn.AvgPool2d(3, 1, 1, count_include_pad=False)


class Cell(nn.Module):
    def __init__(self, edges, c):
        super().__init__()
        self.edges = edges
        self.ops = nn.ModuleList([make_op(op, c) or nn.Identity() for _, _, op in edges])
        self.live = [op != "none" for _, _, op in edges]

    def forward(self, x):
        nodes = [x]
        for to in (1, 2, 3):
            acc = 0
            for i, (t, frm, _) in enumerate(self.edges):
                if t == to and self.live[i]:
                    acc = acc + self.ops[i](nodes[frm])
            nodes.append(acc if torch.is_tensor(acc) else torch.zeros_like(x))
        return nodes[3]


class ResBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.a = ReLUConvBN(c_in, c_out, 3, 2)
        self.b = ReLUConvBN(c_out, c_out, 3, 1)
        self.down = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x):
        return self.b(self.a(x)) + self.down(x)


class Net(nn.Module):
    def __init__(self, edges, c=16, n=5, classes=10):
        super().__init__()
        layers = [nn.Conv2d(3, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)]
        for stage, width in enumerate((c, 2 * c, 4 * c)):
            if stage:
                layers.append(ResBlock(width // 2, width))
            layers += [Cell(edges, width) for _ in range(n)]
        layers += [nn.BatchNorm2d(4 * c), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(4 * c, classes)

    def forward(self, x):
        return self.head(self.body(x))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--data", default=os.path.expanduser("~/.cache/cifar10"))
    a = p.parse_args()
    torch.manual_seed(a.seed)
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    edges = parse_arch(a.arch)
    net = Net(edges).to(dev)
    params = sum(x.numel() for x in net.parameters())

    mean, std = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)
    train_tf = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(mean, std)])
    eval_tf = T.Compose([T.ToTensor(), T.Normalize(mean, std)])
    full = torchvision.datasets.CIFAR10(a.data, train=True, download=True, transform=train_tf)
    full_eval = torchvision.datasets.CIFAR10(a.data, train=True, download=False, transform=eval_tf)
    idx = list(range(len(full)))
    train = torch.utils.data.Subset(full, idx[:45000])
    valid = torch.utils.data.Subset(full_eval, idx[45000:])
    tl = torch.utils.data.DataLoader(train, batch_size=256, shuffle=True, num_workers=4, drop_last=True)
    vl = torch.utils.data.DataLoader(valid, batch_size=512, num_workers=4)

    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.epochs * len(tl))
    os.makedirs(a.out, exist_ok=True)
    ckpt = os.path.join(a.out, "checkpoint.pt")
    start = 0
    if os.path.exists(ckpt):  # a retried attempt resumes
        s = torch.load(ckpt, map_location=dev)
        net.load_state_dict(s["net"]), opt.load_state_dict(s["opt"]), sched.load_state_dict(s["sched"])
        start = s["epoch"]
    t0 = time.time()
    for epoch in range(start, a.epochs):
        net.train()
        for x, y in tl:
            x, y = x.to(dev, non_blocking=True), y.to(dev, non_blocking=True)
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(net(x), y).backward()
            nn.utils.clip_grad_norm_(net.parameters(), 5)
            opt.step()
            sched.step()
        torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "epoch": epoch + 1}, ckpt)
        print(f"epoch {epoch + 1}/{a.epochs} done", file=sys.stderr, flush=True)

    net.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in vl:
            correct += (net(x.to(dev)).argmax(1).cpu() == y).sum().item()
            total += y.numel()
    cpu = net.to("cpu")
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        for _ in range(10):
            cpu(x)
        t1 = time.perf_counter()
        for _ in range(50):
            cpu(x)
        latency_ms = (time.perf_counter() - t1) / 50 * 1e3
    print(json.dumps({"accuracy": 100.0 * correct / total, "latency_ms": latency_ms, "params": params, "epochs": a.epochs, "seconds": time.time() - t0}), flush=True)


if __name__ == "__main__":
    main()

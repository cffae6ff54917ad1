#!/usr/bin/env python3
"""brp-nas's shipped trainer: trains one architecture on an image dataset with PyTorch and prints the
result line brp-nas reads (its last line of stdout, JSON): accuracy (validation, %), test_accuracy (%),
params, seconds, epochs and onnx (the trained network, input float32 [batch, C, H, W] in [0, 1]).

The validation images are a seeded part of the training set; the test set is read once, after
training, for the report. A checkpoint in --out after every epoch lets a restarted run continue.
Run by `brp-nas train` (which finds a Python that has torch); usable on its own too."""

import argparse
import gzip
import json
import os
import struct
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']
DATASETS = {
    'fashion-mnist': {
        'dir': os.environ.get('BRPNAS_FASHION_MNIST', '/usr/share/datasets/fashion-mnist'), 'format': 'idx',
        'files': ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'),
        'shape': (1, 28, 28), 'classes': 10, 'mean': (0.2860,), 'std': (0.3530,),
    },
    # the binary version of CIFAR-10 (the folder cifar-10-batches-bin)
    'cifar10': {
        'dir': os.environ.get('BRPNAS_CIFAR10', 'cifar-10-batches-bin'), 'format': 'cifar-bin',
        'files': (('data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'), ('test_batch.bin',)),
        'shape': (3, 32, 32), 'classes': 10, 'mean': (0.4914, 0.4822, 0.4465), 'std': (0.2470, 0.2435, 0.2616),
    },
}


def fail(msg):
    print(f'brp-nas trainer: {msg}', file=sys.stderr)
    sys.exit(1)


def read_idx(path):
    if not os.path.exists(path):
        fail(f'{path} is missing')
    with open(path, 'rb') as f:
        data = f.read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 8:
        fail(f'{path}: not an unsigned-byte IDX file')
    nd = data[3]
    dims = struct.unpack('>' + 'I' * nd, data[4:4 + 4 * nd])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd)
    if arr.size != int(np.prod(dims)):
        fail(f'{path}: {arr.size} values where its header says {dims}')
    return arr.reshape(dims)


def read_cifar_bin(paths):
    """Records of one label byte and 3x32x32 pixel bytes (red, green and blue planes)."""
    images, labels = [], []
    for path in paths:
        if not os.path.exists(path):
            fail(f'{path} is missing')
        with open(path, 'rb') as f:
            data = np.frombuffer(f.read(), dtype=np.uint8)
        if data.size == 0 or data.size % 3073:
            fail(f'{path}: {data.size} bytes is not a whole number of CIFAR-10 records')
        rec = data.reshape(-1, 3073)
        labels.append(rec[:, 0])
        images.append(rec[:, 1:].reshape(-1, 3, 32, 32))
    return np.concatenate(images), np.concatenate(labels)


def load(d, base):
    """Training images and labels, test images and labels."""
    if d['format'] == 'cifar-bin':
        tr_x, tr_y = read_cifar_bin([os.path.join(base, f) for f in d['files'][0]])
        te_x, te_y = read_cifar_bin([os.path.join(base, f) for f in d['files'][1]])
        return tr_x, tr_y, te_x, te_y
    return tuple(read_idx(os.path.join(base, f)) for f in d['files'])


def parse_nb201(s):
    """'|op~0|+|op~0|op~1|+|op~0|op~1|op~2|' -> six op names in edge order (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2)."""
    nodes = s.strip().strip('|').split('|+|')
    if len(nodes) != 3:
        fail(f'not an NB201 arch string: {s}')
    ops = []
    for i, node in enumerate(nodes):
        edges = node.strip('|').split('|')
        if len(edges) != i + 1:
            fail(f'not an NB201 arch string: {s}')
        for j, e in enumerate(edges):
            op, _, src = e.partition('~')
            if op not in NB201_OPS or src != str(j):
                fail(f'not an NB201 arch string: {s} (edge {e})')
            ops.append(op)
    return ops


class ReLUConvBN(nn.Sequential):
    def __init__(self, cin, cout, k, stride=1):
        super().__init__(nn.ReLU(inplace=False), nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout))


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


def nb201_op(name, c):
    if name == 'none':
        return Zero()
    if name == 'skip_connect':
        return nn.Identity()
    if name == 'nor_conv_1x1':
        return ReLUConvBN(c, c, 1)
    if name == 'nor_conv_3x3':
        return ReLUConvBN(c, c, 3)
    return nn.AvgPool2d(3, 1, 1, count_include_pad=False)


class Nb201Cell(nn.Module):
    def __init__(self, ops, c):
        super().__init__()
        self.edges = nn.ModuleList([nb201_op(o, c) for o in ops])

    def forward(self, x):
        e = self.edges
        n1 = e[0](x)
        n2 = e[1](x) + e[2](n1)
        return e[3](x) + e[4](n1) + e[5](n2)


class ResidualReduction(nn.Module):
    """NB201's reduction block: ReLU-Conv3x3/2-BN, ReLU-Conv3x3-BN, shortcut AvgPool2x2/2 + Conv1x1."""

    def __init__(self, cin, cout):
        super().__init__()
        self.a = ReLUConvBN(cin, cout, 3, 2)
        self.b = ReLUConvBN(cout, cout, 3, 1)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(cin, cout, 1, bias=False))

    def forward(self, x):
        return self.b(self.a(x)) + self.shortcut(x)


class Nb201Network(nn.Module):
    """The NB201 macro network: stem Conv3x3+BN, 3 stages of N cells at C, 2C, 4C channels with
    residual reductions between them, final BN+ReLU, global average pooling, a linear classifier.
    The input is normalised inside, so the exported model takes pixels in [0, 1]."""

    def __init__(self, ops, channels, cells, in_channels, classes, mean, std):
        super().__init__()
        self.register_buffer('mean', torch.tensor(mean).reshape(1, -1, 1, 1))
        self.register_buffer('std', torch.tensor(std).reshape(1, -1, 1, 1))
        layers = [nn.Conv2d(in_channels, channels, 3, 1, 1, bias=False), nn.BatchNorm2d(channels)]
        c = channels
        for stage in range(3):
            if stage > 0:
                layers.append(ResidualReduction(c, 2 * c))
                c *= 2
            layers += [Nb201Cell(ops, c) for _ in range(cells)]
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes))

    def forward(self, x):
        return self.head(self.body((x - self.mean) / self.std))


def accuracy(model, x, y, device, batch=512):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += (model(x[i:i + batch].to(device)).argmax(1).cpu() == y[i:i + batch]).sum().item()
    return 100.0 * correct / len(x)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--space', default='nb201', choices=['nb201'])
    p.add_argument('--arch', required=True)
    p.add_argument('--dataset', default='fashion-mnist', choices=sorted(DATASETS))
    p.add_argument('--dataset-dir')
    p.add_argument('--out', required=True)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--train-images', type=int, default=None, help='default: all the training images but the validation ones')
    p.add_argument('--val-images', type=int, default=None, help='default: a sixth of the training images (10,000 of 60,000 for Fashion-MNIST, 8,333 of 50,000 for CIFAR-10)')
    p.add_argument('--channels', type=int, default=16)
    p.add_argument('--cells', type=int, default=5)
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--lr', type=float, default=0.1)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--device', default='auto', help='cpu, cuda, or auto (a GPU when one is present)')
    p.add_argument('--no-test', action='store_true', help='do not read the test set (a search needs only the validation accuracy; brp-nas evaluate tests the ONNX file later)')
    a = p.parse_args()
    t0 = time.time()
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(a.threads)
    d = DATASETS[a.dataset]
    base = a.dataset_dir or d['dir']
    tr_x, tr_y, te_x, te_y = load(d, base)
    if tr_y.max() >= d['classes'] or te_y.max() >= d['classes']:
        fail(f'{base}: a label is not one of the {d["classes"]} classes')
    # the validation images: a seeded part of the training set, never trained on
    order = np.random.RandomState(a.seed).permutation(len(tr_x))
    if a.val_images is None:
        a.val_images = len(tr_x) // 6
    if a.train_images is None:
        a.train_images = len(tr_x) - a.val_images
    if a.val_images < 1 or a.train_images < 1 or a.val_images + a.train_images > len(tr_x):
        fail(f'--train-images {a.train_images} and --val-images {a.val_images} must be positive and fit in the {len(tr_x)} training images')
    val_idx, train_idx = order[:a.val_images], order[a.val_images:a.val_images + a.train_images]
    as_x = lambda arr: torch.tensor(arr, dtype=torch.float32).reshape(-1, *d['shape']) / 255.0
    as_y = lambda arr: torch.tensor(arr.astype(np.int64))
    x, y, vx, vy = as_x(tr_x[train_idx]), as_y(tr_y[train_idx]), as_x(tr_x[val_idx]), as_y(tr_y[val_idx])
    ops = parse_nb201(a.arch)
    if a.device == 'cuda' and not torch.cuda.is_available():
        fail(f'--device cuda: this torch ({torch.__version__}) sees no GPU')
    device = torch.device('cuda' if a.device == 'auto' and torch.cuda.is_available() else ('cpu' if a.device == 'auto' else a.device))
    model = Nb201Network(ops, a.channels, a.cells, d['shape'][0], d['classes'], d['mean'], d['std']).to(device)
    params = sum(q.numel() for q in model.parameters())
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    steps_per_epoch = (len(x) + a.batch - 1) // a.batch
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, a.epochs * steps_per_epoch))
    os.makedirs(a.out, exist_ok=True)
    ckpt = os.path.join(a.out, 'checkpoint.pt')
    start = 0
    if os.path.exists(ckpt):
        state = torch.load(ckpt, map_location=device)
        if state.get('arch') == a.arch and state.get('epochs') == a.epochs:
            model.load_state_dict(state['model'])
            opt.load_state_dict(state['opt'])
            sched.load_state_dict(state['sched'])
            start = state['epoch']
            torch.set_rng_state(state['rng'])
    epoch_times = []
    for epoch in range(start, a.epochs):
        te = time.time()
        model.train()
        perm = torch.randperm(len(x))
        total = 0.0
        for i in range(0, len(x), a.batch):
            b = perm[i:i + a.batch]
            opt.zero_grad()
            loss = F.cross_entropy(model(x[b].to(device)), y[b].to(device))
            if not torch.isfinite(loss):
                fail(f'the loss became {loss.item()} in epoch {epoch + 1}')
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            sched.step()
            total += loss.item() * len(b)
        epoch_times.append(time.time() - te)
        print(f'epoch {epoch + 1}/{a.epochs}: train loss {total / len(x):.4f} ({time.time() - t0:.1f} s)', file=sys.stderr, flush=True)
        tmp = ckpt + '.tmp'
        torch.save({'arch': a.arch, 'epochs': a.epochs, 'epoch': epoch + 1, 'model': model.state_dict(), 'opt': opt.state_dict(), 'sched': sched.state_dict(), 'rng': torch.get_rng_state()}, tmp)
        os.replace(tmp, ckpt)
    val = accuracy(model, vx, vy, device)
    test = None if a.no_test else accuracy(model, as_x(te_x), as_y(te_y), device)
    model.eval().cpu()  # exported from the CPU, whatever trained it
    onnx_path = os.path.join(a.out, 'model.onnx')
    tmp = onnx_path + '.tmp'
    kw = {'dynamo': False} if int(torch.__version__.split('.')[0]) >= 2 else {}
    warnings.filterwarnings('ignore', category=DeprecationWarning)  # the exporter's notice about its successor
    torch.onnx.export(model, torch.zeros(1, *d['shape']), tmp, input_names=['input'], output_names=['logits'], dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, opset_version=13, **kw)
    os.replace(tmp, onnx_path)
    print(json.dumps({'accuracy': round(val, 4), **({} if test is None else {'test_accuracy': round(test, 4)}), 'params': params, 'seconds': round(time.time() - t0, 2), 'epoch_seconds': round(sum(epoch_times) / len(epoch_times), 2) if epoch_times else None, 'epochs': a.epochs, 'train_images': len(x), 'onnx': os.path.abspath(onnx_path), 'torch': torch.__version__, 'device': str(device)}))


if __name__ == '__main__':
    main()

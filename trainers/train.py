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


class Nb201Body(nn.Module):
    """The NB201 macro network: stem Conv3x3+BN, 3 stages of N cells at C, 2C, 4C channels with
    residual reductions between them, final BN+ReLU, global average pooling, a linear classifier."""

    def __init__(self, ops, channels, cells, in_channels, classes):
        super().__init__()
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
        return self.head(self.body(x))


class Normalised(nn.Module):
    """A network with the dataset's normalisation inside, so the exported model takes pixels in [0, 1]."""

    def __init__(self, body, mean, std):
        super().__init__()
        self.register_buffer('mean', torch.tensor(mean).reshape(1, -1, 1, 1))
        self.register_buffer('std', torch.tensor(std).reshape(1, -1, 1, 1))
        self.body = body

    def forward(self, x):
        return self.body((x - self.mean) / self.std)


def baseline(name, in_channels, size, classes):
    """Hand-designed small CNNs of Fashion-MNIST's benchmark table, as reference points for a search:
    '2conv' (the table's '2 Conv <100K parameters'): two 5x5 conv-ReLU-maxpool layers (32, 64) and a
    linear classifier; '2conv-pool-bn' (the table's '2 Conv+pooling+BN'): two 3x3 conv-BN-ReLU-maxpool
    layers (32, 64), dropout 0.25, a 128-unit hidden layer, dropout 0.5, a linear classifier."""
    flat = 64 * (size // 4) * (size // 4)
    if name == '2conv':
        return nn.Sequential(nn.Conv2d(in_channels, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(flat, classes))
    return nn.Sequential(nn.Conv2d(in_channels, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(), nn.Linear(flat, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, classes))


# NAS-Bench-101 (model_builder.py of the benchmark): conv3x3-BN-ReLU stem; stacks of cells with a 2x2
# max-pool and doubled channels between them; global average pooling; a linear classifier.
NB101_OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3']


def parse_nb101(s):
    """The JSON form brp-nas writes: {"matrix": [[0/1...]...], "ops": ["input", ..., "output"]}."""
    try:
        o = json.loads(s)
        m, ops = o['matrix'], o['ops']
    except (ValueError, KeyError, TypeError):
        fail(f'not an NB101 cell (JSON with matrix and ops): {s}')
    n = len(m)
    if n < 2 or len(ops) != n or any(len(r) != n for r in m) or ops[0] != 'input' or ops[-1] != 'output' or any(o not in NB101_OPS for o in ops[1:-1]):
        fail(f'not an NB101 cell: {s}')
    return m, ops


def conv_bn_relu(cin, cout, k):
    return nn.Sequential(nn.Conv2d(cin, cout, k, 1, k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


def nb101_vertex_channels(m, cin, cout):
    """compute_vertex_channels of the benchmark: the output's channels split over the vertices that feed it."""
    n = len(m)
    ch = [0] * n
    ch[0], ch[n - 1] = cin, cout
    if n == 2:
        return ch
    in_deg = sum(m[v][n - 1] for v in range(1, n - 1))
    interior, correction = cout // in_deg, cout % in_deg
    for v in range(1, n - 1):
        if m[v][n - 1]:
            ch[v] = interior
            if correction:
                ch[v] += 1
                correction -= 1
    for v in range(n - 3, 0, -1):
        if not m[v][n - 1]:
            for d in range(v + 1, n - 1):
                if m[v][d]:
                    ch[v] = max(ch[v], ch[d])
    return ch


class Nb101Cell(nn.Module):
    def __init__(self, m, ops, cin, cout):
        super().__init__()
        self.m, self.n = m, len(m)
        self.ch = nb101_vertex_channels(m, cin, cout)
        n, ch = self.n, self.ch
        self.proj = nn.ModuleDict({str(t): conv_bn_relu(cin, ch[t], 1) for t in range(1, n - 1) if m[0][t]})
        self.ops = nn.ModuleDict({str(t): (conv_bn_relu(ch[t], ch[t], 3) if ops[t] == 'conv3x3-bn-relu' else conv_bn_relu(ch[t], ch[t], 1) if ops[t] == 'conv1x1-bn-relu' else nn.MaxPool2d(3, 1, 1)) for t in range(1, n - 1)})
        feeds = [t for t in range(1, n - 1) if m[t][n - 1]]
        self.out_proj = conv_bn_relu(cin, cout, 1) if not feeds or m[0][n - 1] else None

    def forward(self, x):
        m, n, ch = self.m, self.n, self.ch
        states = [x]
        outs = []
        for t in range(1, n - 1):
            ins = [states[s][:, :ch[t]] for s in range(1, t) if m[s][t]]
            if m[0][t]:
                ins.append(self.proj[str(t)](x))
            states.append(self.ops[str(t)](sum(ins)))
            if m[t][n - 1]:
                outs.append(states[t])
        if not outs:
            return self.out_proj(x)
        y = outs[0] if len(outs) == 1 else torch.cat(outs, 1)
        return y + self.out_proj(x) if self.out_proj is not None else y


class Nb101Network(nn.Module):
    def __init__(self, m, ops, stem, cells, in_channels, classes):
        super().__init__()
        layers = [conv_bn_relu(in_channels, stem, 3)]
        cin = c = stem
        for s in range(3):
            if s > 0:
                layers.append(nn.MaxPool2d(2, 2))
                c *= 2
            for _ in range(cells):
                layers.append(Nb101Cell(m, ops, cin, c))
                cin = c
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes))

    def forward(self, x):
        return self.head(self.body(x))


# DARTS (NetworkCIFAR of the DARTS code, without the auxiliary head and drop path): a 3x3 conv-BN stem
# to 3C channels; `layers` cells, those at layers/3 and 2*layers/3 reducing (channels doubled, stride 2
# on the cell inputs); global average pooling; a linear classifier.
DARTS_OPS = ['max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5', 'none']


def parse_darts(s):
    """Genotype(normal=[('op', input), ...x8], normal_concat=[2, 3, 4, 5], reduce=[...], reduce_concat=[2, 3, 4, 5])."""
    import re
    cells = []
    for part in ('normal', 'reduce'):
        mt = re.search(part + r'=\[([^\]]*)\]', s)
        pairs = re.findall(r"\(\s*'([a-z_0-9]+)'\s*,\s*(\d+)\s*\)", mt.group(1)) if mt else []
        if len(pairs) != 8 or any(op not in DARTS_OPS for op, _ in pairs) or any(int(i) >= 2 + e // 2 for e, (_, i) in enumerate(pairs)):
            fail(f'not a DARTS genotype (8 (op, input) pairs per cell): {s}')
        cells.append([(op, int(i)) for op, i in pairs])
    return cells


class FactorizedReduce(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.relu = nn.ReLU()
        self.c1 = nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
        self.c2 = nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        x = self.relu(x)
        return self.bn(torch.cat([self.c1(x), self.c2(x[:, :, 1:, 1:])], 1))


class DartsZero(nn.Module):
    def __init__(self, stride):
        super().__init__()
        self.stride = stride

    def forward(self, x):
        return x[:, :, ::self.stride, ::self.stride].mul(0.0)


def darts_op(name, c, stride):
    if name == 'max_pool_3x3':
        return nn.MaxPool2d(3, stride, 1)
    if name == 'avg_pool_3x3':
        return nn.AvgPool2d(3, stride, 1, count_include_pad=False)
    if name == 'skip_connect':
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c)
    if name == 'none':
        return DartsZero(stride)
    k = 3 if name.endswith('3x3') else 5
    if name.startswith('sep'):
        return nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, k, stride, k // 2, groups=c, bias=False), nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c),
                             nn.ReLU(), nn.Conv2d(c, c, k, 1, k // 2, groups=c, bias=False), nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c))
    return nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, k, stride, k - 1, dilation=2, groups=c, bias=False), nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c))


class DartsCell(nn.Module):
    def __init__(self, cell, cpp, cp, c, reduction, reduction_prev):
        super().__init__()
        self.pre0 = FactorizedReduce(cpp, c) if reduction_prev else ReLUConvBN(cpp, c, 1)
        self.pre1 = ReLUConvBN(cp, c, 1)
        self.inputs = [i for _, i in cell]
        self.ops = nn.ModuleList([darts_op(op, c, 2 if reduction and i < 2 else 1) for op, i in cell])

    def forward(self, s0, s1):
        states = [self.pre0(s0), self.pre1(s1)]
        for k in range(4):
            states.append(self.ops[2 * k](states[self.inputs[2 * k]]) + self.ops[2 * k + 1](states[self.inputs[2 * k + 1]]))
        return torch.cat(states[2:], 1)


class DartsNetwork(nn.Module):
    def __init__(self, genotype, channels, layers, in_channels, classes):
        super().__init__()
        normal, reduce = genotype
        stem = 3 * channels
        self.stem = nn.Sequential(nn.Conv2d(in_channels, stem, 3, 1, 1, bias=False), nn.BatchNorm2d(stem))
        cpp, cp, c = stem, stem, channels
        self.cells = nn.ModuleList()
        reduction_prev = False
        for i in range(layers):
            reduction = i in (layers // 3, 2 * layers // 3)
            if reduction:
                c *= 2
            self.cells.append(DartsCell(reduce if reduction else normal, cpp, cp, c, reduction, reduction_prev))
            reduction_prev = reduction
            cpp, cp = cp, 4 * c
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cp, classes))

    def forward(self, x):
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return self.head(s1)


def space_network(space, arch, channels, cells, in_channels, classes):
    """The space's network for an architecture string (channels and cells: the space's width and depth)."""
    if space == 'nb101':
        m, ops = parse_nb101(arch)
        return Nb101Network(m, ops, channels, cells, in_channels, classes)
    if space == 'darts':
        return DartsNetwork(parse_darts(arch), channels, cells, in_channels, classes)
    return Nb201Body(parse_nb201(arch), channels, cells, in_channels, classes)


def accuracy(model, x, y, device, batch=512):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += (model(x[i:i + batch].to(device)).argmax(1).cpu() == y[i:i + batch]).sum().item()
    return 100.0 * correct / len(x)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--space', default='nb201', choices=['nb201', 'nb101', 'darts'])
    p.add_argument('--arch', help='the architecture (required unless --baseline)')
    p.add_argument('--baseline', choices=['2conv', '2conv-pool-bn'], help='train a hand-designed CNN instead of an architecture of the space')
    p.add_argument('--dataset', default='fashion-mnist', choices=sorted(DATASETS))
    p.add_argument('--dataset-dir')
    p.add_argument('--out', required=True)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--train-images', type=int, default=None, help='default: all the training images but the validation ones')
    p.add_argument('--val-images', type=int, default=None, help='default: a sixth of the training images (10,000 of 60,000 for Fashion-MNIST, 8,333 of 50,000 for CIFAR-10)')
    p.add_argument('--channels', type=int, default=None, help='width: NB201 C (16), NB101 stem channels (128), DARTS C (36)')
    p.add_argument('--cells', type=int, default=None, help='depth: NB201 cells per stage (5), NB101 cells per stack (3), DARTS cells (20)')
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
    if a.baseline is None and not a.arch:
        fail('--arch ARCH or --baseline NAME is required')
    width, depth = {'nb201': (16, 5), 'nb101': (128, 3), 'darts': (36, 20)}[a.space]
    a.channels = a.channels or width
    a.cells = a.cells or depth
    if a.device == 'cuda' and not torch.cuda.is_available():
        fail(f'--device cuda: this torch ({torch.__version__}) sees no GPU')
    device = torch.device('cuda' if a.device == 'auto' and torch.cuda.is_available() else ('cpu' if a.device == 'auto' else a.device))
    body = baseline(a.baseline, d['shape'][0], d['shape'][1], d['classes']) if a.baseline else space_network(a.space, a.arch, a.channels, a.cells, d['shape'][0], d['classes'])
    # the normalisation inside: the exported model takes pixels in [0, 1]
    model = Normalised(body, d['mean'], d['std']).to(device)
    a.arch = a.arch or f'baseline:{a.baseline}'
    params = sum(q.numel() for q in model.parameters())
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    steps_per_epoch = (len(x) + a.batch - 1) // a.batch
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, a.epochs * steps_per_epoch))
    os.makedirs(a.out, exist_ok=True)
    ckpt = os.path.join(a.out, 'checkpoint.pt')
    start = 0
    # a checkpoint continues only the same training: every option that shapes it must match
    config = {k: getattr(a, k) for k in ('space', 'arch', 'baseline', 'dataset', 'seed', 'epochs', 'train_images', 'val_images', 'channels', 'cells', 'batch', 'lr')}
    if os.path.exists(ckpt):
        try:
            state = torch.load(ckpt, map_location=device)
            if state.get('config') != config or set(state['model']) != set(model.state_dict()):
                raise ValueError('it is of another training (other options or an older trainer)')
            model.load_state_dict(state['model'])
            opt.load_state_dict(state['opt'])
            sched.load_state_dict(state['sched'])
            start = state['epoch']
            torch.set_rng_state(state['rng'])
        except Exception as e:  # a torn, foreign or older checkpoint: train from the start
            print(f'brp-nas trainer: {ckpt} not resumed ({str(e).splitlines()[0][:200]}); training from the start', file=sys.stderr, flush=True)
            start = 0
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
        torch.save({'config': config, 'arch': a.arch, 'epochs': a.epochs, 'epoch': epoch + 1, 'model': model.state_dict(), 'opt': opt.state_dict(), 'sched': sched.state_dict(), 'rng': torch.get_rng_state()}, tmp)
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
    print(json.dumps({'accuracy': round(val, 4), **({} if test is None else {'test_accuracy': round(test, 4)}), 'params': params, 'seconds': round(time.time() - t0, 2), **({'epoch_seconds': round(sum(epoch_times) / len(epoch_times), 2)} if epoch_times else {}), 'epochs': a.epochs, 'train_images': len(x), 'onnx': os.path.abspath(onnx_path), 'torch': torch.__version__, 'device': str(device)}))


if __name__ == '__main__':
    main()

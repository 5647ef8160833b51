#!/usr/bin/python3
"""PyTorch's FlopCounterMode (forward, and around a training step), ultralytics-thop, calflops and
paddle.flops, run on real models: the record the counting issue's test compares the tool with.

Usage (Debian's python3 with python3-torch and python3-torchvision, after npm run build):

    /usr/bin/python3 scripts/pytorch/flop_counts.py TOOLS_DIR test/fixtures/counts2/flop-counts.json

TOOLS_DIR as for counts2.py (ultralytics-thop's and calflops' sources, as fetch brings them);
TIMM_SRC the folder holding timm/ (record.py's timm cases, and timm's BlurPool2d for the rows).

The models:
- `source`: each case of record.py (torchvision's own classes; timm's, Keras' and the CIFAR
  networks' structures built from torch.nn as record.py does), at the case's input;
- `preset`: every preset, at its default input (batch 1) and at an odd input (batch 2), and
- `random`: random networks (80 seeded draws of a preset's design with random depths, widths,
  classes, stride placement, batch and input; those the config rules or the trace refuse are passed
  over), both built by `FromRows` from the rows the built
  library traces (scripts/pytorch/specs.mjs): one torch module per row, of the class the
  network's source uses for it (nn.Conv2d, nn.ReLU or F.relu, timm's AvgPool2dSame as a subclass of
  nn.AvgPool2d that pads first, `out += x` or torch.add, ...), called in the rows' order.

The counters:
- FlopCounterMode. Debian's PyTorch (1.13) predates torch.utils.flop_counter (2.1), so
  `FlopCounter` below is a TorchDispatchMode (1.13 has it) with that module's formulas for the
  aten operators it counts (mm, addmm, bmm, convolution, convolution_backward; read from
  torch/utils/flop_counter.py): the operators, their shapes and convolution_backward's
  output_mask are PyTorch 1.13's own. Its figures for ResNet-50 (8,178,368,512 forward,
  24,299,077,632 with the backward) and ResNeXt-50 32x4d's training step (39,481,933,824) are
  the ones FlopCounterMode printed on PyTorch 2.13 (issue #32). The forward is also attributed to
  the innermost module running (ModuleTracker's parents, leaf level), for the per-row figures.
  The training step: the model in eval mode (BatchNorm's batch statistics would refuse a 1×1
  map of batch 1; the operators counted are the same), an input that needs no grad,
  `output.sum().backward()`.
- Every counter runs on the meta device (shapes, no arithmetic: seconds instead of an hour);
  PyTorch 1.13 has no meta kernel for convolution_backward (nor reflection_pad2d_backward), so the
  counter's mode answers it with gradients of the input's, weight's and bias' shapes. ResNet-50's figures are the same on the CPU.
- ultralytics-thop and calflops as counts2.py runs them (their own code, from TOOLS_DIR).
- paddle.flops: Paddle is not installable here; `paddle_flops` applies the hooks of
  python/paddle/hapi/dynamic_flops.py (read from Paddle's source) to the same torch modules,
  matched by exact class as Paddle's `register_hooks` lookup matches them (Conv1D, Conv2D,
  BatchNorm2D, Linear, AvgPool2D, AdaptiveAvgPool2D; every other layer 0), with Paddle's arithmetic (the conv's
  float product, truncated). Paddle sums int32 buffers; `paddle-flops-int32` is that sum wrapped
  as Paddle prints it (ResNet-50's published -183,452,672).
"""
import json
import math
import os
import random
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import counts2  # noqa: E402
from counts2 import calculate_flops, thop  # noqa: E402  (ultralytics-thop and calflops, from TOOLS_DIR)
from record import LambdaLayer, build, cases  # noqa: E402

OUT = sys.argv[2]
aten = torch.ops.aten


# --- FlopCounterMode's formulas -------------------------------------------------------------------

def conv_flops(x, w, out, transposed):
    """2 × output positions × kernel × batch × c_out × c_in/groups (the transposed case walks the input's positions)."""
    c_out, c_in, *kernel = w
    return math.prod((x if transposed else out)[2:]) * math.prod(kernel) * x[0] * c_out * c_in * 2


def mm_flops(a, b):
    return a[0] * b[1] * 2 * a[1]


def swap(shape):
    return [shape[1], shape[0], *shape[2:]]


def conv_backward_flops(args, out):
    grad_out, x, w, transposed, mask = args[0].shape, args[1].shape, args[2].shape, args[7], args[10]
    total = 0
    if mask[0]:
        total += conv_flops(grad_out, w, out[0].shape, not transposed)
    if mask[1]:
        g = out[1].shape
        total += conv_flops(swap(grad_out), swap(x), swap(g), False) if transposed else conv_flops(swap(x), swap(grad_out), swap(g), False)
    return total


FORMULAS = {
    aten.mm: lambda a, out: mm_flops(a[0].shape, a[1].shape),
    aten.addmm: lambda a, out: mm_flops(a[1].shape, a[2].shape),
    aten.bmm: lambda a, out: a[0].shape[0] * mm_flops(a[0].shape[1:], a[1].shape[1:]),
    aten.convolution: lambda a, out: conv_flops(a[0].shape, a[1].shape, out.shape, a[6]),
    aten._convolution: lambda a, out: conv_flops(a[0].shape, a[1].shape, out.shape, a[6]),
    aten.convolution_backward: conv_backward_flops,
}


class FlopCounter(TorchDispatchMode):
    """Counts the formulas' operators; `rows` has the forward's by innermost running module."""

    def __init__(self, model):
        self.total = 0
        self.rows = {}
        self.running = []
        names = {m: n for n, m in model.named_modules()}
        self.handles = [m.register_forward_pre_hook(lambda m, i, n=n: self.running.append(n)) for m, n in names.items()]
        self.handles += [m.register_forward_hook(self.leave) for m in names]

    def leave(self, module, inputs, output):
        self.running.pop()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if func is aten.convolution_backward.default and args[0].is_meta:
            # PyTorch 1.13 has no meta kernel for it: gradients shaped as the input, weight and bias
            mask = args[10]
            out = (torch.empty_like(args[1]) if mask[0] else None, torch.empty_like(args[2]) if mask[1] else None,
                   torch.empty(args[2].shape[0], device='meta') if mask[2] else None)
        elif func is aten.reflection_pad2d_backward.default and args[0].is_meta:
            # nor for the blur pool's reflection pad: a gradient shaped as its input (no formula counts it)
            out = torch.empty_like(args[1])
        else:
            out = func(*args, **(kwargs or {}))
        formula = FORMULAS.get(func._overloadpacket)
        if formula:
            flops = formula(args, out)
            self.total += flops
            if self.running:
                self.rows[self.running[-1]] = self.rows.get(self.running[-1], 0) + flops
        return out

    def close(self):
        for h in self.handles:
            h.remove()


def flop_counter(model, x):
    model.eval()
    counter = FlopCounter(model)
    with torch.no_grad(), counter:
        model(x)
    forward, rows = counter.total, counter.rows
    counter.close()
    train = FlopCounter(model)
    with train:
        model(x).sum().backward()
    train.close()
    model.zero_grad(set_to_none=True)
    return forward, train.total, rows


# --- paddle.flops' hooks ---------------------------------------------------------------------------

def paddle_layer(m, x, y):
    t = type(m)
    # Paddle's table has Conv1D, Conv2D and Conv3D (count_convNd), BatchNorm2D and the legacy BatchNorm
    if t is nn.Conv2d or t is nn.Conv1d or t is nn.Conv3d:
        total = int(y.numel()) * (x.shape[1] / m.groups * np.prod(m.weight.shape[2:]) + (1 if m.bias is not None else 0))
    elif t is nn.BatchNorm2d:
        total = 2 * x.numel()
    elif t is nn.Linear:
        # Paddle's Linear weight is [in, out]: its weight.shape[0] is in_features
        total = m.in_features * y.numel()
    elif t is nn.AvgPool2d:
        return int(y.numel())
    elif t is nn.AdaptiveAvgPool2d:
        kernel = np.array(x.shape[2:]) // np.array(y.shape[2:])
        total = float(np.prod(kernel) + 1) * y.numel()
    else:
        return 0
    return abs(int(total))


def paddle_flops(model, x):
    total = [0]
    leaves = [m for m in model.modules() if not list(m.children())]
    handles = [m.register_forward_hook(lambda m, i, o: total.__setitem__(0, total[0] + paddle_layer(m, i[0], o))) for m in leaves]
    with torch.no_grad():
        model.eval()(x)
    for h in handles:
        h.remove()
    wrapped = (total[0] + 2**31) % 2**32 - 2**31
    return total[0], wrapped


# --- models from the traced rows -------------------------------------------------------------------

class AvgPool2dSame(nn.AvgPool2d):
    """timm's: pads (asymmetrically where it must), then average-pools without padding."""

    def __init__(self, kernel, stride, padding, ceil_mode, count_include_pad):
        super().__init__(kernel, stride, 0, ceil_mode, count_include_pad)
        self.pad = padding

    def forward(self, x):
        x = F.pad(x, self.pad)
        return F.avg_pool2d(x, self.kernel_size, self.stride, 0, self.ceil_mode, self.count_include_pad)


def pads(p):
    """[[before, after] per axis] → F.pad's (last axis first: left, right, top, bottom, …), and whether it is symmetric."""
    return tuple(x for axis in reversed(p) for x in axis), all(a == b for a, b in p)


def symmetric_padding(p):
    """A module's padding argument from symmetric [[before, after] per axis]."""
    return tuple(a for a, _ in p)


class Conv3DSimple(nn.Conv3d):
    """torchvision's video conv classes: subclasses of nn.Conv3d (the tools that match classes exactly do not see them)."""


class Conv3DNoTemporal(nn.Conv3d):
    pass


CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
BN = {1: nn.BatchNorm1d, 2: nn.BatchNorm2d, 3: nn.BatchNorm3d}
MAX_POOL = {1: nn.MaxPool1d, 2: nn.MaxPool2d, 3: nn.MaxPool3d}
ADAPTIVE = {1: nn.AdaptiveAvgPool1d, 2: nn.AdaptiveAvgPool2d, 3: nn.AdaptiveAvgPool3d}


def option_a(s):
    (sh, sw), (before, after) = s['stride'], s['channels']
    return lambda x: F.pad(x[:, :, ::sh, ::sw], (0, 0, 0, 0, before, after))


def module_of(row):
    """The module a row's source calls (None where it is a tensor operation or a function)."""
    s = row['spec']
    kind = s['kind']
    if kind == 'conv2d' and s.get('standardized'):
        p, symmetric = pads(s['padding'])
        return timm_layers().StdConv2d(s['inChannels'], s['outChannels'], s['kernel'][0], s['stride'][0], (p[2], p[0]) if symmetric else 0,
                                       s['dilation'][0], s['groups'], s['bias'], eps=1e-8)
    if kind == 'conv2d':
        _, symmetric = pads(s['padding'])
        cls = {'Conv3DSimple': Conv3DSimple, 'Conv3DNoTemporal': Conv3DNoTemporal}.get(s.get('subclass'), CONV[len(s['kernel'])])
        padding = 'same' if s.get('same') else symmetric_padding(s['padding']) if symmetric else 0
        return cls(s['inChannels'], s['outChannels'], s['kernel'], s['stride'], padding, s['dilation'], s['groups'], s['bias'])
    if kind == 'batchnorm2d' and s.get('act'):
        return timm_layers().BatchNormAct2d(s['channels'])
    if kind == 'batchnorm2d':
        return BN[s.get('dims', 2)](s['channels'])
    if kind == 'groupnorm' and s.get('act'):
        return timm_layers().GroupNormAct(s['channels'], s['groups'])
    if kind == 'groupnorm' and s.get('timm'):
        return timm_layers().GroupNorm(s['channels'], s['groups'])
    if kind == 'radixsoftmax':
        timm_layers()
        from timm.layers.split_attn import RadixSoftmax
        return RadixSoftmax(s['radix'], s['groups'])
    if kind == 'constantpad2d':
        p = s['padding']
        return nn.ConstantPad2d((p[1][0], p[1][1], p[0][0], p[0][1]), 0.0)
    if kind == 'relu':
        return None if s.get('functional') else nn.ReLU(inplace=False)
    if kind == 'maxpool2d':
        _, symmetric = pads(s['padding'])
        return MAX_POOL[len(s['kernel'])](s['kernel'], s['stride'], symmetric_padding(s['padding']) if symmetric else 0, s['dilation'], ceil_mode=s['ceilMode'])
    if kind == 'avgpool2d':
        p, symmetric = pads(s['padding'])
        if not symmetric:
            return AvgPool2dSame(s['kernel'], s['stride'], p, s['ceilMode'], s['countIncludePad'])
        return nn.AvgPool2d(s['kernel'], s['stride'], symmetric_padding(s['padding']), s['ceilMode'], s['countIncludePad'])
    if kind == 'identity':
        return nn.Identity()
    if kind == 'adaptiveavgpool2d':
        return ADAPTIVE[len(s['outputSize'])](tuple(s['outputSize']))
    if kind == 'linear':
        return nn.Linear(s['inFeatures'], s['outFeatures'], s['bias'])
    if kind == 'channelpad':
        return LambdaLayer(option_a(s))
    if kind == 'sigmoid':
        return None if s.get('functional') else nn.Sigmoid()
    if kind == 'dropout':
        return None if s.get('functional') else nn.Dropout(s['p'], inplace=s['inplace'])
    if kind == 'prelu':
        return nn.PReLU(s['parameters'])
    if kind == 'batchnorm1d':
        return nn.BatchNorm1d(s['features'])
    if kind == 'groupnorm':
        return nn.GroupNorm(s['groups'], s['channels'])
    if kind == 'channelconv':
        return nn.Conv1d(1, 1, s['kernel'], padding=(s['kernel'] - 1) // 2, bias=False)
    if kind == 'blurpool2d':
        return timm_layers().BlurPool2d(s['channels'], s['kernel'], s['stride'])
    return None


def timm_layers():
    """timm's layers (its source in TIMM_SRC, as record.py's timm cases take it)."""
    src = os.environ.get('TIMM_SRC')
    if src and src not in sys.path:
        sys.path.insert(0, src)
    import timm.layers
    return timm.layers


class FromRows(nn.Module):
    """The traced rows as a torch module: one submodule per module path, called in the rows' order."""

    def __init__(self, rows):
        super().__init__()
        self.rows = rows
        self.calls = []
        made = {}
        for row in rows:
            name = row['name']
            if name not in made:
                made[name] = module_of(row)
                if made[name] is not None:
                    parent = self
                    *path, leaf = name.split('.')
                    for part in path:
                        if not hasattr(parent, part):
                            parent.add_module(part, nn.Module())
                        parent = getattr(parent, part)
                    parent.add_module(leaf, made[name])
            self.calls.append(made[name])

    def forward(self, x):
        outs = []
        for row, module in zip(self.rows, self.calls):
            s = row['spec']
            src = x if s['from'] < 0 else outs[s['from']]
            kind = s['kind']
            if kind == 'conv2d' or kind == 'maxpool2d':
                p, symmetric = pads(s['padding'])
                if not symmetric and not s.get('same'):
                    src = F.pad(src, p, value=0.0 if kind == 'conv2d' else -math.inf)
                y = module(src)
            elif module is not None:
                y = module(src)
            elif kind == 'relu':
                y = F.relu(src)
            elif kind == 'add':
                other = x if s['shortcut'] < 0 else outs[s['shortcut']]
                if s.get('outOfPlace') == 'operator':
                    y = src + other
                elif s.get('outOfPlace'):
                    y = torch.add(src, other)
                else:
                    y = src.clone()  # the tensor `out += identity` updates (a clone: earlier rows' outputs stay)
                    y += other
            elif kind == 'flatten':
                y = torch.flatten(src, 1)
            elif kind == 'widthpool2d':
                k = s.get('window') or src.shape[2 if s.get('height') else 3]
                y = F.avg_pool2d(src, k)
            elif kind == 'sigmoid':
                y = F.sigmoid(src)
            elif kind == 'dropout':
                y = F.dropout(src, s['p'], training=False)
            elif kind == 'mean':
                y = src.mean((2, 3)).view(src.shape[0], 1, -1) if s.get('flat') else src.mean((2, 3), keepdim=True)
            elif kind == 'radixsum':
                r = s['radix']
                y = src.reshape((src.shape[0], r, src.shape[1] // r, src.shape[2], src.shape[3])).sum(dim=1)
            elif kind == 'slice':
                y = torch.split(src, s['channels'], 1)[s['start'] // s['channels']]
            elif kind == 'concat':
                y = torch.cat([src] + [outs[o] for o in s['others']], 1)
            elif kind == 'mul':
                gate = outs[s['gate']]
                y = src * (gate.view(gate.shape[0], -1, 1, 1) if gate.dim() in (2, 3) else gate)
            else:
                raise ValueError(f'no rule for {kind}')
            assert list(y.shape) == row['output'], (row['name'], list(y.shape), row['output'])
            outs.append(y)
        return outs[-1]


def traced_rows(requests):
    r = subprocess.run(['node', os.path.join(HERE, 'specs.mjs')], input=json.dumps(requests), capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(r.stdout)


# each preset's stages and block
PRESETS = json.loads(subprocess.run(
    ['node', '--input-type=module', '-e', "const m = await import('./dist/index.js'); "
     "console.log(JSON.stringify(Object.fromEntries(m.PRESET_NAMES.map((n) => [n, m.presetConfig(n)]).map(([n, c]) => [n, [c.layers.length, c.block, c.dims ?? 2, c.inChannels ?? 3]]))))"],
    capture_output=True, text=True, cwd=ROOT, check=True).stdout)
ODD = ([97, 61], [33, 31], [37, 35], [45, 39], [61, 57], [111, 99], [31, 33])


def preset_requests():
    """Every preset at its own input, and at the first odd input it takes with a batch of 2."""
    return [r for name in PRESETS for r in ({'key': f'preset:{name}@default', 'preset': name, 'overrides': {}, 'inputs': [None]},
                                           {'key': f'preset:{name}@odd', 'preset': name, 'overrides': {}, 'inputs': odd_inputs(*PRESETS[name][2:])})]


def odd_inputs(dims, channels):
    """Odd inputs of a batch of 2 for a network of `dims` spatial axes: a clip of 5 frames, a signal of h·w/16."""
    if dims == 3:
        return [[2, channels, 5, h, w] for h, w in ODD]
    if dims == 1:
        return [[2, channels, h * w // 16] for h, w in ODD]
    return [[2, channels, h, w] for h, w in ODD]


def random_requests(count, seed=32):
    """Random networks: a preset's design with random depths, widths, classes, stride placement, batch
    and input (those the config rules or the trace refuse are passed over)."""
    rng = random.Random(seed)
    requests = []
    for k in range(count):
        name = rng.choice(sorted(PRESETS))
        stages, block, dims, channels = PRESETS[name]
        overrides = {'layers': [rng.randint(1, 2) for _ in range(stages)], 'widths': [8 * rng.randint(1, 6) for _ in range(stages)],
                     'classes': rng.randint(0, 12)}
        if block == 'bottleneck' and rng.random() < 0.5:
            overrides['strideIn1x1'] = True
        shape = [rng.randint(1, 3), channels, rng.randint(8, 72), rng.randint(8, 72)]
        if dims == 3:
            shape[2:2] = [rng.randint(1, 9)]
        elif dims == 1:
            shape[2:] = [shape[2] * shape[3]]
        requests.append({'key': f'random:{k}', 'preset': name, 'overrides': overrides, 'inputs': [shape], 'name': f'{name}-random'})
    return requests


def counts_of(model, shape):
    """Every counter's figure, on the meta device: shapes only, nothing computed (the tools see the same
    modules, operators and shapes as on the CPU: ResNet-50's figures are the same either way)."""
    model = model.to('meta')
    x = torch.zeros(shape, device='meta')
    forward, train, rows = flop_counter(model, x)
    exact, wrapped = paddle_flops(model, x)
    with torch.no_grad():
        macs, params = thop.profile(model, inputs=(x,), verbose=False)
        flops, _, _ = calculate_flops(model=model, args=[x], output_as_string=False, print_results=False, print_detailed=False)
    counts = {'flopcounter': forward, 'flopcounter-train': train, 'ultralytics-thop': int(macs), 'calflops': int(flops),
              'paddle-flops': exact, 'paddle-flops-int32': wrapped}
    return counts, {k: v for k, v in rows.items() if k}, int(params)


def main():
    torch.manual_seed(0)
    tools = {'ultralytics-thop': counts2.commit(counts2.UTHOP), 'calflops': counts2.commit(counts2.CALFLOPS)}
    out = {'torch': torch.__version__, 'tools': tools, 'cases': {}}

    def record(key, entry, model, shape):
        counts, rows, params = counts_of(model, shape)
        entry.update({'input': shape, 'params': params, 'counts': counts, 'flopcounterRows': rows})
        out['cases'][key] = entry
        print(key, counts, flush=True)

    for case in cases():
        if (case['id'].startswith('iresnet') and case['input'][2:] != [112, 112]) or case.get('refused'):
            continue  # an input the network refuses (record.py records where)
        key = f"source:{case['id']}_c{case['classes']}_{'x'.join(map(str, case['input']))}"
        record(key, {'model': 'source', 'case': case}, build(case), case['input'])

    requests = preset_requests() + random_requests(80)
    traced = traced_rows(requests)
    for request in requests:
        found = traced[request['key']]
        if 'rows' not in found:
            continue
        shape = found['input']
        entry = {'model': 'rows', 'preset': request['preset'], 'overrides': request['overrides']}
        record(request['key'], entry, FromRows(found['rows']), shape)
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Record exactly which tensors autograd keeps for backward, as memory fixtures for resnet-shapes.

Run with Debian's python3 (apt-get install python3-torch python3-torchvision):

    /usr/bin/python3 scripts/pytorch/saved_tensors.py test/fixtures/memory [--new [PRESET ...]]

(the timm cases need TIMM_SRC, as record.py's do)

For each case a torchvision model in train mode runs one forward pass and a cross-entropy loss
under torch.autograd.graph.saved_tensors_hooks, in fp32 or under CPU autocast (bfloat16). Every
saved tensor is attributed to the leaf module whose forward was running (the loss to "loss");
its storage is counted once, at the first module that saves it. Parameters, buffers, the input
batch and the targets are not activations and are left out. Bytes are given exact and rounded
as PyTorch's CUDA caching allocator rounds (multiples of 512, at least 512). Nothing here is
produced by resnet-shapes.

Squeeze-and-excitation cases use record.py's re-implementation of timm's SEModule; what its
forward saves outside a leaf module is attributed to the rows resnet-shapes has for those
operations: `<se>.mean` (PyTorch 1.13's mean over dims saves its input) and `<se>.mul`. CIFAR
cases (record.py's akamaster and kuangliu networks) call F.relu and F.avg_pool2d in their
forward: what those save is attributed to `<block>.relu` (`relu` in the stem) and `avg_pool2d`,
as resnet-shapes names those rows.

In bfloat16 the model is CUDA's autocast, and PyTorch 1.13's CPU autocast differs from it in five
operators: CPU runs reflection_pad2d and adaptive_avg_pool3d in fp32 and refuses a bfloat16
group_norm where CUDA runs the pad and the pool in the input's dtype and group_norm in fp32, and it
runs sum and softmax in bfloat16 where CUDA runs them in fp32. Those five are run here as CUDA runs them (the pad computed in fp32 and given back in
the input's dtype, keeping its input as its backward does; the other three with autocast off on an
fp32 copy). timm's models (TIMM_SRC, as record.py) are hooked as record.py hooks them; what
ResNeSt's split attention saves between its modules goes to `<conv2>.mean` and `<conv2>.mul`.
"""

import json
import os
import sys

import torch
import torch.nn as nn
import torchvision.models as tvm
from torchvision.ops.misc import SqueezeExcitation

import record as models
from record import SEModule, add_se

CIFAR_BLOCKS = (models.CifarBasicBlock, models.KuangliuPreActBlock, models.WrnBlock)


def r512(n):
    return 0 if n == 0 else (n + 511) // 512 * 512


def record(arch, inp, dtype, classes=1000, se=False, preset=None, cifar=None, build=None):
    torch.manual_seed(0)
    if build:
        model = models.build(build)
    elif cifar:
        model = record_cifar(cifar, classes)
    else:
        model = getattr(tvm, arch)(weights=None, num_classes=classes)
    if se:
        add_se(model)
    model.train()
    x = torch.randn(inp)
    y = torch.zeros(inp[0], dtype=torch.long)
    current = ['?']
    inside = [False]

    def enter(name):
        # a forward pre-hook that returns nothing (a value would replace the module's inputs)
        current[0] = name
        inside[0] = True
    for name, module in model.named_modules():
        if models.is_leaf(name, module, model):
            module.register_forward_pre_hook(lambda m, a, name=name: enter(name))
            module.register_forward_hook(lambda m, a, o: inside.__setitem__(0, False))
        if isinstance(module, SqueezeExcitation):
            # torchvision's SE (RegNetY): `scale * input` right after its scale_activation
            module.scale_activation.register_forward_hook(lambda m, a, o, name=name: current.__setitem__(0, f'{name}.mul'))
        # record.py's re-implementations, and timm's own (#27's models from timm's source)
        if type(module).__name__ == 'SplitAttn':
            # after act0: the radix sum (keeps nothing), then the mean (keeps its input); after rsoftmax the product
            module.act0.register_forward_hook(lambda m, a, o, name=name: current.__setitem__(0, f'{name}.mean'))
            module.rsoftmax.register_forward_hook(lambda m, a, o, name=name: current.__setitem__(0, f'{name}.mul'))
        if isinstance(module, (SEModule, models.EcaModule)) or type(module).__name__ in ('SEModule', 'EcaModule'):
            # the mean runs first in the SE module's forward; the product right after its gate
            module.register_forward_pre_hook(lambda m, a, name=name: current.__setitem__(0, f'{name}.mean'))
            module.gate.register_forward_hook(lambda m, a, o, name=name: current.__setitem__(0, f'{name}.mul'))
    block = ['']
    for name, module in model.named_modules():
        if isinstance(module, CIFAR_BLOCKS):
            module.register_forward_pre_hook(lambda m, a, name=name: block.__setitem__(0, name))
            module.register_forward_hook(lambda m, a, o: block.__setitem__(0, ''))
    relu, avg_pool2d, sigmoid, dropout = nn.functional.relu, nn.functional.avg_pool2d, torch.sigmoid, nn.functional.dropout

    def at(name):
        return f'{block[0]}.{name}' if block[0] else name

    # a call in a model's forward, not one a module (nn.ReLU, nn.AvgPool2d) makes inside its own
    def functional_relu(x, inplace=False):
        if not inside[0]:
            current[0] = at('relu')
        return relu(x, inplace=inplace)

    def functional_avg_pool2d(*args, **kwargs):
        if not inside[0]:
            current[0] = at('avg_pool2d')
        return avg_pool2d(*args, **kwargs)

    # kuangliu's SE gate: the product `out * w` comes right after it
    def functional_sigmoid(x):
        if not inside[0]:
            current[0] = at('sigmoid')
        y = sigmoid(x)
        if not inside[0]:
            current[0] = at('mul')
        return y

    # xternalz's F.dropout: run as CUDA runs it in training (native_dropout: a bool mask kept for
    # backward; the CPU's own path keeps a float noise tensor instead), as resnet-shapes models the GPU
    def functional_dropout(x, p=0.5, training=True, inplace=False):
        if inside[0] or not training or p == 0 or inplace:
            return dropout(x, p, training, inplace)
        current[0] = at('dropout')
        return torch.native_dropout(x, p, True)[0]

    # CPU autocast runs reflection_pad2d in fp32 (its fp32 list), CUDA's in the input's dtype (no pad
    # is in its lists): a blur pool's pad is run here as CUDA runs it (CPU 1.13 has no bfloat16
    # reflection pad: computed in fp32, given back in the input's dtype), keeping its input as
    # reflection_pad2d's backward does
    pad = nn.functional.pad

    class CudaPad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, padding, mode):
            ctx.save_for_backward(x)
            with torch.autocast('cpu', enabled=False):
                return pad(x.float(), padding, mode=mode).to(x.dtype)

    def cuda_pad(x, padding, mode='constant', value=None):
        if mode != 'reflect':
            return pad(x, padding, mode, value)  # a constant pad is in no autocast list, and keeps nothing
        return CudaPad.apply(x, padding, mode)

    # CUDA's autocast runs group_norm, sum and softmax in fp32 (its float32 list); CPU's 1.13 runs sum
    # and softmax in bfloat16 and refuses a bfloat16 group_norm: here they run as CUDA runs them
    group_norm, softmax, tensor_sum = nn.functional.group_norm, nn.functional.softmax, torch.Tensor.sum

    def in_fp32(op):
        def run(x, *args, **kwargs):
            if torch.is_autocast_cpu_enabled() and x.dtype != torch.float32:
                with torch.autocast('cpu', enabled=False):
                    return op(x.float(), *args, **kwargs)
            return op(x, *args, **kwargs)
        return run

    # CPU autocast runs adaptive_avg_pool3d in fp32 (its fp32 list; a video network's head), CUDA's in
    # the input's dtype: run here as CUDA runs it (computed in fp32, given back in the input's dtype),
    # keeping its input as adaptive_avg_pool3d's backward does
    adaptive3d = nn.functional.adaptive_avg_pool3d

    class CudaAdaptivePool3d(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, size):
            ctx.save_for_backward(x)
            with torch.autocast('cpu', enabled=False):
                return adaptive3d(x.float(), size).to(x.dtype)

    def cuda_adaptive3d(x, size):
        return CudaAdaptivePool3d.apply(x, size)

    if dtype != 'float32':
        nn.functional.adaptive_avg_pool3d = cuda_adaptive3d
        nn.functional.pad = cuda_pad
        nn.functional.group_norm, nn.functional.softmax, torch.Tensor.sum = in_fp32(group_norm), in_fp32(softmax), in_fp32(tensor_sum)
    nn.functional.relu, nn.functional.avg_pool2d, nn.functional.dropout = functional_relu, functional_avg_pool2d, functional_dropout
    torch.sigmoid = functional_sigmoid
    excluded = {p.storage().data_ptr() for p in model.parameters()}
    excluded |= {b.storage().data_ptr() for b in model.buffers()}
    excluded |= {x.storage().data_ptr(), y.storage().data_ptr()}
    seen = {}
    order = []

    def pack(t):
        st = t.storage()
        ptr = st.data_ptr()
        if ptr not in excluded and ptr not in seen:
            seen[ptr] = (current[0], st.nbytes(), str(t.dtype).replace('torch.', ''), list(t.shape))
            order.append(ptr)
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        if dtype == 'bfloat16':
            with torch.autocast('cpu', dtype=torch.bfloat16):
                out = model(x)
                current[0] = 'loss'
                loss = nn.functional.cross_entropy(out, y)
        else:
            out = model(x)
            current[0] = 'loss'
            loss = nn.functional.cross_entropy(out, y)
    nn.functional.relu, nn.functional.avg_pool2d, nn.functional.dropout, nn.functional.pad = relu, avg_pool2d, dropout, pad
    nn.functional.adaptive_avg_pool3d = adaptive3d
    nn.functional.group_norm, nn.functional.softmax, torch.Tensor.sum = group_norm, softmax, tensor_sum
    torch.sigmoid = sigmoid
    per_module = {}
    for ptr in order:
        name, nbytes, dt, shape = seen[ptr]
        entry = per_module.setdefault(name, {'bytes': 0, 'allocated': 0, 'tensors': []})
        entry['bytes'] += nbytes
        entry['allocated'] += r512(nbytes)
        entry['tensors'].append({'dtype': dt, 'shape': shape, 'bytes': nbytes})
    return {
        'model': preset or arch,
        'input': inp,
        'classes': classes,
        'dtype': dtype,
        'saved_bytes': sum(v['bytes'] for v in per_module.values()),
        'saved_allocated': sum(v['allocated'] for v in per_module.values()),
        'output_bytes': out.numel() * out.element_size(),
        'loss_bytes': loss.numel() * loss.element_size(),
        'source': f'PyTorch {torch.__version__} saved_tensors_hooks, CPU; scripts/pytorch/saved_tensors.py',
        'modules': per_module,
    }


CASES = [
    ('resnet18', [2, 3, 64, 64], 'float32'),
    ('resnet18', [2, 3, 64, 64], 'bfloat16'),
    ('resnet50', [4, 3, 97, 61], 'float32'),
    ('resnet50', [4, 3, 97, 61], 'bfloat16'),
    ('resnet50', [8, 3, 224, 224], 'float32'),
    ('resnext50_32x4d', [2, 3, 128, 128], 'float32'),
    ('wide_resnet50_2', [2, 3, 112, 112], 'bfloat16'),
    ('resnet34', [3, 3, 225, 193], 'float32'),
    ('seresnet50', [2, 3, 97, 61], 'float32'),
    ('seresnext50_32x4d', [2, 3, 64, 64], 'bfloat16'),
]

SE = {'seresnet50': 'resnet50', 'seresnext50_32x4d': 'resnext50_32x4d'}
CIFAR = {'resnet20_cifar': ('akamaster', 3), 'resnet18_cifar': ('kuangliu', 0), 'preact_resnet18_cifar': ('kuangliu_preact', 0),
         'wrn28_10_cifar': ('wrn', 0), 'preact_resnet164_cifar': ('bearpaw', 0)}
CASES += [
    ('resnet20_cifar', [2, 3, 40, 32], 'float32'),
    ('resnet18_cifar', [2, 3, 32, 32], 'bfloat16'),
    ('preact_resnet18_cifar', [2, 3, 32, 32], 'float32'),
    ('preact_resnet18_cifar', [3, 3, 44, 40], 'bfloat16'),
    ('wrn28_10_cifar', [2, 3, 32, 32], 'float32'),
    ('preact_resnet164_cifar', [2, 3, 36, 32], 'bfloat16'),
]


def record_cifar(cifar, classes):
    kind, n = cifar
    return models.build(dict(cifar=kind, n=n, classes=classes))


# #28's kinds: PReLU, BatchNorm1d and an in-place nn.Dropout(p=0) (IResNet), F.dropout (the Wide ResNet
# with dropRate 0.3), torchvision's SqueezeExcitation and `a + b` (RegNetY), kuangliu's SE (SENet18):
# (preset, input, dtype, record.py's case, the config's overrides)
BUILT = [
    ('iresnet50', [2, 3, 112, 112], 'float32', dict(arch='iresnet', preset='iresnet50', classes=512), {}),
    ('iresnet50', [2, 3, 112, 112], 'bfloat16', dict(arch='iresnet', preset='iresnet50', classes=512), {}),
    ('wrn28_10_cifar', [2, 3, 32, 32], 'float32', dict(cifar='wrn', classes=10, dropout=0.3), {'dropout': 0.3}),
    ('regnet_y_400mf', [2, 3, 64, 64], 'float32', dict(arch='regnet', preset='regnet_y_400mf', classes=1000), {}),
    ('senet18_cifar', [2, 3, 40, 44], 'float32', dict(arch='cifar', cifar='kuangliu_se', classes=10), {}),
    # #27, from timm's own models (TIMM_SRC): GroupNorm (timm's resnet50_gn); in bfloat16 run as CUDA's autocast
    # runs it, in fp32 (PyTorch 1.13's CPU autocast runs group_norm on a bfloat16 input with fp32 weights and raises)
    ('resnet50_gn', [2, 3, 64, 64], 'float32', dict(arch='timm', preset='resnet50_gn', classes=1000), {}),
    ('resnet50_gn', [2, 3, 97, 61], 'bfloat16', dict(arch='timm', preset='resnet50_gn', classes=1000), {}),
    # ECA (timm's ecaresnet50d): its Conv1d across the channels
    ('ecaresnet50d', [2, 3, 64, 64], 'float32', dict(arch='timm', preset='ecaresnet50d', classes=1000), {}),
    ('ecaresnet50d', [2, 3, 64, 64], 'bfloat16', dict(arch='timm', preset='ecaresnet50d', classes=1000), {}),
    # #27 from timm's own models (TIMM_SRC): ResNet-RS (its stem's conv pool, SE), the blur pool
    ('resnetrs50', [2, 3, 64, 64], 'float32', dict(arch='timm', preset='resnetrs50', classes=1000), {}),
    ('resnetblur50', [2, 3, 64, 64], 'float32', dict(arch='timm', preset='resnetblur50', classes=1000), {}),
    ('resnetblur50', [2, 3, 64, 64], 'bfloat16', dict(arch='timm', preset='resnetblur50', classes=1000), {}),
    # Res2Net: its split (views), running sums and concatenation, tensor operations that keep nothing
    ('res2net50_26w_4s', [2, 3, 64, 64], 'float32', dict(arch='timm', preset='res2net50_26w_4s', classes=1000), {}),
    ('res2net50_26w_4s', [2, 3, 97, 61], 'bfloat16', dict(arch='timm', preset='res2net50_26w_4s', classes=1000), {}),
    # ResNetV2: BatchNormAct2d (its ReLU in place inside), the sum `x + shortcut`, the conv classifier; BiT:
    # StdConv2d, GroupNormAct, ConstantPad2d
    ('resnetv2_50', [2, 3, 64, 64], 'float32', dict(arch='timm', preset='resnetv2_50', classes=1000), {}),
    ('resnetv2_50', [2, 3, 97, 61], 'bfloat16', dict(arch='timm', preset='resnetv2_50', classes=1000), {}),
    ('resnetv2_50x1_bit', [2, 3, 64, 64], 'float32', dict(arch='timm', preset='resnetv2_50x1_bit', classes=1000), {}),
    ('resnetv2_50x1_bit', [2, 3, 97, 61], 'bfloat16', dict(arch='timm', preset='resnetv2_50x1_bit', classes=1000), {}),
    # ResNeSt: split attention (radix sums, the mean, RadixSoftmax, the weighted sum), avd's average pool
    ('resnest50d', [2, 3, 64, 64], 'float32', dict(arch='timm', preset='resnest50d', classes=1000), {}),
    ('resnest50d', [2, 3, 97, 61], 'bfloat16', dict(arch='timm', preset='resnest50d', classes=1000), {}),
    # #31: torchvision's video ResNets (3-d convs, BatchNorm3d, AdaptiveAvgPool3d; r2plus1d's factorised
    # convs), the 1-d ResNets (record.py's): tsc's padding='same' convs of 8 pad a copy of their input
    ('r3d_18', [2, 3, 4, 32, 32], 'float32', dict(arch='video', preset='r3d_18', classes=400), {}),
    ('r3d_18', [2, 3, 4, 32, 32], 'bfloat16', dict(arch='video', preset='r3d_18', classes=400), {}),
    ('mc3_18', [2, 3, 5, 33, 31], 'float32', dict(arch='video', preset='mc3_18', classes=400), {}),
    ('r2plus1d_18', [2, 3, 4, 32, 32], 'float32', dict(arch='video', preset='r2plus1d_18', classes=400), {}),
    ('r2plus1d_18', [2, 3, 4, 32, 32], 'bfloat16', dict(arch='video', preset='r2plus1d_18', classes=400), {}),
    ('resnet18_1d', [4, 1, 128], 'float32', dict(arch='resnet18_1d', preset='resnet18_1d', classes=1000, input=[4, 1, 128]), {}),
    ('resnet18_1d', [2, 3, 500], 'bfloat16', dict(arch='resnet18_1d', preset='resnet18_1d', classes=1000, input=[2, 3, 500]), {}),
    ('tsc_resnet', [4, 1, 128], 'float32', dict(arch='tsc_resnet', preset='tsc_resnet', classes=1000, input=[4, 1, 128]), {}),
    ('tsc_resnet', [2, 3, 500], 'bfloat16', dict(arch='tsc_resnet', preset='tsc_resnet', classes=1000, input=[2, 3, 500]), {}),
]


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    only = sys.argv[3:]
    for preset, inp, dtype, case, overrides in BUILT:
        if only and preset not in only:
            continue
        data = record(None, inp, dtype, classes=case['classes'], preset=preset, build=case)
        data['overrides'] = overrides
        suffix = '_dropout' if overrides else ''
        path = os.path.join(out_dir, f"{preset}{suffix}_{'x'.join(map(str, inp))}_{dtype}.json")
        with open(path, 'w') as f:
            json.dump(data, f, indent=1)
            f.write('\n')
        print(path, data['saved_allocated'])
    if len(sys.argv) > 2:
        return  # only the cases above (`--new`)
    for arch, inp, dtype in CASES:
        data = record(SE.get(arch, arch), inp, dtype, classes=10 if arch in CIFAR else 1000, se=arch in SE, preset=arch, cifar=CIFAR.get(arch))
        path = os.path.join(out_dir, f"{arch}_{'x'.join(map(str, inp))}_{dtype}.json")
        with open(path, 'w') as f:
            json.dump(data, f, indent=1)
            f.write('\n')
        print(path, data['saved_allocated'])


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'test/fixtures/memory')

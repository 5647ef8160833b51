#!/usr/bin/python3
"""Record PyTorch's own per-layer view of a ResNet, as test fixtures for resnet-shapes.

Run with Debian's python3 (apt-get install python3-torch python3-torchvision):

    /usr/bin/python3 scripts/pytorch/record.py test/fixtures/pytorch [CASE_ID ...]

Each case builds a real torchvision model (no weights), runs one forward pass on zeros under
forward hooks on every leaf module, and writes what PyTorch saw: the module path, type, input
and output shapes, parameter and buffer shapes, and mult-adds (conv: output elements x in/groups
x kh x kw; linear: batch x in x out; else 0), plus the totals. The format is that of
../shared/reference/pytorch/*.json. Nothing here is produced by resnet-shapes.

Variants torchvision has no argument for are made by changing real modules:
- v1 (stride in the first 1x1): the first block of stages 2-4 gets conv1.stride=2, conv2.stride=1;
- timm's deep stem and avg-pool shortcut (ResNet-C/D/S): conv1 becomes Sequential(conv3x3/2, BN,
  ReLU, conv3x3, BN, ReLU, conv3x3) and each downsample Sequential(AvgPool2d(2, 2, ceil_mode=True,
  count_include_pad=False) or Identity, conv1x1, BN), as timm's resnet.py builds them;
- classes=0: fc = Identity (timm's convention);
- squeeze-and-excitation (timm's seresnet50, seresnext50_32x4d): each Bottleneck gets timm's
  SEModule (timm/layers/squeeze_excite.py: mean, fc1 1x1 conv with bias, ReLU, fc2, Sigmoid,
  multiply; its bn is an nn.Identity, left out here) on its output before the residual add, with
  timm's rounding of the squeezed channels (make_divisible(C / 16, 8));
- CIFAR networks, re-implemented from their public sources with their module names:
  akamaster's pytorch_resnet_cifar10 (option A LambdaLayer shortcuts, F.relu, a pool as wide as
  the last map) and kuangliu's pytorch-cifar ResNet18 and PreActResNet18 (64-channel 3x3 stem,
  F.avg_pool2d(out, 4)). Their identity shortcuts are empty nn.Sequential modules where the
  source has them, which forward hooks see as leaf modules.
"""

import json
import math
import os
import sys

import torch
import torch.nn as nn
import torchvision.models as tvm


def to_v1(model):
    for stage in (model.layer2, model.layer3, model.layer4):
        block = stage[0]
        block.conv1.stride = (2, 2)
        block.conv2.stride = (1, 1)
    return model


class AvgPool2dSame(nn.AvgPool2d):
    """timm's 'same'-padded average pool, used on a dilated stage's shortcut (stride 1): pads
    one pixel after, so a 2x2 window keeps the size."""

    def forward(self, x):
        return nn.functional.avg_pool2d(nn.functional.pad(x, (0, 1, 0, 1)), self.kernel_size, self.stride,
                                        0, self.ceil_mode, self.count_include_pad)


def deep_stem(model, width, avg_down, tiered=False):
    in_ch = model.conv1.in_channels
    out = width * 2
    # timm's 'deep_tiered' stem: 3·(w // 4), w, 2w (resnet10t, resnet14t)
    first, second = (3 * (width // 4), width) if tiered else (width, width)
    model.conv1 = nn.Sequential(
        nn.Conv2d(in_ch, first, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(first), nn.ReLU(inplace=True),
        nn.Conv2d(first, second, 3, stride=1, padding=1, bias=False), nn.BatchNorm2d(second), nn.ReLU(inplace=True),
        nn.Conv2d(second, out, 3, stride=1, padding=1, bias=False))
    model.bn1 = nn.BatchNorm2d(out)
    first = model.layer1[0]
    expansion = 4 if isinstance(first, tvm.resnet.Bottleneck) else 1
    inplanes = out
    for stage in (model.layer1, model.layer2, model.layer3, model.layer4):
        block = stage[0]
        planes = block.conv1.out_channels if expansion == 1 else block.conv3.out_channels // expansion
        stride = block.conv1.stride[0] if expansion == 1 else max(block.conv2.stride[0], block.conv1.stride[0])
        outc = planes * expansion
        # first conv of the first block takes the new stem width
        if stage is model.layer1:
            c = block.conv1
            block.conv1 = nn.Conv2d(inplanes, c.out_channels, c.kernel_size, c.stride, c.padding, c.dilation, c.groups, bias=False)
        dilation = stage[-1].conv2.dilation[0]
        if stride != 1 or inplanes != outc:
            if avg_down:
                if stride > 1:
                    pool = nn.AvgPool2d(2, stride, ceil_mode=True, count_include_pad=False)
                elif dilation > 1:
                    pool = AvgPool2dSame(2, 1, ceil_mode=True, count_include_pad=False)
                else:
                    pool = nn.Identity()
                block.downsample = nn.Sequential(pool, nn.Conv2d(inplanes, outc, 1, stride=1, bias=False), nn.BatchNorm2d(outc))
            else:
                block.downsample = nn.Sequential(nn.Conv2d(inplanes, outc, 1, stride=stride, bias=False), nn.BatchNorm2d(outc))
        else:
            block.downsample = None
        inplanes = outc
    return model


def make_divisible(v, divisor=8, min_value=None, round_limit=0.0):
    """timm/layers/helpers.py, as SEModule calls it (round_limit 0)."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < round_limit * v:
        new_v += divisor
    return new_v


class SEModule(nn.Module):
    """timm's SEModule with its defaults (rd_ratio 1/16, rd_divisor 8, ReLU, sigmoid gate)."""

    def __init__(self, channels):
        super().__init__()
        rd = make_divisible(channels * (1. / 16), 8, round_limit=0.)
        self.fc1 = nn.Conv2d(channels, rd, kernel_size=1, bias=True)
        self.act = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(rd, channels, kernel_size=1, bias=True)
        self.gate = nn.Sigmoid()

    def forward(self, x):
        x_se = x.mean((2, 3), keepdim=True)
        x_se = self.fc1(x_se)
        x_se = self.act(x_se)
        x_se = self.fc2(x_se)
        return x * self.gate(x_se)


class TimmBottleneck(tvm.resnet.Bottleneck):
    """torchvision's Bottleneck as timm builds it: act1-act3 (a module each), then the shortcut."""

    def forward(self, x):
        shortcut = x
        out = self.act1(self.bn1(self.conv1(x)))
        out = self.act2(self.bn2(self.conv2(out)))
        out = self.excite(self.bn3(self.conv3(out)))
        if self.downsample is not None:
            shortcut = self.downsample(x)
        out += shortcut
        return self.act3(out)

    def excite(self, out):
        return out


class EcaModule(nn.Module):
    """timm's EcaModule (layers/eca.py) with its defaults: x.mean((2, 3)) viewed as [N, 1, C], a
    Conv1d(1, 1, k, padding (k - 1) // 2, no bias) with k from the channels (gamma 2, beta 1), a
    sigmoid gate, x * gate viewed as [N, C, 1, 1]."""

    def __init__(self, channels):
        super().__init__()
        t = int(abs(math.log(channels, 2) + 1) / 2)
        k = max(t if t % 2 else t + 1, 3)
        self.conv = nn.Conv1d(1, 1, kernel_size=k, padding=(k - 1) // 2, bias=False)
        self.gate = nn.Sigmoid()

    def forward(self, x):
        y = x.mean((2, 3)).view(x.shape[0], 1, -1)
        y = self.gate(self.conv(y)).view(x.shape[0], -1, 1, 1)
        return x * y.expand_as(x)


class SEBottleneck(TimmBottleneck):
    """timm's SE bottleneck: the SE after bn3."""

    def excite(self, out):
        return self.se(out)


class TimmResNet(tvm.ResNet):
    """torchvision's ResNet with timm's stem activation name (act1)."""

    def forward(self, x):
        x = self.maxpool(self.act1(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def timm_acts(model, se=False, eca=False):
    """A torchvision ResNet(Xt) of bottlenecks with timm's module names for the ReLUs (act1, and
    act1-act3 in each block; the pool and classifier keep torchvision's), and with `se` timm's SE."""
    model.__class__ = TimmResNet
    model.act1 = model.relu
    del model.relu
    for stage in (model.layer1, model.layer2, model.layer3, model.layer4):
        for block in stage:
            block.__class__ = SEBottleneck if se or eca else TimmBottleneck
            del block.relu
            block.act1 = nn.ReLU(inplace=True)
            block.act2 = nn.ReLU(inplace=True)
            if se or eca:
                block.se = (EcaModule if eca else SEModule)(block.conv3.out_channels)
            block.act3 = nn.ReLU(inplace=True)
    return model


def add_se(model):
    """timm's SE-ResNet(Xt) from a torchvision ResNet(Xt), with timm's module names for the ReLUs."""
    return timm_acts(model, se=True)


F = nn.functional


class LambdaLayer(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class CifarBasicBlock(nn.Module):
    """The basic block akamaster's and kuangliu's models/resnet.py both write: convs and BNs as
    modules, F.relu in forward, the shortcut a module (an empty nn.Sequential on the identity
    path); `projection` makes the shortcut of a block that changes shape."""

    def __init__(self, in_planes, planes, stride, projection):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = projection(in_planes, planes, stride)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        return F.relu(out)


def option_a(in_planes, planes, stride):
    """akamaster's option A: subsample by 2, pad planes//4 zero channels on each side."""
    pad = planes // 4
    return LambdaLayer(lambda x: F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, pad, pad), 'constant', 0))


def conv_bn(in_planes, planes, stride):
    """kuangliu's projection: a strided 1x1 conv and a BN in a Sequential."""
    return nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))


class AkamasterResNet(nn.Module):
    """akamaster's CIFAR ResNet-(6n+2): 3x3/1 stem of 16, stages of n blocks (16, 32, 64),
    F.avg_pool2d(out, out.size()[3]), view, linear."""

    def __init__(self, n, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        in_planes, stages = 16, []
        for planes, stride in ((16, 1), (32, 2), (64, 2)):
            blocks = []
            for i in range(n):
                blocks.append(CifarBasicBlock(in_planes, planes, stride if i == 0 else 1, option_a))
                in_planes = planes
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = stages
        self.linear = nn.Linear(64, classes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        # akamaster writes out.size()[3]; under fvcore's jit trace that is a tensor, which
        # F.avg_pool2d refuses, so the width is taken as an int: the same pool
        out = F.avg_pool2d(out, int(out.size()[3]))
        return self.linear(out.view(out.size(0), -1))


class KuangliuPreActBlock(nn.Module):
    """kuangliu's PreActBlock (models/preact_resnet.py): BN, ReLU, then the projection (a 1x1
    conv, no BN, only when the shape changes) from that activation, then the convs."""

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False))

    def forward(self, x):
        out = F.relu(self.bn1(x))
        shortcut = self.shortcut(out) if hasattr(self, 'shortcut') else x
        out = self.conv1(out)
        out = self.conv2(F.relu(self.bn2(out)))
        out = self.excite(out)
        out += shortcut
        return out

    def excite(self, out):
        return out


class KuangliuResNet(nn.Module):
    """kuangliu's ResNet18 / PreActResNet18 / SENet18: a 3x3/1 stem of 64 (with BN and ReLU unless
    pre-activation; SENet has them), four stages of 2 blocks (64, 128, 256, 512), F.avg_pool2d(out, 4),
    view, linear."""

    def __init__(self, kind='basic', classes=10):
        super().__init__()
        self.stem_norm = kind != 'preact'
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        if self.stem_norm:
            self.bn1 = nn.BatchNorm2d(64)
        block = {'basic': lambda i, p, s: CifarBasicBlock(i, p, s, conv_bn), 'preact': KuangliuPreActBlock, 'se': KuangliuSEPreActBlock}[kind]
        in_planes, stages = 64, []
        for planes, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            stages.append(nn.Sequential(block(in_planes, planes, stride), block(planes, planes, 1)))
            in_planes = planes
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.linear = nn.Linear(512, classes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x))) if self.stem_norm else self.conv1(x)
        out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
        out = F.avg_pool2d(out, 4)
        return self.linear(out.view(out.size(0), -1))


class WrnBlock(nn.Module):
    """xternalz's Wide ResNet BasicBlock (wideresnet.py): BN, ReLU (modules), conv, BN, ReLU,
    F.dropout when droprate > 0, conv; when the shape changes, the activation feeds both the convs
    and a 1x1 convShortcut, which runs after them."""

    def __init__(self, in_planes, out_planes, stride, droprate=0.0):
        super().__init__()
        self.droprate = droprate
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(in_planes, out_planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_planes)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_planes, out_planes, 3, 1, 1, bias=False)
        self.same = in_planes == out_planes
        self.convShortcut = None if self.same else nn.Conv2d(in_planes, out_planes, 1, stride, 0, bias=False)

    def forward(self, x):
        act = self.relu1(self.bn1(x))
        out = self.relu2(self.bn2(self.conv1(act)))
        if self.droprate > 0:
            out = F.dropout(out, p=self.droprate, training=self.training)
        out = self.conv2(out)
        return torch.add(x if self.same else self.convShortcut(act), out)


class NetworkBlock(nn.Module):
    def __init__(self, n, in_planes, out_planes, stride, droprate=0.0):
        super().__init__()
        self.layer = nn.Sequential(*[WrnBlock(in_planes if i == 0 else out_planes, out_planes, stride if i == 0 else 1, droprate) for i in range(n)])

    def forward(self, x):
        return self.layer(x)


class WideResNet(nn.Module):
    """WRN-depth-k for CIFAR: conv 16, three NetworkBlocks of (depth-4)/6 blocks (16k, 32k, 64k),
    BN, ReLU, F.avg_pool2d(out, 8), view, fc."""

    def __init__(self, depth, k, classes=10, droprate=0.0):
        super().__init__()
        n = (depth - 4) // 6
        widths = [16, 16 * k, 32 * k, 64 * k]
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.block1 = NetworkBlock(n, widths[0], widths[1], 1, droprate)
        self.block2 = NetworkBlock(n, widths[1], widths[2], 2, droprate)
        self.block3 = NetworkBlock(n, widths[2], widths[3], 2, droprate)
        self.bn1 = nn.BatchNorm2d(widths[3])
        self.relu = nn.ReLU(inplace=True)
        self.fc = nn.Linear(widths[3], classes)
        self.channels = widths[3]

    def forward(self, x):
        out = self.block3(self.block2(self.block1(self.conv1(x))))
        out = F.avg_pool2d(self.relu(self.bn1(out)), 8)
        return self.fc(out.view(-1, self.channels))


class PreActBottleneck(nn.Module):
    """bearpaw's pre-activation Bottleneck (models/cifar/preresnet.py): BN, ReLU, conv three
    times with one shared ReLU module; the projection (a 1x1 conv) reads the block's input."""

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes)
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        out = self.conv1(self.relu(self.bn1(x)))
        out = self.conv2(self.relu(self.bn2(out)))
        out = self.conv3(self.relu(self.bn3(out)))
        out += x if self.downsample is None else self.downsample(x)
        return out


class PreResNet(nn.Module):
    """bearpaw's PreResNet with bottlenecks (depth 9n+2): conv 16, three stages of n blocks
    (16, 32, 64, ×4), BN, ReLU, nn.AvgPool2d(8), view, fc."""

    def __init__(self, depth, classes=10):
        super().__init__()
        n = (depth - 2) // 9
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        inplanes, stages = 16, []
        for planes, stride in ((16, 1), (32, 2), (64, 2)):
            down = None
            if stride != 1 or inplanes != planes * 4:
                down = nn.Sequential(nn.Conv2d(inplanes, planes * 4, 1, stride, bias=False))
            blocks = [PreActBottleneck(inplanes, planes, stride, down)]
            inplanes = planes * 4
            blocks += [PreActBottleneck(inplanes, planes) for _ in range(1, n)]
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = stages
        self.bn = nn.BatchNorm2d(inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.avgpool = nn.AvgPool2d(8)
        self.fc = nn.Linear(inplanes, classes)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.conv1(x))))
        x = self.avgpool(self.relu(self.bn(x)))
        return self.fc(x.view(x.size(0), -1))


class KerasResNetV2(nn.Module):
    """keras.applications.resnet_v2 (stack2/block2) in PyTorch, every layer a module of the
    model named as Keras names it (so module paths are Keras layer names): a 7x7/2 conv with a
    bias (ZeroPadding2D(3) + a valid conv), a 3x3/2 max pool (ZeroPadding2D(1) + a valid pool;
    shapes as Keras', values aside), stages of pre-activation bottlenecks whose last block
    strides (2, 2, 2, 1), the first block's shortcut a 1x1 conv with a bias on the
    pre-activation, a striding block's a MaxPooling2D(1, stride) on its input (unnamed in Keras;
    here <block>_0_pool); _1_ and _2_ convs without bias, _3_ with; post_bn, post_relu, global
    average pool, predictions."""

    def __init__(self, layers, classes=1000, filters=(64, 128, 256, 512)):
        super().__init__()
        self.plan = []
        self.add_module('conv1_conv', nn.Conv2d(3, 64, 7, 2, 3, bias=True))
        self.add_module('pool1_pool', nn.MaxPool2d(3, 2, 1))
        inplanes = 64
        for s, (filters, n, stride1) in enumerate(zip(filters, layers, (2, 2, 2, 1))):
            for i in range(n):
                name = f'conv{s + 2}_block{i + 1}'
                stride = stride1 if i == n - 1 else 1
                first = i == 0
                self.add_module(f'{name}_preact_bn', nn.BatchNorm2d(inplanes))
                self.add_module(f'{name}_preact_relu', nn.ReLU())
                if first:
                    self.add_module(f'{name}_0_conv', nn.Conv2d(inplanes, 4 * filters, 1, 1, bias=True))
                elif stride > 1:
                    self.add_module(f'{name}_0_pool', nn.MaxPool2d(1, stride))
                self.add_module(f'{name}_1_conv', nn.Conv2d(inplanes, filters, 1, 1, bias=False))
                self.add_module(f'{name}_1_bn', nn.BatchNorm2d(filters))
                self.add_module(f'{name}_1_relu', nn.ReLU())
                self.add_module(f'{name}_2_conv', nn.Conv2d(filters, filters, 3, stride, 1, bias=False))
                self.add_module(f'{name}_2_bn', nn.BatchNorm2d(filters))
                self.add_module(f'{name}_2_relu', nn.ReLU())
                self.add_module(f'{name}_3_conv', nn.Conv2d(filters, 4 * filters, 1, 1, bias=True))
                self.plan.append((name, first, stride))
                inplanes = 4 * filters
        self.add_module('post_bn', nn.BatchNorm2d(inplanes))
        self.add_module('post_relu', nn.ReLU())
        self.add_module('avg_pool', nn.AdaptiveAvgPool2d(1))
        self.add_module('predictions', nn.Linear(inplanes, classes))

    def forward(self, x):
        m = self._modules
        x = m['pool1_pool'](m['conv1_conv'](x))
        for name, first, stride in self.plan:
            preact = m[f'{name}_preact_relu'](m[f'{name}_preact_bn'](x))
            if first:
                shortcut = m[f'{name}_0_conv'](preact)
            elif stride > 1:
                shortcut = m[f'{name}_0_pool'](x)
            else:
                shortcut = x
            out = m[f'{name}_1_relu'](m[f'{name}_1_bn'](m[f'{name}_1_conv'](preact)))
            out = m[f'{name}_2_relu'](m[f'{name}_2_bn'](m[f'{name}_2_conv'](out)))
            x = shortcut + m[f'{name}_3_conv'](out)
        x = m['avg_pool'](m['post_relu'](m['post_bn'](x)))
        return m['predictions'](torch.flatten(x, 1))


KERAS_V2 = {'keras_resnet50v2': [3, 4, 6, 3], 'keras_resnet101v2': [3, 4, 23, 3], 'keras_resnet152v2': [3, 8, 36, 3]}


class KuangliuSEPreActBlock(KuangliuPreActBlock):
    """kuangliu's SENet PreActBlock (models/senet.py): the PreActBlock with squeeze-and-excitation
    on conv2's output before the add: F.avg_pool2d(out, out.size(2)), fc1 (1x1 conv with bias),
    F.relu, fc2, F.sigmoid, out * w."""

    def __init__(self, in_planes, planes, stride=1):
        super().__init__(in_planes, planes, stride)
        self.fc1 = nn.Conv2d(planes, planes // 16, 1)
        self.fc2 = nn.Conv2d(planes // 16, planes, 1)

    def excite(self, out):
        w = F.avg_pool2d(out, int(out.size(2)))
        w = F.relu(self.fc1(w))
        w = torch.sigmoid(self.fc2(w))
        return out * w


class IBasicBlock(nn.Module):
    """insightface's IBasicBlock (recognition/arcface_torch/backbones/iresnet.py): BN, 3x3 conv,
    BN, PReLU(planes), 3x3 conv at the stride, BN; the downsample (1x1 conv at the stride, BN) on
    the input; out += identity, no activation after."""

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes, eps=1e-05)
        self.conv1 = nn.Conv2d(inplanes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes, eps=1e-05)
        self.prelu = nn.PReLU(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes, eps=1e-05)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return out


class IResNet(nn.Module):
    """insightface's IResNet: conv1 (3x3/1, 64), bn1, prelu; four stages of IBasicBlocks, each
    striding 2 (64, 128, 256, 512); bn2, torch.flatten, nn.Dropout(p=0, inplace=True), fc (512 x 7 x 7
    -> num_features), features (BatchNorm1d, its weight frozen)."""

    fc_scale = 7 * 7

    def __init__(self, layers, num_features=512):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64, eps=1e-05)
        self.prelu = nn.PReLU(64)
        inplanes, stages = 64, []
        for planes, n in zip((64, 128, 256, 512), layers):
            # every stage strides 2, so each stage's first block has the downsample
            down = nn.Sequential(nn.Conv2d(inplanes, planes, 1, 2, bias=False), nn.BatchNorm2d(planes, eps=1e-05))
            blocks = [IBasicBlock(inplanes, planes, 2, down)] + [IBasicBlock(planes, planes) for _ in range(1, n)]
            stages.append(nn.Sequential(*blocks))
            inplanes = planes
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.bn2 = nn.BatchNorm2d(512, eps=1e-05)
        self.dropout = nn.Dropout(p=0, inplace=True)
        self.fc = nn.Linear(512 * self.fc_scale, num_features)
        self.features = nn.BatchNorm1d(num_features, eps=1e-05)
        nn.init.constant_(self.features.weight, 1.0)
        self.features.weight.requires_grad = False

    def forward(self, x):
        x = self.prelu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.bn2(x), 1)
        x = self.dropout(x)
        return self.features(self.fc(x))


class KerasHubResNet(nn.Module):
    """keras_hub's ResNetBackbone (models/resnet/resnet_backbone.py, use_pre_activation=False) in
    PyTorch, every layer a module named as Keras names it: conv1_conv (7x7/2, ZeroPadding2D(3) + a
    valid conv), conv1_bn, conv1_relu, pool1_pool (ZeroPadding2D(1) + a valid 3x3/2 pool); stacks
    stack{s}_block{i} of basic or bottleneck blocks (stride on the 3x3, no conv biases), the
    first block of each stack with a conv shortcut (_0_conv, _0_bn) run first, but for a basic
    first stack; _add, _out; no head: the last stack's map is the output."""

    def __init__(self, layers, bottleneck):
        super().__init__()
        self.plan = []
        self.add_module('conv1_conv', nn.Conv2d(3, 64, 7, 2, 3, bias=False))
        self.add_module('conv1_bn', nn.BatchNorm2d(64))
        self.add_module('conv1_relu', nn.ReLU())
        self.add_module('pool1_pool', nn.MaxPool2d(3, 2, 1))
        inplanes = 64
        for s, (filters, n) in enumerate(zip((64, 128, 256, 512), layers)):
            out = 4 * filters if bottleneck else filters
            for i in range(n):
                name = f'stack{s}_block{i}'
                stride = (1 if s == 0 else 2) if i == 0 else 1
                shortcut = i == 0 and (bottleneck or s > 0)
                if shortcut:
                    self.add_module(f'{name}_0_conv', nn.Conv2d(inplanes, out, 1, stride, bias=False))
                    self.add_module(f'{name}_0_bn', nn.BatchNorm2d(out))
                convs = ([(inplanes, filters, 1, 1), (filters, filters, 3, stride), (filters, out, 1, 1)] if bottleneck
                         else [(inplanes, filters, 3, stride), (filters, filters, 3, 1)])
                for k, (cin, cout, kernel, st) in enumerate(convs, 1):
                    self.add_module(f'{name}_{k}_conv', nn.Conv2d(cin, cout, kernel, st, kernel // 2, bias=False))
                    self.add_module(f'{name}_{k}_bn', nn.BatchNorm2d(cout))
                    if k < len(convs):
                        self.add_module(f'{name}_{k}_relu', nn.ReLU())
                self.add_module(f'{name}_out', nn.ReLU())
                self.plan.append((name, shortcut, len(convs)))
                inplanes = out

    def forward(self, x):
        m = self._modules
        x = m['pool1_pool'](m['conv1_relu'](m['conv1_bn'](m['conv1_conv'](x))))
        for name, shortcut, convs in self.plan:
            short = m[f'{name}_0_bn'](m[f'{name}_0_conv'](x)) if shortcut else x
            out = x
            for k in range(1, convs + 1):
                out = m[f'{name}_{k}_bn'](m[f'{name}_{k}_conv'](out))
                if k < convs:
                    out = m[f'{name}_{k}_relu'](out)
            x = m[f'{name}_out'](short + out)
        return x


KERAS_HUB = {'kerashub_resnet18': ([2, 2, 2, 2], False), 'kerashub_resnet50': ([3, 4, 6, 3], True),
             'kerashub_resnet101': ([3, 4, 23, 3], True), 'kerashub_resnet152': ([3, 8, 36, 3], True)}
IRESNET = {'iresnet50': [3, 4, 14, 3], 'iresnet100': [3, 13, 30, 3]}


# timm's modules that forward hooks see whole (#27): wrappers that own parameters and hold an
# activation (BatchNormAct2d, GroupNormAct), and modules whose work is their own forward
TIMM_LEAVES = ('BatchNormAct2d', 'GroupNormAct', 'BlurPool2d', 'StdConv2d', 'RadixSoftmax')


class BasicBlock1d(nn.Module):
    """torchvision's BasicBlock with Conv1d and BatchNorm1d (as audio and ECG code writes ResNet-18 on signals)."""
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv1d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm1d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv1d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm1d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet1d(nn.Module):
    """torchvision's ResNet in one dimension: Conv1d(in, 64, 7, 2, 3), BatchNorm1d, ReLU, MaxPool1d(3, 2, 1),
    layer1-4 of BasicBlock1d, AdaptiveAvgPool1d(1), flatten, fc; torchvision's module paths."""

    def __init__(self, layers, in_channels=1, classes=1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv1d(in_channels, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm1d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool1d(3, 2, 1)
        self.layer1 = self._make_layer(64, layers[0], 1)
        self.layer2 = self._make_layer(128, layers[1], 2)
        self.layer3 = self._make_layer(256, layers[2], 2)
        self.layer4 = self._make_layer(512, layers[3], 2)
        self.avgpool = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(512, classes)

    def _make_layer(self, planes, blocks, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(nn.Conv1d(self.inplanes, planes, 1, stride, bias=False), nn.BatchNorm1d(planes))
        layers = [BasicBlock1d(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        layers += [BasicBlock1d(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class TscBlock(nn.Module):
    """Wang, Yan & Oates 2017's residual block (the authors' Keras code, in PyTorch): 'same'-padded Conv1d
    of 8, 5 and 3 with biases, each BN and ReLU but the last; the shortcut a 1-wide conv and BN where the
    width changes, a BN alone where it does not; ReLU after the sum."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv1, self.bn1, self.relu1 = nn.Conv1d(cin, cout, 8, padding='same'), nn.BatchNorm1d(cout), nn.ReLU()
        self.conv2, self.bn2, self.relu2 = nn.Conv1d(cout, cout, 5, padding='same'), nn.BatchNorm1d(cout), nn.ReLU()
        self.conv3, self.bn3 = nn.Conv1d(cout, cout, 3, padding='same'), nn.BatchNorm1d(cout)
        self.shortcut = nn.Sequential(nn.Conv1d(cin, cout, 1), nn.BatchNorm1d(cout)) if cin != cout else nn.BatchNorm1d(cout)
        self.relu_out = nn.ReLU()

    def forward(self, x):
        y = self.relu1(self.bn1(self.conv1(x)))
        y = self.relu2(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return self.relu_out(y + self.shortcut(x))


class TscResNet(nn.Module):
    def __init__(self, in_channels=1, classes=1000):
        super().__init__()
        self.blocks = nn.Sequential(TscBlock(in_channels, 64), TscBlock(64, 128), TscBlock(128, 128))
        self.gap = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(128, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.gap(self.blocks(x)), 1))


def timm_model(case):
    """timm's own model (its source in TIMM_SRC, e.g. pytorch-image-models' timm/ as fetch brings it;
    timm runs on Debian's PyTorch 1.13), without weights."""
    src = os.environ.get('TIMM_SRC')
    if not src:
        sys.exit('TIMM_SRC: the folder holding timm/ (pytorch-image-models), for the timm cases')
    if src not in sys.path:
        sys.path.insert(0, src)
    import timm
    return timm.create_model(case['preset'], pretrained=False, num_classes=case['classes']).eval()


def is_leaf(name, module, model):
    """A module forward hooks record: a module without children or one of TIMM_LEAVES, not inside one;
    for timm's models not the nn.Identity placeholders of options left off (drop_block, aa, se.bn …;
    the tool has no row for them), but the identity pool of a stride-1 average-pool shortcut."""
    if name == '':
        return False
    parts = name.split('.')
    if any(type(model.get_submodule('.'.join(parts[:k]))).__name__ in TIMM_LEAVES for k in range(1, len(parts))):
        return False
    if type(module).__name__ in TIMM_LEAVES:
        return True
    if len(list(module.children())) > 0:
        return False
    if getattr(model, '_timm', False) and isinstance(module, nn.Identity):
        return name.endswith('downsample.0')
    return True


def build(case):
    if case.get('arch') == 'timm':
        model = timm_model(case)
        model._timm = True
        return model
    if case.get('arch') == 'video':
        import torchvision.models.video as video
        return getattr(video, case['preset'])(weights=None, num_classes=case['classes']).eval()
    if case.get('arch') == 'resnet18_1d':
        return ResNet1d([2, 2, 2, 2], case['input'][1], case['classes']).eval()
    if case.get('arch') == 'tsc_resnet':
        return TscResNet(case['input'][1], case['classes']).eval()
    if case.get('arch') == 'kerashub':
        return KerasHubResNet(*KERAS_HUB[case['preset']]).eval()
    if case.get('arch') == 'iresnet':
        return IResNet(IRESNET[case['preset']], case['classes']).eval()
    if case.get('arch') == 'regnet':
        return getattr(tvm, case['preset'])(weights=None, num_classes=case['classes']).eval()
    if case.get('keras_v2'):
        return KerasResNetV2(KERAS_V2[case['preset']], case['classes'], case.get('widths', (64, 128, 256, 512))).eval()
    if case.get('cifar') == 'wrn':
        return WideResNet(28, 10, case['classes'], case.get('dropout', 0.0)).eval()
    if case.get('cifar') == 'bearpaw':
        return PreResNet(164, case['classes']).eval()
    if case.get('cifar') == 'akamaster':
        return AkamasterResNet(case['n'], case['classes']).eval()
    if case.get('cifar') in ('kuangliu', 'kuangliu_preact', 'kuangliu_se'):
        kind = {'kuangliu': 'basic', 'kuangliu_preact': 'preact', 'kuangliu_se': 'se'}[case['cifar']]
        return KuangliuResNet(kind, case['classes']).eval()
    kw = {}
    if case.get('dilation'):
        kw['replace_stride_with_dilation'] = case['dilation']
    if case.get('gn'):
        # timm's norm_layer='groupnorm': nn.GroupNorm(32, C) wherever torchvision has a BatchNorm2d
        kw['norm_layer'] = lambda c, groups=case['gn']: nn.GroupNorm(groups, c)
    classes = case['classes']
    if case['arch'] in SHALLOW:
        # timm's shallow ResNets, as torchvision's class builds them
        block, layers, extra = SHALLOW[case['arch']]
        model = tvm.ResNet(block, layers, num_classes=max(classes, 1), **extra, **kw)
    else:
        model = getattr(tvm, case['arch'])(weights=None, num_classes=max(classes, 1), **kw)
    if case.get('v1'):
        to_v1(model)
    if case.get('stem'):
        deep_stem(model, case['stem'], case.get('avg_down', False), case.get('tiered', False))
    if case.get('se'):
        add_se(model)
    elif case.get('gn') or case.get('eca'):
        timm_acts(model, eca=case.get('eca', False))
    if classes == 0:
        model.fc = nn.Identity()
    return model.eval()


SHALLOW = {
    'resnet10': (tvm.resnet.BasicBlock, [1, 1, 1, 1], {}),
    'resnet14': (tvm.resnet.Bottleneck, [1, 1, 1, 1], {}),
    'resnet26': (tvm.resnet.Bottleneck, [2, 2, 2, 2], {}),
    'resnext26_32x4d': (tvm.resnet.Bottleneck, [2, 2, 2, 2], dict(groups=32, width_per_group=4)),
}


def macs_of(module, inp, out):
    if type(module).__name__ == 'BlurPool2d':
        # its fixed filter run depthwise (F.conv2d): a conv's mult-adds, filt_size² per output element
        return out.numel() * module.filt_size ** 2
    if isinstance(module, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
        return out.numel() * (module.in_channels // module.groups) * math.prod(module.kernel_size)
    if isinstance(module, nn.Linear):
        return inp.numel() // inp.shape[-1] * module.in_features * module.out_features
    return 0


def record(case):
    model = build(case)
    rows = []
    hooks = []
    # the module running (for a refused input: where PyTorch raised) and the Wide ResNet block
    current = ['']
    block = ['']
    inside = [False]
    for name, module in model.named_modules():
        if isinstance(module, WrnBlock):
            module.register_forward_pre_hook(lambda m, a, name=name: block.__setitem__(0, name))
        if not is_leaf(name, module, model):
            continue
        module.register_forward_pre_hook(lambda m, a, name=name: current.__setitem__(0, name) or inside.__setitem__(0, True))
        module.register_forward_hook(lambda m, a, o: inside.__setitem__(0, False))

        def hook(mod, args, out, name=name):
            inp = args[0]
            rows.append({
                'name': name,
                'type': type(mod).__name__,
                'input': list(inp.shape),
                'output': list(out.shape),
                'params': {k: list(p.shape) for k, p in mod.named_parameters(recurse=False)},
                'buffers': {k: list(b.shape) for k, b in mod.named_buffers(recurse=False) if k != 'num_batches_tracked'},
                'macs': macs_of(mod, inp, out),
            })
        hooks.append(module.register_forward_hook(hook))
    dropout = F.dropout

    # xternalz's F.dropout in a block's forward (not one nn.Dropout makes): a row of its own, named for its block
    def functional_dropout(inp, p=0.5, training=True, inplace=False):
        out = dropout(inp, p, training, inplace)
        if not inside[0]:
            rows.append({'name': f'{block[0]}.dropout', 'type': 'F.dropout', 'input': list(inp.shape), 'output': list(out.shape),
                         'params': {}, 'buffers': {}, 'macs': 0})
        return out

    x = torch.zeros(case['input'])
    F.dropout = functional_dropout
    try:
        with torch.no_grad():
            y = model(x)
    except RuntimeError as e:
        # an input the network refuses: where PyTorch raised, and what it said
        return {'model': case['id'], 'case': case, 'input': case['input'], 'num_classes': case['classes'],
                'refused_at': current[0], 'error': str(e).splitlines()[0],
                'source': f'PyTorch {torch.__version__} / torchvision forward hooks on leaf modules, CPU; scripts/pytorch/record.py'}
    finally:
        F.dropout = dropout
    params = sum(p.numel() for p in model.parameters())
    # BatchNorm's running statistics (not a blur pool's filter, a buffer too)
    stats = sum(b.numel() for n, b in model.named_buffers() if n.endswith(('running_mean', 'running_var')))
    return {
        'model': case['id'],
        'case': case,
        'input': case['input'],
        'output': list(y.shape),
        'num_classes': case['classes'],
        'total_params': params,
        'trainable_params': sum(p.numel() for p in model.parameters() if p.requires_grad),
        'bn_running_stats': stats,
        'macs': sum(r['macs'] for r in rows),
        'conv2d_count': sum(1 for r in rows if r['type'] in ('Conv2d', 'StdConv2d')),
        'conv_count': sum(1 for r in rows if isinstance(model.get_submodule(r['name']), nn.modules.conv._ConvNd)),
        'source': f'PyTorch {torch.__version__} / torchvision forward hooks on leaf modules, CPU; scripts/pytorch/record.py',
        'layers': rows,
    }


TORCHVISION = ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnext50_32x4d',
               'resnext101_32x8d', 'resnext101_64x4d', 'wide_resnet50_2', 'wide_resnet101_2']


def cases():
    for arch in TORCHVISION:
        yield dict(id=arch, arch=arch, classes=1000, input=[1, 3, 224, 224])
    for arch in ('resnet50', 'resnet101', 'resnet152'):
        yield dict(id=arch, arch=arch, classes=1, input=[10, 3, 224, 224])
    yield dict(id='resnet18', arch='resnet18', classes=10, input=[1, 3, 97, 61])
    yield dict(id='resnet34', arch='resnet34', classes=1000, input=[1, 3, 1, 1])
    yield dict(id='resnet50', arch='resnet50', classes=1000, input=[2, 3, 225, 193])
    yield dict(id='resnext50_32x4d', arch='resnext50_32x4d', classes=5, input=[1, 3, 299, 299])
    yield dict(id='wide_resnet50_2', arch='wide_resnet50_2', classes=1000, input=[1, 3, 513, 513])
    yield dict(id='resnet50', arch='resnet50', classes=0, input=[1, 3, 224, 224])
    yield dict(id='resnet50_v1', arch='resnet50', classes=1000, input=[1, 3, 224, 224], v1=True)
    yield dict(id='resnet101_v1', arch='resnet101', classes=1000, input=[1, 3, 97, 61], v1=True)
    yield dict(id='resnet50_os8', arch='resnet50', classes=21, input=[1, 3, 224, 224], dilation=[False, True, True])
    yield dict(id='resnet101_os16', arch='resnet101', classes=21, input=[1, 3, 513, 513], dilation=[False, False, True])
    yield dict(id='resnext50_32x4d_os8', arch='resnext50_32x4d', classes=1000, input=[1, 3, 97, 61], dilation=[False, True, True])
    # timm-structured variants, built from torch.nn modules (see the module docstring)
    yield dict(id='resnet50d', arch='resnet50', classes=1000, input=[1, 3, 224, 224], stem=32, avg_down=True)
    yield dict(id='resnet50d', arch='resnet50', classes=1000, input=[1, 3, 97, 61], stem=32, avg_down=True)
    yield dict(id='resnet18d', arch='resnet18', classes=1000, input=[1, 3, 225, 193], stem=32, avg_down=True)
    yield dict(id='resnet50s', arch='resnet50', classes=1000, input=[1, 3, 224, 224], stem=64)
    yield dict(id='resnet50d', arch='resnet50', classes=1000, input=[1, 3, 1, 1], stem=32, avg_down=True)
    yield dict(id='resnet50d_os8', arch='resnet50', classes=21, input=[1, 3, 97, 61], stem=32, avg_down=True,
               dilation=[False, True, True])
    yield dict(id='resnet101d_os16', arch='resnet101', classes=0, input=[2, 3, 129, 127], stem=32, avg_down=True,
               dilation=[False, False, True])
    # squeeze-and-excitation (timm's structure), recorded under the preset's name
    yield dict(id='seresnet50', preset='seresnet50', arch='resnet50', classes=1000, input=[1, 3, 224, 224], se=True)
    yield dict(id='seresnext50_32x4d', preset='seresnext50_32x4d', arch='resnext50_32x4d', classes=1000,
               input=[1, 3, 224, 224], se=True)
    yield dict(id='seresnet50', preset='seresnet50', arch='resnet50', classes=10, input=[2, 3, 97, 61], se=True)
    yield dict(id='seresnext50_32x4d', preset='seresnext50_32x4d', arch='resnext50_32x4d', classes=1000,
               input=[1, 3, 33, 17], se=True)
    # Keras' ResNetV2 (its re-implementation above), recorded under the preset's name
    for preset, shape in (('keras_resnet50v2', [1, 3, 224, 224]), ('keras_resnet50v2', [2, 3, 97, 61]),
                          ('keras_resnet101v2', [1, 3, 224, 224]), ('keras_resnet152v2', [1, 3, 224, 224])):
        yield dict(id=preset, preset=preset, arch='keras_v2', keras_v2=True, classes=1000, input=shape)
    # narrow stages whose first block changes no shape (64 -> 4·16 channels, stride 1): Keras still
    # gives each stack's first block a conv shortcut (conv_shortcut=True in stack2)
    yield dict(id='keras_resnet50v2_w16', preset='keras_resnet50v2', arch='keras_v2', keras_v2=True, classes=10,
               input=[1, 3, 97, 61], widths=[16, 16, 32, 64])
    # CIFAR networks (their own re-implementations above), recorded under the preset's name
    for preset, cifar, n, inputs in (
        ('resnet20_cifar', 'akamaster', 3, ([1, 3, 32, 32], [2, 3, 40, 32])),
        ('resnet32_cifar', 'akamaster', 5, ([1, 3, 32, 32],)),
        ('resnet44_cifar', 'akamaster', 7, ([1, 3, 32, 32],)),
        ('resnet56_cifar', 'akamaster', 9, ([1, 3, 32, 32],)),
        ('resnet110_cifar', 'akamaster', 18, ([1, 3, 32, 32],)),
        ('resnet1202_cifar', 'akamaster', 200, ([1, 3, 32, 32],)),
        ('resnet18_cifar', 'kuangliu', 0, ([1, 3, 32, 32], [2, 3, 40, 36])),
        ('preact_resnet18_cifar', 'kuangliu_preact', 0, ([1, 3, 32, 32], [3, 3, 44, 40])),
        ('wrn28_10_cifar', 'wrn', 0, ([1, 3, 32, 32], [2, 3, 36, 40])),
        ('preact_resnet164_cifar', 'bearpaw', 0, ([1, 3, 32, 32], [2, 3, 33, 39])),
    ):
        for shape in inputs:
            yield dict(id=preset, preset=preset, arch='cifar', cifar=cifar, n=n, classes=10, input=shape)


    # #27 from timm's own models (TIMM_SRC): resnet10t and resnet14t (tiered deep stem 24-32-64, average-pool
    # shortcut; timm's default input 176), resnet26, seresnext26d_32x4d, ecaresnet50d, resnet50_gn
    for preset in ('resnet10t', 'resnet14t', 'resnet26', 'seresnext26d_32x4d', 'ecaresnet50d', 'resnet50_gn'):
        default = [1, 3, 176, 176] if preset.endswith('t') else [1, 3, 224, 224]
        for shape in (default, [2, 3, 97, 61], [1, 3, 160, 200]):
            yield dict(id=preset, preset=preset, arch='timm', classes=1000, input=shape)
    # #28: torchvision's RegNets (its own classes), insightface's IResNet, Paddle's ResNet-50
    # (torchvision's structure and names), KerasHub's backbones, kuangliu's SENet18 and the Wide
    # ResNet with dropout (their re-implementations above), each under the preset's name
    odd = ([2, 3, 97, 61], [1, 3, 160, 200])
    for preset in ('regnet_x_400mf', 'regnet_y_400mf', 'regnet_x_1_6gf', 'regnet_y_1_6gf'):
        for shape in ([1, 3, 224, 224],) + odd:
            yield dict(id=preset, preset=preset, arch='regnet', classes=1000, input=shape)
    for preset in ('iresnet50', 'iresnet100'):
        # the fc takes 512 x 7 x 7 features: only 112 x 112 (and what floors to it) gives them
        for shape in ([1, 3, 112, 112], [2, 3, 112, 112], [1, 3, 128, 128]) + odd:
            yield dict(id=preset, preset=preset, arch='iresnet', classes=512, input=shape)
    for shape in ([1, 3, 224, 224],) + odd:
        yield dict(id='paddle_resnet50', preset='paddle_resnet50', arch='resnet50', classes=1000, input=shape)
    for preset in ('kerashub_resnet18', 'kerashub_resnet50', 'kerashub_resnet101', 'kerashub_resnet152'):
        for shape in ([1, 3, 224, 224],) + (odd if preset in ('kerashub_resnet18', 'kerashub_resnet50') else ()):
            yield dict(id=preset, preset=preset, arch='kerashub', classes=0, input=shape)
    for shape in ([1, 3, 32, 32], [2, 3, 40, 44]):
        yield dict(id='senet18_cifar', preset='senet18_cifar', arch='cifar', cifar='kuangliu_se', classes=10, input=shape)
    for shape in ([1, 3, 32, 32], [2, 3, 36, 40]):
        yield dict(id='wrn28_10_cifar_dropout', preset='wrn28_10_cifar', arch='cifar', cifar='wrn', classes=10, input=shape,
                   dropout=0.3)


    # #27 from timm's own models (TIMM_SRC): module paths, types and shapes as timm has them
    for preset, default in (('resnetrs50', [1, 3, 160, 160]), ('resnetblur50', [1, 3, 224, 224]), ('res2net50_26w_4s', [1, 3, 224, 224]),
                             ('resnetv2_50', [1, 3, 224, 224]), ('resnetv2_50x1_bit', [1, 3, 224, 224]),
                             ('resnest50d', [1, 3, 224, 224])):
        for shape in (default,) + odd:
            yield dict(id=preset, preset=preset, arch='timm', classes=1000, input=shape)
    # #31: torchvision's video ResNets (their own classes) and the 1-d ResNets (re-implemented above)
    for preset in ('r3d_18', 'mc3_18', 'r2plus1d_18'):
        for shape in ([1, 3, 16, 112, 112], [2, 3, 8, 64, 80]):
            yield dict(id=preset, preset=preset, arch='video', classes=400, input=shape)
    for preset in ('resnet18_1d', 'tsc_resnet'):
        for shape in ([4, 1, 128], [2, 3, 500]):
            yield dict(id=preset, preset=preset, arch=preset, classes=1000, input=shape)
    # odd clips and signals
    for preset, shape in (('r3d_18', [1, 3, 5, 33, 31]), ('mc3_18', [3, 3, 5, 33, 31]), ('r2plus1d_18', [1, 3, 3, 17, 19])):
        yield dict(id=preset, preset=preset, arch='video', classes=400, input=shape)
    for preset, shape in (('resnet18_1d', [1, 2, 7]), ('tsc_resnet', [3, 2, 9])):
        yield dict(id=preset, preset=preset, arch=preset, classes=7, input=shape)
    # the shortest: every window of these is padded by half its kernel, so PyTorch takes a length (a clip) of 1
    yield dict(id='resnet18_1d', preset='resnet18_1d', arch='resnet18_1d', classes=10, input=[2, 1, 1])
    yield dict(id='tsc_resnet', preset='tsc_resnet', arch='tsc_resnet', classes=10, input=[2, 1, 1])
    yield dict(id='r3d_18', preset='r3d_18', arch='video', classes=400, input=[1, 3, 1, 1, 1])
    # a rank the network cannot take: where PyTorch raises (a 4-d input to a Conv3d is one unbatched clip of 1 channel)
    yield dict(id='r3d_18', preset='r3d_18', arch='video', classes=400, input=[1, 3, 112, 112], refused=True)
    yield dict(id='resnet18_1d', preset='resnet18_1d', arch='resnet18_1d', classes=1000, input=[1, 1, 128, 128], refused=True)
    yield dict(id='tsc_resnet', preset='tsc_resnet', arch='tsc_resnet', classes=1000, input=[1, 128], refused=True)
    # inputs timm's models refuse: where PyTorch raised
    yield dict(id='resnetblur50', preset='resnetblur50', arch='timm', classes=1000, input=[1, 3, 16, 16], refused=True)


def main(out_dir, only=()):
    os.makedirs(out_dir, exist_ok=True)
    for case in cases():
        if only and case['id'] not in only:
            continue
        data = record(case)
        path = os.path.join(out_dir, f"{case['id']}_c{case['classes']}_{'x'.join(map(str, case['input']))}.json")
        with open(path, 'w') as f:
            json.dump(data, f, indent=1)
            f.write('\n')
        print(path, data.get('total_params'), data.get('macs'), data.get('refused_at', ''))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'test/fixtures/pytorch', sys.argv[2:])

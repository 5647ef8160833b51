// Oracles: PyTorch's own per-layer records (../shared/reference/pytorch and the fixtures made by
// scripts/pytorch/record.py) and the published figures of torchvision and timm.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindOf, typeName } from '../src/analysis/kinds.js';
import { paramCounts } from '../src/analysis/counts.js';
import { scaled } from '../src/int.js';
import type { LayerSpec } from '../src/types.js';
import { traceShapes } from '../src/analysis/trace.js';
import { expandResNet } from '../src/network/expand.js';
import { fixture, loadFixtures, loadRefusals, preset, REFERENCE, trace } from './helpers/model.js';

/** PyTorch's class of a recorded row, as `typeName` names its row (or the names it may have). */
const TYPE: Record<string, string | readonly string[]> = {
  Conv2d: 'conv2d',
  Conv3d: 'conv3d',
  // torchvision's video convs, subclasses of nn.Conv3d
  Conv3DSimple: 'conv3d',
  Conv3DNoTemporal: 'conv3d',
  BatchNorm3d: 'batchnorm3d',
  MaxPool1d: 'maxpool1d',
  AdaptiveAvgPool1d: 'adaptiveavgpool1d',
  AdaptiveAvgPool3d: 'adaptiveavgpool3d',
  BatchNorm2d: 'batchnorm2d',
  ReLU: 'relu',
  MaxPool2d: 'maxpool2d',
  AvgPool2d: 'avgpool2d',
  AvgPool2dSame: 'avgpool2d',
  Identity: 'identity',
  AdaptiveAvgPool2d: 'adaptiveavgpool2d',
  Linear: 'linear',
  Sigmoid: 'sigmoid',
  PReLU: 'prelu',
  BatchNorm1d: 'batchnorm1d',
  Dropout: 'dropout',
  // xternalz's F.dropout calls, which record.py records as rows of their own
  'F.dropout': 'dropout',
  GroupNorm: 'groupnorm',
  // ECA's conv across the channels, or a signal network's
  Conv1d: ['channelconv', 'conv1d'],
  BlurPool2d: 'blurpool2d',
  StdConv2d: 'conv2d',
  BatchNormAct2d: 'batchnorm2d',
  GroupNormAct: 'groupnorm',
  ConstantPad2d: 'constantpad2d',
  RadixSoftmax: 'radixsoftmax',
  // an empty nn.Sequential on an identity shortcut (akamaster, kuangliu), and option A's pad
  Sequential: 'identity',
  LambdaLayer: 'channelpad',
};

/**
 * Rows that are no module in the PyTorch model, so no forward hook sees them: tensor operations
 * (the residual add, SE's mean and product, Res2Net's split and concatenation, ResNeSt's radix sums), F.relu and F.avg_pool2d calls, and the flatten
 * (torch.flatten, or a view).
 */
const isOperation = (spec: LayerSpec): boolean => {
  const torch = kindOf(spec).torch(spec);
  return spec.kind === 'flatten' || torch === 'add' || torch === 'torch.add' || torch === 'mean' || torch === 'mul' || torch === 'split' || torch === 'cat' || torch === 'sum' || (torch.startsWith('F.') && torch !== 'F.dropout');
};

describe.each(loadFixtures())('$file', ({ record: recorded, config }) => {
  // timm's flatten is an nn.Flatten module (its SelectAdaptivePool2d's), torchvision's a torch.flatten
  // call: a row of ours either way, compared by the rows around it
  const record = { ...recorded, layers: recorded.layers.filter((r) => r.type !== 'Flatten') };
  const t = trace(config, record.input);

  it('has the same module calls in the same order (types, shapes, params)', () => {
    // rows that are not modules in PyTorch (add, flatten, the SE mean and product) are ours alone
    const ours = t.layers.filter((l) => !isOperation(l.spec));
    const types = ours.map((l) => typeName(l.spec));
    expect(types.map((t, i) => [t].flat().some((n) => [TYPE[record.layers[i]?.type ?? '']].flat().includes(n)) ? t : `${t} (PyTorch: ${record.layers[i]?.type})`)).toEqual(types);
    expect(ours).toHaveLength(record.layers.length);
    ours.forEach((l, i) => {
      const r = record.layers[i]!;
      expect({ input: l.input, output: l.output }, r.name).toEqual({ input: r.input, output: r.output });
      expect({ weight: l.weight, bias: l.bias }, r.name).toEqual({
        weight: r.params.weight ?? null,
        bias: r.params.bias ?? null,
      });
      expect(l.runningStats, r.name).toBe((r.buffers.running_mean?.[0] ?? 0) + (r.buffers.running_var?.[0] ?? 0));
      // every row's params and mult-adds (a blur pool's depthwise filter too)
      const params = Object.values(r.params).reduce((a, shape) => a + shape.reduce((p, d) => p * d, 1), 0);
      expect({ params: Number(l.params), macs: Number(l.macs) }, r.name).toEqual({ params, macs: r.macs });
    });
  });

  // timm-structured cases are torchvision's modules rearranged (record.py): torchvision's names
  it.skipIf(record.case?.stem !== undefined || record.case?.se !== undefined || record.case?.timm === true)('names every module row as PyTorch does', () => {
    const ours = t.layers.filter((l) => !isOperation(l.spec));
    expect(ours.map((l) => l.spec.name)).toEqual(record.layers.map((r) => r.name));
  });

  it('names every conv and linear row as PyTorch does, with its mult-adds', () => {
    const ours = t.layers.filter((l) => l.spec.kind === 'conv2d' || l.spec.kind === 'linear');
    const theirs = record.layers.filter((r) => /^Conv\dd$|^Conv3D|^StdConv2d$|^Linear$/.test(r.type) && !(r.type === 'Conv1d' && r.name.includes('.se.')) );
    expect(ours.map((l) => [l.spec.name, l.output, l.macs])).toEqual(theirs.map((r) => [r.name, r.output, r.macs]));
    expect(ours.filter((l) => l.spec.kind === 'conv2d')).toHaveLength(record.conv_count ?? record.conv2d_count);
  });

  it('has the same output and totals', () => {
    expect(t.output).toEqual(record.output);
    expect(t.totals).toEqual({
      params: record.total_params,
      trainableParams: record.trainable_params,
      bnRunningStats: record.bn_running_stats,
      macs: record.macs,
    });
  });
});

describe.each(loadRefusals())('$file', ({ record, config }) => {
  it(`is refused at ${record.refused_at}, where PyTorch raised`, () => {
    const result = traceShapes(config, expandResNet(config), record.input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issue.path).toBe(record.refused_at);
  });
});

const published = JSON.parse(readFileSync(join(REFERENCE, 'published.json'), 'utf8')) as {
  torchvision: { models: Record<string, { params: number; gmacs: number }> };
  timm: { models: Record<string, number> };
  keras_resnet50: { total: number; trainable: number; non_trainable: number };
};

describe('published figures', () => {
  it.each(Object.entries(published.torchvision.models))('torchvision %s: params and GMACs', (name, fig) => {
    const t = trace(preset(name), [1, 3, 224, 224]);
    expect(t.totals.params).toBe(fig.params);
    // published GMACs are rounded to three decimals (4.23 is 4.230)
    expect(Number(scaled(t.totals.macs, 9, 3))).toBe(fig.gmacs);
  });

  it.each(Object.entries(published.timm.models))('timm %s: params', (name, params) => {
    expect(trace(preset(name), [1, 3, 224, 224]).totals.params).toBe(params);
  });

  it("Keras ResNet50: BN moving statistics equal our running stats; its conv biases are the rest", () => {
    const t = trace(preset('resnet50'), [1, 3, 224, 224]);
    expect(t.totals.bnRunningStats).toBe(published.keras_resnet50.non_trainable);
    // Keras convs carry a bias: one per output channel of each of the 53 convs
    const convBiases = t.layers.filter((l) => l.spec.kind === 'conv2d').reduce((a, l) => a + l.weight![0]!, 0);
    expect((t.totals.params as number) + convBiases).toBe(published.keras_resnet50.trainable);
  });
});

describe("timm's ResNet relatives (#27): params as timm's results tables print them (millions, two decimals)", () => {
  // pytorch-image-models results/results-imagenet.csv, param_count: resnet10t 5.44, resnet14t 10.08,
  // resnet26 16.00, seresnext26d_32x4d 16.81
  it.each([
    ['resnet10t', '5.44'],
    ['resnet14t', '10.08'],
    ['resnet26', '16.00'],
    ['seresnext26d_32x4d', '16.81'],
    // and the rest of #27: resnet50_gn 25.56, ecaresnet50d 25.58, resnetrs50 35.69, resnetblur50 25.56,
    // res2net50_26w_4s 25.70, resnetv2_50 25.55, resnetv2_50x1_bit 25.55, resnest50d 27.48
    ['resnet50_gn', '25.56'],
    ['ecaresnet50d', '25.58'],
    ['resnetrs50', '35.69'],
    ['resnetblur50', '25.56'],
    ['res2net50_26w_4s', '25.70'],
    ['resnetv2_50', '25.55'],
    ['resnetv2_50x1_bit', '25.55'],
    ['resnest50d', '27.48'],
  ])('%s: %s M', (name, millions) => {
    const config = preset(name);
    expect((Number(trace(config, config.input ?? [1, 3, 224, 224]).totals.params) / 1e6).toFixed(2)).toBe(millions);
  });
});

describe('published figures of the RegNet, IResNet, Paddle and KerasHub presets (#28)', () => {
  // torchvision's num_params (regnet.py's weights metadata)
  it.each([
    ['regnet_x_400mf', 5_495_976],
    ['regnet_y_400mf', 4_344_144],
    ['regnet_x_1_6gf', 9_190_136],
    ['regnet_y_1_6gf', 11_202_430],
  ])('torchvision %s: %d params', (name, params) => {
    expect(trace(preset(name), [1, 3, 224, 224]).totals.params).toBe(params);
  });

  // insightface's model zoo: IResNet-50 43.59 M, IResNet-100 65.16 M; the features BN's 512 scales are frozen
  it.each([
    ['iresnet50', 43_590_848],
    ['iresnet100', 65_156_160],
  ])('insightface %s: %d params, 512 of them frozen', (name, params) => {
    const t = trace(preset(name), [1, 3, 112, 112]).totals;
    expect([t.params, t.trainableParams]).toEqual([params, params - 512]);
  });

  it("Paddle's ResNet-50: 25,557,032 params; paddle.summary's 25,610,152 counts BN's mean and variance", () => {
    const t = trace(preset('paddle_resnet50'), [1, 3, 224, 224]);
    expect(paramCounts(t)).toMatchObject({ pytorch: 25_557_032, paddle: 25_610_152 });
  });

  // Keras' model.summary() totals of KerasHub's presets (moving statistics are non-trainable params)
  it.each([
    ['kerashub_resnet18', 11_186_112],
    ['kerashub_resnet50', 23_561_152],
    ['kerashub_resnet101', 42_605_504],
    ['kerashub_resnet152', 58_295_232],
  ])('KerasHub %s: Keras counts %d', (name, total) => {
    expect(paramCounts(trace(preset(name), [1, 3, 224, 224])).keras).toBe(total);
  });
});

describe("Keras ResNetV2: Keras' totals are our params plus the BN moving statistics", () => {
  // Keras' model summaries: ResNet50V2 25,613,800 params (25,568,360 trainable), ResNet101V2
  // 44,675,560, ResNet152V2 60,380,648; the PyTorch re-implementation's records give the same
  it.each([
    ['keras_resnet50v2', 25_613_800, 25_568_360],
    ['keras_resnet101v2', 44_675_560, 44_577_896],
    ['keras_resnet152v2', 60_380_648, 60_236_904],
  ])('%s', (name, total, trainable) => {
    const t = trace(preset(name), [1, 3, 224, 224]);
    expect(t.totals.params).toBe(trainable);
    expect((t.totals.params as number) + (t.totals.bnRunningStats as number)).toBe(total);
    const record = fixture(`fixtures/${name}_c1000_1x3x224x224.json`).record;
    expect(record.total_params + record.bn_running_stats).toBe(total);
    expect(t.totals.macs).toBe(record.macs);
  });
});

describe('the notes and the foundation issue', () => {
  it.each([
    ['resnet50', 23_510_081, 40_871_383_040],
    ['resnet101', 42_502_209, 77_993_594_880],
    ['resnet152', 58_145_857, 115_115_806_720],
  ])('%s with 1 class at 10×3×224×224', (name, params, macs) => {
    const t = trace(preset(name, { classes: 1 }), [10, 3, 224, 224]);
    expect(t.totals.params).toBe(params);
    expect(t.totals.macs).toBe(macs);
    expect(t.output).toEqual([10, 1]);
  });
});

// Networks of other spatial ranks (#31): video ResNets on clips [N, C, T, H, W] and 1-d ResNets on
// signals [N, C, L]. Per-layer equality with PyTorch is test/oracle.test.ts's (the records of
// scripts/pytorch/record.py); here: torchvision's published totals, the arithmetic of the rank's
// own rules, and the refusals.

import { describe, expect, it } from 'vitest';
import { analyze, warningsOf } from '../src/analysis/analyze.js';
import { finalReceptiveField } from '../src/analysis/receptive.js';
import { traceShapes } from '../src/analysis/trace.js';
import { resolveConfig } from '../src/network/config.js';
import { expandResNet } from '../src/network/expand.js';
import { midplanes } from '../src/network/rows.js';
import { checkConfig } from '../src/schemas/config.js';
import type { LayerSpec } from '../src/types.js';
import { preset, trace } from './helpers/model.js';

describe("torchvision's video ResNets at 1×3×16×112×112: its published figures", () => {
  // torchvision's model documentation (the weights' meta: num_params and GFLOPS, which are its mult-adds)
  it.each([
    ['r3d_18', 33_371_472, 40_696_553_472, 40.697],
    ['mc3_18', 11_695_440, 43_342_635_008, 43.343],
    ['r2plus1d_18', 31_505_325, 40_519_080_960, 40.519],
  ])('%s: %d params, %d mult-adds (%f GFLOPS published)', (name, params, macs, published) => {
    const t = trace(preset(name), [1, 3, 16, 112, 112]);
    expect(t.totals.params).toBe(params);
    expect(t.totals.macs).toBe(macs);
    expect(Math.round(Number(t.totals.macs) / 1e6) / 1e3).toBe(published);
    expect(t.output).toEqual([1, 400]);
  });

  it("r2plus1d's middle width: the 3×3×3 conv's parameters over a (1×3×3, 3×1×1) pair's per channel", () => {
    // torchvision: (in · planes · 27) // (in · 9 + 3 · planes); layer1: 64·64·27 / (576 + 192) = 144
    expect(midplanes(64, 64)).toBe(144);
    expect(midplanes(64, 128)).toBe(Math.floor((64 * 128 * 27) / (64 * 9 + 3 * 128)));
    const t = trace(preset('r2plus1d_18'), [1, 3, 16, 112, 112]);
    const row = (name: string) => t.layers.find((l) => l.spec.name === name)!;
    expect(row('layer1.0.conv1.0.0').weight).toEqual([144, 64, 1, 3, 3]);
    expect(row('layer1.0.conv1.0.3').weight).toEqual([64, 144, 3, 1, 1]);
    // layer2's first block strides its frames in the 3×1×1 conv and its sides in the 1×3×3: 16 → 8, 56 → 28
    expect(row('layer2.0.conv1.0.0').output).toEqual([1, 230, 16, 28, 28]);
    expect(row('layer2.0.conv1.0.3').output).toEqual([1, 128, 8, 28, 28]);
  });

  it("mc3's later stages stride height and width only: the frames stay 16 after the 3-d first stage", () => {
    const t = trace(preset('mc3_18'), [1, 3, 16, 112, 112]);
    const out = (name: string) => t.layers.find((l) => l.spec.name === name)!.output;
    expect(out('layer1.1.relu')).toEqual([1, 64, 16, 56, 56]);
    expect(out('layer4.1.relu')).toEqual([1, 512, 16, 7, 7]);
    expect(out('layer2.0.downsample.0')).toEqual([1, 128, 16, 28, 28]);
  });
});

describe('receptive field per axis', () => {
  it("r2plus1d's stem and first conv: frames 1 → 3 → 5, sides 7 → 11 at jump 2", () => {
    const t = trace(preset('r2plus1d_18'), [1, 3, 16, 112, 112]);
    const a = analyze(preset('r2plus1d_18'), [1, 3, 16, 112, 112]);
    if (!a.ok) throw new Error('trace');
    const at = (name: string) => {
      const i = t.layers.findIndex((l) => l.spec.name === name);
      return a.analysis.receptiveFieldAxes!.map((table) => table.at(i)!.size);
    };
    // stem.0 is 1×7×7 at 1×2×2; stem.3 3×1×1: frames 3, sides 7
    expect(at('stem.0')).toEqual([1, 7, 7]);
    expect(at('stem.3')).toEqual([3, 7, 7]);
    // a 1×3×3 at jump 2 widens the sides by 2·2; the 3×1×1 then the frames by 2 at jump 1
    expect(at('layer1.0.conv1.0.0')).toEqual([3, 11, 11]);
    expect(at('layer1.0.conv1.0.3')).toEqual([5, 11, 11]);
  });

  it("tsc_resnet: 'same' convs of 8, 5 and 3 widen the field by 7 + 4 + 2 a block; an even kernel centres the first output half a sample on", () => {
    const t = trace(preset('tsc_resnet'), [1, 1, 128]);
    const f = finalReceptiveField(t.layers, 0)!;
    // three blocks, each 7 + 4 + 2 = 13 wider, from 1
    expect(f.size).toBe(1 + 3 * 13);
    expect(f.stride).toBe(1);
    // PyTorch pads an even kernel 3 before and 4 after: the first window covers −3 … 4, centre 0.5; the
    // odd ones are centred
    expect(f.center).toBe(3 * 0.5);
    // and the output is as long as the input
    expect(t.layers.filter((l) => l.spec.kind === 'conv2d').every((l) => l.output[2] === 128)).toBe(true);
  });
});

describe('ranks a network cannot take: one sentence, naming the layer PyTorch names', () => {
  // the CLI's sentences for a rank a network cannot take: test/cli.test.ts's table of bad input

  it('a window longer than a padded axis: the axis by its name (frames, length)', () => {
    const config = preset('r3d_18');
    const pool: LayerSpec = {
      kind: 'maxpool2d',
      name: 'pool',
      paddleName: null,
      from: -1,
      section: { kind: 'stem' },
      kernel: [3, 3, 3],
      stride: [1, 1, 1],
      padding: [
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      dilation: [1, 1, 1],
      ceilMode: false,
    };
    const r = traceShapes(config, [pool], [1, 3, 2, 8, 8]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issue).toEqual({ code: 'too-small', path: 'pool', expected: 'a padded frames of at least the window span 3 (dilation·(kernel−1)+1)', found: '2 + padding 0 = 2' });
    const signal = traceShapes(preset('resnet18_1d'), [{ ...pool, kernel: [5], stride: [1], padding: [[1, 1]], dilation: [1] }], [1, 1, 2]);
    expect(!signal.ok && signal.issue.expected).toBe('a padded length of at least the window span 5 (dilation·(kernel−1)+1)');
  });
});

describe('the rank in a config', () => {
  const issues = (fields: Record<string, unknown>) => checkConfig(resolveConfig({ block: 'basic', layers: [2, 2, 2, 2], ...fields } as never, 'c')).map((i) => i.path);

  it('an input of the rank the network takes; what only images have refused on clips and signals', () => {
    expect(issues({ dims: 3, input: [1, 3, 224, 224] })).toEqual(['input']);
    expect(issues({ dims: 1, se: { reduction: 16 } })).toEqual(['se']);
    expect(issues({ dims: 1, downsample: 'avgpool' })).toEqual(['downsample']);
    expect(issues({ convMakers: ['simple', 'simple', 'simple', 'simple'] })).toEqual(['convMakers']);
    expect(issues({ dims: 3, convMakers: ['simple'] })).toEqual(['convMakers']);
    expect(issues({ dims: 3, stem: { convs: [{ kernel: [3, 7], channels: 64 }] } })).toEqual(['stem.convs[0].kernel']);
    expect(issues({ dims: 3, stem: { convs: [{ kernel: [3, 7, 7], stride: [1, 2, 2], channels: 64 }], pool: 'none' } })).toEqual([]);
  });

  it("a 1-d ResNet-18 as torchvision's with Conv1d: its default input, and a length of 1 (every window padded by half)", () => {
    const config = preset('resnet18_1d');
    const t = trace(config, [2, 1, 1]);
    expect(t.output).toEqual([2, 1000]);
    // resnet18's params less the 2-d kernels' extra taps: conv weights of k² become k
    const weights = t.layers.filter((l) => l.spec.kind === 'conv2d').map((l) => l.weight!);
    expect(weights.every((w) => w.length === 3)).toBe(true);
    expect(expandResNet(config).filter((s) => s.kind === 'conv2d')).toHaveLength(20);
  });
});

describe('a BatchNorm seeing one value per channel, whatever the rank', () => {
  it("PyTorch's training forward raises where batch × every spatial size is 1 (its _verify_batch_size): a clip of 1×1×1, a signal of 1", () => {
    for (const [name, input, row] of [
      ['resnet18_1d', [1, 1, 1], 'bn1'],
      ['r3d_18', [1, 3, 1, 1, 1], 'stem.1'],
    ] as const) {
      const a = analyze(preset(name), [...input]);
      if (!a.ok) throw new Error('trace');
      expect(warningsOf(a.analysis).map((w) => w.path)).toEqual([row]);
      const two = analyze(preset(name), [2, ...input.slice(1)]);
      expect(two.ok && warningsOf(two.analysis)).toEqual([]);
    }
  });
});


// Rules: one small test per attribute and per failure, with expected values worked out by hand.

import { describe, expect, it } from 'vitest';
import { add, groupDigits, mul, scaled, toJsonValue } from '../src/int.js';
import { convOutputLength, traceShapes } from '../src/analysis/trace.js';
import { formatIssue } from '../src/format/common.js';
import { dilationForOutputStride, MAX_BLOCK_ROWS, resolveConfig } from '../src/network/config.js';
import { checkConfig } from '../src/schemas/config.js';
import { countRows, expandResNet } from '../src/network/expand.js';
import { seChannels } from '../src/network/designs.js';
import type { LayerSpec, ModelConfig, Section } from '../src/types.js';
import { preset, trace } from './helpers/model.js';
import { PRESET_NAMES, presetConfig } from '../src/network/presets.js';
import { parseConfig } from '../src/schemas/parse.js';
import { analyze } from '../src/library.js';
import { ReceptiveFieldTable } from '../src/analysis/receptive.js';
import { estimateMemory } from '../src/analysis/memory.js';
import { symbolicTrace } from '../src/analysis/sizes.js';

describe('convOutputLength', () => {
  it('floors (224 + 2·3 − 7) / 2 + 1 = 112 for the 7×7/2 stem', () => {
    expect(convOutputLength(224, 7, 2, 3, 3)).toBe(112);
  });
  it('floors odd sizes: (97 + 2 − 3) / 2 + 1 = 49', () => {
    expect(convOutputLength(97, 3, 2, 1, 1)).toBe(49);
  });
  it('applies dilation: span 2·(3−1)+1 = 5, (28 + 4 − 5) / 1 + 1 = 28', () => {
    expect(convOutputLength(28, 3, 1, 2, 2, 2)).toBe(28);
  });
  it('ceil mode rounds up: ceil((7 − 2) / 2) + 1 = 4 where floor gives 3', () => {
    expect(convOutputLength(7, 2, 2, 0, 0, 1, false)).toBe(3);
    expect(convOutputLength(7, 2, 2, 0, 0, 1, true)).toBe(4);
  });
  it('ceil mode drops a window that would start in the padding', () => {
    // size 5, kernel 3, stride 2, pad 1: ceil((5+2−3)/2)+1 = 3; window 2 starts at 4 < 5+1: kept
    expect(convOutputLength(5, 3, 2, 1, 1, 1, true)).toBe(3);
    // size 4, kernel 2, stride 2, pad 1: ceil((4+2−2)/2)+1 = 3; window 2 starts at 4 ≥ 4+1? no: kept
    expect(convOutputLength(4, 2, 2, 1, 1, 1, true)).toBe(3);
    // size 2, kernel 2, stride 2, pad 1: ceil(2/2)+1 = 2; window 1 starts at 2 ≥ 2+1? no: kept
    // size 1, kernel 1, stride 2, pad 1: ceil((1+2−1)/2)+1 = 2; window 1 starts at 2 ≥ 1+1: dropped
    expect(convOutputLength(1, 1, 2, 1, 1, 1, true)).toBe(1);
  });
  it('ceil mode lets a 2×2/2 pool take a 1-pixel input (PyTorch gives 1)', () => {
    expect(convOutputLength(1, 2, 2, 0, 0, 1, true)).toBe(1);
    expect(convOutputLength(1, 2, 2, 0, 0, 1, false)).toBeLessThan(1);
  });
  it('asymmetric padding: AvgPool2dSame(2, 1) keeps the size', () => {
    expect(convOutputLength(13, 2, 1, 0, 1, 1, true)).toBe(13);
  });
  it('zero or less when the window does not fit', () => {
    expect(convOutputLength(2, 5, 1, 0, 0)).toBeLessThan(1);
  });
});

const stem: Section = { kind: 'stem' };
const conv = (over: Partial<Extract<LayerSpec, { kind: 'conv2d' }>> = {}): LayerSpec => ({
  kind: 'conv2d',
  name: 'c',
  paddleName: 'conv2d_0',
  from: -1,
  section: stem,
  inChannels: 3,
  outChannels: 8,
  kernel: [3, 3],
  stride: [1, 1],
  padding: [
    [1, 1],
    [1, 1],
  ],
  dilation: [1, 1],
  groups: 1,
  bias: false,
  ...over,
});
const cfg = resolveConfig({ block: 'basic', layers: [1] }, 'test') as ModelConfig;

function run(specs: LayerSpec[], input: number[]) {
  return traceShapes(cfg, specs, input);
}

describe('conv2d', () => {
  it('weight [out, in/groups, kh, kw], params and mult-adds', () => {
    const r = run([conv({ inChannels: 4, outChannels: 8, groups: 2, kernel: [3, 1], padding: [[1, 1], [0, 0]] })], [2, 4, 5, 6]);
    if (!r.ok) throw new Error('expected ok');
    const l = r.trace.layers[0]!;
    expect(l.output).toEqual([2, 8, 5, 6]);
    expect(l.weight).toEqual([8, 2, 3, 1]);
    expect(l.params).toBe(8 * 2 * 3 * 1);
    // output elements 2·8·5·6 = 480, each 2·3·1 = 6 mult-adds
    expect(l.macs).toBe(480 * 6);
  });
  it('bias adds out params and a bias shape', () => {
    const r = run([conv({ bias: true })], [1, 3, 4, 4]);
    if (!r.ok) throw new Error('expected ok');
    expect(r.trace.layers[0]!.bias).toEqual([8]);
    expect(r.trace.layers[0]!.params).toBe(8 * 3 * 9 + 8);
  });
  it('stride 2 halves (rounding down) each side', () => {
    const r = run([conv({ stride: [2, 2] })], [1, 3, 7, 8]);
    if (!r.ok) throw new Error('expected ok');
    expect(r.trace.output).toEqual([1, 8, 4, 4]);
  });
  it('fails on the wrong channel count, naming the layer, expected and found', () => {
    const r = run([conv()], [1, 4, 8, 8]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatIssue(r.issue)).toBe('c: expected 3 input channels, found 4');
  });
  it('fails on a non-4-d input', () => {
    const r = run([conv()], [1, 3, 8]);
    expect(!r.ok && r.issue.code).toBe('rank');
  });
  it('fails when the window does not fit', () => {
    const r = run([conv({ kernel: [7, 7], padding: [[0, 0], [0, 0]] })], [1, 3, 5, 5]);
    expect(!r.ok && r.issue.code).toBe('too-small');
    if (!r.ok) expect(formatIssue(r.issue)).toContain('c: expected a padded height of at least the window span 7');
  });
});

describe('groupnorm', () => {
  it("refuses a map its groups do not divide, at the row (PyTorch's GroupNorm: num_channels divisible by num_groups)", () => {
    // a GroupNorm made inside a block (ResNeSt's attention, an SE) is checked where it is, not only by the config's maps
    const gn = (groups: number): LayerSpec => ({ kind: 'groupnorm', name: 'gn', paddleName: null, from: 0, section: stem, channels: 8, groups });
    const bad = run([conv(), gn(3)], [1, 3, 4, 4]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issue).toMatchObject({ path: 'gn', code: 'channels' });
    expect(run([conv(), gn(4)], [1, 3, 4, 4]).ok).toBe(true);
    // and the sizes' formulas say no input makes it hold
    expect(symbolicTrace([conv(), gn(3)], [1, 3, 4, 4]).conditions.map((c) => [c.path, c.rel.k])).toEqual([['gn', 'never']]);
    expect(symbolicTrace([conv(), gn(4)], [1, 3, 4, 4]).conditions).toEqual([]);
  });
});

describe('batchnorm2d, relu, pooling, add, flatten, linear', () => {
  const block: Section = { kind: 'block', block: 'basic', stage: 0, index: 0, serial: 0, projection: false };
  const specs: LayerSpec[] = [
    conv(),
    { kind: 'batchnorm2d', name: 'bn', paddleName: null, from: 0, section: stem, channels: 8 },
    { kind: 'relu', name: 'relu', paddleName: null, from: 1, section: stem, inplace: true },
    {
      kind: 'maxpool2d', name: 'pool', paddleName: null, from: 2, section: stem,
      kernel: [3, 3], stride: [2, 2], padding: [[1, 1], [1, 1]], dilation: [1, 1], ceilMode: false,
    },
    { kind: 'add', name: 'b.add', paddleName: null, from: 3, section: block, shortcut: 3 },
    { kind: 'adaptiveavgpool2d', name: 'gap', paddleName: null, from: 4, section: { kind: 'head' }, outputSize: [1, 1] },
    { kind: 'flatten', name: 'flatten', paddleName: null, from: 5, section: { kind: 'head' } },
    { kind: 'linear', name: 'fc', paddleName: 'linear_0', from: 6, section: { kind: 'head' }, inFeatures: 8, outFeatures: 5, bias: true },
  ];
  const r = run(specs, [2, 3, 9, 9]);
  if (!r.ok) throw new Error('expected ok');
  const [, bn, relu, pool, sum, gap, flat, fc] = r.trace.layers;

  it('batchnorm2d: weight and bias [C], 2C params, 2C running stats, no mult-adds', () => {
    expect([bn!.weight, bn!.bias, bn!.params, bn!.runningStats, bn!.macs]).toEqual([[8], [8], 16, 16, 0]);
  });
  it('relu keeps the shape', () => expect(relu!.output).toEqual([2, 8, 9, 9]));
  it('maxpool 3/2 pad 1: (9 + 2 − 3) / 2 + 1 = 5', () => expect(pool!.output).toEqual([2, 8, 5, 5]));
  it('add keeps the shape and counts nothing', () => expect([sum!.output, sum!.macs]).toEqual([[2, 8, 5, 5], 0]));
  it('adaptive pool to 1×1', () => expect(gap!.output).toEqual([2, 8, 1, 1]));
  it('flatten keeps the batch', () => expect(flat!.output).toEqual([2, 8]));
  it('linear: weight [out, in], bias [out], batch × in × out mult-adds', () => {
    expect([fc!.output, fc!.weight, fc!.bias, fc!.params, fc!.macs]).toEqual([[2, 5], [5, 8], [5], 45, 2 * 8 * 5]);
  });
  it('totals are the sums of the rows', () => {
    expect(r.trace.totals.params).toBe(8 * 3 * 9 + 16 + 45);
    expect(r.trace.totals.bnRunningStats).toBe(16);
  });

  it('add fails when the two operands differ', () => {
    const bad = run([conv(), { kind: 'add', name: 'x.add', paddleName: null, from: 0, section: block, shortcut: -1 }], [1, 3, 4, 4]);
    expect(!bad.ok && formatIssue(bad.issue)).toBe("x.add: expected the shortcut's shape [1, 3, 4, 4], found [1, 8, 4, 4]");
  });
  it('linear fails on the wrong feature count', () => {
    const bad = run([{ kind: 'linear', name: 'fc', paddleName: null, from: -1, section: stem, inFeatures: 4, outFeatures: 2, bias: true }], [1, 3]);
    expect(!bad.ok && formatIssue(bad.issue)).toBe('fc: expected 4 input features, found 3');
  });
  it('batchnorm2d fails on the wrong channel count', () => {
    const bad = run([{ kind: 'batchnorm2d', name: 'bn', paddleName: null, from: -1, section: stem, channels: 4 }], [1, 3, 2, 2]);
    expect(!bad.ok && formatIssue(bad.issue)).toBe('bn: expected 4 input channels, found 3');
  });
});

describe('exact integers', () => {
  it('stay numbers while safe and switch to BigInt beyond 2^53 − 1', () => {
    expect(mul(2 ** 26, 2 ** 26)).toBe(2 ** 52);
    expect(mul(2 ** 27, 2 ** 27)).toBe(2n ** 54n);
    expect(add(Number.MAX_SAFE_INTEGER, 1)).toBe(2n ** 53n);
    expect(mul(2n ** 60n, 0)).toBe(0);
  });
  it('JSON writes big values as decimal strings with every digit', () => {
    expect(toJsonValue(2n ** 64n)).toBe('18446744073709551616');
    expect(toJsonValue(12)).toBe(12);
  });
  it('groups digits and scales exactly', () => {
    expect(groupDigits(23510081)).toBe('23,510,081');
    expect(groupDigits(2n ** 64n)).toBe('18,446,744,073,709,551,616');
    expect(scaled(4_089_184_256, 9, 3)).toBe('4.089');
    expect(scaled(4_229_999_999, 9, 2)).toBe('4.23');
  });
});

describe('config rules', () => {
  it('fills torchvision defaults', () => {
    const c = resolveConfig({ block: 'bottleneck', layers: [3, 4, 6, 3] }, 'x');
    expect(c.widths).toEqual([64, 128, 256, 512]);
    expect(c.replaceStrideWithDilation).toEqual([false, false, false]);
    expect([c.groups, c.widthPerGroup, c.classes, c.inChannels, c.stem, c.downsample]).toEqual([1, 64, 1000, 3, 'standard', 'conv']);
  });
  it('output stride 8 and 16 dilate as torchvision and DeepLab do', () => {
    expect(dilationForOutputStride(8, 4)).toEqual([false, true, true]);
    expect(dilationForOutputStride(16, 4)).toEqual([false, false, true]);
    expect(dilationForOutputStride(32, 4)).toEqual([false, false, false]);
  });
  it('refuses to dilate basic blocks', () => {
    const c = { ...resolveConfig({ block: 'basic', layers: [2, 2, 2, 2] }, 'x'), replaceStrideWithDilation: [false, true, true] };
    expect(checkConfig(c)[0]?.path).toBe('replaceStrideWithDilation');
  });
  it('refuses grouped basic blocks', () => {
    expect(checkConfig(resolveConfig({ block: 'basic', layers: [2], groups: 2 }, 'x'))[0]?.path).toBe('groups');
  });
  it('requires one width per stage', () => {
    expect(formatIssue(checkConfig(resolveConfig({ block: 'basic', layers: [2, 2], widths: [64] }, 'x'))[0]!)).toBe(
      'widths: expected 2 entries (one per stage), found 1',
    );
  });
  it('counts rows without expanding them', () => {
    for (const name of ['resnet18', 'resnet50', 'resnet152', 'resnet50d', 'resnet18d']) {
      const c = preset(name);
      expect(countRows(c), name).toBe(expandResNet(c).length);
    }
  });
  it('refuses networks over 10^6 rows, counting them by the expander', () => {
    // bottleneck rows: stem 4, head 3, blocks 10 each, a projection 2 more in each stage
    const at = (blocks: number) => resolveConfig({ block: 'bottleneck', layers: [blocks] }, 'x');
    const fits = (1_000_000 - 4 - 3 - 2) / 10; // 99,999.1: 99,999 blocks fit, 100,000 do not
    expect(countRows(at(Math.floor(fits)))).toBe(4 + 3 + 2 + 10 * 99_999);
    expect(checkConfig(at(Math.floor(fits)))).toEqual([]);
    expect(checkConfig(at(Math.floor(fits) + 1))[0]).toMatchObject({ path: 'layers', expected: 'a network of at most 1,000,000 rows', found: '1,000,009 rows' });
  });
});

describe('expansion', () => {
  it('v1.5 strides the 3×3, v1 the first 1×1', () => {
    const v15 = expandResNet(preset('resnet50'));
    const v1 = expandResNet(preset('resnet50', { strideIn1x1: true }));
    const stride = (rows: LayerSpec[], name: string) => (rows.find((r) => r.name === name) as unknown as { stride: number[] }).stride;
    expect([stride(v15, 'layer2.0.conv1'), stride(v15, 'layer2.0.conv2')]).toEqual([[1, 1], [2, 2]]);
    expect([stride(v1, 'layer2.0.conv1'), stride(v1, 'layer2.0.conv2')]).toEqual([[2, 2], [1, 1]]);
  });
  it('a dilated stage keeps the previous dilation in its first 3×3 and pads by the dilation', () => {
    const rows = expandResNet({ ...preset('resnet50'), replaceStrideWithDilation: [false, true, true] });
    const d = (name: string) => rows.find((r) => r.name === name) as unknown as { dilation: number[]; padding: number[][]; stride: number[] };
    expect(d('layer3.0.conv2')).toMatchObject({ dilation: [1, 1], stride: [1, 1] });
    expect(d('layer3.1.conv2')).toMatchObject({ dilation: [2, 2], padding: [[2, 2], [2, 2]] });
    expect(d('layer4.0.conv2')).toMatchObject({ dilation: [2, 2] });
    expect(d('layer4.1.conv2')).toMatchObject({ dilation: [4, 4], padding: [[4, 4], [4, 4]] });
  });
  it('every row reads an earlier row (or the input)', () => {
    const rows = expandResNet(preset('resnet50d'));
    rows.forEach((r, i) => {
      expect(r.from).toBeLessThan(i);
      if (r.kind === 'add') expect(r.shortcut).toBeLessThan(i);
    });
  });
});

describe('huge sizes stay exact', () => {
  it('ResNet-50 at 100000×3×4096×4096: every total equals a pure BigInt reference', async () => {
    const t = trace(preset('resnet50'), [100000, 3, 4096, 4096]);
    let macs = 0n;
    let elements = 0n;
    for (const l of t.layers) {
      const out = l.output.reduce((a, d) => a * BigInt(d), 1n);
      elements += out;
      if (l.spec.kind === 'conv2d') {
        const [, inPerGroup, kh, kw] = l.weight!.map(BigInt) as [bigint, bigint, bigint, bigint];
        macs += out * inPerGroup * kh * kw;
      } else if (l.spec.kind === 'linear') macs += out * BigInt(l.spec.inFeatures);
    }
    expect(BigInt(t.totals.macs)).toBe(macs);
    expect(typeof t.totals.macs).toBe('bigint');
    expect(toJsonValue(t.totals.macs)).toBe(macs.toString());
    expect(macs > 2n ** 53n).toBe(true);
    // each row exact too: a bigint exactly when its value leaves the safe range
    for (const l of t.layers) {
      const out = l.output.reduce((a, d) => a * BigInt(d), 1n);
      const exact = l.spec.kind === 'conv2d' ? out * l.weight!.slice(1).reduce((a, d) => a * BigInt(d), 1n) : l.spec.kind === 'linear' ? out * BigInt(l.spec.inFeatures) : 0n;
      expect(BigInt(l.macs), l.spec.name).toBe(exact);
      expect(typeof l.macs, l.spec.name).toBe(exact > BigInt(Number.MAX_SAFE_INTEGER) ? 'bigint' : 'number');
    }
    expect(elements > 0n).toBe(true);
  });
});

describe('limits on resolved configs', () => {
  it('default widths (64·2^i) beyond 2^20 are refused with the stage named', () => {
    const c = resolveConfig({ block: 'basic', layers: new Array(20).fill(1) }, 'x');
    // 64·2^15 = 2^21 is the first default past 2^20
    expect(checkConfig(c)[0]).toMatchObject({ path: 'widths[15]', found: String(2 ** 21) });
  });
  it('a bottleneck 3×3 wider than 2^31 − 1 is refused', () => {
    const c = resolveConfig({ block: 'bottleneck', layers: [1], widths: [2 ** 20], groups: 2 ** 20, widthPerGroup: 64 }, 'x');
    expect(checkConfig(c)[0]).toMatchObject({ path: 'widths[0]', found: String(2 ** 40) });
  });
});

describe('the zero-padding (option A) shortcut', () => {
  const zeropad18 = () => preset('resnet18', { downsample: 'zeropad' });

  it('subsamples by the stride (ceil) and adds out/4 zero channels on each side', () => {
    const t = trace(zeropad18(), [2, 3, 97, 61]);
    const row = t.layers.find((l) => l.spec.name === 'layer2.0.shortcut')!;
    expect(row.spec.kind).toBe('channelpad');
    // layer1 out: 97 → 49 (conv1) → 25 (maxpool); 61 → 31 → 16; x[:, :, ::2, ::2] → 13 × 8
    expect([row.input, row.output]).toEqual([
      [2, 64, 25, 16],
      [2, 128, 13, 8],
    ]);
    expect([row.params, row.macs, row.weight]).toEqual([0, 0, null]);
  });

  it('has no parameters: ResNet-18 less its three projections (conv 1×1 + BN)', () => {
    // torchvision resnet18: 11,689,512; downsample params: 128·64 + 2·128 + 256·128 + 2·256 + 512·256 + 2·512
    const projections = 128 * 64 + 2 * 128 + 256 * 128 + 2 * 256 + 512 * 256 + 2 * 512;
    const t = trace(zeropad18(), [1, 3, 224, 224]);
    expect(t.totals.params).toBe(11_689_512 - projections);
    expect(t.output).toEqual([1, 1000]);
  });

  it('keeps the receptive field of a 1×1 window at the stride, and nothing for backward', async () => {
    const t = trace(zeropad18(), [1, 3, 224, 224]);
    const i = t.layers.findIndex((l) => l.spec.name === 'layer3.0.shortcut');
    const rf = new ReceptiveFieldTable(t.layers);
    const before = rf.at(t.layers[i]!.spec.from)!;
    expect(rf.at(i)).toEqual({ size: before.size, stride: Number(before.stride) * 2, center: before.center });
    expect(estimateMemory(t).rows[i]).toBe(0);
  });

  it('is refused where it cannot double the channels, naming the field', () => {
    const issue = checkConfig(resolveConfig({ ...presetConfig('resnet50')!, downsample: 'zeropad' }, 'x'))[0]!;
    // layer1 of a bottleneck network goes 64 → 256 channels: 64 + 2·64 ≠ 256
    expect(formatIssue(issue)).toBe(
      'downsample: expected a zero-padding (option A) shortcut to double the channels: out/4 zero channels on each side, found stage 1: 64 → 256 channels, stride 1',
    );
  });
});

describe("a stage's first block with a projection shortcut always (firstShortcut, Keras)", () => {
  // ResNet-18's layer1 keeps 64 channels at stride 1: torchvision gives its first block no shortcut
  const first = (config: ModelConfig) => trace(config, [1, 3, 224, 224]).layers.filter((l) => l.spec.name.startsWith('layer1.0.downsample'));

  it('adds a conv 1×1 + BN to layer1.0 where nothing changes shape; the default adds none', () => {
    expect(first(preset('resnet18'))).toEqual([]);
    const forced = preset('resnet18', { firstShortcut: 'always' });
    expect(first(forced).map((l) => [l.spec.kind, l.input, l.output, l.params])).toEqual([
      ['conv2d', [1, 64, 56, 56], [1, 64, 56, 56], 64 * 64],
      ['batchnorm2d', [1, 64, 56, 56], [1, 64, 56, 56], 2 * 64],
    ]);
    // only layer1's first block gains one: the other stages' first blocks change shape already
    expect(trace(forced, [1, 3, 224, 224]).totals.params).toBe(11_689_512 + 64 * 64 + 2 * 64);
  });

  it('is refused with option A, which can only double the channels, naming firstShortcut', () => {
    const issue = checkConfig(resolveConfig({ ...presetConfig('resnet20_cifar')!, firstShortcut: 'always' }, 'x'))[0]!;
    expect(formatIssue(issue)).toBe(
      'firstShortcut: expected a zero-padding (option A) shortcut to double the channels: out/4 zero channels on each side, found stage 1: 16 → 16 channels, stride 1',
    );
  });
});

describe("#28's fields: each written once, each refused where its source fails", () => {
  const issueOf = (input: Record<string, unknown>) => {
    const issues = checkConfig(resolveConfig(input as never, 'x'));
    return issues.length > 0 ? formatIssue(issues[0]!) : null;
  };

  it('groupWidth gives the 3×3 its groups: width / groupWidth (regnet_y_400mf layer2: 104 / 8 = 13)', () => {
    const conv = trace(preset('regnet_y_400mf'), [1, 3, 224, 224]).layers.find((l) => l.spec.name === 'trunk_output.block2.block2-0.f.b.0')!;
    expect(conv.spec.kind === 'conv2d' && conv.spec.groups).toBe(13);
    // weight [104, 104 / 13, 3, 3]
    expect(conv.weight).toEqual([104, 8, 3, 3]);
  });

  it('groupWidth is refused where it does not divide a width, on blocks without a grouped conv, and with groups', () => {
    expect(issueOf({ ...presetConfig('regnet_x_400mf')!, widths: [32, 64, 160, 404] })).toBe('widths[3]: expected a block width divisible by groupWidth 16 (each group takes groupWidth channels), found 404');
    expect(issueOf({ block: 'basic', layers: [1], groupWidth: 8 })).toBe('groupWidth: expected a block with a grouped 3×3 conv (bottleneck or regnet), found basic blocks');
    expect(issueOf({ block: 'regnet', layers: [1], widths: [64], groupWidth: 8, groups: 2 })).toMatch(/^groupWidth: expected groupWidth or groups, not both/);
  });

  it('RegNet squeezes from the block input width, rounded half to even: 48 → 12, 104 → 26 (round(0.25 × w))', () => {
    const fc1 = trace(preset('regnet_y_400mf'), [1, 3, 224, 224]).layers.filter((l) => l.spec.name.endsWith('.f.se.fc1'));
    // block1-0 reads the stem's 32 channels (8), block2-0 reads 48 (12), block2-1 reads 104 (26)
    expect(fc1.slice(0, 3).map((l) => l.weight![0])).toEqual([8, 12, 26]);
  });

  it('headFlatten wants an embedding (classes ≥ 1) and no pool; ibasic blocks are not dilated', () => {
    const iresnet = presetConfig('iresnet50')!;
    expect(issueOf({ ...iresnet, classes: 0 })).toBe('classes: expected at least 1 with headFlatten: the embedding width, found 0');
    expect(issueOf({ ...iresnet, headPool: 'global' })).toMatch(/^headPool: expected no pool and no headNorm with headFlatten/);
    expect(issueOf({ ...iresnet, replaceStrideWithDilation: [false, false, true] })).toMatch(/^replaceStrideWithDilation: expected no dilation: ibasic-block networks/);
  });

  it('norm: every BatchNorm a GroupNorm; a map whose channels the groups do not divide is refused (PyTorch: num_channels divisible by num_groups)', () => {
    const gn = trace(preset('resnet50_gn'), [1, 3, 224, 224]);
    expect(gn.layers.filter((l) => l.spec.kind === 'batchnorm2d')).toHaveLength(0);
    // 53 normalised maps, as ResNet-50's 53 BatchNorms; weight and bias as BN's, no running statistics
    expect(gn.layers.filter((l) => l.spec.kind === 'groupnorm')).toHaveLength(53);
    expect([gn.totals.params, gn.totals.bnRunningStats]).toEqual([25_557_032, 0]);
    // ResNet-18's stem map has 64 channels: 24 groups do not divide it
    expect(issueOf({ block: 'basic', layers: [2, 2, 2, 2], norm: { groups: 24 } })).toBe(
      "norm.groups: expected a divisor of every normalised map's channels (PyTorch's GroupNorm: num_channels divisible by num_groups), found 24, and a map of 64 channels",
    );
  });

  it("eca: timm's EcaModule in every block: k from the channels (256 → 5, 512 → 5, 1024 → 5, 2048 → 7), PyTorch's Conv1d shapes; not with se", () => {
    // t = int(|log2 C + 1| / 2): 4.5 → 4 → 5; 5 → 5; 5.5 → 5; 6 → 7
    const t = trace(preset('ecaresnet50d'), [2, 3, 224, 224]);
    const convs = t.layers.filter((l) => l.spec.kind === 'channelconv');
    expect(convs.map((l) => l.weight![2])).toEqual([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 7, 7, 7]);
    const first = convs[0]!;
    expect([first.spec.name, first.input, first.output, first.weight, first.bias, first.macs]).toEqual(['layer1.0.se.conv', [2, 1, 256], [2, 1, 256], [1, 1, 5], null, 2 * 256 * 5]);
    // ResNet-50-D's 25,576,264 and the 16 convs' 3·5 + 4·5 + 6·5 + 3·7 = 86 weights
    expect(t.totals.params).toBe(25_576_264 + 86);
    expect(issueOf({ ...presetConfig('ecaresnet50d')!, se: { reduction: 16 } })).toBe('eca: expected eca or se, not both (each block has one attention module), found both');
  });

  it('IResNet at 128×128 fails at fc: 512 × 8 × 8 features where it takes 512 × 7 × 7', () => {
    const config = preset('iresnet50');
    const result = traceShapes(config, expandResNet(config), [1, 3, 128, 128]);
    expect(result.ok ? null : [result.issue.path, result.issue.expected, result.issue.found]).toEqual(['fc', '25088 input features', String(512 * 8 * 8)]);
  });

  it("kuangliu's SE squeeze needs height ≤ width < 2 × height at each block: a taller map fails at the block's avg_pool2d", () => {
    const config = preset('senet18_cifar');
    const result = traceShapes(config, expandResNet(config), [1, 3, 40, 32]);
    expect(result.ok ? null : result.issue.path).toBe('layer1.0.avg_pool2d');
  });

  it('dropout is a rate in [0, 1), a row before each block\'s last conv; PReLU has a slope per channel', () => {
    expect(issueOf({ block: 'basic', layers: [1], dropout: 1 })).toMatch(/^dropout: expected a rate from 0 up to \(not including\) 1/);
    const wrn = trace(preset('wrn28_10_cifar', { dropout: 0.3 }), [1, 3, 32, 32]);
    const i = wrn.layers.findIndex((l) => l.spec.name === 'block1.layer.0.dropout');
    expect([wrn.layers[i]!.spec.kind, wrn.layers[i + 1]!.spec.name]).toEqual(['dropout', 'block1.layer.0.conv2']);
    // one row per block: 3 × 4
    expect(wrn.layers.filter((l) => l.spec.kind === 'dropout')).toHaveLength(12);
    const prelu = trace(preset('iresnet50'), [1, 3, 112, 112]).layers.find((l) => l.spec.name === 'layer2.0.prelu')!;
    expect([prelu.weight, prelu.params]).toEqual([[128], 128]);
    // nn.PReLU(): one slope: IResNet-50 has 1 (stem) + 24 (blocks) PReLUs, each 1 parameter instead of C
    const shared = trace(preset('iresnet50', { activation: 'prelu-shared' }), [1, 3, 112, 112]);
    const perChannel = 64 + 64 * 3 + 128 * 4 + 256 * 14 + 512 * 3;
    expect(shared.totals.params).toBe(43_590_848 - perChannel + 25);
  });
});

describe('the library refuses what the CLI refuses', () => {
  it('parseConfig never throws and names the field as the CLI does', () => {
    expect(parseConfig({ block: 'basic', layers: [2, -1] })).toEqual({ ok: false, issues: [{ path: 'layers[1]', message: 'expected a positive integer, got -1' }] });
    expect(parseConfig({ block: 'basic', layers: [2, 2.5] })).toMatchObject({ ok: false, issues: [{ path: 'layers[1]' }] });
    expect(parseConfig(null)).toMatchObject({ ok: false });
    expect(parseConfig('resnet50')).toMatchObject({ ok: false });
    const r = parseConfig({ extends: 'resnet50', classes: 10 });
    expect(r.ok && r.config.classes).toBe(10);
  });
  it('checkConfig catches hand-built configs the schema would refuse', () => {
    for (const layers of [[2, -1], [0], [2.5], [Number.NaN]]) {
      const [issue] = checkConfig(resolveConfig({ block: 'basic', layers }, 'x'));
      expect(issue?.path, JSON.stringify(layers)).toMatch(/^layers\[\d\]$/);
    }
  });
  it('analyze refuses an input the CLI refuses, naming the dimension', () => {
    const config = preset('resnet18');
    expect(analyze(config, [-1, 3, 224, 224])).toMatchObject({ ok: false, issue: { path: 'input[0]' } });
    expect(analyze(config, [1, 3, 224.5, 224])).toMatchObject({ ok: false, issue: { path: 'input[2]' } });
    expect(analyze(resolveConfig({ block: 'basic', layers: [2, -1] }, 'x'), [1, 3, 224, 224])).toMatchObject({ ok: false, issue: { path: 'layers[1]' } });
  });
});

describe('CIFAR ResNets (He et al. 2016 §4.2; akamaster), at their own 1×3×32×32', () => {
  // the published figures: ResNet-20 269,722 params and 40,551,040 mult-adds; ResNet-56 853,018
  // and 125,485,696; ResNet-1202 19,421,274; the paper's table: 0.27M, 0.46M, 0.66M, 0.85M, 1.7M, 19.4M
  it.each([
    ['resnet20_cifar', 269_722, 40_551_040],
    ['resnet56_cifar', 853_018, 125_485_696],
    ['resnet1202_cifar', 19_421_274, undefined],
  ] as const)('%s: %i params', (name, params, macs) => {
    const config = preset(name);
    expect(config.input).toEqual([1, 3, 32, 32]);
    const t = trace(config, [...config.input!]);
    expect(t.totals.params).toBe(params);
    if (macs !== undefined) expect(t.totals.macs).toBe(macs);
    expect(t.output).toEqual([1, 10]);
  });
  it.each([
    ['resnet32_cifar', 0.46],
    ['resnet44_cifar', 0.66],
    ['resnet110_cifar', 1.7],
  ] as const)("%s: the paper's %sM", (name, millions) => {
    expect(Math.round(Number(trace(preset(name), [1, 3, 32, 32]).totals.params) / 1e4) / 100).toBeCloseTo(millions, 1);
  });
  it('takes what PyTorch takes: a last map with width ≤ height < 2 × width', () => {
    const config = preset('resnet20_cifar');
    // 40×32 → an 10×8 map: one 8×8 window
    expect(trace(config, [1, 3, 40, 32]).output).toEqual([1, 10]);
    // 64×32 → 16×8: two windows, 128 features for a 64-input linear
    expect(analyze(config, [1, 3, 64, 32])).toMatchObject({ ok: false, issue: { path: 'linear', code: 'features' } });
    // 32×40 → 8×10: the 10-wide window is taller than the map
    expect(analyze(config, [1, 3, 32, 40])).toMatchObject({ ok: false, issue: { path: 'avg_pool2d', code: 'too-small' } });
  });
});

describe('squeeze-and-excitation', () => {
  it("squeezed channels: floor(C / r) without a divisor; timm's make_divisible with one", () => {
    // make_divisible(v, 8) = max(8, int(v + 4) // 8 * 8): 256/16 = 16 → 16; 64/16 = 4 → 8; 100/16 = 6.25 → 8
    expect([256, 64, 100, 2048].map((c) => seChannels({ reduction: 16, divisor: 8 }, c))).toEqual([16, 8, 8, 128]);
    // 1000/16 = 62.5: int(66.5) // 8 * 8 = 64
    expect(seChannels({ reduction: 16, divisor: 8 }, 1000)).toBe(64);
    expect([256, 64, 100, 8].map((c) => seChannels({ reduction: 16 }, c))).toEqual([16, 4, 6, 0]);
  });

  it("a block's SE rows, their shapes and params (C = 256, squeezed to 16)", () => {
    const t = trace(preset('seresnet50'), [2, 3, 64, 64]);
    const rows = t.layers.filter((l) => l.spec.name.startsWith('layer1.0.se.'));
    expect(rows.map((l) => [l.spec.name, l.spec.kind, l.output, l.params])).toEqual([
      ['layer1.0.se.mean', 'mean', [2, 256, 1, 1], 0],
      // 256 × 16 weights + 16 biases; 16 × 256 + 256
      ['layer1.0.se.fc1', 'conv2d', [2, 16, 1, 1], 256 * 16 + 16],
      ['layer1.0.se.act', 'relu', [2, 16, 1, 1], 0],
      ['layer1.0.se.fc2', 'conv2d', [2, 256, 1, 1], 16 * 256 + 256],
      ['layer1.0.se.gate', 'sigmoid', [2, 256, 1, 1], 0],
      ['layer1.0.se.mul', 'mul', [2, 256, 16, 16], 0],
    ]);
    // timm's order: the SE on bn3's output, then the projection shortcut, the add
    const names = t.layers.map((l) => l.spec.name);
    expect(names.indexOf('layer1.0.se.mul')).toBe(names.indexOf('layer1.0.downsample.0') - 1);
    expect(names.indexOf('layer1.0.se.mean')).toBe(names.indexOf('layer1.0.bn3') + 1);
  });

  it("the SE adds 2·C·C/16 + C/16 + C params a block: timm's published totals", () => {
    // per stage (C, blocks): (256, 3), (512, 4), (1024, 6), (2048, 3); squeezed C/16
    const extra = [
      [256, 3],
      [512, 4],
      [1024, 6],
      [2048, 3],
    ].reduce((sum, [c, n]) => sum + n! * (2 * c! * (c! / 16) + c! / 16 + c!), 0);
    expect(extra).toBe(2_530_992);
    // torchvision's resnet50 and resnext50_32x4d (published) plus the SE: timm's 28,088,024 and 27,559,896
    expect(trace(preset('seresnet50'), [1, 3, 224, 224]).totals.params).toBe(25_557_032 + extra);
    expect(trace(preset('seresnext50_32x4d'), [1, 3, 224, 224]).totals.params).toBe(25_028_904 + extra);
    expect(25_557_032 + extra).toBe(28_088_024);
  });

  it('a reduction that leaves 0 channels is refused, naming the field', () => {
    const [problem] = checkConfig({ ...preset('resnet18'), se: { reduction: 128 } });
    expect(problem).toMatchObject({ path: 'se.reduction' });
    expect(problem?.expected).toContain('at least 1 channel');
    // with a divisor the squeeze is at least the divisor: never 0
    expect(checkConfig({ ...preset('resnet18'), se: { reduction: 128, divisor: 8 } })).toEqual([]);
  });
});

describe('pre-activation blocks, a bare stem, a 1×1 projection without BN, a fixed-window head', () => {
  const preact = () => preset('preact_resnet18_cifar');

  it("a pre-activation block: BN, ReLU, the projection from that ReLU, then the convs; nothing after the add (kuangliu's PreActBlock)", () => {
    const t = trace(preact(), [1, 3, 32, 32]);
    const block = t.layers.filter((l) => l.spec.name.startsWith('layer2.0.'));
    expect(block.map((l) => [l.spec.name, l.spec.kind])).toEqual([
      ['layer2.0.bn1', 'batchnorm2d'],
      ['layer2.0.relu', 'relu'],
      ['layer2.0.shortcut.0', 'conv2d'],
      ['layer2.0.conv1', 'conv2d'],
      ['layer2.0.bn2', 'batchnorm2d'],
      ['layer2.0.relu', 'relu'],
      ['layer2.0.conv2', 'conv2d'],
      ['layer2.0.add', 'add'],
    ]);
    // BN normalises the unit's input: 64 channels before the stage's first conv, 128 after
    expect(block[0]!.weight).toEqual([64]);
    expect(block[4]!.weight).toEqual([128]);
    // the projection reads the activation; the identity shortcut of a later block, its input
    const rows = t.layers.map((l) => l.spec);
    expect(rows[rows.findIndex((s) => s.name === 'layer2.0.shortcut.0')]!.from).toBe(rows.findIndex((s) => s.name === 'layer2.0.relu'));
    const add = rows.find((s) => s.name === 'layer2.1.add') as Extract<LayerSpec, { kind: 'add' }>;
    expect(rows[add.shortcut]!.name).toBe('layer2.0.add');
  });

  it('stemNorm false: the stem is its conv alone', () => {
    const t = trace(preact(), [1, 3, 32, 32]);
    expect(t.layers.filter((l) => l.spec.section.kind === 'stem').map((l) => l.spec.name)).toEqual(['conv1']);
  });

  it("params: 1,728 stem + the blocks + 5,130 linear = kuangliu's 11,171,146; with post-activation and BN shortcuts 11,173,962", () => {
    // a basic block of c→p channels: 9cp + 9p² conv weights, BN 2c + 2p (pre) or 2p + 2p (post)
    const pre = (c: number, p: number, proj: boolean) => 9 * c * p + 9 * p * p + 2 * c + 2 * p + (proj ? c * p : 0);
    const post = (c: number, p: number, proj: boolean) => 9 * c * p + 9 * p * p + 4 * p + (proj ? c * p + 2 * p : 0);
    const stages = [
      [64, 64, false],
      [64, 128, true],
      [128, 256, true],
      [256, 512, true],
    ] as const;
    const blocks = (f: typeof pre) => stages.reduce((s, [c, p, proj]) => s + f(c, p, proj) + f(p, p, false), 0);
    expect(1728 + blocks(pre) + 512 * 10 + 10).toBe(11_171_146);
    expect(1728 + 128 + blocks(post) + 512 * 10 + 10).toBe(11_173_962);
    expect(trace(preact(), [1, 3, 32, 32]).totals.params).toBe(11_171_146);
    expect(trace(preset('resnet18_cifar'), [1, 3, 32, 32]).totals.params).toBe(11_173_962);
  });

  it('a fixed 4×4 head pool takes maps from 4×4 to 7×7 before a classifier, and says which field when not', () => {
    // 32 → 4 at layer4 (three stride-2 stages); 56 → 7; 64 → 8 is too large
    expect(trace(preset('resnet18_cifar'), [1, 3, 56, 56]).output).toEqual([1, 10]);
    const r = traceShapes(preset('resnet18_cifar'), expandResNet(preset('resnet18_cifar')), [1, 3, 64, 64]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatIssue(r.issue)).toBe('avg_pool2d: expected a map the fixed 4×4 pool (headPool 4) takes to 1×1, from 4×4 to 7×7: the classifier needs 512 features, found 8×8');
    // without a classifier the pooled features are whatever the map gives (as in PyTorch)
    expect(trace(preset('resnet18_cifar', { classes: 0 }), [1, 3, 64, 64]).output).toEqual([1, 2048]);
  });

  it('akamaster and kuangliu identity shortcuts are rows (an empty nn.Sequential that hooks see); the pre-activation block has none', () => {
    const names = (name: string) => trace(preset(name), [1, 3, 32, 32]).layers.map((l) => l.spec.name);
    expect(names('resnet20_cifar')).toContain('layer1.0.shortcut');
    expect(names('resnet18_cifar')).toContain('layer1.0.shortcut');
    expect(names('preact_resnet18_cifar')).not.toContain('layer1.0.shortcut');
  });

  it('the new fields are checked one by one, as a file is', () => {
    expect(checkConfig({ ...preact(), order: 'sideways' as never })[0]).toMatchObject({ path: 'order' });
    expect(checkConfig({ ...preact(), stemNorm: 'no' as never })[0]).toMatchObject({ path: 'stemNorm' });
    expect(checkConfig({ ...preact(), headPool: 0 })[0]).toMatchObject({ path: 'headPool' });
  });
});

describe('the stem as data', () => {
  const rowsOf = (config: ModelConfig) => trace(config, [2, 3, 97, 61]).layers.map((l) => [l.spec.name, l.spec.kind, l.output, l.weight, l.bias]);

  it('the named stems are these convs and pools: the same rows', () => {
    const deep = { convs: [{ kernel: 3, stride: 2, channels: 32 }, { kernel: 3, channels: 32 }, { kernel: 3, channels: 64 }], pool: 'max' as const };
    expect(rowsOf({ ...preset('resnet50d'), stem: deep })).toEqual(rowsOf(preset('resnet50d')));
    expect(rowsOf({ ...preset('resnet50'), stem: { convs: [{ kernel: 7, stride: 2, channels: 64 }] } })).toEqual(rowsOf(preset('resnet50')));
    expect(rowsOf({ ...preset('resnet20_cifar'), stem: { convs: [{ kernel: 3, channels: 16 }], pool: 'none' } })).toEqual(rowsOf(preset('resnet20_cifar')));
  });

  it('a stem of its own: a 5×5/2 conv of 48, no pool, then 48-channel stages', () => {
    const t = trace({ ...preset('resnet18'), stem: { convs: [{ kernel: 5, stride: 2, channels: 48 }], pool: 'none' } }, [1, 3, 64, 64]);
    // floor((64 + 2·2 − 5) / 2) + 1 = 32; 48·3·5·5 weights
    expect(t.layers[0]!.output).toEqual([1, 48, 32, 32]);
    expect(t.layers[0]!.params).toBe(48 * 3 * 5 * 5);
    expect(t.layers.find((l) => l.spec.name === 'layer1.0.conv1')!.weight).toEqual([64, 48, 3, 3]);
    expect(t.layers.some((l) => l.spec.kind === 'maxpool2d')).toBe(false);
  });

  it('a bad stem names its field', () => {
    expect(checkConfig({ ...preset('resnet18'), stem: { convs: [] } })[0]).toMatchObject({ path: 'stem.convs' });
    expect(checkConfig({ ...preset('resnet18'), stem: { convs: [{ kernel: 0, channels: 8 }] } })[0]).toMatchObject({ path: 'stem.convs[0].kernel' });
  });
});

describe('headPool none: a backbone', () => {
  it("the last stage's map is the output, with no head rows", () => {
    const t = trace(preset('resnet50', { headPool: 'none', classes: 0 }), [1, 3, 224, 224]);
    expect(t.output).toEqual([1, 2048, 7, 7]);
    expect(t.layers.some((l) => l.spec.section.kind === 'head')).toBe(false);
    // torchvision's resnet50 without its fc (2048·1000 + 1000) 
    expect(t.totals.params).toBe(25_557_032 - 2_049_000);
  });
  it('refused with a classifier, naming the field', () => {
    expect(checkConfig({ ...preset('resnet50'), headPool: 'none' })[0]).toMatchObject({ path: 'headPool' });
  });
});

describe('the row limit', () => {
  it('no block makes more than MAX_BLOCK_ROWS rows, whatever its design (so checkConfig may skip counting)', () => {
    for (const name of PRESET_NAMES) {
      for (const se of [undefined, { reduction: 16, divisor: 8 }]) {
        const config = { ...preset(name), ...(se ? { se } : {}) };
        const rows = expandResNet(config);
        const perBlock = new Map<number, number>();
        for (const r of rows) if (r.section.kind === 'block') perBlock.set(r.section.serial, (perBlock.get(r.section.serial) ?? 0) + 1);
        expect(Math.max(...perBlock.values()), name).toBeLessThanOrEqual(MAX_BLOCK_ROWS);
        expect(rows.filter((r) => r.section.kind !== 'block').length, name).toBeLessThanOrEqual(32);
      }
    }
  });
});

// Receptive field, effective stride and centre; depth groups.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';
import { finalReceptiveField, receptiveFields, ReceptiveFieldTable } from '../src/analysis/receptive.js';
import { formatAnalysis } from '../src/format/formats.js';
import { groupTrace } from '../src/analysis/groups.js';
import { fixture, preset, REFERENCE, trace } from './helpers/model.js';
import { cli } from './helpers/cli.js';

const published = JSON.parse(readFileSync(join(REFERENCE, 'published.json'), 'utf8')).receptive_field as Record<
  string,
  { size: number; stride: number }
>;

describe('receptive field', () => {
  it.each([
    ['resnet50', 'resnet_v1_50'],
    ['resnet101', 'resnet_v1_101'],
    ['resnet152', 'resnet_v1_152'],
  ])('ResNet v1 (%s with --stride-in-1x1) ends at the published size and stride', (name, key) => {
    const rf = finalReceptiveField(trace(preset(name, { strideIn1x1: true }), [1, 3, 224, 224]).layers);
    expect(rf).toMatchObject({ size: published[key]!.size, stride: published[key]!.stride });
  });

  it('ResNet-18 by hand: 435 pixels at stride 32', () => {
    // conv1 7×7/2: 7, jump 2. maxpool 3×3/2: 7 + 2·2 = 11, jump 4.
    // layer1, four 3×3/1: 11 + 4·(2·4) = 43. layer2: 3×3/2 adds 2·4 → 51, jump 8; three 3×3: +3·16 → 99.
    // layer3: +2·8 → 115, jump 16; +3·32 → 211. layer4: +2·16 → 243, jump 32; +3·64 → 435.
    const t = trace(preset('resnet18'), [1, 3, 224, 224]);
    const rfs = receptiveFields(t.layers);
    const at = (name: string) => rfs[t.layers.findIndex((l) => l.spec.name === name)]!;
    expect(at('conv1')).toEqual({ size: 7, stride: 2, center: 0 });
    expect(at('maxpool')).toEqual({ size: 11, stride: 4, center: 0 });
    expect(at('layer1.1.conv2').size).toBe(43);
    expect(at('layer2.1.conv2')).toMatchObject({ size: 99, stride: 8 });
    expect(at('layer3.1.conv2')).toMatchObject({ size: 211, stride: 16 });
    expect(finalReceptiveField(t.layers)).toEqual({ size: 435, stride: 32, center: 0 });
  });

  it('a residual add takes the larger path; the shortcut alone would be smaller', () => {
    const t = trace(preset('resnet18'), [1, 3, 224, 224]);
    const rfs = receptiveFields(t.layers);
    const i = t.layers.findIndex((l) => l.spec.name === 'layer2.0.add');
    const spec = t.layers[i]!.spec as { shortcut: number; from: number };
    expect(rfs[spec.shortcut]!.size).toBeLessThan(rfs[spec.from]!.size);
    expect(rfs[i]!.size).toBe(rfs[spec.from]!.size);
  });

  it('v1.5 ResNet-50 follows the same recurrence: the 3×3s see 2 more input steps each', () => {
    // v1 strides the first 1×1, so the stage's 3×3s already run at the coarser jump: v1.5 sees less.
    const v15 = finalReceptiveField(trace(preset('resnet50'), [1, 3, 224, 224]).layers)!;
    const v1 = finalReceptiveField(trace(preset('resnet50', { strideIn1x1: true }), [1, 3, 224, 224]).layers)!;
    // stages 2–4: the first 3×3 contributes 2·jump_in under v1.5 and 2·(2·jump_in) under v1
    expect(Number(v1.size) - Number(v15.size)).toBe(2 * 4 + 2 * 8 + 2 * 16);
    expect(v15).toEqual({ size: 427, stride: 32, center: 0 });
  });

  it('dilation in place of a stride keeps the field of the strided network and lowers the stride', () => {
    // the main path of a v1.5 bottleneck network by hand: conv1 7/2, maxpool 3/2, then per block
    // 1×1, 3×3 (stride s, dilation d), 1×1; a field grows by d·(k−1)·jump at each window (the
    // 1×1s add nothing, and the shortcuts are narrower than the main path)
    const mainPath = (dilate: boolean[]) => {
      let size = 1;
      let jump = 1;
      const window = (k: number, s: number, d = 1) => {
        size += d * (k - 1) * jump;
        jump *= s;
      };
      window(7, 2);
      window(3, 2);
      let d = 1;
      [3, 4, 6, 3].forEach((blocks, stage) => {
        let s = stage === 0 ? 1 : 2;
        const first = d;
        if (stage > 0 && dilate[stage - 1]) [d, s] = [d * s, 1];
        for (let b = 0; b < blocks; b++) window(3, b === 0 ? s : 1, b === 0 ? first : d);
      });
      return { size, jump };
    };
    const os32 = finalReceptiveField(trace(preset('resnet50'), [1, 3, 224, 224]).layers)!;
    const os8 = finalReceptiveField(trace({ ...preset('resnet50'), replaceStrideWithDilation: [false, true, true] }, [1, 3, 224, 224]).layers)!;
    expect([os32.size, os32.stride]).toEqual([mainPath([false, false, false]).size, 32]);
    expect([os8.size, os8.stride]).toEqual([mainPath([false, true, true]).size, 8]);
    // d·(k−1) at jump J adds what (k−1) adds at jump 2J: the field is the strided network's
    expect(os8.size).toBe(os32.size);
  });

  it('is null from the global pool on, in JSON too', async () => {
    const doc = JSON.parse((await cli(['--arch', 'resnet18', '--format', 'json'])).stdout);
    const fc = doc.layers.find((r: { name: string }) => r.name === 'fc');
    expect([fc.receptiveField, fc.effectiveStride, fc.receptiveFieldCenter]).toEqual([null, null, null]);
    const last = doc.layers.find((r: { name: string }) => r.name === 'layer4.1.conv2');
    expect([last.receptiveField, last.effectiveStride]).toEqual([435, 32]);
  });
});

describe('depth groups', () => {
  it('ResNet-50 --depth stage: stem, 4 stages of 3/4/6/3 blocks with PyTorch shapes, head', () => {
    const t = trace(preset('resnet50'), [1, 3, 224, 224]);
    const groups = groupTrace(t, 'stage');
    expect(groups.map((g) => g.name)).toEqual(['stem', 'layer1', 'layer2', 'layer3', 'layer4', 'head']);
    const record = fixture('reference/resnet50_c1000_1x3x224x224.json').record;
    const outputOf = (name: string) => record.layers.filter((l) => l.name === name).at(-1)!.output;
    for (const [stage, blocks] of [[1, 3], [2, 4], [3, 6], [4, 3]] as const) {
      const g = groups.find((x) => x.name === `layer${stage}`)!;
      expect(g.output).toEqual(outputOf(`layer${stage}.${blocks - 1}.relu`));
      const first = t.layers[g.rows[0]]!.spec.section;
      const last = t.layers[g.rows[1]]!.spec.section;
      expect(first.kind === 'block' && last.kind === 'block' && last.index + 1).toBe(blocks);
    }
    // the groups cover every row once, and their sums are the totals
    expect(groups.reduce((a, g) => a + g.rows[1] - g.rows[0] + 1, 0)).toBe(t.layers.length);
    expect(groups.reduce((a, g) => a + Number(g.params), 0)).toBe(t.totals.params);
  });

  it('JSON gains groups[] and keeps layers[] as it is', async () => {
    const plain = JSON.parse((await cli(['--format', 'json'])).stdout);
    const doc = JSON.parse((await cli(['--format', 'json', '--depth', 'block'])).stdout);
    expect(doc.layers).toEqual(plain.layers);
    expect(doc.groups).toHaveLength(1 + 16 + 1);
    expect(doc.groups[1]).toMatchObject({ name: 'layer1.0', kind: 'block', input: [1, 64, 56, 56], output: [1, 256, 56, 56] });
  });

  it('the table folds by stage', async () => {
    const r = await cli(['--format', 'table', '--depth', 'stage']);
    expect(r.stdout).toMatch(/│ layer3 +│ 6 × bottleneck +│ +62 │ \[1, 512, 28, 28\] +│ \[1, 1024, 14, 14\]/);
  });

  it('--columns picks documented columns and refuses others', async () => {
    const r = await cli(['--arch', 'resnet18', '--format', 'table', '--columns', 'name,rf,stride']);
    expect(r.stdout).toMatch(/│ layer4\.1\.conv2 +│ +435 │ +32 │/);
    const bad = await cli(['--columns', 'name,colour']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected column names from name, type, .*found 'colour'/);
  });
});

describe('exact past 2^53', () => {
  it("a 64-stage network's effective stride is 2^63 exactly, written as a decimal string in JSON", () => {
    // a CIFAR stem (stride 1), then 64 one-block stages of width 1, each after the first halving
    const config = {
      ...preset('resnet20_cifar'),
      layers: new Array(64).fill(1),
      widths: new Array(64).fill(1),
      stemWidth: 1,
      headPool: 'global' as const,
      replaceStrideWithDilation: new Array(63).fill(false),
    };
    const t = trace(config, [1, 3, 4, 4]);
    const table = new ReceptiveFieldTable(t.layers);
    const last = t.layers.findLastIndex((l) => l.spec.kind === 'conv2d');
    // 63 stride-2 stages: a jump of 2^63 (the last conv runs at stride 1 within its stage)
    expect(table.at(last)!.stride).toBe(2n ** 63n);
    // the first conv of each stage sees 2 more jumps, the second 2 more: Σ 2·(2^s + 2^s) + the stem's 2
    const size = table.at(last)!.size as bigint;
    expect(typeof size).toBe('bigint');
    expect(size % 2n).toBe(1n);
    const result = analyze(config, [1, 3, 4, 4]);
    if (!result.ok) throw new Error('the 64-stage network should trace');
    const row = JSON.parse(formatAnalysis(result.analysis, 'json')).layers[last];
    expect(row.effectiveStride).toBe((2n ** 63n).toString());
    expect(row.receptiveField).toBe(size.toString());
  });

  it('below 2^53 the figures stay numbers (every usual network)', () => {
    const t = trace(preset('resnet152'), [1, 3, 224, 224]);
    const table = new ReceptiveFieldTable(t.layers);
    expect(typeof table.at(t.layers.length - 4)!.size).toBe('number');
  });
});

// Which inputs work (issue #29): the formulas of H and W against the concrete tracer. Each row's
// height and width as a formula of the input's, and the conditions under which the network runs,
// evaluated at a size, must give what tracing that size gives: shape for shape, and valid exactly
// when the trace succeeds, refused at the same row.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traceShapes } from '../src/analysis/trace.js';
import { evalDim, failing, holds, sizesReport, symbolicTrace, validSizes, type Sides } from '../src/analysis/sizes.js';
import { analyzeSymbolic, evalPoly, polyText } from '../src/analysis/symbolic.js';
import { estimateMemory } from '../src/analysis/memory.js';
import { isImageNetwork, resolveConfig, type ConfigInput } from '../src/network/config.js';
import { expandResNet } from '../src/network/expand.js';
import { PRESET_NAMES, presetConfig } from '../src/network/presets.js';
import { checkConfig } from '../src/schemas/config.js';
import type { ModelConfig } from '../src/types.js';
import { preset } from './helpers/model.js';

/** The sizes' formulas are an image network's (H and W). */
const IMAGE_PRESETS = PRESET_NAMES.filter((n) => isImageNetwork(preset(n)));

/** The formulas at (H, W) against the trace of that size: the first disagreement, or null. */
function disagreement(config: ModelConfig, h: number, w: number): string | null {
  const specs = expandResNet(config);
  const input = [2, config.inChannels, h, w];
  const sym = symbolicTrace(specs, input);
  const x: Sides = [BigInt(h), BigInt(w)];
  const failed = failing(sym, x);
  const t = traceShapes(config, specs, input);
  if (!t.ok) return failed?.path === t.issue.path ? null : `${h}×${w}: the trace fails at ${t.issue.path}, the formulas ${failed ? `at ${failed.path}` : 'nowhere'}`;
  if (failed) return `${h}×${w}: the trace runs, the formulas fail at ${failed.path}`;
  for (let i = 0; i < specs.length; i++) {
    const shape = sym.rows[i]!.map((d) => Number(evalDim(d, x)));
    if (shape.join() !== t.trace.layers[i]!.output.join()) return `${h}×${w} ${specs[i]!.name}: [${shape}] vs [${t.trace.layers[i]!.output}]`;
  }
  return null;
}

describe('each row as formulas of H and W equals the trace, at every size', () => {
  it.each(IMAGE_PRESETS)('%s: H and W from 1 to 512, the other side at the preset\'s own', (name) => {
    const config = preset(name);
    const [, , h0, w0] = config.input ?? [1, 3, 224, 224];
    const found: string[] = [];
    for (let n = 1; n <= 512 && found.length < 3; n++) {
      for (const [h, w] of [[n, w0!], [h0!, n]] as const) {
        const d = disagreement(config, h, w);
        if (d) found.push(d);
      }
    }
    expect(found).toEqual([]);
  });
});

describe('random networks: the formulas equal the trace at random sizes, small and up to 10^6', () => {
  it('200 seeded draws of a preset with random depths, widths, strides, classes and input', () => {
    fc.assert(
      fc.property(
        fc.record({
          preset: fc.constantFrom(...IMAGE_PRESETS),
          depth: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 8, maxLength: 8 }),
          width: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 8, maxLength: 8 }),
          stride: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 8, maxLength: 8 }),
          classes: fc.integer({ min: 0, max: 12 }),
          h: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 1_000_000 })),
          w: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 1_000_000 })),
        }),
        (r) => {
          const base = presetConfig(r.preset)!;
          const stages = base.layers.length;
          const input: ConfigInput = {
            ...base,
            layers: r.depth.slice(0, stages),
            widths: Array.from({ length: stages }, (_, i) => 8 * r.width[i]!),
            strides: r.stride.slice(0, stages),
            classes: base.headFlatten ? Math.max(1, r.classes) : base.headPool === 'none' ? 0 : r.classes,
          };
          const config = resolveConfig(input, `${r.preset}-random`);
          if (checkConfig(config).length > 0) return;
          // an image this large only for the shallow: the trace of a 10^6-sided map is as fast as any
          expect(disagreement(config, r.h, r.w)).toBeNull();
        },
      ),
      { numRuns: 200, seed: 29 },
    );
  });
});

describe('resnet-shapes sizes', () => {
  it("ResNet-50: the smallest square input is the first the tracer accepts; 193–224 give 7×7 at layer4; no loss at multiples of 32", () => {
    const config = preset('resnet50');
    const specs = expandResNet(config);
    const r = sizesReport(specs, [1, 3, 224, 224], { row: 'layer4', size: [7, 7] });
    let first = 1;
    while (!traceShapes(config, specs, [1, 3, first, first]).ok) first++;
    expect(r.smallestSquare).toBe(BigInt(first));
    expect(r.target?.sizes).toEqual([[[193n, 224n]], [[193n, 224n]]]);
    // every stride of ResNet-50 is 2 and there are five: 2^5
    expect(r.axes.map((a) => [a.period, a.noLoss])).toEqual([
      [32n, { modulus: 32n, residues: [0n] }],
      [32n, { modulus: 32n, residues: [0n] }],
    ]);
  });

  it.each(IMAGE_PRESETS)('%s: the valid sizes of each axis are exactly those the formulas accept, one by one (1 to 600)', (name) => {
    const config = preset(name);
    const input = config.input ?? [1, 3, 224, 224];
    const specs = expandResNet(config);
    const sym = symbolicTrace(specs, input);
    for (const axis of [0, 1] as const) {
      const other = BigInt(input[3 - axis]!);
      const valid = validSizes(sym, axis, other);
      const inside = (x: bigint) => valid.some(([a, b]) => x >= a && (b === null || x <= b));
      const wrong: bigint[] = [];
      for (let x = 1n; x <= 600n; x++) {
        const at: Sides = axis === 0 ? [x, other] : [other, x];
        if (inside(x) !== (failing(sym, at) === null)) wrong.push(x);
      }
      expect(wrong, `axis ${axis}`).toEqual([]);
    }
  });

  it("kuangliu's CIFAR ResNet-18 takes 25 to 56 on each side (its fixed 4×4 pool must give 1×1); IResNet 97 to 112 (its fc takes a 7×7 map)", () => {
    const at = (name: string) => {
      const config = preset(name);
      return sizesReport(expandResNet(config), config.input!).axes.map((a) => a.valid);
    };
    // layer4 is ⌈X/8⌉ (three stride-2 stages), the pool ⌊·/4⌋ must be 1: 4 ≤ ⌈X/8⌉ ≤ 7
    expect(at('resnet18_cifar')).toEqual([[[25n, 56n]], [[25n, 56n]]]);
    // layer4 is ⌈X/16⌉ (four stride-2 stages) and must be 7
    expect(at('iresnet50')).toEqual([[[97n, 112n]], [[97n, 112n]]]);
  });
});

describe('errors that point to the fix', () => {
  it("a side that does not fit: the nearest sizes that do, and the range (kuangliu's CIFAR ResNet-18 at 60×32)", async () => {
    const { sizeHint } = await import('../src/request.js');
    // layer4 is ⌈60/8⌉ = 8: the fixed 4×4 pool gives 2×1; 56 is the largest height whose layer4 is 7
    expect(sizeHint(preset('resnet18_cifar'), [1, 3, 60, 32])).toBe('height 60: try 56, the largest that works below (with width 32 it takes 25 to 56)');
    expect(sizeHint(preset('resnet18_cifar'), [1, 3, 32, 32])).toBe('');
  });

  it('a head built for one map size: the squares it takes (IResNet at 128×128: its fc takes a 7×7 map)', async () => {
    const { sizeHint } = await import('../src/request.js');
    expect(sizeHint(preset('iresnet50'), [1, 3, 128, 128])).toBe('try a square input from 97×97 to 112×112');
  });

  it('squares with no upper bound are said so (resnetblur50 at 16×16, refused at layer4.0.aa)', async () => {
    const { sizeHint } = await import('../src/request.js');
    // 16 → 8 (stem conv) → 8 → 4 (stem blur) → 2 (layer2) → 1 (layer3): layer4's reflection pad of 1
    // needs 2; 17 → 9 → 9 → 5 → 3 → 2 takes it, and every larger side keeps it at 2 or more
    expect(sizeHint(preset('resnetblur50'), [1, 3, 16, 16])).toBe('try a square input of 17×17 or larger');
  });
});

describe('--input 1,3,H,W: shapes and mult-adds as formulas', () => {
  it.each(IMAGE_PRESETS)('%s: the mult-adds formula and every row\'s evaluate to the trace at sizes the network takes', (name) => {
    const config = preset(name);
    const [, c] = config.input ?? [1, 3, 224, 224];
    const result = analyzeSymbolic(config, [2, c!, 1, 1], [true, true], false);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const s = result.analysis;
    const specs = expandResNet(config);
    let checked = 0;
    for (const [h, w] of [[224, 224], [97, 61], [112, 112], [32, 32], [40, 44], [513, 385], [1, 1], [33, 65], [100_001, 77]]) {
      const t = traceShapes(config, specs, [2, c!, h!, w!]);
      const x: Sides = [BigInt(h!), BigInt(w!)];
      // the conditions say whether it runs
      expect(s.conditions.every((cond) => holds(cond, x)), `${h}×${w}`).toBe(t.ok);
      if (!t.ok) continue;
      checked++;
      expect(evalPoly(s.totalMacs, x), `${h}×${w}`).toBe(BigInt(t.trace.totals.macs));
      t.trace.layers.forEach((l, i) => expect(evalPoly(s.macs[i]!, x), l.spec.name).toBe(BigInt(l.macs)));
      // what each row keeps for backward, in the allocator's 512-byte blocks, and the activations
      const m = estimateMemory(t.trace);
      expect(evalPoly(s.activations, x), `${h}×${w} activations`).toBe(BigInt(m.activations));
      t.trace.layers.forEach((l, i) => expect(evalPoly(s.kept[i]!, x), `${l.spec.name} kept`).toBe(BigInt(m.rows[i]!)));
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('under autocast (bfloat16) too: the activations formula equals the memory model at each size', () => {
    for (const name of ['resnet50', 'seresnext50_32x4d', 'iresnet50', 'resnet20_cifar', 'wrn28_10_cifar']) {
      const config = preset(name);
      const options = { dtype: 'bfloat16', optimizer: 'adam', weightDecay: 0 } as const;
      const r = analyzeSymbolic(config, [3, 3, 1, 1], [true, true], false, options);
      if (!r.ok) throw new Error(name);
      for (const [h, w] of [[224, 224], [97, 61], [112, 112], [32, 40]]) {
        const t = traceShapes(config, expandResNet(config), [3, 3, h!, w!]);
        if (!t.ok) continue;
        expect(evalPoly(r.analysis.activations, [BigInt(h!), BigInt(w!)]), `${name} ${h}×${w}`).toBe(BigInt(estimateMemory(t.trace, options).activations));
      }
    }
  });

  it("ResNet-50's mult-adds, term by term: each stage's conv mult-adds per output position times its map", () => {
    const s = analyzeSymbolic(preset('resnet50'), [1, 3, 1, 1], [true, true], false);
    expect(s.ok && polyText(s.analysis.totalMacs)).toBe(
      // the stem conv: 64 × 3·7·7 = 9,408 per position of the ⌈H/2⌉ × ⌈W/2⌉ map; … the fc: 2048 × 1000
      '9408·⌊(H+1)/2⌋·⌊(W+1)/2⌋ + 245760·⌊(H+3)/4⌋·⌊(W+3)/4⌋ + 1310720·⌊(H+7)/8⌋·⌊(W+7)/8⌋ + 7471104·⌊(H+15)/16⌋·⌊(W+15)/16⌋ + 14417920·⌊(H+31)/32⌋·⌊(W+31)/32⌋ + 2048000',
    );
  });

  it('the CLI: H and W only in the height and width, formulas only in log, table and json, one line for the rest', async () => {
    const { cli } = await import('./helpers/cli.js');
    const json = JSON.parse((await cli(['--layers', '18', '--input', '1,3,H,224', '--format', 'json'])).stdout);
    expect(json.input).toEqual([1, 3, 'H', 224]);
    expect(json.output).toEqual([1, 1000]);
    expect(json.layers[0].output).toEqual([1, 64, '⌊(H+1)/2⌋', 112]);
    for (const [args, message] of [
      [['--input', '1,3,W,H'], /height: expected a whole number, found 'W'/],
      [['--input', '1,3,H,W', '--format', 'csv'], /^error: --format csv: a height or width given as H or W is written as formulas by log, table and json/],
      [['--input', '1,3,H,W', '--fit', '24GiB'], /^error: --fit needs a height and a width/],
      [['diff', 'resnet18', '--input', '1,3,H,W'], /height: expected a whole number, found 'H'/],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('networks of other ranks', () => {
  it('sizes and the H and W symbols are refused for a video or 1-d network, in one sentence', () => {
    for (const name of ['r3d_18', 'resnet18_1d']) {
      const config = preset(name);
      const r = analyzeSymbolic(config, [1, config.inChannels, 1, 1], [true, true], false);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.issue.expected).toMatch(/image network/);
    }
  });
});

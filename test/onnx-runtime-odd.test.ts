// The runnable export in onnxruntime (see onnx-runtime.test.ts): every preset at an odd input, and
// 200 random networks.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type ConfigInput } from '../src/network/config.js';
import { PRESET_NAMES, presetConfig } from '../src/network/presets.js';
import { checkConfig } from '../src/schemas/config.js';
import { analyze } from '../src/analysis/analyze.js';
import type { ModelConfig, Shape } from '../src/types.js';
import { preset } from './helpers/model.js';
import { analysisOf, mismatches } from './helpers/onnx.js';

/**
 * Odd sizes to try: the first a preset's network takes is its odd input. 33×31 halves to odd and
 * even sides at every stride (17×16, 9×8, 5×4, 3×2, 2×1) at a sixth of 97×61's work in the runtime.
 */
const ODD_SIDES: readonly (readonly [number, number])[] = [
  [33, 31],
  [97, 61],
  [37, 35],
  [45, 39],
  [61, 57],
  // IResNet's fc takes a 7×7 map only: sides from 97 to 112
  [111, 99],
  // kuangliu's SE squeezes with a window as tall as the map: width at least the height
  [31, 33],
];

function oddInput(config: ModelConfig): Shape {
  for (const [h, w] of ODD_SIDES) {
    // a clip of 5 frames, a signal of h·w samples
    const sides = config.dims === 3 ? [5, h, w] : config.dims === 1 ? [h * w] : [h, w];
    const input = [1, config.inChannels, ...sides];
    if (analyze(config, input).ok) return input;
  }
  throw new Error(`${config.name}: no odd input traces`);
}

describe('onnxruntime runs every preset with the shapes of the trace', () => {
  it('at an odd input, batch 2', { timeout: 300_000 }, async () => {
    for (const name of PRESET_NAMES) {
      const config = preset(name);
      const [, c, ...sides] = oddInput(config);
      expect(await mismatches(analysisOf(config, [2, c!, ...sides]), { weights: 'zeros' }), name).toEqual([]);
    }
  });
});

/**
 * Random networks: a preset's design (its blocks, stem, shortcuts, head, naming) with random depths,
 * widths, classes, strides and input; those the config rules or the trace refuse are passed over.
 */
const randomNetwork = fc
  .record({
    preset: fc.constantFrom(...PRESET_NAMES),
    depth: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 8, maxLength: 8 }),
    width: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 8, maxLength: 8 }),
    classes: fc.integer({ min: 0, max: 12 }),
    strideIn1x1: fc.boolean(),
    batch: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 8, max: 72 }),
    w: fc.integer({ min: 8, max: 72 }),
  })
  .map((r) => {
    const base = presetConfig(r.preset)!;
    const stages = base.layers.length;
    const widths = Array.from({ length: stages }, (_, i) => 8 * r.width[i]!);
    const input: ConfigInput = {
      ...base,
      layers: Array.from({ length: stages }, (_, i) => r.depth[i]!),
      widths,
      classes: r.classes,
      ...(base.block === 'bottleneck' ? { strideIn1x1: r.strideIn1x1 } : {}),
    };
    const config = resolveConfig(input, `${r.preset}-random`);
    const shape = [r.batch, config.inChannels, r.h, r.w];
    return { config, shape, ok: checkConfig(config).length === 0 && analyze(config, shape).ok };
  })
  .filter((n) => n.ok);

describe('onnxruntime runs random networks with the shapes of the trace', () => {
  it('200 random networks, with and without folded BatchNorms', { timeout: 300_000 }, async () => {
    const networks = fc.sample(randomNetwork, { numRuns: 200, seed: 30 });
    expect(networks.length).toBe(200);
    for (const [k, n] of networks.entries()) {
      const a = analysisOf(n.config, n.shape);
      expect(await mismatches(a, { foldBn: k % 2 === 0 }), `${n.config.name} at ${n.shape}`).toEqual([]);
    }
  });
});

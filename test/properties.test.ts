// Invariants over random valid configs and inputs (fast-check).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, mul, type Int } from '../src/int.js';
import { resolveConfig, type ConfigInput } from '../src/network/config.js';
import { checkConfig } from '../src/schemas/config.js';
import { countRows, expandResNet } from '../src/network/expand.js';
import { allocation, estimateMemory } from '../src/analysis/memory.js';
import type { ModelConfig } from '../src/types.js';
import { preset, trace } from './helpers/model.js';
import { sampledTotals } from '../src/analysis/analyze.js';
import { traceShapes } from '../src/analysis/trace.js';
import { PRESET_NAMES } from '../src/network/presets.js';

const configArb: fc.Arbitrary<ModelConfig> = fc
  .record({
    block: fc.constantFrom('basic', 'bottleneck' as const),
    layers: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 5 }),
    widthSeed: fc.array(fc.integer({ min: 1, max: 96 }), { minLength: 5, maxLength: 5 }),
    groups: fc.constantFrom(1, 2, 4, 8),
    widthPerGroup: fc.constantFrom(4, 16, 64, 128),
    stem: fc.constantFrom('standard', 'deep' as const),
    stemWidth: fc.integer({ min: 1, max: 48 }),
    downsample: fc.constantFrom('conv', 'avgpool' as const),
    strideIn1x1: fc.boolean(),
    dilate: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    inChannels: fc.integer({ min: 1, max: 4 }),
    classes: fc.integer({ min: 0, max: 20 }),
  })
  .map((r) => {
    const basic = r.block === 'basic';
    const input: ConfigInput = {
      block: r.block,
      layers: r.layers,
      widths: r.layers.map((_, i) => r.widthSeed[i]!),
      groups: basic ? 1 : r.groups,
      widthPerGroup: basic ? 64 : r.widthPerGroup,
      stem: r.stem,
      stemWidth: r.stemWidth,
      downsample: r.downsample,
      strideIn1x1: r.strideIn1x1,
      replaceStrideWithDilation: r.layers.slice(1).map((_, i) => !basic && r.dilate[i]!),
      inChannels: r.inChannels,
      classes: r.classes,
    };
    return resolveConfig(input, 'random');
  })
  .filter((c) => checkConfig(c).length === 0);

const sizeArb = fc.record({
  batch: fc.integer({ min: 1, max: 4 }),
  h: fc.integer({ min: 1, max: 300 }),
  w: fc.integer({ min: 1, max: 300 }),
});

const sum = (xs: Int[]): Int => xs.reduce((a, b) => add(a, b), 0 as Int);

describe('invariants over random networks and inputs', () => {
  it('each layer reads the output it consumes; totals are sums; output is [N, classes]', () => {
    fc.assert(
      fc.property(configArb, sizeArb, (config, s) => {
        const t = trace(config, [s.batch, config.inChannels, s.h, s.w]);
        t.layers.forEach((l) => {
          const from = l.spec.from < 0 ? t.input : t.layers[l.spec.from]!.output;
          expect(l.input).toEqual(from);
          if (l.spec.kind === 'add') {
            const sc = l.spec.shortcut < 0 ? t.input : t.layers[l.spec.shortcut]!.output;
            expect(sc).toEqual(l.input);
          }
          for (const d of l.output) expect(d).toBeGreaterThanOrEqual(1);
        });
        expect(t.totals.params).toBe(sum(t.layers.map((l) => l.params)));
        expect(t.totals.macs).toBe(sum(t.layers.map((l) => l.macs)));
        expect(t.totals.bnRunningStats).toBe(sum(t.layers.map((l) => l.runningStats)));
        const features = t.layers.findLast((l) => l.spec.kind === 'adaptiveavgpool2d')!.output[1]!;
        expect(t.output).toEqual([s.batch, config.classes > 0 ? config.classes : features]);
        expect(countRows(config)).toBe(t.layers.length);
      }),
      { numRuns: 150 },
    );
  });

  it('params do not depend on the input size; mult-adds scale linearly with the batch', () => {
    fc.assert(
      fc.property(configArb, sizeArb, sizeArb, (config, a, b) => {
        const ta = trace(config, [a.batch, config.inChannels, a.h, a.w]);
        const tb = trace(config, [b.batch, config.inChannels, b.h, b.w]);
        expect(ta.totals.params).toBe(tb.totals.params);
        const one = trace(config, [1, config.inChannels, a.h, a.w]);
        expect(ta.totals.macs).toBe(mul(one.totals.macs, a.batch));
      }),
      { numRuns: 100 },
    );
  });

  it('a symbolic batch N agrees with every concrete batch', () => {
    fc.assert(
      fc.property(configArb, sizeArb, (config, s) => {
        const n = trace(config, [1, config.inChannels, s.h, s.w], true);
        const concrete = trace(config, [s.batch, config.inChannels, s.h, s.w]);
        expect(n.symbolicBatch).toBe(true);
        n.layers.forEach((l, i) => {
          const c = concrete.layers[i]!;
          expect(l.output.slice(1)).toEqual(c.output.slice(1));
          expect(mul(l.macs, s.batch)).toBe(c.macs);
          expect(l.params).toBe(c.params);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('memory: kept activations never shrink with the batch; peaks cover what they contain', () => {
    fc.assert(
      fc.property(configArb, sizeArb, fc.constantFrom('float32', 'bfloat16' as const), (config, s, dtype) => {
        const t1 = trace(config, [s.batch, config.inChannels, s.h, s.w]);
        const t2 = trace(config, [s.batch + 1, config.inChannels, s.h, s.w]);
        const o = { dtype, optimizer: 'adam', weightDecay: 0.01 } as const;
        const m1 = estimateMemory(t1, o);
        const m2 = estimateMemory(t2, o);
        // non-decreasing: tiny tensors round to the same 512-byte allocation
        expect(m2.activations >= m1.activations).toBe(true);
        expect(m1.trainingPeak >= add(m1.beforeStep, m1.activations)).toBe(true);
        expect(m1.trainingPeak >= add(add(m1.beforeStep, m1.gradients), m1.optimizerTemporaries)).toBe(true);
        // a no-grad forward holds at least the largest activation it makes at one moment
        const largest = t1.layers.reduce((a, l) => Math.max(a, Number(allocation(l.output.reduce((x, d) => x * d, 1) * (dtype === 'float32' ? 4 : 2)))), 0);
        expect(Number(m1.inferencePeak)).toBeGreaterThanOrEqual(largest);
      }),
      { numRuns: 100 },
    );
  });
});

describe('a sampled trace gives the whole trace\'s totals', () => {
  it('for every preset, at its own input, at 224 and at an odd size (or the same refusal)', () => {
    for (const name of PRESET_NAMES) {
      const config = preset(name);
      for (const input of [config.input ?? [1, 3, 224, 224], [1, 3, 224, 224], [2, 3, 97, 61]]) {
        const whole = traceShapes(config, expandResNet(config), input);
        const sampled = sampledTotals(config, input);
        // a fixed-window head takes only some inputs: then both refuse, alike
        if (!whole.ok) expect(sampled, `${name} ${input}`).toEqual({ ok: false, issue: whole.issue });
        else expect(sampled, `${name} ${input}`).toEqual({ ok: true, params: whole.trace.totals.params, macs: whole.trace.totals.macs });
      }
    }
  });
  it('for random networks and inputs', () => {
    fc.assert(
      fc.property(configArb, sizeArb, (config, s) => {
        const input = [s.batch, config.inChannels, s.h, s.w];
        const full = traceShapes(config, expandResNet(config), input);
        const sampled = sampledTotals(config, input);
        if (!full.ok) return !sampled.ok;
        return sampled.ok && sampled.params === full.trace.totals.params && sampled.macs === full.trace.totals.macs;
      }),
      { numRuns: 200 },
    );
  });
});

// The counting issue's new counters against their runs on the same models
// (scripts/pytorch/flop_counts.py → test/fixtures/counts2/flop-counts.json): FlopCounterMode's
// formulas as a TorchDispatchMode on PyTorch 1.13 (forward, per module, and around a training
// step), ultralytics-thop and calflops from their own sources, paddle.flops' hooks. The models are
// record.py's (the sources' own classes or structures), every preset at its own input and at an odd
// input with a batch of 2, and random networks, built in torch from the traced rows.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countConventions, type CountName } from '../src/analysis/counts.js';
import { resolveConfig, type ConfigInput } from '../src/network/config.js';
import { PRESET_NAMES, presetConfig } from '../src/network/presets.js';
import type { ModelConfig } from '../src/types.js';
import { configFor, ROOT, trace, type PyTorchRecord } from './helpers/model.js';

type Counted = 'flopcounter' | 'flopcounter-train' | 'ultralytics-thop' | 'calflops' | 'paddle-flops';
interface Case {
  model: 'source' | 'rows';
  case?: NonNullable<PyTorchRecord['case']>;
  preset?: string;
  overrides?: ConfigInput;
  input: number[];
  params: number;
  counts: Record<Counted | 'paddle-flops-int32', number>;
  /** FlopCounterMode's forward by the innermost module running (ModuleTracker's leaf level). */
  flopcounterRows: Record<string, number>;
}

const recorded = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'counts2', 'flop-counts.json'), 'utf8')) as { cases: Record<string, Case> };
const cases = Object.entries(recorded.cases);
const COUNTED: readonly Counted[] = ['flopcounter', 'flopcounter-train', 'ultralytics-thop', 'calflops', 'paddle-flops'];

function configOf(c: Case): ModelConfig {
  if (c.model === 'source') return configFor({ model: c.case!.id, num_classes: c.case!.classes, case: c.case });
  return resolveConfig({ ...presetConfig(c.preset!)!, ...c.overrides }, c.preset!);
}

describe('the counters run on the same models', () => {
  it('cover the sources, every preset at its own and an odd input, 30 or more random networks, batches over 1', () => {
    const keys = cases.map(([k]) => k);
    expect(keys.filter((k) => k.startsWith('source:')).length).toBeGreaterThanOrEqual(40);
    for (const name of PRESET_NAMES) {
      expect(keys, name).toContain(`preset:${name}@default`);
      expect(keys, name).toContain(`preset:${name}@odd`);
    }
    expect(keys.filter((k) => k.startsWith('random:')).length).toBeGreaterThanOrEqual(30);
    expect(cases.filter(([, c]) => c.input[0]! > 1).length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s', (_, c) => {
    const t = trace(configOf(c), c.input);
    expect(t.totals.params).toBe(c.params);
    const counts = countConventions(t);
    for (const name of COUNTED) expect(Number(counts.conventions[name as CountName].total), name).toBe(c.counts[name]);
    // Paddle sums int32 buffers: what it prints is the figure wrapped to 32 bits
    expect(Number(BigInt.asIntN(32, BigInt(counts.conventions['paddle-flops'].total))), 'paddle-flops as Paddle prints it').toBe(c.counts['paddle-flops-int32']);
    // FlopCounterMode's forward per module: the rows of each module path summed (a module run twice counts twice)
    const byModule: Record<string, number> = {};
    t.layers.forEach((l, i) => {
      const row = Number(counts.row('flopcounter', i));
      if (row !== 0) byModule[l.spec.name] = (byModule[l.spec.name] ?? 0) + row;
    });
    expect(byModule).toEqual(Object.fromEntries(Object.entries(c.flopcounterRows).filter(([, v]) => v !== 0)));
  });

  it("ResNet-50 from torchvision's own class: FlopCounterMode's figures as PyTorch 2.13 printed them (issue #32), Paddle's printed overflow", () => {
    const c = recorded.cases['source:resnet50_c1000_1x3x224x224']!;
    expect(c.counts.flopcounter).toBe(8_178_368_512);
    expect(c.counts['flopcounter-train']).toBe(24_299_077_632);
    expect(c.counts['paddle-flops-int32']).toBe(-183_452_672);
    expect(Object.keys(c.flopcounterRows).filter((k) => c.flopcounterRows[k]! > 0).length).toBe(53 + 1);
    expect(recorded.cases['source:resnext50_32x4d_c1000_1x3x224x224']!.counts['flopcounter-train']).toBe(39_481_933_824);
  });
});

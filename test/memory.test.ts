// Memory: what autograd keeps, against PyTorch's own saved tensors (test/fixtures/memory, made
// by scripts/pytorch/saved_tensors.py), and the totals against CUDA measurements
// (../shared/reference/gpu-memory-public.json).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitBatch } from '../src/analysis/fit.js';
import { CachingAllocator } from '../src/analysis/allocator.js';
import { allocation, estimateMemory, type Dtype, type MemoryOptions } from '../src/analysis/memory.js';
import { expandResNet } from '../src/network/expand.js';
import type { ModelConfig } from '../src/types.js';
import { preset, ROOT, REFERENCE, trace } from './helpers/model.js';

interface SavedRecord {
  model: string;
  input: number[];
  classes: number;
  dtype: Dtype;
  saved_allocated: number;
  modules: Record<string, { allocated: number }>;
  /** Config fields the recorded network sets beyond its preset's (the Wide ResNet's dropout). */
  overrides?: Record<string, unknown>;
}

const DIR = join(ROOT, 'test', 'fixtures', 'memory');
const records = readdirSync(DIR).map((f) => ({ file: f, r: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as SavedRecord }));

describe.each(records)('saved tensors: $file', ({ r }) => {
  const t = trace(preset(r.model, { classes: r.classes, inChannels: r.input[1], ...r.overrides }), r.input);
  const m = estimateMemory(t, { dtype: r.dtype, optimizer: 'momentum', weightDecay: 0 });

  it('every module keeps the bytes PyTorch saves for it', () => {
    const ours = new Map<string, number>();
    t.layers.forEach((l, i) => {
      const b = Number(m.rows[i]);
      if (b > 0) ours.set(l.spec.name, (ours.get(l.spec.name) ?? 0) + b);
    });
    const theirs = new Map(Object.entries(r.modules).filter(([k]) => k !== 'loss').map(([k, v]) => [k, v.allocated]));
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(theirs));
  });

  it('activations = what is kept + the output + the loss', () => {
    const [batch, classes] = [r.input[0]!, r.classes];
    const output = allocation(batch * classes * (r.dtype === 'float32' ? 4 : 2)) as number;
    const loss = 512;
    expect(m.activations).toBe(r.saved_allocated + output + loss);
  });
});

interface GpuRun {
  model: string;
  classes: number;
  input: number[];
  dtype: Dtype;
  param_bytes: number;
  retained_after_forward: number;
  peak_step_total_allocated: number;
  allocated_before_step: number;
  eval_peak_over_before: number;
}
const gpu = JSON.parse(readFileSync(join(REFERENCE, 'gpu-memory-public.json'), 'utf8')) as { runs: GpuRun[] };

describe.each(gpu.runs)('CUDA measurement: $model at $input', (run) => {
  const t = trace(preset(run.model, { classes: run.classes }), run.input);
  const m = estimateMemory(t, { dtype: run.dtype, optimizer: 'momentum', weightDecay: 0.001 });
  const within = (ours: unknown, theirs: number, tolerance: number) =>
    expect(Math.abs(Number(ours) / theirs - 1)).toBeLessThanOrEqual(tolerance);

  it('parameters and buffers: exact (512-byte allocations)', () => expect(m.params).toBe(run.param_bytes));
  it('activations with the allocator slack within 3 %, and closer than without it', () => {
    const withSlack = Number(m.activations) + Number(m.allocatorSlack);
    within(withSlack, run.retained_after_forward, 0.03);
    expect(Math.abs(withSlack - run.retained_after_forward)).toBeLessThan(Math.abs(Number(m.activations) - run.retained_after_forward));
  });
  it('bytes before the step within 1 %', () => within(m.beforeStep, run.allocated_before_step, 0.01));
  it('training peak within 5 %', () => within(m.trainingPeak, run.peak_step_total_allocated, 0.05));
  if (run.input[0]! >= 8) {
    it('inference peak within 10 % (batch ≥ 8)', () => within(m.inferencePeak, run.eval_peak_over_before, 0.1));
  } else {
    // cuDNN's per-call convolution workspaces, not modelled, weigh most at a small batch
    it('inference peak below the measurement by less than 20 % (batch < 8: cuDNN workspaces)', () => {
      const ratio = Number(m.inferencePeak) / run.eval_peak_over_before;
      expect(ratio).toBeLessThan(1);
      expect(ratio).toBeGreaterThan(0.8);
    });
  }
});

const fit = (config: ModelConfig, sample: number[], budget: number, mode: 'train' | 'infer', o: MemoryOptions) =>
  fitBatch(config, expandResNet(config), sample, budget, mode, o);

describe('fit', () => {
  it('the largest batch whose modelled peak fits the budget measured at batch 32', async () => {
    const run = gpu.runs.find((r) => r.input[0] === 32)!;
    const f = fit(preset('resnet50'), [3, 224, 224], run.peak_step_total_allocated, 'train', {
      dtype: 'float32',
      optimizer: 'momentum',
      weightDecay: 0.001,
    });
    // the measured peak of batch 32 is the budget: the answer is 32, give or take one sample
    expect(Math.abs(f.maxBatch - 32)).toBeLessThanOrEqual(1);
    expect(Number(f.bytesAtMaxBatch)).toBeLessThanOrEqual(run.peak_step_total_allocated);
  });

  it('is 0 when not even one sample fits, and monotone in the budget', async () => {
    const o = { dtype: 'float32', optimizer: 'adam', weightDecay: 0 } as const;
    expect(fit(preset('resnet18'), [3, 224, 224], 1e6, 'train', o).maxBatch).toBe(0);
    const a = fit(preset('resnet18'), [3, 224, 224], 8 * 2 ** 30, 'train', o).maxBatch;
    const b = fit(preset('resnet18'), [3, 224, 224], 16 * 2 ** 30, 'train', o).maxBatch;
    expect(b).toBeGreaterThan(a);
    const inferA = fit(preset('resnet18'), [3, 224, 224], 8 * 2 ** 30, 'infer', o).maxBatch;
    expect(inferA).toBeGreaterThan(a);
  });
});

describe('optimizers and dtypes', () => {
  const t = trace(preset('resnet50'), [8, 3, 224, 224]);
  const m = (o: Partial<Parameters<typeof estimateMemory>[1]>) =>
    estimateMemory(t, { dtype: 'float32', optimizer: 'momentum', weightDecay: 0, ...o });
  it('state: none for SGD, one buffer for momentum, two for Adam', () => {
    expect(m({ optimizer: 'sgd' }).optimizerState).toBe(0);
    expect(m({ optimizer: 'momentum' }).optimizerState).toBe(m({}).gradients);
    expect(m({ optimizer: 'adam' }).optimizerState).toBe(2 * Number(m({}).gradients));
  });
  it('foreach temporaries: a gradient copy for weight decay (not AdamW), and Adam’s sqrt', () => {
    const g = Number(m({}).gradients);
    expect(m({ weightDecay: 0 }).optimizerTemporaries).toBe(0);
    expect(m({ weightDecay: 0.001 }).optimizerTemporaries).toBe(g);
    expect(m({ optimizer: 'adam', weightDecay: 0.01 }).optimizerTemporaries).toBe(2 * g);
    expect(m({ optimizer: 'adamw', weightDecay: 0.01 }).optimizerTemporaries).toBe(g);
  });
  it('float16 keeps the bytes bfloat16 keeps', () => {
    expect(m({ dtype: 'float16' }).activations).toBe(m({ dtype: 'bfloat16' }).activations);
    expect(Number(m({ dtype: 'bfloat16' }).activations)).toBeLessThan(Number(m({}).activations));
  });
  it('the per-row bytes add up to what PyTorch saves for the modules at this input', () => {
    // test/fixtures/memory/resnet50_8x3x224x224_float32.json: every module but the loss
    const record = records.find((x) => x.file === 'resnet50_8x3x224x224_float32.json')!.r;
    const saved = Object.entries(record.modules).filter(([k]) => k !== 'loss').reduce((a, [, v]) => a + v.allocated, 0);
    expect(m({}).rows.reduce((a: number, b) => a + Number(b), 0)).toBe(saved);
  });
});

describe('inference under autocast', () => {
  it('caches 16-bit copies of conv and linear weights only (BatchNorm is not cast)', () => {
    // a batch so small that the cached weight copies, not the activations, make the peak
    const t = trace(preset('resnet50'), [1, 3, 8, 8]);
    const fp32 = estimateMemory(t, { dtype: 'float32', optimizer: 'momentum', weightDecay: 0 });
    const bf16 = estimateMemory(t, { dtype: 'bfloat16', optimizer: 'momentum', weightDecay: 0 });
    const copies = t.layers
      .filter((l) => (l.spec.kind === 'conv2d' || l.spec.kind === 'linear') && l.weight)
      .reduce((a, l) => a + Number(allocation(l.weight!.reduce((x, d) => x * d, 1) * 2)), 0);
    expect(Number(bf16.inferencePeak)).toBeGreaterThanOrEqual(copies);
    expect(Number(bf16.inferencePeak)).toBeLessThan(copies + Number(fp32.inferencePeak));
  });
});

describe("the CUDA caching allocator's blocks (c10/cuda/CUDACachingAllocator.cpp)", () => {
  const MiB = 1024 * 1024;

  it('a request from 10 MiB on gets a segment rounded to 2 MiB, split only when more than 1 MiB would remain', () => {
    const a = new CachingAllocator();
    // 10×128×56×56 floats = 16,056,320 bytes: the 16 MiB segment leaves 720,896, kept in the block
    expect(a.malloc(16_056_320).size).toBe(16 * MiB);
    // 10×64×112×112 floats = 32,112,640: the 32 MiB segment leaves 1,441,792, split off
    expect(a.malloc(32_112_640).size).toBe(32_112_640);
    expect(a.allocated).toBe(16 * MiB + 32_112_640);
  });

  it('requests above 1 MiB and below 10 MiB share 20 MiB segments; a block that would leave 1 MiB or less is handed out whole', () => {
    const a = new CachingAllocator();
    const first = a.malloc(8 * MiB);
    a.malloc(8 * MiB);
    // 4 MiB remain in the segment: a 3.5 MiB request leaves 0.5 MiB, so it gets all 4
    expect(a.malloc(3.5 * MiB).size).toBe(4 * MiB);
    // freed blocks merge and serve later requests (best fit)
    a.free(first);
    expect(a.malloc(2 * MiB).size).toBe(2 * MiB);
    expect(a.allocated).toBe(8 * MiB + 4 * MiB + 2 * MiB);
  });

  it('requests up to 1 MiB come from 2 MiB segments in 512-byte units', () => {
    const a = new CachingAllocator();
    expect(a.malloc(100).size).toBe(512);
    expect(a.malloc(MiB).size).toBe(MiB);
    // 1 MiB − 512 remains in the first segment: a request of that much fits it exactly
    expect(a.malloc(MiB - 512).size).toBe(MiB - 512);
    expect(a.allocated).toBe(2 * MiB);
  });
});

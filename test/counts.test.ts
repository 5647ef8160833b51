// Counting conventions against the tools' own runs: thop, ptflops (both backends), fvcore (eval
// and train) and torchinfo on torchvision models (test/fixtures/counts, recorded by
// scripts/pytorch/counts.py), and the published ResNet-50 figures in the reference data.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COUNT_NAMES, countConventions, paramCounts, pythonFixed2, torchinfoSizes, type CountName } from '../src/analysis/counts.js';
import { kindOf } from '../src/analysis/kinds.js';
import { configFor, loadFixtures, preset, REFERENCE, ROOT, trace, type PyTorchRecord } from './helpers/model.js';

interface CountRecord {
  model: string;
  classes: number;
  input: number[];
  case: PyTorchRecord['case'];
  params: number;
  counts: Record<Exclude<CountName, 'torchvision' | 'flops'>, number>;
  torchinfoSizes: { paramsMB: string; forwardBackwardMB: string; paramsLine?: string; forwardBackwardLine?: string };
  /** The parameters thop reports (records of #31 on): those of the modules it has a rule for by exact class. */
  thopParams?: number;
}

const DIR = join(ROOT, 'test', 'fixtures', 'counts');
const records = readdirSync(DIR).map((f) => ({ file: f, r: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as CountRecord }));

describe.each(records)('$file', ({ r }) => {
  // keras_resnet50 is recorded as torchvision's ResNet-50 made v1 with a bias on every conv
  // keras_resnet50 and the CIFAR presets are recorded from re-implementations (counts.py)
  const config = r.model === 'keras_resnet50' || r.model.endsWith('_cifar') ? preset(r.model, { classes: r.classes }) : configFor({ model: r.model, num_classes: r.classes, case: r.case });
  const t = trace(config, r.input);
  const counts = countConventions(t);
  it.each(Object.keys(r.counts) as (keyof CountRecord['counts'])[])('%s equals the tool', (name) => {
    expect(counts.conventions[name].total).toBe(r.counts[name]);
  });
  it('torchinfo size lines and params equal the tool', () => {
    // the lines as printed are recorded for the networks of #31 on (a unit of torchinfo's choosing)
    const ours: Record<string, string> = { ...torchinfoSizes(t) };
    expect(Object.fromEntries(Object.keys(r.torchinfoSizes).map((k) => [k, ours[k]]))).toEqual(r.torchinfoSizes);
    expect(paramCounts(t).pytorch).toBe(r.params);
  });

  it('every convention is the sum of its rows, and torchvision plus its terms', () => {
    for (const name of COUNT_NAMES) {
      const c = counts.conventions[name];
      const rows = t.layers.reduce((a, _, i) => a + BigInt(counts.row(name, i)), 0n);
      expect(BigInt(c.total), name).toBe(rows);
      expect(BigInt(c.total), name).toBe(c.terms.reduce((a, term) => a + BigInt(term.total), BigInt(t.totals.macs)));
    }
    expect(counts.conventions.flops.total).toBe(2 * Number(t.totals.macs));
  });
});

// thop's own parameter count, recorded for the networks of #31 on
describe.each(records.filter(({ r }) => r.thopParams !== undefined))("thop's parameters: $file", ({ r }) => {
  it("are all but those of torchvision's video conv subclasses, which it has no rule for (the README's 415,056)", () => {
    const t = trace(configFor({ model: r.model, num_classes: r.classes, case: r.case }), r.input);
    const seen = t.layers.filter((l) => !['Conv3DSimple', 'Conv3DNoTemporal'].includes(kindOf(l.spec).torch(l.spec)));
    expect(seen.reduce((a, l) => a + Number(l.params), 0)).toBe(r.thopParams);
  });
});

describe('the reference figures (counts-resnet50.json)', () => {
  const reference = JSON.parse(readFileSync(join(REFERENCE, 'counts-resnet50.json'), 'utf8')) as {
    records: { tool: string; mode: string; reported: number; paramsSizeLine?: string; forwardBackwardSizeLine?: string }[];
  };
  const t = trace(preset('resnet50'), [1, 3, 224, 224]);
  const c = countConventions(t).conventions;
  const named = (tool: string, mode: RegExp) => reference.records.find((x) => x.tool === tool && mode.test(x.mode))!.reported;
  it('each tool', () => {
    expect(c.torchvision.total).toBe(named('torchvision', /eval/));
    expect(c.thop.total).toBe(named('thop', /eval/));
    expect(c.ptflops.total).toBe(named('ptflops', /^backend=pytorch; eval/));
    expect(c['ptflops-aten'].total).toBe(named('ptflops', /backend=aten/));
    expect(c.fvcore.total).toBe(named('fvcore', /^eval/));
    expect(c['fvcore-train'].total).toBe(named('fvcore', /^train/));
    expect(c.torchinfo.total).toBe(named('torchinfo', /eval/));
  });
  it("ptflops without functional hooks is ptflops less its 'functional' term", () => {
    const functional = c.ptflops.terms.find((x) => x.label.startsWith('functional'))!.total;
    expect(Number(c.ptflops.total) - Number(functional)).toBe(named('ptflops', /count_functional': False/));
  });
  it("torchinfo's size lines", () => {
    const line = reference.records.find((x) => x.tool === 'torchinfo')!;
    const sizes = torchinfoSizes(t);
    expect(`${sizes.paramsMB} MB`).toBe(line.paramsSizeLine);
    expect(`${sizes.forwardBackwardMB} MB`).toBe(line.forwardBackwardSizeLine);
  });
});

describe("Python's .2f", () => {
  it('rounds exact binary ties to even, as Python does, and everything else as toFixed', () => {
    // 102.125 and 102.375 are exact in binary: Python prints 102.12 and 102.38
    expect(pythonFixed2(102_125_000)).toBe('102.12');
    expect(pythonFixed2(102_375_000)).toBe('102.38');
    expect(pythonFixed2(102_228_128)).toBe('102.23');
    expect(pythonFixed2(0)).toBe('0.00');
  });
});

describe('Keras presets: paramCounts.keras is Keras model.summary()', () => {
  // Keras applications' published totals (model.summary(): BatchNorm moving mean and variance are
  // non-trainable params); ResNet50's are in the reference data
  const published = JSON.parse(readFileSync(join(REFERENCE, 'published.json'), 'utf8')).keras_resnet50 as {
    total: number;
    trainable: number;
    non_trainable: number;
  };
  it('keras_resnet50: total, trainable (totals.params) and non-trainable (BN statistics)', () => {
    const t = trace(preset('keras_resnet50'), [1, 3, 224, 224]);
    expect(paramCounts(t).keras).toBe(published.total);
    expect(t.totals.params).toBe(published.trainable);
    expect(t.totals.bnRunningStats).toBe(published.non_trainable);
  });
  it.each([
    ['keras_resnet101', 44_707_176],
    ['keras_resnet152', 60_419_944],
  ])('%s: %i', (name, total) => {
    expect(paramCounts(trace(preset(name), [1, 3, 224, 224])).keras).toBe(total);
  });
  it('keras_resnet50 without the top: 23,587,712', () => {
    expect(paramCounts(trace(preset('keras_resnet50', { classes: 0 }), [1, 3, 224, 224])).keras).toBe(23_587_712);
  });
  it("rows take Keras' names and order: the shortcut (_0_) first", () => {
    const names = trace(preset('keras_resnet50'), [1, 3, 224, 224]).layers.map((l) => l.spec.name);
    expect(names.slice(0, 4)).toEqual(['conv1_conv', 'conv1_bn', 'conv1_relu', 'pool1_pool']);
    expect(names.slice(4, 8)).toEqual(['conv2_block1_0_conv', 'conv2_block1_0_bn', 'conv2_block1_1_conv', 'conv2_block1_1_bn']);
    expect(names.slice(-3)).toEqual(['avg_pool', 'avg_pool.flatten', 'predictions']);
    expect(names).toContain('conv5_block3_out');
  });
});

describe('a tool that cannot run on a network prints no figure (test/fixtures/fvcore/trace-cifar.json)', () => {
  // fvcore run from its source on akamaster's head as written (F.avg_pool2d(out, out.size()[3]))
  // and on kuangliu's fixed F.avg_pool2d(out, 4): scripts/pytorch/fvcore_trace.py
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'fvcore', 'trace-cifar.json'), 'utf8')) as {
    cases: { preset: string; input: number[]; fvcore: number | null; error: string | null }[];
  };
  it.each(fixture.cases)('$preset at $input: fvcore $fvcore', async ({ preset: name, input, fvcore, error }) => {
    const { cli } = await import('./helpers/cli.js');
    const doc = JSON.parse((await cli(['--arch', name, '--input', input.join(','), '--format', 'json'])).stdout);
    expect(doc.counts.fvcore).toBe(fvcore);
    if (error === null) expect(doc.countFailures).toBeUndefined();
    else {
      expect(error).toMatch(/kernel_size/);
      expect(doc.counts['fvcore-train']).toBeNull();
      expect(doc.countFailures.fvcore).toMatch(/torch\.jit trace fails at avg_pool2d/);
      // the other tools run hooks, not a trace: they still count
      expect(typeof doc.counts.thop).toBe('number');
      const r = await cli(['--arch', name, '--count', 'fvcore']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: --count fvcore: the tool cannot run on this network, so it prints no figure: /);
    }
  });
});

// BN-folded counts against torch.fx's own fuser on the recorded models (scripts/pytorch/bn_folded.py);
// the models fx cannot trace (akamaster's Python control flow) are written with the error instead
describe('paramCounts.bnFolded: equal to torch.fx fusing each conv and its BatchNorm', () => {
  interface Folded {
    id: string;
    classes: number;
    params: number;
    bnFolded?: number;
    error?: string;
  }
  const folded = Object.values(JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'bn-folded', 'pytorch-fx.json'), 'utf8')) as Record<string, Folded>);
  const fixtures = loadFixtures();
  const traced = folded.filter((f) => f.bnFolded !== undefined);

  it('covers torchvision, timm-structured, SE, Keras v2, pre-activation and CIFAR models', () => {
    expect(traced.length).toBeGreaterThanOrEqual(30);
    expect(traced.map((f) => f.id)).toEqual(expect.arrayContaining(['resnet50', 'resnet50d', 'seresnet50', 'keras_resnet50v2', 'preact_resnet164_cifar', 'wrn28_10_cifar']));
  });

  it.each(traced.map((f) => [`${f.id}, ${f.classes} classes`, f] as const))('%s', (_, f) => {
    const record = fixtures.find((x) => (x.record.case?.id ?? x.record.model) === f.id && x.record.num_classes === f.classes);
    expect(record, `a recorded fixture of ${f.id}`).toBeDefined();
    const p = paramCounts(trace(record!.config, record!.record.input));
    expect(p.pytorch).toBe(f.params);
    expect(p.bnFolded).toBe(f.bnFolded);
  });

  it("ResNet-50: 25,557,032 parameters, 25,530,472 folded (the 25.53 M of OpenVINO's model zoo): each of its 53 BNs gives up C", () => {
    const p = paramCounts(trace(preset('resnet50'), [1, 3, 224, 224]));
    expect(p.bnFolded).toBe(25_530_472);
    // 53,120 BN parameters (2C each) become 26,560 conv biases
    expect(Number(p.pytorch) - Number(p.bnFolded)).toBe(53_120 / 2);
  });
});

// The counters people run in 2026: ultralytics-thop and calflops run from their own sources on
// the recorded models (scripts/pytorch/counts2.py, test/fixtures/counts2/tools.json), and the
// reference's figures for ResNet-50 (FlopCounterMode on torch 2.13, both tools, paddle.flops)
describe('the 2026 counters', () => {
  interface ToolCase {
    id: string;
    classes: number;
    input: number[];
    params: number;
    counts: Record<'ultralytics-thop' | 'calflops', number>;
  }
  const tools = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'counts2', 'tools.json'), 'utf8')) as { cases: Record<string, ToolCase> };
  const fixtures = loadFixtures();
  const cases = Object.entries(tools.cases);

  it('cover torchvision, timm-structured, SE, Keras v2, CIFAR models, batches over 1 and odd sizes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.some(([, c]) => c.input[0]! > 1)).toBe(true);
    expect(cases.some(([, c]) => c.input[2] !== c.input[3])).toBe(true);
  });

  it.each(cases)('%s', (_, c) => {
    // the recorded fixture of the same case gives the config (its own check: the same parameters)
    const record = fixtures.find((x) => (x.record.case?.id ?? x.record.model) === c.id && x.record.num_classes === c.classes && x.record.input.join() === c.input.join());
    expect(record, `a recorded fixture of ${c.id} at ${c.input.join('x')}`).toBeDefined();
    const t = trace(record!.config, c.input);
    expect(t.totals.params).toBe(c.params);
    const counts = countConventions(t);
    expect(counts.conventions['ultralytics-thop'].total).toBe(c.counts['ultralytics-thop']);
    expect(counts.conventions.calflops.total).toBe(c.counts.calflops);
  });

  it("ResNet-50 at 1×3×224×224: each tool's own figure (counts2-resnet50.json), paddle.flops' overflowed print explained", () => {
    const reference = JSON.parse(readFileSync(join(REFERENCE, 'counts2-resnet50.json'), 'utf8')) as { records: { convention: CountName; reported: number }[] };
    const counts = countConventions(trace(preset('resnet50'), [1, 3, 224, 224]));
    expect(reference.records.length).toBe(5);
    for (const r of reference.records) expect(counts.conventions[r.convention].total, r.convention).toBe(r.reported);
    // Paddle printed -183,452,672: the figure less 2^32 (an int32)
    expect(Number(counts.conventions['paddle-flops'].total) - 2 ** 32).toBe(-183_452_672);
  });

  it("FlopCounterMode's training step counts a grouped conv's weight gradient × groups: ResNeXt-50 32×4d, 39,481,933,824", () => {
    const counts = countConventions(trace(preset('resnext50_32x4d'), [1, 3, 224, 224]));
    expect(counts.conventions['flopcounter-train'].total).toBe(39_481_933_824);
  });

  it('FlopCounterMode, forward: its per-row figures sum to its total, 2 per mult-add of each conv and linear row', () => {
    const t = trace(preset('resnet50'), [1, 3, 224, 224]);
    const counts = countConventions(t);
    let sum = 0;
    t.layers.forEach((l, i) => {
      const row = Number(counts.row('flopcounter', i));
      expect(row, l.spec.name).toBe(l.spec.kind === 'conv2d' || l.spec.kind === 'linear' ? 2 * Number(l.macs) : 0);
      sum += row;
    });
    expect(sum).toBe(8_178_368_512);
  });
});

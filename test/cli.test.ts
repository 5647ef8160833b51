// The CLI in-process: the notes' trace, the JSON contract, and one line for every mistake.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, stripAnsi } from './helpers/cli.js';
import { main } from '../src/cli/main.js';
import { fixture, REFERENCE } from './helpers/model.js';

const notes = readFileSync(join(REFERENCE, 'notes-resnet50-trace.txt'), 'utf8');

describe('log format', () => {
  it("reproduces the notes' ResNet-50 trace byte for byte (93 lines)", async () => {
    const r = await cli(['--layers', '50', '--input', '10,3,224,224', '--classes', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = notes.split('\n').filter((l, i, a) => i < a.length - 1 || l !== '');
    expect(lines).toHaveLength(93);
    expect(r.stdout.startsWith(`${lines.join('\n')}\n`)).toBe(true);
  });

  it("paddle_resnet50, Paddle's own ResNet-50, prints the notes' trace too (Paddle's layouts: the linear [in, out])", async () => {
    const r = await cli(['--arch', 'paddle_resnet50', '--input', '10,3,224,224', '--classes', '1']);
    expect(r.code).toBe(0);
    const lines = notes.split('\n').filter((l, i, a) => i < a.length - 1 || l !== '');
    expect(r.stdout.startsWith(`${lines.join('\n')}\n`)).toBe(true);
  });

  it.each([
    ['101', 'resnet101', 103, 33],
    ['152', 'resnet152', 154, 50],
  ])('ResNet-%s follows the same pattern; every conv line equals PyTorch', async (depth, model, lastConv, blocks) => {
    const r = await cli(['--layers', depth, '--input', '10,3,224,224', '--classes', '1']);
    const lines = r.stdout.split('\n');
    const record = fixture((f) => f.record.model === model && f.record.num_classes === 1).record;
    const convs = record.layers.filter((l) => l.type === 'Conv2d');
    const convLines = lines.filter((l) => l.startsWith('conv2d_'));
    expect(convLines).toEqual(
      convs.map((c, i) => `conv2d_${i} [${c.output.join(', ')}] [${c.params.weight!.join(', ')}] [ ${c.params.weight![0]} ]`),
    );
    expect(convLines.at(-1)).toMatch(new RegExp(`^conv2d_${lastConv} `));
    expect(lines.filter((l) => l.startsWith('-----print bottleneckBlock: '))).toHaveLength(blocks);
    expect(lines.filter((l) => l.startsWith('end block: '))).toHaveLength(blocks);
    // the same frame as the notes: first four lines, the head
    expect(lines.slice(0, 5)).toEqual(notes.split('\n').slice(0, 5));
    const tail = notes.split('\n').slice(88, 93);
    expect(lines.slice(lines.indexOf('======end bottleneckBlock:') - 1, lines.indexOf('linear_0 [10, 1] [2048, 1] [1]') + 1)).toEqual(tail);
  });

  it('prints basic blocks and a deep stem as kinds of line of their own', async () => {
    const r = await cli(['--arch', 'resnet18d', '--input', '1,3,64,64', '--classes', '0']);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      '[1, 3, 64, 64]',
      'conv2d_0 [1, 32, 32, 32] [32, 3, 3, 3] [ 32 ]',
      'conv_bn_layer_0 [1, 32, 32, 32]',
      'conv2d_1 [1, 32, 32, 32] [32, 32, 3, 3] [ 32 ]',
      'conv_bn_layer_1 [1, 32, 32, 32]',
      'conv2d_2 [1, 64, 32, 32] [64, 32, 3, 3] [ 64 ]',
      'conv_bn_layer_2 [1, 64, 32, 32]',
      'maxpool2d: [1, 64, 16, 16]',
    ]);
    expect(lines).toContain('======start basicBlock:');
    expect(lines).toContain('-----print basicBlock: 7');
    expect(lines.some((l) => l.startsWith('linear_0'))).toBe(false);
  });

  it('never differs in text on a terminal, only in colour', async () => {
    const plain = await cli(['--layers', '50']);
    const colour = await cli(['--layers', '50'], { NO_COLOR: '', FORCE_COLOR: '1' }, true);
    expect(colour.stdout).not.toBe(plain.stdout);
    // eslint-disable-next-line no-control-regex
    expect(stripAnsi(colour.stdout)).toBe(plain.stdout);
  });

  it('colours nothing when NO_COLOR is set, even on a terminal', async () => {
    const r = await cli(['--layers', '50'], { NO_COLOR: '1' }, true);
    expect(r.stdout).not.toContain('\x1b[');
  });
});

describe('json format', () => {
  it.each([
    ['50', 'resnet50'],
    ['101', 'resnet101'],
    ['152', 'resnet152'],
  ])('ResNet-%s at 10×3×224×224, 1 class: conv and linear rows and totals equal PyTorch', async (depth, model) => {
    const r = await cli(['--layers', depth, '--input', '10,3,224,224', '--classes', '1', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const record = fixture((f) => f.record.model === model && f.record.num_classes === 1).record;
    const pick = (rows: { type: string }[], types: string[]) => rows.filter((x) => types.includes(x.type));
    const ours = pick(doc.layers, ['conv2d', 'linear']).map((x: Record<string, unknown>) => [x.name, x.output, x.weight, x.bias, x.macs]);
    const theirs = pick(record.layers, ['Conv2d', 'Linear']).map((x) => {
      const row = x as unknown as { name: string; output: number[]; params: Record<string, number[]>; macs: number };
      return [row.name, row.output, row.params.weight, row.params.bias ?? null, row.macs];
    });
    expect(ours).toEqual(theirs);
    expect(doc.totals.params).toBe(record.total_params);
    expect(doc.totals.macs).toBe(record.macs);
    expect(doc.output).toEqual([10, 1]);
  });

  it('has the contract keys, and a row per operation with the contract fields', async () => {
    const doc = JSON.parse((await cli(['--format', 'json'])).stdout);
    expect(Object.keys(doc).slice(0, 6)).toEqual(['schemaVersion', 'model', 'input', 'output', 'layers', 'totals']);
    expect(doc.schemaVersion).toBe(1);
    expect(Object.keys(doc.totals)).toEqual(expect.arrayContaining(['params', 'trainableParams', 'bnRunningStats', 'macs']));
    for (const row of doc.layers) {
      expect(Object.keys(row).slice(0, 9)).toEqual(['name', 'paddleName', 'type', 'input', 'output', 'weight', 'bias', 'params', 'macs']);
    }
    // torchvision's per-block relu runs three times: three rows with one name
    expect(doc.layers.filter((r: { name: string }) => r.name === 'layer1.0.relu')).toHaveLength(3);
    expect(doc.layers.find((r: { name: string }) => r.name === 'layer1.0.add').type).toBe('add');
    expect(doc.layers.find((r: { name: string }) => r.name === 'flatten').output).toEqual([1, 2048]);
    expect(doc.layers.find((r: { name: string }) => r.name === 'fc').paddleName).toBe('linear_0');
  });
});

describe('table format', () => {
  it('has one row per layer with module paths, and the footer totals', async () => {
    const r = await cli(['--layers', '50', '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│ layer1\.0\.downsample\.0\s+│ conv2d\s+│ \[1, 256, 56, 56\]\s+│ \[256, 64, 1, 1\]/);
    expect(r.stdout).toContain('Total params: 25,557,032');
    expect(r.stdout).toContain('BN running stats: 53,120');
    expect(r.stdout).toContain('Total mult-adds: 4.089 G');
    expect(r.stdout).toContain('FLOPs = 2 × mult-adds');
    expect(r.stdout).toContain('layer3 · 6 bottleneck blocks');
  });
});

describe('standard input', () => {
  it('--config - reads the standard input it is given, not the process standard input', async () => {
    let out = '';
    const code = await main(['--config', '-', '--format', 'json'], {
      out: (s) => {
        out += s;
      },
      err: () => {},
      env: { NO_COLOR: '1' },
      stdoutIsTTY: false,
      stdin: () => Buffer.from('{"extends":"resnet18","classes":7}'),
    });
    expect(code).toBe(0);
    expect(JSON.parse(out).output).toEqual([1, 7]);
    // the helper hands the CLI an empty standard input: one line naming it, exit 2
    const empty = await cli(['--config', '-']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^error: standard input: /);
  });
});

describe('an internal error', () => {
  it('exits 3 with the message, the stack as mapStack gives it and a request to report it', async () => {
    let err = '';
    const code = await main(['--layers', '18', '--format', 'json'], {
      // a failure that is no user's mistake: the output callback throws a TypeError
      out: () => {
        throw new TypeError('boom \x1b[31mred');
      },
      err: (s) => {
        err += s;
      },
      env: { NO_COLOR: '1' },
      stdoutIsTTY: false,
      mapStack: async (stack) => stack.replace(/^ {4}at .*$/gm, '    at mapped (src/x.ts:1:1)'),
    });
    expect(code).toBe(3);
    expect(err).toMatch(/^resnet-shapes: internal error: boom \\x1b\[31mred\n/);
    expect(err).toContain('    at mapped (src/x.ts:1:1)');
    expect(err).not.toMatch(/^ {4}at (?!mapped)/m);
    expect(err).toMatch(/This is a bug in resnet-shapes \d+\.\d+\.\d+; please report it/);
  });
});

describe('bad input: exit 2, one line on stderr, nothing on stdout', () => {
  it.each([
    // a rank the network cannot take: its first layer says so, and what was probably meant
    [['--input', '10,3,224'], /^error: conv1: expected a 4-d input \[N, C, H, W\], found \[10, 3, 224\], which PyTorch would read as one sample \[C, H, W\] without its batch \(of 10 channels, not 3\): after N and C come 2 sizes \(height, width\)/m],
    [['--input', '1,3,8,16,112,112'], /^error: conv1: expected a 4-d input \[N, C, H, W\], found \[1, 3, 8, 16, 112, 112\]: after N and C come 2 sizes/m],
    [['--arch', 'r3d_18', '--input', '3,16,112,112'], /^error: stem\.0: expected a 5-d input \[N, C, T, H, W\], found \[3, 16, 112, 112\], which PyTorch would read as one sample without its batch: give the batch first, e\.g\. 1,3,16,112,112/m],
    [['--arch', 'resnet18_1d', '--input', '4,1,128,128'], /^error: conv1: expected a 3-d input \[N, C, L\], found \[4, 1, 128, 128\]: after N and C come 1 size \(length\)/m],
    [['--arch', 'resnet18_1d', '--input', '4,1'], /^error: conv1: expected a 3-d input \[N, C, L\], found \[4, 1\], which PyTorch would read as one sample \[C, L\] without its batch \(of 4 channels, not 1\)/m],
    [['--input', '4,128'], /^error: conv1: expected a 4-d input \[N, C, H, W\], found \[4, 128\]: after N and C come 2 sizes \(height, width\) \(input \[4, 128\], model resnet50\)\n$/],
    [['--input', '1,3,4,16,112,112'], /^error: conv1: expected a 4-d input \[N, C, H, W\], found \[1, 3, 4, 16, 112, 112\]: after N and C come 2 sizes/],
    [['-a', 'r3d_18', '--input', '1,3'], /^error: stem\.0: expected a 5-d input \[N, C, T, H, W\], found \[1, 3\]: after N and C come 3 sizes \(frames, height, width\)/],
    [['-a', 'r3d_18', '--input', '1,3,4,16,112,112'], /^error: stem\.0: expected a 5-d input \[N, C, T, H, W\], found \[1, 3, 4, 16, 112, 112\]/],
    [['-a', 'r3d_18', '--input', '1,3,112,112'], /^error: stem\.0: expected a 5-d input \[N, C, T, H, W\], found \[1, 3, 112, 112\], which PyTorch would read as one sample \[C, T, H, W\] without its batch \(of 1 channels, not 3\)/],
    [['-a', 'tsc_resnet', '--input', '1,128'], /^error: blocks\.0\.conv1: expected a 3-d input \[N, C, L\], found \[1, 128\]/],
    [['--input', '1'], /expected 4 comma-separated dimensions N,C,H,W .*found 1/],
    [['--input', '1,1,1,1,1,1,1,1,1'], /expected 4 comma-separated dimensions N,C,H,W .*found 9/],
    [['--input', 'abc'], /expected 4 comma-separated dimensions/],
    [['--input', '1,3,abc,224'], /height: expected a whole number, found 'abc'/],
    [['--input', '2.5,3,224,224'], /batch: expected a whole number, found '2.5' \(a fraction\)/],
    [['--input', '0,3,224,224'], /batch: expected a whole number ≥ 1, found 0/],
    [['--input', '1,3,-5,224'], /height: expected a whole number ≥ 1, found -5/],
    [['--input', '-2,3,224,224'], /batch: expected a whole number ≥ 1, found -2/],
    // each side named as the rank's layout names it: a signal's length, a clip's frames
    [['-a', 'tsc_resnet', '--input', '1,1,0'], /argument '1,1,0' is invalid\. length: expected a whole number ≥ 1, found 0$/m],
    [['-a', 'r3d_18', '--input', '1,3,0,112,112'], /is invalid\. frames: expected a whole number ≥ 1, found 0$/m],
    [['-a', 'r3d_18', '--input', '1,3,16,112,w'], /is invalid\. width: expected a whole number, found 'w' \(not a number\)$/m],
    [['--input', '1,3,5,5,5,0'], /is invalid\. dimension 6: expected a whole number ≥ 1, found 0$/m],
    [['--layers', '51'], /expected one of 18, 34, 50, 101, 152/],
    [['--classes', '-1'], /classes: expected a whole number ≥ 0, found -1/],
    [['--classes', 'ten'], /classes: expected a whole number, found 'ten'/],
    [['--format', 'xml'], /Allowed choices are log, table, json/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['--input', '1,4,224,224'], /conv1: expected 3 input channels, found 4/],
    [['--arch', 'resnet9000'], /^error: unknown architecture 'resnet9000': not a preset \(--list names every preset\)$/m],
    // the nearest name, in place of the whole list
    [['--arch', 'resnet56'], /^error: unknown architecture 'resnet56': did you mean 'resnet56_cifar'\? \(--list names every preset\)$/m],
    [['--arch', 'wrn28_10'], /did you mean 'wrn28_10_cifar'\?/],
    [['--arch', 'resnxt50_32x4d'], /did you mean 'resnext50_32x4d'\?/],
    [['chek', 'configs/checks'], /^error: unknown command 'chek': did you mean 'check'\?/m],
    [['dif', 'resnet18', 'resnet34'], /unknown command 'dif': did you mean 'diff'\?/],
    [['resnet50'], /^error: unknown command 'resnet50': did you mean --arch resnet50\?$/m],
    [['ResNet-152'], /did you mean --arch resnet152\?$/m],
    [['frobnicate'], /^error: unknown command 'frobnicate' \(resnet-shapes --help lists the commands; a preset is --arch NAME\)$/m],
    [['--arch', 'resnet50', '--layers', '50'], /--arch and --layers both name a model/],
    [['--arch', 'resnet18', '--output-stride', '8'], /basic-block networks cannot be dilated/],
    [['--output-stride', '4'], /expected 8, 16 or 32, found 4/],
    [['--config', '/nonexistent/x.json'], /\/nonexistent\/x.json: no such file/],
  ])('%j', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a preset is named with case and separators folded', () => {
  it.each(['ResNet-50', 'RESNET50', 'resnet_50', 'Wide-ResNet50-2'])('--arch %s traces the preset it folds to, under its own name', async (name) => {
    const r = await cli(['--arch', name, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // torchvision's published counts
    expect(doc.totals.params).toBe(name.startsWith('Wide') ? 68_883_240 : 25_557_032);
    expect(doc.model.name).toBe(name.startsWith('Wide') ? 'wide_resnet50_2' : 'resnet50');
  });
});

describe('help and version', () => {
  it('--help has real examples and the mult-add convention', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('resnet-shapes --layers 50 --input 10,3,224,224 --classes 1');
    expect(r.stdout).toContain('output elements × in/groups × kh × kw');
  });
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));
    expect((await cli(['--version'])).stdout.trim()).toBe(pkg.version);
  });
});

describe('memory options', () => {
  it('json has a documented memory object and per-row activation bytes', async () => {
    const doc = JSON.parse((await cli(['--layers', '50', '--input', '32,3,224,224', '--format', 'json', '--weight-decay', '0.001'])).stdout);
    expect(Object.keys(doc.memory)).toEqual(
      expect.arrayContaining(['params', 'gradients', 'optimizerState', 'activations', 'trainingPeak', 'inferencePeak']),
    );
    expect(doc.memory.optimizer).toBe('momentum');
    expect(doc.layers.every((r: { activationBytes: unknown }) => typeof r.activationBytes === 'number')).toBe(true);
  });
  it('--fit answers the largest batch, in the table and in JSON', async () => {
    const doc = JSON.parse((await cli(['--layers', '152', '--fit', '24GiB', '--format', 'json'])).stdout);
    expect(doc.fit.mode).toBe('train');
    expect(doc.fit.budgetBytes).toBe(24 * 2 ** 30);
    expect(doc.fit.maxBatch).toBeGreaterThan(64);
    const infer = JSON.parse((await cli(['--layers', '152', '--fit', '80GB', '--mode', 'infer', '--format', 'json'])).stdout);
    expect(infer.fit.budgetBytes).toBe(80e9);
    expect(infer.fit.maxBatch).toBeGreaterThan(doc.fit.maxBatch);
    const table = await cli(['--layers', '152', '--fit', '24GiB', '--format', 'table']);
    expect(table.stdout).toMatch(/Fit: largest batch for training in 24.00 GiB: \d+/);
  });
  it.each([
    [['--fit', 'lots'], /expected a memory size such as 24GiB/],
    [['--dtype', 'int8'], /Allowed choices are float32, bfloat16, float16/],
    [['--optimizer', 'lion'], /Allowed choices are sgd, momentum, adam, adamw/],
    [['--weight-decay', '-1'], /expected a number ≥ 0/],
  ])('%j is exit 2', async (args, message) => {
    const r = await cli(args);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(message);
  });
});

describe('the JSON writer', () => {
  it('writes big integers as every digit and a symbolic batch as N (activations only)', async () => {
    const { formatJson } = await import('../src/format/json.js');
    const { analyze } = await import('../src/analysis/analyze.js');
    const { preset } = await import('./helpers/model.js');
    const big = analyze(preset('resnet50d'), [2_000_000_000, 3, 4096, 4096]);
    if (!big.ok) throw new Error('no trace');
    const doc = JSON.parse(formatJson(big.analysis));
    // every conv: output elements × in/groups × kh × kw, exact; a string exactly when above 2^53 − 1
    const convs = doc.layers.filter((l: { type: string }) => l.type === 'conv2d') as { output: number[]; weight: number[]; macs: number | string }[];
    let strings = 0;
    for (const c of convs) {
      const exact = [...c.output, ...c.weight.slice(1)].reduce((a, d) => a * BigInt(d), 1n);
      if (exact > BigInt(Number.MAX_SAFE_INTEGER)) {
        strings++;
        expect(c.macs).toBe(exact.toString());
      } else expect(c.macs).toBe(Number(exact));
    }
    expect(strings).toBeGreaterThan(0);
    expect(typeof doc.totals.macs).toBe('string');
    const sym = analyze(preset('resnet50d'), [1, 3, 97, 61], { symbolicBatch: true });
    if (!sym.ok) throw new Error('no trace');
    const rows = JSON.parse(formatJson(sym.analysis)).layers as { input: unknown[]; output: unknown[]; weight: unknown[] | null }[];
    expect(rows.every((r) => r.input[0] === 'N' && r.output[0] === 'N')).toBe(true);
    expect(rows.every((r) => r.weight === null || !r.weight.includes('N'))).toBe(true);
  });
});

describe('counting conventions on the command line', () => {
  it('--count puts the convention in the rows (JSON) and they sum to its total', async () => {
    const doc = JSON.parse((await cli(['--layers', '50', '--count', 'thop', '--format', 'json'])).stdout);
    expect(doc.countConvention).toBe('thop');
    const sum = doc.layers.reduce((a: number, r: { count: number }) => a + r.count, 0);
    // the thop figure of the reference data
    expect(sum).toBe(4_133_742_592);
    expect(doc.counts.thop).toBe(4_133_742_592);
  });
  it("--count replaces the table's mult-adds column, naming the convention", async () => {
    const r = await cli(['--layers', '18', '--count', 'fvcore', '--format', 'table']);
    expect(r.stdout).toContain('Count (fvcore)');
    expect(r.stdout).not.toContain('│   Mult-adds │');
    // fvcore's own figure for resnet18 at 1×3×224×224 (test/fixtures/counts)
    expect(r.stdout).toContain('Count (fvcore): 1.819 G (1,819,065,856; see --format counts)');
  });
  it('--format counts explains each difference in terms that sum to it', async () => {
    const r = await cli(['--layers', '50', '--format', 'counts']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│ fvcore +│ +4,111,512,576 │ +\+22,328,320 │ BN 2 per element \(eval, affine\): \+22,227,968/);
    expect(r.stdout).toContain('adaptive avg pool 1 per input element: +100,352');
  });
  it('an unknown convention is refused in one line', async () => {
    const r = await cli(['--count', 'deepspeed']);
    expect([r.code, r.stdout, r.stderr.trim().split('\n').length]).toEqual([2, '', 1]);
  });
});

describe('arguments say exactly what is wrong', () => {
  it.each([
    [['--input', '1,3,224,224,'], /found 5 \(1 empty\)/],
    [['--weight-decay', '0x10'], /expected a number ≥ 0 \(e\.g\. 0\.001\), found '0x10'/],
    [['--weight-decay', 'Infinity'], /found 'Infinity'/],
    [['--config', ''], /--config: expected a file name, found an empty one/],
    [['--colr'], /^error: unknown option '--colr'( \(Did you mean --color\?\))?\n$/],
  ])('%j', async (args, message) => {
    const r = await cli(args);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
  it('a decimal weight decay in any usual form is taken', async () => {
    for (const text of ['0.001', '1e-4', '.5', '0']) {
      const doc = JSON.parse((await cli(['--layers', '18', '--weight-decay', text, '--format', 'json'])).stdout);
      expect(doc.memory.weightDecay, text).toBe(Number(text));
    }
  });
});

describe('diff aligns by structure', () => {
  it('resnet50 vs resnet50d: only the deep stem and the pooled shortcuts differ', async () => {
    const doc = JSON.parse((await cli(['diff', 'resnet50', 'resnet50d', '--format', 'json'])).stdout);
    const keys = doc.rows.map((r: { key: string }) => r.key);
    // six rows of the deep stem before its last conv; conv1 against that last conv (3×3 on 32
    // channels instead of 7×7 on 3); per stage the shortcut's pool (layer1: an identity) and,
    // where the pool strides, a shortcut conv that reads the pooled map
    expect(keys).toEqual([
      ...['conv1.0', 'conv1.1', 'conv1.2', 'conv1.3', 'conv1.4', 'conv1.5'],
      'conv1 ~ conv1.6',
      'layer1.0.downsample.0',
      ...[2, 3, 4].flatMap((s) => [`layer${s}.0.downsample.0`, `layer${s}.0.downsample.0 ~ layer${s}.0.downsample.1`]),
    ]);
    expect(doc.rows.filter((r: { status: string }) => r.status === 'onlyB')).toHaveLength(10);
  });
  it('a 200,000-row network against resnet50 neither overflows nor takes long', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-diff-'));
    writeFileSync(join(dir, 'deep.json'), '{"block":"bottleneck","layers":[3,4,20000,3]}');
    const r = await cli(['diff', join(dir, 'deep.json'), 'resnet50']);
    expect(r.code).toBe(0);
    // layer3 has 20,000 blocks against 6: 19,994 blocks of 10 rows only in a
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`${19_994 * 10} rows differ`);
  });
});

describe('warnings: what is ignored, and where PyTorch would refuse', () => {
  it.each([
    [['--layers', '50', '--columns', 'name,rf'], '--columns is ignored'],
    [['--layers', '50', '--format', 'table', '--depth', 'stage', '--columns', 'name'], '--columns is ignored'],
    [['--layers', '50', '--depth', 'stage'], '--depth is ignored by --format log'],
    [['--list', '--layers', '50'], '--layers is ignored with --list'],
    [['--layers', '50', '--format', 'dot', '--count', 'thop'], '--count is ignored by --format dot'],
  ])('%j', async (args, warning) => {
    const r = await cli(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: ${warning}`);
    expect((await cli([...args, '--quiet'])).stderr).toBe('');
  });
  it('no warning for what the output uses', async () => {
    for (const args of [['--layers', '50', '--format', 'table', '--columns', 'name,rf'], ['--layers', '50', '--format', 'json', '--depth', 'stage'], ['--list']]) {
      expect((await cli(args)).stderr, args.join(' ')).toBe('');
    }
  });
  it("a BatchNorm seeing one value per channel: PyTorch's training forward raises (batch 1, 1×1 map), not at batch 2", async () => {
    // resnet18 at 32×32: 16 after conv1, 8 after the pool, then 8, 4, 2, 1: layer4's maps are 1×1
    const one = await cli(['--layers', '18', '--input', '1,3,32,32']);
    expect(one.stderr).toBe(
      'warning: layer4.0.bn1 sees one value per channel (1×512×1×1): PyTorch\'s training forward raises there ("Expected more than 1 value per channel when training"); inference is fine, and so is a batch of 2\n',
    );
    for (const format of ['json', 'table', 'dot']) expect((await cli(['--layers', '18', '--input', '1,3,32,32', '--format', format])).stderr).toContain('layer4.0.bn1 sees one value');
    expect((await cli(['--layers', '18', '--input', '2,3,32,32'])).stderr).toBe('');
  });
  it('a Mermaid diagram over 500 edges is refused with the way out', async () => {
    const r = await cli(['--layers', '152', '--format', 'mermaid', '--depth', 'layer']);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain('expected at most 500 (Mermaid\'s limit, as GitHub renders it): fold it with --depth block, or use --format dot');
    const block = await cli(['--layers', '152', '--format', 'mermaid']);
    expect(block.stdout.split('\n').filter((l) => / -(-|\.-)>/.test(l)).length).toBeLessThanOrEqual(500);
  });
});

describe('help, units and input channels', () => {
  it('resnet-shapes help check is the check command\'s help', async () => {
    const r = await cli(['help', 'check']);
    expect(r.stdout).toMatch(/^Usage: resnet-shapes check \[options\] <paths\.\.\.>/);
  });
  it('totals of 1,000 G and more print in T, P or E; below, G as before', async () => {
    // 100000 × ResNet-50 at 4096² = 136,660,695,449,600,000 mult-adds (the README's figure)
    expect((await cli(['--layers', '50', '--input', '100000,3,4096,4096'])).stdout).toContain('mult-adds: 136.661 P');
    expect((await cli(['--layers', '50'])).stdout).toContain('mult-adds: 4.089 G');
  });
  it("without --input, a config's own input channels are traced", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-gray-'));
    writeFileSync(join(dir, 'gray.json'), '{"extends":"resnet18","inChannels":1}');
    const r = await cli(['--config', join(dir, 'gray.json')]);
    expect([r.code, r.stdout.split('\n')[0]]).toEqual([0, '[1, 1, 224, 224]']);
  });
});

describe('diff traces each side at its own default input', () => {
  it('two CIFAR presets at their 1×3×32×32 without --input; --input still wins', async () => {
    const r = await cli(['diff', 'resnet20_cifar', 'resnet56_cifar']);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      'a: resnet20_cifar  input [1, 3, 32, 32] → output [1, 10]',
      'b: resnet56_cifar  input [1, 3, 32, 32] → output [1, 10]',
    ]);
    expect((await cli(['diff', 'resnet20_cifar', 'resnet56_cifar', '--input', '2,3,40,32'])).stdout).toContain('input [2, 3, 40, 32]');
  });
});

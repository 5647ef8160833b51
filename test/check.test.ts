// `check`, `diff` and `schema`: exit codes, messages naming file, field and both values,
// reporters that real parsers read, and schemas that a real JSON Schema validator applies.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { checkText, configFromText } from '../src/config-text.js';
import { PRESET_NAMES } from '../src/network/presets.js';
import { checkSchema, configSchema } from '../src/schemas/index.js';
import { locateFields } from '../src/schemas/locate.js';
import { jsonSchemaOf } from '../src/schemas/json-schema.js';
import { cli } from './helpers/cli.js';
import { validatorOf } from './helpers/schema.js';
import { ROOT } from './helpers/model.js';

const FIX = join(ROOT, 'test', 'fixtures', 'checks');
const f = (p: string) => join(FIX, p);

describe('check', () => {
  it("a clip's and a signal's check files: their input's rank, a symbolic batch, the figures of torchvision and arithmetic", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rs-rank-'));
    // torchvision's published r2plus1d_18 figures; batch N per sample
    writeFileSync(join(dir, 'clips.json'), JSON.stringify({ extends: 'r2plus1d_18', input: ['N', 3, 16, 112, 112], expect: { output: ['N', 400], params: 31505325, macs: 40519080960 }, training: { dtype: 'bfloat16' } }));
    // tsc_resnet's output [16, 5]; 1 parameter it has not
    writeFileSync(join(dir, 'signal.json'), JSON.stringify({ extends: 'tsc_resnet', classes: 5, input: [16, 1, 500], expect: { output: [16, 5], params: 1 } }));
    // an input of the wrong rank for the network: invalid, its first layer named
    writeFileSync(join(dir, 'wrong-rank.json'), JSON.stringify({ extends: 'r3d_18', input: [1, 3, 112, 112], expect: { output: [1, 400] } }));
    const r = await cli(['check', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`pass  ${join(dir, 'clips.json')}`);
    // 633,000 with 1000 classes, less the classifier's 128·1000 + 1000, plus 128·5 + 5
    expect(r.stdout).toContain(`FAIL  ${join(dir, 'signal.json')}: expect.params: expected 1, got ${(633_000 - 129_000 + 645).toLocaleString('en-US')}`);
    expect(r.stderr).toMatch(/wrong-rank\.json.*the model cannot take its input \[1, 3, 112, 112\]: stem\.0: expected a 5-d input \[N, C, T, H, W\]/);
  });

  it('passes good files: exit 0 and a closing line', async () => {
    const r = await cli(['check', f('pass')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('3 passed, 0 failed');
  });

  it('fails with the file, the field and both values: exit 1', async () => {
    const r = await cli(['check', f('fail')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL  ${f('fail/two-classes.json')}: expect.output: expected [10, 2], got [10, 1]`);
    expect(r.stdout).toContain('expect.maxParams: expected at most 50,000,000, got 68,883,240');
    // 97×61 ends at 4×2 (97→49→25→25→13→7→4, 61→31→16→16→8→4→2)
    expect(r.stdout).toContain('expect.minFinalSpatial: expected a final feature map of at least 3×3, got 4×2');
    // ResNet-50 at batch 32 with momentum and weight decay peaks near 2.87 GiB (CUDA measured 3,076,910,592 bytes)
    expect(r.stdout).toMatch(/memory-budget\.json: expect\.maxTrainingMemory: expected at most 2,147,483,648 bytes, got 3,0\d\d,\d{3},\d{3} bytes/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 3 failed');
  });

  it('reports invalid files on stderr with the field path and exits 2, still checking the others', async () => {
    const r = await cli(['check', f('invalid'), f('pass/notes.json'), f('fail/two-classes.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('negative-depth.json: layers[2]: expected a positive integer, got -1');
    expect(r.stderr).toContain('wrong-channels.json: the model cannot take its input [1, 4, 224, 224]: conv1: expected 3 input channels, found 4');
    expect(r.stderr).toContain('unknown-field.json: expect: unknown field "outputs"');
    expect(r.stderr).toMatch(/broken\.json: invalid JSON at line \d+, column \d+: /);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(4);
    expect(r.stdout).toContain(`pass  ${f('pass/notes.json')}`);
    expect(r.stdout).toContain(`FAIL  ${f('fail/two-classes.json')}`);
    // the closing line counts the four invalid files as failed, as every reporter does
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 5 failed');
    const github = await cli(['check', f('invalid'), f('pass/notes.json'), f('fail/two-classes.json'), '--reporter', 'github']);
    expect(github.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 5 failed');
  });

  it('an invalid file alone: one line on stderr, nothing on stdout, exit 2', async () => {
    const r = await cli(['check', f('invalid/negative-depth.json')]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(`error: ${f('invalid/negative-depth.json')}: layers[2]: expected a positive integer, got -1\n`);
  });

  it('exits 2 when nothing matches', async () => {
    const r = await cli(['check', join(FIX, 'nothing-*.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no check files matched/);
    expect(r.stdout).toBe('');
  });

  it('expands globs', async () => {
    const r = await cli(['check', join(FIX, '*/n*.json')]);
    expect(r.stdout).toContain('notes.json');
    expect(r.stderr).toContain('negative-depth.json');
    expect(`${r.stdout}${r.stderr}`).not.toContain('two-classes.json');
  });

  it('checks the variants: an SE-ResNeXt written by extending a preset, a Wide ResNet', async () => {
    // figures from the PyTorch re-implementations' records (scripts/pytorch/record.py)
    const r = await cli(['check', join(FIX, '..', 'variant-checks')]);
    expect([r.code, r.stdout.trimEnd().split('\n').at(-1)]).toEqual([0, '2 passed, 0 failed']);
  });

  it('expands braces and classes, as shells and picomatch do', async () => {
    const braces = await cli(['check', join(FIX, 'pass', '{notes,own-architecture}.json')]);
    expect(braces.stdout).toContain('pass/notes.json');
    expect(braces.stdout).toContain('pass/own-architecture.json');
    expect(braces.stdout.trimEnd().split('\n').at(-1)).toBe('2 passed, 0 failed');
    const classes = await cli(['check', join(FIX, 'pass', '[n]otes.json')]);
    expect(classes.stdout.trimEnd().split('\n')).toEqual([`pass  ${join(FIX, 'pass', 'notes.json')}`, '1 passed, 0 failed']);
    // a brace holding a slash reaches folders of other depths
    const deep = await cli(['check', join(FIX, '{pass/notes,fail/two-classes}.json')]);
    expect(deep.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('json reporter: one document jq can read', async () => {
    const r = await cli(['check', f('fail'), f('pass'), '--reporter', 'json']);
    const doc = JSON.parse(r.stdout);
    expect([doc.passed, doc.failed, doc.invalid, doc.ok]).toEqual([3, 3, 0, false]);
    const two = doc.files.find((x: { file: string }) => x.file.endsWith('two-classes.json'));
    // schemaVersion 2: expected and found are data, the sentence is message
    expect(doc.schemaVersion).toBe(2);
    expect(two.failures[0]).toEqual({
      field: 'expect.output',
      expected: [10, 2],
      found: [10, 1],
      message: 'expect.output: expected [10, 2], got [10, 1]',
      line: 6,
    });
  });

  it('github reporter: workflow commands pointing at the line of the failing field', async () => {
    const r = await cli(['check', f('fail/two-classes.json'), f('invalid/negative-depth.json'), '--reporter', 'github']);
    const lines = r.stdout.trimEnd().split('\n');
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^::error file=[^,:]+,line=\d+,title=[^,:]+::.+$/);
    expect(lines[0]).toBe(`::error file=${f('fail/two-classes.json')},line=6,title=resnet-shapes check failed::expect.output: expected [10, 2], got [10, 1]`);
    // "layers": [3, 4, -1, 3] is line 3 of the file
    expect(lines[1]).toContain(`file=${f('invalid/negative-depth.json')},line=3,`);
  });

  it('junit reporter: XML a real parser reads, with failures and errors', async () => {
    const r = await cli(['check', FIX, '--reporter', 'junit']);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(r.stdout);
    const suite = doc.testsuites.testsuite;
    expect([suite['@_tests'], suite['@_failures'], suite['@_errors']]).toEqual(['10', '3', '4']);
    const cases = suite.testcase as Record<string, unknown>[];
    expect(cases.filter((c) => 'failure' in c)).toHaveLength(3);
    expect(cases.filter((c) => 'error' in c)).toHaveLength(4);
  });

  it('the shipped check files pass', async () => {
    const r = await cli(['check', join(ROOT, 'configs', 'checks')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('notes-resnet50.json');
  });
});

describe('locateFields', () => {
  it('finds keys and array elements by path', () => {
    const lines = locateFields('{\n  "a": {\n    "b": [1,\n      2]\n  },\n  "c": "x"\n}');
    expect([lines.get('a'), lines.get('a.b'), lines.get('a.b[0]'), lines.get('a.b[1]'), lines.get('c')]).toEqual([2, 3, 3, 4, 6]);
  });
});

describe('diff', () => {
  it('ResNet-50 with 1 class against 2 classes: only fc and the totals differ', async () => {
    const dir = join(ROOT, 'test', 'fixtures', 'configs');
    const r = await cli(['diff', join(dir, 'resnet50-c1.json'), join(dir, 'resnet50-c2.json'), '--input', '10,3,224,224', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.rows.map((x: { key: string }) => x.key)).toEqual(['fc']);
    expect(doc.rows[0].fields).toEqual(['output', 'weight', 'bias', 'params', 'macs']);
    // fc 2048→1 vs 2048→2: params 2049 vs 4098, mult-adds 10·2048·1 vs 10·2048·2
    expect(doc.totals.params.delta).toBe(2049);
    expect(doc.totals.macs.delta).toBe(20480);
    const text = await cli(['diff', join(dir, 'resnet50-c1.json'), join(dir, 'resnet50-c2.json'), '--input', '10,3,224,224']);
    expect(text.stdout).toMatch(/^fc\s+output\s+\[10, 1\]\s+\[10, 2\]$/m);
    expect(text.stdout).toMatch(/^params\s+23,510,081\s+23,512,130\s+\+2,049$/m);
    expect(text.stdout).toContain('1 row differs');
  });
  it('exit 1 with --exit-code on a difference, 0 when identical', async () => {
    expect((await cli(['diff', 'resnet50', 'resnet50d', '--exit-code'])).code).toBe(1);
    expect((await cli(['diff', 'resnet50', 'resnet50', '--exit-code'])).code).toBe(0);
    expect((await cli(['diff', 'resnet50', 'resnet50d'])).code).toBe(0);
  });
  it('one model at two inputs', async () => {
    const r = await cli(['diff', 'resnet18', '--input', '1,3,224,224', '--input-b', '1,3,97,61', '--format', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.totals.params.delta).toBe(0);
    expect(doc.rows.every((x: { fields: string[] }) => !x.fields.includes('params'))).toBe(true);
    expect(doc.rows.length).toBeGreaterThan(0);
  });
  it('a bad side is one line and exit 2', async () => {
    const r = await cli(['diff', 'resnet50', 'resnet9000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown architecture 'resnet9000'/);
  });
});

describe('schemas', () => {
  const schemaOf = async (name: string) => JSON.parse((await cli(['schema', name])).stdout);

  // regenerate on purpose with UPDATE_SCHEMAS=1 npx vitest run test/check.test.ts, then read the diff
  it.each(['config', 'check', 'trace'] as const)('configs/schemas/%s.schema.json is the one generated from the zod schema', async (name) => {
    const path = join(ROOT, 'configs', 'schemas', `${name}.schema.json`);
    const generated = jsonSchemaOf(name);
    if (process.env.UPDATE_SCHEMAS) writeFileSync(path, `${JSON.stringify(generated, null, 2)}\n`);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(generated);
    expect(await schemaOf(name)).toEqual(generated);
  });

  it('the config schema accepts every preset and rejects invalid configs', async () => {
    const validate = await validatorOf('config');
    for (const name of PRESET_NAMES) {
      const preset = JSON.parse(readFileSync(join(ROOT, 'configs', 'presets', `${name}.json`), 'utf8'));
      expect(validate(preset), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    for (const file of readdirSync(join(ROOT, 'test', 'fixtures', 'configs', 'invalid'))) {
      const value = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'configs', 'invalid', file), 'utf8'));
      expect(validate(value), file).toBe(false);
    }
  });

  it('the check schema accepts the shipped check files', async () => {
    const validate = await validatorOf('check');
    for (const file of readdirSync(join(ROOT, 'configs', 'checks'))) {
      const value = JSON.parse(readFileSync(join(ROOT, 'configs', 'checks', file), 'utf8'));
      expect(validate(value), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('real trace output of every preset validates against the trace schema', async () => {
    const validate = await validatorOf('trace');
    for (const name of PRESET_NAMES) {
      const doc = JSON.parse((await cli(['--arch', name, '--format', 'json'])).stdout);
      expect(validate(doc), `${name}: ${JSON.stringify(validate.errors?.slice(0, 2))}`).toBe(true);
    }
    const symbolic = JSON.parse((await cli(['--input', 'N,3,224,224', '--format', 'json'])).stdout);
    expect(validate(symbolic)).toBe(true);
    // formulas of H and W (#29): the shapes, mult-adds, valid sizes and conditions
    for (const args of [['--input', 'N,3,H,W'], ['--arch', 'iresnet50', '--input', '1,3,H,112'], ['--arch', 'resnet20_cifar', '--input', '2,3,H,W']]) {
      const doc = JSON.parse((await cli([...args, '--format', 'json'])).stdout);
      expect(validate(doc), `${args.join(' ')}: ${JSON.stringify(validate.errors?.slice(0, 2))}`).toBe(true);
    }
  });
});

describe('check arguments that look like globs', () => {
  it.each(['[', 'a[b*.json', '(*).json', '\\*.json'])('%s is matched literally, never an internal error', async (pattern) => {
    const r = await cli(['check', join(FIX, pattern)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});

describe('quiet', () => {
  it('check --quiet prints failures and the closing line only', async () => {
    const r = await cli(['check', f('pass'), f('fail/two-classes.json'), '--quiet']);
    expect(r.stdout).not.toContain('pass  ');
    expect(r.stdout).toContain('FAIL  ');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('3 passed, 1 failed');
  });
  it('a warning goes to stderr, and --quiet silences it', async () => {
    const loud = await cli(['--layers', '18', '--stride-in-1x1']);
    expect(loud.code).toBe(0);
    expect(loud.stderr).toMatch(/^warning: strideIn1x1 has no effect on basic blocks/);
    const quiet = await cli(['--layers', '18', '--stride-in-1x1', '--quiet']);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(loud.stdout);
  });
});

describe('the trace schema covers the optional objects', () => {
  it('validates documents with groups, fit, a symbolic batch and huge numbers', async () => {
    const validate = await validatorOf('trace');
    for (const args of [
      ['--depth', 'block', '--fit', '24GiB'],
      ['--input', 'N,3,97,61', '--depth', 'stage', '--dtype', 'bfloat16'],
      ['--input', '100000,3,4096,4096', '--optimizer', 'adam'],
    ]) {
      const doc = JSON.parse((await cli([...args, '--format', 'json'])).stdout);
      expect(validate(doc), `${args.join(' ')}: ${JSON.stringify(validate.errors?.slice(0, 2))}`).toBe(true);
    }
    const doc = JSON.parse((await cli(['--format', 'json'])).stdout);
    doc.memory.trainingPeakPhase = 'lunch';
    expect(validate(doc)).toBe(false);
  });
});

describe('memory budgets are exact at any size', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-budget-'));
  const check = async (budget: unknown) => {
    const file = join(dir, 'budget.json');
    writeFileSync(file, JSON.stringify({ extends: 'resnet50', input: [32, 3, 224, 224], expect: { maxTrainingMemory: budget } }));
    return cli(['check', file]);
  };
  it('a generous budget beyond 2^53 passes, written any way', async () => {
    for (const budget of ['99999999999999999999', '100000000TB', '9007199254740993']) expect((await check(budget)).code, budget).toBe(0);
  });
  it('a budget is compared to the byte: the peak itself passes, one byte less fails', async () => {
    const doc = JSON.parse((await cli(['--layers', '50', '--input', '32,3,224,224', '--format', 'json'])).stdout);
    const peak = BigInt(doc.memory.trainingPeak);
    expect((await check(peak.toString())).code).toBe(0);
    expect((await check((peak - 1n).toString())).code).toBe(1);
    // the same in a unit: peak bytes as KiB with a fraction, rounded down to the byte
    expect((await check(`${Number(peak) / 1024}KiB`)).code).toBe(0);
  });
  it('a budget below one byte is refused, naming the field', async () => {
    for (const budget of ['0', '0.1', '0.9B']) {
      const r = await check(budget);
      expect([r.code, r.stdout], budget).toEqual([2, '']);
      expect(r.stderr).toContain(`expect.maxTrainingMemory: expected a memory size of at least 1 byte, got ${JSON.stringify(budget)}`);
    }
  });
  it('a malformed size names the accepted forms, not a regular expression', async () => {
    const r = await check('24G');
    expect(r.stderr).toContain('expected bytes, or a size with a unit: B, KB, MB, GB, TB');
    expect(r.stderr).not.toContain('\\d');
    expect(r.stderr).not.toContain('[kmgt');
  });
});

describe('check reports the line of the problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-lines-'));
  it('invalid JSON: the line and column where the parser stopped', async () => {
    const text = '{\n  "extends": "resnet18",\n  "input": [1, 3, 224, 224],\n  "expect": {\n    "params": 1,\n    "output": [1, 1000],,\n  }\n}\n';
    writeFileSync(join(dir, 'bad.json'), text);
    const r = await cli(['check', join(dir, 'bad.json'), '--reporter', 'github']);
    // the second comma of line 6 is where a value was expected
    const column = text.split('\n')[5]!.indexOf(',,') + 2;
    expect(r.stdout).toContain(`line=6,title=resnet-shapes check%3A invalid file::invalid JSON at line 6, column ${column}: `);
  });
  it('an unknown field: the line of its key', async () => {
    writeFileSync(join(dir, 'unknown.json'), '{\n  "extends": "resnet18",\n  "input": [1, 3, 224, 224],\n  "expect": {},\n  "colour": true\n}\n');
    const r = await cli(['check', join(dir, 'unknown.json'), '--reporter', 'github']);
    expect(r.stdout).toContain(',line=5,');
  });
});

describe('extends may name a config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-extends-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'base.json'), '{"extends":"resnet50","classes":10}');
  writeFileSync(join(dir, 'sub', 'child.json'), '{"extends":"../base.json","widths":[32,64,128,256]}');
  it('relative to the file that extends it, followed to a preset', async () => {
    const doc = JSON.parse((await cli(['--config', join(dir, 'sub', 'child.json'), '--format', 'json'])).stdout);
    expect([doc.model.classes, doc.model.widths, doc.model.layers]).toEqual([10, [32, 64, 128, 256], [3, 4, 6, 3]]);
    writeFileSync(join(dir, 'check.json'), '{"extends":"sub/child.json","input":[2,3,64,64],"expect":{"output":[2,10]}}');
    expect((await cli(['check', join(dir, 'check.json')])).code).toBe(0);
  });
  it('a cycle is refused in one line', async () => {
    writeFileSync(join(dir, 'a.json'), '{"extends":"b.json"}');
    writeFileSync(join(dir, 'b.json'), '{"extends":"a.json"}');
    const r = await cli(['--config', join(dir, 'a.json')]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/extends: expected a chain of at most 16 files without a cycle, found a\.json again\n$/);
  });
});

describe('a misspelt field gets the nearest name', () => {
  it('a config file: an unknown field names the field it probably meant', () => {
    expect(() => configFromText('{"block": "basic", "layers": [2, 2], "width": [64, 128]}', 'my.json')).toThrow(
      'my.json: the file: unknown field "width" (did you mean "widths"?)',
    );
    expect(() => configFromText('{"extends": "resnet18", "stem": {"convs": [{"kernel": 3, "channels": 8}], "pol": "max"}}', 'my.json')).toThrow(
      'my.json: stem: unknown field "pol" (did you mean "pool"?)',
    );
    expect(() => configFromText('{"extends": "resnet18", "se": {"reducton": 16}}', 'my.json')).toThrow(/se: unknown field "reducton" \(did you mean "reduction"\?\)/);
  });
  it('a check file: an unknown field beside a missing one names both, at the unknown one', () => {
    const r = checkText('{\n  "extends": "resnet18",\n  "expcet": { "params": 11689512 }\n}', 'c.json');
    expect(r.status).toBe('invalid');
    expect(r.error).toEqual({ message: 'the file: unknown field "expcet" (did you mean "expect"?), and required field "expect" is missing', line: 3 });
  });
  it('extends: a preset name folds case and separators, and a near miss is suggested', () => {
    // torchvision's published ResNet-18 count
    expect(checkText('{"extends": "ResNet-18", "expect": {"params": 11689512}}', 'c.json').status).toBe('pass');
    expect(checkText('{"extends": "resnt18", "expect": {}}', 'c.json').error?.message).toMatch(/^extends: expected a preset name \(did you mean "resnet18"\? --list names every preset\)/);
  });
  it("a check file extending a preset takes the preset's input when it gives none", () => {
    // kuangliu's CIFAR ResNet-18 is traced at its own 1×3×32×32: a 10-class output
    expect(checkText('{"extends": "resnet18_cifar", "expect": {"output": [1, 10], "params": 11173962}}', 'c.json')).toMatchObject({ status: 'pass' });
    // and torchvision's at 1×3×224×224: the final map 7×7
    expect(checkText('{"extends": "resnet18", "expect": {"minFinalSpatial": 8}}', 'c.json').failures[0]).toMatchObject({ field: 'expect.minFinalSpatial', foundValue: [7, 7] });
  });
});

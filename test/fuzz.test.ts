// Bad input never crashes: random argv, config and check files -> exit 0, 1 or 2; an error is
// one line on stderr with nothing on stdout and no stack; no prototype is polluted.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, type Run } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-fuzz-'));
let serial = 0;
function file(content: string | Uint8Array): string {
  const path = join(dir, `f${serial++}.json`);
  writeFileSync(path, content);
  return path;
}

/** `check` reports on stdout, so an invalid file there is exit 2 with a report and no stderr. */
function expectCleanCheck(r: Run, what: string): void {
  expect([0, 1, 2], what).toContain(r.code);
  expect(r.stderr, what).not.toMatch(/\n\s+at |internal error/);
  for (const line of r.stderr.trimEnd().split('\n')) if (line) expect(line, what).toMatch(/^error: /);
}

function expectClean(r: Run, what: string): void {
  expect([0, 1, 2], what).toContain(r.code);
  expect(r.stderr, what).not.toMatch(/\n\s+at |internal error/);
  if (r.code === 2) {
    expect(r.stdout, what).toBe('');
    expect(r.stderr.trimEnd().split('\n'), what).toHaveLength(1);
    expect(r.stderr.trim().length, what).toBeGreaterThan(10);
  }
}

const protoKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');
const before = protoKeys();
afterAll(() => {
  expect(protoKeys()).toBe(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

const token = fc.oneof(
  fc.constantFrom(
    '--layers', '--arch', '--config', '--input', '--classes', '--format', '--stride-in-1x1', '--output-stride',
    '--dtype', '--optimizer', '--weight-decay', '--fit', '--mode', '--list', '--quiet', '--no-color', '-i', '-k',
    'check', 'diff', 'schema', 'config', 'trace', 'json', 'table', 'log', 'junit', 'resnet50', 'resnet18d',
    '50', '152', '0', '-1', '1e308', '2.5', 'N', '?', '1,3,224,224', '10,3,224', '1,4,224,224', '1,3,1,1',
    'N,3,64,64', '0,3,224,224', '99999999999,3,2,2', '8', '16', '24GiB', 'abc', '', ' ', '--', '-', '--help',
    '/nonexistent', '.', '__proto__', 'constructor', '\u0000', '💥',
  ),
  fc.string({ maxLength: 12 }),
);

describe('fuzzed argv', () => {
  it('exits 0, 1 or 2, one clean line for errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 7 }), async (argv) => {
        // keep traces small: huge batches with --fit are fine, huge spatial sizes are slow to print
        const r = await cli(argv);
        // `check` reports each invalid file on a line of its own
        if (argv.includes('check')) expectCleanCheck(r, JSON.stringify(argv));
        else expectClean(r, JSON.stringify(argv));
      }),
      { numRuns: 400 },
    );
  });
});

const valid = { block: 'bottleneck', layers: [1, 1, 1, 1], classes: 3 };
const nasty = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 60, -0, 0.5, -7, 'NaN', '', null, true, [], {}, [[]], '__proto__'),
  fc.jsonValue({ maxDepth: 3 }),
);
const fieldNames = fc.constantFrom(
  'block', 'layers', 'widths', 'groups', 'widthPerGroup', 'stem', 'stemWidth', 'downsample', 'strideIn1x1',
  'replaceStrideWithDilation', 'inChannels', 'classes', 'extends', 'input', 'expect', 'training', '__proto__',
  'constructor', 'prototype', 'toString', 'unknown',
);
const configValue = fc.oneof(
  fc.dictionary(fieldNames, nasty, { maxKeys: 6 }).map((d) => ({ ...valid, ...d })),
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ extends: fc.constantFrom('resnet50', 'resnet18', 'nope', '__proto__'), input: nasty, expect: nasty }),
);

describe('fuzzed config and check files', () => {
  it('--config never crashes', async () => {
    await fc.assert(
      fc.asyncProperty(configValue, async (value) => {
        const path = file(JSON.stringify(value));
        expectClean(await cli(['--config', path, '--input', '1,3,32,32', '--format', 'json']), JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('check never crashes and reports every file', async () => {
    await fc.assert(
      fc.asyncProperty(configValue, async (value) => {
        const path = file(JSON.stringify(value));
        const r = await cli(['check', path, '--reporter', 'json']);
        expectCleanCheck(r, JSON.stringify(value));
        expect(JSON.parse(r.stdout).files).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });

  it('raw __proto__ and constructor keys pollute nothing', async () => {
    for (const text of [
      '{"block": "basic", "layers": [1], "__proto__": {"polluted": 1}}',
      '{"extends": "resnet18", "constructor": {"prototype": {"polluted": 1}}}',
      '{"__proto__": {"block": "basic", "layers": [1]}}',
    ]) {
      const path = file(text);
      expectClean(await cli(['--config', path]), text);
      expectCleanCheck(await cli(['check', path]), text);
    }
  });

  it.each([
    ['a 10 MB file', () => file(`{"block": "basic", "layers": [1], "description": "${'x'.repeat(10_000_000)}"}`), /expected at most 1,048,576/],
    ['10 000-deep nesting', () => file(`${'['.repeat(10_000)}${']'.repeat(10_000)}`), /expected a JSON object/],
    ['invalid UTF-8', () => file(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), /not valid UTF-8/],
    ['an empty file', () => file(''), /file is empty/],
    ['a directory', () => {
      const d = join(dir, `d${serial++}`);
      mkdirSync(d);
      return d;
    }, /is a directory/],
    ['a missing file', () => join(dir, 'missing.json'), /no such file/],
    ['truncated JSON', () => file('{"block": "basic", "layers": [1'), /invalid JSON/],
    ['numbers beyond the limits', () => file('{"block": "basic", "layers": [1e308]}'), /layers\[0\]: expected a positive integer, got 1e\+308/],
    ['2^60 classes', () => file(`{"block": "basic", "layers": [1], "classes": ${2 ** 60}}`), /classes: expected .*got 1152921504606847000/],
  ])('%s: exit 2 naming the problem', async (_, make, message) => {
    const path = make();
    const r = await cli(['--config', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expectClean(r, String(path));
    const c = await cli(['check', path]);
    expect(c.code).toBe(2);
    // a folder is a set of check files to `check` (here none)
    expect(`${c.stdout}${c.stderr}`).toMatch(message.source.includes('directory') ? /no check files matched/ : message);
  });
});

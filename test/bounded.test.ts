// Smaller promises under hostile input: messages and reports stay short and well formed whatever
// the input holds, and an error is the run's only line.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bounded, echo, LINE_MAX } from '../src/format/common.js';
import { present } from '../src/web/present.js';
import { stateFromFragment } from '../src/web/state.js';
import { pythonFixed2 } from '../src/analysis/counts.js';
import { checkText, configFromText } from '../src/config-text.js';
import { cli } from './helpers/cli.js';

describe('bounded and well-formed messages', () => {
  it('78,000 unknown keys: one line naming three of them', () => {
    const keys = Object.fromEntries(Array.from({ length: 78_000 }, (_, i) => [`k${i}`, 1]));
    let message = '';
    try {
      configFromText(JSON.stringify({ extends: 'resnet18', ...keys }), 'c.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^c\.json: the file: unknown fields "k0", "k1", "k2" and 77997 more$/);
  });

  it('a 900,000-digit expectation is refused in a short line', () => {
    const r = checkText(`{"extends": "resnet18", "expect": {"params": "${'9'.repeat(900_000)}"}}`, 'c.json');
    expect(r.status).toBe('invalid');
    expect(r.error!.message.length).toBeLessThan(2000);
    expect(r.error!.message).toMatch(/expect\.params: expected a whole number of at most 100 digits/);
  });

  it('a JSON snippet holding a newline stays on the line, escaped', () => {
    let message = '';
    try {
      configFromText('{"block": "basic",\n "layers": [2, 2],\n "x": tru\ne}', 'c.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^c\.json: invalid JSON/);
    expect(message.includes('\n')).toBe(false);
    // the snippet V8 quotes is whole: its quotes close
    expect(message.split('"').length % 2).toBe(1);
  });

  it("a union field's wrong value is said in the field's own words, not zod's", () => {
    expect(() => configFromText('{"extends": "resnet18", "stem": 5}', 'c.json')).toThrow('c.json: stem: expected "standard", "deep", "cifar", "none" or { "convs": [...], "pool": "max" | "conv" | "pad-max" | "none" }, got 5');
  });

  it("torchinfo's sizes keep Python's digits past 10^21 (no exponent)", () => {
    // Python: f"{10**27 / 1e6:.2f}" prints the double 1e21's exact digits, '1000000000000000000000.00'
    expect(pythonFixed2(10n ** 27n)).toBe(`${BigInt(1e21)}.00`);
    expect(pythonFixed2(10n ** 27n)).not.toMatch(/e/);
    expect(pythonFixed2(1_500_000)).toBe('1.50');
  });

  it('an error is the only line: no warning before it', async () => {
    const r = await cli(['--columns', 'name', '--input', '1,3,0,224']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: /);
    // and on success the warning is still said
    expect((await cli(['--columns', 'name'])).stderr).toMatch(/^warning: --columns is ignored/);
  });
});

describe('diff --format json is written a row at a time', () => {
  it("the pieces make JSON.stringify's own text of the document", async () => {
    const r = await cli(['diff', 'resnet50', 'resnet50d', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.rows.length).toBeGreaterThan(10);
    expect(r.stdout).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    const same = await cli(['diff', 'resnet50', 'resnet50', '--format', 'json']);
    expect(same.stdout).toBe(`${JSON.stringify(JSON.parse(same.stdout), null, 2)}\n`);
    expect(JSON.parse(same.stdout).rows).toEqual([]);
  });

  it('any long value of any option, or a long word, is one error line of at most 2,000 characters', async () => {
    const flag = fc.constantFrom('--input', '--classes', '--layers', '--arch', '--fit', '--columns', '--weight-decay', '--output-stride', '--format', '--count', '--dtype', null);
    // a value past every bound: digits, letters, or text with controls and separators
    const long = fc.tuple(fc.constantFrom('9', 'x', '1,3,', '\u202e\x1b', ' ,'), fc.integer({ min: 2_001, max: 200_000 })).map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)));
    await fc.assert(
      fc.asyncProperty(flag, long, async (f, value) => {
        const r = await cli(f === null ? [value] : [f, value]);
        expect(r.code).toBe(2);
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        expect(lines).toHaveLength(1);
        expect(lines[0]!.length).toBeLessThanOrEqual(LINE_MAX);
        expect(lines[0]).toMatch(/^error: /);
      }),
      { numRuns: 40 },
    );
  });

  it("the page's sentence for a long value is bounded the same way", () => {
    for (const fragment of [`arch=resnet50&input=${'9'.repeat(100_000)}`, `arch=${'x'.repeat(100_000)}`, `arch=resnet50&view=memory&gpu=${'9'.repeat(100_000)}`]) {
      const p = present(stateFromFragment(fragment));
      expect(p.ok).toBe(false);
      if (!p.ok) expect(p.error.length).toBeLessThanOrEqual(LINE_MAX);
    }
  });

  it('echo and bounded: what they keep, by arithmetic', () => {
    expect(echo('a'.repeat(100))).toBe('a'.repeat(100));
    // 100 characters, then the count of all 5,000
    expect(echo('a'.repeat(5_000))).toBe(`${'a'.repeat(100)}… (5,000 characters)`);
    // 1,200 + 700 kept of 10,000: 8,100 cut
    const line = `${'a'.repeat(1_200)}${'b'.repeat(8_100)}${'c'.repeat(700)}`;
    expect(bounded(line)).toBe(`${'a'.repeat(1_200)} …(8,100 characters cut)… ${'c'.repeat(700)}`);
    expect(bounded(line).length).toBeLessThanOrEqual(LINE_MAX);
    // never between the halves of a surrogate pair
    const emoji = '\u{1F600}'.repeat(3_000);
    expect(bounded(emoji)).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });
});

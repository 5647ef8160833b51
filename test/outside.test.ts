// Strings from outside never reach a terminal or a CI log raw, and the exit code holds whatever
// happens to stdout: rules tested as rules (generated hostile names), and the process-level
// cases (a closed pipe, a full disk) on the built binary.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { walk, type Walked } from '../src/cli/check.js';
import { inert } from '../src/format/common.js';
import { FORMAT_NAMES } from '../src/format/formats.js';
import { cli } from './helpers/cli.js';
import { ROOT } from './helpers/model.js';

// what a terminal or a CI runner may act on: C0 (but the newline we print) and C1 controls, DEL,
// line and paragraph separators, bidi overrides
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const TMP = tmpdir();

const hostilePart = fc.oneof(
  fc.constantFrom('\n', '\r', '\x1b[2J', '\x1b]0;TITLE\x07', '::error file=x,line=1::INJECTED', '%0A', ']]>', '<', '&', '\u009b', '\u202e', '\u2028', '\t', '"', "'"),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);
const hostileName = fc.array(hostilePart, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('').replace(/[/\0]/g, '_'));

/**
 * No active character, and no line begun by a name: the injected workflow command never starts
 * a line, and the only `::` lines are the github reporter's own annotations (whose file
 * property holds the escaped name, after the folder's path).
 */
function assertInert(text: string, context: string): void {
  expect(ACTIVE.test(text), `${context}: ${JSON.stringify(text)}`).toBe(false);
  for (const line of text.split('\n')) {
    expect(line.trimStart().startsWith('::error file=x'), `${context}: ${line}`).toBe(false);
    if (line.startsWith('::')) expect(line.startsWith(`::error file=${TMP}`), `${context}: ${line}`).toBe(true);
  }
}

describe('inert', () => {
  it('leaves ordinary text alone and escapes every active character visibly', () => {
    expect(inert('layer1.0.conv1 résumé 名前')).toBe('layer1.0.conv1 résumé 名前');
    expect(inert('a\nb\r\x1b[2J\u202e')).toBe('a\\nb\\r\\x1b[2J\\u202e');
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => !ACTIVE.test(inert(s)) && !inert(s).includes('\n')));
  });
});

describe('hostile file names through every reporter and error path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-names-'));
  let n = 0;
  it('check (text, github, junit, json), trace errors, diff and dot stay inert, one diagnostic per line', async () => {
    await fc.assert(
      fc.asyncProperty(hostileName, fc.boolean(), async (name, valid) => {
        const sub = join(dir, String(n++));
        mkdirSync(sub);
        const file = join(sub, `${name}.json`);
        writeFileSync(file, valid ? '{"extends":"resnet18","input":[1,3,224,224],"expect":{"params":1}}' : '{"block":');
        for (const reporter of ['text', 'github', 'junit', 'json']) {
          const r = await cli(['check', sub, '--reporter', reporter]);
          expect(r.code, reporter).toBe(valid ? 1 : 2);
          assertInert(r.stdout, `check ${reporter} stdout`);
          assertInert(r.stderr, `check ${reporter} stderr`);
          if (reporter === 'github') {
            // one annotation per file and the closing line: a name never splits or starts a line
            expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
          }
        }
        const trace = await cli(['--config', file]);
        assertInert(trace.stderr, 'trace error');
        expect(trace.stderr.trimEnd().split('\n')).toHaveLength(1);
        const arch = await cli(['--arch', name]);
        assertInert(arch.stderr, 'unknown preset');
        expect(arch.stderr.trimEnd().split('\n')).toHaveLength(1);
        const input = await cli(['--input', `1,3,${name},4`]);
        assertInert(input.stderr, 'argument');
        expect(input.stderr.trimEnd().split('\n')).toHaveLength(1);
        if (valid) {
          const config = join(sub, `${name}.config.json`);
          writeFileSync(config, '{"extends":"resnet18"}');
          assertInert((await cli(['diff', config, 'resnet34'])).stdout, 'diff');
          // every format prints the model's name somewhere or nowhere: inert either way
          for (const format of FORMAT_NAMES) assertInert((await cli(['--config', config, '--format', format])).stdout, format);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('exit codes hold whatever happens to stdout', () => {
  const BIN = join(ROOT, 'bin', 'resnet-shapes.js');
  const run = (shell: string) => spawnSync('bash', ['-c', `set -o pipefail; ${shell}`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const failing = mkdtempSync(join(tmpdir(), 'resnet-shapes-failing-'));
  for (let i = 0; i < 300; i++) writeFileSync(join(failing, `f${i}.json`), '{"extends":"resnet18","input":[1,3,224,224],"expect":{"params":1}}');

  it('a closed pipe ends the output silently and keeps the earned code', () => {
    const check = run(`node ${BIN} check ${failing} | head -1 > /dev/null`);
    expect([check.status, check.stderr]).toEqual([1, '']);
    const checkTrue = run(`node ${BIN} check ${join(failing, 'f0.json')} | true`);
    expect(checkTrue.status).toBe(1);
    const trace = run(`node ${BIN} --layers 152 --format json | head -c 100 > /dev/null`);
    expect([trace.status, trace.stderr]).toEqual([0, '']);
  });

  it.skipIf(!existsSync('/dev/full'))('a write that fails (a full disk) is one line on stderr and exit 4, for every command', () => {
    for (const args of ['--layers 50', `check ${join(ROOT, 'configs', 'checks')}`, 'schema trace', '--help', '--version', 'diff resnet18 resnet34', '--list']) {
      const r = run(`node ${BIN} ${args} > /dev/full`);
      expect([r.status, r.stderr], args).toEqual([4, 'error: could not write the output: ENOSPC (no space left on device, write)\n']);
    }
  });
});

describe('reads and walks are bounded and go on past what they cannot read', () => {
  it.skipIf(!existsSync('/proc/self/pagemap'))('a file that reports size 0 and never ends is refused at the size limit', async () => {
    const r = await cli(['--config', '/proc/self/pagemap']);
    expect([r.code, r.stderr]).toEqual([2, 'error: /proc/self/pagemap: expected at most 1,048,576 bytes (a config or check file), found more\n']);
  });

  it('a link cycle is walked once; a folder of 130,000 entries does not overflow the stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-walk-'));
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'r18.json'), '{"extends":"resnet18","input":[1,3,224,224],"expect":{"output":[1,1000]}}');
    symlinkSync(dir, join(dir, 'a', 'loop'));
    const r = await cli(['check', dir]);
    expect([r.code, r.stdout]).toEqual([0, `pass  ${join(dir, 'a', 'r18.json')}\n1 passed, 0 failed\n`]);
    const big = join(dir, 'big');
    mkdirSync(big);
    for (let i = 0; i < 130_000; i++) writeFileSync(join(big, `${i}.txt`), '');
    const walked: Walked = { files: [], unreadable: [] };
    expect(walk(big, Infinity, walked)).toHaveLength(130_000);
  });

  it('a file whose name is not UTF-8 is found, read and shown with its bytes escaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-bytes-'));
    const name = Buffer.concat([Buffer.from('r18-'), Buffer.from([0xff, 0xfe]), Buffer.from('é.json')]);
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), name]), '{"extends":"resnet18","input":[1,3,224,224],"expect":{"output":[1,1000]}}');
    for (const arg of [dir, join(dir, '*.json')]) {
      const r = await cli(['check', arg]);
      expect([r.code, r.stdout, r.stderr], arg).toEqual([0, `pass  ${join(dir, 'r18-\\xff\\xfeé.json')}\n1 passed, 0 failed\n`, '']);
    }
  });

  it('a folder it cannot read is one diagnostic, counted as an error, and the rest is checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-denied-'));
    mkdirSync(join(dir, 'denied'));
    writeFileSync(join(dir, 'ok.json'), '{}');
    const denied = (path: string, options: { withFileTypes: true }) => {
      if (path.endsWith('denied')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return readdirSync(path, options);
    };
    const walked: Walked = { files: [], unreadable: [] };
    expect(walk(dir, Infinity, walked, denied as typeof readdirSync)).toEqual([join(dir, 'ok.json')]);
    expect(walked.unreadable).toEqual([{ path: join(dir, 'denied'), reason: 'cannot read the folder: permission denied' }]);
  });
});

// Golden CLI files: the command, its exit code, stdout and stderr in one file under
// test/golden/, run against the built binary with NO_COLOR=1. Regenerate on purpose with
// UPDATE_GOLDEN=1 npm test, then read the diff: the figures in them are checked against
// independent sources by the oracle tests, these files pin the text around them.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceHash } from '../scripts/source-hash.mjs';
import { sourceMapped } from '../src/cli/stack.js';
import { cli } from './helpers/cli.js';
import { ROOT } from './helpers/model.js';

const DIR = join(ROOT, 'test', 'golden');
const BIN = join(ROOT, 'bin', 'resnet-shapes.js');

interface Golden {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

function parse(text: string): Golden {
  const [head = '', ...rest] = text.split('\n--- stdout\n');
  const [stdout = '', stderr = ''] = rest.join('\n--- stdout\n').split('\n--- stderr\n');
  const [command = '', exit = ''] = head.split('\n');
  return {
    args: command.replace(/^\$ resnet-shapes ?/, '').split(' ').filter((a) => a !== ''),
    code: Number(exit.replace(/^exit /, '')),
    stdout,
    stderr,
  };
}

function render(g: Golden): string {
  return `$ resnet-shapes ${g.args.join(' ')}\nexit ${g.code}\n--- stdout\n${g.stdout}\n--- stderr\n${g.stderr}`;
}

function run(args: string[]): Golden {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
  });
  return { args, code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.txt'));

// they run the built binary: a dist/ built from other sources would test old code
const HASH_FILE = join(ROOT, 'dist', 'source-hash.txt');
const built = existsSync(HASH_FILE) ? readFileSync(HASH_FILE, 'utf8').trim() : 'none';
const current = sourceHash(ROOT);

describe('golden CLI files', () => {
  it.each(files)('%s', (file) => {
    expect(built, 'dist/ is stale or missing: run npm run build').toBe(current);
    const path = join(DIR, file);
    const expected = parse(readFileSync(path, 'utf8'));
    const actual = run(expected.args);
    if (process.env.UPDATE_GOLDEN) writeFileSync(path, render(actual));
    else expect(render(actual)).toBe(render(expected));
  });
});

describe('the binary', () => {
  it('runs an edited bundle, even an edit of the same length (no stale cache)', () => {
    // a copy of the package's runnable files, the version string in the bundle edited in place
    const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-bin-'));
    cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
    const bundle = join(dir, 'dist', 'cli.cjs');
    const run = () => spawnSync(process.execPath, [join(dir, 'bin', 'resnet-shapes.js'), '--version'], { encoding: 'utf8' }).stdout.trim();
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(run()).toBe(version);
    const edited = version.replace(/\d/g, '9');
    expect(edited.length).toBe(version.length);
    const text = readFileSync(bundle, 'utf8');
    expect(text.includes(`"${version}"`)).toBe(true);
    writeFileSync(bundle, text.replace(`"${version}"`, `"${edited}"`));
    expect(run()).toBe(edited);
  });

  it('lists the presets as the sources compute them: the figures the build carries are not a copy to keep in step', async () => {
    // in-process, the sources compute the figures (presetFigures); the binary prints the ones the
    // build computed; both formats, every preset, byte for byte
    expect(built, 'dist/ is stale or missing: run npm run build').toBe(current);
    for (const args of [['--list'], ['--list', '--format', 'json']]) {
      const computed = await cli(args);
      const printed = run(args);
      expect(printed.code).toBe(0);
      expect(computed.code).toBe(0);
      expect(printed.stdout).toBe(computed.stdout);
    }
    // and the bundle does carry it, as JSON text (torchvision's published 60,192,808 params for resnet152)
    const bundle = readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8');
    expect(bundle).toMatch(/"resnet152":\{"input":\[1,3,224,224\],"params":60192808,"macs":\d+\}/);
  });

  it('loads and initialises zod, and loads picomatch, the JSON Schemas and the ONNX writer, only for the commands that use them', () => {
    // a preload that reports, at exit, which of the package's bundles the process loaded and
    // whether zod initialised (its core sets globalThis.__zod_globalConfig when it first runs)
    const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-loaded-'));
    const preload = join(dir, 'loaded.cjs');
    writeFileSync(
      preload,
      String.raw`process.on('exit', () => {
        const bundles = Object.keys(require.cache).filter((f) => /[\\/]dist[\\/][^\\/]+\.cjs$/.test(f));
        process.stderr.write('loaded: ' + bundles.map((f) => f.split(/[\\/]/).pop()).sort().join(' ') + ('__zod_globalConfig' in globalThis ? ' +zod' : '') + '\n');
        process.stderr.write('builtins: ' + process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).join(',') + '\n');
      });`,
    );
    try {
      const report = (...args: string[]) => {
        const r = spawnSync(process.execPath, ['--require', preload, BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
        expect(r.status, r.stderr).toBe(0);
        return { bundles: /loaded: (.*)/.exec(r.stderr)![1]!.split(' '), builtins: /builtins: (.*)/.exec(r.stderr)![1]!.split(',') };
      };
      const loaded = (...args: string[]) => report(...args).bundles;
      const traced = report('--layers', '152', '--format', 'json');
      expect(traced.bundles).toEqual(['cli.cjs']);
      // node:module (source maps, the compile cache) is for the error path and Node 22, node:http for web: not loaded here
      expect(traced.builtins).toContain('NativeModule fs');
      expect(traced.builtins).not.toContain('NativeModule module');
      expect(traced.builtins).not.toContain('NativeModule http');
      // nor child_process (commander's, for executable subcommands: deferred by the build), which loads net and stream
      expect(traced.builtins).not.toContain('NativeModule child_process');
      expect(loaded('--layers', '18', '--format', 'table')).toEqual(['cli.cjs']);
      expect(loaded('diff', 'resnet18', 'resnet34')).toEqual(['cli.cjs']);
      const config = join(dir, 'c.json');
      writeFileSync(config, JSON.stringify({ extends: 'resnet18', classes: 10 }));
      // a file is checked by its schema: zod (a bundle of its own) loads and runs
      expect(loaded('--config', config)).toEqual(['cli.cjs', 'zod.cjs', '+zod']);
      expect(loaded('check', join(ROOT, 'configs', 'checks'))).toEqual(['cli.cjs', 'zod.cjs', '+zod']);
      expect(loaded('check', join(ROOT, 'configs', 'checks', '*.json'))).toEqual(['cli.cjs', 'picomatch.cjs', 'zod.cjs', '+zod']);
      expect(loaded('diff', config, 'resnet18')).toEqual(['cli.cjs', 'zod.cjs', '+zod']);
      expect(loaded('schema', 'config')).toEqual(['cli.cjs', 'documents.cjs']);
      // the ONNX writer (protobuf.js) only for --format onnx
      expect(loaded('--layers', '18', '--format', 'onnx', '--output', join(dir, 'r18.onnx'))).toEqual(['cli.cjs', 'onnx.cjs']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['cli.cjs', 'nodes at --depth', ['src', 'format', 'formats.ts']],
    ['cli.cjs', 'without a cycle, found', ['src', 'config-text.ts']],
  ])('maps an internal error in %s to the TypeScript source line through its source map', async (name, marker, sourcePath) => {
    // a frame at the bundle's position of a string from the source file
    const bundle = join(ROOT, 'dist', name);
    const text = readFileSync(bundle, 'utf8');
    const at = text.indexOf(marker);
    expect(at).toBeGreaterThan(0);
    const line = text.slice(0, at).split('\n').length;
    const column = at - text.lastIndexOf('\n', at - 1);
    const elsewhere = `    at g (${join(ROOT, 'bin', 'resnet-shapes.js')}:${line}:${column})`;
    const mapped = await sourceMapped(`Error: x\n    at f (${bundle}:${line}:${column})\n${elsewhere}`, join(ROOT, 'dist'));
    const source = readFileSync(join(ROOT, ...sourcePath), 'utf8').split('\n');
    const sourceLine = source.findIndex((l) => l.includes(marker)) + 1;
    expect(sourceLine).toBeGreaterThan(0);
    expect(mapped).toContain(`${join(ROOT, ...sourcePath)}:${sourceLine}:`);
    // a frame outside the bundles' folder is left as it is
    expect(mapped).toContain(elsewhere);
  });
});

describe('small things users reach for', () => {
  const BIN_PATH = join(ROOT, 'bin', 'resnet-shapes.js');
  it('--config - reads the config from standard input', () => {
    const r = spawnSync(process.execPath, [BIN_PATH, '--config', '-', '--format', 'json'], { input: '{"extends":"resnet18","classes":7}', encoding: 'utf8' });
    const doc = JSON.parse(r.stdout);
    // resnet18 less its 1000-way fc (512·1000 + 1000) plus a 7-way one (512·7 + 7)
    expect(doc.totals.params).toBe(11_689_512 - 513_000 + 3_591);
  });
});

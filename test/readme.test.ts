// The README says what the tool does: its TypeScript compiles against the built package (strict,
// node16 and bundler resolution), and the JSON example shows what the tool prints.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { ROOT } from './helpers/model.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('the README', () => {
  const snippets = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it('has TypeScript snippets', () => expect(snippets.length).toBeGreaterThan(0));

  it.each(['node16', 'bundler'])('every TypeScript snippet compiles (strict, moduleResolution %s)', (resolution) => {
    const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-readme-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'resnet-shapes'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    snippets.forEach((code, i) => writeFileSync(join(dir, `snippet${i}.ts`), code));
    const module = resolution === 'bundler' ? 'preserve' : 'node16';
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module, moduleResolution: resolution, types: [], skipLibCheck: false, lib: ['ES2023', 'DOM'] }, include: ['*.ts'] }),
    );
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it("the JSON example's rows are what the tool prints", async () => {
    const shown = /jq -c '\.layers\[0\], \.totals'\n(.*)\n(.*)\n/.exec(README)!;
    const doc = JSON.parse((await cli(['--layers', '50', '--format', 'json'])).stdout);
    expect(JSON.parse(shown[1]!)).toEqual(doc.layers[0]);
    expect(JSON.parse(shown[2]!)).toEqual(doc.totals);
  });

  // configs written from the README alone: the JSON block after a sentence, and the params it says
  it.each([
    ['A CIFAR ResNet-56, written from the fields above:', 853_018],
    ['An SE-ResNeXt-50, written by extending a preset:', 27_559_896],
    ["A pre-activation ResNet-18 for CIFAR (kuangliu's `PreActResNet18`), written from the fields above:", 11_171_146],
    ["Keras' ResNet50V2, written from the fields above", 25_568_360],
  ])('the config after "%s" traces the params the README states', (lead, params) => {
    const at = README.indexOf(lead);
    expect(at).toBeGreaterThan(0);
    const block = /```json\n([\s\S]*?)```\n\n(?:traces )?([\d,]+) params/.exec(README.slice(at))!;
    expect(Number(block[2]!.replace(/,/g, ''))).toBe(params);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'resnet-shapes.js'), '--config', '-', '--format', 'json'], { input: block[1], encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).totals.params).toBe(params);
  });
});

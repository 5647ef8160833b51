// The packed package, as `npm i <tarball>` gets it: no dependencies (everything it runs is
// bundled), no install-time script (its build ships built), and a CLI and web page that run.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/model.js';

describe('the packed package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

  it('has no dependencies and no install-time script; installed from the tarball, it runs without a warning', () => {
    // packed from a copy of what it is made of: `npm pack` rewrites package.json for a moment
    // (scripts/pack-manifest.mjs), which the other test files must not see
    const copy = join(dir, 'repository');
    for (const path of ['package.json', '.npmrc', 'README.md', 'LICENSE', 'bin', 'dist', 'configs', 'scripts/pack-manifest.mjs']) {
      cpSync(join(ROOT, path), join(copy, path), { recursive: true });
    }
    const [packed] = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', dir], { cwd: copy, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string; files: { path: string }[] }[];
    // pre-commit takes `npm pack`'s whole output as the tarball's name: it prints nothing else
    const plain = execFileSync(npm, ['pack', '--dry-run'], { cwd: copy, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(plain).toBe(`${packed!.filename}\n`);
    // the package.json packed from is back as it was
    expect(JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')).scripts.prepare).toBeDefined();
    const files = packed!.files.map((f) => f.path);
    expect(files).toContain('dist/cli.cjs');
    expect(files).toContain('dist/web/index.html');
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('scripts/'))).toBe(false);
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', join(dir, packed!.filename), 'package/package.json'], { encoding: 'utf8' })) as {
      dependencies?: unknown;
      scripts?: Record<string, string>;
    };
    expect(manifest.dependencies).toBeUndefined();
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(manifest.scripts?.[script], script).toBeUndefined();
    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    execFileSync(npm, ['init', '-y'], { cwd: app, stdio: 'ignore' });
    const install = spawnSync(npm, ['i', '--no-audit', '--no-fund', join(dir, packed!.filename)], { cwd: app, encoding: 'utf8' });
    expect(install.status).toBe(0);
    expect(install.stderr).not.toMatch(/install-scripts|warn/i);
    const run = spawnSync(process.execPath, [join(app, 'node_modules', 'resnet-shapes', 'bin', 'resnet-shapes.js'), '--layers', '152', '--format', 'json'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    // torchvision's published ResNet-152 count
    expect(JSON.parse(run.stdout).totals.params).toBe(60_192_808);

    // its types stand alone: the README's library snippet compiles under strict with only
    // typescript beside the package (no @types/node, no skipLibCheck), and a wrong type is refused
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const snippet = /## As a library\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    writeFileSync(join(app, 'snippet.ts'), snippet);
    writeFileSync(
      join(app, 'wrong.ts'),
      [
        "import { analyze, presetConfig, resolveConfig, type ModelConfig } from 'resnet-shapes';",
        "const config: ModelConfig = resolveConfig(presetConfig('resnet50')!, 'resnet50');",
        '// @ts-expect-error: a block kind that does not exist',
        "const wrong: ModelConfig = { ...config, block: 'triple' };",
        '// @ts-expect-error: an input is an array of numbers',
        "analyze(config, '1,3,224,224');",
        'export { wrong };',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'node16', moduleResolution: 'node16', types: [], skipLibCheck: false, lib: ['ES2023', 'DOM'] }, files: ['snippet.ts', 'wrong.ts'] }),
    );
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);
});

// The packed package, as `npm i <tarball>` gets it: no dependencies (everything it runs is
// bundled), no install-time script (its build ships built), and a CLI and web page that run.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/model.js';

describe('the packed package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-pack-'));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

  it('has no dependencies and no install-time script; installed from the tarball, it runs without a warning', () => {
    // packed from a copy of what it is made of: `npm pack` rewrites package.json for a moment
    // (scripts/pack-manifest.mjs), which the other test files must not see
    const copy = join(dir, 'repository');
    for (const path of ['package.json', 'README.md', 'LICENSE', 'bin', 'dist', 'configs', 'scripts/pack-manifest.mjs']) {
      cpSync(join(ROOT, path), join(copy, path), { recursive: true });
    }
    const [packed] = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', dir], { cwd: copy, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string; files: { path: string }[] }[];
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
  }, 120_000);
});

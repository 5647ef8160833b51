// Installed as users install it: the pre-commit hook under Debian's pre-commit, and the README's
// GitHub workflow steps (an install from a git URL, then `check`), run here from this repository's
// committed HEAD. Both need the npm registry (for the build's devDependencies); pre-commit is
// skipped with a notice where it is absent unless RESNET_SHAPES_PRECOMMIT=required (CI sets it).

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/model.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const HEAD = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
const work = mkdtempSync(join(tmpdir(), 'resnet-shapes-install-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hasPreCommit = spawnSync('pre-commit', ['--version']).status === 0;
if (!hasPreCommit && process.env['RESNET_SHAPES_PRECOMMIT'] === 'required') throw new Error('pre-commit is required here (apt-get install pre-commit; .ci/run does)');
if (!hasPreCommit) console.warn('install.test.ts: no pre-commit on PATH: the hook test is skipped (apt-get install pre-commit)');

/** A user's repository: a git repository with one check file, passing or not. */
function userRepository(name: string, params: number): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'checks'), { recursive: true });
  // torchvision's published ResNet-18 count, and one that is not it
  writeFileSync(join(dir, 'checks', 'resnet18.json'), JSON.stringify({ extends: 'resnet18', expect: { output: [1, 1000], params } }, null, 2));
  execFileSync('git', ['init', '-q'], { cwd: dir });
  return dir;
}

describe('installed as users install it', () => {
  it.skipIf(!hasPreCommit)('the pre-commit hook installs and runs under pre-commit: a passing check passes, a failing one fails', () => {
    const home = join(work, 'pre-commit-home');
    for (const [name, params, status] of [['passing', 11_689_512, 0], ['failing', 11_689_513, 1]] as const) {
      const repo = userRepository(name, params);
      writeFileSync(join(repo, '.pre-commit-config.yaml'), `repos:\n  - repo: ${ROOT}\n    rev: ${HEAD}\n    hooks:\n      - id: resnet-shapes-check\n`);
      execFileSync('git', ['add', '-A'], { cwd: repo });
      const r = spawnSync('pre-commit', ['run', '--all-files'], { cwd: repo, encoding: 'utf8', env: { ...process.env, PRE_COMMIT_HOME: home } });
      expect(r.stdout, r.stdout + r.stderr).toMatch(/resnet-shapes check\.+(Passed|Failed)/);
      expect(r.status, r.stdout + r.stderr).toBe(status);
      if (status === 1) expect(r.stdout).toContain('FAIL  checks/resnet18.json: expect.params: expected 11,689,513, got 11,689,512');
    }
  }, 300_000);

  it("the README's GitHub workflow steps pass, installing from a git URL", () => {
    const block = /```yaml\n# \.github\/workflows\/model-checks\.yml\n([\s\S]*?)```/.exec(README)![1]!;
    const steps = [...block.matchAll(/^\s*- run: (.*)$/gm)].map((m) => m[1]!);
    expect(steps.length).toBeGreaterThanOrEqual(2);
    // the repository's own URL, as the README writes it, is this repository's HEAD here
    const install = steps.find((s) => s.includes('git+https://'))!;
    expect(install).toMatch(/^npm install --no-save "git\+https:\/\/[^"]+"$/);
    const repo = userRepository('workflow', 11_689_512);
    mkdirSync(join(repo, 'configs'));
    cpSync(join(repo, 'checks'), join(repo, 'configs', 'checks'), { recursive: true });
    const outputs = steps.map((step) => {
      const command = step.replace(/"git\+https:\/\/[^"]+"/, `"git+file://${ROOT}#${HEAD}"`);
      const r = spawnSync('bash', ['-c', command], { cwd: repo, encoding: 'utf8' });
      expect(r.status, `${command}\n${r.stdout}${r.stderr}`).toBe(0);
      return r.stdout;
    });
    // installed and built from the repository (its prepare), then run: the check passed
    expect(existsSync(join(repo, 'node_modules', 'resnet-shapes', 'dist', 'cli.cjs'))).toBe(true);
    expect(outputs.at(-1)).toMatch(/^1 passed, 0 failed$/m);
  }, 300_000);
});

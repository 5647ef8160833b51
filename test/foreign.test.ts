// `check` and `extends` quote nothing of a file they reach through a link, or by an extends with
// an absolute or `..` path: such a file may be any file (a link to /proc/self/environ in a checked
// folder, an extends of a file outside the project), and a CI log is public.

import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const SECRET = 'SECRET_TOKEN_4f2a';

function tree(): { dir: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'resnet-shapes-foreign-'));
  const outside = join(base, 'outside');
  const dir = join(base, 'checks');
  mkdirSync(outside);
  mkdirSync(dir);
  writeFileSync(join(outside, 'env'), `${SECRET}=abc\nPATH=/usr/bin\n`);
  writeFileSync(join(outside, 'keys.json'), JSON.stringify({ [SECRET]: 'value', block: 'basic', layers: [2] }));
  return { dir, outside };
}

describe('nothing of a foreign file is quoted', () => {
  it('check: a *.json link in a checked folder, and a folder linked into it', async () => {
    const { dir, outside } = tree();
    symlinkSync(join(outside, 'env'), join(dir, 'leak.json'));
    symlinkSync(outside, join(dir, 'linked'));
    writeFileSync(join(outside, 'bad.json'), `{"${SECRET}": 1`);
    for (const reporter of ['text', 'github', 'json', 'junit']) {
      const r = await cli(['check', dir, '--reporter', reporter]);
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr, reporter).not.toContain(SECRET);
      expect(r.stdout + r.stderr, reporter).toContain('reached through a link: nothing of it is quoted');
    }
  });

  it('check: a file of the tree itself is still quoted where it is wrong', async () => {
    const { dir } = tree();
    writeFileSync(join(dir, 'own.json'), '{"extends": "resnet18", "expect": {}, "widht": 3}');
    const r = await cli(['check', dir]);
    expect(r.stderr).toContain('own.json: the file: unknown field "widht"');
  });

  it.each([
    ['an absolute path', (outside: string) => join(outside, 'keys.json')],
    ['a .. path', () => '../outside/keys.json'],
    ['a link', () => 'keys.json'],
  ])('extends by %s: the file is read, its mistakes are not quoted', async (_, name) => {
    const { dir, outside } = tree();
    symlinkSync(join(outside, 'keys.json'), join(dir, 'keys.json'));
    const config = join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({ extends: name(outside) }));
    const r = await cli(['--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).toMatch(/extends: .*keys\.json is not a valid config file \(an absolute or \.\. path, or a link: nothing of it is quoted\)\n$/);
  });
});

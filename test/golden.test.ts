// Golden CLI files: the command, its exit code, stdout and stderr in one file under
// test/golden/, run against the built binary with NO_COLOR=1. Regenerate on purpose with
// UPDATE_GOLDEN=1 npm test, then read the diff: the figures in them are checked against
// independent sources by the oracle tests, these files pin the text around them.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

describe('golden CLI files', () => {
  it.each(files)('%s', (file) => {
    const path = join(DIR, file);
    const expected = parse(readFileSync(path, 'utf8'));
    const actual = run(expected.args);
    if (process.env.UPDATE_GOLDEN) writeFileSync(path, render(actual));
    else expect(render(actual)).toBe(render(expected));
  });
});

// Runs the CLI in-process, capturing what it writes.

import { main } from '../../src/cli/main.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], env: Record<string, string> = {}, isTTY = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (s) => {
      stdout += s;
    },
    err: (s) => {
      stderr += s;
    },
    env: { NO_COLOR: '1', ...env },
    stdoutIsTTY: isTTY,
    // the test process's own standard input is not the CLI's: `--config -` reads an empty one
    stdin: () => Buffer.alloc(0),
  });
  return { code, stdout, stderr };
}

/** Text without its ANSI colour sequences. */
export const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

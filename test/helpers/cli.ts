// Runs the CLI in-process, capturing what it writes.

import { main } from '../../src/cli/main.js';

export interface Run {
  code: number;
  /** Standard output's text (a binary format's bytes are in `bytes`). */
  stdout: string;
  stderr: string;
  /** Standard output's bytes. */
  bytes: Buffer;
}

export async function cli(args: string[], env: Record<string, string> = {}, isTTY = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const chunks: Buffer[] = [];
  const code = await main(args, {
    out: (s) => {
      if (typeof s === 'string') stdout += s;
      chunks.push(Buffer.from(s));
    },
    err: (s) => {
      stderr += s;
    },
    env: { NO_COLOR: '1', ...env },
    stdoutIsTTY: isTTY,
    // the test process's own standard input is not the CLI's: `--config -` reads an empty one
    stdin: () => Buffer.alloc(0),
  });
  return { code, stdout, stderr, bytes: Buffer.concat(chunks) };
}

/** Text without its ANSI colour sequences. */
export const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

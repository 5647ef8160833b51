// The process entry: wires main() to the real file descriptors and sets the exit code.
//
// Output goes straight to fds 1 and 2 with synchronous writes: process.stdout would load
// Node's stream and socket modules (a pipe is a net.Socket), a visible share of a run that
// otherwise takes milliseconds. Whether stdout is a terminal is asked only when it is a
// character device other than /dev/null: files, pipes and sockets never are.

import { fstatSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { inert } from '../format/common.js';
import { EXIT } from './exit.js';
import { main } from './main.js';
import { sourceMapped } from './stack.js';

/**
 * A file descriptor to write to. A reader that went away (EPIPE, `| head`) ends the output
 * silently; any other failure (a full disk, an I/O error) is kept to be reported once. Either
 * way later writes are dropped, and the run's exit code is still what it earned.
 */
class Output {
  closed = false;
  failure: NodeJS.ErrnoException | null = null;
  private readonly wait = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly fd: number) {}

  /** Writes all of `text` (or bytes), waiting out EAGAIN on a non-blocking pipe. */
  readonly write = (text: string | Uint8Array): void => {
    // bytes are written as they are; a string as a string, with no copy to bytes
    let rest: Uint8Array | null = typeof text === 'string' ? null : text;
    while (!this.closed) {
      try {
        if (rest === null) {
          // the common case: one write takes the whole string
          const s = text as string;
          const n = writeSync(this.fd, s);
          if (n === Buffer.byteLength(s)) return;
          rest = Buffer.from(s, 'utf8').subarray(n);
        } else {
          rest = rest.subarray(writeSync(this.fd, rest));
          if (rest.length === 0) return;
        }
      } catch (e) {
        const error = e as NodeJS.ErrnoException;
        if (error.code === 'EAGAIN') {
          Atomics.wait(this.wait, 0, 0, 5);
          continue;
        }
        this.closed = true;
        if (error.code !== 'EPIPE') this.failure = error;
      }
    }
  };
}

function stdoutIsTTY(): boolean {
  try {
    const out = fstatSync(1);
    if (!out.isCharacterDevice()) return false;
    const devNull = statSync('/dev/null');
    if (out.rdev === devNull.rdev) return false;
  } catch {
    return false;
  }
  return process.stdout.isTTY === true;
}

async function start(): Promise<void> {
  const stdout = new Output(1);
  const stderr = new Output(2);
  let code: number = await main(process.argv.slice(2), {
    out: stdout.write,
    err: stderr.write,
    env: process.env,
    stdoutIsTTY: stdoutIsTTY(),
    stopped: () => stdout.closed,
    mapStack: (stack) => sourceMapped(stack, __dirname),
    webRoot: join(__dirname, 'web'),
  });
  if (stdout.failure) {
    const { code: errno, message } = stdout.failure;
    stderr.write(`error: could not write the output: ${errno ?? 'EIO'} (${inert(message.replace(/^\w+: /, ''))})\n`);
    code = EXIT.writeFailed;
  }
  process.exitCode = code;
  // Every write was synchronous, so everything is written: leave now rather than tear down a
  // heap that may hold a million-row trace.
  process.exit(code);
}

void start();

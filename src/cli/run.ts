// The process entry: wires main() to the real file descriptors and sets the exit code.
//
// Output goes straight to fds 1 and 2 with synchronous writes: process.stdout would load
// Node's stream and socket modules (a pipe is a net.Socket), a visible share of a run that
// otherwise takes milliseconds. Whether stdout is a terminal is asked only when it is a
// character device other than /dev/null: files, pipes and sockets never are.

import { fstatSync, statSync, writeSync } from 'node:fs';
import { EXIT } from './exit.js';
import { main } from './main.js';
import { sourceMapped } from './stack.js';

/** Writes all of `text` to `fd`, waiting out EAGAIN on a non-blocking pipe. */
function writer(fd: number): (text: string) => void {
  const wait = new Int32Array(new SharedArrayBuffer(4));
  return (text) => {
    let rest: Buffer | null = null;
    for (;;) {
      try {
        if (rest === null) {
          // the common case: one write takes the whole string
          const n = writeSync(fd, text);
          if (n === Buffer.byteLength(text)) return;
          rest = Buffer.from(text, 'utf8').subarray(n);
        } else {
          rest = rest.subarray(writeSync(fd, rest));
          if (rest.length === 0) return;
        }
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // the reader went away (`| head`): not an error, and nothing more to say
        if (code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
        if (code !== 'EAGAIN') throw e;
        Atomics.wait(wait, 0, 0, 5);
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
  const code = await main(process.argv.slice(2), {
    out: writer(1),
    err: writer(2),
    env: process.env,
    stdoutIsTTY: stdoutIsTTY(),
    mapStack: (stack) => sourceMapped(stack, __filename),
  });
  process.exitCode = code;
  // Every write was synchronous, so everything is written: leave now rather than tear down a
  // heap that may hold a million-row trace.
  process.exit(code);
}

void start();

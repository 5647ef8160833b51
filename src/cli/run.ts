// The process entry: wires main() to the real file descriptors and sets the exit code.
//
// Output goes straight to fds 1 and 2 with synchronous writes: process.stdout would load
// Node's stream and socket modules (a pipe is a net.Socket), a visible share of a run that
// otherwise takes milliseconds. Whether stdout is a terminal is asked only when it is a
// character device other than /dev/null: files, pipes and sockets never are.

import { fstatSync, statSync, writeSync } from 'node:fs';
import { EXIT } from './exit.js';
import { main } from './main.js';

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

/**
 * `npm run build` writes V8's code cache of this bundle from one process (see
 * bin/resnet-shapes.js); these runs first compile what the common commands use.
 */
const WARM_UP = [
  ['--layers', '152', '--input', '10,3,224,224', '--format', 'json'],
  ['--layers', '152', '--input', '10,3,224,224', '--format', 'table'],
  ['--layers', '152', '--input', '10,3,224,224', '--format', 'log'],
];

async function start(): Promise<void> {
  if (process.env.RESNET_SHAPES_WRITE_CACHE) {
    const sink = { out: () => {}, err: () => {}, env: {}, stdoutIsTTY: false };
    for (const argv of WARM_UP) await main(argv, sink);
  }
  const code = await main(process.argv.slice(2), {
    out: writer(1),
    err: writer(2),
    env: process.env,
    stdoutIsTTY: stdoutIsTTY(),
  });
  process.exitCode = code;
  // Every write was synchronous, so everything is written: leave now rather than wait for
  // V8's background compile jobs or tear down a heap that may hold a million-row trace.
  process.exit(code);
}

void start();

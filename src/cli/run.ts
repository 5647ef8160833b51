// The process entry: wires main() to the real streams and sets the exit code.

import { EXIT } from './exit.js';
import { main } from './main.js';

function write(stream: NodeJS.WriteStream): (chunk: string) => void {
  return (chunk) => {
    stream.write(chunk);
  };
}

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
  throw e;
});

main(process.argv.slice(2), {
  out: write(process.stdout),
  err: write(process.stderr),
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
}).then((code) => {
  process.exitCode = code;
  // A heap holding a huge trace takes seconds to tear down; stdout and stderr are synchronous
  // for files and pipes on POSIX, so everything is written and the process may leave at once.
  if (process.platform !== 'win32') process.exit(code);
});

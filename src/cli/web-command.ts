// `resnet-shapes web`: the built page (dist/web) served on 127.0.0.1, for people who prefer one
// command to opening a file. Static files only: the page computes everything itself.

import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { EXIT, UsageError, type ExitCode } from './exit.js';
import type { Io } from './io.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * The page's files by URL path (`/` is index.html): read once, so nothing else can be asked for.
 * Only regular files it can read are served: not a folder, a FIFO (reading one would wait
 * forever), a device or a link (whose target could be anything).
 */
function pageFiles(root: string): Map<string, { body: Buffer; type: string }> {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    throw new UsageError(`the web page is not built (no ${root}): run npm run build:web`);
  }
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of names) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))];
    if (!type) continue;
    try {
      const path = join(root, name);
      if (lstatSync(path).isFile()) files.set(`/${name}`, { body: readFileSync(path), type });
    } catch {
      // unreadable: not served
    }
  }
  const index = files.get('/index.html');
  if (!index) throw new UsageError(`the web page is not built (no readable index.html in ${root}): run npm run build:web`);
  files.set('/', index);
  return files;
}

export async function runWeb(port: number, io: Io): Promise<ExitCode> {
  const files = pageFiles(io.webRoot ?? 'dist/web');
  // node:http loads only for this command: a trace never pays for it
  const { createServer } = await import('node:http');
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split(/[?#]/)[0]!;
    const file = files.get(path);
    const headers = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
    } else if (!file) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found\n');
    } else {
      res.writeHead(200, { ...headers, 'Content-Type': file.type, 'Content-Length': file.body.length });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' || e.code === 'EACCES' ? new UsageError(`--port ${port}: ${e.code === 'EADDRINUSE' ? 'in use' : 'not allowed'}, expected a free port (0 picks one)`) : e),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  // the address on stdout (a script can read it), the rest on stderr
  io.out(`http://127.0.0.1:${bound}/\n`);
  io.err('serving the resnet-shapes page on 127.0.0.1 only; Ctrl-C stops\n');
  return new Promise<ExitCode>((resolve) => {
    // close every connection too, a client holding a half-sent request included (close alone
    // waits for it): the server stops at once
    const stop = () => {
      server.close(() => resolve(EXIT.ok));
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    io.serving?.(stop);
  });
}

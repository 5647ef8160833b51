// `resnet-shapes web` under hostile conditions: it serves only the regular files of its folder
// that it could read at start (not a folder, a FIFO, a link), and stops within 3 s of Ctrl-C
// even while a client holds a half-sent request.

import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { ROOT } from './helpers/model.js';

describe('resnet-shapes web', () => {
  it('serves the regular files it read at start: a folder, a FIFO, a dangling link and a link out are not served', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'resnet-shapes-webroot-')), 'web');
    cpSync(join(ROOT, 'dist', 'web'), root, { recursive: true });
    mkdirSync(join(root, 'folder.js'));
    execFileSync('mkfifo', [join(root, 'fifo.js')]);
    symlinkSync(join(root, 'nowhere'), join(root, 'dangling.js'));
    symlinkSync('/etc/hostname', join(root, 'secret.js'));
    let stop: () => void = () => {};
    let url = '';
    let err = '';
    const served = main(['web', '--port', '0'], {
      out: (s) => (url = String(s).trim()),
      err: (s) => (err += s),
      env: {},
      stdoutIsTTY: false,
      webRoot: root,
      serving: (s) => (stop = s),
    });
    // the server starts (reading a FIFO would have hung here)
    for (let i = 0; i < 200 && url === ''; i++) await new Promise((r) => setTimeout(r, 10));
    expect(url, err).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(url)).status).toBe(200);
    for (const name of ['folder.js', 'fifo.js', 'dangling.js', 'secret.js']) expect((await fetch(`${url}${name}`)).status, name).toBe(404);
    stop();
    expect(await served).toBe(0);
  });

  it('stops within 3 s of Ctrl-C while a client holds a half-sent request', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'resnet-shapes.js'), 'web'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const url = await new Promise<URL>((resolve) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(new URL(out.trim()));
      });
    });
    const socket = connect(Number(url.port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    socket.on('error', () => {});
    // the request line and a header, never the blank line that ends the headers
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((r) => setTimeout(r, 100));
    const start = Date.now();
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 3000))]);
    socket.destroy();
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(0);
    expect(Date.now() - start).toBeLessThan(3000);
  });
});

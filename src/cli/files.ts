// Reading the files users hand us: every failure becomes one UsageError line naming the file.

import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { groupDigits } from '../int.js';
import { echo } from '../format/common.js';
import { OutputError, UsageError } from './exit.js';

/** Config and check files are small; anything larger is refused before it is read. */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * The one buffer files and standard input are read through, their bytes copied out: a fresh
 * 64 KiB buffer per read would be fresh memory to fault in, for files of a few hundred bytes.
 */
let scratch: Buffer | undefined;
const readBuffer = (): Buffer => (scratch ??= Buffer.allocUnsafe(64 * 1024));

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Standard input's bytes, bounded like a file's. */
export function readStandardInput(): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buffer = readBuffer();
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // a non-blocking pipe with nothing in it yet: wait a little rather than spin
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 5);
        continue;
      }
      if (code === 'EOF') break;
      throw new UsageError(`standard input: ${describeError(e)}`);
    }
    if (n === 0) break;
    total += n;
    if (total > MAX_FILE_BYTES) throw new UsageError(`standard input: expected at most ${groupDigits(MAX_FILE_BYTES)} bytes (a config), found more`);
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks, total);
}

/**
 * A small regular file's bytes, or a UsageError naming the file and the problem. The size is
 * bounded as the file is read: a file may report size 0 and never end (/proc/self/pagemap).
 */
export function readFileBytes(bytesPath: string | Buffer, path = String(bytesPath)): Buffer {
  let fd: number;
  try {
    const st = statSync(bytesPath);
    if (st.isDirectory()) throw new UsageError(`${path}: is a directory, expected a JSON file`);
    if (!st.isFile()) throw new UsageError(`${path}: is not a regular file`);
    fd = openSync(bytesPath, 'r');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: ${describeError(e)}`);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = readBuffer();
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_FILE_BYTES) {
        throw new UsageError(`${path}: expected at most ${groupDigits(MAX_FILE_BYTES)} bytes (a config or check file), found more`);
      }
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: ${describeError(e)}`);
  } finally {
    closeSync(fd);
  }
}

/** `no such file`, `permission denied`, or `cannot read (CODE)`. */
export function describeError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot read (${code ?? String(e)})`;
}


export function decodeText(bytes: Uint8Array, path: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${path}: not valid UTF-8, expected a JSON file`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

/**
 * `--output FILE`: what a command writes, written to FILE instead of standard output. The file is
 * created when the first piece is ready (an error before it leaves no empty file behind); any
 * failure to create or write it is an OutputError naming it (exit 4).
 */
export class FileOutput {
  private fd: number | null = null;

  constructor(private readonly path: string) {}

  readonly out = (chunk: string | Uint8Array): void =>
    this.attempt((fd) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    });

  /** Closes the file (creating it, empty, when nothing was written). */
  close(): void {
    this.attempt(closeSync);
  }

  /** Runs `step` on the file, opened on first use; a failure is an OutputError naming the file. */
  private attempt(step: (fd: number) => void): void {
    try {
      step((this.fd ??= openSync(this.path, 'w')));
    } catch (e) {
      throw new OutputError(`could not write '${echo(this.path)}': ${describeWriteError(e)}`);
    }
  }
}

function describeWriteError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such folder';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  if (code === 'ENOSPC') return 'no space left on the device';
  return `cannot write (${code ?? String(e)})`;
}

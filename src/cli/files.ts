// Reading the files users hand us: every failure becomes one UsageError line naming the file.

import { readFileSync, statSync } from 'node:fs';
import { UsageError } from './exit.js';

/** Config and check files are small; anything larger is refused before it is read. */
export const MAX_FILE_BYTES = 1024 * 1024;

export function readJsonFile(path: string): unknown {
  return parseJsonText(readFileBytes(path), path);
}

/** A small regular file's bytes, or a UsageError naming the file and the problem. */
export function readFileBytes(path: string): Buffer {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError(`${path}: is a directory, expected a JSON file`);
    if (!st.isFile()) throw new UsageError(`${path}: is not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${path}: no such file`);
    if (code === 'EACCES') throw new UsageError(`${path}: permission denied`);
    throw new UsageError(`${path}: cannot read (${code ?? String(e)})`);
  }
  if (size > MAX_FILE_BYTES) {
    throw new UsageError(`${path}: file is ${size.toLocaleString('en-US')} bytes, expected at most ${MAX_FILE_BYTES.toLocaleString('en-US')} for a config`);
  }
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

export function parseJsonText(bytes: Uint8Array, path: string): unknown {
  return parseJson(decodeText(bytes, path), path);
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

export function parseJson(text: string, path: string): unknown {
  if (text.trim() === '') throw new UsageError(`${path}: file is empty, expected a JSON object`);
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof RangeError ? 'nested too deeply' : (e as Error).message.split('\n')[0];
    throw new UsageError(`${path}: invalid JSON: ${message}`);
  }
}

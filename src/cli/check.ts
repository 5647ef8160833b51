// `resnet-shapes check [files, folders or globs…]`: every file is checked and reported; the
// exit code is 2 if any file is invalid, else 1 if any expectation failed, else 0.

import { readdirSync, realpathSync, statSync } from 'node:fs';
import type Picomatch from 'picomatch';
import { join, relative, resolve, sep } from 'node:path';
import { checkText, invalid } from '../config-text.js';
import { REPORTERS, summarize, type CheckResult, type ReporterName } from '../format/report.js';
import { EXIT, UsageError, type ExitCode } from './exit.js';
import { decodeText, describeError, readFileBytes } from './files.js';
import type { Io } from './io.js';
import { readExtends } from './config-file.js';

/** What may make an argument a pattern; picomatch (loaded only then) says whether it is one. */
const MAYBE_GLOB = /[*?[\]{}()!+@]/;
type Matcher = typeof Picomatch;

/** What a walk found: the files, and the folders it could not read. */
export interface Walked {
  readonly files: string[];
  readonly unreadable: { readonly path: string; readonly reason: string }[];
}

/**
 * The files a glob matches, matched by picomatch (the matcher of fast-glob and tinyglobby) and
 * found by `walk`, which reports the folders it cannot read and ends link cycles.
 */
function expandGlob(picomatch: Matcher, pattern: string, into: Walked): string[] {
  const { base, glob } = picomatch.scan(pattern);
  const root = base === '' ? '.' : base;
  const matches = picomatch(glob, { dot: false });
  // a match lies as many folders down as the pattern has parts, unless `**` or a brace with a
  // slash (`{a,b/c}`) makes that vary
  const depth = glob.includes('**') || /\{[^}]*\/[^}]*\}/.test(glob) ? Infinity : glob.split('/').length;
  return walk(root, depth, into).filter((f) => matches(relative(root, f).split(sep).join('/')));
}

/**
 * The files `depth` folders down from `dir` (every file below it with Infinity), sorted. Folders
 * it cannot read are recorded in `into.unreadable`, and the walk goes on; folders behind symbolic
 * links are followed once each (by their real path), so a link cycle ends.
 */
export function walk(dir: string, depth: number, into: Walked, readdir = readdirSync): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  // whether the walk reached a folder through a link: what lies below it is outside the tree
  const pending: [string, number, boolean][] = [[dir, depth, false]];
  while (pending.length > 0) {
    const [folder, left, linked] = pending.pop()!;
    const folderBytes = RAW_PATHS.get(folder) ?? folder;
    try {
      const real = realpathSync(folderBytes, 'buffer').toString('latin1');
      if (seen.has(real)) continue;
      seen.add(real);
      // names as bytes: a name that is not UTF-8 (legal on Linux) is still found and read
      for (const entry of readdir(folderBytes, { withFileTypes: true, encoding: 'buffer' })) {
        const path = childPath(folder, folderBytes, entry.name);
        const bytes = RAW_PATHS.get(path) ?? path;
        let isDir = entry.isDirectory();
        if (entry.isSymbolicLink()) {
          try {
            isDir = statSync(bytes).isDirectory();
          } catch {
            // a dangling link: reported as a missing file if it is ever checked
          }
        }
        if (isDir) {
          if (left > 1) pending.push([path, left - 1, linked || entry.isSymbolicLink()]);
        } else if (left === 1 || left === Infinity) {
          out.push(path);
          if (linked || entry.isSymbolicLink()) FOREIGN.add(path);
        }
      }
    } catch (e) {
      into.unreadable.push({ path: folder, reason: `cannot read the folder: ${describeError(e)}` });
    }
  }
  return out.sort();
}

/**
 * Files a walk reached through a link (the file is one, or a folder above it): they may lie
 * anywhere, so nothing of their content is quoted in a report (a link to /proc/self/environ in a
 * checked folder must not print the runner's environment into a CI log).
 */
const FOREIGN = new Set<string>();

/**
 * Paths whose names are not UTF-8, by the text they are shown as (each byte that is not part of
 * a UTF-8 character as `\xNN`): the file is read by its bytes.
 */
const RAW_PATHS = new Map<string, Buffer>();

/** A folder's entry as a path: text for UTF-8 names (as before), else its shown text, registered. */
function childPath(folder: string, folderBytes: string | Buffer, name: Buffer): string {
  const text = name.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(name) && typeof folderBytes === 'string') return join(folder, text);
  const bytes = Buffer.concat([Buffer.from(folderBytes), Buffer.from(sep), name]);
  const shown = join(folder, shownName(name));
  RAW_PATHS.set(shown, bytes);
  return shown;
}

/** A name's bytes as text: UTF-8 characters as they are, any other byte as `\xNN`. */
function shownName(bytes: Buffer): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
    try {
      if (length === 0 || i + length > bytes.length) throw new Error('not UTF-8');
      out += decoder.decode(bytes.subarray(i, i + length));
      i += length;
    } catch {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}

/** Files, folders (their `*.json`, recursively) and globs -> the files to check, in order. */
export function expandPaths(args: readonly string[], picomatch: Matcher | null): Walked {
  const seen = new Set<string>();
  const walked: Walked = { files: [], unreadable: [] };
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      walked.files.push(f);
    }
  };
  for (const arg of args) {
    if (arg.trim() === '') continue;
    let isDir = false;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      // missing: a glob, or a file reported as unreadable
    }
    if (isDir) for (const f of walk(arg, Infinity, walked)) f.endsWith('.json') && add(f);
    // a pattern (`*`, `?`, `[ab]`, `{a,b}`, `**`: picomatch's syntax), else a path
    else if (picomatch?.scan(arg).isGlob) for (const f of expandGlob(picomatch, arg, walked)) add(f);
    else add(arg);
  }
  return walked;
}


/** Checks one file (the core's checkText on its text); never throws for anything the file contains. */
export function checkFile(file: string): CheckResult {
  let text: string;
  try {
    text = decodeText(readFileBytes(RAW_PATHS.get(file) ?? file, file), file);
  } catch (e) {
    if (e instanceof UsageError) return invalid(file, e.message.replace(`${file}: `, ''));
    throw e;
  }
  const result = checkText(text, file, readExtends, resolve(file));
  if (result.status !== 'invalid' || !FOREIGN.has(file)) return result;
  return invalid(file, `not a valid check file (reached through a link: nothing of it is quoted)`, result.error?.line ?? 1);
}

export async function runCheck(paths: readonly string[], reporter: ReporterName, io: Io, quiet = false): Promise<ExitCode> {
  // picomatch is its own bundle, loaded when an argument may be a pattern
  const picomatch = paths.some((p) => MAYBE_GLOB.test(p)) ? (await import('picomatch')).default : null;
  const { files, unreadable } = expandPaths(paths, picomatch);
  if (files.length === 0 && unreadable.length === 0) throw new UsageError(`no check files matched ${paths.join(' ')}`);
  // a folder that could not be read is an error: CI must not pass over checks it never saw
  const results: CheckResult[] = unreadable.map((u) => invalid(u.path, u.reason));
  for (const file of files) results.push(checkFile(file));
  const report = REPORTERS[reporter](results, { quiet });
  if (report.stdout) io.out(report.stdout);
  if (report.stderr) io.err(report.stderr);
  const s = summarize(results);
  return s.invalid > 0 ? EXIT.usage : s.failed > 0 ? EXIT.checkFailed : EXIT.ok;
}

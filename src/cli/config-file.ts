// Reading config files from disk: the file itself, and the files its `extends` names, through
// the core's one path from text to config (src/config-text.ts).

import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { configFromText, type ReadExtends } from '../config-text.js';
import type { ConfigInput } from '../network/config.js';
import { decodeText, readFileBytes, readStandardInput } from './files.js';

/** Reads a file an `extends` names, relative to the file naming it (to the working folder from standard input). */
export const readExtends: ReadExtends = (name, from) => {
  const folder = from === 'standard input' ? process.cwd() : dirname(resolve(from));
  const path = resolve(folder, name);
  // an absolute or `..` path, or a link on the way, may reach any file: its mistakes quote nothing
  let linked = false;
  try {
    linked = realpathSync(path) !== join(realpathSync(folder), relative(folder, path));
  } catch {
    // missing: readFileBytes says so
  }
  const foreign = isAbsolute(name) || name.split(/[\\/]/).includes('..') || linked;
  return { text: decodeText(readFileBytes(path), path), source: path, foreign };
};

/** A config file (standard input for `-`), checked and merged over what it extends. */
export function loadConfigFile(path: string, stdin: () => Buffer = readStandardInput): ConfigInput {
  const source = path === '-' ? 'standard input' : path;
  const bytes = path === '-' ? stdin() : readFileBytes(path);
  return configFromText(decodeText(bytes, source), source, readExtends, path === '-' ? source : resolve(path));
}

// Reading a config file: its JSON, checked by the config schema, merged over the preset or the
// file it extends. Reached by a dynamic import (from model.ts and check.ts), so a command line
// that names no file never loads the schemas.

import { dirname, resolve } from 'node:path';
import type { ConfigInput } from '../network/config.js';
import { mergeExtends, overlay, type ConfigFile } from '../network/presets.js';
import { validConfigFile } from '../request.js';
import * as schemas from '../schemas/index.js';
import { UsageError } from './exit.js';
import { readJsonFile } from './files.js';

/** A parsed JSON value validated as a config file (not yet merged). */
function validConfig(value: unknown, source: string): ConfigFile {
  return validConfigFile(value, source, schemas);
}

/** Validates a parsed JSON value as a config and merges it over what it extends. */
export async function configFromValue(value: unknown, source: string): Promise<ConfigInput> {
  return mergeConfigFile(validConfig(value, source), source);
}

/** How many config files may extend one another in a chain. */
const MAX_EXTENDS = 16;

/**
 * A file's fields over what it extends: a preset, or a config file named relative to the file
 * (read and checked as `--config` reads one), followed to the end of the chain.
 */
export async function mergeConfigFile(file: ConfigFile, source: string, chain: readonly string[] = []): Promise<ConfigInput> {
  const base = file.extends;
  if (base === undefined || !/\.json$/i.test(base)) return mergeExtends(file);
  const fromStdin = source === 'standard input';
  const path = resolve(fromStdin ? process.cwd() : dirname(resolve(source)), base);
  const seen = chain.length === 0 && !fromStdin ? [resolve(source)] : chain;
  if (seen.includes(path) || seen.length >= MAX_EXTENDS) {
    throw new UsageError(`${source}: extends: expected a chain of at most ${MAX_EXTENDS} files without a cycle, found ${base} again`);
  }
  const parent = await mergeConfigFile(validConfig(readJsonFile(path), path), path, [...seen, path]);
  return overlay(parent, file);
}

export async function loadConfigFile(path: string, stdin?: () => Buffer): Promise<ConfigInput> {
  // standard input is named as its read errors name it, and its extends resolve from the cwd
  return configFromValue(readJsonFile(path, stdin), path === '-' ? 'standard input' : path);
}

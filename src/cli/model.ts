// Which network: a preset (`--arch`, `--layers`), a config file (`--config`), then the flags
// that override the file's fields.

import { basename, dirname, resolve } from 'node:path';
import {
  checkConfig,
  dilationForOutputStride,
  resolveConfig,
  type ConfigInput,
} from '../network/config.js';
import { mergeExtends, overlay, PRESET_NAMES, presetConfig, type ConfigFile } from '../network/presets.js';
import { analyze, type Analysis, type AnalysisOptions } from '../analysis/analyze.js';
import { formatIssue, shapeText } from '../format/common.js';
import type { ModelConfig, Shape } from '../types.js';
import { UsageError } from './exit.js';
import { readJsonFile } from './files.js';

export interface ModelOptions {
  readonly arch?: string | undefined;
  readonly layers?: number | undefined;
  readonly config?: string | undefined;
  readonly classes?: number | undefined;
  readonly strideIn1x1?: boolean | undefined;
  readonly outputStride?: number | undefined;
}

export function presetInput(name: string): ConfigInput {
  const preset = presetConfig(name);
  if (!preset) {
    throw new UsageError(`unknown architecture '${name}': expected one of ${PRESET_NAMES.join(', ')} (see --list)`);
  }
  return preset;
}

/** A parsed JSON value validated as a config file (not yet merged); the first problem names its field path. */
async function validConfigFile(value: unknown, source: string): Promise<ConfigFile> {
  const { configSchema, formatZodIssue } = await import('../schemas/index.js');
  const parsed = configSchema().safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const [first] = parsed.error.issues;
    const more = parsed.error.issues.length - 1;
    throw new UsageError(`${source}: ${formatZodIssue(first!)}${more > 0 ? ` (and ${more} more)` : ''}`);
  }
  return parsed.data;
}

/** Validates a parsed JSON value as a config and merges it over what it extends. */
export async function configFromValue(value: unknown, source: string): Promise<ConfigInput> {
  return mergeConfigFile(await validConfigFile(value, source), source);
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
  const parent = await mergeConfigFile(await validConfigFile(readJsonFile(path), path), path, [...seen, path]);
  return overlay(parent, file);
}

/** The input a model is traced at without --input: its own, else 1×C×224×224 with its channels. */
export function defaultInput(config: ModelConfig): InputArg {
  return { shape: config.input ? [...config.input] : [1, config.inChannels, 224, 224], symbolicBatch: false };
}

export async function loadConfigFile(path: string): Promise<ConfigInput> {
  return configFromValue(readJsonFile(path), path);
}

/** Applies the overriding flags, resolves defaults and checks the rules across fields. */
export function finishConfig(input: ConfigInput, name: string, o: ModelOptions, source: string): ModelConfig {
  let config = resolveConfig(input, name);
  config = {
    ...config,
    classes: o.classes ?? config.classes,
    strideIn1x1: o.strideIn1x1 ?? config.strideIn1x1,
    replaceStrideWithDilation:
      o.outputStride !== undefined
        ? dilationForOutputStride(o.outputStride, config.layers.length)
        : config.replaceStrideWithDilation,
  };
  const [problem] = checkConfig(config);
  if (problem) {
    const flag =
      problem.path === 'replaceStrideWithDilation' && o.outputStride !== undefined
        ? `--output-stride ${o.outputStride}`
        : source;
    throw new UsageError(`${flag}: ${formatIssue(problem)}`);
  }
  return config;
}

export async function resolveModel(o: ModelOptions): Promise<ModelConfig> {
  const given = [o.arch && '--arch', o.layers !== undefined && '--layers', o.config && '--config'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} both name a model: give one of them`);
  if (o.config !== undefined) {
    if (o.config.trim() === '') throw new UsageError('--config: expected a file name, found an empty one');
    const input = await loadConfigFile(o.config);
    const name = o.config === '-' ? 'stdin' : basename(o.config).replace(/\.json$/i, '');
    return finishConfig(input, name, o, o.config === '-' ? 'standard input' : o.config);
  }
  const name = o.arch ?? `resnet${o.layers ?? 50}`;
  return finishConfig(presetInput(name), name, o, name);
}

export interface InputArg {
  /** With a symbolic batch, dimension 0 is 1 and `symbolicBatch` is true. */
  readonly shape: Shape;
  readonly symbolicBatch: boolean;
}

/** The analysis of a model at an input, or a UsageError saying why the model cannot take it. */
export function analyzeModel(config: ModelConfig, input: InputArg, options: Omit<AnalysisOptions, 'symbolicBatch'> = {}): Analysis {
  const result = analyze(config, input.shape, { ...options, symbolicBatch: input.symbolicBatch });
  if (!result.ok) {
    throw new UsageError(`${formatIssue(result.issue)} (input ${shapeText(input.shape, input.symbolicBatch)}, model ${config.name})`);
  }
  return result.analysis;
}

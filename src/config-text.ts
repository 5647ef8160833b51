// A config file's or a check file's text -> what it describes, for the CLI and the page alike.
// Pure: a file that an `extends` names is read through the `read` function the caller gives (the
// CLI reads it from disk, the page reads none), so the rules (the schema, the chain, where each
// mistake is) are one piece of code.

import { analyze, type Analysis } from './analysis/analyze.js';
import { evaluateExpectations, type Expectations } from './analysis/expect.js';
import { modeBytes } from './analysis/fit.js';
import { InputError } from './errors.js';
import { formatIssue } from './format/common.js';
import type { CheckResult } from './format/report.js';
import { toInt, type Int } from './int.js';
import { mergeExtends, overlay, type ConfigFile } from './network/presets.js';
import { channelsLastHint, defaultInput, finishConfig, JsonSyntaxError, parseByteSize, parseJson } from './request.js';
import { checkSchema, configSchema, describeIssues, fieldPath } from './schemas/index.js';
import { lineOf, locateFields } from './schemas/locate.js';
import type { ConfigInput } from './types.js';

/**
 * Reads the file an `extends` names, relative to the file `from`: its text, the name its
 * mistakes start with, and whether it is foreign (reached by an absolute or `..` path or through
 * a link: it may be any file, so no mistake of it quotes its content). Throws an InputError when
 * it cannot (or may not) be read.
 */
export type ReadExtends = (name: string, from: string) => { readonly text: string; readonly source: string; readonly foreign?: boolean };

/** How many config files may extend one another in a chain. */
export const MAX_EXTENDS = 16;

const namesFile = (base: string | undefined): base is string => base !== undefined && /\.json$/i.test(base);

/** A parsed JSON value validated as a config file (not yet merged); the first problem names its field path. */
export function validConfigFile(value: unknown, source: string): ConfigFile {
  const schema = configSchema();
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new InputError(`${source}: ${describeIssues(parsed.error.issues, schema).message}`);
  return parsed.data;
}

/** A file's fields over what it extends: a preset, or a config file `read` reads, to the end of the chain. */
export function mergeConfigFile(file: ConfigFile, source: string, read?: ReadExtends, chain: readonly string[] = []): ConfigInput {
  const base = file.extends;
  if (!namesFile(base)) return mergeExtends(file);
  if (!read) throw new InputError(`${source}: extends: names a file (${base}): nothing here reads files; paste its fields, or extend a preset`);
  const parent = read(base, source);
  if (chain.includes(parent.source) || chain.length >= MAX_EXTENDS) {
    throw new InputError(`${source}: extends: expected a chain of at most ${MAX_EXTENDS} files without a cycle, found ${base} again`);
  }
  let merged: ConfigInput;
  try {
    merged = mergeConfigFile(validConfigFile(parseJson(parent.text, parent.source), parent.source), parent.source, read, [...chain, parent.source]);
  } catch (e) {
    if (parent.foreign && e instanceof InputError) {
      throw new InputError(`${source}: extends: ${base} is not a valid config file (an absolute or .. path, or a link: nothing of it is quoted)`);
    }
    throw e;
  }
  return overlay(merged, file);
}

/**
 * A config file's text, checked and merged over what it extends. `id` is the file as `read` names
 * the files it reads (its resolved path), so a chain that comes back to it is seen as a cycle.
 */
export function configFromText(text: string, source: string, read?: ReadExtends, id = source): ConfigInput {
  return mergeConfigFile(validConfigFile(parseJson(text, source), source), source, read, [id]);
}

/** The line of the config text a sentence about it points at (`source: layers[1]: expected …`), else 1. */
export function configLineOf(text: string, source: string, sentence: string): number {
  if (!sentence.startsWith(`${source}: `)) return 1;
  const path = /^([A-Za-z$][\w$]*(?:\[\d+\]|\.[A-Za-z$][\w$]*)*):/.exec(sentence.slice(source.length + 2))?.[1];
  return path ? lineOf(locateFields(text), path) : 1;
}

/** The result of a check file that is not one: the sentence and the line it points at. */
export function invalid(file: string, message: string, line = 1): CheckResult {
  return { file, status: 'invalid', failures: [], error: { message, line } };
}

/** A size the schema already accepted (bytes, or a string with a unit), exact. */
const byteSize = (x: number | string): Int => (typeof x === 'number' ? x : (parseByteSize(x) ?? 0));
const intOf = (x: number | string | undefined): Int | undefined => (x === undefined ? undefined : toInt(x));
const intsOf = (o: Readonly<Record<string, number | string | undefined>> | undefined): Record<string, Int> | undefined =>
  o && Object.fromEntries(Object.entries(o).flatMap(([k, v]) => (v === undefined ? [] : [[k, toInt(v)]])));

/**
 * A check file's text -> its result: invalid (with the line of the mistake), failed (each failure
 * with its line) or passed. `file` names it in messages. Never throws for anything the text holds.
 */
export function checkText(text: string, file: string, read?: ReadExtends, id = file): CheckResult {
  let value: unknown;
  try {
    value = parseJson(text, file);
  } catch (e) {
    if (e instanceof InputError) return invalid(file, e.message.replace(`${file}: `, ''), e instanceof JsonSyntaxError ? e.line : 1);
    throw e;
  }
  // where each field is, worked out only when a message points at one
  let located: Map<string, number> | undefined;
  const lineAt = (path: string): number => lineOf((located ??= locateFields(text)), path);
  const schema = checkSchema();
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    // an unknown field is found at its own key
    const { message, path } = describeIssues(parsed.error.issues, schema);
    return invalid(file, message, lineAt(fieldPath(path)));
  }
  const { input: given, expect, training, ...fields } = parsed.data;
  let analysis: Analysis;
  let input: readonly (number | 'N')[];
  try {
    const name = file.replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
    const config = finishConfig(mergeConfigFile(fields, file, read, [id]), name, {}, file);
    // without an input of its own, the model's: a preset's, or its config's default
    input = given ?? defaultInput(config).shape;
    const symbolicBatch = input[0] === 'N';
    const shape = input.map((d, i) => (i === 0 && symbolicBatch ? 1 : (d as number)));
    const memory = { dtype: training?.dtype ?? 'float32', optimizer: training?.optimizer ?? 'momentum', weightDecay: training?.weightDecay ?? 0 } as const;
    const result = analyze(config, shape, { symbolicBatch, memory });
    if (!result.ok) {
      const hint = channelsLastHint(result.issue, config, shape);
      return invalid(file, `the model cannot take its input [${input.join(', ')}]: ${formatIssue(result.issue)}${hint && ` (${hint})`}`, lineAt(given ? 'input' : 'extends'));
    }
    analysis = result.analysis;
  } catch (e) {
    if (e instanceof InputError) return invalid(file, e.message.replace(`${file}: `, ''));
    throw e;
  }
  // a budget below one byte (`"0"`, `"0.1"`) would fail every model: say so instead
  for (const field of ['maxTrainingMemory', 'maxInferenceMemory'] as const) {
    const budget = expect[field];
    if (budget !== undefined && byteSize(budget) === 0) {
      return invalid(file, `expect.${field}: expected a memory size of at least 1 byte, got ${JSON.stringify(budget)}`, lineAt(`expect.${field}`));
    }
  }
  const expectations: Expectations = {
    output: expect.output,
    params: intOf(expect.params),
    macs: intOf(expect.macs),
    maxParams: intOf(expect.maxParams),
    maxMacs: intOf(expect.maxMacs),
    minFinalSpatial: expect.minFinalSpatial,
    maxTrainingMemory: expect.maxTrainingMemory === undefined ? undefined : byteSize(expect.maxTrainingMemory),
    maxInferenceMemory: expect.maxInferenceMemory === undefined ? undefined : byteSize(expect.maxInferenceMemory),
    counts: intsOf(expect.counts),
    paramCounts: intsOf(expect.paramCounts),
  };
  const budgeted = expectations.maxTrainingMemory !== undefined || expectations.maxInferenceMemory !== undefined;
  const measured = {
    ...(budgeted ? { trainingBytes: modeBytes(analysis.memory, 'train'), inferenceBytes: modeBytes(analysis.memory, 'infer') } : {}),
    ...(expectations.counts ? { counts: analysis.counts } : {}),
  };
  const failures = evaluateExpectations(analysis.trace, expectations, measured).map((f) => ({ ...f, line: lineAt(f.field) }));
  return { file, status: failures.length > 0 ? 'fail' : 'pass', failures };
}

// What a user asks for, as typed: a preset or a config, an input, a number of classes. The CLI
// and the web page read them with these functions, so a mistake is the same sentence in both
// (the CLI prints it after `error: `; the page shows it in its error line). Pure: the CLI reads
// files and standard input itself and hands the text over.

import { echo, formatIssue, shapeText } from './format/common.js';
import { analyze, sampledTotals, type Analysis, type AnalysisOptions } from './analysis/analyze.js';
import { InputError } from './errors.js';
import { groupDigits, toInt, type Int } from './int.js';
import { checkRules, dilationForOutputStride, isImageNetwork, LIMITS, modelInput, resolveConfig, type ConfigInput } from './network/config.js';
import { PRESET_NAMES, presetConfig } from './network/presets.js';
import { nearest } from './nearest.js';
import { AXIS_NAMES, failing, smallestSquare, symbolicTrace, validSizes, type Sides } from './analysis/sizes.js';
import { expandResNet } from './network/expand.js';
import { inputDimensionName } from './analysis/kinds.js';
import { spans } from './format/sizes.js';
import type { ModelConfig, Shape, ShapeIssue } from './types.js';

/** The CLI's option flags: main.ts declares them, and commander quotes them in a sentence about a bad value. */
export const OPTION_FLAGS = {
  input: '-i, --input <N,C,H,W>',
  classes: '-k, --classes <n>',
} as const;

/** The sentence about a bad option value, worded as commander words it for the CLI. */
export function optionSentence(flags: string, value: string, reason: string): string {
  return `option '${flags}' argument '${echo(value)}' is invalid. ${reason}`;
}

export interface InputArg {
  /** With a symbolic batch, dimension 0 is 1 and `symbolicBatch` is true. */
  readonly shape: Shape;
  readonly symbolicBatch: boolean;
  /** Which of height and width are the symbols H and W (their dimensions in `shape` are then 1). */
  readonly sides?: readonly [boolean, boolean];
}

const SYMBOLIC = new Set(['N', 'n', '-1', '?']);

/** A whole number from `min` to `max`, or an InputError saying what was expected. */
export function wholeNumber(text: string, what: string, min: number, max: number): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) {
    const kind = /^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?e[+-]?\d+)$/i.test(t) ? 'a fraction' : 'not a number';
    throw new InputError(`${what}: expected a whole number, found '${echo(text)}' (${kind})`);
  }
  const n = Number(t);
  if (n < min) throw new InputError(`${what}: expected a whole number ≥ ${min}, found ${echo(t)}`);
  if (n > max) throw new InputError(`${what}: expected at most ${groupDigits(max)}, found ${echo(t)}`);
  return n;
}

/**
 * `N,C,H,W` (or `NxCxHxW`): four whole numbers ≥ 1; the batch may be `N`, `-1` or `?` (symbolic),
 * and with `sides` the height `H` and the width `W` (the trace's formulas).
 */
export function parseInput(text: string, sides = false): InputArg {
  const parts = text.split(/[,x×]/).map((p) => p.trim());
  // a map of 1 to 3 spatial axes (and, for the network to refuse with its first layer's words, any rank up to 8)
  const names = parts.map((_, i) => inputDimensionName(parts.length, i));
  if (parts.length < 2 || parts.length > LIMITS.inputRank || parts.some((p) => p === '')) {
    const empty = parts.filter((p) => p === '').length;
    const found = `${parts.length}${empty > 0 ? ` (${empty} empty)` : ''}`;
    throw new InputError(`expected 4 comma-separated dimensions N,C,H,W (e.g. 1,3,224,224; a clip N,C,T,H,W, a signal N,C,L), found ${found}`);
  }
  const symbolicBatch = SYMBOLIC.has(parts[0]!);
  const symbol = (i: number) => sides && parts.length === 4 && parts[i] === 'HW'[i - 2];
  const shape = parts.map((p, i) => ((i === 0 && symbolicBatch) || symbol(i) ? 1 : wholeNumber(p, names[i]!, 1, LIMITS.inputDim)));
  return symbol(2) || symbol(3) ? { shape, symbolicBatch, sides: [symbol(2), symbol(3)] } : { shape, symbolicBatch };
}

/** `--input` of the trace: H and W may stand for the height and the width. */
export const parseTraceInput = (text: string): InputArg => parseInput(text, true);

/** The input as `--input` takes it back: `N,3,224,224` for a symbolic batch. */
export function inputText(input: InputArg): string {
  return input.shape.map((d, i) => (i === 0 && input.symbolicBatch ? 'N' : i >= 2 && input.sides?.[i - 2] ? 'HW'[i - 2] : String(d))).join(',');
}

export function parseClasses(text: string): number {
  return wholeNumber(text, 'classes', 0, LIMITS.channels);
}

const UNITS: Readonly<Record<string, bigint>> = {
  b: 1n,
  kb: 10n ** 3n,
  mb: 10n ** 6n,
  gb: 10n ** 9n,
  tb: 10n ** 12n,
  kib: 2n ** 10n,
  mib: 2n ** 20n,
  gib: 2n ** 30n,
  tib: 2n ** 40n,
};

/**
 * `24GiB` = 24·2^30 bytes, `80GB` = 80·10^9, `512` = 512 bytes, exact at any size (a fraction
 * of a byte is dropped); null when the text is not a size.
 */
export function parseByteSize(text: string): Int | null {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*([kmgt]i?b|b)?\s*$/i.exec(text);
  if (!m) return null;
  const fraction = m[2] ?? '';
  const bytes = (BigInt(`${m[1]}${fraction}`) * UNITS[(m[3] ?? 'b').toLowerCase()]!) / 10n ** BigInt(fraction.length);
  return toInt(bytes.toString());
}

/**
 * A memory budget as `--fit` (and the page's GPU box) takes it: a size with its unit. A bare
 * number is refused rather than read as bytes: `--fit 24` meant 24 GiB to whoever typed it.
 */
export function parseMemorySize(text: string): Int {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const n = echo(t);
    throw new InputError(`'${echo(text)}' has no unit: write ${n}GiB (${n}·2^30 bytes) or ${n}GB (${n}·10^9), or ${n}B for bytes`);
  }
  const bytes = parseByteSize(t);
  if (bytes === null) throw new InputError(`expected a memory size such as 24GiB, 80GB or 512MiB, found '${echo(text)}'`);
  if (bytes === 0) throw new InputError(`expected a memory size of at least 1 byte, found '${echo(text)}'`);
  return bytes;
}

/**
 * The hint for an issue about an input whose channels sit last (N,H,W,C, as TensorFlow and Keras
 * order them): the order the tool takes, and the input in it; '' for any other issue.
 */
export function channelsLastHint(issue: ShapeIssue, config: ModelConfig, shape: Shape): string {
  const [n, c, h, w] = shape;
  const last = issue.code === 'channels' && shape.length === 4 && w === config.inChannels && c !== config.inChannels;
  return last ? `shapes are N,C,H,W: did you mean ${[n, w, c, h].join(',')}?` : '';
}

/**
 * The hint for an input too small or too large for the network: for each side that does not fit
 * (the other as given), the nearest sizes that do, below and above, and the sizes it takes; ''
 * when the sides are not what fails.
 */
export function sizeHint(config: ModelConfig, shape: Shape): string {
  if (shape.length !== 4 || !isImageNetwork(config)) return '';
  const sym = symbolicTrace(expandResNet(config), shape);
  const x: Sides = [BigInt(shape[2]!), BigInt(shape[3]!)];
  if (failing(sym, x) === null) return '';
  const hints: string[] = [];
  for (const axis of [0, 1] as const) {
    const valid = validSizes(sym, axis, x[1 - axis]!);
    const v = x[axis]!;
    if (valid.length === 0 || valid.some(([a, b]) => v >= a && (b === null || v <= b))) continue;
    let below: bigint | null = null;
    let above: bigint | null = null;
    for (const [a, b] of valid) {
      if (b !== null && b < v) below = b;
      if (a > v && above === null) above = a;
    }
    const near = [below !== null ? `${below}, the largest that works below` : '', above !== null ? `${above}, the smallest above` : ''].filter(Boolean).join(', or ');
    const takes = spans(valid, ' to ');
    hints.push(`${AXIS_NAMES[axis]} ${v}: try ${near} (with ${AXIS_NAMES[1 - axis]} ${x[1 - axis]} it takes ${takes})`);
  }
  if (hints.length > 0) return hints.join('; ');
  // neither side alone can be mended (a head built for one map size): the squares it takes
  const first = smallestSquare(sym);
  if (first === null) return '';
  let last = first;
  const cap = first + 100_000n;
  while (last < cap && failing(sym, [last + 1n, last + 1n]) === null) last++;
  // past the cap the squares are taken for good (no upper bound to name)
  return last === cap ? `try a square input of ${first}×${first} or larger` : `try a square input from ${first}×${first} to ${last}×${last}`;
}

/** A preset's config, or the sentence listing the presets there are. */
export function presetInput(name: string): ConfigInput {
  const preset = presetConfig(name);
  if (!preset) throw new InputError(unknownPreset(`unknown architecture '${echo(name)}'`, name));
  return preset;
}

/** `what`, and the preset the name probably means, or where every preset is listed. */
export function unknownPreset(what: string, name: string): string {
  const near = nearest(name, PRESET_NAMES);
  return near ? `${what}: did you mean '${near}'? (--list names every preset)` : `${what}: not a preset (--list names every preset)`;
}

/** A text that is not JSON: the line where the parser stopped (check reports annotate it). */
export class JsonSyntaxError extends InputError {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** JSON text as a value; a mistake is one sentence starting with `source` and saying where. */
export function parseJson(text: string, source: string): unknown {
  if (text.trim() === '') throw new InputError(`${source}: file is empty, expected a JSON object`);
  try {
    return JSON.parse(text);
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(`${source}: invalid JSON: nested too deeply`);
    // V8 says where as an offset ("… at position 111"): say it as a line and column
    // V8 quotes a snippet of the text, which may hold a newline: kept on the line, escaped
    const first = (e as Error).message.replace(/\r?\n/g, '\\n').slice(0, 300);
    const at = /^(.*?)(?: in JSON)? at position (\d+)/.exec(first);
    // a truncated text: the parser stopped at its end
    const end = /end of JSON input/.test(first);
    if (!at && !end) throw new JsonSyntaxError(`${source}: invalid JSON: ${first}`, 1);
    const offset = at ? Number(at[2]) : text.trimEnd().length;
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new JsonSyntaxError(`${source}: invalid JSON at line ${line}, column ${column}: ${at ? at[1] : first}`, line);
  }
}

/** Flags that override a config's fields (`--classes`, `--stride-in-1x1`, `--output-stride`). */
export interface ConfigOverrides {
  readonly classes?: number | undefined;
  readonly strideIn1x1?: boolean | undefined;
  readonly outputStride?: number | undefined;
}

/** Applies the overriding flags, resolves defaults and checks the rules across fields. */
export function finishConfig(input: ConfigInput, name: string, o: ConfigOverrides, source: string): ModelConfig {
  let config = resolveConfig(input, name);
  config = {
    ...config,
    classes: o.classes ?? config.classes,
    strideIn1x1: o.strideIn1x1 ?? config.strideIn1x1,
    replaceStrideWithDilation:
      o.outputStride !== undefined ? dilationForOutputStride(o.outputStride, config.layers.length) : config.replaceStrideWithDilation,
  };
  const [problem] = checkRules(config);
  if (problem) {
    const flag = problem.path === 'replaceStrideWithDilation' && o.outputStride !== undefined ? `--output-stride ${o.outputStride}` : source;
    throw new InputError(`${flag}: ${formatIssue(problem)}`);
  }
  return config;
}

/** The input traced without `--input` (a config may name its own), and the one `--list` heads with. */
export const DEFAULT_INPUT: InputArg = { shape: [1, 3, 224, 224], symbolicBatch: false };

/** The input a model is traced at without `--input`: its own, else 1×C×224×224 with its channels. */
export function defaultInput(config: ModelConfig): InputArg {
  return { shape: config.input ? [...config.input] : modelInput(config), symbolicBatch: false };
}

/** A preset's input (its own default) and its params and mult-adds there. */
export interface PresetFigures {
  readonly input: Shape;
  readonly params: Int;
  readonly macs: Int;
}

/** A row of `--list`. */
export interface PresetTotals extends PresetFigures {
  readonly name: string;
  readonly description: string;
}

/** A preset's figures at its own default input, exact, from a sampled trace. */
export function presetFigures(name: string): PresetFigures {
  const config = finishConfig(presetInput(name), name, {}, name);
  const input = defaultInput(config).shape;
  const totals = sampledTotals(config, input, true);
  if (!totals.ok) throw new Error(`preset ${name}: ${formatIssue(totals.issue)}`);
  return { input, params: totals.params, macs: totals.macs };
}

/** Every preset in `--list` order, with its figures (computed, unless `figures` has them) and description. */
export function presetListing(figures: (name: string) => PresetFigures = presetFigures): PresetTotals[] {
  return PRESET_NAMES.map((name) => ({ name, ...figures(name), description: presetConfig(name)?.description ?? '' }));
}

/** The analysis of a model at an input, or an InputError saying why the model cannot take it. */
export function analyzeModel(config: ModelConfig, input: InputArg, options: Omit<AnalysisOptions, 'symbolicBatch'> = {}): Analysis {
  const result = analyze(config, input.shape, { ...options, symbolicBatch: input.symbolicBatch });
  if (!result.ok) {
    const hint = channelsLastHint(result.issue, config, input.shape) || sizeHint(config, input.shape);
    throw new InputError(`${formatIssue(result.issue)} (input ${shapeText(input.shape, input.symbolicBatch)}, model ${config.name}${hint && `; ${hint}`})`);
  }
  const fails = options.count && result.analysis.counts.conventions[options.count].fails;
  if (fails) throw new InputError(`--count ${options.count}: the tool cannot run on this network, so it prints no figure: ${fails}`);
  return result.analysis;
}

// What every printer shares: the highlighter it is handed, shapes as text, the issue sentence.

import { groupDigits, scaled, type Int } from '../int.js';
import type { ModelConfig, Shape, ShapeIssue, Trace } from '../types.js';

/** Colour comes in from the CLI; printers only say what a piece of text is. */
export interface Highlighter {
  readonly name: (s: string) => string;
  readonly shape: (s: string) => string;
  readonly number: (s: string) => string;
  readonly heading: (s: string) => string;
  readonly dim: (s: string) => string;
}

const same = (s: string): string => s;
export const PLAIN: Highlighter = { name: same, shape: same, number: same, heading: same, dim: same };

/** `[10, 64, 112, 112]`; with a symbolic batch, dimension 0 reads `N`. */
export function shapeText(shape: Shape, symbolicBatch = false): string {
  if (symbolicBatch) return `[${['N', ...shape.slice(1)].join(', ')}]`;
  // a trace's rows share their shape arrays (the tracer interns them): each is joined once
  let text = SHAPE_TEXT.get(shape);
  if (text === undefined) SHAPE_TEXT.set(shape, (text = `[${shape.join(', ')}]`));
  return text;
}

/** Shape arrays are never changed once made (`Shape` is read-only): their text is kept while they live. */
const SHAPE_TEXT = new WeakMap<Shape, string>();

/** Shape as JSON: integers, with the string "N" for a symbolic batch. */
export function shapeJson(shape: Shape, symbolicBatch: boolean): (number | 'N')[] {
  return symbolicBatch ? ['N', ...shape.slice(1)] : [...shape];
}

// C0 and C1 controls, DEL, line and paragraph separators, and the bidi controls that reorder text
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text from outside (a file name, a config name, an argument, file content quoted in an error)
 * made inert before it is printed: every character that could move the cursor, start a new line
 * (and so a CI workflow command), clear or retitle a terminal, or reorder text is shown as an
 * escape (`\n`, `\x1b`, `\u202e`). Everything else is unchanged.
 */
export function inert(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Where a cut falls: never between the halves of a surrogate pair. */
export const cutAt = (text: string, at: number): number => (/[\udc00-\udfff]/.test(text.charAt(at)) ? at - 1 : at);

/** The most characters of a value from outside that a message quotes. */
export const ECHO_MAX = 100;

/** A value from outside as a message quotes it: up to ECHO_MAX characters, then how many there are. */
export function echo(text: string): string {
  return text.length <= ECHO_MAX ? text : `${text.slice(0, cutAt(text, ECHO_MAX))}… (${groupDigits(text.length)} characters)`;
}

/** The longest line an error, a warning or a report prints. */
export const LINE_MAX = 2_000;

/**
 * A line of an error or a report, at most LINE_MAX characters: its start (what) and its end (why)
 * kept, its middle cut and counted. The guard behind the bounded quotes of each message.
 */
export function bounded(line: string): string {
  if (line.length <= LINE_MAX) return line;
  const head = cutAt(line, 1_200);
  const tail = cutAt(line, line.length - 700);
  return `${line.slice(0, head)} …(${groupDigits(tail - head)} characters cut)… ${line.slice(tail)}`;
}

// what JSON.stringify leaves raw that a terminal may still act on
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify, with every character a terminal could act on escaped (`\u009b`): the same data. */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The one place a ShapeIssue becomes a sentence: who, expected, found. */
export function formatIssue(issue: ShapeIssue): string {
  return `${issue.path}: expected ${issue.expected}, found ${issue.found}`;
}

/** The units a figure is written in: powers of 10^3, largest first. */
const UNITS = [
  { power: 18, unit: 'E' },
  { power: 15, unit: 'P' },
  { power: 12, unit: 'T' },
  { power: 9, unit: 'G' },
  { power: 6, unit: 'M' },
  { power: 3, unit: 'K' },
] as const;

/** x in the largest unit it reaches, but none below 10^`smallest`, with `digits` decimals. */
function inUnits(x: Int, smallest: number, digits: number): string {
  const big = typeof x === 'bigint' ? x : BigInt(x);
  const magnitude = big < 0n ? -big : big;
  const { power, unit } = UNITS.find((u) => u.power === smallest || magnitude >= 10n ** BigInt(u.power))!;
  const [whole = '0', frac] = scaled(x, power, digits).split('.');
  return `${groupDigits(BigInt(whole))}${frac ? `.${frac}` : ''} ${unit}`;
}

/** 4089184256 -> "4.089 G"; from 1,000 G on, T, P or E (136,660,695.450 G -> "136.661 P"): the notes' log. */
export const giga = (x: Int, digits = 3): string => inUnits(x, 9, digits);

/**
 * A count in the unit it reaches, three decimals: 40551040 -> "40.551 M", 4089184256 ->
 * "4.089 G" (the table, the counts and the page; the log keeps the notes' G).
 */
export const metric = (x: Int, digits = 3): string => inUnits(x, 3, digits);

/** The label of a block whose shortcut changes its input's shape: a projection, or the zero-padding of option A (no parameters). */
export function shortcutLabel(config: ModelConfig): string {
  return config.downsample === 'zeropad' ? 'zero-padding shortcut' : 'projection shortcut';
}

export function count(x: Int): string {
  return groupDigits(x);
}

/** Marks a batch-dependent figure of a symbolic-batch trace. */
export function perSample(trace: Trace): string {
  return trace.symbolicBatch ? ' × N' : '';
}

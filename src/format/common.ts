// What every printer shares: the highlighter it is handed, shapes as text, the issue sentence.

import { groupDigits, scaled, type Int } from '../int.js';
import type { Shape, ShapeIssue, Trace } from '../types.js';

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
  if (!symbolicBatch) return `[${shape.join(', ')}]`;
  return `[${['N', ...shape.slice(1)].join(', ')}]`;
}

/** Shape as JSON: integers, with the string "N" for a symbolic batch. */
export function shapeJson(shape: Shape, symbolicBatch: boolean): (number | 'N')[] {
  return symbolicBatch ? ['N', ...shape.slice(1)] : [...shape];
}

/** The one place a ShapeIssue becomes a sentence: who, expected, found. */
export function formatIssue(issue: ShapeIssue): string {
  return `${issue.path}: expected ${issue.expected}, found ${issue.found}`;
}

/** 4089184256 -> "4.089 G" */
export function giga(x: Int, digits = 3): string {
  const [whole = '0', frac] = scaled(x, 9, digits).split('.');
  return `${groupDigits(BigInt(whole))}${frac ? `.${frac}` : ''} G`;
}

export function count(x: Int): string {
  return groupDigits(x);
}

/** Marks a batch-dependent figure of a symbolic-batch trace. */
export function perSample(trace: Trace): string {
  return trace.symbolicBatch ? ' × N' : '';
}

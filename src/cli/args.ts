// Command-line values, validated where commander parses them: each parser returns the value
// or throws InvalidArgumentError with what was expected.

import { InvalidArgumentError } from 'commander';
import { InputError } from '../errors.js';
import { echo } from '../format/common.js';
import type { Int } from '../int.js';
import { LAYER_DEPTHS } from '../network/presets.js';
import { parseMemorySize, parseClasses as parseClassesText, parseInput as parseInputText, parseTraceInput as parseTraceInputText, wholeNumber as wholeNumberOf } from '../request.js';

/** A core parser as commander's argParser: its InputError becomes commander's "is invalid" sentence. */
function argument<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (e) {
      if (e instanceof InputError) throw new InvalidArgumentError(e.message);
      throw e;
    }
  };
}

/** `N,C,H,W`: four whole numbers ≥ 1; the batch may be `N`, `-1` or `?` (symbolic). */
export const parseInput = argument(parseInputText);
export const parseTraceInput = argument(parseTraceInputText);
export const parseClasses = argument(parseClassesText);
const wholeNumber = (text: string, what: string, min: number, max: number) => argument((t) => wholeNumberOf(t, what, min, max))(text);

export function parseLayers(text: string): number {
  const depths = LAYER_DEPTHS.join(', ');
  const n = wholeNumber(text, 'depth', 1, Number.MAX_SAFE_INTEGER);
  if (!LAYER_DEPTHS.includes(n)) {
    throw new InvalidArgumentError(`expected one of ${depths} (or --arch NAME, or --config FILE), found ${n}`);
  }
  return n;
}

export function parsePort(text: string): number {
  return wholeNumber(text, 'port', 0, 65535);
}

export function parseOutputStride(text: string): number {
  const n = wholeNumber(text, 'output stride', 1, 1024);
  if (![8, 16, 32].includes(n)) throw new InvalidArgumentError(`expected 8, 16 or 32, found ${n}`);
  return n;
}

export function parseFit(text: string): Int {
  try {
    return parseMemorySize(text);
  } catch (e) {
    if (e instanceof InputError) throw new InvalidArgumentError(e.message);
    throw e;
  }
}

export function parseWeightDecay(text: string): number {
  // a decimal number (0.001, 1e-4); not hexadecimal, binary or Infinity, which Number() takes
  const n = Number(text);
  if (!/^\s*(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$/i.test(text) || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a number ≥ 0 (e.g. 0.001), found '${echo(text)}'`);
  }
  return n;
}

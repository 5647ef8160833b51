// What a check file expects of a trace, compared field by field. Each failure is data:
// the field path, the expected and the found value as text.

import { compare, groupDigits, type Int } from '../int.js';
import type { Shape, Trace } from '../types.js';
import { paramCounts, type CountName, type Counts, type ParamCounts } from './counts.js';

export interface Expectations {
  readonly output?: readonly (number | 'N')[] | undefined;
  readonly params?: Int | undefined;
  readonly macs?: Int | undefined;
  readonly maxParams?: Int | undefined;
  readonly maxMacs?: Int | undefined;
  readonly minFinalSpatial?: number | undefined;
  readonly maxTrainingMemory?: Int | undefined;
  readonly maxInferenceMemory?: Int | undefined;
  /** Exact totals by counting convention. */
  readonly counts?: Partial<Record<CountName, Int>> | undefined;
  /** Exact parameter totals by framework. */
  readonly paramCounts?: Partial<Record<keyof ParamCounts, Int>> | undefined;
}

export interface Failure {
  /** e.g. `expect.output` */
  readonly field: string;
  /** What was expected and found, as words for the sentence. */
  readonly expected: string;
  readonly found: string;
  /** The same as data: the expectation's value (a shape, a number, a limit) and the trace's. */
  readonly expectedValue: unknown;
  readonly foundValue: unknown;
}

/** Figures a check may compare that are not part of the trace itself (memory). */
export interface Measured {
  readonly counts?: Counts;
  readonly trainingBytes?: Int;
  readonly inferenceBytes?: Int;
}

const shape = (s: readonly (number | string)[]): string => `[${s.join(', ')}]`;
// digits grouped by hand: toLocaleString would start ICU, tens of milliseconds on a failing check
const num = groupDigits;

/** The last 4-d feature map before the global pool. */
export function finalFeatureMap(trace: Trace): Shape | null {
  let last: Shape | null = null;
  for (const layer of trace.layers) {
    if (layer.spec.section.kind === 'head') break;
    if (layer.output.length === 4) last = layer.output;
  }
  return last;
}

export function evaluateExpectations(trace: Trace, e: Expectations, measured: Measured = {}): Failure[] {
  const failures: Failure[] = [];
  const fail = (field: string, expected: string, found: string, expectedValue: unknown, foundValue: unknown) =>
    failures.push({ field: `expect.${field}`, expected, found, expectedValue, foundValue });
  if (e.output) {
    const found = trace.symbolicBatch ? ['N', ...trace.output.slice(1)] : [...trace.output];
    if (shape(found) !== shape(e.output)) fail('output', shape(e.output), shape(found), [...e.output], found);
  }
  if (e.params !== undefined && trace.totals.params !== e.params) fail('params', num(e.params), num(trace.totals.params), e.params, trace.totals.params);
  if (e.macs !== undefined && trace.totals.macs !== e.macs) fail('macs', num(e.macs), num(trace.totals.macs), e.macs, trace.totals.macs);
  if (e.maxParams !== undefined && compare(trace.totals.params, e.maxParams) > 0) {
    fail('maxParams', `at most ${num(e.maxParams)}`, num(trace.totals.params), e.maxParams, trace.totals.params);
  }
  if (e.maxMacs !== undefined && compare(trace.totals.macs, e.maxMacs) > 0) {
    fail('maxMacs', `at most ${num(e.maxMacs)}`, num(trace.totals.macs), e.maxMacs, trace.totals.macs);
  }
  if (e.minFinalSpatial !== undefined) {
    const map = finalFeatureMap(trace);
    const [h = 0, w = 0] = map ? map.slice(2) : [];
    if (h < e.minFinalSpatial || w < e.minFinalSpatial) {
      fail('minFinalSpatial', `a final feature map of at least ${e.minFinalSpatial}×${e.minFinalSpatial}`, `${h}×${w}`, e.minFinalSpatial, [h, w]);
    }
  }
  for (const [name, expected] of Object.entries(e.counts ?? {}) as [CountName, Int | undefined][]) {
    const counted = measured.counts?.conventions[name];
    if (expected !== undefined && counted?.fails) fail(`counts.${name}`, num(expected), `no figure (${name} cannot run on this network: ${counted.fails})`, expected, null);
    else if (expected !== undefined && counted !== undefined && counted.total !== expected) fail(`counts.${name}`, num(expected), num(counted.total), expected, counted.total);
  }
  const params = paramCounts(trace);
  for (const [name, expected] of Object.entries(e.paramCounts ?? {}) as [keyof ParamCounts, Int | undefined][]) {
    if (expected !== undefined && params[name] !== expected) fail(`paramCounts.${name}`, num(expected), num(params[name]), expected, params[name]);
  }
  for (const [field, value, limit] of [
    ['maxTrainingMemory', measured.trainingBytes, e.maxTrainingMemory],
    ['maxInferenceMemory', measured.inferenceBytes, e.maxInferenceMemory],
  ] as const) {
    if (limit !== undefined && value !== undefined && compare(value, limit) > 0) {
      fail(field, `at most ${num(limit)} bytes`, `${num(value)} bytes`, limit, value);
    }
  }
  return failures;
}

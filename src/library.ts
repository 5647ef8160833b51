// The library's way into the analysis: whatever a caller passes, a config built in code is read
// once into a fresh copy and checked field by field (by the schema a file is checked with), the
// input and the options likewise, before anything is traced; a mistake is an issue, never an
// exception. The CLI and the page trace configs that their schema or the tests have checked
// already, and call analysis/analyze.ts directly, so a trace of a preset never loads zod.

import { Analysis, analyze as analyzeChecked, type AnalysisOptions, type AnalysisResult } from './analysis/analyze.js';
import { ONNX_WEIGHTS, onnxExport, type OnnxWeights } from './onnx/model.js';
import { newWriter } from './onnx/writer.js';
import { COUNT_NAMES } from './analysis/counts.js';
import { DEPTHS } from './analysis/groups.js';
import { DTYPES, MEMORY_MODES, OPTIMIZERS } from './analysis/memory.js';
import { checkedConfig, shown, thrownText } from './schemas/config.js';
import type { ModelConfig, Shape, ShapeIssue } from './types.js';

const problem = (path: string, expected: string, found: unknown): { ok: false; issue: ShapeIssue } => ({
  ok: false,
  issue: { code: 'config', path, expected, found: shown(found) },
});

const isOneOf = (values: readonly unknown[], value: unknown): boolean => values.includes(value);

/** The options as the analysis takes them, copied, or the issue with one of them. */
function readOptions(o: unknown): AnalysisOptions | { ok: false; issue: ShapeIssue } {
  if (o === undefined) return {};
  if (typeof o !== 'object' || o === null) return problem('options', 'an object of options', o);
  const { symbolicBatch, memory, depth, fit, count } = o as Record<string, unknown>;
  if (symbolicBatch !== undefined && typeof symbolicBatch !== 'boolean') return problem('options.symbolicBatch', 'true or false', symbolicBatch);
  if (depth !== undefined && !isOneOf(DEPTHS, depth)) return problem('options.depth', DEPTHS.join(', '), depth);
  if (count !== undefined && !isOneOf(COUNT_NAMES, count)) return problem('options.count', COUNT_NAMES.join(', '), count);
  let memoryOptions: AnalysisOptions['memory'];
  if (memory !== undefined) {
    if (typeof memory !== 'object' || memory === null) return problem('options.memory', 'an object { dtype, optimizer, weightDecay }', memory);
    const { dtype, optimizer, weightDecay } = memory as Record<string, unknown>;
    if (!isOneOf(DTYPES, dtype)) return problem('options.memory.dtype', DTYPES.join(', '), dtype);
    if (!isOneOf(OPTIMIZERS, optimizer)) return problem('options.memory.optimizer', OPTIMIZERS.join(', '), optimizer);
    if (typeof weightDecay !== 'number' || !Number.isFinite(weightDecay) || weightDecay < 0) return problem('options.memory.weightDecay', 'a number ≥ 0', weightDecay);
    memoryOptions = { dtype: dtype as never, optimizer: optimizer as never, weightDecay };
  }
  let fitOptions: AnalysisOptions['fit'];
  if (fit !== undefined) {
    if (typeof fit !== 'object' || fit === null) return problem('options.fit', 'an object { budgetBytes, mode }', fit);
    const { budgetBytes, mode } = fit as Record<string, unknown>;
    const whole = (typeof budgetBytes === 'number' && Number.isSafeInteger(budgetBytes) && budgetBytes > 0) || (typeof budgetBytes === 'bigint' && budgetBytes > 0n);
    if (!whole) return problem('options.fit.budgetBytes', 'a whole number of bytes ≥ 1', budgetBytes);
    if (!isOneOf(MEMORY_MODES, mode)) return problem('options.fit.mode', MEMORY_MODES.join(', '), mode);
    fitOptions = { budgetBytes: budgetBytes as number | bigint, mode: mode as never };
  }
  return {
    ...(symbolicBatch !== undefined ? { symbolicBatch } : {}),
    ...(memoryOptions ? { memory: memoryOptions } : {}),
    ...(depth !== undefined ? { depth: depth as never } : {}),
    ...(fitOptions ? { fit: fitOptions } : {}),
    ...(count !== undefined ? { count: count as never } : {}),
  };
}

/**
 * Checks a resolved config (each field, then the rules across fields), an input and the options,
 * then traces: `{ ok, analysis }`, or `{ ok: false, issue }` for anything it cannot take. Never
 * throws for what it is given.
 */
export function analyze(config: ModelConfig, input: Shape, options: AnalysisOptions = {}): AnalysisResult {
  let checked: { config: ModelConfig; input: Shape; options: AnalysisOptions };
  try {
    const c = checkedConfig(config);
    if (!c.ok) return { ok: false, issue: c.issues[0]! };
    if (!Array.isArray(input)) return problem('input', 'an array [N, C, H, W]', input);
    const read = readOptions(options);
    if ('ok' in read) return read;
    checked = { config: c.config, input: Array.from(input as readonly unknown[]) as Shape, options: read };
  } catch (e) {
    return { ok: false, issue: { code: 'config', path: 'input', expected: 'an input and options that can be read', found: `a value that throws when read (${thrownText(e)})` } };
  }
  return analyzeChecked(checked.config, checked.input, checked.options);
}

/**
 * The analysed network as an ONNX file's bytes (`--format onnx`): `{ ok, bytes }`, or `{ ok: false,
 * issue }` for options it cannot take. `weights`: none (declared, no data), random or zeros
 * (generated in the graph); `foldBn`: fold each BatchNorm into the conv before it.
 */
export function exportOnnx(analysis: Analysis, options: unknown = {}): { ok: true; bytes: Uint8Array } | { ok: false; issue: ShapeIssue } {
  if (!(analysis instanceof Analysis)) return problem('analysis', 'an analysis from analyze()', analysis);
  if (typeof options !== 'object' || options === null) return problem('options', 'an object { weights, foldBn }', options);
  let weights: unknown;
  let foldBn: unknown;
  try {
    ({ weights = 'none', foldBn = false } = options as Record<string, unknown>);
  } catch (e) {
    return problem('options', 'options that can be read', `a value that throws when read (${thrownText(e)})`);
  }
  if (!isOneOf(ONNX_WEIGHTS, weights)) return problem('options.weights', ONNX_WEIGHTS.join(', '), weights);
  if (typeof foldBn !== 'boolean') return problem('options.foldBn', 'true or false', foldBn);
  return { ok: true, bytes: onnxExport(analysis, newWriter, { weights: weights as OnnxWeights, foldBn }).bytes };
}

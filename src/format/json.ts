// The JSON document: a stable, versioned contract for scripts.
//
// schemaVersion 1. Keys may be added within a version; a key is never renamed, removed or
// given another meaning without raising schemaVersion. Integers above 2^53 - 1 are decimal
// strings with every digit; shapes hold "N" for a symbolic batch.

import { toJsonValue, type Int } from '../int.js';
import type { Trace, TracedLayer } from '../types.js';
import { shapeJson } from './common.js';

export const SCHEMA_VERSION = 1;

export interface JsonExtras {
  /**
   * More fields for row i (memory, receptive field ...), appended after the contract's own:
   * JSON text beginning with a comma, e.g. `,"activationBytes":1024`.
   */
  readonly row?: (index: number) => string;
  /** More top-level keys, written after `totals` in the order given. */
  readonly top?: Record<string, unknown>;
}

/** The resolved config as the document's `model`. */
export function modelJson(trace: Trace): Record<string, unknown> {
  return { ...trace.config };
}

export function rowJson(layer: TracedLayer, symbolicBatch: boolean): Record<string, unknown> {
  const { spec } = layer;
  return {
    name: spec.name,
    paddleName: spec.paddleName,
    type: spec.kind,
    input: shapeJson(layer.input, symbolicBatch),
    output: shapeJson(layer.output, symbolicBatch),
    weight: layer.weight ? [...layer.weight] : null,
    bias: layer.bias ? [...layer.bias] : null,
    params: toJsonValue(layer.params),
    macs: toJsonValue(layer.macs),
  };
}

export function totalsJson(trace: Trace): Record<string, unknown> {
  const t = trace.totals;
  return {
    params: toJsonValue(t.params),
    trainableParams: toJsonValue(t.trainableParams),
    bnRunningStats: toJsonValue(t.bnRunningStats),
    macs: toJsonValue(t.macs),
    perSample: trace.symbolicBatch,
  };
}

function shapeChunk(shape: readonly number[], sym: boolean): string {
  return sym ? `["N"${shape.length > 1 ? `,${shape.slice(1).join(',')}` : ''}]` : `[${shape.join(',')}]`;
}

/** Shapes are shared between rows (the tracer interns them): render each array once. */
function shapeChunks(sym: boolean): (shape: readonly number[] | null) => string {
  const seen = new Map<readonly number[], string>();
  return (shape) => {
    if (shape === null) return 'null';
    let text = seen.get(shape);
    if (text === undefined) seen.set(shape, (text = shapeChunk(shape, sym)));
    return text;
  };
}

export const intChunk = (x: Int): string => (typeof x === 'number' ? String(x) : `"${x}"`);

/**
 * One row as JSON text, written directly: this is the hot path of huge traces, and the same
 * text JSON.stringify(rowJson(...)) would give.
 */
function rowChunk(layer: TracedLayer, shape: (s: readonly number[] | null) => string, plain: (s: readonly number[] | null) => string, extra: string): string {
  const { spec } = layer;
  return (
    `{"name":${JSON.stringify(spec.name)},"paddleName":${spec.paddleName === null ? 'null' : JSON.stringify(spec.paddleName)}` +
    `,"type":"${spec.kind}","input":${shape(layer.input)},"output":${shape(layer.output)}` +
    `,"weight":${plain(layer.weight)},"bias":${plain(layer.bias)}` +
    `,"params":${intChunk(layer.params)},"macs":${intChunk(layer.macs)}${extra}}`
  );
}

/** The document in pieces (a row a piece), so a huge trace streams instead of one string. */
export function* jsonChunks(trace: Trace, extras: JsonExtras = {}): Generator<string> {
  const sym = trace.symbolicBatch;
  yield `{\n  "schemaVersion": ${SCHEMA_VERSION},\n`;
  yield `  "model": ${JSON.stringify(modelJson(trace))},\n`;
  yield `  "input": ${JSON.stringify(shapeJson(trace.input, sym))},\n`;
  yield `  "output": ${JSON.stringify(shapeJson(trace.output, sym))},\n`;
  yield `  "layers": [`;
  const { layers } = trace;
  // activations carry the batch (N when symbolic); weights and biases never do
  const shape = shapeChunks(sym);
  const plain = sym ? shapeChunks(false) : shape;
  for (let i = 0; i < layers.length; i++) {
    yield `${i === 0 ? '\n' : ',\n'}    ${rowChunk(layers[i]!, shape, plain, extras.row?.(i) ?? '')}`;
  }
  yield `\n  ],\n  "totals": ${JSON.stringify(totalsJson(trace))}`;
  for (const [key, value] of Object.entries(extras.top ?? {})) {
    yield `,\n  ${JSON.stringify(key)}: ${JSON.stringify(value)}`;
  }
  yield '\n}\n';
}

export function formatJson(trace: Trace, extras: JsonExtras = {}): string {
  let out = '';
  for (const chunk of jsonChunks(trace, extras)) out += chunk;
  return out;
}

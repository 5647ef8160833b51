// The JSON document: a stable, versioned contract for scripts. Its type is the trace schema's
// (src/schemas), so the document and its JSON Schema cannot drift apart.
//
// schemaVersion 1. Keys may be added within a version; a key is never renamed, removed or
// given another meaning without raising schemaVersion. Integers above 2^53 - 1 are decimal
// strings with every digit; shapes hold "N" for a symbolic batch.

import type { Analysis } from '../analysis/analyze.js';
import type { Group } from '../analysis/groups.js';
import type { ReceptiveField } from '../analysis/receptive.js';
import { toJsonValue, type Int } from '../int.js';
import type { RowDocument, TraceDocument } from '../schemas/index.js';
import type { Trace, TracedLayer } from '../types.js';
import { shapeJson } from './common.js';
import { fitJson, memoryJson } from './memory.js';

export const SCHEMA_VERSION = 1;

/** The figures a row of the trace document has beyond the layer itself. */
export interface RowFigures {
  readonly activationBytes: Int;
  readonly receptiveField: ReceptiveField | null;
}

/** The one row serialiser: the trace document's rows, and `diff`'s (without figures). */
export function rowJson(layer: TracedLayer, symbolicBatch: boolean, figures?: RowFigures): RowDocument {
  const { spec } = layer;
  const row: RowDocument = {
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
  if (figures) {
    const rf = figures.receptiveField;
    row.activationBytes = toJsonValue(figures.activationBytes);
    row.receptiveField = rf ? rf.size : null;
    row.effectiveStride = rf ? rf.stride : null;
    row.receptiveFieldCenter = rf ? rf.center : null;
  }
  return row;
}

/** The resolved config as the document's `model`. */
export function modelJson(trace: Trace): TraceDocument['model'] {
  return { ...trace.config, layers: [...trace.config.layers] };
}

export function totalsJson(trace: Trace): TraceDocument['totals'] {
  const t = trace.totals;
  return {
    params: toJsonValue(t.params),
    trainableParams: toJsonValue(t.trainableParams),
    bnRunningStats: toJsonValue(t.bnRunningStats),
    macs: toJsonValue(t.macs),
    perSample: trace.symbolicBatch,
  };
}

export function groupJson(g: Group, symbolicBatch: boolean): NonNullable<TraceDocument['groups']>[number] {
  return {
    name: g.name,
    kind: g.kind,
    input: shapeJson(g.input, symbolicBatch),
    output: shapeJson(g.output, symbolicBatch),
    params: toJsonValue(g.params),
    macs: toJsonValue(g.macs),
    rows: [g.rows[0], g.rows[1]],
  };
}

/** The whole document but its rows, in the document's key order. */
function documentWithoutRows(a: Analysis): Omit<TraceDocument, 'layers'> {
  const { trace } = a;
  const sym = trace.symbolicBatch;
  const groups = a.groups;
  const fit = a.fit;
  return {
    schemaVersion: SCHEMA_VERSION,
    model: modelJson(trace),
    input: shapeJson(trace.input, sym),
    output: shapeJson(trace.output, sym),
    totals: totalsJson(trace),
    memory: memoryJson(a.memory, a.memoryOptions, sym),
    ...(groups ? { groups: groups.map((g) => groupJson(g, sym)) } : {}),
    ...(fit ? { fit: fitJson(fit) } : {}),
  };
}

/** The document in pieces (a row a piece), so a huge trace streams instead of one string. */
export function* jsonChunks(a: Analysis): Generator<string> {
  const { schemaVersion, model, input, output, ...rest } = documentWithoutRows(a);
  yield `{\n  "schemaVersion": ${schemaVersion},\n  "model": ${JSON.stringify(model)},\n`;
  yield `  "input": ${JSON.stringify(input)},\n  "output": ${JSON.stringify(output)},\n  "layers": [`;
  const { layers, symbolicBatch } = a.trace;
  const { rows } = a.memory;
  const fields = a.receptiveFields;
  for (let i = 0; i < layers.length; i++) {
    const row = rowJson(layers[i]!, symbolicBatch, { activationBytes: rows[i]!, receptiveField: fields.at(i) });
    yield `${i === 0 ? '\n' : ',\n'}    ${JSON.stringify(row)}`;
  }
  yield '\n  ]';
  for (const [key, value] of Object.entries(rest)) yield `,\n  ${JSON.stringify(key)}: ${JSON.stringify(value)}`;
  yield '\n}\n';
}

export function formatJson(a: Analysis): string {
  let out = '';
  for (const chunk of jsonChunks(a)) out += chunk;
  return out;
}

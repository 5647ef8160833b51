// The JSON document: a stable, versioned contract for scripts. Its type is the trace schema's
// (src/schemas), so the document and its JSON Schema cannot drift apart.
//
// schemaVersion 1. Keys may be added within a version; a key is never renamed, removed or
// given another meaning without raising schemaVersion. Integers above 2^53 - 1 are decimal
// strings with every digit; shapes hold "N" for a symbolic batch.

import type { Analysis } from '../analysis/analyze.js';
import { COUNT_NAMES, paramCounts, torchinfoSizes } from '../analysis/counts.js';
import type { Group } from '../analysis/groups.js';
import type { ReceptiveField } from '../analysis/receptive.js';
import { toJsonValue, type Int } from '../int.js';
import type { RowDocument, TraceDocument } from '../schemas/index.js';
import type { Shape, Trace, TracedLayer } from '../types.js';
import { jsonText, shapeJson } from './common.js';
import { fitJson, memoryJson } from './memory.js';
import { typeName } from '../analysis/kinds.js';

export const SCHEMA_VERSION = 1;

/** The figures a row of the trace document has beyond the layer itself. */
export interface RowFigures {
  readonly activationBytes: Int;
  readonly receptiveField: ReceptiveField | null;
  /** A clip's or a signal's receptive field per spatial axis (an image's is square: none). */
  readonly receptiveFieldAxes?: readonly (ReceptiveField | null)[] | null;
  /** The chosen counting convention's figure for the row (`--count`). */
  readonly count?: Int | undefined;
}

/** A row's keys in the order written; the compiler checks they are the schema's required keys. */
const ROW_KEYS = ['name', 'paddleName', 'type', 'input', 'output', 'weight', 'bias', 'params', 'macs'] as const;
type Known<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
type RequiredKeys<T> = { [K in keyof Known<T>]-?: object extends Pick<Known<T>, K> ? never : K }[keyof Known<T>];
const everyRequiredKeyWritten: Exclude<RequiredKeys<RowDocument>, (typeof ROW_KEYS)[number]> extends never ? true : never = true;
void everyRequiredKeyWritten;

const intText = (x: Int): string => (typeof x === 'number' ? String(x) : `"${x}"`);

/** Shapes are shared between rows (the tracer interns them): each array is rendered once. */
function shapeWriter(symbolicBatch: boolean): (shape: Shape | null) => string {
  const seen = new Map<Shape, string>();
  return (shape) => {
    if (shape === null) return 'null';
    let text = seen.get(shape);
    if (text === undefined) seen.set(shape, (text = JSON.stringify(shapeJson(shape, symbolicBatch))));
    return text;
  };
}

export interface RowWriter {
  /** A row as JSON text: the one row serialiser (huge traces write millions of them). */
  (layer: TracedLayer, figures?: RowFigures): string;
}

/** A row writer for one trace: activations carry the batch (N when symbolic), weights never do. */
export function rowWriter(symbolicBatch: boolean): RowWriter {
  const activation = shapeWriter(symbolicBatch);
  const plain = symbolicBatch ? shapeWriter(false) : activation;
  return (layer, figures) => {
    const { spec } = layer;
    const head =
      `{"name":${JSON.stringify(spec.name)},"paddleName":${spec.paddleName === null ? 'null' : JSON.stringify(spec.paddleName)}` +
      `,"type":"${typeName(spec)}","input":${activation(layer.input)},"output":${activation(layer.output)}` +
      `,"weight":${plain(layer.weight)},"bias":${plain(layer.bias)},"params":${intText(layer.params)},"macs":${intText(layer.macs)}`;
    if (!figures) return `${head}}`;
    const { receptiveField: rf, count } = figures;
    let text = `${head},"activationBytes":${intText(figures.activationBytes)}`;
    if (rf) text += `,"receptiveField":${intText(rf.size)},"effectiveStride":${intText(rf.stride)},"receptiveFieldCenter":${intText(rf.center)}`;
    else text += ',"receptiveField":null,"effectiveStride":null,"receptiveFieldCenter":null';
    const axes = figures.receptiveFieldAxes;
    if (axes) text += `,"receptiveFieldAxes":${axes[0] === null ? 'null' : `[${axes.map((f) => `[${intText(f!.size)},${intText(f!.stride)},${intText(f!.center)}]`).join(',')}]`}`;
    return count === undefined ? `${text}}` : `${text},"count":${intText(count)}}`;
  };
}

/** A row as the document has it, as data (diff's JSON rows). */
export function rowJson(layer: TracedLayer, symbolicBatch: boolean, figures?: RowFigures): RowDocument {
  return JSON.parse(rowWriter(symbolicBatch)(layer, figures)) as RowDocument;
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

/** Every convention's total, the parameter totals by framework and torchinfo's size lines. */
function countsJson(a: Analysis): Pick<TraceDocument, 'counts' | 'countFailures' | 'countConvention' | 'paramCounts' | 'torchinfoSizes'> {
  const { conventions } = a.counts;
  // a tool that cannot run on the network prints no figure: null, and the reason in countFailures
  const counts = Object.fromEntries(COUNT_NAMES.map((name) => [name, conventions[name].fails ? null : toJsonValue(conventions[name].total)])) as NonNullable<TraceDocument['counts']>;
  const failures = COUNT_NAMES.filter((name) => conventions[name].fails);
  const p = paramCounts(a.trace);
  // in MB as the document has always given them (--format counts prints torchinfo's lines in its own unit)
  const { paramsMB, forwardBackwardMB } = torchinfoSizes(a.trace);
  return {
    counts,
    ...(failures.length > 0 ? { countFailures: Object.fromEntries(failures.map((name) => [name, conventions[name].fails!])) } : {}),
    ...(a.count ? { countConvention: a.count } : {}),
    paramCounts: { pytorch: toJsonValue(p.pytorch), keras: toJsonValue(p.keras), paddle: toJsonValue(p.paddle), bnFolded: toJsonValue(p.bnFolded) },
    torchinfoSizes: { paramsMB, forwardBackwardMB },
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
    ...countsJson(a),
    ...(groups ? { groups: groups.map((g) => groupJson(g, sym)) } : {}),
    ...(fit ? { fit: fitJson(fit) } : {}),
  };
}

const ROWS_PER_PIECE = 256;

/** The document in pieces (rows a few hundred a piece), so a huge trace streams instead of one string. */
export function* jsonChunks(a: Analysis): Generator<string> {
  const { schemaVersion, model, input, output, ...rest } = documentWithoutRows(a);
  // the model's name comes from a file name: the one string from outside
  yield `{\n  "schemaVersion": ${schemaVersion},\n  "model": ${jsonText(model)},\n`;
  yield `  "input": ${JSON.stringify(input)},\n  "output": ${JSON.stringify(output)},\n  "layers": [`;
  const { layers, symbolicBatch } = a.trace;
  const { rows } = a.memory;
  const fields = a.receptiveFields;
  const row = rowWriter(symbolicBatch);
  const count = a.count;
  const counts = count ? a.counts : null;
  // rows in pieces of ROWS_PER_PIECE: a piece per row would cost a generator step each
  let text = '';
  // one figures object, refilled for each row
  const figures: { activationBytes: Int; receptiveField: ReceptiveField | null; receptiveFieldAxes?: (ReceptiveField | null)[]; count: Int | undefined } = { activationBytes: 0, receptiveField: null, count: undefined };
  const axes = a.receptiveFieldAxes;
  for (let i = 0; i < layers.length; i++) {
    figures.activationBytes = rows[i]!;
    figures.receptiveField = fields.at(i);
    if (axes) figures.receptiveFieldAxes = axes.map((t) => t.at(i));
    if (counts) figures.count = counts.row(count!, i);
    text += (i === 0 ? '\n    ' : ',\n    ') + row(layers[i]!, figures);
    if ((i + 1) % ROWS_PER_PIECE === 0) {
      yield text;
      text = '';
    }
  }
  yield `${text}\n  ]`;
  for (const [key, value] of Object.entries(rest)) yield `,\n  ${JSON.stringify(key)}: ${JSON.stringify(value)}`;
  yield '\n}\n';
}

export function formatJson(a: Analysis): string {
  let out = '';
  for (const chunk of jsonChunks(a)) out += chunk;
  return out;
}

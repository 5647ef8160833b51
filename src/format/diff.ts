// `resnet-shapes diff`: the rows that differ and the totals' deltas, as text or JSON.

import { groupDigits, toJsonValue, type Int } from '../int.js';
import type { DiffField, TraceDiff } from '../analysis/diff.js';
import type { Trace, TracedLayer } from '../types.js';
import { inert, jsonText, PLAIN, shapeJson, shapeText, type Highlighter } from './common.js';
import { rowJson, SCHEMA_VERSION } from './json.js';
import { typeName } from '../analysis/kinds.js';

export interface DiffSide {
  /** How the user named it: a preset or a file. */
  readonly label: string;
  readonly trace: Trace;
}

function field(layer: TracedLayer, f: DiffField, sym: boolean): string {
  switch (f) {
    case 'type':
      return typeName(layer.spec);
    case 'input':
      return shapeText(layer.input, sym);
    case 'output':
      return shapeText(layer.output, sym);
    case 'weight':
      return layer.weight ? shapeText(layer.weight) : '—';
    case 'bias':
      return layer.bias ? shapeText(layer.bias) : '—';
    case 'params':
      return groupDigits(layer.params);
    case 'macs':
      return groupDigits(layer.macs);
  }
}

function columns(rows: string[][]): string {
  // a loop, not Math.max(...cells): a diff may have a million rows
  const widths = rows[0]!.map(() => 0);
  for (const r of rows) r.forEach((cell, c) => (widths[c] = Math.max(widths[c]!, cell.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}

const signed = (x: Int): string => (x > 0 ? `+${groupDigits(x)}` : groupDigits(x));

export function formatDiffText(a: DiffSide, b: DiffSide, diff: TraceDiff, hl: Highlighter = PLAIN): string {
  const sa = a.trace.symbolicBatch;
  const sb = b.trace.symbolicBatch;
  const side = (name: string, s: DiffSide) =>
    `${name}: ${inert(s.label)}  input ${shapeText(s.trace.input, s.trace.symbolicBatch)} → output ${shapeText(s.trace.output, s.trace.symbolicBatch)}`;
  let out = `${hl.heading(side('a', a))}\n${hl.heading(side('b', b))}\n\n`;
  if (diff.rows.length === 0) out += 'no layer differs\n';
  else {
    const rows: string[][] = [['layer', 'field', 'a', 'b']];
    for (const r of diff.rows) {
      if (!r.b) rows.push([r.key, 'only in a', `${typeName(r.a!.spec)} ${shapeText(r.a!.output, sa)}`, '—']);
      else if (!r.a) rows.push([r.key, 'only in b', '—', `${typeName(r.b.spec)} ${shapeText(r.b.output, sb)}`]);
      else r.fields.forEach((f, i) => rows.push([i === 0 ? r.key : '', f, field(r.a!, f, sa), field(r.b!, f, sb)]));
    }
    out += `${columns(rows)}\n`;
  }
  const t = diff.totals;
  out += `\n${columns([
    ['totals', 'a', 'b', 'delta'],
    ['params', groupDigits(t.params.a), groupDigits(t.params.b), signed(t.params.delta)],
    ['mult-adds', groupDigits(t.macs.a), groupDigits(t.macs.b), signed(t.macs.delta)],
    ['BN running stats', groupDigits(t.bnRunningStats.a), groupDigits(t.bnRunningStats.b), signed(t.bnRunningStats.delta)],
  ])}\n`;
  out += `${diff.identical ? 'the traces are identical' : `${diff.rows.length} ${diff.rows.length === 1 ? 'row differs' : 'rows differ'}`}\n`;
  return out;
}

/** The diff as JSON text, whole (see diffJsonPieces). */
export function formatDiffJson(a: DiffSide, b: DiffSide, diff: TraceDiff): string {
  return [...diffJsonPieces(a, b, diff)].join('');
}

/**
 * The diff as JSON text in pieces, a row at a time: the text `JSON.stringify(document, null, 2)`
 * would give, without ever holding it whole (a diff at the row limit has two million rows).
 */
export function* diffJsonPieces(a: DiffSide, b: DiffSide, diff: TraceDiff): Generator<string> {
  const sideJson = (s: DiffSide) => ({
    label: s.label,
    model: { ...s.trace.config },
    input: shapeJson(s.trace.input, s.trace.symbolicBatch),
    output: shapeJson(s.trace.output, s.trace.symbolicBatch),
  });
  const total = (x: { a: Int; b: Int; delta: Int }) => ({ a: toJsonValue(x.a), b: toJsonValue(x.b), delta: toJsonValue(x.delta) });
  const whole = jsonText(
    {
      schemaVersion: SCHEMA_VERSION,
      a: sideJson(a),
      b: sideJson(b),
      identical: diff.identical,
      rows: [],
      totals: {
        params: total(diff.totals.params),
        macs: total(diff.totals.macs),
        bnRunningStats: total(diff.totals.bnRunningStats),
      },
    },
    2,
  );
  const rows = diff.rows;
  if (rows.length === 0) {
    yield `${whole}\n`;
    return;
  }
  // the rows go where the empty array stands, each as stringify nests it (four spaces in)
  const at = whole.indexOf('\n  "rows": []') + '\n  "rows": ['.length;
  yield `${whole.slice(0, at)}\n`;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const row = {
      key: r.key,
      status: !r.a ? 'onlyB' : !r.b ? 'onlyA' : 'changed',
      fields: r.fields,
      a: r.a ? rowJson(r.a, a.trace.symbolicBatch) : null,
      b: r.b ? rowJson(r.b, b.trace.symbolicBatch) : null,
    };
    yield `    ${jsonText(row, 2).replace(/\n/g, '\n    ')}${i < rows.length - 1 ? ',' : ''}\n`;
  }
  yield `  ]${whole.slice(at + 1)}\n`;
}

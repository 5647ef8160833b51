// Two traces aligned layer by layer: rows are matched by module path and by which call of
// that module they are (torchvision's per-block relu runs three times).

import { sub, type Int } from '../int.js';
import type { Shape, Trace, TracedLayer } from '../types.js';

export type DiffField = 'input' | 'output' | 'weight' | 'bias' | 'params' | 'macs' | 'type';

export interface RowDiff {
  /** `layer1.0.relu#2` for the third call of a reused module; the plain path otherwise. */
  readonly key: string;
  readonly a: TracedLayer | null;
  readonly b: TracedLayer | null;
  /** Fields that differ; empty for a row only one side has. */
  readonly fields: readonly DiffField[];
}

export interface TotalDelta {
  readonly a: Int;
  readonly b: Int;
  readonly delta: Int;
}

export interface TraceDiff {
  readonly rows: readonly RowDiff[];
  readonly totals: Readonly<Record<'params' | 'macs' | 'bnRunningStats', TotalDelta>>;
  readonly outputChanged: boolean;
  readonly identical: boolean;
}

function keyed(trace: Trace): Map<string, TracedLayer> {
  const seen = new Map<string, number>();
  const out = new Map<string, TracedLayer>();
  for (const layer of trace.layers) {
    const n = seen.get(layer.spec.name) ?? 0;
    seen.set(layer.spec.name, n + 1);
    out.set(n === 0 ? layer.spec.name : `${layer.spec.name}#${n}`, layer);
  }
  return out;
}

const sameShape = (x: Shape | null, y: Shape | null): boolean =>
  x === y || (x !== null && y !== null && x.length === y.length && x.every((d, i) => d === y[i]));

function differing(a: TracedLayer, b: TracedLayer): DiffField[] {
  const fields: DiffField[] = [];
  if (a.spec.kind !== b.spec.kind) fields.push('type');
  if (!sameShape(a.input, b.input)) fields.push('input');
  if (!sameShape(a.output, b.output)) fields.push('output');
  if (!sameShape(a.weight, b.weight)) fields.push('weight');
  if (!sameShape(a.bias, b.bias)) fields.push('bias');
  if (a.params !== b.params) fields.push('params');
  if (a.macs !== b.macs) fields.push('macs');
  return fields;
}

/** Only the rows that differ, in A's order, then the rows only B has, in B's order. */
export function diffTraces(a: Trace, b: Trace): TraceDiff {
  const ka = keyed(a);
  const kb = keyed(b);
  const rows: RowDiff[] = [];
  for (const [key, la] of ka) {
    const lb = kb.get(key) ?? null;
    if (!lb) rows.push({ key, a: la, b: null, fields: [] });
    else {
      const fields = differing(la, lb);
      if (fields.length > 0) rows.push({ key, a: la, b: lb, fields });
    }
  }
  for (const [key, lb] of kb) if (!ka.has(key)) rows.push({ key, a: null, b: lb, fields: [] });
  const delta = (x: Int, y: Int): TotalDelta => ({ a: x, b: y, delta: sub(y, x) });
  const totals = {
    params: delta(a.totals.params, b.totals.params),
    macs: delta(a.totals.macs, b.totals.macs),
    bnRunningStats: delta(a.totals.bnRunningStats, b.totals.bnRunningStats),
  };
  const outputChanged = !sameShape(a.output, b.output) || a.symbolicBatch !== b.symbolicBatch;
  const identical = rows.length === 0 && !outputChanged && Object.values(totals).every((t) => t.delta === 0);
  return { rows, totals, outputChanged, identical };
}

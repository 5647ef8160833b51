// Two traces aligned by structure: the stem with the stem, each block with the block at the same
// stage and index, the head with the head; within them, rows are matched by a longest common
// subsequence of (role, kind), so names alone (torchvision's `relu`, timm's `act1`) never make a
// difference, and an extra row (a deep stem's convs, a pooled shortcut) is one row only one side has.

import { sub, type Int } from '../int.js';
import type { Shape, Trace, TracedLayer } from '../types.js';
import { typeName } from './kinds.js';

export type DiffField = 'input' | 'output' | 'weight' | 'bias' | 'params' | 'macs' | 'type';

export interface RowDiff {
  /** The row's name; `a-name ~ b-name` when the two sides name matched rows differently. */
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

const sameShape = (x: Shape | null, y: Shape | null): boolean =>
  x === y || (x !== null && y !== null && x.length === y.length && x.every((d, i) => d === y[i]));

/** Where a row sits, as a key both traces share: `stem`, `1.0` (stage, block), `head`. */
function placeOf(layer: TracedLayer): string {
  const section = layer.spec.section;
  return section.kind === 'block' ? `${section.stage}.${section.index}` : section.kind;
}

/** Consecutive rows by place, in order of first appearance. */
function byPlace(trace: Trace): Map<string, TracedLayer[]> {
  const places = new Map<string, TracedLayer[]>();
  for (const layer of trace.layers) {
    const key = placeOf(layer);
    let rows = places.get(key);
    if (!rows) places.set(key, (rows = []));
    rows.push(layer);
  }
  return places;
}

const signature = (l: TracedLayer): string => `${l.spec.role ?? 'main'}:${l.spec.kind}`;

/** How well two rows match: not at all, the same role and kind, or that and the same output. */
function score(x: TracedLayer, y: TracedLayer): number {
  if (signature(x) !== signature(y)) return 0;
  return sameShape(x.output, y.output) ? 2 : 1;
}

/**
 * Pairs of rows (either side may be null) in order: the alignment with the best total score, a
 * longest common subsequence that prefers rows with the same output (a ResNet-D stem's last conv,
 * not its first, stands for a torchvision stem's conv1).
 */
function align(a: readonly TracedLayer[], b: readonly TracedLayer[]): [TracedLayer | null, TracedLayer | null][] {
  const n = a.length;
  const m = b.length;
  // rows of a place are few (a block has about ten): the quadratic table is small
  const table = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const s = score(a[i]!, b[j]!);
      table[i]![j] = Math.max(s > 0 ? table[i + 1]![j + 1]! + s : 0, table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const pairs: [TracedLayer | null, TracedLayer | null][] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const s = i < n && j < m ? score(a[i]!, b[j]!) : 0;
    if (s > 0 && table[i]![j] === table[i + 1]![j + 1]! + s) pairs.push([a[i++]!, b[j++]!]);
    else if (j < m && (i === n || table[i]![j + 1]! >= table[i + 1]![j]!)) pairs.push([null, b[j++]!]);
    else pairs.push([a[i++]!, null]);
  }
  return pairs;
}

function differing(a: TracedLayer, b: TracedLayer): DiffField[] {
  const fields: DiffField[] = [];
  if (typeName(a.spec) !== typeName(b.spec)) fields.push('type');
  if (!sameShape(a.input, b.input)) fields.push('input');
  if (!sameShape(a.output, b.output)) fields.push('output');
  if (!sameShape(a.weight, b.weight)) fields.push('weight');
  if (!sameShape(a.bias, b.bias)) fields.push('bias');
  if (a.params !== b.params) fields.push('params');
  if (a.macs !== b.macs) fields.push('macs');
  return fields;
}

/** The rows that differ, in A's order of places, then the places only B has. */
export function diffTraces(a: Trace, b: Trace): TraceDiff {
  const pa = byPlace(a);
  const pb = byPlace(b);
  const rows: RowDiff[] = [];
  const places = [...pa.keys(), ...[...pb.keys()].filter((k) => !pa.has(k))];
  for (const place of places) {
    for (const [la, lb] of align(pa.get(place) ?? [], pb.get(place) ?? [])) {
      if (!lb) rows.push({ key: la!.spec.name, a: la, b: null, fields: [] });
      else if (!la) rows.push({ key: lb.spec.name, a: null, b: lb, fields: [] });
      else {
        const fields = differing(la, lb);
        const key = la.spec.name === lb.spec.name ? la.spec.name : `${la.spec.name} ~ ${lb.spec.name}`;
        if (fields.length > 0) rows.push({ key, a: la, b: lb, fields });
      }
    }
  }
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

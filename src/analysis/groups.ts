// Folding a trace by depth, as torchinfo's `depth`: the stem, each stage (or block), the head.

import { add, type Int } from '../int.js';
import type { Shape, Trace } from '../types.js';

/** How far a trace is folded: a group per stage, per block, or per row. */
export const DEPTHS = ['stage', 'block', 'layer'] as const;
export type Depth = (typeof DEPTHS)[number];

export interface Group {
  /** `stem`, `layer2`, `layer2.0`, `head` */
  readonly name: string;
  readonly kind: 'stem' | 'stage' | 'block' | 'head' | 'layer';
  readonly input: Shape;
  readonly output: Shape;
  readonly params: Int;
  readonly macs: Int;
  /** Rows of `layers[]` it covers: first and last index, inclusive. */
  readonly rows: readonly [number, number];
}

function groupKey(trace: Trace, i: number, depth: Depth): { key: string; kind: Group['kind'] } {
  const section = trace.layers[i]!.spec.section;
  if (section.kind === 'stem') return { key: 'stem', kind: 'stem' };
  if (section.kind === 'head') return { key: 'head', kind: 'head' };
  const stage = `layer${section.stage + 1}`;
  return depth === 'stage' ? { key: stage, kind: 'stage' } : { key: `${stage}.${section.index}`, kind: 'block' };
}

/** Groups at `stage` or `block` depth; at `layer`, one group a row (nothing folded, as the table). */
export function groupTrace(trace: Trace, depth: Depth): Group[] {
  if (depth === 'layer') {
    return trace.layers.map((l, i) => ({ name: l.spec.name, kind: 'layer', input: l.input, output: l.output, params: l.params, macs: l.macs, rows: [i, i] }));
  }
  const groups: Group[] = [];
  const { layers } = trace;
  let start = 0;
  for (let i = 0; i < layers.length; i++) {
    const { key, kind } = groupKey(trace, i, depth);
    const last = i === layers.length - 1 || groupKey(trace, i + 1, depth).key !== key;
    if (!last) continue;
    let params: Int = 0;
    let macs: Int = 0;
    for (let j = start; j <= i; j++) {
      params = add(params, layers[j]!.params);
      macs = add(macs, layers[j]!.macs);
    }
    groups.push({ name: key, kind, input: layers[start]!.input, output: layers[i]!.output, params, macs, rows: [start, i] });
    start = i + 1;
  }
  return groups;
}

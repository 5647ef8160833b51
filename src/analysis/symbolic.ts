// A trace with the input's height and/or width as symbols (`--input 1,3,H,W`): every row's sides
// as formulas (sizes.ts), its mult-adds as a sum of products of them, and the conditions under
// which the network runs. Parameters and weights do not depend on the sides: they come from the
// trace of one size the network takes (the representative), as every other figure does.

import { traceShapes } from './trace.js';
import { expandResNet } from '../network/expand.js';
import type { ModelConfig, Shape, ShapeIssue, Trace } from '../types.js';
import { dimText, evalDim, failing, holds, symbolicTrace, validSizes, type Condition, type Dim, type Interval, type Sides } from './sizes.js';

/** Σ coefficient × Π factors: each factor a side's formula. */
export interface Term {
  readonly coefficient: bigint;
  readonly factors: readonly Dim[];
}
export type Poly = readonly Term[];

export function polyText(p: Poly): string {
  if (p.length === 0) return '0';
  return p.map((t) => (t.factors.length === 0 ? String(t.coefficient) : [...(t.coefficient === 1n ? [] : [String(t.coefficient)]), ...t.factors.map(dimText)].join('·'))).join(' + ');
}

export function evalPoly(p: Poly, x: Sides): bigint {
  return p.reduce((sum, t) => sum + t.factors.reduce((a, f) => a * evalDim(f, x), t.coefficient), 0n);
}

/** Adds like terms (the same factors), keeping first-seen order. */
function collect(terms: readonly Term[]): Poly {
  const byKey = new Map<string, { coefficient: bigint; factors: readonly Dim[] }>();
  for (const t of terms) {
    if (t.coefficient === 0n) continue;
    const key = t.factors.map(dimText).join('·');
    const seen = byKey.get(key);
    if (seen) seen.coefficient += t.coefficient;
    else byKey.set(key, { coefficient: t.coefficient, factors: t.factors });
  }
  return [...byKey.values()];
}

export interface SymbolicAnalysis {
  /** The trace at the representative input (parameters, weights, the rows' structure). */
  readonly trace: Trace;
  /** Which sides are symbols: [height, width]. */
  readonly symbolic: readonly [boolean, boolean];
  /** The input and each row's output as formulas. */
  readonly input: readonly Dim[];
  readonly rows: readonly (readonly Dim[])[];
  readonly macs: readonly Poly[];
  readonly totalMacs: Poly;
  /** The conditions that are not true for every size. */
  readonly conditions: readonly Condition[];
  /** Per symbolic side, the sizes it takes with the other at the representative's. */
  readonly valid: readonly [readonly Interval[] | null, readonly Interval[] | null];
}

export type SymbolicResult = { readonly ok: true; readonly analysis: SymbolicAnalysis } | { readonly ok: false; readonly issue: ShapeIssue };

/**
 * The network with the sides `symbolic` marks as symbols (the others as `shape` gives them). The
 * representative size of a symbolic side is the model's default where the network takes it, else
 * the smallest it takes.
 */
export function analyzeSymbolic(config: ModelConfig, shape: Shape, symbolic: readonly [boolean, boolean], symbolicBatch: boolean): SymbolicResult {
  const specs = expandResNet(config);
  const sym = symbolicTrace(specs, shape, symbolic);
  const defaults = config.input ?? [1, config.inChannels, 224, 224];
  const x: bigint[] = [0, 1].map((axis) => BigInt(symbolic[axis] ? defaults[2 + axis]! : shape[2 + axis]!));
  const valid: (readonly Interval[] | null)[] = [null, null];
  // a size each symbolic side takes with the other's (twice: the second with the first's choice)
  for (let round = 0; round < 2; round++)
    for (const axis of [0, 1] as const) {
      if (!symbolic[axis]) continue;
      const sizes = validSizes(sym, axis, x[1 - axis]!);
      valid[axis] = sizes;
      if (sizes.length > 0 && !sizes.some(([a, b]) => x[axis]! >= a && (b === null || x[axis]! <= b))) x[axis] = sizes[0]![0];
    }
  const at: Sides = [x[0]!, x[1]!];
  const representative = [shape[0]!, shape[1]!, Number(at[0]), Number(at[1])];
  const traced = traceShapes(config, specs, representative, { symbolicBatch });
  if (!traced.ok) {
    const failed = failing(sym, at);
    return { ok: false, issue: failed ? { ...traced.issue, expected: `${traced.issue.expected} (no ${symbolic[0] && symbolic[1] ? 'height and width' : symbolic[0] ? 'height' : 'width'} makes it hold)` } : traced.issue };
  }
  const { trace } = traced;
  const macs = trace.layers.map((layer, i): Poly => {
    const m = BigInt(layer.macs);
    if (m === 0n) return [];
    const out = sym.rows[i]!;
    // conv: mult-adds are the output positions times a constant; any other row's are constant
    if (out.length !== 4 || out.slice(2).every((d) => d.k === 'n')) return [{ coefficient: m, factors: [] }];
    const spatial = BigInt(layer.output[2]!) * BigInt(layer.output[3]!);
    const factors = out.slice(2).filter((d) => d.k !== 'n');
    const fixed = out.slice(2).reduce((a, d) => (d.k === 'n' ? a * d.v : a), 1n);
    return [{ coefficient: (m / spatial) * fixed, factors }];
  });
  return {
    ok: true,
    analysis: {
      trace,
      symbolic,
      input: [{ k: 'n', v: BigInt(shape[0]!) }, { k: 'n', v: BigInt(shape[1]!) }, ...[0, 1].map((axis): Dim => (symbolic[axis] ? { k: 'f', axis: axis as 0 | 1, c: 0n, s: 1n } : { k: 'n', v: BigInt(shape[2 + axis]!) }))],
      rows: sym.rows,
      macs,
      totalMacs: collect(macs.flat()),
      // those a fixed side decides hold here (the representative runs): the rest are the conditions
      conditions: sym.conditions.filter((c) => !isConstant(c) || !holds(c, at)),
      valid: [valid[0] ?? null, valid[1] ?? null],
    },
  };
}

/** A condition that reads no symbol. */
function isConstant(c: Condition): boolean {
  const r = c.rel;
  const dims = r.k === 'never' ? [] : r.k === 'eq' ? [r.a, r.b] : r.k === 'gate' ? [r.gate, r.of] : [r.dim];
  const fixed = (d: Dim): boolean => d.k === 'n' || (d.k === 'q' && fixed(d.num) && fixed(d.den)) || (d.k === 'p' && d.dims.every(fixed));
  return dims.every(fixed);
}

// A trace with the input's height and/or width as symbols (`--input 1,3,H,W`): every row's sides
// as formulas (sizes.ts), its mult-adds as a sum of products of them, and the conditions under
// which the network runs. Parameters and weights do not depend on the sides: they come from the
// trace of one size the network takes (the representative), as every other figure does.

import { traceShapes } from './trace.js';
import { DEFAULT_MEMORY_OPTIONS, estimateMemory, type KeptTensor, type MemoryOptions, type MemoryReport } from './memory.js';
import { expandResNet } from '../network/expand.js';
import { isImageNetwork, modelInput } from '../network/config.js';
import type { ModelConfig, Shape, ShapeIssue, Trace } from '../types.js';
import { dimText, evalDim, failing, holds, readsSides, symbolicTrace, validSizes, windowDim, type Condition, type Dim, type Interval, type Sides } from './sizes.js';

/**
 * coefficient × Π factors, each factor a side's formula; with a granule g, that product rounded up
 * to a multiple of g (g·⌈x/g⌉: the CUDA caching allocator's 512-byte blocks).
 */
export interface Term {
  readonly coefficient: bigint;
  readonly factors: readonly Dim[];
  readonly granule?: bigint;
  /** How many such rounded terms (default 1). */
  readonly times?: bigint;
}
export type Poly = readonly Term[];

function termText(t: Term): string {
  const product = t.factors.length === 0 ? String(t.coefficient) : [...(t.coefficient === 1n ? [] : [String(t.coefficient)]), ...t.factors.map(dimText)].join('·');
  if (t.granule === undefined) return product;
  return `${t.times !== undefined && t.times !== 1n ? `${t.times}·` : ''}${t.granule}·⌈${product}/${t.granule}⌉`;
}

export function polyText(p: Poly): string {
  return p.length === 0 ? '0' : p.map(termText).join(' + ');
}

function evalTerm(t: Term, x: Sides): bigint {
  const v = t.factors.reduce((a, f) => a * evalDim(f, x), t.coefficient);
  if (t.granule === undefined || v === 0n) return v;
  return ((v + t.granule - 1n) / t.granule) * t.granule * (t.times ?? 1n);
}

export function evalPoly(p: Poly, x: Sides): bigint {
  return p.reduce((sum, t) => sum + evalTerm(t, x), 0n);
}

/** Adds like terms (the same factors; a rounded term with the same rounding), keeping first-seen order. */
function collect(terms: readonly Term[]): Poly {
  const byKey = new Map<string, { coefficient: bigint; factors: readonly Dim[]; granule?: bigint; times: bigint }>();
  for (const t of terms) {
    if (t.coefficient === 0n) continue;
    const rounded = t.granule !== undefined;
    const key = `${rounded ? `${t.granule}:${t.coefficient}:` : ''}${t.factors.map(dimText).join('·')}`;
    const seen = byKey.get(key);
    if (seen && rounded) seen.times += t.times ?? 1n;
    else if (seen) seen.coefficient += t.coefficient;
    else byKey.set(key, { coefficient: t.coefficient, factors: t.factors, ...(rounded ? { granule: t.granule } : {}), times: t.times ?? 1n });
  }
  return [...byKey.values()].map(({ times, ...t }) => (times === 1n ? t : { ...t, times }));
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
  /** Bytes each row keeps for backward, and the activations (kept, the output, the loss's), as the memory model counts them. */
  readonly kept: readonly Poly[];
  readonly activations: Poly;
  /** The memory model at the representative (the parts that do not depend on the sides hold for every size). */
  readonly memory: MemoryReport;
  readonly memoryOptions: MemoryOptions;
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
export function analyzeSymbolic(
  config: ModelConfig,
  shape: Shape,
  symbolic: readonly [boolean, boolean],
  symbolicBatch: boolean,
  memoryOptions: MemoryOptions = DEFAULT_MEMORY_OPTIONS,
): SymbolicResult {
  if (!isImageNetwork(config)) return { ok: false, issue: { code: 'rank', path: 'input', expected: 'sizes for every axis: H and W stand for an image network\'s height and width (dims 2)', found: `a network of ${config.dims}-d maps` } };
  const specs = expandResNet(config);
  const sym = symbolicTrace(specs, shape, symbolic);
  const defaults = config.input ?? modelInput(config);
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
  const memory = estimateMemory(trace, memoryOptions, true);
  const inputDims: Dim[] = [{ k: 'n', v: BigInt(shape[0]!) }, { k: 'n', v: BigInt(shape[1]!) }, ...[0, 1].map((axis): Dim => (symbolic[axis] ? { k: 'f', axis: axis as 0 | 1, c: 0n, s: 1n } : { k: 'n', v: BigInt(shape[2 + axis]!) }))];
  // a kept tensor: its element size × its fixed dimensions × its sides' formulas, in 512-byte blocks
  const termOf = (k: KeptTensor): Term => {
    if ('bytes' in k) return { coefficient: BigInt(k.bytes), factors: [] };
    let coefficient = BigInt(k.elementSize);
    const factors: Dim[] = [];
    const dimsOf = (i: number) => (i < 0 ? inputDims : sym.rows[i]!);
    let dims = 'of' in k ? dimsOf(k.of) : dimsOf(trace.layers[k.padded]!.spec.from);
    if ('padded' in k) dims = dims.map((d, j) => (j < 2 ? d : windowDim(d, 1, 1, k.by[j - 2]![0], k.by[j - 2]![1], 1, false).out));
    for (const d of dims) {
      if (d.k === 'n') coefficient *= d.v;
      else if (d.k === 'p') {
        coefficient *= d.factor;
        factors.push(...d.dims);
      } else factors.push(d);
    }
    // a multiple of 512 a position is whole blocks at any size
    return coefficient % GRANULE === 0n || factors.length === 0 ? { coefficient: factors.length === 0 ? roundUp(coefficient) : coefficient, factors } : { coefficient, factors, granule: GRANULE };
  };
  const kept = memory.kept!.map((list) => collect(list.map(termOf)));
  const activations = collect([...kept.flat(), ...memory.afterKept!.map(termOf)]);
  return {
    ok: true,
    analysis: {
      trace,
      kept,
      activations,
      memory,
      memoryOptions,
      symbolic,
      input: inputDims,
      rows: sym.rows,
      macs,
      totalMacs: collect(macs.flat()),
      // those a fixed side decides hold here (the representative runs): the rest are the conditions
      conditions: sym.conditions.filter((c) => readsSides(c) || !holds(c, at)),
      valid: [valid[0] ?? null, valid[1] ?? null],
    },
  };
}

/** The CUDA caching allocator's block. */
const GRANULE = 512n;
const roundUp = (b: bigint): bigint => (b === 0n ? 0n : ((b + GRANULE - 1n) / GRANULE) * GRANULE);


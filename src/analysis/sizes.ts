// Which inputs a network takes, answered from formulas of the input's height and width rather
// than by tracing size after size.
//
// A conv or pool window along one axis takes a side n to ⌊(n + a)/s⌋ + 1, and floors of integer
// divisions compose: ⌊(⌊(X + c)/S⌋ + b)/s⌋ = ⌊(X + c + b·S)/(S·s)⌋. So every side of every map
// is one form ⌊(X + c)/S⌋ of the input's side X (its height H or width W), exactly, PyTorch's
// ceil mode included (its "last window starts inside the input" correction is a smaller c). A
// row refuses an input where a window is wider than its padded input, an inequality on that
// form, so each axis has a least valid size. The few rows that read both sides (a pool as wide
// as the map, a classifier built for one map size, a gate that must broadcast) give conditions
// that are solved by walking the forms' steps, which are finitely many before they settle.

import type { LayerSpec, Shape } from '../types.js';
import { blurPadding } from './kinds.js';

/** 0: height, 1: width. */
export type Axis = 0 | 1;
export const AXIS_NAMES = ['height', 'width'] as const;
const SYMBOLS = ['H', 'W'] as const;

/** A size as a formula of the input's height and width. */
export type Dim =
  /** a fixed size */
  | { readonly k: 'n'; readonly v: bigint }
  /** ⌊(X + c)/s⌋ of the input's side X along `axis` (s ≥ 1) */
  | { readonly k: 'f'; readonly axis: Axis; readonly c: bigint; readonly s: bigint }
  /** ⌊num / den⌋: a window as wide (or tall) as the map */
  | { readonly k: 'q'; readonly num: Dim; readonly den: Dim }
  /** factor × the product of dims: a flattened map's features */
  | { readonly k: 'p'; readonly factor: bigint; readonly dims: readonly Dim[] };

export type Sides = readonly [bigint, bigint];

/** ⌊a / b⌋ for b > 0. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** Fixed sizes, each once (a deep network names the same channel counts thousands of times). */
const fixed = new Map<number, Dim>();
const num = (v: bigint | number): Dim => {
  if (typeof v === 'bigint') return { k: 'n', v };
  let d = fixed.get(v);
  if (d === undefined) fixed.set(v, (d = { k: 'n', v: BigInt(v) }));
  return d;
};

export function evalDim(d: Dim, x: Sides): bigint {
  switch (d.k) {
    case 'n':
      return d.v;
    case 'f':
      return floorDiv(x[d.axis] + d.c, d.s);
    case 'q': {
      const den = evalDim(d.den, x);
      return den <= 0n ? 0n : floorDiv(evalDim(d.num, x), den);
    }
    case 'p':
      return d.dims.reduce((a, f) => a * evalDim(f, x), d.factor);
  }
}

/** The formula as text: ⌊(H+1)/2⌋, W, ⌊H/32⌋, 2048·⌊(H−1)/32⌋·⌊(W−1)/32⌋. */
export function dimText(d: Dim): string {
  switch (d.k) {
    case 'n':
      return String(d.v);
    case 'f': {
      const x = SYMBOLS[d.axis];
      const affine = d.c === 0n ? x : `${x}${d.c < 0n ? '−' : '+'}${d.c < 0n ? -d.c : d.c}`;
      if (d.s === 1n) return affine;
      return d.c === 0n ? `⌊${x}/${d.s}⌋` : `⌊(${affine})/${d.s}⌋`;
    }
    case 'q':
      return `⌊${dimText(d.num)}/${dimText(d.den)}⌋`;
    case 'p':
      return [...(d.factor === 1n ? [] : [String(d.factor)]), ...d.dims.map(dimText)].join('·');
  }
}

function sameDim(a: Dim, b: Dim): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'n':
      return a.v === (b as typeof a).v;
    case 'f': {
      const f = b as typeof a;
      return a.axis === f.axis && a.c === f.c && a.s === f.s;
    }
    case 'q':
      return sameDim(a.num, (b as typeof a).num) && sameDim(a.den, (b as typeof a).den);
    case 'p': {
      const p = b as typeof a;
      return a.factor === p.factor && a.dims.length === p.dims.length && a.dims.every((x, i) => sameDim(x, p.dims[i]!));
    }
  }
}

/** The forms of the input's sides a dim reads. */
function formsOf(d: Dim, into: Extract<Dim, { k: 'f' }>[] = []): Extract<Dim, { k: 'f' }>[] {
  if (d.k === 'f') into.push(d);
  else if (d.k === 'q') {
    formsOf(d.num, into);
    formsOf(d.den, into);
  } else if (d.k === 'p') for (const x of d.dims) formsOf(x, into);
  return into;
}

/** A condition under which the network runs, and the row it comes from. */
export interface Condition {
  readonly row: number;
  readonly path: string;
  /** `d ≥ t` (a window fits), `d ≤ t` (a fixed head's map), or any other relation of sizes. */
  readonly rel: { readonly k: 'min' | 'max'; readonly dim: Dim; readonly t: bigint } | { readonly k: 'eq'; readonly a: Dim; readonly b: Dim } | { readonly k: 'gate'; readonly gate: Dim; readonly of: Dim } | { readonly k: 'never'; readonly why: string };
}

export function conditionText(c: Condition): string {
  const r = c.rel;
  switch (r.k) {
    case 'min':
      return `${dimText(r.dim)} ≥ ${r.t}`;
    case 'max':
      return `${dimText(r.dim)} ≤ ${r.t}`;
    case 'eq':
      return `${dimText(r.a)} = ${dimText(r.b)}`;
    case 'gate':
      return `${dimText(r.gate)} = 1 or ${dimText(r.gate)} = ${dimText(r.of)}`;
    case 'never':
      return r.why;
  }
}

export function holds(c: Condition, x: Sides): boolean {
  const r = c.rel;
  switch (r.k) {
    case 'min':
      return evalDim(r.dim, x) >= r.t;
    case 'max':
      return evalDim(r.dim, x) <= r.t;
    case 'eq':
      return evalDim(r.a, x) === evalDim(r.b, x);
    case 'gate': {
      const g = evalDim(r.gate, x);
      return g === 1n || g === evalDim(r.of, x);
    }
    case 'never':
      return false;
  }
}

/** Each row's output as formulas, and the conditions of the rows in order. */
export interface SymbolicTrace {
  readonly rows: readonly (readonly Dim[])[];
  readonly conditions: readonly Condition[];
}

/** A window of `k` (dilation `d`, padding before and after) at stride `s` along one side. */
export function windowDim(n: Dim, k: number, s: number, pb: number, pa: number, d: number, ceil: boolean): { out: Dim; least: bigint } {
  const a = BigInt(pb + pa - d * (k - 1) - 1);
  const S = BigInt(s);
  // ceil mode: ⌈(n + a)/s⌉, but the last window must start inside the input (before padding after)
  const a2 = ceil ? (a + S - 1n < BigInt(pb - 1) ? a + S - 1n : BigInt(pb - 1)) : a;
  // out = ⌊(n + a2)/s⌋ + 1 = ⌊(n + a2 + s)/s⌋, at least 1 where n ≥ −a2
  let out: Dim;
  if (n.k === 'n') out = num(floorDiv(n.v + a2 + S, S));
  else if (n.k === 'f') {
    // a stride-1 window that keeps the size (a 3×3 padded by 1) keeps the form itself
    const c = n.c + (a2 + S) * n.s;
    out = S === 1n && c === n.c ? n : { k: 'f', axis: n.axis, c, s: n.s * S };
  }
  else if (k === 1 && s === 1 && pb === 0 && pa === 0) out = n;
  else throw new Error(`a window over ${dimText(n)} has no formula here`);
  return { out, least: -a2 };
}

/**
 * Walks the rows with the input's height and width as symbols H and W (the batch and channels as
 * given), as the concrete walk (trace.ts) walks them with numbers.
 */
export function symbolicTrace(specs: readonly LayerSpec[], input: Shape, symbolic: readonly [boolean, boolean] = [true, true]): SymbolicTrace {
  const side = (axis: Axis): Dim => (symbolic[axis] ? { k: 'f', axis, c: 0n, s: 1n } : num(input[2 + axis]!));
  const X: Dim[] = [num(input[0]!), num(input[1]!), side(0), side(1)];
  const rows: (readonly Dim[])[] = [];
  const conditions: Condition[] = [];
  const of = (i: number): readonly Dim[] => (i < 0 ? X : rows[i]!);
  // the row being walked, and its input: the helpers below read them (made once, not per row)
  let i = 0;
  let spec: LayerSpec = specs[0]!;
  let x: readonly Dim[] = X;
  const at = (rel: Condition['rel']) => conditions.push({ row: i, path: spec.name, rel });
  const channels = (expected: number) => {
    const c = x[1];
    if (x.length !== 4 || c?.k !== 'n' || Number(c.v) !== expected) at({ k: 'never', why: `${expected} input channels, found ${c ? dimText(c) : 'none'}` });
  };
  const window = (k: readonly number[], s: readonly number[], p: readonly (readonly number[])[], d: readonly number[], ceil: boolean, outChannels: Dim): Dim[] => {
    const out: Dim[] = [x[0]!, outChannels];
    for (let axis = 0; axis < 2; axis++) {
      const n = x[2 + axis]!;
      const w = windowDim(n, k[axis]!, s[axis]!, p[axis]![0]!, p[axis]![1]!, d[axis]!, ceil);
      if (w.least > 1n && !(n.k === 'n' && n.v >= w.least)) at({ k: 'min', dim: n, t: w.least });
      out.push(w.out);
    }
    return out;
  };
  for (i = 0; i < specs.length; i++) {
    spec = specs[i]!;
    x = of(spec.from);
    let y: readonly Dim[];
    switch (spec.kind) {
      case 'conv2d':
        channels(spec.inChannels);
        y = window(spec.kernel, spec.stride, spec.padding, spec.dilation, false, num(spec.outChannels));
        break;
      case 'batchnorm2d':
        channels(spec.channels);
        y = x;
        break;
      case 'groupnorm':
        channels(spec.channels);
        if (spec.channels % spec.groups !== 0) at({ k: 'never', why: `channels divisible by the ${spec.groups} groups, found ${spec.channels}` });
        y = x;
        break;
      case 'prelu':
        if (spec.parameters !== 1) channels(spec.parameters);
        y = x;
        break;
      case 'relu':
      case 'identity':
      case 'sigmoid':
      case 'dropout':
        y = x;
        break;
      case 'maxpool2d':
        y = window(spec.kernel, spec.stride, spec.padding, spec.dilation, spec.ceilMode, x[1]!);
        break;
      case 'avgpool2d':
        y = window(spec.kernel, spec.stride, spec.padding, [1, 1], spec.ceilMode, x[1]!);
        break;
      case 'add': {
        const o = of(spec.shortcut);
        x.forEach((d, j) => {
          if (!sameDim(d, o[j]!)) at({ k: 'eq', a: d, b: o[j]! });
        });
        y = x;
        break;
      }
      case 'adaptiveavgpool2d':
        y = [x[0]!, x[1]!, ...spec.outputSize.map(num)];
        break;
      case 'flatten': {
        // fixed sizes multiply into the factor; the rest stay formulas
        const rest = x.slice(1);
        const factor = rest.reduce((a, d) => (d.k === 'n' ? a * d.v : a), 1n);
        const dims = rest.filter((d) => d.k !== 'n');
        y = [x[0]!, dims.length === 0 ? num(factor) : { k: 'p', factor, dims }];
        break;
      }
      case 'linear':
      case 'batchnorm1d': {
        const features = spec.kind === 'linear' ? spec.inFeatures : spec.features;
        const last = x[x.length - 1]!;
        if (last.k === 'n') {
          if (last.v !== BigInt(features)) at({ k: 'never', why: `${features} input features, found ${last.v}` });
        } else at({ k: 'eq', a: last, b: num(features) });
        y = spec.kind === 'linear' ? [...x.slice(0, -1), num(spec.outFeatures)] : x;
        break;
      }
      case 'channelpad': {
        const [n, c, h, w] = x as [Dim, Dim, Dim, Dim];
        const ceil = (d: Dim, s: number) => windowDim(d, 1, s, 0, 0, 1, false).out;
        y = [n, c.k === 'n' ? num(c.v + BigInt(spec.channels[0] + spec.channels[1])) : c, ceil(h, spec.stride[0]), ceil(w, spec.stride[1])];
        break;
      }
      case 'widthpool2d': {
        const [n, c, h, w] = x as [Dim, Dim, Dim, Dim];
        if (spec.window !== undefined) {
          const k = spec.window;
          y = window([k, k], [k, k], [[0, 0], [0, 0]], [1, 1], false, c);
          // a fixed window before a classifier must pool the map to 1×1
          if (spec.unit) for (const d of y.slice(2)) at({ k: 'max', dim: d, t: 1n });
        } else {
          // a square window as wide as the map (as tall, with `height`), at that stride: the
          // other side becomes their quotient, which must be at least 1
          const q: Dim = spec.height ? { k: 'q', num: w, den: h } : { k: 'q', num: h, den: w };
          at({ k: 'min', dim: q, t: 1n });
          y = spec.height ? [n, c, num(1), q] : [n, c, q, num(1)];
        }
        break;
      }
      case 'mean':
        y = spec.flat ? [x[0]!, num(1), x[1]!] : [x[0]!, x[1]!, num(1), num(1)];
        break;
      case 'channelconv':
        y = x;
        break;
      case 'radixsum':
        y = [x[0]!, x[1]!.k === 'n' ? num(x[1]!.v / BigInt(spec.radix)) : x[1]!, x[2]!, x[3]!];
        break;
      case 'radixsoftmax':
        // the logits of a 1×1 map: nothing of the sides
        y = spec.radix > 1 ? [x[0]!, x[1]!] : x;
        break;
      case 'constantpad2d':
        y = window([1, 1], [1, 1], spec.padding, [1, 1], false, x[1]!);
        break;
      case 'slice':
        y = [x[0]!, num(spec.channels), x[2]!, x[3]!];
        break;
      case 'concat': {
        // the sides of every operand must be equal; the channels add up
        let c = x[1]!.k === 'n' ? x[1]!.v : 0n;
        for (const o of spec.others.map(of)) {
          for (const j of [2, 3]) if (!sameDim(x[j]!, o[j]!)) at({ k: 'eq', a: x[j]!, b: o[j]! });
          c += o[1]!.k === 'n' ? o[1]!.v : 0n;
        }
        y = [x[0]!, num(c), x[2]!, x[3]!];
        break;
      }
      case 'blurpool2d': {
        channels(spec.channels);
        const p = blurPadding(spec);
        // the reflection pad takes only sides over its padding
        for (const d of x.slice(2)) if (!(d.k === 'n' && d.v > BigInt(p))) at({ k: 'min', dim: d, t: BigInt(p + 1) });
        y = window([spec.kernel, spec.kernel], [spec.stride, spec.stride], [[p, p], [p, p]], [1, 1], false, x[1]!);
        break;
      }
      case 'mul': {
        const g = of(spec.gate);
        // ECA's gate [N, 1, C] is the channels' (a view of [N, C, 1, 1]): nothing of the sides
        if (g.length === 4)
          g.forEach((d, j) => {
            if (j >= 2 && !(d.k === 'n' && d.v === 1n) && !sameDim(d, x[j]!)) at({ k: 'gate', gate: d, of: x[j]! });
          });
        y = x;
        break;
      }
      default: {
        const never: never = spec;
        throw new Error(`unhandled layer kind ${(never as { kind: string }).kind}`);
      }
    }
    rows.push(y);
  }
  return { rows, conditions };
}

/** Sizes from `from` to `to` (null: unbounded). */
export type Interval = readonly [bigint, bigint | null];

function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [a0, a1] of a)
    for (const [b0, b1] of b) {
      const lo = a0 > b0 ? a0 : b0;
      const hi = a1 === null ? b1 : b1 === null ? a1 : a1 < b1 ? a1 : b1;
      if (hi === null || lo <= hi) out.push([lo, hi]);
    }
  return out.sort((p, q) => (p[0] < q[0] ? -1 : 1));
}

/** The sizes X of `axis` (the other side fixed) where the form ⌊(X + c)/s⌋ is at least / at most t. */
function formBound(f: Extract<Dim, { k: 'f' }>, k: 'min' | 'max', t: bigint): Interval[] {
  if (k === 'min') return [[(t * f.s - f.c > 1n ? t * f.s - f.c : 1n), null]];
  const hi = (t + 1n) * f.s - f.c - 1n;
  return hi >= 1n ? [[1n, hi]] : [];
}

/**
 * The sizes of `axis`, the other side fixed at `other`, for which condition `c` holds: a bound
 * where it is one on a form of that axis, else by walking the steps of the forms it reads (between
 * two steps nothing it reads changes) up to where every form exceeds the constants it compares
 * with, after which it holds or fails for good.
 */
function conditionSizes(c: Condition, axis: Axis, other: bigint): Interval[] {
  const r = c.rel;
  if (r.k === 'never') return [];
  if ((r.k === 'min' || r.k === 'max') && r.dim.k === 'f' && r.dim.axis === axis) return formBound(r.dim, r.k, r.t);
  const dims = conditionDims(c);
  const forms = dims.flatMap((d) => formsOf(d)).filter((f) => f.axis === axis);
  const at = (x: bigint): Sides => (axis === 0 ? [x, other] : [other, x]);
  if (forms.length === 0) return holds(c, at(1n)) ? [[1n, null]] : [];
  // every constant it reads: the other side's forms at `other`, fixed sizes, the bound
  const otherSide = at(1n);
  let magnitude = r.k === 'min' || r.k === 'max' ? (r.t < 0n ? -r.t : r.t) : 0n;
  for (const d of dims) for (const f of formsOf(d)) if (f.axis !== axis) magnitude += evalDim(f, otherSide) > 0n ? evalDim(f, otherSide) : 0n;
  // a fixed size compared with a product is compared with each of its factors' values: divide by
  // the product's constant factor (IResNet's 25,088 features are 512 × a 7 × 7 map)
  const factor = dims.reduce((f, d) => (d.k === 'p' && d.factor > f ? d.factor : f), 1n);
  for (const d of dims) if (d.k === 'n') magnitude += ((d.v < 0n ? -d.v : d.v) + factor - 1n) / factor;
  const limit = 2n * magnitude + 2n;
  // past `horizon` every form it reads is beyond the constants
  let horizon = 1n;
  for (const f of forms) {
    const x = limit * f.s - f.c;
    if (x > horizon) horizon = x;
  }
  const out: Interval[] = [];
  let start: bigint | null = null;
  let x = 1n;
  for (;;) {
    const ok = holds(c, at(x));
    if (ok && start === null) start = x;
    if (!ok && start !== null) {
      out.push([start, x - 1n]);
      start = null;
    }
    if (x >= horizon) break;
    // the next size at which some form steps
    let next = horizon;
    for (const f of forms) {
      const r0 = ((-(x + f.c)) % f.s + f.s) % f.s;
      const step = x + (r0 === 0n ? f.s : r0);
      if (step < next) next = step;
    }
    x = next;
  }
  if (start !== null) out.push([start, null]);
  return out;
}

/** The sizes of `axis` the network takes, the other side fixed at `other`. */
export function validSizes(t: SymbolicTrace, axis: Axis, other: bigint): Interval[] {
  let sizes: Interval[] = [[1n, null]];
  for (const c of t.conditions) {
    sizes = intersect(sizes, conditionSizes(c, axis, other));
    if (sizes.length === 0) break;
  }
  return sizes;
}

/** The first condition the input fails, or null when the network runs. */
export function failing(t: SymbolicTrace, x: Sides): Condition | null {
  for (const c of t.conditions) if (!holds(c, x)) return c;
  return null;
}

// ---------------------------------------------------------------------------------------------
// What `resnet-shapes sizes` reports

export interface AxisSizes {
  /** The sizes the network takes, the other side at the model's default. */
  readonly valid: readonly Interval[];
  /** The total stride: every row's side steps once per this many input sizes. */
  readonly period: bigint;
  /** The sizes around the default that give the same shape at every row. */
  readonly same: Interval | null;
  /** The last map's side at the default, and the sizes that give it. */
  readonly output: { readonly value: bigint; readonly sizes: Interval } | null;
  /** Sizes at which no strided row drops a row or column: X ≡ r (mod modulus) for r in residues. */
  readonly noLoss: { readonly modulus: bigint; readonly residues: readonly bigint[] } | null;
}

export interface SizesReport {
  /** The model's default input, the point each axis is taken at. */
  readonly input: Shape;
  readonly axes: readonly [AxisSizes, AxisSizes];
  /** The smallest S for which S×S runs, or null when none up to where every form has settled. */
  readonly smallestSquare: bigint | null;
  /** The last row whose output is a map (its sides are the `output` figures). */
  readonly outputRow: string | null;
  readonly conditions: readonly { readonly path: string; readonly text: string }[];
  readonly target: { readonly row: string; readonly size: readonly [bigint, bigint]; readonly sizes: readonly [readonly Interval[], readonly Interval[]] } | null;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
const lcm = (a: bigint, b: bigint): bigint => (a / gcd(a, b)) * b;

/** The sizes of `axis` where the form ⌊(X + c)/s⌋ equals v. */
function formClass(f: Extract<Dim, { k: 'f' }>, v: bigint): Interval | null {
  const lo = v * f.s - f.c;
  const hi = (v + 1n) * f.s - f.c - 1n;
  if (hi < 1n) return null;
  return [lo < 1n ? 1n : lo, hi];
}

/** A row by name, or a group (a name prefix such as `layer4`) by its last row. */
export function findRow(specs: readonly LayerSpec[], name: string): number {
  for (let i = specs.length - 1; i >= 0; i--) if (specs[i]!.name === name) return i;
  for (let i = specs.length - 1; i >= 0; i--) if (specs[i]!.name.startsWith(`${name}.`)) return i;
  return -1;
}

/** Strided windows along an axis: (row, stride). */
function stridedRows(specs: readonly LayerSpec[], axis: Axis): [number, number][] {
  const out: [number, number][] = [];
  specs.forEach((s, i) => {
    const stride = 'stride' in s ? (typeof s.stride === 'number' ? s.stride : s.stride[axis]) : s.kind === 'widthpool2d' && s.window !== undefined ? s.window : 1;
    if (stride > 1) out.push([i, stride]);
  });
  return out;
}

/** Periods beyond this are not walked for the no-loss sizes. */
const WALK_LIMIT = 1_000_000n;

export function sizesReport(specs: readonly LayerSpec[], input: Shape, target?: { readonly row: string; readonly size: readonly [number, number] }): SizesReport {
  const sym = symbolicTrace(specs, input);
  const x0: Sides = [BigInt(input[2]!), BigInt(input[3]!)];
  // the last row whose sides are forms of the input's
  let outputRow = -1;
  // the last row whose sides are forms of the input's, the head's pool aside (the last stage's map)
  for (let i = sym.rows.length - 1; i >= 0 && outputRow < 0; i--) {
    const r = sym.rows[i]!;
    if (r.length === 4 && r[2]!.k === 'f' && r[3]!.k === 'f' && specs[i]!.section.kind !== 'head') outputRow = i;
  }
  const axes = ([0, 1] as const).map((axis): AxisSizes => {
    const other = x0[1 - axis]!;
    const valid = validSizes(sym, axis, other);
    // rows repeat a few forms many times over: each distinct one once
    let period = 1n;
    let lo = 1n;
    let hi: bigint | null = null;
    let seen: Dim | null = null;
    for (const row of sym.rows) {
      const d = row[2 + axis];
      if (d === undefined || d === seen || d.k !== 'f') continue;
      seen = d;
      if (period % d.s !== 0n) period = lcm(period, d.s);
      const v = evalDim(d, x0);
      const from = v * d.s - d.c;
      const to = (v + 1n) * d.s - d.c - 1n;
      if (from > lo) lo = from;
      if (hi === null || to < hi) hi = to;
    }
    const same: Interval | null = hi === null || lo <= hi ? [lo, hi] : null;
    const last = outputRow >= 0 ? (sym.rows[outputRow]![2 + axis] as Extract<Dim, { k: 'f' }>) : null;
    const value = last ? evalDim(last, x0) : null;
    const outputSizes = last && value !== null ? formClass(last, value) : null;
    let noLoss: AxisSizes['noLoss'] = null;
    if (period <= WALK_LIMIT) {
      const strided = stridedRows(specs, axis);
      const residues: bigint[] = [];
      for (let r = 1n; r <= period; r++) {
        const at: Sides = axis === 0 ? [r, other] : [other, r];
        const lossless = strided.every(([i, s]) => {
          const n = evalDim(sideOf(sym, specs[i]!.from, axis), at);
          const out = evalDim(sym.rows[i]![2 + axis]!, at);
          return n % BigInt(s) === 0n && out * BigInt(s) === n;
        });
        if (lossless) residues.push(r % period);
      }
      noLoss = { modulus: period, residues: residues.sort((a, b) => (a < b ? -1 : 1)) };
    }
    return { valid, period, same, output: outputSizes && value !== null ? { value, sizes: outputSizes } : null, noLoss };
  }) as unknown as [AxisSizes, AxisSizes];
  let targetReport: SizesReport['target'] = null;
  if (target) {
    const i = findRow(specs, target.row);
    if (i >= 0) {
      const row = sym.rows[i]!;
      const sizes = ([0, 1] as const).map((axis) => {
        const d = row[2 + axis];
        if (!d) return [];
        const want = BigInt(target.size[axis]);
        const cond: Condition = { row: i, path: specs[i]!.name, rel: { k: 'eq', a: d, b: { k: 'n', v: want } } };
        const hits = d.k === 'f' && d.axis === axis ? (formClass(d, want) ? [formClass(d, want)!] : []) : conditionSizes(cond, axis, x0[1 - axis]!);
        return intersect(hits, axes[axis].valid);
      }) as unknown as [Interval[], Interval[]];
      targetReport = { row: specs[i]!.name, size: [BigInt(target.size[0]), BigInt(target.size[1])], sizes };
    }
  }
  return {
    input,
    axes,
    smallestSquare: smallestSquare(sym),
    outputRow: outputRow >= 0 ? specs[outputRow]!.name : null,
    conditions: sym.conditions.map((c) => ({ path: c.path, text: conditionText(c) })),
    target: targetReport,
  };
}

/**
 * The smallest S for which S×S runs: searched from the least size the windows allow until every
 * form has settled (64 total strides and 4,096 sizes past it); null when none does.
 */
export function smallestSquare(sym: SymbolicTrace): bigint | null {
  let from = 1n;
  let period = 1n;
  for (const c of sym.conditions) {
    const r = c.rel;
    if (r.k === 'min' && r.dim.k === 'f') {
      const b = formBound(r.dim, 'min', r.t)[0]![0];
      if (b > from) from = b;
    }
  }
  for (const row of sym.rows) for (const d of row) if (d.k === 'f' && period % d.s !== 0n) period = lcm(period, d.s);
  const until = from + 64n * period + 4096n;
  for (let s = from; s <= until; s++) if (failing(sym, [s, s]) === null) return s;
  return null;
}

/** The dims a condition compares. */
export function conditionDims(c: Condition): readonly Dim[] {
  const r = c.rel;
  return r.k === 'never' ? [] : r.k === 'eq' ? [r.a, r.b] : r.k === 'gate' ? [r.gate, r.of] : [r.dim];
}

/** Whether a condition reads the input's sides at all. */
export function readsSides(c: Condition): boolean {
  return conditionDims(c).some((d) => formsOf(d).length > 0);
}

/** The side along `axis` of row `from`'s output (-1: the input). */
function sideOf(sym: SymbolicTrace, from: number, axis: Axis): Dim {
  return from < 0 ? { k: 'f', axis, c: 0n, s: 1n } : sym.rows[from]![2 + axis]!;
}

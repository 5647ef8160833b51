// Receptive field per row by the standard recurrence (Araujo, Norris & Sim, Distill 2019),
// branch-aware: at a residual add the size is the larger of the two paths, the stride and the
// centre follow the main path. Each spatial axis has its own figures (a table per axis); an image's
// kernels are square, so its first axis stands for both.
//
//   k' = dilation·(k − 1) + 1
//   size   = size_in + (k' − 1)·jump_in
//   jump   = jump_in·stride
//   centre = centre_in + ((k' − 1)/2 − pad_before)·jump_in     (input pixel i has centre i)
//
// From the global pool on, every output sees the whole input: null.
//
// Figures are exact at any size: in doubles while every one stays below 2^53 (every network
// people train), else again in integers (the centre in half pixels), so a 64-stage network's
// stride of 2^65 is 36893488147419103232, not a rounded double.

import { toInt, type Int } from '../int.js';
import type { LayerSpec, TracedLayer } from '../types.js';
import { kindOf, operandsOf } from './kinds.js';

export interface ReceptiveField {
  /** Receptive field size in input pixels (may exceed the input). */
  readonly size: Int;
  /** Effective stride (jump): input pixels between neighbouring outputs. */
  readonly stride: Int;
  /**
   * Centre of the first output pixel in input coordinates (the first input pixel is 0); a half
   * pixel after an even window (a 2×2 average pool at jump 1).
   */
  readonly center: Int;
}

const INPUT: Field = { size: 1, stride: 1, center: 0 };

/** Numbers as doubles, while they are exact. */
interface Field {
  readonly size: number;
  readonly stride: number;
  readonly center: number;
}

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The recurrence in integers, centre in half pixels (2·centre): a window widens the field by
 * (span − 1) strides and multiplies the stride; a merge takes the larger field.
 */
interface ExactField {
  readonly size: bigint;
  readonly stride: bigint;
  readonly center2: bigint;
}

function exactNext(spec: LayerSpec, rf: ExactField, other: ExactField | null, axis: number): ExactField | null {
  const rule = kindOf(spec).field(spec, axis);
  switch (rule.rule) {
    case 'window': {
      const w = rule.window;
      const span = BigInt(w.dilation * (w.kernel - 1) + 1);
      return {
        size: rf.size + (span - 1n) * rf.stride,
        stride: rf.stride * BigInt(w.stride),
        center2: rf.center2 + (span - 1n - 2n * BigInt(w.padBefore)) * rf.stride,
      };
    }
    case 'same':
      return rf;
    case 'merge':
      return other ? { ...rf, size: rf.size > other.size ? rf.size : other.size } : null;
    case 'global':
      return null;
  }
}

/** Receptive fields of every row, kept in typed arrays: a million rows make no million objects. */
export class ReceptiveFieldTable {
  private readonly size: Float64Array;
  private readonly stride: Float64Array;
  private readonly center: Float64Array;
  /** Set when a figure outgrew doubles: every row again, in integers. */
  private readonly exact: (ExactField | null)[] | null = null;

  /** Along spatial axis `axis` (0: height, or a clip's frames, or a signal's length). */
  constructor(layers: readonly TracedLayer[], axis = 0) {
    const n = layers.length;
    const size = (this.size = new Float64Array(n).fill(Number.NaN));
    const stride = (this.stride = new Float64Array(n));
    const center = (this.center = new Float64Array(n));
    let overflow = false;
    // the recurrence above, on the arrays themselves (no object per row): NaN marks no field
    for (let i = 0; i < n; i++) {
      const spec = layers[i]!.spec;
      const from = spec.from;
      const s = from < 0 ? 1 : size[from]!;
      if (Number.isNaN(s)) continue;
      const t = from < 0 ? 1 : stride[from]!;
      const c = from < 0 ? 0 : center[from]!;
      const rule = kindOf(spec).field(spec, axis);
      switch (rule.rule) {
        case 'window': {
          const w = rule.window;
          const span = w.dilation * (w.kernel - 1) + 1;
          size[i] = s + (span - 1) * t;
          stride[i] = t * w.stride;
          center[i] = c + ((span - 1) / 2 - w.padBefore) * t;
          break;
        }
        case 'same':
          size[i] = s;
          stride[i] = t;
          center[i] = c;
          break;
        case 'merge': {
          // the largest of the operands' fields (a concatenation has several)
          const others = operandsOf(spec);
          let o = others.length === 0 ? Number.NaN : 0;
          for (let k = 0; k < others.length; k++) o = Math.max(o, others[k]! < 0 ? 1 : size[others[k]!]!);
          if (Number.isNaN(o)) continue;
          size[i] = Math.max(s, o);
          stride[i] = t;
          center[i] = c;
          break;
        }
        case 'global':
          continue;
      }
      if (size[i]! > SAFE || stride[i]! > SAFE || Math.abs(center[i]!) > SAFE / 2) overflow = true;
    }
    if (overflow) {
      const exact: (ExactField | null)[] = new Array(n);
      const get = (j: number): ExactField | null => (j < 0 ? { size: 1n, stride: 1n, center2: 0n } : exact[j]!);
      for (let i = 0; i < n; i++) {
        const spec = layers[i]!.spec;
        const rf = get(spec.from);
        // the largest of the operands' fields
        let other: ExactField | null = null;
        let global = false;
        for (const o of operandsOf(spec)) {
          const f = get(o);
          if (!f) global = true;
          else if (!other || f.size > other.size) other = f;
        }
        if (global) other = null;
        exact[i] = rf ? exactNext(spec, rf, other, axis) : null;
      }
      this.exact = exact;
    }
  }

  private double(i: number): Field | null {
    if (i < 0) return INPUT as Field;
    const size = this.size[i]!;
    return Number.isNaN(size) ? null : { size, stride: this.stride[i]!, center: this.center[i]! };
  }

  /** Row i's receptive field (-1: the input itself), or null from the global pool on. */
  at(i: number): ReceptiveField | null {
    if (!this.exact || i < 0) return this.double(i);
    const e = this.exact[i];
    if (!e) return null;
    // a half pixel stays a double: it only arises at jump 1, far below 2^53
    const center = e.center2 % 2n === 0n ? toInt((e.center2 / 2n).toString()) : Number(e.center2) / 2;
    return { size: toInt(e.size.toString()), stride: toInt(e.stride.toString()), center };
  }
}

export function receptiveFields(layers: readonly TracedLayer[], axis = 0): (ReceptiveField | null)[] {
  const table = new ReceptiveFieldTable(layers, axis);
  return layers.map((_, i) => table.at(i));
}

/** The receptive field at the last conv: the last row with a window and a weight that has one. */
export function finalReceptiveField(layers: readonly TracedLayer[], axis = 0): ReceptiveField | null {
  const table = new ReceptiveFieldTable(layers, axis);
  for (let i = layers.length - 1; i >= 0; i--) {
    const { spec, weight } = layers[i]!;
    if (weight && kindOf(spec).field(spec, axis).rule === 'window' && table.at(i)) return table.at(i);
  }
  return null;
}

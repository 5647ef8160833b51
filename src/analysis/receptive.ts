// Receptive field per row by the standard recurrence (Araujo, Norris & Sim, Distill 2019),
// branch-aware: at a residual add the size is the larger of the two paths, the stride and the
// centre follow the main path. Kernels are square, so each figure is one number.
//
//   k' = dilation·(k − 1) + 1
//   size   = size_in + (k' − 1)·jump_in
//   jump   = jump_in·stride
//   centre = centre_in + ((k' − 1)/2 − pad_before)·jump_in     (input pixel i has centre i)
//
// From the global pool on, every output sees the whole input: null.

import type { LayerSpec, TracedLayer } from '../types.js';
import { kindOf, operandsOf, type Window } from './kinds.js';

export interface ReceptiveField {
  /** Receptive field size in input pixels (may exceed the input). */
  readonly size: number;
  /** Effective stride (jump): input pixels between neighbouring outputs. */
  readonly stride: number;
  /** Centre of the first output pixel in input coordinates (the first input pixel is 0). */
  readonly center: number;
}

const INPUT: ReceptiveField = { size: 1, stride: 1, center: 0 };

function windowed(rf: ReceptiveField, w: Window): ReceptiveField {
  const span = w.dilation * (w.kernel - 1) + 1;
  return {
    size: rf.size + (span - 1) * rf.stride,
    stride: rf.stride * w.stride,
    center: rf.center + ((span - 1) / 2 - w.padBefore) * rf.stride,
  };
}

/** The field after a row, from the field of what it reads (and of its other operand). */
function next(spec: LayerSpec, rf: ReceptiveField, other: ReceptiveField | null): ReceptiveField | null {
  const rule = kindOf(spec).field(spec);
  switch (rule.rule) {
    case 'window':
      return windowed(rf, rule.window);
    case 'same':
      return rf;
    case 'merge':
      return other ? { ...rf, size: Math.max(rf.size, other.size) } : null;
    case 'global':
      return null;
  }
}

/** Receptive fields of every row, kept in typed arrays: a million rows make no million objects. */
export class ReceptiveFieldTable {
  private readonly size: Float64Array;
  private readonly stride: Float64Array;
  private readonly center: Float64Array;

  constructor(layers: readonly TracedLayer[]) {
    const n = layers.length;
    this.size = new Float64Array(n).fill(Number.NaN);
    this.stride = new Float64Array(n);
    this.center = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const spec = layers[i]!.spec;
      const rf = this.at(spec.from);
      const other = operandsOf(spec)[0];
      const r = rf ? next(spec, rf, other === undefined ? null : this.at(other)) : null;
      if (r) {
        this.size[i] = r.size;
        this.stride[i] = r.stride;
        this.center[i] = r.center;
      }
    }
  }

  /** Row i's receptive field (-1: the input itself), or null from the global pool on. */
  at(i: number): ReceptiveField | null {
    if (i < 0) return INPUT;
    const size = this.size[i]!;
    return Number.isNaN(size) ? null : { size, stride: this.stride[i]!, center: this.center[i]! };
  }
}

export function receptiveFields(layers: readonly TracedLayer[]): (ReceptiveField | null)[] {
  const table = new ReceptiveFieldTable(layers);
  return layers.map((_, i) => table.at(i));
}

/** The receptive field at the last conv: the last row with a window and a weight that has one. */
export function finalReceptiveField(layers: readonly TracedLayer[]): ReceptiveField | null {
  const table = new ReceptiveFieldTable(layers);
  for (let i = layers.length - 1; i >= 0; i--) {
    const { spec, weight } = layers[i]!;
    if (weight && kindOf(spec).field(spec).rule === 'window' && table.at(i)) return table.at(i);
  }
  return null;
}

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

export interface ReceptiveField {
  /** Receptive field size in input pixels (may exceed the input). */
  readonly size: number;
  /** Effective stride (jump): input pixels between neighbouring outputs. */
  readonly stride: number;
  /** Centre of the first output pixel in input coordinates (the first input pixel is 0). */
  readonly center: number;
}

const INPUT: ReceptiveField = { size: 1, stride: 1, center: 0 };

function windowed(rf: ReceptiveField, kernel: number, stride: number, padBefore: number, dilation: number): ReceptiveField {
  const span = dilation * (kernel - 1) + 1;
  return {
    size: rf.size + (span - 1) * rf.stride,
    stride: rf.stride * stride,
    center: rf.center + ((span - 1) / 2 - padBefore) * rf.stride,
  };
}

function next(spec: LayerSpec, rf: ReceptiveField, shortcut: ReceptiveField | null): ReceptiveField | null {
  switch (spec.kind) {
    case 'conv2d':
    case 'maxpool2d':
      return windowed(rf, spec.kernel[0], spec.stride[0], spec.padding[0][0], spec.dilation[0]);
    case 'avgpool2d':
      return windowed(rf, spec.kernel[0], spec.stride[0], spec.padding[0][0], 1);
    case 'add':
      return shortcut ? { ...rf, size: Math.max(rf.size, shortcut.size) } : null;
    case 'batchnorm2d':
    case 'relu':
    case 'identity':
      return rf;
    case 'adaptiveavgpool2d':
    case 'flatten':
    case 'linear':
      return null;
    default: {
      const never: never = spec;
      throw new Error(`unhandled layer kind ${(never as { kind: string }).kind}`);
    }
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
      const r = rf ? next(spec, rf, spec.kind === 'add' ? this.at(spec.shortcut) : null) : null;
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

/** The receptive field at the last conv (the last row before the global pool with one). */
export function finalReceptiveField(layers: readonly TracedLayer[]): ReceptiveField | null {
  const table = new ReceptiveFieldTable(layers);
  for (let i = layers.length - 1; i >= 0; i--) if (layers[i]!.spec.kind === 'conv2d' && table.at(i)) return table.at(i);
  return null;
}

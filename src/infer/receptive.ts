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

export function receptiveFields(layers: readonly TracedLayer[]): (ReceptiveField | null)[] {
  const out: (ReceptiveField | null)[] = new Array(layers.length);
  const of = (i: number): ReceptiveField | null => (i < 0 ? INPUT : out[i]!);
  for (let i = 0; i < layers.length; i++) {
    const spec = layers[i]!.spec;
    const rf = of(spec.from);
    out[i] = rf ? next(spec, rf, spec.kind === 'add' ? of(spec.shortcut) : null) : null;
  }
  return out;
}

/** The receptive field at the last conv (the last row before the global pool with one). */
export function finalReceptiveField(layers: readonly TracedLayer[]): ReceptiveField | null {
  const rfs = receptiveFields(layers);
  for (let i = layers.length - 1; i >= 0; i--) if (layers[i]!.spec.kind === 'conv2d' && rfs[i]) return rfs[i]!;
  return null;
}

// Memory figures as text and as the JSON `memory` and `fit` objects.

import { toJsonValue, type Int } from '../int.js';
import type { FitResult } from '../analysis/fit.js';
import type { MemoryOptions, MemoryReport } from '../analysis/memory.js';
import type { TraceDocument } from '../schemas/index.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** 2745710592 -> "2.56 GiB", exact for any size. */
export function binaryBytes(x: Int): string {
  let big = typeof x === 'bigint' ? x : BigInt(x);
  let unit = 0;
  let scale = 1n;
  while (unit < UNITS.length - 1 && big >= scale * 1024n) {
    scale *= 1024n;
    unit++;
  }
  if (unit === 0) return `${big} B`;
  const hundredths = (big * 100n + scale / 2n) / scale;
  big = hundredths;
  return `${big / 100n}.${(big % 100n).toString().padStart(2, '0')} ${UNITS[unit]}`;
}

export function memoryJson(m: MemoryReport, o: MemoryOptions, perSample: boolean): NonNullable<TraceDocument['memory']> {
  return {
    dtype: o.dtype,
    optimizer: o.optimizer,
    weightDecay: o.weightDecay,
    perSample,
    params: toJsonValue(m.params),
    gradients: toJsonValue(m.gradients),
    optimizerState: toJsonValue(m.optimizerState),
    input: toJsonValue(m.input),
    activations: toJsonValue(m.activations),
    allocatorSlack: toJsonValue(m.allocatorSlack),
    optimizerTemporaries: toJsonValue(m.optimizerTemporaries),
    cudaWorkspaces: toJsonValue(m.cudaWorkspaces),
    trainingPeak: toJsonValue(m.trainingPeak),
    trainingPeakPhase: m.trainingPeakPhase,
    inferencePeak: toJsonValue(m.inferencePeak),
  };
}

export function fitJson(f: FitResult): NonNullable<TraceDocument['fit']> {
  return { maxBatch: f.maxBatch, mode: f.mode, budgetBytes: toJsonValue(f.budgetBytes), bytesAtMaxBatch: toJsonValue(f.bytesAtMaxBatch) };
}

export function memoryLines(m: MemoryReport, o: MemoryOptions, perSample: boolean): string[] {
  const at = perSample ? ' (at N = 1)' : '';
  const setup = `${o.dtype}, ${o.optimizer}${o.weightDecay ? `, weight decay ${o.weightDecay}` : ''}`;
  return [
    `Memory (${setup}; CUDA allocator bytes)${at}:`,
    `  params + buffers ${binaryBytes(m.params)} · gradients ${binaryBytes(m.gradients)} · optimizer state ${binaryBytes(m.optimizerState)}`,
    `  activations kept for backward ${binaryBytes(m.activations)} (+ ${binaryBytes(m.allocatorSlack)} allocator slack) · input ${binaryBytes(m.input)} · CUDA workspaces ${binaryBytes(m.cudaWorkspaces)}`,
    `  training step peak ${binaryBytes(m.trainingPeak)} (in the ${m.trainingPeakPhase}) · inference peak ${binaryBytes(m.inferencePeak)} of activations`,
  ];
}

export function fitLine(f: FitResult): string {
  const what = f.mode === 'train' ? 'training' : 'inference';
  if (f.maxBatch === 0) {
    return `Fit: not even a batch of 1 fits ${binaryBytes(f.budgetBytes)} for ${what} (needs ${binaryBytes(f.bytesAtMaxBatch)})`;
  }
  return `Fit: largest batch for ${what} in ${binaryBytes(f.budgetBytes)}: ${f.maxBatch} (needs ${binaryBytes(f.bytesAtMaxBatch)})`;
}

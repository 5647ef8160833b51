// The largest batch whose memory fits a budget: memory grows with the batch, so a doubling
// search then a bisection finds it with a few dozen traces.

import { add, compare, type Int } from '../int.js';
import type { LayerSpec, ModelConfig, Shape } from '../types.js';
import { estimateMemory, type MemoryMode, type MemoryOptions, type MemoryReport } from './memory.js';
import { traceShapes } from './trace.js';

export interface FitResult {
  /** 0 when not even a batch of one fits. */
  readonly maxBatch: number;
  readonly mode: MemoryMode;
  readonly budgetBytes: Int;
  /** Bytes the mode needs at `maxBatch` (at batch 1 when nothing fits). */
  readonly bytesAtMaxBatch: Int;
}

/** Training: the step's peak. Inference: parameters, the input and the forward's peak. */
export function modeBytes(m: MemoryReport, mode: MemoryMode): Int {
  return mode === 'train' ? m.trainingPeak : add(add(m.params, m.inputOnly), m.inferencePeak);
}

/** The network is expanded once (`specs`); each probe traces it at another batch. */
export function fitBatch(
  config: ModelConfig,
  specs: readonly LayerSpec[],
  sample: Shape,
  budgetBytes: Int,
  mode: MemoryMode,
  options: MemoryOptions,
  maxBatch = 2 ** 31 - 1,
): FitResult {
  const bytesAt = (batch: number): Int => {
    const result = traceShapes(config, specs, [batch, ...sample]);
    if (!result.ok) throw new Error(`fitBatch: the model cannot take [${batch}, ${sample.join(', ')}]`);
    return modeBytes(estimateMemory(result.trace, options), mode);
  };
  const fits = (batch: number) => compare(bytesAt(batch), budgetBytes) <= 0;
  if (!fits(1)) return { maxBatch: 0, mode, budgetBytes, bytesAtMaxBatch: bytesAt(1) };
  let lo = 1;
  let hi = 2;
  while (hi <= maxBatch && fits(hi)) {
    lo = hi;
    hi *= 2;
  }
  hi = Math.min(hi, maxBatch + 1);
  // invariant: lo fits, hi does not (or is past the limit)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return { maxBatch: lo, mode, budgetBytes, bytesAtMaxBatch: bytesAt(lo) };
}

// LayerSpec[] + input Shape -> Trace. Each kind's rule (kinds.ts) says what is wrong as data;
// the walker adds where (the row's module path).

import { add, sub, type Int } from '../int.js';
import type { LayerSpec, ModelConfig, Shape, ShapeIssue, Trace, TracedLayer } from '../types.js';
import { kindOf, operandsOf, type Problem, type Weights } from './kinds.js';

export { convOutputLength } from './kinds.js';

const NO_SHAPES: readonly Shape[] = Object.freeze([]);
const NO_WEIGHTS: Weights = Object.freeze({ weight: null, bias: null, params: 0, runningStats: 0, macs: 0 });

/**
 * Keeps each distinct shape once: equal shapes share one array (a deep network repeats a few
 * shapes millions of times). One map keyed by a hash of the dimensions, with a short list per
 * key for the rare collision.
 */
function shapeInterner(): <T extends Shape | null>(shape: T) => T {
  const buckets = new Map<number, Shape[]>();
  return <T extends Shape | null>(shape: T): T => {
    if (shape === null) return shape;
    const n = shape.length;
    // h·31 + d stays exact in doubles for any dimension the limits allow, so `| 0` wraps it as
    // Math.imul would, without a call per dimension
    let h = n;
    for (let i = 0; i < n; i++) h = (h * 31 + shape[i]!) | 0;
    const bucket = buckets.get(h);
    if (bucket === undefined) {
      buckets.set(h, [shape]);
      return shape;
    }
    next: for (let k = 0; k < bucket.length; k++) {
      const kept = bucket[k]!;
      if (kept.length !== n) continue;
      for (let i = 0; i < n; i++) if (kept[i] !== shape[i]) continue next;
      return kept as T;
    }
    bucket.push(shape);
    return shape;
  };
}

export interface TraceOptions {
  /** Trace with batch 1 and mark batch-dependent totals as per sample. */
  readonly symbolicBatch?: boolean;
}

export type TraceResult = { readonly ok: true; readonly trace: Trace } | { readonly ok: false; readonly issue: ShapeIssue };

/** Walks the specs in order; each row's input is the output of the row it names in `from`. */
export function traceShapes(
  config: ModelConfig,
  specs: readonly LayerSpec[],
  input: Shape,
  options: TraceOptions = {},
): TraceResult {
  const layers: TracedLayer[] = new Array(specs.length);
  // Equal shapes share one array: a deep network repeats a few shapes millions of times.
  const intern = shapeInterner();
  let params: Int = 0;
  let stats: Int = 0;
  let macs: Int = 0;
  let frozen: Int = 0;
  const outputOf = (row: number): Shape => (row < 0 ? input : layers[row]!.output);
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const from = outputOf(spec.from);
    const kind = kindOf(spec);
    const operands = operandsOf(spec);
    const result = kind.output(spec, from, operands.length === 0 ? NO_SHAPES : operands.map(outputOf));
    if (!Array.isArray(result)) return { ok: false, issue: { ...(result as Problem), path: spec.name } };
    const output = result === from ? from : intern(result as Shape);
    const w = kind.weights?.(spec, from, output) ?? NO_WEIGHTS;
    layers[i] = {
      spec,
      input: from,
      output,
      weight: intern(w.weight),
      bias: intern(w.bias),
      params: w.params,
      runningStats: w.runningStats,
      macs: w.macs,
    };
    params = add(params, w.params);
    stats = add(stats, w.runningStats);
    macs = add(macs, w.macs);
    if (w.frozen) frozen = add(frozen, w.frozen);
  }
  const output = layers.length > 0 ? layers[layers.length - 1]!.output : input;
  return {
    ok: true,
    trace: {
      config,
      input,
      output,
      symbolicBatch: options.symbolicBatch ?? false,
      layers,
      totals: { params, trainableParams: sub(params, frozen), bnRunningStats: stats, macs },
    },
  };
}

// LayerSpec[] + input Shape -> Trace. Each rule says what is wrong as data (ShapeIssue);
// the walker adds where (the row's module path).

import { add, mul, product, type Int } from '../int.js';
import type {
  LayerSpec,
  ModelConfig,
  Pair,
  Shape,
  ShapeIssue,
  Trace,
  TracedLayer,
  Padding,
} from '../types.js';

/**
 * Output length of a convolution or pooling window along one axis, PyTorch's arithmetic
 * (`pooling_output_shape`): floor((size + padBefore + padAfter - dilation·(kernel-1) - 1
 * [+ stride - 1 with ceilMode]) / stride) + 1, and with `ceilMode` a last window that would
 * start in the right padding is dropped. A value below 1 means the input is too small.
 */
export function convOutputLength(
  size: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation = 1,
  ceilMode = false,
): number {
  const room = size + padBefore + padAfter - dilation * (kernel - 1) - 1;
  let out = Math.floor((room + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + padBefore) out -= 1;
  return out;
}

type RuleResult = { readonly output: Shape } | { readonly issue: Omit<ShapeIssue, 'path'> };

function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

function expectRank4(input: Shape): Omit<ShapeIssue, 'path'> | null {
  return input.length === 4 ? null : { code: 'rank', expected: 'a 4-d input [N, C, H, W]', found: fmt(input) };
}

function window2d(
  input: Shape,
  channels: number,
  kernel: Pair,
  stride: Pair,
  padding: Padding,
  dilation: Pair,
  ceilMode: boolean,
): RuleResult {
  const rank = expectRank4(input);
  if (rank) return { issue: rank };
  const [n, , h, w] = input as [number, number, number, number];
  const oh = convOutputLength(h, kernel[0], stride[0], padding[0][0], padding[0][1], dilation[0], ceilMode);
  const ow = convOutputLength(w, kernel[1], stride[1], padding[1][0], padding[1][1], dilation[1], ceilMode);
  if (oh < 1 || ow < 1) {
    const axis = oh < 1 ? 0 : 1;
    const size = axis === 0 ? h : w;
    const span = dilation[axis]! * (kernel[axis]! - 1) + 1;
    const padded = size + padding[axis]![0] + padding[axis]![1];
    return {
      issue: {
        code: 'too-small',
        expected: `a padded ${axis === 0 ? 'height' : 'width'} of at least the window span ${span} (dilation·(kernel−1)+1)`,
        found: `${size} + padding ${padding[axis]![0] + padding[axis]![1]} = ${padded}`,
      },
    };
  }
  return { output: [n, channels, oh, ow] };
}

function checkChannels(input: Shape, expected: number): Omit<ShapeIssue, 'path'> | null {
  const rank = expectRank4(input);
  if (rank) return rank;
  const found = input[1]!;
  return found === expected
    ? null
    : { code: 'channels', expected: `${expected} input channels`, found: String(found) };
}

function inferOutput(spec: LayerSpec, input: Shape, shortcut: Shape | undefined): RuleResult {
  switch (spec.kind) {
    case 'conv2d': {
      const bad = checkChannels(input, spec.inChannels);
      if (bad) return { issue: bad };
      return window2d(input, spec.outChannels, spec.kernel, spec.stride, spec.padding, spec.dilation, false);
    }
    case 'batchnorm2d': {
      const bad = checkChannels(input, spec.channels);
      return bad ? { issue: bad } : { output: input };
    }
    case 'maxpool2d':
      return window2d(input, input[1] ?? 0, spec.kernel, spec.stride, spec.padding, spec.dilation, spec.ceilMode);
    case 'avgpool2d':
      return window2d(input, input[1] ?? 0, spec.kernel, spec.stride, spec.padding, [1, 1], spec.ceilMode);
    case 'relu':
    case 'identity':
      return { output: input };
    case 'add': {
      const other = shortcut ?? [];
      const same = other.length === input.length && other.every((d, i) => d === input[i]);
      return same
        ? { output: input }
        : { issue: { code: 'add-mismatch', expected: `the shortcut's shape ${fmt(other)}`, found: fmt(input) } };
    }
    case 'adaptiveavgpool2d': {
      const rank = expectRank4(input);
      return rank ? { issue: rank } : { output: [input[0]!, input[1]!, spec.outputSize[0], spec.outputSize[1]] };
    }
    case 'flatten':
      return { output: [input[0]!, input.slice(1).reduce((a, b) => a * b, 1)] };
    case 'linear': {
      const found = input[input.length - 1];
      if (found !== spec.inFeatures) {
        return { issue: { code: 'features', expected: `${spec.inFeatures} input features`, found: String(found) } };
      }
      return { output: [...input.slice(0, -1), spec.outFeatures] };
    }
    default: {
      const never: never = spec;
      throw new Error(`unhandled layer kind ${(never as LayerSpec).kind}`);
    }
  }
}

interface Weights {
  readonly weight: Shape | null;
  readonly bias: Shape | null;
  readonly params: Int;
  readonly runningStats: number;
  readonly macs: Int;
}

const NO_WEIGHTS: Weights = Object.freeze({ weight: null, bias: null, params: 0, runningStats: 0, macs: 0 });

/** Weights, parameters and mult-adds (torchvision's convention: conv and linear only). */
function weightsOf(spec: LayerSpec, input: Shape, output: Shape): Weights {
  switch (spec.kind) {
    case 'conv2d': {
      const perGroupIn = spec.inChannels / spec.groups;
      const weight: Shape = [spec.outChannels, perGroupIn, spec.kernel[0], spec.kernel[1]];
      const bias = spec.bias ? [spec.outChannels] : null;
      const perOutput = mul(mul(perGroupIn, spec.kernel[0]), spec.kernel[1]);
      return {
        weight,
        bias,
        params: add(mul(spec.outChannels, perOutput), bias ? spec.outChannels : 0),
        runningStats: 0,
        macs: mul(product(output), perOutput),
      };
    }
    case 'batchnorm2d':
      return {
        weight: [spec.channels],
        bias: [spec.channels],
        params: 2 * spec.channels,
        runningStats: 2 * spec.channels,
        macs: 0,
      };
    case 'linear': {
      const rows = product(input.slice(0, -1));
      return {
        weight: [spec.outFeatures, spec.inFeatures],
        bias: spec.bias ? [spec.outFeatures] : null,
        params: add(mul(spec.outFeatures, spec.inFeatures), spec.bias ? spec.outFeatures : 0),
        runningStats: 0,
        macs: mul(rows, mul(spec.inFeatures, spec.outFeatures)),
      };
    }
    case 'relu':
    case 'maxpool2d':
    case 'avgpool2d':
    case 'identity':
    case 'add':
    case 'adaptiveavgpool2d':
    case 'flatten':
      return NO_WEIGHTS;
    default: {
      const never: never = spec;
      throw new Error(`unhandled layer kind ${(never as LayerSpec).kind}`);
    }
  }
}

/** A trie of dimensions: each distinct shape is kept once, found without building a key. */
function shapeInterner(): <T extends Shape | null>(shape: T) => T {
  interface Node {
    readonly next: Map<number, Node>;
    shape: Shape | null;
  }
  const root: Node = { next: new Map(), shape: null };
  return <T extends Shape | null>(shape: T): T => {
    if (shape === null) return shape;
    let node = root;
    for (const d of shape) {
      let child = node.next.get(d);
      if (!child) node.next.set(d, (child = { next: new Map(), shape: null }));
      node = child;
    }
    node.shape ??= shape;
    return node.shape as T;
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
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const from = spec.from < 0 ? input : layers[spec.from]!.output;
    const shortcut = spec.kind === 'add' ? (spec.shortcut < 0 ? input : layers[spec.shortcut]!.output) : undefined;
    const result = inferOutput(spec, from, shortcut);
    if ('issue' in result) return { ok: false, issue: { ...result.issue, path: spec.name } };
    const output = result.output === from ? from : intern(result.output);
    const w = weightsOf(spec, from, output);
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
      totals: { params, trainableParams: params, bnRunningStats: stats, macs },
    },
  };
}

// Layer kinds as data: one entry per kind with everything the analysis needs to know of it.
// The entries are a mapped type over the LayerSpec union, so a kind added to types.ts is a
// compile error here until it has its entry; the rest of the code reads these traits.
//
// Per kind:
//   operands   rows it reads besides `from` (the residual add's shortcut)
//   output     the shape rule: the output shape, or what is wrong (the walker adds where)
//   weights    weight and bias shapes, params, BatchNorm statistics, mult-adds
//              (torchvision's convention: conv and linear count, nothing else)
//   field      receptive-field rule: a window, unchanged, the larger of two paths, or global
//   memory     what PyTorch does with it in training: whether it writes into its input's
//              storage, what autograd keeps for backward, whether autocast runs it in 16 bits
//   torch      the leaf module (or tensor operation) PyTorch runs it as: what the counting
//              tools' hooks see (counts.ts)

import { add, mul, product, type Int } from '../int.js';
import type { LayerKind, LayerSpec, Padding, Shape, ShapeIssue, Spatial, TracedLayer } from '../types.js';
import { pad, pair } from '../network/rows.js';

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

export type Problem = Omit<ShapeIssue, 'path'>;
/** The output shape, or what is wrong (a shape is an array, a problem is not). */
export type RuleResult = Shape | Problem;

export interface Weights {
  readonly weight: Shape | null;
  readonly bias: Shape | null;
  readonly params: Int;
  readonly runningStats: number;
  readonly macs: Int;
  /** Of `params`, those that are frozen (requires_grad False): not trainable. */
  readonly frozen?: number;
}

/** A square window along each axis (kernels here are square, so one number per attribute). */
export interface Window {
  readonly kernel: number;
  readonly stride: number;
  readonly padBefore: number;
  readonly dilation: number;
}

/** How a row changes the receptive field of what it reads. */
export type FieldRule =
  | { readonly rule: 'window'; readonly window: Window }
  | { readonly rule: 'same' }
  /** The larger of the two operands' fields; stride and centre follow `from`. */
  | { readonly rule: 'merge' }
  /** Every output sees the whole input: no field from here on. */
  | { readonly rule: 'global' };

export interface MemoryTraits {
  /** Writes into its input's storage (in-place or a view): no new activation. */
  readonly aliases: boolean;
  /**
   * What autograd saves for backward among the tensors the row touches: its input (`from`), its
   * output, every operand (`from` and the others: a product of two tensors), its input and its
   * output (a norm with an in-place activation), or nothing.
   */
  readonly saves: 'input' | 'output' | 'operands' | 'nothing' | 'input-and-output';
  /**
   * Bytes of tensors of its own autograd keeps (BatchNorm's mean and inverse std, max-pool
   * indices); `bytes` is the memory model's allocation of a tensor, `activation` the bytes of an
   * activation's element (4 in fp32, 2 under autocast).
   */
  readonly ownSaved?: (layer: TracedLayer, bytes: (shape: Shape, elementSize: number) => Int, activation: number) => Int;
  /** Whether those own tensors are also made, then dropped, in a no-grad forward. */
  readonly ownInInference: boolean;
  /** Autocast runs it in 16 bits and caches a 16-bit copy of its weight. */
  readonly autocast: boolean;
  /** Backward hands its output's gradient on unchanged instead of making a new one. */
  readonly passesGradient: boolean;
  /**
   * CUDA's autocast runs it in fp32 (its float32 list: group_norm, sum, softmax): under autocast
   * its output is 4 bytes an element, and a 16-bit input is cast to an fp32 copy, which is what it
   * keeps when it keeps its input.
   */
  readonly fp32?: boolean;
  /**
   * It pads its input by this much before and after each spatial axis into a new tensor that its
   * conv reads and keeps (at its input's element size): BlurPool2d's reflection pad, the extra
   * column a padding='same' conv of an even kernel pads its input by (aten::_convolution_mode).
   */
  readonly paddedInput?: (spec: LayerSpec) => Padding;
  /**
   * A buffer its conv reads (BlurPool2d's filter): under autocast cast to 16 bits on every call
   * and kept (autocast caches only weights that require grad).
   */
  readonly castBuffer?: (spec: LayerSpec) => Shape;
}

/**
 * What PyTorch runs a row as: the class of its leaf module, or `add` for the residual `+=` (a
 * tensor operation). The counting tools match modules by exact class, so timm's AvgPool2dSame
 * (a subclass of AvgPool2d that pads first) is told apart.
 */
export const TORCH_MODULES = [
  'Conv2d',
  'Conv3d',
  // torchvision's video convs: subclasses of nn.Conv3d
  'Conv3DSimple',
  'Conv3DNoTemporal',
  'StdConv2d',
  'BatchNorm2d',
  'BatchNorm3d',
  'BatchNormAct2d',
  'GroupNormAct',
  'ConstantPad2d',
  'ReLU',
  'MaxPool2d',
  'MaxPool1d',
  'MaxPool3d',
  'AvgPool2d',
  'AvgPool2dSame',
  'AdaptiveAvgPool2d',
  'AdaptiveAvgPool1d',
  'AdaptiveAvgPool3d',
  'Linear',
  'Identity',
  'Flatten',
  'Lambda',
  'Sigmoid',
  'PReLU',
  'BatchNorm1d',
  'Dropout',
  'GroupNorm',
  'GroupNorm (timm)',
  'Conv1d',
  'BlurPool2d',
  // tensor operations in a forward: the residual `+=`, and squeeze-and-excitation's
  // `x.mean(...)` and `x * gate`
  'add',
  'torch.add',
  'mean',
  'mul',
  // Res2Net's torch.split and torch.cat; ResNeSt's radix sums and timm's RadixSoftmax
  'split',
  'cat',
  'sum',
  'RadixSoftmax',
  // F.avg_pool2d and F.relu called in a model's forward (no module)
  'F.avg_pool2d',
  'F.relu',
  'F.sigmoid',
  'F.dropout',
] as const;
export type TorchModule = (typeof TORCH_MODULES)[number];
/** PyTorch's convolution class by spatial rank. */
const CONV_MODULES: readonly TorchModule[] = ['Conv2d', 'Conv1d', 'Conv2d', 'Conv3d'];

export interface KindDef<S extends LayerSpec> {
  /** Rows read besides `from`, in order (-1: the network input). */
  readonly operands?: (spec: S) => readonly number[];
  readonly output: (spec: S, input: Shape, operands: readonly Shape[]) => RuleResult;
  readonly weights?: (spec: S, input: Shape, output: Shape) => Weights;
  /** Along spatial axis `axis` (a receptive field is one per axis). */
  readonly field: (spec: S, axis: number) => FieldRule;
  readonly memory: MemoryTraits;
  /** Traits that depend on the row (else `memory`). */
  readonly memoryOf?: (spec: S) => MemoryTraits;
  readonly torch: (spec: S) => TorchModule;
}

type SpecOf<K extends LayerKind> = Extract<LayerSpec, { kind: K }>;

// ---------------------------------------------------------------------------------------------
// Shared rules

function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** A map's spatial axes by spatial rank: their names, and their letters in a layout ([N, C, T, H, W]). */
const LAYOUTS: Readonly<Record<number, { readonly axes: readonly string[]; readonly letters: string }>> = {
  1: { axes: ['length'], letters: 'L' },
  2: { axes: ['height', 'width'], letters: 'H, W' },
  3: { axes: ['frames', 'height', 'width'], letters: 'T, H, W' },
};

/** The name of spatial axis `axis` of a map of `dims` spatial axes. */
export function axisName(dims: number, axis: number): string {
  return LAYOUTS[dims]?.axes[axis] ?? `axis ${axis + 2}`;
}

/**
 * How a message names dimension `i` of an input of `rank` dimensions: the batch, the channels, then
 * a signal's length, an image's height and width, a clip's frames, height and width; past a clip's
 * rank, `dimension 6`.
 */
export function inputDimensionName(rank: number, i: number): string {
  return i === 0 ? 'batch' : i === 1 ? 'channels' : (LAYOUTS[rank - 2]?.axes[i - 2] ?? `dimension ${i + 1}`);
}

/**
 * Null when the input has the rank of a map of `dims` spatial axes, else what is wrong; an input one
 * dimension short is what PyTorch would read as one unbatched sample, so the problem says so.
 */
export function expectRank(input: Shape, dims: number, channels?: number): Problem | null {
  if (input.length === dims + 2) return null;
  const { axes, letters } = LAYOUTS[dims]!;
  const layout = `[N, C, ${letters}]`;
  // what the user probably meant: the batch left out (the channels come first), or a size per axis short
  const sizes = `after N and C come ${dims} ${dims === 1 ? 'size' : 'sizes'} (${axes.join(', ')})`;
  const sample = `[C, ${letters}]`;
  const meant =
    input.length !== dims + 1
      ? `: ${sizes}`
      : channels !== undefined && input[0] === channels
        ? `, which PyTorch would read as one sample without its batch: give the batch first, e.g. 1,${input.join(',')}`
        : `, which PyTorch would read as one sample ${sample} without its batch${channels !== undefined ? ` (of ${input[0]} channels, not ${channels})` : ''}: ${sizes}`;
  return { code: 'rank', expected: `a ${dims + 2}-d input ${layout}`, found: `${fmt(input)}${meant}` };
}

function expectRank4(input: Shape): Problem | null {
  return expectRank(input, 2);
}

function checkChannels(input: Shape, expected: number, dims = 2): Problem | null {
  const rank = expectRank(input, dims, expected);
  if (rank) return rank;
  const found = input[1]!;
  return found === expected ? null : { code: 'channels', expected: `${expected} input channels`, found: String(found) };
}

/**
 * The output of a window (conv or pool) of any spatial rank (its kernel's length) with `channels`
 * outputs, or why the input is too small.
 */
function windowNd(input: Shape, channels: number, kernel: Spatial, stride: Spatial, padding: Padding, dilation: Spatial, ceilMode: boolean): RuleResult {
  const dims = kernel.length;
  const rank = expectRank(input, dims);
  if (rank) return rank;
  const out: number[] = [input[0]!, channels];
  for (let a = 0; a < dims; a++) {
    const size = input[2 + a]!;
    const k = kernel[a]!;
    const d = dilation[a]!;
    const p = padding[a]!;
    const o = convOutputLength(size, k, stride[a]!, p[0], p[1], d, ceilMode);
    if (o < 1) {
      const span = d * (k - 1) + 1;
      return {
        code: 'too-small',
        expected: `a padded ${axisName(dims, a)} of at least the window span ${span} (dilation·(kernel−1)+1)`,
        found: `${size} + padding ${p[0] + p[1]} = ${size + p[0] + p[1]}`,
      };
    }
    out.push(o);
  }
  return out;
}

const same = (_: LayerSpec, input: Shape): RuleResult => input;
const SAME: FieldRule = { rule: 'same' };
const GLOBAL: FieldRule = { rule: 'global' };
/** The window along spatial axis `axis` (the first where the row has fewer). */
const window = (kernel: Spatial, stride: Spatial, padding: Padding, dilation: Spatial | null, axis: number): FieldRule => {
  const a = axis < kernel.length ? axis : 0;
  return { rule: 'window', window: { kernel: kernel[a]!, stride: stride[a]!, padBefore: padding[a]![0], dilation: dilation ? dilation[a]! : 1 } };
};
/** Ones along `dims` axes (a pool's dilation). */
const ONES: readonly Spatial[] = [[], [1], [1, 1], [1, 1, 1]];

/** Memory traits of a row that only reads and writes a new tensor, keeping its input. */
const KEEPS_INPUT: MemoryTraits = { aliases: false, saves: 'input', ownInInference: false, autocast: false, passesGradient: false };
/** A new tensor whose backward needs only sizes: nothing kept. */
const KEEPS_NOTHING: MemoryTraits = { aliases: false, saves: 'nothing', ownInInference: false, autocast: false, passesGradient: false };
/** A new tensor whose backward is computed from that output (a sigmoid, a softmax). */
const KEEPS_OUTPUT: MemoryTraits = { aliases: false, saves: 'output', ownInInference: false, autocast: false, passesGradient: false };
/** In-place and view rows: nothing new, nothing kept, the gradient passes through. */
const PASS_THROUGH: MemoryTraits = { aliases: true, saves: 'nothing', ownInInference: false, autocast: false, passesGradient: true };

// ---------------------------------------------------------------------------------------------
// The kinds

export const KINDS: { readonly [K in LayerKind]: KindDef<SpecOf<K>> } = {
  conv2d: {
    output: (s, input) => {
      const bad = checkChannels(input, s.inChannels, s.kernel.length);
      return bad ?? windowNd(input, s.outChannels, s.kernel, s.stride, s.padding, s.dilation, false);
    },
    weights: (s, _input, output) => {
      const perGroupIn = s.inChannels / s.groups;
      const bias = s.bias ? [s.outChannels] : null;
      let perOutput: Int = perGroupIn;
      for (let a = 0; a < s.kernel.length; a++) perOutput = mul(perOutput, s.kernel[a]!);
      return {
        weight: [s.outChannels, perGroupIn, ...s.kernel],
        bias,
        params: add(mul(s.outChannels, perOutput), bias ? s.outChannels : 0),
        runningStats: 0,
        macs: mul(product(output), perOutput),
      };
    },
    field: (s, axis) => window(s.kernel, s.stride, s.padding, s.dilation, axis),
    memory: { ...KEEPS_INPUT, autocast: true, ownInInference: true },
    // StdConv2d: F.batch_norm on the weight keeps each output channel's mean and inverse std, and the
    // conv the standardised weight (fp32; under autocast its 16-bit cast, as a cast weight)
    memoryOf: (s) =>
      s.standardized
        ? {
            ...KINDS.conv2d.memory,
            ownSaved: (l, bytes, activation) => add(mul(2, bytes([s.outChannels], 4)), activation === 4 ? bytes(l.weight!, 4) : 0),
          }
        : s.same && s.padding.some((p) => p[0] !== p[1])
          ? SAME_CONV_MEMORY
          : KINDS.conv2d.memory,
    torch: (s) => (s.standardized ? 'StdConv2d' : (s.subclass ?? CONV_MODULES[s.kernel.length]!)),
  },
  batchnorm2d: {
    output: (s, input) => {
      const bad = checkChannels(input, s.channels, s.dims ?? 2);
      return bad ?? input;
    },
    weights: (s) => ({ weight: [s.channels], bias: [s.channels], params: 2 * s.channels, runningStats: 2 * s.channels, macs: 0 }),
    field: () => SAME,
    // training keeps the batch's mean and inverse std (fp32); eval mode makes neither
    memory: { ...KEEPS_INPUT, ownSaved: (l, bytes) => mul(2, bytes([(l.spec as SpecOf<'batchnorm2d'>).channels], 4)) },
    // with its ReLU in place: the ReLU's output (the row's) is kept too
    memoryOf: (s) => (s.act ? { ...KINDS.batchnorm2d.memory, saves: 'input-and-output' } : KINDS.batchnorm2d.memory),
    torch: (s) => (s.act ? 'BatchNormAct2d' : s.dims === 3 ? 'BatchNorm3d' : s.dims === 1 ? 'BatchNorm1d' : 'BatchNorm2d'),
  },
  relu: {
    output: same,
    field: () => SAME,
    // in place: its output is its input's storage, and backward needs that output
    memory: { ...KEEPS_INPUT, aliases: true, saves: 'output' },
    // F.relu and nn.ReLU() without inplace make a new tensor (and keep it for backward)
    memoryOf: (s) => (s.inplace ? KINDS.relu.memory : { ...KEEPS_INPUT, saves: 'output' }),
    torch: (s) => (s.functional ? 'F.relu' : 'ReLU'),
  },
  maxpool2d: {
    output: (s, input) => windowNd(input, input[1] ?? 0, s.kernel, s.stride, s.padding, s.dilation, s.ceilMode),
    field: (s, axis) => window(s.kernel, s.stride, s.padding, s.dilation, axis),
    // int64 indices of the maxima: kept in training, made and dropped in a no-grad forward
    memory: { ...KEEPS_INPUT, ownSaved: (l, bytes) => bytes(l.output, 8), ownInInference: true },
    torch: (s) => (s.kernel.length === 3 ? 'MaxPool3d' : s.kernel.length === 1 ? 'MaxPool1d' : 'MaxPool2d'),
  },
  avgpool2d: {
    output: (s, input) => windowNd(input, input[1] ?? 0, s.kernel, s.stride, s.padding, ONES[s.kernel.length]!, s.ceilMode),
    field: (s, axis) => window(s.kernel, s.stride, s.padding, null, axis),
    memory: KEEPS_INPUT,
    // padded after only: timm's AvgPool2dSame, which pads, then pools
    torch: (s) => (s.padding.some((p) => p[0] !== p[1]) ? 'AvgPool2dSame' : 'AvgPool2d'),
  },
  identity: { output: same, field: () => SAME, memory: PASS_THROUGH, torch: () => 'Identity' },
  add: {
    operands: (s) => [s.shortcut],
    output: (_, input, [other = []]) => {
      const equal = other.length === input.length && other.every((d, i) => d === input[i]);
      return equal ? input : { code: 'add-mismatch', expected: `the shortcut's shape ${fmt(other)}`, found: fmt(input) };
    },
    field: () => ({ rule: 'merge' }),
    memory: PASS_THROUGH,
    // torch.add makes a new tensor; its gradient still passes to both operands unchanged
    memoryOf: (s) => (s.outOfPlace ? { ...PASS_THROUGH, aliases: false } : PASS_THROUGH),
    // `a + b` is a tensor operation as `+=` is: the counters that patch torch.add do not see it
    torch: (s) => (s.outOfPlace === true ? 'torch.add' : 'add'),
  },
  adaptiveavgpool2d: {
    output: (s, input) => {
      const rank = expectRank(input, s.outputSize.length);
      return rank ?? [input[0]!, input[1]!, ...s.outputSize];
    },
    field: () => GLOBAL,
    memory: KEEPS_INPUT,
    torch: (s) => (s.outputSize.length === 3 ? 'AdaptiveAvgPool3d' : s.outputSize.length === 1 ? 'AdaptiveAvgPool1d' : 'AdaptiveAvgPool2d'),
  },
  flatten: {
    output: (_, input) => [input[0]!, input.slice(1).reduce((a, b) => a * b, 1)],
    field: () => GLOBAL,
    memory: PASS_THROUGH,
    torch: () => 'Flatten',
  },
  linear: {
    output: (s, input) => {
      const found = input[input.length - 1];
      if (found !== s.inFeatures) return { code: 'features', expected: `${s.inFeatures} input features`, found: String(found) };
      return [...input.slice(0, -1), s.outFeatures];
    },
    weights: (s, input) => ({
      weight: [s.outFeatures, s.inFeatures],
      bias: s.bias ? [s.outFeatures] : null,
      params: add(mul(s.outFeatures, s.inFeatures), s.bias ? s.outFeatures : 0),
      runningStats: 0,
      macs: mul(product(input.slice(0, -1)), mul(s.inFeatures, s.outFeatures)),
    }),
    field: () => GLOBAL,
    memory: { ...KEEPS_INPUT, autocast: true },
    torch: () => 'Linear',
  },
  channelpad: {
    output: (s, input) => {
      const rank = expectRank4(input);
      if (rank) return rank;
      const [n, c, h, w] = input as [number, number, number, number];
      return [n, c + s.channels[0] + s.channels[1], Math.ceil(h / s.stride[0]), Math.ceil(w / s.stride[1])];
    },
    // a 1×1 window at the stride: the first output pixel is input pixel 0
    field: (s) => ({ rule: 'window', window: { kernel: 1, stride: s.stride[0], padBefore: 0, dilation: 1 } }),
    // slicing is a view; the pad makes a new tensor, and its backward needs only sizes
    memory: KEEPS_NOTHING,
    // akamaster's LambdaLayer around F.pad
    torch: () => 'Lambda',
  },
  widthpool2d: {
    output: (s, input) => {
      const rank = expectRank4(input);
      if (rank) return rank;
      const k = s.window ?? (s.height ? input[2]! : input[3]!);
      const out = windowNd(input, input[1]!, [k, k], [k, k], [[0, 0], [0, 0]], [1, 1], false);
      // a fixed window before a classifier: only a map it pools to 1×1 gives the features it expects
      if (s.window !== undefined && s.unit && Array.isArray(out) && (out[2] !== 1 || out[3] !== 1)) {
        return {
          code: 'too-small',
          expected: `a map the fixed ${k}×${k} pool (headPool ${k}) takes to 1×1, from ${k}×${k} to ${2 * k - 1}×${2 * k - 1}: the classifier needs ${input[1]} features`,
          found: `${input[2]}×${input[3]}`,
        };
      }
      return out;
    },
    // the window is known only with the input: from here on every output sees the whole width
    field: () => GLOBAL,
    memory: KEEPS_INPUT,
    // F.avg_pool2d in the model's forward: no module of its own
    torch: () => 'F.avg_pool2d',
  },
  mean: {
    output: (s, input) => expectRank4(input) ?? (s.flat ? [input[0]!, 1, input[1]!] : [input[0]!, input[1]!, 1, 1]),
    field: () => GLOBAL,
    // PyTorch 1.13's mean over dims saves its input for backward (saved_tensors_hooks show it)
    memory: KEEPS_INPUT,
    torch: () => 'mean',
  },
  sigmoid: {
    output: same,
    field: () => SAME,
    memory: KEEPS_OUTPUT,
    torch: (s) => (s.functional ? 'F.sigmoid' : 'Sigmoid'),
  },
  mul: {
    operands: (s) => [s.gate],
    output: (_, input, [gate = []]) => {
      // the gate broadcasts: each of its dimensions the input's, or 1 (channels and batch must agree)
      // ECA's gate [N, 1, C] and ResNeSt's [N, C] are viewed as [N, C, 1, 1]
      const g = gate.length === 3 && gate[1] === 1 ? [gate[0]!, gate[2]!, 1, 1] : gate.length === 2 ? [gate[0]!, gate[1]!, 1, 1] : gate;
      const fits = g.length === input.length && input.length === 4 && g[0] === input[0] && g[1] === input[1] && g.every((d, i) => d === 1 || d === input[i]);
      return fits ? input : { code: 'add-mismatch', expected: `a gate [${input[0]}, ${input[1]}, 1, 1] to scale ${fmt(input)}`, found: fmt(gate) };
    },
    // the gate scales each channel by a figure from the whole map; a pixel's field is its path's
    field: () => SAME,
    // both factors require grad: each one's gradient is the other times the output's
    memory: { aliases: false, saves: 'operands', ownInInference: false, autocast: false, passesGradient: false },
    torch: () => 'mul',
  },
  dropout: {
    output: same,
    field: () => SAME,
    // training (CUDA's fused native_dropout): a new tensor, and its bool mask kept for backward
    memory: { aliases: false, saves: 'nothing', ownSaved: (l, bytes) => bytes(l.output, 1), ownInInference: false, autocast: false, passesGradient: false },
    memoryOf: (s) => {
      // p = 0 returns its input itself
      if (s.p === 0) return PASS_THROUGH;
      // in place (torch.dropout_): the input times a noise tensor of its size, kept for backward
      if (s.inplace) return { ...PASS_THROUGH, passesGradient: false, ownSaved: (l, bytes) => bytes(l.output, 4) };
      return KINDS.dropout.memory;
    },
    torch: (s) => (s.functional ? 'F.dropout' : 'Dropout'),
  },
  prelu: {
    output: (s, input) => (s.parameters === 1 ? input : checkChannels(input, s.parameters) ?? input),
    weights: (s) => ({ weight: [s.parameters], bias: null, params: s.parameters, runningStats: 0, macs: 0 }),
    field: () => SAME,
    // a new tensor; its backward reads its input (and the slopes, a parameter)
    memory: KEEPS_INPUT,
    torch: () => 'PReLU',
  },
  batchnorm1d: {
    output: (s, input) => {
      if (input.length !== 2) return { code: 'rank', expected: 'a 2-d input [N, features]', found: fmt(input) };
      return input[1] === s.features ? input : { code: 'features', expected: `${s.features} input features`, found: String(input[1]) };
    },
    weights: (s) => ({ weight: [s.features], bias: [s.features], params: 2 * s.features, runningStats: 2 * s.features, macs: 0, frozen: s.frozenWeight ? s.features : 0 }),
    field: () => GLOBAL,
    memory: { ...KEEPS_INPUT, ownSaved: (l, bytes) => mul(2, bytes([(l.spec as SpecOf<'batchnorm1d'>).features], 4)) },
    torch: () => 'BatchNorm1d',
  },
  groupnorm: {
    // PyTorch's GroupNorm: num_channels divisible by num_groups
    output: (s, input) =>
      checkChannels(input, s.channels) ?? (s.channels % s.groups === 0 ? input : { code: 'channels', expected: `channels divisible by the ${s.groups} groups (PyTorch's GroupNorm)`, found: String(s.channels) }),
    weights: (s) => ({ weight: [s.channels], bias: [s.channels], params: 2 * s.channels, runningStats: 0, macs: 0 }),
    field: () => SAME,
    // training and a no-grad forward alike: each sample's and group's mean and inverse std (fp32), kept for backward
    memory: { ...KEEPS_INPUT, ownSaved: (l, bytes) => mul(2, bytes([l.input[0]!, (l.spec as SpecOf<'groupnorm'>).groups], 4)), ownInInference: true, fp32: true },
    memoryOf: (s) => (s.act ? { ...KINDS.groupnorm.memory, saves: 'input-and-output' } : KINDS.groupnorm.memory),
    torch: (s) => (s.act ? 'GroupNormAct' : s.timm ? 'GroupNorm (timm)' : 'GroupNorm'),
  },
  channelconv: {
    output: (s, input) =>
      input.length === 3 && input[1] === 1 && input[2] === s.channels ? input : { code: 'channels', expected: `the means of ${s.channels} channels as [N, 1, ${s.channels}]`, found: fmt(input) },
    // PyTorch's Conv1d: weight [out, in/groups, k]; each of the C outputs reads k channels
    weights: (s, _input, output) => ({ weight: [1, 1, s.kernel], bias: null, params: s.kernel, runningStats: 0, macs: mul(product(output), s.kernel) }),
    field: () => GLOBAL,
    memory: { ...KEEPS_INPUT, autocast: true, ownInInference: true },
    torch: () => 'Conv1d',
  },
  blurpool2d: {
    output: (s, input) => {
      const bad = checkChannels(input, s.channels);
      if (bad) return bad;
      const p = blurPadding(s);
      // PyTorch's reflection pad: the padding must be less than the side it reflects
      for (let axis = 0; axis < 2; axis++)
        if (p >= input[2 + axis]!)
          return { code: 'too-small', expected: `a ${axis === 0 ? 'height' : 'width'} over the reflection padding ${p} (the blur pool reflects the map at its edges)`, found: String(input[2 + axis]) };
      return windowNd(input, s.channels, pair(s.kernel), pair(s.stride), pad(p), pair(1), false);
    },
    // its filter is a buffer (timm's `filt`, not persistent): no parameter; its depthwise conv's
    // mult-adds are a conv's, kernel² per output element
    weights: (s, _input, output) => ({ weight: null, bias: null, params: 0, runningStats: 0, macs: mul(product(output), s.kernel * s.kernel) }),
    field: (s) => ({ rule: 'window', window: { kernel: s.kernel, stride: s.stride, padBefore: blurPadding(s), dilation: 1 } }),
    // the reflection pad keeps its input (its backward reads it), the conv the padded map and, under
    // autocast, its 16-bit copy of the filter; a no-grad forward makes the padded map and drops it
    memory: {
      ...KEEPS_INPUT,
      ownInInference: true,
      paddedInput: (s) => pad(blurPadding(s as SpecOf<'blurpool2d'>)),
      castBuffer: (s) => {
        const k = (s as SpecOf<'blurpool2d'>).kernel;
        return [(s as SpecOf<'blurpool2d'>).channels, 1, k, k];
      },
    },
    torch: () => 'BlurPool2d',
  },
  constantpad2d: {
    output: (s, input) => {
      const rank = expectRank4(input);
      if (rank) return rank;
      const p = s.padding;
      return [input[0]!, input[1]!, input[2]! + p[0]![0] + p[0]![1], input[3]! + p[1]![0] + p[1]![1]];
    },
    field: (s, axis) => ({ rule: 'window', window: { kernel: 1, stride: 1, padBefore: s.padding[axis]?.[0] ?? 0, dilation: 1 } }),
    // a new tensor; its backward needs only the sizes
    memory: KEEPS_NOTHING,
    torch: () => 'ConstantPad2d',
  },
  radixsum: {
    output: (s, input) => {
      const rank = expectRank4(input);
      if (rank) return rank;
      return input[1]! % s.radix === 0 ? [input[0]!, input[1]! / s.radix, input[2]!, input[3]!] : { code: 'channels', expected: `a multiple of the radix ${s.radix} channels`, found: String(input[1]) };
    },
    field: () => SAME,
    // a new tensor; the sum's backward needs only the sizes (CUDA's autocast sums in fp32)
    memory: { ...KEEPS_NOTHING, fp32: true },
    torch: () => 'sum',
  },
  radixsoftmax: {
    output: (s, input) => {
      const rank = expectRank4(input);
      if (rank) return rank;
      const c = input[1]!;
      if (input[2] !== 1 || input[3] !== 1 || c % (s.radix * s.groups) !== 0) return { code: 'channels', expected: `logits [N, C, 1, 1] with C a multiple of radix × groups ${s.radix * s.groups}`, found: fmt(input) };
      // radix 1 is a sigmoid on the logits as they are
      return s.radix > 1 ? [input[0]!, c] : input;
    },
    field: () => GLOBAL,
    // softmax (a sigmoid with radix 1) keeps its result, which the output views (the softmax's result is
    // contiguous in its transposed order: reshaping it copies nothing)
    memory: KEEPS_OUTPUT,
    // CUDA's autocast runs softmax in fp32 (a sigmoid in its input's dtype)
    memoryOf: (s) => (s.radix > 1 ? { ...KEEPS_OUTPUT, fp32: true } : KEEPS_OUTPUT),
    torch: () => 'RadixSoftmax',
  },
  slice: {
    output: (s, input) => {
      const rank = expectRank4(input);
      if (rank) return rank;
      return s.start + s.channels <= input[1]! ? [input[0]!, s.channels, input[2]!, input[3]!] : { code: 'channels', expected: `at least ${s.start + s.channels} channels to split`, found: String(input[1]) };
    },
    field: () => SAME,
    // a view of its input's storage
    memory: PASS_THROUGH,
    torch: () => 'split',
  },
  concat: {
    operands: (s) => s.others,
    output: (_, input, others) => {
      const rank = expectRank4(input);
      if (rank) return rank;
      let channels = input[1]!;
      for (const o of others) {
        if (o.length !== 4 || o[0] !== input[0] || o[2] !== input[2] || o[3] !== input[3])
          return { code: 'add-mismatch', expected: `maps of ${input[2]}×${input[3]} to join along the channels`, found: fmt(o) };
        channels += o[1]!;
      }
      return [input[0]!, channels, input[2]!, input[3]!];
    },
    field: () => ({ rule: 'merge' }),
    // a new tensor; its backward hands each operand a slice of the gradient (views) and keeps nothing
    memory: { ...KEEPS_NOTHING, passesGradient: true },
    torch: () => 'cat',
  },
};

/**
 * A padding='same' conv of an even kernel: ATen pads its input by the extra column after (a copy,
 * made in a no-grad forward too) and convolves that symmetrically, keeping the copy, not its input.
 */
const SAME_CONV_MEMORY: MemoryTraits = {
  ...KEEPS_NOTHING,
  autocast: true,
  ownInInference: true,
  paddedInput: (s) => (s as SpecOf<'conv2d'>).padding.map((p) => [0, p[1] - p[0]] as const),
};

/** BlurPool2d's padding on each side: timm's get_padding(kernel, stride), ⌊(stride − 1 + kernel − 1) / 2⌋. */
export const blurPadding = (s: { readonly kernel: number; readonly stride: number }): number => Math.floor((s.stride - 1 + s.kernel - 1) / 2);

/** Every kind, in the order of the LayerSpec union: the trace document's `type` values. */
export const KIND_NAMES = Object.keys(KINDS) as LayerKind[];

/** The kinds that take any spatial rank, and the rank of a row of one. */
function spatialRank(spec: LayerSpec): number {
  switch (spec.kind) {
    case 'conv2d':
    case 'maxpool2d':
      return spec.kernel.length;
    case 'adaptiveavgpool2d':
      return spec.outputSize.length;
    case 'batchnorm2d':
      return spec.dims ?? 2;
    default:
      return 2;
  }
}

/**
 * A row's type as the documents name it: its kind, with a conv's, a BN's and a pool's rank
 * (`conv3d`, `batchnorm1d`, `maxpool1d`) where it has another than 2.
 */
export function typeName(spec: LayerSpec): string {
  const rank = spatialRank(spec);
  return rank === 2 ? spec.kind : spec.kind.replace('2d', `${rank}d`);
}

/** Every type `typeName` gives: the kinds, then the other ranks of those that have them. */
export const TYPE_NAMES: readonly [string, ...string[]] = [
  ...KIND_NAMES,
  ...(['conv', 'maxpool', 'adaptiveavgpool'] as const).flatMap((k) => [`${k}1d`, `${k}3d`]),
  'batchnorm3d',
] as unknown as [string, ...string[]];

/** A row's memory traits. */
export function memoryOf(spec: LayerSpec): MemoryTraits {
  const kind = kindOf(spec);
  return kind.memoryOf ? kind.memoryOf(spec) : kind.memory;
}

/** The entry of a row's kind. */
export function kindOf(spec: LayerSpec): KindDef<LayerSpec> {
  return KINDS[spec.kind] as unknown as KindDef<LayerSpec>;
}

const NO_OPERANDS: readonly number[] = [];

/** Rows a row reads besides `from`. */
export function operandsOf(spec: LayerSpec): readonly number[] {
  return kindOf(spec).operands?.(spec) ?? NO_OPERANDS;
}

// What each counting tool reports for a network, and why they differ. Every convention is
// torchvision's mult-adds plus named terms, each a count per row; so a convention's total, its
// rows and its explanation come from one place and the explanation sums exactly.
//
// The rules were read from each tool's source and checked against the tools' own runs
// (scripts/pytorch/counts.py, test/fixtures/counts): thop 43c064a, ptflops d612c75 (0.7.5),
// fvcore 3378afe, torchinfo 5c4164f (1.8.0 reports the same), on PyTorch 1.13.

import { add, groupDigits, mul, product, sub, type Int } from '../int.js';
import type { Conv2dSpec, Shape, Trace, TracedLayer } from '../types.js';
import { kindOf, operandsOf, TORCH_MODULES, type TorchModule } from './kinds.js';

export const COUNT_NAMES = [
  'torchvision',
  'fvcore',
  'fvcore-train',
  'ptflops',
  'ptflops-aten',
  'thop',
  'torchinfo',
  'flops',
  'flopcounter',
  'flopcounter-train',
  'ultralytics-thop',
  'calflops',
  'paddle-flops',
] as const;
export type CountName = (typeof COUNT_NAMES)[number];

/** What a term sees of a row. */
export interface RowFacts {
  readonly layer: TracedLayer;
  readonly module: TorchModule;
  readonly batch: number;
  readonly inputElements: Int;
  readonly outputElements: Int;
}

/** One reason a convention differs from torchvision's: a label and its count per row. */
export interface Term {
  readonly label: string;
  /** The only modules whose rows it counts (every other row counts 0). */
  readonly modules: readonly TorchModule[];
  readonly row: (r: RowFacts) => Int;
}

/** A term of the given modules' rows. */
const term = (label: string, modules: TorchModule | readonly TorchModule[], row: (r: RowFacts) => Int): Term => ({
  label,
  modules: typeof modules === 'string' ? [modules] : modules,
  row,
});

export interface Convention {
  /** What it is and what it was checked against. */
  readonly description: string;
  /** Added to torchvision's mult-adds, row by row. */
  readonly terms: readonly Term[];
  /** Why the tool cannot run on a network with this row (it fails there, so prints no figure), or null. */
  readonly fails?: (layer: TracedLayer) => string | null;
}

/**
 * fvcore traces the model (torch.jit._get_trace_graph), and under tracing `x.size(i)` is a
 * tensor: a pool whose window is read from the map's size (akamaster's
 * `F.avg_pool2d(out, out.size()[3])`) raises "avg_pool2d(): argument 'kernel_size' must be tuple
 * of ints, not Tensor" (scripts/pytorch/fvcore_trace.py, on PyTorch 1.13).
 */
const failsUnderTracing = (layer: TracedLayer): string | null =>
  layer.spec.kind === 'widthpool2d' && layer.spec.window === undefined
    ? `its torch.jit trace fails at ${layer.spec.name} (a window from out.size())`
    : null;

/** PyTorch's conv classes of every rank (a Conv1d is ECA's too, which has no bias). */
const CONVS: readonly TorchModule[] = ['Conv2d', 'Conv1d', 'Conv3d'];
/** torchvision's video convs: subclasses of nn.Conv3d, which a tool matching classes exactly does not see. */
const VIDEO_CONVS: readonly TorchModule[] = ['Conv3DSimple', 'Conv3DNoTemporal'];
/** BatchNorm of every rank. */
const BNS: readonly TorchModule[] = ['BatchNorm2d', 'BatchNorm1d', 'BatchNorm3d'];
const MAX_POOLS: readonly TorchModule[] = ['MaxPool2d', 'MaxPool1d', 'MaxPool3d'];
const ADAPTIVE_POOLS: readonly TorchModule[] = ['AdaptiveAvgPool2d', 'AdaptiveAvgPool1d', 'AdaptiveAvgPool3d'];

/** Bias elements × output positions of a conv with a bias (the bias add per output element). */
const convBias = (r: RowFacts): Int => (CONVS.includes(r.module) && r.layer.bias ? r.outputElements : 0);
/** A video conv subclass, unseen by a tool that matches classes exactly. */
const videoConvsUnseen = term("torchvision's video convs (Conv3DSimple, Conv3DNoTemporal): subclasses of Conv3d, unseen by exact class", VIDEO_CONVS, (r) => sub(0, r.layer.macs));
/** The linear bias once per output element (per row of the batch). */
const linearBias = (r: RowFacts): Int => (r.module === 'Linear' && r.layer.bias ? r.outputElements : 0);
/** The elements of AvgPool2dSame's padded input (it pads, then calls F.avg_pool2d on that). */
const paddedInputElements = (r: RowFacts): Int => {
  const spec = r.layer.spec as { padding: readonly (readonly [number, number])[] };
  const [n = 1, c = 1, h = 1, w = 1] = r.layer.input;
  return product([n, c, h + spec.padding[0]![0] + spec.padding[0]![1], w + spec.padding[1]![0] + spec.padding[1]![1]]);
};

const bnPerElement = (n: number) => (r: RowFacts): Int => mul(n, r.inputElements);
/**
 * A conv with PyTorch's padding='same' runs as aten::_convolution_mode, which fvcore has no handle
 * for: its mult-adds are unseen (Wang et al.'s time-series ResNet).
 */
const sameConvUnseen = term("convs with padding='same' (aten::_convolution_mode, no handle)", CONVS, (r) => (r.layer.spec.kind === 'conv2d' && r.layer.spec.same ? sub(0, r.layer.macs) : 0));
/**
 * calflops works a padding='same' conv's output out as ⌊d(k − 1)/2⌋ on both sides: an even kernel
 * gives one position short per axis, and its mult-adds (2 FLOPs each) and bias are counted there.
 */
function sameConvShort(r: RowFacts): Int {
  const spec = r.layer.spec;
  if (spec.kind !== 'conv2d' || !spec.same) return 0;
  const output = r.layer.output;
  let ours = 1;
  let theirs = 1;
  for (let a = 0; a < spec.kernel.length; a++) {
    // PyTorch's window with `before` on both sides: the input + before + before − (before + after) − 1
    const [before, after] = spec.padding[a]!;
    ours *= output[2 + a]!;
    theirs *= Math.floor((r.layer.input[2 + a]! + before - after - 1) / spec.stride[a]!) + 1;
  }
  const counted = add(mul(2, r.layer.macs), spec.bias ? r.outputElements : 0);
  return sub(divideExactly(mul(counted, theirs), ours), counted);
}

/** timm's StdConv2d: a subclass of nn.Conv2d, which the tools that match modules by exact class do not count. */
const standardizedUnseen = term('StdConv2d: a subclass of Conv2d, unseen by exact class', 'StdConv2d', (r) => sub(0, r.layer.macs));
/** StdConv2d standardises its weight with F.batch_norm (training, no affine): 4 per weight element (fvcore's and calflops' rule). */
const standardization = term("StdConv2d's weight standardisation (batch_norm, training, no affine): 4 per weight element", 'StdConv2d', (r) => mul(4, product(r.layer.weight!)));
/** The F.softmax inside timm's RadixSoftmax reads its input once (radix 1: torch.sigmoid, which the tools do not patch). */
const radixSoftmaxElements = (r: RowFacts): Int => (r.layer.spec.kind === 'radixsoftmax' && r.layer.spec.radix > 1 ? r.inputElements : 0);
/**
 * timm's BlurPool2d runs its filter with F.conv2d inside its own forward: a tool that counts by
 * module class has no rule for it and counts nothing of the depthwise conv torchvision's
 * convention counts.
 */
const blurUnseen = term('blur pool: its F.conv2d inside a module it has no rule for, unseen', 'BlurPool2d', (r) => sub(0, r.layer.macs));
/** The adaptive pool's window: input positions per output position (7×7 for a 224 input), over every spatial axis. */
const adaptiveWindow = (r: RowFacts): Int => {
  const { input, output } = r.layer;
  let window = (input[2] ?? 1) / (output[2] ?? 1);
  for (let d = 3; d < input.length; d++) window = (window * input[d]!) / (output[d] ?? 1);
  return Math.trunc(window);
};

/**
 * ptflops' module hooks (summed over the batch, then divided by it at the end), by exact module
 * class: a module it has no hook for (Sigmoid, Identity, Flatten, timm's AvgPool2dSame, a
 * LambdaLayer) and a tensor operation (`+=`, `x.mean()`, `x * gate`: not the patched torch.mul
 * or Tensor.mul) count 0.
 */
const PTFLOPS_MODULE_HOOKS: Partial<Record<TorchModule, (r: RowFacts) => Int>> = {
  Conv2d: (r) => add(r.layer.macs, convBias(r)),
  // timm's norm-act: not its norm (no exact class), but the nn.ReLU inside it
  BatchNormAct2d: (r) => r.outputElements,
  GroupNormAct: (r) => r.outputElements,
  // ECA's Conv1d (no bias), a signal network's, a video network's
  Conv1d: (r) => add(r.layer.macs, convBias(r)),
  Conv3d: (r) => add(r.layer.macs, convBias(r)),
  BatchNorm2d: (r) => mul(2, r.inputElements),
  BatchNorm1d: (r) => mul(2, r.inputElements),
  BatchNorm3d: (r) => mul(2, r.inputElements),
  MaxPool1d: (r) => r.inputElements,
  MaxPool3d: (r) => r.inputElements,
  AdaptiveAvgPool1d: (r) => r.inputElements,
  AdaptiveAvgPool3d: (r) => r.inputElements,
  GroupNorm: (r) => mul(2, r.inputElements),
  ReLU: (r) => r.outputElements,
  // its ReLU hook
  PReLU: (r) => r.outputElements,
  MaxPool2d: (r) => r.inputElements,
  AvgPool2d: (r) => r.inputElements,
  AdaptiveAvgPool2d: (r) => r.inputElements,
  Linear: (r) => add(r.layer.macs, linearBias(r)),
};

/**
 * ptflops' functional hooks (F.relu, F.max_pool2d, F.avg_pool2d, F.adaptive_avg_pool2d; not
 * divided by the batch), which the modules call inside their forward, so those layers count
 * twice. F.linear is mapped but not patched (the line is commented out).
 */
const PTFLOPS_FUNCTIONAL_HOOKS: Partial<Record<TorchModule, (r: RowFacts) => Int>> = {
  ReLU: (r) => r.inputElements,
  // nn.PReLU calls F.prelu; the ReLU inside timm's norm-act F.relu
  PReLU: (r) => r.inputElements,
  BatchNormAct2d: (r) => r.inputElements,
  GroupNormAct: (r) => r.inputElements,
  RadixSoftmax: radixSoftmaxElements,
  MaxPool2d: (r) => r.inputElements,
  MaxPool1d: (r) => r.inputElements,
  MaxPool3d: (r) => r.inputElements,
  AvgPool2d: (r) => r.inputElements,
  AdaptiveAvgPool2d: (r) => r.inputElements,
  AdaptiveAvgPool1d: (r) => r.inputElements,
  AdaptiveAvgPool3d: (r) => r.inputElements,
  'F.avg_pool2d': (r) => r.inputElements,
  'F.relu': (r) => r.inputElements,
  // it pads its input, then calls F.avg_pool2d on the padded tensor
  AvgPool2dSame: paddedInputElements,
};

/**
 * The input positions an average pool's windows cover, summed over its outputs (ultralytics-thop's
 * count_avgpool): per axis, each window clipped to the input (to the padded input when padding
 * counts), at the module's own padding (0 for AvgPool2dSame, which pads before it pools).
 */
function avgPoolWindows(r: RowFacts): Int {
  const spec = r.layer.spec as { kernel: readonly number[]; stride: readonly number[]; padding: readonly (readonly [number, number])[]; countIncludePad: boolean };
  const same = r.module === 'AvgPool2dSame';
  let windows: Int = 1;
  for (let d = 0; d < 2; d++) {
    const size = r.layer.input[2 + d] ?? 1;
    const out = r.layer.output[2 + d] ?? 1;
    const [k = 1, s = 1] = [spec.kernel[d], spec.stride[d]];
    const p = same ? 0 : (spec.padding[d]?.[0] ?? 0);
    const [lower, upper] = spec.countIncludePad ? [-p, size + p] : [0, size];
    let sum = 0;
    for (let i = 0; i < out; i++) sum += Math.max(Math.min(i * s - p + k, upper) - Math.max(i * s - p, lower), 0);
    windows = mul(windows, sum);
  }
  return windows;
}

/** The input positions an adaptive average pool's windows cover (each axis: ⌈(j+1)·I/O⌉ − ⌊j·I/O⌋ over its outputs j). */
function adaptiveWindows(r: RowFacts): Int {
  let windows: Int = 1;
  for (let d = 2; d < r.layer.input.length; d++) {
    const i = r.layer.input[d] ?? 1;
    const o = r.layer.output[d] ?? 1;
    let sum = 0;
    for (let j = 0; j < o; j++) sum += Math.ceil(((j + 1) * i) / o) - Math.floor((j * i) / o);
    windows = mul(windows, sum);
  }
  return windows;
}

/** Batch × channels of a row's input: the planes a pool walks. */
const planes = (r: RowFacts): Int => mul(r.layer.input[0] ?? 1, r.layer.input[1] ?? 1);

/** A conv's groups (1 for any other row). */
const groupsOf = (r: RowFacts): number => (r.layer.spec.kind === 'conv2d' ? r.layer.spec.groups : 1);

const ptflopsModule = (r: RowFacts): Int => PTFLOPS_MODULE_HOOKS[r.module]?.(r) ?? 0;
const ptflopsFunctional = (r: RowFacts): Int => PTFLOPS_FUNCTIONAL_HOOKS[r.module]?.(r) ?? 0;

export const CONVENTIONS: Readonly<Record<CountName, Convention>> = {
  torchvision: {
    description: "torchvision's published GMACs: conv output elements × in/groups × kh × kw, linear rows × in × out; nothing else",
    terms: [],
  },
  fvcore: {
    description: 'fvcore FlopCountAnalysis in eval mode (its "flops" are mult-adds): conv and linear as torchvision, plus BatchNorm and the adaptive pool',
    terms: [
      term('BN 2 per element (eval, affine)', [...BNS, 'BatchNormAct2d'], bnPerElement(2)),
      term('GroupNorm 5 per element (affine)', ['GroupNorm', 'GroupNorm (timm)', 'GroupNormAct'], bnPerElement(5)),
      term('adaptive avg pool 1 per input element', 'AdaptiveAvgPool2d', (r) => r.inputElements),
      standardization,
      sameConvUnseen,
    ],
    fails: failsUnderTracing,
  },
  'fvcore-train': {
    description: 'fvcore FlopCountAnalysis in train mode: BatchNorm counts 5 per element',
    terms: [
      term('BN and GroupNorm 5 per element (train, affine)', [...BNS, 'GroupNorm', 'GroupNorm (timm)', 'BatchNormAct2d', 'GroupNormAct'], bnPerElement(5)),
      term('adaptive avg pool 1 per input element', 'AdaptiveAvgPool2d', (r) => r.inputElements),
      standardization,
      sameConvUnseen,
    ],
    fails: failsUnderTracing,
  },
  ptflops: {
    description:
      'ptflops get_model_complexity_info, pytorch backend: module hooks for conv, BN, ReLU, pools and linear (with biases), divided by the batch; functional hooks count ReLU and pools again, not divided',
    terms: [
      term('conv bias 1 per output element', CONVS, convBias),
      term('BN and GroupNorm 2 per element', [...BNS, 'GroupNorm'], bnPerElement(2)),
      term('ReLU and PReLU 1 per element (the ReLU inside a norm-act too)', ['ReLU', 'PReLU', 'BatchNormAct2d', 'GroupNormAct'], (r) => r.outputElements),
      term('pools 1 per input element', [...MAX_POOLS, 'AvgPool2d', ...ADAPTIVE_POOLS], (r) => r.inputElements),
      term('linear bias 1 per output element', 'Linear', linearBias),
      term('functional hooks count ReLU, PReLU and pools again, and F.softmax', ['ReLU', 'PReLU', 'BatchNormAct2d', 'GroupNormAct', 'RadixSoftmax', ...MAX_POOLS, 'AvgPool2d', 'AvgPool2dSame', ...ADAPTIVE_POOLS, 'F.avg_pool2d', 'F.relu'], ptflopsFunctional),
      // its tensor-op hooks patch torch.add (Wide ResNet's residual sum); `out += x` is not seen
      term('torch.add 1 per output element', 'torch.add', (r) => r.outputElements),
      blurUnseen,
      standardizedUnseen,
      videoConvsUnseen,
      term('module hooks divided by the batch', [...CONVS, ...BNS, 'GroupNorm', 'BatchNormAct2d', 'GroupNormAct', 'ReLU', 'PReLU', ...MAX_POOLS, 'AvgPool2d', ...ADAPTIVE_POOLS, 'Linear'], (r) => {
        const m = ptflopsModule(r);
        return r.batch === 1 ? 0 : sub(divideExactly(m, r.batch), m);
      }),
    ],
  },
  'ptflops-aten': {
    description: 'ptflops get_model_complexity_info, aten backend: aten convolution and addmm, with their biases',
    terms: [term('conv bias 1 per output element', CONVS, convBias), term('linear bias 1 per output element', 'Linear', linearBias)],
  },
  thop: {
    description: 'thop profile (eval): exact module classes only; BN 2 per element doubled for the affine, pools by their windows',
    terms: [
      term('BN 4 per element (2, doubled for the affine)', BNS, bnPerElement(4)),
      term('PReLU 1 per element (eval)', 'PReLU', (r) => r.inputElements),
      term('avg pool 1 per output element (AvgPool2d only; subclasses count 0)', 'AvgPool2d', (r) => r.outputElements),
      term('adaptive avg pool (window + 1) per output element', ADAPTIVE_POOLS, (r) => mul(add(adaptiveWindow(r), 1), r.outputElements)),
      blurUnseen,
      standardizedUnseen,
      videoConvsUnseen,
    ],
  },
  torchinfo: {
    description: "torchinfo summary's Total mult-adds: every parameter × output positions for conv, × rows for linear, × batch for any other layer with parameters",
    terms: [
      term('conv bias × output positions', CONVS, convBias),
      term('BN, GroupNorm and PReLU parameters × batch', [...BNS, 'GroupNorm', 'GroupNorm (timm)', 'PReLU'], (r) => mul(r.batch, r.layer.params)),
      term('linear bias × rows', 'Linear', linearBias),
      // mult-adds only of modules with parameters: the blur's filter is a buffer
      blurUnseen,
    ],
  },
  flops: {
    description: 'FLOPs as 2 × torchvision mult-adds (a multiply and an add)',
    terms: [term('a mult-add is 2 FLOPs', TORCH_MODULES, (r) => r.layer.macs)],
  },
  flopcounter: {
    description: "PyTorch's torch.utils.flop_counter.FlopCounterMode, forward: 2 FLOPs per mult-add of aten convolution and addmm (no bias); nothing for BN, ReLU, pools or adds",
    terms: [term('a mult-add is 2 FLOPs', [...CONVS, ...VIDEO_CONVS, 'StdConv2d', 'Linear', 'BlurPool2d'], (r) => r.layer.macs)],
  },
  'flopcounter-train': {
    description:
      'FlopCounterMode around a training step (loss.backward(), an input that needs no grad): the forward, then per conv and linear the input gradient (none for a conv reading the network input) and the weight gradient, which it counts × groups for a grouped conv',
    terms: [
      term('forward: a mult-add is 2 FLOPs', [...CONVS, ...VIDEO_CONVS, 'StdConv2d', 'Linear', 'BlurPool2d'], (r) => r.layer.macs),
      term('backward, input gradient: 2 per mult-add (none for the input)', [...CONVS, ...VIDEO_CONVS, 'StdConv2d', 'Linear', 'BlurPool2d'], (r) => (r.layer.spec.from === -1 ? 0 : mul(2, r.layer.macs))),
      // the blur's filter needs no gradient: its weight gradient is not computed
      term('backward, weight gradient: 2 per mult-add × groups', [...CONVS, ...VIDEO_CONVS, 'StdConv2d', 'Linear'], (r) => mul(2 * groupsOf(r), r.layer.macs)),
    ],
  },
  'ultralytics-thop': {
    description:
      'ultralytics-thop 2.x profile (eval; what `pip install thop` brings now): rules through the class hierarchy, BN 2 per element doubled for the affine, average pools by their actual windows plus a divide per output',
    terms: [
      // timm's norm-act modules subclass nn.BatchNorm2d and nn.GroupNorm: their rules (the ReLU inside is free)
      term('BN and GroupNorm 4 per element (2, doubled for the affine)', [...BNS, 'GroupNorm', 'GroupNorm (timm)', 'BatchNormAct2d', 'GroupNormAct'], bnPerElement(4)),
      term('PReLU 1 per element (eval)', 'PReLU', (r) => r.inputElements),
      term('avg pools: their clipped windows + 1 per output', ['AvgPool2d', 'AvgPool2dSame'], (r) => add(mul(planes(r), avgPoolWindows(r)), r.outputElements)),
      term('adaptive avg pool: its windows + 1 per output', ADAPTIVE_POOLS, (r) => add(mul(planes(r), adaptiveWindows(r)), r.outputElements)),
      blurUnseen,
    ],
  },
  calflops: {
    description:
      "calflops calculate_flops (DeepSpeed's flops profiler counts the same): patched torch.nn.functional calls, 2 FLOPs per mult-add, a conv's bias, ReLU and every pool 1 per input element, BN 2 per element (eval); `+=` and `x * gate` unseen",
    terms: [
      term('a mult-add is 2 FLOPs (the blur pool\'s F.conv2d too)', [...CONVS, ...VIDEO_CONVS, 'StdConv2d', 'Linear', 'BlurPool2d'], (r) => r.layer.macs),
      term('conv bias 1 per output element', CONVS, convBias),
      term('BN 2 per element (eval, affine)', [...BNS, 'BatchNormAct2d'], bnPerElement(2)),
      term('GroupNorm 5 per element (affine)', ['GroupNorm', 'GroupNorm (timm)', 'GroupNormAct'], bnPerElement(5)),
      term('ReLU and PReLU 1 per input element (the ReLU inside a norm-act too)', ['ReLU', 'F.relu', 'PReLU', 'BatchNormAct2d', 'GroupNormAct'], (r) => r.inputElements),
      standardization,
      term('pools 1 per input element (padded for AvgPool2dSame)', [...MAX_POOLS, 'AvgPool2d', ...ADAPTIVE_POOLS, 'F.avg_pool2d', 'AvgPool2dSame'], (r) =>
        r.module === 'AvgPool2dSame' ? paddedInputElements(r) : r.inputElements,
      ),
      term('torch.add 1 per output element', 'torch.add', (r) => r.outputElements),
      term('F.softmax 1 per input element (ResNeSt\'s radix softmax)', 'RadixSoftmax', radixSoftmaxElements),
      term("padding='same' convs of an even kernel: worked out one position short per axis", CONVS, sameConvShort),
    ],
  },
  'paddle-flops': {
    description:
      "paddle.flops (paddle.hapi's dynamic_flops, thop's rules of 2020): a conv's bias, BN 2 per element, avg pools 1 per output, the adaptive pool (window + 1) per output; its exact figure, where Paddle's int32 sum may wrap",
    terms: [
      term('conv bias 1 per output element', CONVS, convBias),
      term('BN 2 per element', 'BatchNorm2d', bnPerElement(2)),
      // Paddle looks its hooks up by exact class: a subclass (timm's AvgPool2dSame) counts 0
      term('avg pool 1 per output element (AvgPool2d only)', 'AvgPool2d', (r) => r.outputElements),
      term('adaptive avg pool (window + 1) per output element', 'AdaptiveAvgPool2d', (r) => mul(add(adaptiveWindow(r), 1), r.outputElements)),
      blurUnseen,
      standardizedUnseen,
      videoConvsUnseen,
    ],
  },
};

/** m / b for an m that is a multiple of b (every module count here is a multiple of the batch). */
function divideExactly(m: Int, b: number): Int {
  if (b === 1) return m;
  if (typeof m === 'number') return m / b;
  return m / BigInt(b);
}

function factsOf(layer: TracedLayer): RowFacts {
  return {
    layer,
    module: kindOf(layer.spec).torch(layer.spec),
    batch: layer.input[0] ?? 1,
    inputElements: product(layer.input as Shape),
    outputElements: product(layer.output as Shape),
  };
}

export interface ConventionCount {
  /** What the rules sum to (rows and terms explain it even where the tool prints nothing). */
  readonly total: Int;
  /** Why the tool cannot run on this network (so it reports no figure: JSON `null`), or null. */
  readonly fails: string | null;
  /** Each term's total, in the convention's order. */
  readonly terms: readonly { readonly label: string; readonly total: Int }[];
}

export interface Counts {
  /** Per convention: the total and its terms. */
  readonly conventions: Readonly<Record<CountName, ConventionCount>>;
  /** A convention's count for one row. */
  readonly row: (name: CountName, index: number) => Int;
}

/** A term's count for a row: its function on the rows of its modules, 0 elsewhere. */
const termRow = (t: Term, r: RowFacts): Int => (t.modules.includes(r.module) ? t.row(r) : 0);

/**
 * Every convention's count, in total (one pass; a row's facts are made for it and dropped, so a
 * huge trace keeps nothing per row here) and per row (its facts made again when asked for).
 */
export function countConventions(trace: Trace): Counts {
  const { layers } = trace;
  // a running sum per term of each convention, and per module the sums its rows add to
  const sums: Int[][] = COUNT_NAMES.map((name) => CONVENTIONS[name].terms.map(() => 0));
  const sumsOf = new Map<TorchModule, { readonly term: Term; readonly into: Int[]; readonly at: number }[]>();
  COUNT_NAMES.forEach((name, c) =>
    CONVENTIONS[name].terms.forEach((term, at) => {
      for (const module of term.modules) {
        let list = sumsOf.get(module);
        if (!list) sumsOf.set(module, (list = []));
        list.push({ term, into: sums[c]!, at });
      }
    }),
  );
  // index loops on the per-row paths: the interpreter that runs them once makes an iterator
  // object for every for-of
  for (let i = 0; i < layers.length; i++) {
    const r = factsOf(layers[i]!);
    const targets = sumsOf.get(r.module);
    if (targets === undefined) continue;
    for (let k = 0; k < targets.length; k++) {
      const { term, into, at } = targets[k]!;
      into[at] = add(into[at]!, term.row(r));
    }
  }
  const rowCount = (name: CountName, i: number): Int => {
    const r = factsOf(layers[i]!);
    let n: Int = r.layer.macs;
    const { terms } = CONVENTIONS[name];
    for (let k = 0; k < terms.length; k++) n = add(n, termRow(terms[k]!, r));
    return n;
  };
  const conventions = {} as Record<CountName, ConventionCount>;
  COUNT_NAMES.forEach((name, c) => {
    const terms = CONVENTIONS[name].terms.map((t, k) => ({ label: t.label, total: sums[c]![k]! }));
    const { fails } = CONVENTIONS[name];
    let why: string | null = null;
    for (let i = 0; fails && why === null && i < layers.length; i++) why = fails(layers[i]!);
    conventions[name] = { total: terms.reduce<Int>((a, t) => add(a, t.total), trace.totals.macs), fails: why, terms };
  });
  return { conventions, row: rowCount };
}

/** Parameter totals as each framework's summary reports them. */
export interface ParamCounts {
  /** PyTorch: parameters; BatchNorm's running statistics are buffers. */
  readonly pytorch: Int;
  /** Keras model.summary() "Total params": moving mean and variance are non-trainable params. */
  readonly keras: Int;
  /** paddle.summary "Total params": BatchNorm's mean and variance are counted as params. */
  readonly paddle: Int;
  /**
   * An exported model's count once each BatchNorm is folded into the conv before it (foldedBatchNorms):
   * the BN's weight and bias become that conv's bias, so 2C parameters become C (none, when the conv
   * had a bias already); the BNs that cannot fold stay.
   */
  readonly bnFolded: Int;
}

export function paramCounts(trace: Trace): ParamCounts {
  const all = add(trace.totals.params, trace.totals.bnRunningStats);
  let folded: Int = trace.totals.params;
  const { layers } = trace;
  for (const i of foldedBatchNorms(trace)) {
    const bn = layers[i]!;
    // the conv before it (foldedBatchNorms finds only those): its bias takes the BN's place
    const conv = layers[bn.spec.from]!.spec as Conv2dSpec;
    folded = sub(folded, conv.bias ? bn.params : sub(bn.params, conv.outChannels));
  }
  return { pytorch: trace.totals.params, keras: all, paddle: all, bnFolded: folded };
}

/**
 * The BatchNorms an exporter folds into the conv before them, as torch.fx's fuser and ONNX export
 * tools do: a BN that reads a conv's output when nothing else reads it. A BN before its conv
 * (pre-activation), or after a conv whose output is also read elsewhere, stays.
 */
export function foldedBatchNorms(trace: Trace): number[] {
  const { layers } = trace;
  const readers = new Int32Array(layers.length);
  for (let i = 0; i < layers.length; i++) {
    const spec = layers[i]!.spec;
    if (spec.from >= 0) readers[spec.from]!++;
    for (const o of operandsOf(spec)) if (o >= 0) readers[o]!++;
  }
  const folded: number[] = [];
  for (let i = 0; i < layers.length; i++) {
    const { spec } = layers[i]!;
    if (spec.kind === 'batchnorm2d' && spec.from >= 0 && layers[spec.from]!.spec.kind === 'conv2d' && readers[spec.from] === 1) folded.push(i);
  }
  return folded;
}

/** torchinfo's two size lines, in megabytes (10^6 bytes) with two decimals, as it prints them. */
export interface TorchinfoSizes {
  /** "Params size (MB)": 4 bytes a parameter (float32). */
  readonly paramsMB: string;
  /** "Forward/backward pass size (MB)": 2 × the output bytes of every layer with parameters. */
  readonly forwardBackwardMB: string;
  /** The two lines as torchinfo prints them, in the unit it picks (GB from 10^9 bytes, KB below 10^6). */
  readonly paramsLine: string;
  readonly forwardBackwardLine: string;
}

/** torchinfo's unit for a size (its Units.AUTO): TB, GB, MB, KB from 10^12, 10^9, 10^6, 10^3 bytes, else none. */
const SIZE_UNITS: readonly (readonly [number, string])[] = [
  [1e12, 'TB'],
  [1e9, 'GB'],
  [1e6, 'MB'],
  [1e3, 'KB'],
];

/** A size line as torchinfo's format_output_num writes it: `Label (MB): 12.34`, a whole figure without decimals, thousands grouped. */
function torchinfoLine(label: string, bytes: Int): string {
  const b = Number(bytes);
  const [scale, unit] = SIZE_UNITS.find(([s]) => b >= s) ?? [1, ''];
  const n = b / scale;
  // digits grouped by hand: toLocaleString would start ICU, tens of milliseconds a run
  const figure = Number.isInteger(n) ? groupDigits(n) : pythonFixed2(bytes, scale).replace(/^\d+/, (d) => groupDigits(BigInt(d)));
  return `${label}${unit ? ` (${unit})` : ''}: ${figure}`;
}

/** Modules with child modules (timm's norm-act wrappers), which torchinfo's sums pass over. */
const CONTAINERS: ReadonlySet<TorchModule> = new Set(['BatchNormAct2d', 'GroupNormAct']);

export function torchinfoSizes(trace: Trace): TorchinfoSizes {
  let outputs: Int = 0;
  const { layers } = trace;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    // its sums read leaf modules: timm's norm-act holds its ReLU (and an Identity) as children
    if (layer.params !== 0 && !CONTAINERS.has(kindOf(layer.spec).torch(layer.spec))) outputs = add(outputs, product(layer.output));
  }
  const params = mul(trace.totals.params, 4);
  const forwardBackward = mul(outputs, 8);
  return {
    paramsMB: pythonFixed2(params),
    forwardBackwardMB: pythonFixed2(forwardBackward),
    paramsLine: torchinfoLine('Params size', params),
    forwardBackwardLine: torchinfoLine('Forward/backward pass size', forwardBackward),
  };
}

/**
 * Python's f"{bytes / 1e6:.2f}": the float quotient, rounded half to even on its exact binary
 * value. JavaScript's toFixed rounds ties up; a tie is exact only at eighths (x.125, x.375 …).
 */
export function pythonFixed2(bytes: Int, scale = 1e6): string {
  const d = Number(bytes) / scale;
  // from 10^21 on toFixed writes an exponent; Python writes the double's exact integer digits
  if (Math.abs(d) >= 1e21) return `${BigInt(d)}.00`;
  const scaled = d * 100;
  if (Number.isInteger(d * 8) && !Number.isInteger(scaled) && Math.abs(scaled - Math.trunc(scaled)) === 0.5) {
    const down = Math.floor(scaled);
    const even = down % 2 === 0 ? down : down + 1;
    return (even / 100).toFixed(2);
  }
  return d.toFixed(2);
}

// The spine: every stage of the engine speaks in these types.
//
//   ModelConfig --expandResNet--> LayerSpec[] --analyze--> Analysis --FORMATS[name]--> text
//
// A layer kind is a member of the LayerSpec union below plus its entry in
// src/analysis/kinds.ts (shape rule, weights, receptive field, memory traits); the compiler
// names every other place a new kind must be handled.

import type { Int } from './int.js';

export type BlockKind = 'basic' | 'bottleneck';
export type StemKind = 'standard' | 'deep' | 'cifar';
/** One conv of a stem: a square kernel padded to keep the size ("same", kernel // 2). */
export interface StemConv {
  readonly kernel: number;
  /** Default 1. */
  readonly stride?: number;
  readonly channels: number;
}
/**
 * A stem as data: its convs in order, each followed by BN and ReLU (unless `stemNorm` is false:
 * then the last is bare), and its pool: a 3×3/2 max pool (padding 1) or none.
 */
export interface StemDesign {
  readonly convs: readonly StemConv[];
  /** Default `max`. */
  readonly pool?: 'max' | 'none';
}
export type DownsampleKind = 'conv' | 'avgpool' | 'zeropad' | 'conv1x1';
/** Whose layer names rows take: torchvision's module paths, timm's, Keras' layer names, or a CIFAR repository's. */
export type NamingKind = 'torchvision' | 'timm' | 'keras' | 'kerasv2' | 'akamaster' | 'kuangliu' | 'wrn' | 'bearpaw';
/**
 * `global`: adaptive average pool to 1×1; `width`: a square window as wide as the map
 * (akamaster); a number k: a fixed k×k window at stride k (kuangliu's `F.avg_pool2d(out, 4)`);
 * `none`: no head at all, the last stage's map is the output (a backbone; classes must be 0).
 */
export type HeadPool = 'global' | 'width' | 'none' | number;
/** Where a block normalises: after each conv (post-activation, ResNet v1) or before (pre-activation, v2). */
export type BlockOrderKind = 'post' | 'pre';

/**
 * Squeeze-and-excitation on each block's output, before the residual add (Hu et al. 2018, as timm
 * places it): a global mean, a 1×1 conv down to `channels / reduction` (rounded as `divisor`
 * says), ReLU, a 1×1 conv back up, a sigmoid, and the block's output multiplied by it.
 */
export interface SqueezeExcitation {
  /** The squeeze: block output channels / reduction. */
  readonly reduction: number;
  /**
   * Rounds the squeezed channels to a multiple of it, at least it (timm's make_divisible: 8);
   * absent: floor(channels / reduction), as Hu et al.
   */
  readonly divisor?: number;
}

/** A ResNet described as data, every field resolved (defaults filled in). */
export interface ModelConfig {
  /** Preset name or file the config came from; for display only. */
  readonly name: string;
  readonly block: BlockKind;
  /** Blocks per stage. */
  readonly layers: readonly number[];
  /** Base width (torchvision's `planes`) per stage, before expansion. */
  readonly widths: readonly number[];
  readonly groups: number;
  readonly widthPerGroup: number;
  /** A named stem, or its convs and pool as data. */
  readonly stem: StemKind | StemDesign;
  /** Width w of the deep stem's first two convs (the third has 2w). */
  readonly stemWidth: number;
  readonly downsample: DownsampleKind;
  /** ResNet v1: stride on the first 1×1 conv of a bottleneck instead of its 3×3. */
  readonly strideIn1x1: boolean;
  /** One flag per stage after the first: replace that stage's stride with dilation. */
  readonly replaceStrideWithDilation: readonly boolean[];
  readonly inChannels: number;
  /** 0 means no classifier: the output is the pooled features. */
  readonly classes: number;
  /**
   * Every conv has a bias (Keras), or `unnormalized`: the convs no BN follows (Keras V2); absent:
   * none has.
   */
  readonly convBias?: boolean | 'unnormalized';
  /** Layer names; absent: torchvision's, or timm's for its deep-stem and avg-pool variants. */
  readonly naming?: NamingKind;
  /** The pool before the classifier; absent: a global average pool. */
  readonly headPool?: HeadPool;
  /** The input traced when none is given, [N, C, H, W]; absent: [1, inChannels, 224, 224]. */
  readonly input?: readonly [number, number, number, number];
  /** Squeeze-and-excitation in every block; absent: none. */
  readonly se?: SqueezeExcitation;
  /** Post-activation blocks (conv, BN, ReLU) or pre-activation (BN, ReLU, conv); absent: post. */
  readonly order?: BlockOrderKind;
  /** The stem's BN and ReLU after its conv; absent: true (pre-activation networks may have none). */
  readonly stemNorm?: boolean;
  /**
   * Where a pre-activation block's projection shortcut reads: the first unit's activation
   * (absent: kuangliu, WRN, He et al.) or the block's input (bearpaw's PreResNet).
   */
  readonly shortcutFrom?: 'input' | 'preactivation';
  /** A BN and ReLU before the head's pool (pre-activation networks' last activation); absent: none. */
  readonly headNorm?: boolean;
  /** Each stage's stride; absent: 1 for the first stage, 2 for the others. */
  readonly strides?: readonly number[];
  /** Which block of a stage carries its stride: the first (torchvision; absent) or the last (Keras V2). */
  readonly strideAt?: 'first' | 'last';
  /**
   * The shortcut of a block that strides without changing channels: a projection (absent) or a
   * 1×1 max pool at the stride, no parameters (Keras V2).
   */
  readonly strideShortcut?: 'projection' | 'maxpool';
}

export type Pair = readonly [number, number];
/** Padding before and after, for height then width. */
export type Padding = readonly [Pair, Pair];

/** Where a row sits in the network; objects are shared by all rows of one block. */
export type Section =
  | { readonly kind: 'stem' }
  | {
      readonly kind: 'block';
      readonly block: BlockKind;
      /** 0-based stage index; PyTorch calls stage s `layer${s + 1}`. */
      readonly stage: number;
      /** Index of the block within its stage. */
      readonly index: number;
      /** Index of the block across the whole network (the notes' numbering). */
      readonly serial: number;
      /** True when the block's shortcut is a projection (`downsample`), not the identity. */
      readonly projection: boolean;
    }
  | { readonly kind: 'head' };

/** Where a row sits within its block: on the main path, on the shortcut, or where they join. */
export type Role = 'main' | 'shortcut' | 'join';

/** True when two rows belong to the same stem, block or head (compared by value). */
export function sameSection(a: Section | undefined, b: Section | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.kind !== b.kind) return false;
  return a.kind !== 'block' || a.serial === (b as typeof a).serial;
}

interface RowBase {
  /** PyTorch module path, e.g. `layer2.0.downsample.0`. */
  readonly name: string;
  /** Paddle's layer name where the notes' Paddle model has one (`conv2d_17`, `linear_0`). */
  readonly paddleName: string | null;
  /** Index of the row whose output this row consumes; -1 is the network input. */
  readonly from: number;
  readonly section: Section;
  /** Main path when absent. The residual add and what follows it in the block are `join`. */
  readonly role?: Role;
}

export interface Conv2dSpec extends RowBase {
  readonly kind: 'conv2d';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Padding;
  readonly dilation: Pair;
  readonly groups: number;
  readonly bias: boolean;
}
export interface BatchNorm2dSpec extends RowBase {
  readonly kind: 'batchnorm2d';
  readonly channels: number;
}
export interface ReluSpec extends RowBase {
  readonly kind: 'relu';
  readonly inplace: boolean;
  /** Called as F.relu in a forward (akamaster), not as an nn.ReLU module. */
  readonly functional?: boolean;
}
export interface MaxPool2dSpec extends RowBase {
  readonly kind: 'maxpool2d';
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Padding;
  readonly dilation: Pair;
  readonly ceilMode: boolean;
}
export interface AvgPool2dSpec extends RowBase {
  readonly kind: 'avgpool2d';
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Padding;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
}
export interface IdentitySpec extends RowBase {
  readonly kind: 'identity';
}
export interface AddSpec extends RowBase {
  readonly kind: 'add';
  /** Index of the row producing the shortcut operand (-1: the network input). */
  readonly shortcut: number;
  /** `torch.add(a, b)`, a new tensor (Wide ResNet), rather than the in-place `out += shortcut`. */
  readonly outOfPlace?: boolean;
}
export interface AdaptiveAvgPool2dSpec extends RowBase {
  readonly kind: 'adaptiveavgpool2d';
  readonly outputSize: Pair;
}
export interface FlattenSpec extends RowBase {
  readonly kind: 'flatten';
}
export interface LinearSpec extends RowBase {
  readonly kind: 'linear';
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias: boolean;
}

/**
 * The parameter-free "option A" shortcut (He et al. 2016): subsample by the stride
 * (`x[:, :, ::s, ::s]`), then add zero channels before and after.
 */
export interface ChannelPadSpec extends RowBase {
  readonly kind: 'channelpad';
  readonly stride: Pair;
  /** Zero channels added before and after the input's. */
  readonly channels: Pair;
}

/**
 * An average pool whose square window is as wide as its input (akamaster's CIFAR head,
 * `F.avg_pool2d(out, out.size()[3])`), with a stride equal to the window.
 */
export interface WidthPool2dSpec extends RowBase {
  readonly kind: 'widthpool2d';
  /**
   * A fixed k×k window at stride k instead of the input's width (kuangliu's `F.avg_pool2d(out,
   * 4)`), with `unit` when a classifier follows: the pooled map must then be 1×1.
   */
  readonly window?: number;
  readonly unit?: boolean;
}

/** The squeeze: a global mean over height and width, kept 4-d (`x.mean((2, 3), keepdim=True)`). */
export interface MeanSpec extends RowBase {
  readonly kind: 'mean';
}
export interface SigmoidSpec extends RowBase {
  readonly kind: 'sigmoid';
}
/**
 * The excitation: `from` (the block's output) times the gate, broadcast over height and width
 * (`x * gate`, a tensor operation).
 */
export interface MulSpec extends RowBase {
  readonly kind: 'mul';
  /** Index of the row producing the gate, [N, C, 1, 1]. */
  readonly gate: number;
}

export type LayerSpec =
  | Conv2dSpec
  | BatchNorm2dSpec
  | ReluSpec
  | MaxPool2dSpec
  | AvgPool2dSpec
  | IdentitySpec
  | AddSpec
  | AdaptiveAvgPool2dSpec
  | FlattenSpec
  | LinearSpec
  | ChannelPadSpec
  | WidthPool2dSpec
  | MeanSpec
  | SigmoidSpec
  | MulSpec;

export type LayerKind = LayerSpec['kind'];

/** A tensor shape; dimension 0 is the batch. */
export type Shape = readonly number[];

export interface TracedLayer {
  readonly spec: LayerSpec;
  readonly input: Shape;
  readonly output: Shape;
  readonly weight: Shape | null;
  readonly bias: Shape | null;
  readonly params: Int;
  /** Running mean and variance elements (BatchNorm buffers). */
  readonly runningStats: number;
  readonly macs: Int;
}

export interface Totals {
  readonly params: Int;
  readonly trainableParams: Int;
  readonly bnRunningStats: Int;
  readonly macs: Int;
}

export interface Trace {
  readonly config: ModelConfig;
  /** The input shape; with a symbolic batch, dimension 0 is traced as 1. */
  readonly input: Shape;
  readonly output: Shape;
  /** True when the batch is symbolic (`N`): batch-dependent totals are per sample. */
  readonly symbolicBatch: boolean;
  readonly layers: readonly TracedLayer[];
  readonly totals: Totals;
}

/** Something the network cannot take, as data; the sentence is built in one place. */
export interface ShapeIssue {
  readonly code:
    | 'channels'
    | 'rank'
    | 'features'
    | 'too-small'
    | 'add-mismatch'
    | 'config';
  /** Module path (or config field path) where the problem is. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
}

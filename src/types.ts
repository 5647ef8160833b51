// The spine: every stage of the engine speaks in these types.
//
//   ModelConfig --expandResNet--> LayerSpec[] --analyze--> Analysis --FORMATS[name]--> text
//
// A layer kind is a member of the LayerSpec union below plus its entry in
// src/analysis/kinds.ts (shape rule, weights, receptive field, memory traits); the compiler
// names every other place a new kind must be handled.

import type { Int } from './int.js';
import type { BlockKind } from './network/designs.js';

import type { ModelConfig } from './network/fields.js';

// A config's fields, their kinds and their defaults are written once, in src/schemas/config.ts:
// these are its types.
export type { ConfigInput, ModelConfig } from './network/fields.js';
export type { BlockKind, DownsampleKind } from './network/designs.js';
export type { NamingKind } from './network/naming.js';
export type StemKind = Extract<ModelConfig['stem'], string>;
/** A stem as data: its convs in order (each a square kernel padded to keep the size), and its pool. */
export type StemDesign = Exclude<ModelConfig['stem'], string>;
export type StemConv = StemDesign['convs'][number];
export type HeadPool = NonNullable<ModelConfig['headPool']>;
export type BlockOrderKind = NonNullable<ModelConfig['order']>;
export type SqueezeExcitation = NonNullable<ModelConfig['se']>;

export type Pair = readonly [number, number];
/**
 * One figure per spatial axis of a window (kernel, stride, dilation): two for images (height,
 * width), three for clips (frames, height, width), one for signals (length). Its length is the
 * row's spatial rank.
 */
export type Spatial = readonly number[];
/** Padding before and after, per spatial axis (height then width for images). */
export type Padding = readonly Pair[];

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

/**
 * A convolution of any spatial rank (its kernel's length: PyTorch's Conv1d, Conv2d, Conv3d; the
 * kind keeps the name of the common one).
 */
export interface Conv2dSpec extends RowBase {
  readonly kind: 'conv2d';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: Spatial;
  readonly stride: Spatial;
  readonly padding: Padding;
  readonly dilation: Spatial;
  readonly groups: number;
  readonly bias: boolean;
  /**
   * Weight standardisation (timm's StdConv2d, BiT): each output channel's weight normalised to
   * zero mean and unit variance on every call, before the convolution.
   */
  readonly standardized?: boolean;
  /**
   * torchvision's video convs, subclasses of nn.Conv3d that the counting tools matching classes
   * exactly do not see: Conv3DSimple (3×3×3) and Conv3DNoTemporal (1×3×3).
   */
  readonly subclass?: 'Conv3DSimple' | 'Conv3DNoTemporal';
  /**
   * Built with PyTorch's padding='same' (its `padding` says the figures): run as
   * aten::_convolution_mode, which pads an even kernel's extra column into a copy first.
   */
  readonly same?: boolean;
}
/** BatchNorm over the channels of a map of `dims` spatial axes (2 when absent: BatchNorm2d). */
export interface BatchNorm2dSpec extends RowBase {
  readonly kind: 'batchnorm2d';
  readonly channels: number;
  readonly dims?: 1 | 3;
  /** An in-place ReLU inside the same module (timm's BatchNormAct2d): one row. */
  readonly act?: boolean;
}
export interface ReluSpec extends RowBase {
  readonly kind: 'relu';
  readonly inplace: boolean;
  /** Called as F.relu in a forward (akamaster), not as an nn.ReLU module. */
  readonly functional?: boolean;
}
export interface MaxPool2dSpec extends RowBase {
  readonly kind: 'maxpool2d';
  readonly kernel: Spatial;
  readonly stride: Spatial;
  readonly padding: Padding;
  readonly dilation: Spatial;
  readonly ceilMode: boolean;
}
export interface AvgPool2dSpec extends RowBase {
  readonly kind: 'avgpool2d';
  readonly kernel: Spatial;
  readonly stride: Spatial;
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
  /**
   * A new tensor rather than the in-place `out += shortcut`: `torch.add(a, b)` (Wide ResNet), or
   * `operator`, `a + b` (torchvision's RegNet), which no patch of torch.add sees.
   */
  readonly outOfPlace?: boolean | 'operator';
}
export interface AdaptiveAvgPool2dSpec extends RowBase {
  readonly kind: 'adaptiveavgpool2d';
  /** One size per spatial axis (its length is the rank: AdaptiveAvgPool1d, 2d, 3d). */
  readonly outputSize: Spatial;
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
  /** The window as tall as the input instead (kuangliu's SE squeeze, `F.avg_pool2d(out, out.size(2))`). */
  readonly height?: boolean;
}

/** The squeeze: a global mean over height and width, kept 4-d (`x.mean((2, 3), keepdim=True)`). */
export interface MeanSpec extends RowBase {
  readonly kind: 'mean';
  /** ECA's `x.mean((2, 3)).view(N, 1, -1)`: the means as [N, 1, C] for its 1-d conv. */
  readonly flat?: boolean;
}
export interface SigmoidSpec extends RowBase {
  readonly kind: 'sigmoid';
  /** Called as F.sigmoid in a forward (kuangliu's SENet), not as an nn.Sigmoid module. */
  readonly functional?: boolean;
}
/**
 * The excitation: `from` (the block's output) times the gate, broadcast over height and width
 * (`x * gate`, a tensor operation).
 */
export interface MulSpec extends RowBase {
  readonly kind: 'mul';
  /** Index of the row producing the gate: [N, C, 1, 1], or the channels as [N, 1, C] (ECA) or [N, C] (ResNeSt). */
  readonly gate: number;
}

/** Dropout: zeroes a fraction `p` of the elements in training (a new tensor and its mask), nothing in eval. */
export interface DropoutSpec extends RowBase {
  readonly kind: 'dropout';
  readonly p: number;
  /** nn.Dropout(inplace=True) (IResNet's head): writes into its input. */
  readonly inplace: boolean;
  /** Called as F.dropout in a forward (xternalz's Wide ResNet), not as an nn.Dropout module. */
  readonly functional?: boolean;
}
/** A ReLU with a learned slope for negative inputs: one per channel, or one for all (`nn.PReLU(num_parameters)`). */
export interface PReluSpec extends RowBase {
  readonly kind: 'prelu';
  /** 1, or the channels of its input. */
  readonly parameters: number;
}
/**
 * ECA's 1-d conv across channels (timm's EcaModule): on the means as [N, 1, C], a Conv1d(1, 1, k,
 * padding (k − 1)/2, no bias) along the channels: output [N, 1, C].
 */
export interface ChannelConvSpec extends RowBase {
  readonly kind: 'channelconv';
  readonly channels: number;
  readonly kernel: number;
}
/** GroupNorm: the channels in `groups` groups, each normalised over its channels and the map (no running statistics). */
export interface GroupNormSpec extends RowBase {
  readonly kind: 'groupnorm';
  readonly channels: number;
  readonly groups: number;
  /** An in-place ReLU inside the same module (timm's GroupNormAct): one row. */
  readonly act?: boolean;
  /** timm's GroupNorm class (timm/layers/norm.py), a subclass of nn.GroupNorm: what the counting tools that match classes exactly do not see. */
  readonly timm?: boolean;
}
/**
 * ResNeSt's radix sum: the map's channels as `radix` groups of C (`x.reshape(N, radix, C, H, W)`),
 * summed over the groups (`.sum(dim=1)`): [N, radix·C, H, W] to [N, C, H, W].
 */
export interface RadixSumSpec extends RowBase {
  readonly kind: 'radixsum';
  readonly radix: number;
}
/**
 * timm's RadixSoftmax: the attention logits [N, radix·C, 1, 1] as [N, groups, radix, C/groups],
 * softmax across the radix (a sigmoid with radix 1), back as [N, radix·C].
 */
export interface RadixSoftmaxSpec extends RowBase {
  readonly kind: 'radixsoftmax';
  readonly radix: number;
  readonly groups: number;
}
/** Zeros around the map (nn.ConstantPad2d(p, 0.): BiT's stem before its max pool). */
export interface ConstantPad2dSpec extends RowBase {
  readonly kind: 'constantpad2d';
  readonly padding: Padding;
}
/**
 * Anti-aliased downsampling (timm's BlurPool2d, Zhang 2019): the map padded by reflection by
 * ⌊(stride − 1 + kernel − 1) / 2⌋ on every side, then a fixed binomial kernel×kernel filter run
 * depthwise at the stride. The filter is a buffer (not saved with the weights), no parameter.
 */
export interface BlurPool2dSpec extends RowBase {
  readonly kind: 'blurpool2d';
  readonly channels: number;
  /** The filter's size (timm's filt_size, 3). */
  readonly kernel: number;
  readonly stride: number;
}
/** A run of channels of its input, a view (`torch.split(x, width, 1)[i]`: Res2Net's scales). */
export interface SliceSpec extends RowBase {
  readonly kind: 'slice';
  /** The first channel taken. */
  readonly start: number;
  readonly channels: number;
}
/** Its input and `others`, joined along the channels (`torch.cat([...], 1)`): a new tensor. */
export interface ConcatSpec extends RowBase {
  readonly kind: 'concat';
  /** The rows joined after `from`, in order. */
  readonly others: readonly number[];
}
/** BatchNorm over a flattened [N, features] vector (IResNet's embedding `features`). */
export interface BatchNorm1dSpec extends RowBase {
  readonly kind: 'batchnorm1d';
  readonly features: number;
  /** Its scale is frozen (requires_grad False, IResNet): its weight is no trainable parameter. */
  readonly frozenWeight?: boolean;
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
  | MulSpec
  | DropoutSpec
  | PReluSpec
  | BatchNorm1dSpec
  | GroupNormSpec
  | ChannelConvSpec
  | BlurPool2dSpec
  | SliceSpec
  | ConcatSpec
  | ConstantPad2dSpec
  | RadixSumSpec
  | RadixSoftmaxSpec;

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

// What a ResNet is made of, as data: BLOCKS says which convs a block has (kernel, width, where
// the stride and the dilation go), ORDERS in which order a conv unit's conv, BatchNorm and ReLU
// run and where the shortcut branches, SHORTCUTS what a projection shortcut is made of, and
// stemDesign what a named stem is. The expander (expand.ts) reads them; it has no code path of its
// own per block kind.

import type { BlockOrderKind, ModelConfig, Section, SqueezeExcitation, StemDesign } from '../types.js';
import type { ConvMaker } from './fields.js';
import type { Naming } from './naming.js';
import { pair, type Rows } from './rows.js';

// ---------------------------------------------------------------------------------------------
// Blocks as data

/** One conv of a block. */
export interface ConvDesign {
  readonly kernel: number;
  /** Output channels: the block's inner width, or its output (planes × expansion). */
  readonly out: 'width' | 'output';
  /**
   * Which conv carries the block's stride: `always`, or one of the two placements a
   * bottleneck can have (`v1`: on the first 1×1 with strideIn1x1; `v1.5`: on the 3×3 otherwise).
   */
  readonly stride: 'always' | 'v1' | 'v1.5' | 'never';
  /** `entry`: the previous stage's dilation on a stage's first block, the stage's after; `stage`: the stage's. */
  readonly dilation: 'entry' | 'stage' | 'none';
  /** Grouped by the config's `groups` (ResNeXt). */
  readonly grouped: boolean;
  /**
   * PyTorch's padding='same' (the output as long as the input, at stride 1): dilation·(kernel − 1)
   * split with the smaller half before, as an even kernel needs; else kernel // 2 · dilation.
   */
  readonly padding?: 'same';
}

export interface BlockDesign {
  /** Its name and what it is, in a few words, for the config schema. */
  readonly description: string;
  /** Output channels = planes × expansion. */
  readonly expansion: number;
  /** Inner width: `planes`, or torchvision's floor(planes × widthPerGroup / 64) × groups. */
  readonly width: 'planes' | 'grouped';
  readonly convs: readonly ConvDesign[];
  /**
   * Res2Net's multi-scale 3×3 (Gao et al. 2019): the first 1×1 gives `scale` groups of the inner
   * width; each group but the last runs its own 3×3 after the sum of the previous group's output
   * and its own split (the first block of a stage: the split alone), the last is passed on (pooled
   * by a 3×3 average pool at the stride in a stage's first block), and all are joined.
   */
  readonly multiScale?: boolean;
  /**
   * ResNeSt's split attention (Zhang et al. 2020) in place of the 3×3 unit: a 3×3 conv to
   * radix × width, its radix groups summed and averaged, two 1×1 convs, a softmax across the radix,
   * and the groups weighted by it and summed; a block that strides does it at stride 1, then a 3×3
   * average pool at the stride (timm's avd).
   */
  readonly splitAttention?: boolean;
}

/** 1×1, a grouped 3×3 that always carries the stride, 1×1 (RegNet's; Res2Net's and ResNeSt's in outline, their own expanders). */
const STRIDED_BOTTLENECK: readonly ConvDesign[] = [
  { kernel: 1, out: 'width', stride: 'never', dilation: 'none', grouped: false },
  { kernel: 3, out: 'width', stride: 'always', dilation: 'entry', grouped: true },
  { kernel: 1, out: 'output', stride: 'never', dilation: 'none', grouped: false },
];

export const BLOCK_KINDS = ['basic', 'bottleneck', 'ibasic', 'regnet', 'res2net', 'resnest', 'tsc'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

export const BLOCKS: Readonly<Record<BlockKind, BlockDesign>> = {
  basic: {
    description: 'basic (two 3×3 convs)',
    expansion: 1,
    width: 'planes',
    convs: [
      { kernel: 3, out: 'width', stride: 'always', dilation: 'entry', grouped: false },
      { kernel: 3, out: 'output', stride: 'never', dilation: 'stage', grouped: false },
    ],
  },
  bottleneck: {
    description: 'bottleneck (1×1, 3×3, 1×1 with ×4 expansion)',
    expansion: 4,
    width: 'grouped',
    convs: [
      { kernel: 1, out: 'width', stride: 'v1', dilation: 'none', grouped: false },
      { kernel: 3, out: 'width', stride: 'v1.5', dilation: 'entry', grouped: true },
      { kernel: 1, out: 'output', stride: 'never', dilation: 'none', grouped: false },
    ],
  },
  // insightface's IBasicBlock: two 3×3 convs, the second strides (it refuses dilation)
  ibasic: {
    description: 'ibasic (two 3×3 convs, the second strided: IResNet)',
    expansion: 1,
    width: 'planes',
    convs: [
      { kernel: 3, out: 'width', stride: 'never', dilation: 'none', grouped: false },
      { kernel: 3, out: 'output', stride: 'always', dilation: 'none', grouped: false },
    ],
  },
  // torchvision's ResBottleneckBlock (bottleneck multiplier 1): 1×1, grouped 3×3 (strided), 1×1
  regnet: {
    description: "regnet (1×1, 3×3 grouped by groupWidth, 1×1 without expansion: torchvision's RegNet)",
    expansion: 1,
    width: 'planes',
    convs: STRIDED_BOTTLENECK,
  },
  // timm's Bottle2neck: 1×1 to width × scale, the scales' 3×3s (strided), their join, 1×1 with ×4 expansion
  res2net: {
    description: "res2net (1×1 to width × scale, a 3×3 per scale on the running sum of the scales, 1×1 with ×4 expansion: timm's Bottle2neck)",
    expansion: 4,
    width: 'grouped',
    convs: STRIDED_BOTTLENECK,
    multiScale: true,
  },
  // timm's ResNestBottleneck (avd, not avd_first): 1×1, split attention at stride 1 and a strided 3×3 average pool, 1×1 with ×4 expansion
  resnest: {
    description: "resnest (1×1, split attention over radix groups of the 3×3, 1×1 with ×4 expansion: timm's ResNestBottleneck)",
    expansion: 4,
    width: 'grouped',
    convs: STRIDED_BOTTLENECK,
    splitAttention: true,
  },
  // Wang, Yan & Oates 2017 (time-series classification): three 'same'-padded convs of 8, 5 and 3, each as wide as the block's output
  tsc: {
    description: "tsc (convs of 8, 5 and 3 with 'same' padding, all as wide as the output: Wang et al. 2017's time-series ResNet)",
    expansion: 1,
    width: 'planes',
    convs: [
      { kernel: 8, out: 'output', stride: 'never', dilation: 'none', grouped: false, padding: 'same' },
      { kernel: 5, out: 'output', stride: 'never', dilation: 'none', grouped: false, padding: 'same' },
      { kernel: 3, out: 'output', stride: 'never', dilation: 'none', grouped: false, padding: 'same' },
    ],
  },
};


type Step = 'conv' | 'bn' | 'act';

/** The order of a block's operations. */
export interface BlockOrder {
  /** Each conv unit but the last. */
  readonly unit: readonly Step[];
  /** The last conv unit. */
  readonly lastUnit: readonly Step[];
  /** After the residual add. */
  readonly afterAdd: readonly Step[];
  /** Where a projection shortcut starts by default: the block's input, or its first unit's activation. */
  readonly shortcutFrom: ShortcutSource;
}

export type ShortcutSource = 'input' | 'preactivation';

/** Post-activation, as torchvision and timm (ResNet v1/v1.5): conv, BN, ReLU; ReLU after the add. */
export const POST_ACTIVATION: BlockOrder = {
  unit: ['conv', 'bn', 'act'],
  lastUnit: ['conv', 'bn'],
  afterAdd: ['act'],
  shortcutFrom: 'input',
};

/**
 * Pre-activation (He et al. 2016, "Identity Mappings"): BN, ReLU, conv in every unit, nothing
 * after the add; a projection shortcut branches from the first unit's activation (an identity
 * shortcut carries the block's input).
 */
export const PRE_ACTIVATION: BlockOrder = {
  unit: ['bn', 'act', 'conv'],
  lastUnit: ['bn', 'act', 'conv'],
  afterAdd: [],
  shortcutFrom: 'preactivation',
};

/**
 * insightface's IBasicBlock: BN, conv; BN, PReLU, conv, BN; nothing after the add; the
 * projection reads the block's input.
 */
export const IRESNET_ORDER: BlockOrder = {
  unit: ['bn', 'conv'],
  lastUnit: ['bn', 'act', 'conv', 'bn'],
  afterAdd: [],
  shortcutFrom: 'input',
};

export const ORDERS: Readonly<Record<BlockOrderKind, BlockOrder>> = { post: POST_ACTIVATION, pre: PRE_ACTIVATION, iresnet: IRESNET_ORDER };

/** A stage's plan, threaded through as values (no mutable builder state). */
export interface StagePlan {
  readonly planes: number;
  readonly inChannels: number;
  readonly outChannels: number;
  /** The stride of the stage's first block (1 when replaced with dilation). */
  readonly stride: number;
  /** Dilation of the stage's 3×3 convs after the first block. */
  readonly dilation: number;
  /** Dilation of the first block's entry 3×3 (the previous stage's). */
  readonly firstDilation: number;
  readonly hasDownsample: boolean;
  readonly blocks: number;
  /** A video network's conv builder for the stage (`convMakers`). */
  readonly maker?: ConvMaker;
}

/** Each stage's stride before dilation: the first stage keeps the stem's resolution, the others halve it. */
export function stageStrides(config: ModelConfig): number[] {
  return config.strides ? [...config.strides] : config.layers.map((_, s) => (s === 0 ? 1 : 2));
}

/** The stem as data: a named stem's convs and pool, or the config's own. */
export function stemDesign(config: ModelConfig): StemDesign {
  const w = config.stemWidth;
  switch (config.stem) {
    case 'standard':
      return { convs: [{ kernel: 7, stride: 2, channels: 64 }], pool: 'max' };
    // timm's deep stem (ResNet-C/D/S): three 3×3 convs of w, w, 2w
    case 'deep':
      return { convs: [{ kernel: 3, stride: 2, channels: w }, { kernel: 3, channels: w }, { kernel: 3, channels: 2 * w }], pool: 'max' };
    // He et al. 2016 §4.2: one 3×3 conv at stride 1, no pool
    case 'cifar':
      return { convs: [{ kernel: 3, channels: w }], pool: 'none' };
    case 'none':
      return NO_STEM;
    default:
      return config.stem;
  }
}

const NO_STEM: StemDesign = { convs: [], pool: 'none' };

export function stemChannels(config: ModelConfig): number {
  const { convs } = stemDesign(config);
  return convs[convs.length - 1]?.channels ?? config.inChannels;
}

/** A block's inner width. */
export function blockWidth(config: ModelConfig, planes: number): number {
  return BLOCKS[config.block].width === 'planes' ? planes : Math.floor((planes * config.widthPerGroup) / 64) * config.groups;
}

/** The groups of a block's grouped conv: width / groupWidth where given, else `groups`. */
export function blockGroups(config: ModelConfig, width: number): number {
  return config.groupWidth === undefined ? config.groups : width / config.groupWidth;
}

export function planStages(config: ModelConfig): StagePlan[] {
  const plans: StagePlan[] = [];
  const { expansion } = BLOCKS[config.block];
  const strides = stageStrides(config);
  let inChannels = stemChannels(config);
  let dilation = 1;
  config.layers.forEach((blocks, s) => {
    const planes = config.widths[s] ?? 0;
    let stride = strides[s]!;
    const firstDilation = dilation;
    if (s > 0 && config.replaceStrideWithDilation[s - 1]) {
      dilation *= stride;
      stride = 1;
    }
    const outChannels = planes * expansion;
    const hasDownsample = config.firstShortcut === 'always' || stride !== 1 || inChannels !== outChannels;
    const maker = config.dims === 3 ? (config.convMakers?.[s] ?? 'simple') : undefined;
    plans.push({ planes, inChannels, outChannels, stride, dilation, firstDilation, hasDownsample, blocks, ...(maker ? { maker } : {}) });
    inChannels = outChannels;
  });
  return plans;
}

/** torchvision has no deep stem or pooled shortcut: such networks are named as timm names them. */

/** What one block of a stage needs to know. */
export interface BlockArgs {
  readonly prefix: string;
  readonly names: Naming;
  readonly section: Section;
  readonly plan: StagePlan;
  readonly inChannels: number;
  readonly stride: number;
  readonly first: boolean;
  readonly projection: boolean;
  /** It strides without changing channels, and its shortcut is a 1×1 max pool (Keras V2). */
  readonly subsample: boolean;
}

/** A form of projection shortcut: the rows that take a block's input to its output's shape. */
export interface ShortcutDesign {
  /** Its name and what it is, in a few words, for the config schema. */
  readonly description: string;
  /** Why a stage cannot have it (checked for every stage with a projection), or null. */
  readonly refuse?: (plan: StagePlan) => string | null;
  readonly expand: (rows: Rows, b: BlockArgs, input: number) => number;
}

export const SHORTCUT_KINDS = ['conv', 'avgpool', 'conv1x1', 'zeropad'] as const;
export type DownsampleKind = (typeof SHORTCUT_KINDS)[number];

export const SHORTCUTS: Readonly<Record<DownsampleKind, ShortcutDesign>> = {
  conv: {
    description: 'conv (strided 1×1)',
    expand: (rows, b, input) => {
      const { prefix: p, names } = b;
      const x = rows.conv(names.shortcut(p, 0, 'conv'), input, b.section, { inChannels: b.inChannels, outChannels: b.plan.outChannels, kernel: 1, stride: b.stride, normalized: true, maker: b.plan.maker });
      return rows.bn(names.shortcut(p, 1, 'bn'), x, b.section, b.plan.outChannels);
    },
  },
  avgpool: {
    description: 'avgpool (2×2 average pool, then 1×1; ResNet-D)',
    expand: (rows, b, input) => {
      const { prefix: p, names, plan } = b;
      const pooled =
        plan.stride === 1 && plan.dilation === 1
          ? rows.push({ kind: 'identity', name: names.shortcut(p, 0, 'pool'), paddleName: null, from: input, section: b.section })
          : rows.avgPool(names.shortcut(p, 0, 'pool'), input, b.section, plan.stride);
      const x = rows.conv(names.shortcut(p, 1, 'conv'), pooled, b.section, { inChannels: b.inChannels, outChannels: plan.outChannels, kernel: 1, normalized: true });
      return rows.bn(names.shortcut(p, 2, 'bn'), x, b.section, plan.outChannels);
    },
  },
  conv1x1: {
    description: 'conv1x1 (strided 1×1 without BN, as pre-activation networks)',
    expand: (rows, b, input) =>
      rows.conv(b.names.shortcut(b.prefix, 0, 'conv'), input, b.section, { inChannels: b.inChannels, outChannels: b.plan.outChannels, kernel: 1, stride: b.stride, normalized: false }),
  },
  zeropad: {
    description: 'zeropad (option A: subsample, then zero channels; no parameters)',
    // akamaster's LambdaLayer pads out/4 channels on each side: it doubles the channels
    refuse: (plan) =>
      plan.inChannels + 2 * Math.floor(plan.outChannels / 4) === plan.outChannels
        ? null
        : 'a zero-padding (option A) shortcut to double the channels: out/4 zero channels on each side',
    expand: (rows, b, input) => {
      const side = Math.floor(b.plan.outChannels / 4);
      return rows.push({ kind: 'channelpad', name: `${b.prefix}.shortcut`, paddleName: null, from: input, section: b.section, stride: pair(b.stride), channels: [side, side] });
    },
  },
};


/** ECA's kernel for C channels (timm's EcaModule, gamma 2, beta 1): t = int(|log(C, 2) + 1| / 2), odd, at least 3. */
export function ecaKernel(channels: number): number {
  const t = Math.trunc(Math.abs(Math.log(channels) / Math.log(2) + 1) / 2);
  return Math.max(t % 2 ? t : t + 1, 3);
}

/**
 * Split attention's inner channels: timm's make_divisible(width × radix / 4, 8, min_value 32) with
 * its round_limit 0.9 (a rounding that loses over 10 % goes one divisor up).
 */
export function splitAttentionChannels(width: number, radix: number): number {
  const v = (width * radix) / 4;
  let rounded = Math.max(32, Math.floor((v + 4) / 8) * 8);
  if (rounded < 0.9 * v) rounded += 8;
  return rounded;
}

/** Python's round(): to the nearest integer, a half to the even one. */
function roundHalfEven(x: number): number {
  const down = Math.floor(x);
  const rest = x - down;
  if (rest !== 0.5) return Math.round(x);
  return down % 2 === 0 ? down : down + 1;
}

/**
 * Squeezed channels: floor(channels / reduction), or with a divisor d timm's make_divisible:
 * the nearest multiple of d, at least d (0.5 rounds up).
 */
export function seChannels(se: SqueezeExcitation, channels: number): number {
  // torchvision's int(round(se_ratio × width_in)): Python rounds half to even
  if (se.of === 'input') return roundHalfEven(channels / se.reduction);
  if (se.divisor === undefined) return Math.floor(channels / se.reduction);
  const d = se.divisor;
  return Math.max(d, Math.floor((channels / se.reduction + d / 2) / d) * d);
}


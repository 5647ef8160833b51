// ModelConfig -> LayerSpec[]: the stem, the stages of blocks and the head, in forward order, as
// PyTorch's forward hooks see module calls (a reused ReLU gives a row per call), plus the
// operations that are not modules (the residual add, flatten).
//
// What a block is, is data: BLOCKS says which convs it has (kernel, width, where the stride and
// the dilation go), ORDERS in which order a conv unit's conv, BatchNorm and ReLU run and where
// the shortcut branches, SHORTCUTS what a projection shortcut is made of. The expander reads
// them; it has no code path of its own per block kind.

import type { StemDesign } from '../types.js';
import type { BlockKind, BlockOrderKind, DownsampleKind, LayerSpec, ModelConfig, NamingKind, Padding, Pair, Role, Section, SqueezeExcitation } from '../types.js';

// Attribute tuples are read-only and shared between rows: a million-row network then holds a
// handful of them instead of millions.
const pairs = new Map<number, Pair>();
const pads = new Map<number, Padding>();
function pair(n: number): Pair {
  let p = pairs.get(n);
  if (!p) pairs.set(n, (p = Object.freeze([n, n]) as Pair));
  return p;
}
function pad(n: number): Padding {
  let p = pads.get(n);
  if (!p) pads.set(n, (p = Object.freeze([pair(n), pair(n)]) as Padding));
  return p;
}
const PAD_AFTER: Padding = Object.freeze([Object.freeze([0, 1]), Object.freeze([0, 1])]) as Padding;

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
}

export interface BlockDesign {
  /** Its name and what it is, in a few words, for the config schema. */
  readonly description: string;
  /** Output channels = planes × expansion. */
  readonly expansion: number;
  /** Inner width: `planes`, or torchvision's floor(planes × widthPerGroup / 64) × groups. */
  readonly width: 'planes' | 'grouped';
  readonly convs: readonly ConvDesign[];
}

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
};

export const BLOCK_KINDS = Object.keys(BLOCKS) as BlockKind[];

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

export const ORDERS: Readonly<Record<BlockOrderKind, BlockOrder>> = { post: POST_ACTIVATION, pre: PRE_ACTIVATION };

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
    default:
      return config.stem;
  }
}

export function stemChannels(config: ModelConfig): number {
  const { convs } = stemDesign(config);
  return convs[convs.length - 1]?.channels ?? config.inChannels;
}

/** A block's inner width. */
export function blockWidth(config: ModelConfig, planes: number): number {
  return BLOCKS[config.block].width === 'planes' ? planes : Math.floor((planes * config.widthPerGroup) / 64) * config.groups;
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
    plans.push({ planes, inChannels, outChannels, stride, dilation, firstDilation, hasDownsample: stride !== 1 || inChannels !== outChannels, blocks });
    inChannels = outChannels;
  });
  return plans;
}

/** torchvision has no deep stem or pooled shortcut: such networks are named as timm names them. */
export function usesTimmNames(config: ModelConfig): boolean {
  return stemDesign(config).convs.length > 1 || config.downsample === 'avgpool';
}

// ---------------------------------------------------------------------------------------------
// Rows

interface ConvArgs {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride?: number;
  readonly padding?: number;
  readonly dilation?: number;
  readonly groups?: number;
  /** A bias whatever the network's convs have (the squeeze-and-excitation convs). */
  readonly bias?: boolean;
  /** A BN follows it (with `convBias: "unnormalized"`, such a conv has no bias). */
  readonly normalized?: boolean;
}

/** Appends rows and numbers Paddle's convs; the only state is the growing list itself. */
export class Rows {
  readonly list: LayerSpec[] = [];
  private convs = 0;
  private avgPools = 0;
  /** The role of the rows pushed next. */
  role: Role = 'main';

  get last(): number {
    return this.list.length - 1;
  }

  push(row: LayerSpec): number {
    // rows are built here and published read-only: the role is set before anyone sees them
    if (this.role !== 'main') (row as { role?: Role }).role = this.role;
    this.list.push(row);
    return this.list.length - 1;
  }

  /**
   * Whether convs get a bias (Keras puts one on every conv), and whether ReLUs are F.relu calls
   * in a forward rather than modules (akamaster).
   */
  constructor(
    readonly convBias: boolean | 'unnormalized' = false,
    readonly functionalRelu = false,
  ) {}

  conv(name: string, from: number, section: Section, a: ConvArgs): number {
    return this.push({
      kind: 'conv2d',
      name,
      paddleName: `conv2d_${this.convs++}`,
      from,
      section,
      inChannels: a.inChannels,
      outChannels: a.outChannels,
      kernel: pair(a.kernel),
      stride: pair(a.stride ?? 1),
      padding: pad(a.padding ?? 0),
      dilation: pair(a.dilation ?? 1),
      groups: a.groups ?? 1,
      bias: a.bias ?? (this.convBias === 'unnormalized' ? !(a.normalized ?? true) : this.convBias),
    });
  }

  bn(name: string, from: number, section: Section, channels: number): number {
    return this.push({ kind: 'batchnorm2d', name, paddleName: null, from, section, channels });
  }

  relu(name: string, from: number, section: Section): number {
    if (this.functionalRelu) return this.push({ kind: 'relu', name, paddleName: null, from, section, inplace: false, functional: true });
    return this.push({ kind: 'relu', name, paddleName: null, from, section, inplace: true });
  }

  avgPool(name: string, from: number, section: Section, stride: number): number {
    // timm's avg-down shortcut: AvgPool2d(2, stride, ceil_mode=True, count_include_pad=False);
    // on a dilated stage (stride 1) it is AvgPool2dSame(2, 1), padded by one after.
    return this.push({
      kind: 'avgpool2d',
      name,
      paddleName: `avg_pool2d_${this.avgPools++}`,
      from,
      section,
      kernel: pair(2),
      stride: pair(stride),
      padding: stride === 1 ? PAD_AFTER : pad(0),
      ceilMode: true,
      countIncludePad: false,
    });
  }
}

/**
 * How a source names its layers, so rows line up with its checkpoints. `p` is a block's prefix.
 * Keras also runs a block's projection shortcut before its main path.
 */
export interface Naming {
  readonly stemConv: string;
  readonly stemBn: string;
  readonly stemAct: string;
  readonly stemPool: string;
  readonly block: (stage: number, index: number) => string;
  readonly conv: (p: string, n: number) => string;
  readonly bn: (p: string, n: number) => string;
  /** The n-th activation of a block's units (1-based). */
  readonly act: (p: string, n: number) => string;
  readonly add: (p: string) => string;
  /** The activation after the residual add. */
  readonly out: (p: string, n: number) => string;
  /** The i-th row of a projection shortcut, of the given kind. */
  readonly shortcut: (p: string, i: number, kind: 'conv' | 'bn' | 'pool') => string;
  readonly pool: string;
  readonly flatten: string;
  readonly fc: string;
  /** The rows of a block's squeeze-and-excitation. */
  readonly se: (p: string, part: SqueezePart) => string;
  /**
   * When a projection shortcut runs, as the source's forward runs it: `first` (before the main
   * path: Keras), `branch` (a pre-activation projection as soon as its activation exists, before
   * the first conv: kuangliu's PreActBlock; otherwise last) or `last` (after the main path:
   * torchvision, timm, Wide ResNet).
   */
  readonly shortcutAt: 'first' | 'branch' | 'last';
  /** A pre-activation network's BN and ReLU before the head's pool (`headNorm`). */
  readonly headBn: string;
  readonly headAct: string;
  /** A fixed-window head pool is an nn.AvgPool2d module (else an F.avg_pool2d call). */
  readonly poolModule?: boolean;
  /** The residual sum is `torch.add(a, b)`, a new tensor, rather than `out += shortcut`. */
  readonly outOfPlaceAdd?: boolean;
  /** ReLUs are F.relu calls in the forward, not modules. */
  readonly functionalRelu?: boolean;
  /**
   * The row an identity shortcut is, where the source calls a module for it (an empty
   * nn.Sequential, which forward hooks see); absent: none.
   */
  readonly identityShortcut?: (p: string, order: BlockOrderKind) => string | null;
}

type SqueezePart = 'mean' | 'fc1' | 'act' | 'fc2' | 'gate' | 'mul';

const TORCHVISION_NAMES: Naming = {
  stemConv: 'conv1',
  stemBn: 'bn1',
  stemAct: 'relu',
  stemPool: 'maxpool',
  block: (s, i) => `layer${s + 1}.${i}`,
  conv: (p, n) => `${p}.conv${n}`,
  bn: (p, n) => `${p}.bn${n}`,
  act: (p) => `${p}.relu`,
  add: (p) => `${p}.add`,
  out: (p) => `${p}.relu`,
  shortcut: (p, i) => `${p}.downsample.${i}`,
  pool: 'avgpool',
  flatten: 'flatten',
  fc: 'fc',
  // timm's SEModule: fc1, act, fc2, gate; the mean and the product are its forward's
  se: (p, part) => `${p}.se.${part}`,
  shortcutAt: 'last',
  headBn: 'bn',
  headAct: 'relu',
};

/** keras.applications' layer names (ResNet V1; V2 renames a few). */
const KERAS_NAMES: Naming = {
  stemConv: 'conv1_conv',
  stemBn: 'conv1_bn',
  stemAct: 'conv1_relu',
  stemPool: 'pool1_pool',
  block: (s, i) => `conv${s + 2}_block${i + 1}`,
  conv: (p, n) => `${p}_${n}_conv`,
  bn: (p, n) => `${p}_${n}_bn`,
  act: (p, n) => `${p}_${n}_relu`,
  add: (p) => `${p}_add`,
  out: (p) => `${p}_out`,
  shortcut: (p, _, kind) => `${p}_0_${kind}`,
  pool: 'avg_pool',
  flatten: 'avg_pool.flatten',
  fc: 'predictions',
  se: (p, part) => `${p}_se_${part}`,
  shortcutAt: 'first',
  headBn: 'post_bn',
  headAct: 'post_relu',
};

/**
 * akamaster's pytorch_resnet_cifar10 resnet.py: torchvision's paths, F.relu and F.avg_pool2d in
 * forward (rows named for where they run), the classifier `linear`, the projection in a
 * Sequential `shortcut` and the identity an empty one, which forward hooks see too.
 */
const AKAMASTER_NAMES: Naming = {
  ...TORCHVISION_NAMES,
  pool: 'avg_pool2d',
  flatten: 'view',
  fc: 'linear',
  functionalRelu: true,
  shortcut: (p, i) => `${p}.shortcut.${i}`,
  identityShortcut: (p) => `${p}.shortcut`,
};

export const NAMINGS: Readonly<Record<NamingKind, Naming>> = {
  torchvision: TORCHVISION_NAMES,
  timm: {
    ...TORCHVISION_NAMES,
    stemAct: 'act1',
    act: (p, n) => `${p}.act${n}`,
    out: (p, n) => `${p}.act${n}`,
    pool: 'global_pool.pool',
    flatten: 'global_pool.flatten',
  },
  akamaster: AKAMASTER_NAMES,
  // kuangliu's pytorch-cifar models/resnet.py and preact_resnet.py: akamaster's names; the
  // pre-activation block has no shortcut module unless it projects, and runs it first
  kuangliu: {
    ...AKAMASTER_NAMES,
    identityShortcut: (p, order) => (order === 'post' ? `${p}.shortcut` : null),
    shortcutAt: 'branch',
  },
  // xternalz's WideResNet-pytorch (wideresnet.py): block1.layer.0.bn1, relu1, conv1, bn2, relu2,
  // conv2, convShortcut (run last, from the first activation); the final bn1 and relu
  wrn: {
    ...TORCHVISION_NAMES,
    block: (s, i) => `block${s + 1}.layer.${i}`,
    act: (p, n) => `${p}.relu${n}`,
    shortcut: (p) => `${p}.convShortcut`,
    headBn: 'bn1',
    headAct: 'relu',
    pool: 'avg_pool2d',
    flatten: 'view',
    outOfPlaceAdd: true,
  },
  // bearpaw's pytorch-classification models/cifar/preresnet.py: torchvision's block names, the
  // final bn and relu, an nn.AvgPool2d(8) head
  bearpaw: { ...TORCHVISION_NAMES, flatten: 'view', poolModule: true },
  // keras.applications.resnet: conv2_block1_1_conv …, the shortcut (_0_) first
  keras: KERAS_NAMES,
  // keras.applications.resnet_v2 (block2): conv2_block1_preact_bn, _preact_relu, the shortcut
  // (_0_conv, or an unnamed 1×1 MaxPooling2D, here _0_pool), _1_conv, _1_bn, _1_relu, … _3_conv, _out
  kerasv2: {
    ...KERAS_NAMES,
    // the BN and ReLU before conv n are named after conv n − 1 (the first: the pre-activation)
    bn: (p, n) => (n === 1 ? `${p}_preact_bn` : `${p}_${n - 1}_bn`),
    act: (p, n) => (n === 1 ? `${p}_preact_relu` : `${p}_${n - 1}_relu`),
    add: (p) => `${p}_out`,
    out: (p) => `${p}_out_relu`,
  },
};

export const NAMING_KINDS = Object.keys(NAMINGS) as NamingKind[];

/** The naming a config asks for; without one, timm's where torchvision has no such network. */
export function namingOf(config: ModelConfig): Naming {
  return NAMINGS[config.naming ?? (usesTimmNames(config) ? 'timm' : 'torchvision')];
}

function expandStem(rows: Rows, config: ModelConfig, names: Naming): number {
  const section: Section = { kind: 'stem' };
  const { convs, pool = 'max' } = stemDesign(config);
  const normalized = config.stemNorm !== false;
  let x = -1;
  let channels = config.inChannels;
  convs.forEach((c, k) => {
    const last = k === convs.length - 1;
    // one conv: conv1, bn1, relu; several: a Sequential (timm's conv1.0 … conv1.6), then bn1
    const name = convs.length === 1 ? names.stemConv : `${names.stemConv}.${3 * k}`;
    x = rows.conv(name, x, section, { inChannels: channels, outChannels: c.channels, kernel: c.kernel, stride: c.stride ?? 1, padding: Math.floor(c.kernel / 2), normalized: !last || normalized });
    channels = c.channels;
    if (!last) {
      x = rows.bn(`${names.stemConv}.${3 * k + 1}`, x, section, channels);
      x = rows.relu(`${names.stemConv}.${3 * k + 2}`, x, section);
    }
  });
  if (normalized) {
    x = rows.bn(names.stemBn, x, section, channels);
    x = rows.relu(names.stemAct, x, section);
  }
  if (pool === 'none') return x;
  return rows.push({
    kind: 'maxpool2d',
    name: names.stemPool,
    paddleName: 'max_pool2d_0',
    from: x,
    section,
    kernel: pair(3),
    stride: pair(2),
    padding: pad(1),
    dilation: pair(1),
    ceilMode: false,
  });
}

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

export const SHORTCUTS: Readonly<Record<DownsampleKind, ShortcutDesign>> = {
  conv: {
    description: 'conv (strided 1×1)',
    expand: (rows, b, input) => {
      const { prefix: p, names } = b;
      const x = rows.conv(names.shortcut(p, 0, 'conv'), input, b.section, { inChannels: b.inChannels, outChannels: b.plan.outChannels, kernel: 1, stride: b.stride, normalized: true });
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

export const SHORTCUT_KINDS = Object.keys(SHORTCUTS) as DownsampleKind[];

/** The rows of a block's projection shortcut, from `input`; returns the last. */
function projectionOf(rows: Rows, config: ModelConfig, b: BlockArgs, input: number): number {
  rows.role = 'shortcut';
  const last = SHORTCUTS[config.downsample].expand(rows, b, input);
  rows.role = 'main';
  return last;
}

/**
 * Squeezed channels: floor(channels / reduction), or with a divisor d timm's make_divisible:
 * the nearest multiple of d, at least d (0.5 rounds up).
 */
export function seChannels(se: SqueezeExcitation, channels: number): number {
  if (se.divisor === undefined) return Math.floor(channels / se.reduction);
  const d = se.divisor;
  return Math.max(d, Math.floor((channels / se.reduction + d / 2) / d) * d);
}

/** A block's squeeze-and-excitation on `x` (timm's SEModule); returns the scaled output's row. */
function squeezeExcite(rows: Rows, se: SqueezeExcitation, names: Naming, p: string, section: Section, x: number, channels: number): number {
  const squeezed = seChannels(se, channels);
  let g = rows.push({ kind: 'mean', name: names.se(p, 'mean'), paddleName: null, from: x, section });
  g = rows.conv(names.se(p, 'fc1'), g, section, { inChannels: channels, outChannels: squeezed, kernel: 1, bias: true });
  g = rows.relu(names.se(p, 'act'), g, section);
  g = rows.conv(names.se(p, 'fc2'), g, section, { inChannels: squeezed, outChannels: channels, kernel: 1, bias: true });
  g = rows.push({ kind: 'sigmoid', name: names.se(p, 'gate'), paddleName: null, from: g, section });
  return rows.push({ kind: 'mul', name: names.se(p, 'mul'), paddleName: null, from: x, section, gate: g });
}

/** A shortcut that only subsamples: a 1×1 max pool at the block's stride (Keras V2's `MaxPooling2D(1, strides)`). */
function subsampleOf(rows: Rows, b: BlockArgs, input: number): number {
  rows.role = 'shortcut';
  const row = rows.push({
    kind: 'maxpool2d',
    name: b.names.shortcut(b.prefix, 0, 'pool'),
    paddleName: null,
    from: input,
    section: b.section,
    kernel: pair(1),
    stride: pair(b.stride),
    padding: pad(0),
    dilation: pair(1),
    ceilMode: false,
  });
  rows.role = 'main';
  return row;
}

/** An identity shortcut: the input itself, or a row where the source calls a module for it. */
function identityShortcut(rows: Rows, b: BlockArgs, order: BlockOrderKind, input: number): number {
  const name = b.names.identityShortcut?.(b.prefix, order);
  if (!name) return input;
  rows.role = 'shortcut';
  const row = rows.push({ kind: 'identity', name, paddleName: null, from: input, section: b.section });
  rows.role = 'main';
  return row;
}

/**
 * When a block's shortcut runs, as its source's forward runs it: `first`, before everything
 * (Keras V1); `branch`, right after the first activation of a pre-activation block (Keras V2's
 * shortcut follows its shared pre-activation; kuangliu's projection reads it); `last`, after
 * the main path. A `branch` naming whose shortcut does not read the activation runs it last.
 */
function shortcutPlacement(at: Naming['shortcutAt'], pre: boolean, from: ShortcutSource): Naming['shortcutAt'] {
  if (at === 'first') return pre ? 'branch' : 'first';
  if (at === 'branch') return pre && from === 'preactivation' ? 'branch' : 'last';
  return 'last';
}

/** Expands one block from its design, its order and its shortcut form. */
function expandBlock(rows: Rows, config: ModelConfig, b: BlockArgs): void {
  const design = BLOCKS[config.block];
  const orderKind = config.order ?? 'post';
  const order = ORDERS[orderKind];
  const { prefix: p, section, plan, names } = b;
  const width = blockWidth(config, plan.planes);
  const input = rows.last;
  let x = input;
  let channels = b.inChannels;
  let acts = 0;
  const pre = order === PRE_ACTIVATION;
  const from = pre ? (config.shortcutFrom ?? order.shortcutFrom) : 'input';
  const at = shortcutPlacement(names.shortcutAt, pre, from);
  let shortcutFrom = input;
  // a projection reads `source`; a subsampling shortcut always reads the block's input
  const shortcutOf = (source: number) => (b.projection ? projectionOf(rows, config, b, source) : subsampleOf(rows, b, input));
  const reshaped = b.projection || b.subsample;
  let shortcut = reshaped && at === 'first' ? shortcutOf(input) : -2;
  const last = design.convs.length - 1;
  for (let c = 0; c <= last; c++) {
    const conv = design.convs[c]!;
    const n = c + 1;
    const out = conv.out === 'width' ? width : plan.outChannels;
    const strided =
      conv.stride === 'always' || (conv.stride === 'v1' && config.strideIn1x1) || (conv.stride === 'v1.5' && !config.strideIn1x1);
    const dilation = conv.dilation === 'none' ? 1 : conv.dilation === 'entry' && b.first ? plan.firstDilation : plan.dilation;
    const steps = c === last ? order.lastUnit : order.unit;
    // whether a BN reads the conv's output (in its unit, or first in the next): then no bias with convBias "unnormalized"
    const after = steps[steps.indexOf('conv') + 1] ?? (c < last ? (c + 1 === last ? order.lastUnit : order.unit)[0] : undefined);
    // pre-activation normalises the unit's input, post-activation its output
    const bnChannels = steps.indexOf('bn') < steps.indexOf('conv') ? channels : out;
    for (let k = 0; k < steps.length; k++) {
      const step = steps[k]!;
      if (step === 'act') {
        x = rows.relu(names.act(p, ++acts), x, section);
        if (c === 0 && acts === 1 && pre) {
          if (from === 'preactivation') shortcutFrom = x;
          if (at === 'branch' && reshaped) shortcut = shortcutOf(shortcutFrom);
        }
      } else if (step === 'bn') {
        x = rows.bn(names.bn(p, n), x, section, bnChannels);
      } else {
        x = rows.conv(names.conv(p, n), x, section, {
          inChannels: channels,
          outChannels: out,
          kernel: conv.kernel,
          stride: strided ? b.stride : 1,
          padding: conv.kernel === 1 ? 0 : dilation,
          dilation,
          groups: conv.grouped ? config.groups : 1,
          normalized: after === 'bn',
        });
      }
    }
    channels = out;
  }
  if (config.se) x = squeezeExcite(rows, config.se, names, p, section, x, plan.outChannels);
  if (shortcut === -2) shortcut = reshaped ? shortcutOf(shortcutFrom) : identityShortcut(rows, b, orderKind, input);
  rows.role = 'join';
  x = rows.push({ kind: 'add', name: names.add(p), paddleName: null, from: x, section, shortcut, ...(names.outOfPlaceAdd ? { outOfPlace: true } : {}) });
  for (let k = 0; k < order.afterAdd.length; k++) if (order.afterAdd[k] === 'act') x = rows.relu(names.out(p, ++acts), x, section);
  rows.role = 'main';
}

function expandHead(rows: Rows, config: ModelConfig, names: Naming, channels: number): void {
  const section: Section = { kind: 'head' };
  if (config.headNorm) {
    // pre-activation networks normalise the last block's sum before pooling
    rows.bn(names.headBn, rows.last, section, channels);
    rows.relu(names.headAct, rows.last, section);
  }
  // a backbone: the last stage's map is the output
  if (config.headPool === 'none') return;
  if (config.headPool === 'width') rows.push({ kind: 'widthpool2d', name: names.pool, paddleName: 'avg_pool2d_head', from: rows.last, section });
  else if (typeof config.headPool === 'number' && names.poolModule) {
    const k = config.headPool;
    rows.push({ kind: 'avgpool2d', name: names.pool, paddleName: 'avg_pool2d_head', from: rows.last, section, kernel: pair(k), stride: pair(k), padding: pad(0), ceilMode: false, countIncludePad: true });
  } else if (typeof config.headPool === 'number') {
    rows.push({ kind: 'widthpool2d', name: names.pool, paddleName: 'avg_pool2d_head', from: rows.last, section, window: config.headPool, unit: config.classes > 0 });
  }
  else rows.push({ kind: 'adaptiveavgpool2d', name: names.pool, paddleName: 'adaptive_avg_pool2d_0', from: rows.last, section, outputSize: [1, 1] });
  rows.push({ kind: 'flatten', name: names.flatten, paddleName: null, from: rows.last, section });
  if (config.classes > 0) {
    rows.push({ kind: 'linear', name: names.fc, paddleName: 'linear_0', from: rows.last, section, inFeatures: channels, outFeatures: config.classes, bias: true });
  } else {
    // No classifier: the classifier becomes nn.Identity, timm's num_classes=0 and the usual
    // way to take a torchvision backbone's pooled features.
    rows.push({ kind: 'identity', name: names.fc, paddleName: null, from: rows.last, section });
  }
}

function blockArgs(config: ModelConfig, names: Naming, plan: StagePlan, s: number, i: number, serial: number): BlockArgs {
  const first = i === 0;
  // the stage's stride sits on its first block (torchvision) or its last (Keras V2)
  const stride = (config.strideAt === 'last' ? i === plan.blocks - 1 : first) ? plan.stride : 1;
  const inChannels = first ? plan.inChannels : plan.outChannels;
  const reshapes = inChannels !== plan.outChannels;
  const projection = reshapes || (stride !== 1 && config.strideShortcut !== 'maxpool');
  return {
    prefix: names.block(s, i),
    names,
    section: { kind: 'block', block: config.block, stage: s, index: i, serial, projection },
    plan,
    inChannels,
    stride,
    first,
    projection,
    subsample: !projection && stride !== 1,
  };
}

/**
 * Expands the stages; returns the last stage's channels and how many rows the stages have. With
 * `weights`, each stage is sampled: its first and second block (and its last where the stride
 * sits there). After the first block the blocks of a stage take and give the same shapes, so the
 * second stands for every other (`weights[serial]` says for how many).
 */
function expandStages(rows: Rows, config: ModelConfig, names: Naming, weights?: number[]): { channels: number; rows: number } {
  let channels = stemChannels(config);
  let serial = 0;
  let count = 0;
  planStages(config).forEach((plan, s) => {
    const n = plan.blocks;
    // the last block is its own only where it strides (Keras V2); elsewhere the second stands for it too
    const lastApart = config.strideAt === 'last';
    const picked = weights ? [...new Set(lastApart ? [0, 1, n - 1] : [0, 1])].filter((i) => i >= 0 && i < n) : null;
    for (let k = 0; k < (picked ? picked.length : n); k++) {
      const i = picked ? picked[k]! : k;
      const weight = picked && i === 1 ? (lastApart ? Math.max(1, n - 2) : n - 1) : 1;
      weights?.push(weight);
      const before = rows.list.length;
      expandBlock(rows, config, blockArgs(config, names, plan, s, i, serial++));
      count += (rows.list.length - before) * weight;
    }
    if (n > 0) channels = plan.outChannels;
  });
  return { channels, rows: count };
}

/** An empty row list for a config, and the names its rows take. */
function startRows(config: ModelConfig): { rows: Rows; names: Naming } {
  const names = namingOf(config);
  return { rows: new Rows(config.convBias ?? false, names.functionalRelu ?? false), names };
}

/**
 * Expands a resolved config (checked with `checkConfig`) into layer specs in forward order.
 * Block rules follow torchvision's resnet.py (v1.5 stride on the 3×3 unless `strideIn1x1`;
 * a replaced stride multiplies the dilation; a stage's first block keeps the previous
 * dilation) and timm's resnet.py for the deep stem and the avg-pool shortcut.
 */
export function expandResNet(config: ModelConfig): LayerSpec[] {
  const { rows, names } = startRows(config);
  expandStem(rows, config, names);
  expandHead(rows, config, names, expandStages(rows, config, names).channels);
  return rows.list;
}

/** Rows `expandResNet` gives, counted by the same code without building a whole network. */
export function countRows(config: ModelConfig): number {
  const { rows, names } = startRows(config);
  expandStem(rows, config, names);
  const stem = rows.list.length;
  const stages = expandStages(rows, config, names, []);
  const before = rows.list.length;
  expandHead(rows, config, names, stages.channels);
  return stem + stages.rows + (rows.list.length - before);
}

/**
 * The network with each stage sampled (`expandStages` says which blocks) and, per block serial,
 * how many blocks of the whole network the sampled block stands for: totals over the sample,
 * each block's weighted, are the whole network's, at a fraction of the rows.
 */
export function expandSampled(config: ModelConfig): { specs: LayerSpec[]; weights: readonly number[] } {
  const { rows, names } = startRows(config);
  const weights: number[] = [];
  expandStem(rows, config, names);
  expandHead(rows, config, names, expandStages(rows, config, names, weights).channels);
  return { specs: rows.list, weights };
}

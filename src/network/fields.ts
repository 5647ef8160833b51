// The config fields, each written once: its schema (type, limits, description) and its default.
// Everything else derives from this table: `ConfigInput` (a config as written) and `ModelConfig`
// (every default filled in) are the schemas' types, `resolveConfig` fills the defaults in table
// order, and src/schemas/config.ts builds the zod schema (and from it the JSON Schema,
// configs/schemas/config.schema.json) that files and configs built in code are checked with.
//
// Each schema is a function of zod, called when a schema is built: the core never loads zod, so
// a trace of a preset does not pay for it (README "Speed").
//
// Adding a field: its entry here; the expander reads it; and a rule in network/config.ts if it
// constrains other fields.

import type * as Zod from 'zod/mini';
import { BLOCK_KINDS, BLOCKS, SHORTCUT_KINDS, SHORTCUTS, type BlockKind, type DownsampleKind } from './designs.js';
import { NAMING_KINDS, type NamingKind } from './naming.js';
import { groupDigits } from '../int.js';

/** The part of zod the field schemas are made with (src/schemas/config.ts hands it over). */
export type Z = Pick<typeof Zod, 'array' | 'boolean' | 'enum' | 'int' | 'literal' | 'lt' | 'maxLength' | 'maximum' | 'minLength' | 'minimum' | 'number' | 'optional' | 'strictObject' | 'tuple' | 'union'>;
/** Marks a schema with its description (for editors and the JSON Schema). */
export type Describe = <T extends Zod.ZodMiniType>(schema: T, description: string) => T;

/** Documented limits that keep every trace finite. */
export const LIMITS = {
  stages: 64,
  blocksPerStage: 1_000_000,
  /** widths, groups, widthPerGroup, stemWidth, inChannels, classes */
  channels: 2 ** 20,
  /**
   * Rows of a whole network (ResNet-1202 has 4,806). A trace holds about 450 bytes a row
   * and `diff` holds two; past about 10^6 rows V8's collector makes time grow faster than the
   * rows (measured: 1.9× per doubling up to 1.5·10^6, 2.5–2.8× from there to 3·10^6).
   */
  rows: 1_000_000,
  /** each input dimension */
  inputDim: 2 ** 31 - 1,
  /** input dimensions (a network takes 3 to 5; up to this many reach its first layer, which says what it takes) */
  inputRank: 8,
  /** a bottleneck's 3×3 width, floor(width × widthPerGroup / 64) × groups */
  bottleneckWidth: 2 ** 31 - 1,
} as const;

export const STEM_KINDS = ['standard', 'deep', 'cifar', 'none'] as const;
export const STEM_POOLS = ['max', 'conv', 'pad-max', 'none'] as const;
export const CLASSIFIERS = ['linear', 'conv'] as const;
export const ORDER_KINDS = ['post', 'pre', 'iresnet'] as const;
export const SHORTCUT_SOURCES = ['preactivation', 'input'] as const;
export const STRIDE_PLACES = ['first', 'last'] as const;
export const STRIDE_SHORTCUTS = ['projection', 'maxpool'] as const;
export const FIRST_SHORTCUTS = ['when-needed', 'always'] as const;
export const HEAD_POOLS = ['global', 'width', 'none'] as const;
export const ACTIVATIONS = ['relu', 'prelu', 'prelu-shared'] as const;
export const SE_SQUEEZES = ['mean', 'pool', 'height'] as const;
export const SE_PLACES = ['output', 'inner'] as const;
export const SE_WIDTHS = ['output', 'input'] as const;
export const ANTIALIAS_KINDS = ['blur'] as const;
/** torchvision's video conv builders (its `conv_makers`): Conv3DSimple, Conv3DNoTemporal, Conv2Plus1D. */
export const CONV_MAKERS = ['simple', 'no-temporal', '2plus1d'] as const;
export type ConvMaker = (typeof CONV_MAKERS)[number];
/** Spatial axes of a network's maps. */
export const SPATIAL_DIMS = [1, 2, 3] as const;

/** `a, b or c` */
export const inWords = (items: readonly string[]): string => (items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`);
/** `"a", "b" or "c"` */
export const oneOf = (names: readonly string[]): string => inWords(names.map((n) => JSON.stringify(n)));

/** A whole number from 1 to `max`. */
export const positive = (z: Z, what: string, max: number) =>
  z.int({ error: `expected ${what}` }).check(z.minimum(1, { error: `expected ${what}` }), z.maximum(max, { error: `expected at most ${groupDigits(max)} (the documented limit)` }));
const channels = (z: Z, d: Describe, description: string) => d(positive(z, 'a positive integer', LIMITS.channels), `${description} (1 to 2^20)`);
const flag = (z: Z) => z.boolean({ error: 'expected true or false' });
const choice = <T extends readonly [string, ...string[]]>(z: Z, values: T) => z.enum(values, { error: `expected ${oneOf(values)}` });
const dimension = (z: Z) => positive(z, 'a positive integer', LIMITS.inputDim);
/** One figure for every spatial axis, or one per axis (one to three). */
const perAxis = <T extends Zod.ZodMiniType>(z: Z, figure: T, error: string) => z.union([figure, z.array(figure).check(z.minLength(1), z.maxLength(3))], { error });

/** What every network names. */
interface RequiredFields {
  readonly block: BlockKind;
  readonly layers: readonly number[];
}
/** The fields a resolved config always has: absent from a file, their default. */
interface DefaultedFields {
  readonly widths: readonly number[];
  readonly groups: number;
  readonly widthPerGroup: number;
  readonly stem: StemKind | StemDesign;
  readonly stemWidth: number;
  readonly downsample: DownsampleKind;
  readonly strideIn1x1: boolean;
  readonly replaceStrideWithDilation: readonly boolean[];
  readonly inChannels: number;
  readonly classes: number;
}
/** The fields that stay absent when not given (a config without one resolves, and prints, as before it existed). */
interface OptionalFields {
  readonly convBias: boolean | 'unnormalized';
  readonly naming: NamingKind;
  readonly headPool: (typeof HEAD_POOLS)[number] | number;
  readonly input: readonly number[];
  readonly dims: (typeof SPATIAL_DIMS)[number];
  readonly convMakers: readonly ConvMaker[];
  readonly shortcutNorm: boolean;
  readonly order: (typeof ORDER_KINDS)[number];
  readonly stemNorm: boolean;
  readonly shortcutFrom: (typeof SHORTCUT_SOURCES)[number];
  readonly headNorm: boolean;
  readonly strides: readonly number[];
  readonly strideAt: (typeof STRIDE_PLACES)[number];
  readonly strideShortcut: (typeof STRIDE_SHORTCUTS)[number];
  readonly firstShortcut: (typeof FIRST_SHORTCUTS)[number];
  readonly se: SqueezeExcitation;
  readonly activation: (typeof ACTIVATIONS)[number];
  readonly dropout: number;
  readonly groupWidth: number;
  readonly headFlatten: readonly [number, number];
  readonly norm: { readonly groups: number };
  readonly eca: boolean;
  readonly antialias: (typeof ANTIALIAS_KINDS)[number];
  readonly scale: number;
  readonly normAct: boolean;
  readonly weightStandardization: boolean;
  readonly classifier: (typeof CLASSIFIERS)[number];
  readonly radix: number;
}
export type StemKind = (typeof STEM_KINDS)[number];
/** A stem as data: its convs in order (each a square kernel padded to keep the size, then BN and ReLU), and its pool. */
export interface StemDesign {
  /** A kernel and a stride are one figure for every axis, or one per axis (a video stem's [3, 7, 7]). */
  readonly convs: readonly { readonly kernel: number | readonly number[]; readonly stride?: number | readonly number[] | undefined; readonly channels: number }[];
  /**
   * Default `max`: a 3×3/2 max pool with padding 1; `conv`: a 3×3/2 conv, BN and ReLU in its place
   * (timm's replace_stem_pool); `pad-max`: a zero pad of 1, then the max pool without padding (BiT).
   */
  readonly pool?: (typeof STEM_POOLS)[number] | undefined;
}
/** Squeeze-and-excitation: a block output of C channels squeezed to C / reduction, rounded to a multiple of `divisor` where given. */
export interface SqueezeExcitation {
  readonly reduction: number;
  readonly divisor?: number | undefined;
  /** How it squeezes the map (default `mean`). */
  readonly squeeze?: (typeof SE_SQUEEZES)[number] | undefined;
  /** Where in the block it sits (default `output`). */
  readonly at?: (typeof SE_PLACES)[number] | undefined;
  /** Which width `reduction` divides (default `output`). */
  readonly of?: (typeof SE_WIDTHS)[number] | undefined;
}
type AllFields = RequiredFields & DefaultedFields & OptionalFields;
export type FieldName = keyof AllFields;

/** What a default may read of the fields given. */
type Given = RequiredFields;

/**
 * One config field: its schema, a function of zod whose output the compiler holds to the
 * field's type above.
 */
interface Field<T> {
  readonly schema: (z: Z, d: Describe) => Zod.ZodMiniType<Mutable<T>>;
}
/** A field with a default: its value when not given, made from the fields given. */
interface Defaulted<T> extends Field<T> {
  readonly default: (given: Given) => T;
}
/** zod's output types are mutable; the config's are read-only. */
type Mutable<T> = T extends readonly unknown[] ? { -readonly [K in keyof T]: Mutable<T[K]> } : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;

type FieldTable = { readonly [K in keyof RequiredFields]: Field<RequiredFields[K]> } & { readonly [K in keyof DefaultedFields]: Defaulted<DefaultedFields[K]> } & {
  readonly [K in keyof OptionalFields]: Field<OptionalFields[K]>;
};

/**
 * The model's fields, named as torchvision names its constructor arguments, in the order a
 * resolved config lists them (those with a default first).
 */
export const FIELDS: FieldTable = {
  block: { schema: (z, d) => d(choice(z, BLOCK_KINDS), `Residual block: ${inWords(BLOCK_KINDS.map((k) => BLOCKS[k].description))}`) },
  layers: {
    schema: (z, d) =>
      d(
        z.array(positive(z, 'a positive integer', LIMITS.blocksPerStage), { error: 'expected an array of stage depths' }).check(
          z.minLength(1, { error: 'expected at least one stage' }),
          z.maxLength(LIMITS.stages, { error: `expected at most ${LIMITS.stages} stages (the documented limit)` }),
        ),
        'Blocks per stage, e.g. [3, 4, 6, 3] for ResNet-50',
      ),
  },
  widths: {
    schema: (z, d) =>
      d(
        z.array(positive(z, 'a positive integer', LIMITS.channels), { error: 'expected an array of widths' }).check(z.maxLength(LIMITS.stages, { error: `expected at most ${LIMITS.stages} widths` })),
        "Base width per stage before expansion (torchvision's planes); default 64·2^i",
      ),
    default: (c) => (Array.isArray(c.layers) ? c.layers.map((_, i) => 64 * 2 ** i) : []),
  },
  groups: { schema: (z, d) => channels(z, d, 'Groups of the 3×3 conv (ResNeXt cardinality); default 1'), default: () => 1 },
  widthPerGroup: { schema: (z, d) => channels(z, d, "Width per group (torchvision's width_per_group); default 64"), default: () => 64 },
  stem: {
    schema: (z, d) =>
      d(
        z.union(
          [
            z.enum(STEM_KINDS),
            z.strictObject({
              convs: d(
                z
                  .array(
                    z.strictObject(
                      {
                        kernel: d(
                          perAxis(z, positive(z, 'a kernel from 1 to 15', 15), 'expected a kernel from 1 to 15, or one per axis such as [3, 7, 7]'),
                          'Square kernel, padded to keep the size (kernel // 2); or one per spatial axis (a video stem\'s [3, 7, 7], padded by each // 2)',
                        ),
                        stride: z.optional(d(perAxis(z, positive(z, 'a stride from 1 to 16', 16), 'expected a stride from 1 to 16, or one per axis such as [1, 2, 2]'), 'Default 1; or one per spatial axis')),
                        channels: channels(z, d, 'Output channels'),
                      },
                      { error: 'expected { "kernel": 3, "stride": 2, "channels": 32 }' },
                    ),
                    { error: 'expected an array of convs' },
                  )
                  .check(z.minLength(1, { error: 'expected at least one conv' }), z.maxLength(8, { error: 'expected at most 8 convs' })),
                "The stem's convs in order, each followed by BN and ReLU (with stemNorm false, the last is bare)",
              ),
              pool: z.optional(d(choice(z, STEM_POOLS), "After the convs: a 3×3/2 max pool with padding 1 (max, the default), conv (a 3×3/2 conv keeping the channels, BN and ReLU in the pool's place: timm's replace_stem_pool, ResNet-RS), pad-max (an nn.ConstantPad2d(1, 0) before a 3×3/2 max pool without padding: BiT's 'fixed' stem) or none")),
            }),
          ],
          { error: 'expected "standard", "deep", "cifar", "none" or { "convs": [...], "pool": "max" | "conv" | "pad-max" | "none" }' },
        ),
        'standard: 7×7/2 conv with 64 outputs and a 3×3/2 max pool; deep: three 3×3 convs of w, w, 2w (ResNet-C/D/S); cifar: one 3×3/1 conv of stemWidth outputs, no pool (He et al. 2016 §4.2); none: no stem, the first block reads the input (Wang et al. 2017\'s time-series ResNet); or the stem as data: { "convs": [{ "kernel", "stride", "channels" }, ...], "pool": "max" | "conv" | "pad-max" | "none" }',
      ),
    default: () => 'standard' as const,
  },
  stemWidth: { schema: (z, d) => channels(z, d, 'w of the deep stem; default 32'), default: () => 32 },
  downsample: {
    schema: (z, d) => d(choice(z, SHORTCUT_KINDS), `Projection shortcut: ${inWords(SHORTCUT_KINDS.map((k) => SHORTCUTS[k].description))}`),
    default: () => 'conv' as const,
  },
  strideIn1x1: { schema: (z, d) => d(flag(z), "ResNet v1: stride on the bottleneck's first 1×1 instead of its 3×3; default false"), default: () => false },
  replaceStrideWithDilation: {
    schema: (z, d) =>
      d(
        z.array(flag(z), { error: 'expected an array of booleans' }).check(z.maxLength(LIMITS.stages, { error: `expected at most ${LIMITS.stages} flags` })),
        'One flag per stage after the first: dilate instead of striding (DeepLab)',
      ),
    default: (c) => (Array.isArray(c.layers) ? new Array<boolean>(Math.max(0, c.layers.length - 1)).fill(false) : []),
  },
  inChannels: { schema: (z, d) => channels(z, d, 'Input channels; default 3'), default: () => 3 },
  classes: {
    schema: (z, d) =>
      d(
        z.int({ error: 'expected a whole number ≥ 0' }).check(
          z.minimum(0, { error: 'expected a whole number ≥ 0' }),
          z.maximum(LIMITS.channels, { error: `expected at most ${LIMITS.channels} (the documented limit)` }),
        ),
        'Classifier outputs; 0 means no classifier (the output is the pooled features); default 1000',
      ),
    default: () => 1000,
  },
  convBias: {
    schema: (z, d) =>
      d(
        z.union([flag(z), z.literal('unnormalized')], { error: 'expected true, false or "unnormalized"' }),
        'Convs with a bias: true for every conv (Keras applications V1), "unnormalized" for those no BN follows (Keras V2); default false',
      ),
  },
  naming: {
    schema: (z, d) =>
      d(
        choice(z, NAMING_KINDS),
        "Layer names: torchvision module paths, timm's (its deep-stem and avg-pool variants) or Keras layer names (conv2_block1_1_conv; the shortcut first, as Keras runs it); default torchvision, or timm for those variants",
      ),
  },
  headPool: {
    schema: (z, d) =>
      d(
        z.union([z.enum(HEAD_POOLS), dimension(z)], { error: 'expected "global", "width", "none" or a window size such as 4' }),
        "The pool before the classifier: global (adaptive average to 1×1, the default); width (a square window as wide as the last map, stride the window: akamaster's CIFAR ResNets, which take only maps with width ≤ height < 2 × width); or a number k, a fixed k×k window at stride k (kuangliu's F.avg_pool2d(out, 4)), which with a classifier takes only maps it pools to 1×1; or none: no head, the last stage's map is the output (a backbone; only with classes 0)",
      ),
  },
  input: {
    schema: (z, d) =>
      d(
        z.array(dimension(z), { error: 'expected [N, C, H, W], e.g. [1, 3, 32, 32]' }).check(
          z.minLength(3, { error: 'expected [N, C, L], [N, C, H, W] or [N, C, T, H, W]: one dimension per spatial axis (dims) after N and C' }),
          z.maxLength(5, { error: 'expected [N, C, L], [N, C, H, W] or [N, C, T, H, W]: one dimension per spatial axis (dims) after N and C' }),
        ),
        'The input traced when none is given, e.g. [1, 3, 32, 32] for CIFAR; N, C and one size per spatial axis (dims); default [1, inChannels, 224, 224] (clips: [1, inChannels, 16, 112, 112]; signals: [1, inChannels, 128])',
      ),
  },
  dims: {
    schema: (z, d) =>
      d(
        z.literal([1, 2, 3], { error: 'expected 1, 2 or 3' }),
        "Spatial axes of the maps: 2 (images [N, C, H, W], the default), 3 (clips [N, C, T, H, W]: every conv, BN and pool a 3-d one, as torchvision's video ResNets) or 1 (signals [N, C, L]: Conv1d, BatchNorm1d, MaxPool1d, as 1-d ResNets for audio, ECG and time series)",
      ),
  },
  convMakers: {
    schema: (z, d) =>
      d(
        z.array(choice(z, CONV_MAKERS), { error: 'expected an array of "simple", "no-temporal" or "2plus1d"' }).check(z.maxLength(LIMITS.stages, { error: `expected at most ${LIMITS.stages} entries` })),
        "The 3×3 convs of each stage of a video network (dims 3), one per stage (torchvision's conv_makers): simple (a 3×3×3 conv, Conv3DSimple: r3d), no-temporal (1×3×3, striding height and width only, Conv3DNoTemporal: mc3's later stages) or 2plus1d (a 1×3×3 conv to torchvision's middle width, BN, ReLU, then a 3×1×1 conv: Conv2Plus1D, r2plus1d); default simple for every stage",
      ),
  },
  shortcutNorm: {
    schema: (z, d) =>
      d(flag(z), "An identity shortcut is a BatchNorm of the block's input (Wang et al. 2017's time-series ResNet: `shortcut`, BN alone where the width does not change); default false"),
  },
  order: {
    schema: (z, d) =>
      d(
        choice(z, ORDER_KINDS),
        'Block order: post (conv, BN, ReLU; a ReLU after the add: ResNet v1, the default), pre (BN, ReLU, conv; nothing after the add; a projection shortcut branches from the first activation: He et al. 2016, "Identity Mappings") or iresnet (BN, conv, then BN, activation, conv, BN; nothing after the add; the projection reads the block\'s input: insightface\'s IBasicBlock)',
      ),
  },
  stemNorm: { schema: (z, d) => d(flag(z), "The stem's BN and ReLU after its conv; default true (pre-activation networks such as kuangliu's PreActResNet have none)") },
  shortcutFrom: {
    schema: (z, d) =>
      d(
        choice(z, SHORTCUT_SOURCES),
        "Where a pre-activation block's projection shortcut reads: preactivation (its first BN-ReLU, the default: He et al., kuangliu, Wide ResNet) or input (the block's input, as bearpaw's PreResNet); post-activation blocks read their input",
      ),
  },
  headNorm: { schema: (z, d) => d(flag(z), "A BN and ReLU before the head's pool: a pre-activation network's last activation; default false") },
  strides: {
    schema: (z, d) =>
      d(
        z.array(positive(z, 'a positive integer', 64), { error: 'expected an array of strides' }).check(z.maxLength(LIMITS.stages, { error: `expected at most ${LIMITS.stages} strides` })),
        "Each stage's stride, one per stage, e.g. [2, 2, 2, 1] for Keras V2; default 1 for the first stage, 2 for the others",
      ),
  },
  strideAt: { schema: (z, d) => d(choice(z, STRIDE_PLACES), 'Which block of a stage strides: first (torchvision, the default) or last (Keras ResNetV2)') },
  strideShortcut: {
    schema: (z, d) =>
      d(
        choice(z, STRIDE_SHORTCUTS),
        'The shortcut of a block that strides without changing channels: projection (the downsample form, the default) or maxpool (a 1×1 max pool at the stride, no parameters: Keras ResNetV2)',
      ),
  },
  firstShortcut: {
    schema: (z, d) =>
      d(
        choice(z, FIRST_SHORTCUTS),
        "Which stages' first block has a projection shortcut: when-needed (where the block changes the shape: torchvision, timm, Paddle; the default) or always (every stage's, even where nothing changes shape: Keras builds each stack's first block with conv_shortcut=True)",
      ),
  },
  se: {
    schema: (z, d) =>
      d(
        z.strictObject(
          {
            reduction: d(positive(z, 'a positive integer', LIMITS.channels), 'The squeeze: a block output of C channels is squeezed to C / reduction (16 in SENet and timm)'),
            divisor: z.optional(
              d(
                positive(z, 'a positive integer', LIMITS.channels),
                "Round the squeezed channels to the nearest multiple of it, at least it (timm's make_divisible; 8 in timm); absent: floor(C / reduction), as Hu et al.",
              ),
            ),
            squeeze: z.optional(
              d(
                choice(z, SE_SQUEEZES),
                "How the map is squeezed: mean (x.mean((2, 3), keepdim=True): timm, the default), pool (an nn.AdaptiveAvgPool2d(1) module: torchvision's SqueezeExcitation) or height (F.avg_pool2d(out, out.size(2)), a square window as tall as the map: kuangliu's SENet, which takes only maps with height ≤ width < 2 × height)",
              ),
            ),
            at: z.optional(d(choice(z, SE_PLACES), "Where it sits: output (on the block's output before the residual add: SENet, timm, the default) or inner (after the 3×3 conv unit, before the last conv: torchvision's RegNetY)")),
            of: z.optional(
              d(
                choice(z, SE_WIDTHS),
                "The width reduction divides: output (the channels it scales, the default) or input (the block's input width, rounded half to even: torchvision's RegNet, se_ratio 0.25 as reduction 4)",
              ),
            ),
          },
          { error: 'expected an object { "reduction": 16, "divisor": 8 }' },
        ),
        "Squeeze-and-excitation in every block, on its output before the residual add (timm's SEModule: mean, 1×1 conv with bias, ReLU, 1×1 conv with bias, sigmoid, multiply); default none",
      ),
  },
  activation: {
    schema: (z, d) =>
      d(
        choice(z, ACTIVATIONS),
        "The activation of the stem and the blocks: relu (the default), prelu (nn.PReLU with one slope per channel: insightface's IResNet) or prelu-shared (nn.PReLU() with one slope for all channels)",
      ),
  },
  dropout: {
    schema: (z, d) =>
      d(
        z.number({ error: 'expected a rate from 0 up to (not including) 1' }).check(z.minimum(0, { error: 'expected a rate from 0 up to (not including) 1' }), z.lt(1, { error: 'expected a rate from 0 up to (not including) 1' })),
        "Dropout before each block's last conv, at this rate (Wide ResNet's dropRate, 0.3 in its paper; xternalz's F.dropout, a row of its own); default none",
      ),
  },
  groupWidth: {
    schema: (z, d) =>
      channels(
        z,
        d,
        "Channels per group of the 3×3 conv: its groups are then the block's width / groupWidth (torchvision's RegNet group_width); default none (groups gives the groups)",
      ),
  },
  eca: {
    schema: (z, d) =>
      d(
        flag(z),
        "Efficient channel attention in every block, on its output before the residual add (timm's EcaModule: mean, a Conv1d across the channels with k = the odd of ⌊(log2 C + 1)/2⌋, at least 3, sigmoid, multiply); default false",
      ),
  },
  scale: {
    schema: (z, d) =>
      d(
        positive(z, 'a whole number from 2 to 64', 64).check(z.minimum(2, { error: 'expected a whole number from 2 to 64' })),
        "Res2Net's scales (block res2net): the first 1×1 gives scale groups of the inner width (floor(planes × widthPerGroup / 64) × groups: widthPerGroup 26 for res2net50_26w_4s), each but the last with its own 3×3; default 4",
      ),
  },
  normAct: {
    schema: (z, d) =>
      d(
        flag(z),
        "Each norm and the ReLU after it one module, one row named by the norm (timm's BatchNormAct2d and GroupNormAct: the ReLU in place inside it), in the blocks, the stem and the head; default false",
      ),
  },
  weightStandardization: {
    schema: (z, d) =>
      d(
        flag(z),
        "Every conv but the classifier weight-standardised (timm's StdConv2d, BiT: each output channel's weight normalised to zero mean and unit variance on every call; its parameters and shapes a conv's); default false",
      ),
  },
  classifier: {
    schema: (z, d) =>
      d(
        choice(z, CLASSIFIERS),
        "The classifier after the pool: linear (flatten, then nn.Linear: torchvision, the default) or conv (nn.Dropout(0), a 1×1 conv with bias on the pooled map, then nn.Flatten: timm's ClassifierHead(use_conv=True), ResNetV2 and BiT)",
      ),
  },
  radix: {
    schema: (z, d) =>
      d(
        positive(z, 'a whole number from 1 to 64', 64),
        "ResNeSt's radix (block resnest): the split attention's 3×3 gives radix groups of the inner width, weighted by a softmax across them (a sigmoid with radix 1); default 2",
      ),
  },
  antialias: {
    schema: (z, d) =>
      d(
        choice(z, ANTIALIAS_KINDS),
        "Anti-aliased downsampling (timm's aa_layer=BlurPool2d, Zhang 2019): blur, a reflection pad and a fixed 3×3 binomial filter run depthwise at the stride (a buffer, no parameter). A block that strides by 2 runs its strided conv at stride 1 and the blur pool after that conv's activation (`aa`); the stem's max pool runs at stride 1, then the blur pool (`maxpool.0`, `maxpool.1`); a stem pool conv runs at stride 1, then the blur pool, then its BN and ReLU. Post-activation blocks only; default none",
      ),
  },
  norm: {
    schema: (z, d) =>
      d(
        z.strictObject(
          { groups: d(positive(z, 'a positive integer', LIMITS.channels), 'Groups of every GroupNorm (32 in timm and Wu & He 2018); each normalised map must have a multiple of it') },
          { error: 'expected an object { "groups": 32 }' },
        ),
        "Every BatchNorm a GroupNorm of this many groups (timm's resnet50_gn: norm_layer='groupnorm'); default none (BatchNorm)",
      ),
  },
  headFlatten: {
    schema: (z, d) =>
      d(
        z.tuple([dimension(z), dimension(z)], { error: 'expected [height, width], e.g. [7, 7]' }),
        "No pool: the last map is normalised (BN), flattened, passed through a dropout (p 0) and a linear layer built for a map of this size ([7, 7]: insightface's fc_scale, 512 × 7 × 7 features), then a BatchNorm1d with a frozen scale on its classes outputs (the embedding: IResNet); only another map of that size is taken",
      ),
  },
};

/** A config as written in a file or preset: only `block` and `layers` are required. */
export type ConfigInput = RequiredFields & { readonly [K in keyof (DefaultedFields & OptionalFields)]?: (DefaultedFields & OptionalFields)[K] | undefined } & {
  readonly $schema?: string | undefined;
  readonly description?: string | undefined;
};

/** A ResNet described as data, every default filled in. */
export type ModelConfig = {
  /** Preset name or file the config came from; for display only. */
  readonly name: string;
} & RequiredFields & DefaultedFields & Partial<OptionalFields>;

export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

/**
 * A copy that shares no array or object with what it was made from (a value structuredClone
 * cannot copy, such as a Proxy, is kept as it is: checkConfig reads it and says what is wrong).
 */
const copy = <T>(value: T): T => {
  if (typeof value !== 'object' || value === null) return value;
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
};

/** Every default filled in, in the table's order; fields without a default only when given. */
export function resolveConfig(input: ConfigInput, name: string): ModelConfig {
  const out: Record<string, unknown> = { name };
  if (typeof input !== 'object' || input === null) return out as unknown as ModelConfig;
  for (const key of FIELD_NAMES) {
    const given = (input as unknown as Record<string, unknown>)[key];
    const make = (FIELDS[key] as Partial<Defaulted<unknown>>).default;
    if (given !== undefined) out[key] = copy(given);
    else if (make) out[key] = make(input);
  }
  return out as unknown as ModelConfig;
}

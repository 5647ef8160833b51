// How each source names its layers (torchvision, timm, Keras, the CIFAR repositories), so rows
// line up with its checkpoints and its forward hooks.

import type { BlockOrderKind, ModelConfig } from '../types.js';
import { stemDesign } from './designs.js';

/**
 * How a source names its layers, so rows line up with its checkpoints. `p` is a block's prefix.
 * Keras also runs a block's projection shortcut before its main path.
 */
export interface Naming {
  readonly stemConv: string;
  readonly stemBn: string;
  readonly stemAct: string;
  readonly stemPool: string;
  /** The zero pad before the stem's pool (`pad-max`). */
  readonly stemPad?: string;
  /** The stem is one nn.Sequential of this name: its modules are numbered in order (`stem.0` …). */
  readonly stemSequence?: string;
  /** A block's prefix from its stage, its index in the stage and its index in the network. */
  readonly block: (stage: number, index: number, serial: number) => string;
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
  /** The residual sum is a new tensor, `torch.add(a, b)` (true) or `a + b` (`operator`), rather than `out += shortcut`. */
  readonly outOfPlaceAdd?: boolean | 'operator';
  /** ReLUs (and the SE gate's sigmoid) are F.relu (F.sigmoid) calls in the forward, not modules. */
  readonly functionalRelu?: boolean;
  /** A block's dropout (`dropout`), before its last conv. */
  readonly dropout?: (p: string) => string;
  /** It is an F.dropout call in the forward (xternalz), not an nn.Dropout module. */
  readonly functionalDropout?: boolean;
  /** The SE's ReLU is nn.ReLU() (a new tensor: torchvision's SqueezeExcitation), not in place. */
  readonly seReluNotInplace?: boolean;
  /** The rows of the embedding head (`headFlatten`) after its BN: the dropout, the classifier (`fc`), the embedding's BatchNorm1d. */
  readonly headDropout?: string;
  readonly headFeatures?: string;
  /**
   * The row an identity shortcut is, where the source calls a module for it (an empty
   * nn.Sequential, which forward hooks see); absent: none.
   */
  readonly identityShortcut?: (p: string, order: BlockOrderKind) => string | null;
}

type SqueezePart = 'mean' | 'fc1' | 'act' | 'fc2' | 'gate' | 'mul' | 'conv';

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

export const NAMING_KINDS = ['torchvision', 'timm', 'res2net', 'resnetv2', 'akamaster', 'kuangliu', 'wrn', 'bearpaw', 'keras', 'kerasv2', 'kerashub', 'insightface', 'regnet', 'video', 'tsc'] as const;
/** Whose layer names rows take: torchvision's module paths, timm's, Keras' layer names, or a CIFAR repository's. */
export type NamingKind = (typeof NAMING_KINDS)[number];

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
  // timm's res2net.py: timm's stem and head, and one `relu` module each block calls for every activation
  res2net: {
    ...TORCHVISION_NAMES,
    stemAct: 'act1',
    pool: 'global_pool.pool',
    flatten: 'global_pool.flatten',
  },
  // timm's resnetv2.py (ResNetV2, BiT): stem.conv, stem.pad, stem.pool; stages.S.blocks.I with norm1
  // (the pre-activation, which the projection downsample.conv reads first), conv1, norm2, conv2, norm3,
  // conv3 and the sum `x + shortcut`; the final norm; head.global_pool.pool, head.drop, head.fc, head.flatten
  resnetv2: {
    ...TORCHVISION_NAMES,
    stemConv: 'stem.conv',
    stemBn: 'stem.norm',
    stemAct: 'stem.norm',
    stemPool: 'stem.pool',
    stemPad: 'stem.pad',
    block: (s, i) => `stages.${s}.blocks.${i}`,
    bn: (p, n) => `${p}.norm${n}`,
    act: (p, n) => `${p}.norm${n}`,
    shortcut: (p) => `${p}.downsample.conv`,
    shortcutAt: 'branch',
    outOfPlaceAdd: 'operator',
    headBn: 'norm',
    headAct: 'norm',
    pool: 'head.global_pool.pool',
    headDropout: 'head.drop',
    fc: 'head.fc',
    flatten: 'head.flatten',
  },
  akamaster: AKAMASTER_NAMES,
  // kuangliu's pytorch-cifar models/resnet.py and preact_resnet.py: akamaster's names; the
  // pre-activation block has no shortcut module unless it projects, and runs it first
  kuangliu: {
    ...AKAMASTER_NAMES,
    identityShortcut: (p, order) => (order === 'post' ? `${p}.shortcut` : null),
    shortcutAt: 'branch',
    // models/senet.py: the squeeze is F.avg_pool2d, then fc1 and fc2 on the block itself, F.relu, F.sigmoid
    se: (p, part) => (part === 'fc1' || part === 'fc2' ? `${p}.${part}` : `${p}.${{ mean: 'avg_pool2d', act: 'relu', gate: 'sigmoid', mul: 'mul', conv: 'conv' }[part]}`),
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
    // `F.dropout(out, p=self.droprate, training=self.training)` before conv2
    dropout: (p) => `${p}.dropout`,
    functionalDropout: true,
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
  // keras_hub's ResNetBackbone (models/resnet/resnet_backbone.py): stack0_block0_1_conv …, the
  // shortcut (_0_) first; the stem conv1_conv, conv1_bn, conv1_relu, pool1_pool
  kerashub: { ...KERAS_NAMES, block: (s, i) => `stack${s}_block${i}` },
  // insightface's arcface_torch/backbones/iresnet.py: conv1, bn1, prelu; layerN.i.bn1, conv1, bn2,
  // prelu, conv2, bn3, downsample; bn2, flatten, dropout, fc, features
  insightface: {
    ...TORCHVISION_NAMES,
    stemAct: 'prelu',
    act: (p) => `${p}.prelu`,
    headBn: 'bn2',
    headDropout: 'dropout',
    headFeatures: 'features',
  },
  // torchvision's regnet.py: stem.0-2; trunk_output.blockS.blockS-I.proj (run first), f.a, f.b,
  // f.se, f.c (each Conv2dNormActivation: .0 conv, .1 BN, .2 ReLU), activation; the sum `a + b`
  regnet: {
    ...TORCHVISION_NAMES,
    stemConv: 'stem.0',
    stemBn: 'stem.1',
    stemAct: 'stem.2',
    block: (s, i) => `trunk_output.block${s + 1}.block${s + 1}-${i}`,
    conv: (p, n) => `${p}.f.${'abc'[n - 1]}.0`,
    bn: (p, n) => `${p}.f.${'abc'[n - 1]}.1`,
    act: (p, n) => `${p}.f.${'abc'[n - 1]}.2`,
    out: (p) => `${p}.activation`,
    shortcut: (p, i) => `${p}.proj.${i}`,
    shortcutAt: 'first',
    outOfPlaceAdd: 'operator',
    // torchvision's SqueezeExcitation: avgpool, fc1, activation, fc2, scale_activation; then scale * input
    se: (p, part) => `${p}.f.se.${{ mean: 'avgpool', fc1: 'fc1', act: 'activation', fc2: 'fc2', gate: 'scale_activation', mul: 'mul', conv: 'conv' }[part]}`,
    seReluNotInplace: true,
  },
  // torchvision's video/resnet.py: the stem a Sequential (stem.0 …); each block's conv units
  // Sequentials conv1 (conv, BN, ReLU) and conv2 (conv, BN), the ReLU after the sum `relu`;
  // a Conv2Plus1D is itself a Sequential (conv1.0.0 … conv1.0.3)
  video: {
    ...TORCHVISION_NAMES,
    stemConv: 'stem',
    stemSequence: 'stem',
    conv: (p, n) => `${p}.conv${n}.0`,
    bn: (p, n) => `${p}.conv${n}.1`,
    act: (p, n) => `${p}.conv${n}.2`,
  },
  // Wang, Yan & Oates 2017's time-series ResNet as PyTorch ports of the authors' Keras code name it:
  // blocks.N with conv1, bn1, relu1 … conv3, bn3, the shortcut (shortcut.0 and .1, or the BN alone
  // `shortcut`), relu_out; the head gap, fc
  tsc: {
    ...TORCHVISION_NAMES,
    // one nn.Sequential of every block
    block: (_s, _i, serial) => `blocks.${serial}`,
    act: (p, n) => `${p}.relu${n}`,
    out: (p) => `${p}.relu_out`,
    shortcut: (p, i) => `${p}.shortcut.${i}`,
    identityShortcut: (p) => `${p}.shortcut`,
    pool: 'gap',
  },
};


/** The naming a config asks for; without one, timm's where torchvision has no such network. */
export function namingOf(config: ModelConfig): Naming {
  return NAMINGS[config.naming ?? (usesTimmNames(config) ? 'timm' : 'torchvision')];
}

/** torchvision has no deep stem or pooled shortcut: such networks are named as timm names them. */
export function usesTimmNames(config: ModelConfig): boolean {
  return stemDesign(config).convs.length > 1 || config.downsample === 'avgpool';
}

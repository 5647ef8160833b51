// The rules across fields a resolved config must keep (each field on its own is its schema's:
// src/network/fields.ts, checked by src/schemas/config.ts), zod-free so a trace never loads it.

import type { ModelConfig, ShapeIssue } from '../types.js';
import { groupDigits } from '../int.js';
import { LIMITS } from './fields.js';
import { blockWidth, planStages, seChannels, SHORTCUTS, stemDesign } from './designs.js';
import { countRows } from './expand.js';

export { LIMITS, resolveConfig, type ConfigInput } from './fields.js';

/** Dilation flags for an output stride (8, 16 or 32) of a network with `stages` stages. */
export function dilationForOutputStride(outputStride: number, stages: number): boolean[] {
  // The stem divides by 4 and every stage after the first by 2, as long as strides remain.
  const flags: boolean[] = [];
  let stride = 4;
  for (let s = 1; s < stages; s++) {
    if (stride >= outputStride) flags.push(true);
    else {
      stride *= 2;
      flags.push(false);
    }
  }
  return flags;
}

/** The input a model is traced at when neither it nor the user names one: 1×C×224×224, a clip 1×C×16×112×112, a signal 1×C×128. */
export function modelInput(config: ModelConfig): number[] {
  const c = config.inChannels;
  return config.dims === 3 ? [1, c, 16, 112, 112] : config.dims === 1 ? [1, c, 128] : [1, c, 224, 224];
}

/** A network of images (dims 2): the one whose sizes `sizes` and the H and W symbols work out. */
export function isImageNetwork(config: ModelConfig): boolean {
  return (config.dims ?? 2) === 2;
}

/** What only a network of images (dims 2) has: its field, and whether a config uses it. */
const IMAGE_ONLY: readonly (readonly [string, (c: ModelConfig) => boolean])[] = [
  ['se', (c) => c.se !== undefined],
  ['eca', (c) => c.eca === true],
  ['antialias', (c) => c.antialias !== undefined],
  ['norm', (c) => c.norm !== undefined],
  ['normAct', (c) => c.normAct === true],
  ['weightStandardization', (c) => c.weightStandardization === true],
  ['classifier', (c) => c.classifier === 'conv'],
  ['headFlatten', (c) => c.headFlatten !== undefined],
  ['headPool', (c) => c.headPool !== undefined && c.headPool !== 'global' && c.headPool !== 'none'],
  ['downsample', (c) => c.downsample !== 'conv' && c.downsample !== 'conv1x1'],
  ['strideShortcut', (c) => c.strideShortcut === 'maxpool'],
  ['activation', (c) => (c.activation ?? 'relu') !== 'relu'],
  ['block', (c) => c.block === 'res2net' || c.block === 'resnest'],
  ['stem.pool', (c) => typeof c.stem === 'object' && c.stem.pool !== undefined && c.stem.pool !== 'max' && c.stem.pool !== 'none'],
];

/** The rules of a network's spatial rank (`dims`): its input's, its stem's kernels', its conv makers'. */
function rankIssues(config: ModelConfig): ShapeIssue[] {
  const issues: ShapeIssue[] = [];
  const dims = config.dims ?? 2;
  if (config.input && config.input.length !== dims + 2) {
    issues.push(issue('input', `${dims + 2} dimensions for a network of ${dims} spatial ${dims === 1 ? 'axis' : 'axes'} (dims ${dims})`, `${config.input.length}`));
  }
  if (dims !== 2) {
    for (const [field, uses] of IMAGE_ONLY) if (uses(config)) issues.push(issue(field, `what a ${dims}-d network has: this is an image network's (dims 2)`, field === 'block' ? `"${config.block}"` : 'given'));
  }
  if (typeof config.stem === 'object') {
    config.stem.convs.forEach((c, k) => {
      for (const key of ['kernel', 'stride'] as const) {
        const v = c[key];
        if (Array.isArray(v) && v.length !== dims) issues.push(issue(`stem.convs[${k}].${key}`, `one figure per spatial axis: ${dims}`, `${v.length}`));
      }
    });
  }
  if (config.convMakers !== undefined) {
    if (dims !== 3) issues.push(issue('convMakers', 'a video network (dims 3): the makers say how a 3×3 spreads over frames, height and width', `dims ${dims}`));
    else if (config.convMakers.length !== config.layers.length) issues.push(issue('convMakers', `${config.layers.length} entries (one per stage)`, String(config.convMakers.length)));
  }
  return issues;
}

function issue(path: string, expected: string, found: string): ShapeIssue {
  return { code: 'config', path, expected, found };
}

/**
 * More rows than any block makes: three conv units of conv, BN and ReLU, a projection of up to
 * three rows or an identity or pool row, six squeeze-and-excitation rows, the add and a ReLU.
 * (A test holds every block design to it.)
 */
export const MAX_BLOCK_ROWS = 32;

/**
 * Rules across fields, for a config whose fields each keep their schema (a file's, checked by
 * the schema; a preset's, checked by the tests; the library's `checkConfig` checks both).
 */
export function checkRules(config: ModelConfig): ShapeIssue[] {
  const issues: ShapeIssue[] = rankIssues(config);
  const stages = config.layers.length;
  if (stages === 0) issues.push(issue('layers', 'at least one stage', 'none'));
  if (stages > LIMITS.stages) issues.push(issue('layers', `at most ${LIMITS.stages} stages`, String(stages)));
  if (config.widths.length !== stages) {
    issues.push(issue('widths', `${stages} entries (one per stage)`, String(config.widths.length)));
  }
  if (config.headPool === 'none' && config.classes !== 0) {
    issues.push(issue('headPool', '"none" only without a classifier (classes 0): a classifier needs a pool before it', `"none" with classes ${config.classes}`));
  }
  if (config.strides && config.strides.length !== stages) {
    issues.push(issue('strides', `${stages} entries (one per stage)`, String(config.strides.length)));
  }
  if (config.replaceStrideWithDilation.length !== Math.max(0, stages - 1)) {
    issues.push(
      issue(
        'replaceStrideWithDilation',
        `${Math.max(0, stages - 1)} entries (one per stage after the first)`,
        String(config.replaceStrideWithDilation.length),
      ),
    );
  }
  if (config.block === 'basic' || config.block === 'ibasic') {
    if (config.groups !== 1 || config.widthPerGroup !== 64) {
      issues.push(
        issue(
          config.groups !== 1 ? 'groups' : 'widthPerGroup',
          `groups 1 and widthPerGroup 64 for ${config.block} blocks (as torchvision and insightface)`,
          `groups ${config.groups}, widthPerGroup ${config.widthPerGroup}`,
        ),
      );
    }
    if (config.replaceStrideWithDilation.some(Boolean)) {
      issues.push(
        issue(
          'replaceStrideWithDilation',
          `no dilation: ${config.block}-block networks cannot be dilated (torchvision and insightface refuse too)`,
          `[${config.replaceStrideWithDilation.join(', ')}]`,
        ),
      );
    }
  }
  if (config.groupWidth !== undefined) {
    if (config.block === 'basic' || config.block === 'ibasic') {
      issues.push(issue('groupWidth', 'a block with a grouped 3×3 conv (bottleneck or regnet)', `${config.block} blocks`));
    } else if (config.groups !== 1) {
      issues.push(issue('groupWidth', 'groupWidth or groups, not both (groupWidth gives the groups)', `groupWidth ${config.groupWidth} and groups ${config.groups}`));
    } else {
      config.widths.forEach((planes, s) => {
        // PyTorch's Conv2d: in_channels must be divisible by groups
        const width = blockWidth(config, planes);
        if (width % config.groupWidth! !== 0) issues.push(issue(`widths[${s}]`, `a block width divisible by groupWidth ${config.groupWidth} (each group takes groupWidth channels)`, String(width)));
      });
    }
  }
  if (config.block === 'res2net' && (config.order ?? 'post') !== 'post') issues.push(issue('order', 'post-activation blocks: Res2Net\'s block is conv, BN, ReLU', `order "${config.order}"`));
  if (config.radix !== undefined && config.block !== 'resnest') issues.push(issue('radix', 'block "resnest" (the radix is its split attention\'s)', `block "${config.block}"`));
  if (config.block === 'resnest' && ((config.order ?? 'post') !== 'post' || config.se || config.eca || config.antialias))
    issues.push(issue('block', 'a ResNeSt block without se, eca, antialias or another order (timm\'s ResNestBottleneck refuses attention and anti-aliasing layers)', 'resnest with one of them'));
  if (config.scale !== undefined && config.block !== 'res2net') issues.push(issue('scale', 'block "res2net" (the scales are its own)', `block "${config.block}"`));
  if (config.antialias && config.block === 'res2net') issues.push(issue('antialias', 'basic or bottleneck blocks (timm has no anti-aliased Res2Net)', 'block "res2net"'));
  if (config.antialias && (config.order ?? 'post') !== 'post') issues.push(issue('antialias', 'post-activation blocks (order "post"): timm puts the blur pool after the strided conv\'s activation', `order "${config.order}"`));
  if (config.normAct && (config.activation ?? 'relu') !== 'relu') issues.push(issue('normAct', 'the ReLU (timm\'s norm-act modules hold a ReLU)', `activation "${config.activation}"`));
  if (config.classifier === 'conv' && config.headFlatten) issues.push(issue('classifier', 'a pooled map (the conv classifier follows the global pool)', 'headFlatten'));
  if (config.eca && config.se) issues.push(issue('eca', 'eca or se, not both (each block has one attention module)', 'both'));
  const norm = config.norm;
  if (norm && issues.length === 0) {
    // PyTorch's GroupNorm: num_channels must be divisible by num_groups, for every map normalised
    const maps = [...stemDesign(config).convs.map((c) => c.channels), ...planStages(config).flatMap((p) => [blockWidth(config, p.planes), p.outChannels])];
    const bad = maps.find((c) => c % norm.groups !== 0);
    if (bad !== undefined) issues.push(issue('norm.groups', `a divisor of every normalised map's channels (PyTorch's GroupNorm: num_channels divisible by num_groups)`, `${norm.groups}, and a map of ${bad} channels`));
  }
  if (config.headFlatten) {
    if (config.classes === 0) issues.push(issue('classes', 'at least 1 with headFlatten: the embedding width', '0'));
    if (config.headPool !== undefined || config.headNorm) {
      issues.push(issue(config.headPool !== undefined ? 'headPool' : 'headNorm', 'no pool and no headNorm with headFlatten (its head is BN, flatten, dropout, linear, BatchNorm1d)', config.headPool !== undefined ? JSON.stringify(config.headPool) : 'true'));
    }
  }
  config.widths.forEach((planes, s) => {
    // defaults (64·2^i) too: a deep stack of stages outgrows the limit
    if (planes > LIMITS.channels) {
      issues.push(issue(`widths[${s}]`, `at most ${groupDigits(LIMITS.channels)} (the documented limit; give widths for deep stacks)`, String(planes)));
    }
  });
  if (config.block === 'bottleneck') {
    config.widths.forEach((planes, s) => {
      const width = blockWidth(config, planes);
      if (width < 1 || width > LIMITS.bottleneckWidth) {
        issues.push(
          issue(
            `widths[${s}]`,
            `a bottleneck width floor(width × widthPerGroup / 64) × groups from 1 to ${groupDigits(LIMITS.bottleneckWidth)}`,
            String(width),
          ),
        );
      }
    });
  }
  const se = config.se;
  if (se && issues.length === 0) {
    // every stage's squeeze keeps at least one channel
    planStages(config).forEach((plan, s) => {
      // the width reduction divides: the channels scaled, or each block's input
      const divided = se.of === 'input' ? Math.min(plan.inChannels, plan.outChannels) : plan.outChannels;
      if (plan.blocks > 0 && seChannels(se, divided) < 1) {
        issues.push(issue('se.reduction', `a reduction that leaves at least 1 channel (stage ${s + 1} has ${divided})`, `${se.reduction}: ${divided} / ${se.reduction} leaves 0`));
      }
    });
  }
  if (issues.length === 0) {
    // what the shortcut form cannot do, stage by stage
    const refuse = SHORTCUTS[config.downsample].refuse;
    planStages(config).forEach((plan, s) => {
      const why = refuse && plan.hasDownsample && plan.blocks > 0 ? refuse(plan) : null;
      // a stage whose projection is there only because firstShortcut asks for it
      const forced = plan.stride === 1 && plan.inChannels === plan.outChannels;
      if (why) issues.push(issue(forced ? 'firstShortcut' : 'downsample', why, `stage ${s + 1}: ${plan.inChannels} → ${plan.outChannels} channels, stride ${plan.stride}`));
    });
  }
  // a block makes at most MAX_BLOCK_ROWS rows, the stem and the head at most 32: a network surely
  // under the limit is not counted row by row
  const bound = config.layers.reduce((a, n) => a + n, 0) * MAX_BLOCK_ROWS + 32;
  if (issues.length === 0 && bound > LIMITS.rows) {
    const rows = countRows(config);
    if (rows > LIMITS.rows) {
      issues.push(issue('layers', `a network of at most ${groupDigits(LIMITS.rows)} rows`, `${groupDigits(rows)} rows`));
    }
  }
  return issues;
}

// Config as users write it -> ModelConfig with every default filled in, plus the rules that
// need more than one field at a time (zod checks each field on its own in the CLI).

import type { BlockKind, BlockOrderKind, DownsampleKind, HeadPool, ModelConfig, NamingKind, ShapeIssue, SqueezeExcitation, StemDesign, StemKind } from '../types.js';
import { groupDigits } from '../int.js';
import { BLOCK_KINDS, blockWidth, countRows, NAMING_KINDS, planStages, seChannels, SHORTCUT_KINDS, SHORTCUTS } from './expand.js';

/** A config as written in a file or preset: only `block` and `layers` are required. */
export interface ConfigInput {
  readonly $schema?: string | undefined;
  readonly description?: string | undefined;
  readonly block: BlockKind;
  readonly layers: readonly number[];
  readonly widths?: readonly number[] | undefined;
  readonly groups?: number | undefined;
  readonly widthPerGroup?: number | undefined;
  readonly stem?: StemKind | StemDesign | undefined;
  readonly stemWidth?: number | undefined;
  readonly downsample?: DownsampleKind | undefined;
  readonly strideIn1x1?: boolean | undefined;
  readonly replaceStrideWithDilation?: readonly boolean[] | undefined;
  readonly inChannels?: number | undefined;
  readonly classes?: number | undefined;
  readonly convBias?: boolean | 'unnormalized' | undefined;
  readonly naming?: NamingKind | undefined;
  readonly headPool?: HeadPool | undefined;
  readonly input?: readonly [number, number, number, number] | undefined;
  readonly se?: SqueezeExcitation | undefined;
  readonly order?: BlockOrderKind | undefined;
  readonly stemNorm?: boolean | undefined;
  readonly shortcutFrom?: 'input' | 'preactivation' | undefined;
  readonly headNorm?: boolean | undefined;
  readonly strides?: readonly number[] | undefined;
  readonly strideAt?: 'first' | 'last' | undefined;
  readonly strideShortcut?: 'projection' | 'maxpool' | undefined;
}

/** Documented limits that keep every trace finite. */
export const LIMITS = {
  stages: 64,
  blocksPerStage: 1_000_000,
  /** widths, groups, widthPerGroup, stemWidth, inChannels, classes */
  channels: 2 ** 20,
  /**
   * Rows of a whole network (ResNet-1202 has about 6,000). A trace holds about 450 bytes a row
   * and `diff` holds two; past about 10^6 rows V8's collector makes time grow faster than the
   * rows (measured: 1.9× per doubling up to 1.5·10^6, 2.5–2.8× from there to 3·10^6).
   */
  rows: 1_000_000,
  /** each input dimension */
  inputDim: 2 ** 31 - 1,
  /** a bottleneck's 3×3 width, floor(width × widthPerGroup / 64) × groups */
  bottleneckWidth: 2 ** 31 - 1,
} as const;

export function resolveConfig(input: ConfigInput, name: string): ModelConfig {
  const stages = input.layers.length;
  return {
    name,
    block: input.block,
    layers: [...input.layers],
    widths: input.widths ? [...input.widths] : input.layers.map((_, i) => 64 * 2 ** i),
    groups: input.groups ?? 1,
    widthPerGroup: input.widthPerGroup ?? 64,
    stem: typeof input.stem === 'object' ? { ...input.stem, convs: input.stem.convs.map((c) => ({ ...c })) } : (input.stem ?? 'standard'),
    stemWidth: input.stemWidth ?? 32,
    downsample: input.downsample ?? 'conv',
    strideIn1x1: input.strideIn1x1 ?? false,
    replaceStrideWithDilation: input.replaceStrideWithDilation
      ? [...input.replaceStrideWithDilation]
      : new Array<boolean>(Math.max(0, stages - 1)).fill(false),
    inChannels: input.inChannels ?? 3,
    classes: input.classes ?? 1000,
    // only when given: a config without them resolves (and prints) as before
    ...(input.convBias !== undefined ? { convBias: input.convBias } : {}),
    ...(input.naming !== undefined ? { naming: input.naming } : {}),
    ...(input.headPool !== undefined ? { headPool: input.headPool } : {}),
    ...(input.input !== undefined ? { input: input.input } : {}),
    ...(input.order !== undefined ? { order: input.order } : {}),
    ...(input.stemNorm !== undefined ? { stemNorm: input.stemNorm } : {}),
    ...(input.shortcutFrom !== undefined ? { shortcutFrom: input.shortcutFrom } : {}),
    ...(input.headNorm !== undefined ? { headNorm: input.headNorm } : {}),
    ...(input.strides !== undefined ? { strides: [...input.strides] } : {}),
    ...(input.strideAt !== undefined ? { strideAt: input.strideAt } : {}),
    ...(input.strideShortcut !== undefined ? { strideShortcut: input.strideShortcut } : {}),
    ...(input.se !== undefined ? { se: input.se.divisor === undefined ? { reduction: input.se.reduction } : { reduction: input.se.reduction, divisor: input.se.divisor } } : {}),
  };
}

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

function issue(path: string, expected: string, found: string): ShapeIssue {
  return { code: 'config', path, expected, found };
}

const whole = (x: unknown, min: number, max: number): boolean => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;

/**
 * Each field on its own, for configs built in code (files are checked by the zod schema first,
 * with the same limits): whole numbers in range, known kinds, flags that are booleans.
 */
function checkFields(config: ModelConfig): ShapeIssue[] {
  const issues: ShapeIssue[] = [];
  const positive = (path: string, x: unknown, max: number) => {
    if (!whole(x, 1, max)) issues.push(issue(path, `a whole number from 1 to ${groupDigits(max)}`, String(x)));
  };
  if (!BLOCK_KINDS.includes(config.block)) issues.push(issue('block', BLOCK_KINDS.map((k) => `"${k}"`).join(' or '), String(config.block)));
  if (!Array.isArray(config.layers)) issues.push(issue('layers', 'an array of stage depths', typeof config.layers));
  else config.layers.forEach((n, s) => positive(`layers[${s}]`, n, LIMITS.blocksPerStage));
  if (!Array.isArray(config.widths)) issues.push(issue('widths', 'an array of widths', typeof config.widths));
  else config.widths.forEach((n, s) => positive(`widths[${s}]`, n, LIMITS.channels));
  for (const field of ['groups', 'widthPerGroup', 'stemWidth', 'inChannels'] as const) positive(field, config[field], LIMITS.channels);
  if (!whole(config.classes, 0, LIMITS.channels)) issues.push(issue('classes', `a whole number from 0 to ${groupDigits(LIMITS.channels)}`, String(config.classes)));
  if (!SHORTCUT_KINDS.includes(config.downsample)) issues.push(issue('downsample', SHORTCUT_KINDS.map((k) => `"${k}"`).join(', '), String(config.downsample)));
  const stem = config.stem;
  if (typeof stem === 'object' && stem !== null && Array.isArray(stem.convs)) {
    if (stem.convs.length < 1 || stem.convs.length > 8) issues.push(issue('stem.convs', 'from 1 to 8 convs', String(stem.convs.length)));
    stem.convs.forEach((c, k) => {
      positive(`stem.convs[${k}].kernel`, c?.kernel, 15);
      if (c?.stride !== undefined) positive(`stem.convs[${k}].stride`, c.stride, 16);
      positive(`stem.convs[${k}].channels`, c?.channels, LIMITS.channels);
    });
    if (stem.pool !== undefined && stem.pool !== 'max' && stem.pool !== 'none') issues.push(issue('stem.pool', '"max" or "none"', String(stem.pool)));
  } else if (stem !== 'standard' && stem !== 'deep' && stem !== 'cifar') {
    issues.push(issue('stem', '"standard", "deep", "cifar" or { "convs": [...], "pool": "max" | "none" }', String(stem)));
  }
  if (typeof config.strideIn1x1 !== 'boolean') issues.push(issue('strideIn1x1', 'true or false', String(config.strideIn1x1)));
  if (!Array.isArray(config.replaceStrideWithDilation) || config.replaceStrideWithDilation.some((f) => typeof f !== 'boolean')) {
    issues.push(issue('replaceStrideWithDilation', 'an array of true or false', String(config.replaceStrideWithDilation)));
  }
  if (config.naming !== undefined && !NAMING_KINDS.includes(config.naming)) issues.push(issue('naming', NAMING_KINDS.map((k) => `"${k}"`).join(', '), String(config.naming)));
  if (config.order !== undefined && config.order !== 'post' && config.order !== 'pre') issues.push(issue('order', '"post" or "pre"', String(config.order)));
  if (config.stemNorm !== undefined && typeof config.stemNorm !== 'boolean') issues.push(issue('stemNorm', 'true or false', String(config.stemNorm)));
  if (config.headNorm !== undefined && typeof config.headNorm !== 'boolean') issues.push(issue('headNorm', 'true or false', String(config.headNorm)));
  if (config.convBias !== undefined && typeof config.convBias !== 'boolean' && config.convBias !== 'unnormalized') {
    issues.push(issue('convBias', 'true, false or "unnormalized"', String(config.convBias)));
  }
  if (config.strides !== undefined) {
    if (!Array.isArray(config.strides)) issues.push(issue('strides', 'an array of strides', typeof config.strides));
    else config.strides.forEach((n, s) => positive(`strides[${s}]`, n, 64));
  }
  if (config.strideAt !== undefined && config.strideAt !== 'first' && config.strideAt !== 'last') issues.push(issue('strideAt', '"first" or "last"', String(config.strideAt)));
  if (config.strideShortcut !== undefined && config.strideShortcut !== 'projection' && config.strideShortcut !== 'maxpool') {
    issues.push(issue('strideShortcut', '"projection" or "maxpool"', String(config.strideShortcut)));
  }
  if (config.shortcutFrom !== undefined && config.shortcutFrom !== 'input' && config.shortcutFrom !== 'preactivation') {
    issues.push(issue('shortcutFrom', '"input" or "preactivation"', String(config.shortcutFrom)));
  }
  const head = config.headPool;
  if (head !== undefined && head !== 'global' && head !== 'width' && head !== 'none' && !whole(head, 1, LIMITS.inputDim)) {
    issues.push(issue('headPool', `"global", "width", "none" or a window from 1 to ${groupDigits(LIMITS.inputDim)}`, String(head)));
  }
  if (config.se !== undefined) {
    if (typeof config.se !== 'object' || config.se === null) issues.push(issue('se', 'an object { reduction, divisor? }', String(config.se)));
    else {
      positive('se.reduction', config.se.reduction, LIMITS.channels);
      if (config.se.divisor !== undefined) positive('se.divisor', config.se.divisor, LIMITS.channels);
    }
  }
  return issues;
}

/**
 * More rows than any block makes: three conv units of conv, BN and ReLU, a projection of up to
 * three rows or an identity or pool row, six squeeze-and-excitation rows, the add and a ReLU.
 * (A test holds every block design to it.)
 */
export const MAX_BLOCK_ROWS = 32;

/** Rules across fields; an empty list means the config can be expanded. */
export function checkConfig(config: ModelConfig): ShapeIssue[] {
  const fields = checkFields(config);
  if (fields.length > 0) return fields;
  const issues: ShapeIssue[] = [];
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
  if (config.block === 'basic') {
    if (config.groups !== 1 || config.widthPerGroup !== 64) {
      issues.push(
        issue(
          config.groups !== 1 ? 'groups' : 'widthPerGroup',
          'groups 1 and widthPerGroup 64 for basic blocks (as torchvision)',
          `groups ${config.groups}, widthPerGroup ${config.widthPerGroup}`,
        ),
      );
    }
    if (config.replaceStrideWithDilation.some(Boolean)) {
      issues.push(
        issue(
          'replaceStrideWithDilation',
          'no dilation: basic-block networks cannot be dilated (torchvision refuses too)',
          `[${config.replaceStrideWithDilation.join(', ')}]`,
        ),
      );
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
      if (plan.blocks > 0 && seChannels(se, plan.outChannels) < 1) {
        issues.push(issue('se.reduction', `a reduction that leaves at least 1 channel (stage ${s + 1} has ${plan.outChannels})`, `${se.reduction}: ${plan.outChannels} / ${se.reduction} leaves 0`));
      }
    });
  }
  if (issues.length === 0) {
    // what the shortcut form cannot do, stage by stage
    const refuse = SHORTCUTS[config.downsample].refuse;
    planStages(config).forEach((plan, s) => {
      const why = refuse && plan.hasDownsample && plan.blocks > 0 ? refuse(plan) : null;
      if (why) issues.push(issue('downsample', why, `stage ${s + 1}: ${plan.inChannels} → ${plan.outChannels} channels, stride ${plan.stride}`));
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

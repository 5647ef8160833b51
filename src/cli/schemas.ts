// zod schemas of the files users write, the JSON Schemas generated from them, and the one
// formatter that turns a zod issue into `field.path: expected ..., got ...`.
// Loaded only when a file is read: the common path (a preset) never pays for zod.

import * as z from 'zod';
import { LIMITS } from '../spec/config.js';
import { PRESET_NAMES } from '../spec/presets.js';

const positive = (what: string, max: number) =>
  z
    .int({ error: `expected ${what}` })
    .min(1, { error: `expected ${what}` })
    .max(max, { error: `expected at most ${max.toLocaleString('en-US')} (the documented limit)` });

const channels = (description: string) =>
  positive('a positive integer', LIMITS.channels).describe(`${description} (1 to 2^20)`);

/** The fields of a model config, named as torchvision names its constructor arguments. */
export const configFields = {
  $schema: z.string().optional().describe('JSON Schema of this file, for editors'),
  description: z.string().max(1000).optional().describe('Free text shown nowhere but in the file'),
  block: z
    .enum(['basic', 'bottleneck'], { error: 'expected "basic" or "bottleneck"' })
    .describe('Residual block: basic (two 3×3 convs) or bottleneck (1×1, 3×3, 1×1 with ×4 expansion)'),
  layers: z
    .array(positive('a positive integer', LIMITS.blocksPerStage), { error: 'expected an array of stage depths' })
    .min(1, { error: 'expected at least one stage' })
    .max(LIMITS.stages, { error: `expected at most ${LIMITS.stages} stages (the documented limit)` })
    .describe('Blocks per stage, e.g. [3, 4, 6, 3] for ResNet-50'),
  widths: z
    .array(positive('a positive integer', LIMITS.channels), { error: 'expected an array of widths' })
    .max(LIMITS.stages, { error: `expected at most ${LIMITS.stages} widths` })
    .optional()
    .describe("Base width per stage before expansion (torchvision's planes); default 64·2^i"),
  groups: channels('Groups of the 3×3 conv (ResNeXt cardinality); default 1').optional(),
  widthPerGroup: channels("Width per group (torchvision's width_per_group); default 64").optional(),
  stem: z
    .enum(['standard', 'deep'], { error: 'expected "standard" or "deep"' })
    .optional()
    .describe('standard: 7×7/2 conv with 64 outputs; deep: three 3×3 convs of w, w, 2w (ResNet-C/D/S)'),
  stemWidth: channels('w of the deep stem; default 32').optional(),
  downsample: z
    .enum(['conv', 'avgpool'], { error: 'expected "conv" or "avgpool"' })
    .optional()
    .describe('Projection shortcut: conv (strided 1×1) or avgpool (2×2 average pool, then 1×1; ResNet-D)'),
  strideIn1x1: z
    .boolean({ error: 'expected true or false' })
    .optional()
    .describe("ResNet v1: stride on the bottleneck's first 1×1 instead of its 3×3; default false"),
  replaceStrideWithDilation: z
    .array(z.boolean({ error: 'expected true or false' }), { error: 'expected an array of booleans' })
    .max(LIMITS.stages, { error: `expected at most ${LIMITS.stages} flags` })
    .optional()
    .describe('One flag per stage after the first: dilate instead of striding (DeepLab)'),
  inChannels: channels('Input channels; default 3').optional(),
  classes: z
    .int({ error: 'expected a whole number ≥ 0' })
    .min(0, { error: 'expected a whole number ≥ 0' })
    .max(LIMITS.channels, { error: `expected at most ${LIMITS.channels} (the documented limit)` })
    .optional()
    .describe('Classifier outputs; 0 means no classifier (the output is the pooled features); default 1000'),
};

export const configSchema = z
  .strictObject(configFields)
  .describe('A resnet-shapes model config: a ResNet described as data');

export type ConfigFile = z.infer<typeof configSchema>;

/** `layers[2]` from ['layers', 2]. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** One sentence per zod issue: the field path, what was expected, what was found. */
export function formatZodIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): string {
  const path = fieldPath([...prefix, ...issue.path]);
  const where = path === '' ? 'the file' : path;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return `${where}: required field is missing (${issue.message})`;
  }
  if (issue.code === 'invalid_type' && path === '') {
    return `the file: expected a JSON object, got ${shown(issue.input)}`;
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // report the branch that got furthest
    const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
    if (best[0]) return formatZodIssue(best[0], [...prefix, ...issue.path]);
  }
  return `${where}: ${issue.message}, got ${shown(issue.input)}`;
}

export function presetNamesSentence(): string {
  return PRESET_NAMES.join(', ');
}

/** JSON Schema of config files (draft 2020-12), generated from the zod schema. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { target: 'draft-2020-12', io: 'input' }),
    title: 'resnet-shapes model config',
  };
}

// zod schemas of the files users write and of the trace document, the JSON Schemas generated
// from them, and the one formatter that turns a zod issue into `field.path: expected ..., got ...`.
// Pure (no I/O): the CLI, the library and the web page validate with the same schemas. The CLI
// loads them only when a file is read, so the common path (a preset) never pays for zod.

import * as z from 'zod';
import { KIND_NAMES } from '../analysis/kinds.js';
import { DTYPES, MEMORY_MODES, OPTIMIZERS } from '../analysis/memory.js';
import { groupDigits } from '../int.js';
import { LIMITS } from '../network/config.js';
import { BLOCK_KINDS } from '../network/expand.js';
import { PRESET_NAMES } from '../network/presets.js';

/** `"a", "b" or "c"` */
const oneOf = (names: readonly string[]): string =>
  names.length === 1 ? JSON.stringify(names[0]) : `${names.slice(0, -1).map((n) => JSON.stringify(n)).join(', ')} or ${JSON.stringify(names.at(-1))}`;

const positive = (what: string, max: number) =>
  z
    .int({ error: `expected ${what}` })
    .min(1, { error: `expected ${what}` })
    .max(max, { error: `expected at most ${groupDigits(max)} (the documented limit)` });

const channels = (description: string) =>
  positive('a positive integer', LIMITS.channels).describe(`${description} (1 to 2^20)`);

/** The fields of a model config, named as torchvision names its constructor arguments. */
export const configFields = {
  $schema: z.string().optional().describe('JSON Schema of this file, for editors'),
  description: z.string().max(1000).optional().describe('What the model is, in words (shown by --list for presets)'),
  block: z
    .enum(BLOCK_KINDS, { error: `expected ${oneOf(BLOCK_KINDS)}` })
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

const configObject = z.strictObject({
  ...configFields,
  extends: z
    .string({ error: 'expected a preset name' })
    .optional()
    .describe('A preset to start from (e.g. "resnet50"); the fields here override it'),
  block: configFields.block.optional(),
  layers: configFields.layers.optional(),
});

/** A file either extends a preset or names its own block and layers. */
function requireOwnArchitecture(value: { extends?: string | undefined; block?: unknown; layers?: unknown }, ctx: z.core.$RefinementCtx): void {
  if (value.extends !== undefined) {
    if (!PRESET_NAMES.includes(value.extends)) {
      ctx.addIssue({
        code: 'custom',
        path: ['extends'],
        input: value.extends,
        message: `expected a preset name (${PRESET_NAMES.join(', ')})`,
      });
    }
    return;
  }
  for (const key of ['block', 'layers'] as const) {
    if (value[key] === undefined) {
      ctx.addIssue({ code: 'custom', path: [key], input: undefined, message: 'required unless the file extends a preset' });
    }
  }
}

export const configSchema = configObject
  .superRefine(requireOwnArchitecture)
  .describe('A resnet-shapes model config: a ResNet described as data, or a preset it extends with overrides');

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
  if ((issue.code === 'invalid_type' || issue.code === 'custom') && issue.input === undefined) {
    return `${where}: required field is missing (${issue.message})`;
  }
  if (issue.code === 'invalid_type' && path === '') {
    return `expected a JSON object, got ${shown(issue.input)}`;
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // report the branch that got furthest
    const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
    if (best[0]) return formatZodIssue(best[0], [...prefix, ...issue.path]);
  }
  return `${where}: ${issue.message}, got ${shown(issue.input)}`;
}

// ---------------------------------------------------------------------------------------------
// Check files: a model config with an input and what to expect of its trace.

const bigInt = z.union([
  z.int({ error: 'expected a whole number' }).min(0, { error: 'expected a whole number ≥ 0' }),
  z.string().regex(/^\d+$/, { error: 'expected a whole number (digits in a string for values above 2^53)' }),
]);

const dim = z.int({ error: 'expected a whole number ≥ 1' }).min(1, { error: 'expected a whole number ≥ 1' }).max(LIMITS.inputDim, {
  error: `expected at most ${LIMITS.inputDim} (the documented limit)`,
});

const memorySize = z
  .union([
    z.int().min(1),
    z.string().regex(/^\s*\d+(\.\d+)?\s*([kmgtKMGT]i?[bB]|[bB])?\s*$/),
  ], { error: 'expected bytes, or a size such as "24GiB" or "80GB"' })
  .describe('Bytes, or a string with a unit: "24GiB" = 24·2^30, "80GB" = 80·10^9');

export const trainingFields = z
  .strictObject({
    optimizer: z.enum(OPTIMIZERS, { error: `expected ${oneOf(OPTIMIZERS)}` }).optional(),
    weightDecay: z.number({ error: 'expected a number ≥ 0' }).min(0, { error: 'expected a number ≥ 0' }).optional(),
    dtype: z.enum(DTYPES, { error: `expected ${oneOf(DTYPES)}` }).optional(),
  }, { error: 'expected an object' })
  .describe('How the memory expectations train: optimizer (default momentum), weightDecay (0), dtype (float32)');

export const expectFields = {
  output: z
    .array(z.union([dim, z.literal('N')]), { error: 'expected a shape, e.g. [10, 1000]' })
    .max(8, { error: 'expected a shape of at most 8 dimensions' })
    .optional()
    .describe('The exact output shape'),
  params: bigInt.optional().describe('Exact total params'),
  macs: bigInt.optional().describe('Exact total mult-adds (per sample with a symbolic batch)'),
  maxParams: bigInt.optional().describe('Total params must not exceed this'),
  maxMacs: bigInt.optional().describe('Total mult-adds must not exceed this'),
  maxTrainingMemory: memorySize.optional().describe('Peak bytes of a training step (see "training") must not exceed this'),
  maxInferenceMemory: memorySize
    .optional()
    .describe('Parameters, input and peak activations of a no-grad forward must not exceed this'),
  minFinalSpatial: z
    .int({ error: 'expected a whole number ≥ 1' })
    .min(1, { error: 'expected a whole number ≥ 1' })
    .optional()
    .describe('Height and width of the last feature map (before the global pool) must both be at least this'),
};

export const checkSchema = z
  .strictObject({
    ...configObject.shape,
    input: z
      .tuple([z.union([dim, z.literal('N')]), dim, dim, dim], { error: 'expected [N, C, H, W], e.g. [10, 3, 224, 224]' })
      .describe('Input shape [N, C, H, W]; the batch may be "N" (symbolic)'),
    expect: z
      .strictObject(expectFields, { error: 'expected an object of expectations' })
      .describe('What the trace must show; every field is optional'),
    training: trainingFields.optional(),
  })
  .superRefine(requireOwnArchitecture)
  .describe('A resnet-shapes check file: a model, an input and what to expect');

// ---------------------------------------------------------------------------------------------
// The trace document (`--format json`), schemaVersion 1. Objects are open: keys may be added.

const jsonInt = z.union([z.int().min(0), z.string().regex(/^\d+$/)]).describe('An integer; above 2^53 − 1 a decimal string with every digit');
const shapeDoc = z.array(z.union([z.int().min(0), z.literal('N')])).describe('A shape; "N" is a symbolic batch');
const nullableShape = z.union([z.array(z.int().min(0)), z.null()]);

export const traceSchema = z
  .looseObject({
    schemaVersion: z.literal(1),
    model: z.looseObject({ name: z.string(), block: z.enum(BLOCK_KINDS), layers: z.array(z.int()) }),
    input: shapeDoc,
    output: shapeDoc,
    layers: z.array(
      z.looseObject({
        name: z.string().describe('PyTorch module path'),
        paddleName: z.union([z.string(), z.null()]),
        type: z.enum(KIND_NAMES),
        input: shapeDoc,
        output: shapeDoc,
        weight: nullableShape.describe('PyTorch layout: conv [out, in/groups, kh, kw], linear [out, in]'),
        bias: nullableShape,
        params: jsonInt,
        macs: jsonInt.describe("torchvision's convention: conv and linear only"),
        activationBytes: jsonInt.optional().describe('Bytes this row keeps for backward (first keeper of a shared tensor)'),
        receptiveField: z.union([z.number(), z.null()]).optional().describe('Receptive field size in input pixels; null from the global pool on'),
        effectiveStride: z.union([z.number(), z.null()]).optional().describe('Input pixels between neighbouring outputs'),
        receptiveFieldCenter: z.union([z.number(), z.null()]).optional().describe('Centre of the first output pixel in input coordinates'),
      }),
    ),
    totals: z.looseObject({
      params: jsonInt,
      trainableParams: jsonInt,
      bnRunningStats: jsonInt,
      macs: jsonInt,
      perSample: z.boolean().describe('True with a symbolic batch: batch-dependent totals are per sample'),
    }),
    memory: z
      .looseObject({
        dtype: z.enum(DTYPES),
        optimizer: z.enum(OPTIMIZERS),
        weightDecay: z.number(),
        perSample: z.boolean().describe('True with a symbolic batch: the figures are at N = 1'),
        params: jsonInt.describe('Parameters and buffers, bytes'),
        gradients: jsonInt,
        optimizerState: jsonInt,
        input: jsonInt.describe('The input batch and the class targets'),
        activations: jsonInt.describe('Kept for backward after the forward pass, plus the output and the loss'),
        optimizerTemporaries: jsonInt.describe("Temporaries of PyTorch's foreach optimizer step"),
        cudaWorkspaces: jsonInt.describe('cuBLAS and cuBLASLt workspaces'),
        trainingPeak: jsonInt.describe('Peak bytes allocated during one training step, everything included'),
        trainingPeakPhase: z.enum(['forward', 'backward', 'optimizer']),
        inferencePeak: jsonInt.describe('Peak bytes of activations alive in a no-grad forward'),
      })
      .optional()
      .describe('CUDA allocator bytes (multiples of 512) of a training step and an inference pass'),
    groups: z
      .array(
        z.looseObject({
          name: z.string(),
          kind: z.enum(['stem', 'stage', 'block', 'head']),
          input: shapeDoc,
          output: shapeDoc,
          params: jsonInt,
          macs: jsonInt,
          rows: z.tuple([z.int(), z.int()]).describe('First and last index into layers[]'),
        }),
      )
      .optional()
      .describe('With --depth: the stem, each stage or block, the head'),
    fit: z
      .looseObject({ maxBatch: z.int().min(0), mode: z.enum(MEMORY_MODES), budgetBytes: z.int(), bytesAtMaxBatch: jsonInt })
      .optional()
      .describe('With --fit: the largest batch whose memory fits the budget'),
  })
  .describe('The resnet-shapes trace document (--format json)');

export const SCHEMAS = {
  config: { schema: configSchema, title: 'resnet-shapes model config' },
  check: { schema: checkSchema, title: 'resnet-shapes check file' },
  trace: { schema: traceSchema, title: 'resnet-shapes trace document' },
} as const;

export type SchemaName = keyof typeof SCHEMAS;

/** JSON Schema (draft 2020-12) of one of the documents, generated from its zod schema. */
export function jsonSchemaOf(name: SchemaName): Record<string, unknown> {
  const { schema, title } = SCHEMAS[name];
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  // the rule zod states as a refinement: extend a preset, or name block and layers
  const ownArchitecture = name === 'trace' ? {} : { anyOf: [{ required: ['extends'] }, { required: ['block', 'layers'] }] };
  return { title, ...generated, ...ownArchitecture };
}

/** The trace document (`--format json`), as its schema describes it. */
export type TraceDocument = z.output<typeof traceSchema>;
export type RowDocument = TraceDocument['layers'][number];

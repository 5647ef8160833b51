// zod schemas of the files users write and of the trace document, the JSON Schemas generated
// from them, and the one formatter that turns a zod issue into `field.path: expected ..., got ...`.
// Pure (no I/O): the CLI, the library and the web page validate with the same schemas. The CLI
// loads them only when a file is read, so the common path (a preset) never pays for zod.
//
// zod/mini: its schemas are plain data with checks, not objects carrying dozens of methods, so
// they load and build in about half the time and bundle to half the size (the web page ships it).

import * as z from './zod.js';
import { COUNT_NAMES, type CountName } from '../analysis/counts.js';
import { KIND_NAMES } from '../analysis/kinds.js';
import { DTYPES, MEMORY_MODES, OPTIMIZERS } from '../analysis/memory.js';
import { groupDigits } from '../int.js';
import { LIMITS } from '../network/config.js';
import { BLOCK_KINDS, BLOCKS, NAMING_KINDS, SHORTCUT_KINDS, SHORTCUTS } from '../network/expand.js';
import { PRESET_NAMES } from '../network/presets.js';

/** `a, b or c` */
const inWords = (items: readonly string[]): string => (items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`);
/** `"a", "b" or "c"` */
const oneOf = (names: readonly string[]): string => inWords(names.map((n) => JSON.stringify(n)));

/** Each schema is built on first use: a process that reads one config builds only that one. */
function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

const described = z.described;

/** Optional, with a description. */
function optional<T extends z.ZodMiniType>(schema: T, description?: string): z.ZodMiniOptional<T> {
  return z.optional(description === undefined ? schema : described(schema, description));
}

/** One value per key, made on first use. */
function memo<K, T>(make: (key: K) => T): (key: K) => T {
  const made = new Map<K, T>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) made.set(key, (value = make(key)));
    return value;
  };
}

/**
 * An object schema built in part: `whole()` has every field (the JSON Schema is made from it),
 * `parsing(value)` the fields a value needs (see strictObjectOf).
 */
interface PartlyBuilt<T> {
  readonly whole: () => T;
  readonly parsing: (value: unknown) => T;
}

/** An object's fields: each a builder of its schema, or an object schema built in part. */
type Fields = Record<string, (() => z.ZodMiniType) | PartlyBuilt<z.ZodMiniType>>;
type ShapeOf<F extends Fields> = { [K in keyof F]: F[K] extends PartlyBuilt<infer T> ? T : F[K] extends () => infer T ? T : never };

/** Each field's schema built on its first use, then kept. */
function lazily<F extends Fields>(fields: F): F {
  const made: Fields = {};
  for (const [key, field] of Object.entries(fields)) made[key] = typeof field === 'function' ? once(field) : field;
  return made as F;
}

/**
 * A strict object of these fields, built in part. `parsing(value)` has at least the required
 * fields and those the value has, in the same order (an object field fitted to the value's
 * part the same way), so it finds in a value what `whole()` finds, issue for issue: the fields
 * it leaves out are ones the value lacks, which only a required field would report. Schemas of
 * fields no file uses are never built (all of a config's took about 8 ms of a `check`; a file
 * uses a handful), and an object is built again only for a value with a field it lacks.
 */
function strictObjectOf<F extends Fields, T>(
  fields: F,
  shape: { readonly required?: readonly (keyof F & string)[]; readonly error?: string },
  finish: (object: ReturnType<typeof z.strictObject<ShapeOf<F>>>) => T,
): PartlyBuilt<T> {
  const keys = Object.keys(fields) as (keyof F & string)[];
  const required = shape.required ?? [];
  const build = (schemas: ReadonlyMap<string, z.ZodMiniType>) => {
    const built = Object.fromEntries(keys.filter((key) => schemas.has(key)).map((key) => [key, schemas.get(key)])) as ShapeOf<F>;
    return finish(z.strictObject(built, shape.error === undefined ? undefined : { error: shape.error }));
  };
  let fitted: { readonly schema: T; readonly schemas: ReadonlyMap<string, z.ZodMiniType> } | undefined;
  return {
    whole: once(() => {
      const schemas = new Map<string, z.ZodMiniType>();
      for (const key of keys) {
        const field = fields[key]!;
        schemas.set(key, typeof field === 'function' ? field() : field.whole());
      }
      return build(schemas);
    }),
    parsing(value) {
      const given: Record<string, unknown> = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
      const schemas = new Map(fitted?.schemas);
      let changed = !fitted;
      for (const key of keys) {
        if (!required.includes(key) && !Object.hasOwn(given, key)) continue;
        const field = fields[key]!;
        const schema = typeof field === 'function' ? field() : field.parsing(given[key]);
        if (schemas.get(key) !== schema) {
          schemas.set(key, schema);
          changed = true;
        }
      }
      if (changed) fitted = { schema: build(schemas), schemas };
      return fitted!.schema;
    },
  };
}

// A check holds no state of its own (it marks each schema it is attached to), so equal checks
// are made once and shared: every zod object made costs start-up time.
const atLeastOne = memo((what: string) => z.minimum(1, { error: `expected ${what}` }));
const atMost = memo((max: number) => z.maximum(max, { error: `expected at most ${groupDigits(max)} (the documented limit)` }));

const positive = (what: string, max: number) => z.int({ error: `expected ${what}` }).check(atLeastOne(what), atMost(max));

const channels = (description: string) => described(positive('a positive integer', LIMITS.channels), `${description} (1 to 2^20)`);

const booleanField = () => z.boolean({ error: 'expected true or false' });

/**
 * The fields of a model config, named as torchvision names its constructor arguments: each a
 * builder of its schema, given a builder of the one schema for every input dimension and pool
 * window (a schema without a description of its own is shared where it recurs: each one built
 * costs start-up time).
 */
const configFieldsWith = (dimension: () => ReturnType<typeof positive>) => ({
  $schema: () => optional(z.string({ error: 'expected a string' }), 'JSON Schema of this file, for editors'),
  description: () => optional(
    z.string({ error: 'expected a string' }).check(z.maxLength(1000, { error: 'expected a description of at most 1,000 characters' })),
    'What the model is, in words (shown by --list for presets)',
  ),
  block: () => optional(
    z.enum(BLOCK_KINDS, { error: `expected ${oneOf(BLOCK_KINDS)}` }),
    `Residual block: ${inWords(BLOCK_KINDS.map((k) => BLOCKS[k].description))}`,
  ),
  layers: () => optional(
    z.array(positive('a positive integer', LIMITS.blocksPerStage), { error: 'expected an array of stage depths' }).check(
      z.minLength(1, { error: 'expected at least one stage' }),
      z.maxLength(LIMITS.stages, { error: `expected at most ${LIMITS.stages} stages (the documented limit)` }),
    ),
    'Blocks per stage, e.g. [3, 4, 6, 3] for ResNet-50',
  ),
  widths: () => optional(
    z.array(positive('a positive integer', LIMITS.channels), { error: 'expected an array of widths' }).check(
      z.maxLength(LIMITS.stages, { error: `expected at most ${LIMITS.stages} widths` }),
    ),
    "Base width per stage before expansion (torchvision's planes); default 64·2^i",
  ),
  groups: () => optional(channels('Groups of the 3×3 conv (ResNeXt cardinality); default 1')),
  widthPerGroup: () => optional(channels("Width per group (torchvision's width_per_group); default 64")),
  stem: () => optional(
    z.union(
      [
        z.enum(['standard', 'deep', 'cifar']),
        z.strictObject({
          convs: described(
            z
              .array(
                z.strictObject(
                  {
                    kernel: described(positive('a kernel from 1 to 15', 15), 'Square kernel, padded to keep the size (kernel // 2)'),
                    stride: optional(positive('a stride from 1 to 16', 16), 'Default 1'),
                    channels: channels('Output channels'),
                  },
                  { error: 'expected { "kernel": 3, "stride": 2, "channels": 32 }' },
                ),
                { error: 'expected an array of convs' },
              )
              .check(z.minLength(1, { error: 'expected at least one conv' }), z.maxLength(8, { error: 'expected at most 8 convs' })),
            'The stem\'s convs in order, each followed by BN and ReLU (with stemNorm false, the last is bare)',
          ),
          pool: optional(z.enum(['max', 'none'], { error: 'expected "max" or "none"' }), 'After the convs: a 3×3/2 max pool with padding 1 (max, the default) or none'),
        }),
      ],
      { error: 'expected "standard", "deep", "cifar" or { "convs": [...], "pool": "max" | "none" }' },
    ),
    'standard: 7×7/2 conv with 64 outputs and a 3×3/2 max pool; deep: three 3×3 convs of w, w, 2w (ResNet-C/D/S); cifar: one 3×3/1 conv of stemWidth outputs, no pool (He et al. 2016 §4.2); or the stem as data: { "convs": [{ "kernel", "stride", "channels" }, ...], "pool": "max" | "none" }',
  ),
  stemWidth: () => optional(channels('w of the deep stem; default 32')),
  downsample: () => optional(
    z.enum(SHORTCUT_KINDS, { error: `expected ${oneOf(SHORTCUT_KINDS)}` }),
    `Projection shortcut: ${inWords(SHORTCUT_KINDS.map((k) => SHORTCUTS[k].description))}`,
  ),
  strideIn1x1: () => optional(booleanField(), "ResNet v1: stride on the bottleneck's first 1×1 instead of its 3×3; default false"),
  replaceStrideWithDilation: () => optional(
    z.array(booleanField(), { error: 'expected an array of booleans' }).check(
      z.maxLength(LIMITS.stages, { error: `expected at most ${LIMITS.stages} flags` }),
    ),
    'One flag per stage after the first: dilate instead of striding (DeepLab)',
  ),
  inChannels: () => optional(channels('Input channels; default 3')),
  convBias: () => optional(
    z.union([booleanField(), z.literal('unnormalized')], { error: 'expected true, false or "unnormalized"' }),
    'Convs with a bias: true for every conv (Keras applications V1), "unnormalized" for those no BN follows (Keras V2); default false',
  ),
  naming: () => optional(
    z.enum(NAMING_KINDS, { error: `expected ${oneOf(NAMING_KINDS)}` }),
    'Layer names: torchvision module paths, timm\'s (its deep-stem and avg-pool variants) or Keras layer names (conv2_block1_1_conv; the shortcut first, as Keras runs it); default torchvision, or timm for those variants',
  ),
  classes: () => optional(
    z.int({ error: 'expected a whole number ≥ 0' }).check(
      z.minimum(0, { error: 'expected a whole number ≥ 0' }),
      z.maximum(LIMITS.channels, { error: `expected at most ${LIMITS.channels} (the documented limit)` }),
    ),
    'Classifier outputs; 0 means no classifier (the output is the pooled features); default 1000',
  ),
  headPool: () => optional(
    z.union([z.enum(['global', 'width', 'none']), dimension()], { error: 'expected "global", "width", "none" or a window size such as 4' }),
    'The pool before the classifier: global (adaptive average to 1×1, the default); width (a square window as wide as the last map, stride the window: akamaster\'s CIFAR ResNets, which take only maps with width ≤ height < 2 × width); or a number k, a fixed k×k window at stride k (kuangliu\'s F.avg_pool2d(out, 4)), which with a classifier takes only maps it pools to 1×1; or none: no head, the last stage\'s map is the output (a backbone; only with classes 0)',
  ),
  order: () => optional(
    z.enum(['post', 'pre'], { error: 'expected "post" or "pre"' }),
    'Block order: post (conv, BN, ReLU; a ReLU after the add: ResNet v1, the default) or pre (BN, ReLU, conv; nothing after the add; a projection shortcut branches from the first activation: He et al. 2016, "Identity Mappings")',
  ),
  stemNorm: () => optional(booleanField(), "The stem's BN and ReLU after its conv; default true (pre-activation networks such as kuangliu's PreActResNet have none)"),
  shortcutFrom: () => optional(
    z.enum(['input', 'preactivation'], { error: 'expected "input" or "preactivation"' }),
    "Where a pre-activation block's projection shortcut reads: preactivation (its first BN-ReLU, the default: He et al., kuangliu, Wide ResNet) or input (the block's input, as bearpaw's PreResNet); post-activation blocks read their input",
  ),
  headNorm: () => optional(booleanField(), "A BN and ReLU before the head's pool: a pre-activation network's last activation; default false"),
  strides: () => optional(
    z.array(positive('a positive integer', 64), { error: 'expected an array of strides' }).check(
      z.maxLength(LIMITS.stages, { error: `expected at most ${LIMITS.stages} strides` }),
    ),
    "Each stage's stride, one per stage, e.g. [2, 2, 2, 1] for Keras V2; default 1 for the first stage, 2 for the others",
  ),
  strideAt: () => optional(
    z.enum(['first', 'last'], { error: 'expected "first" or "last"' }),
    "Which block of a stage strides: first (torchvision, the default) or last (Keras ResNetV2)",
  ),
  strideShortcut: () => optional(
    z.enum(['projection', 'maxpool'], { error: 'expected "projection" or "maxpool"' }),
    "The shortcut of a block that strides without changing channels: projection (the downsample form, the default) or maxpool (a 1×1 max pool at the stride, no parameters: Keras ResNetV2)",
  ),
  input: () => optional(
    z.tuple([dimension(), dimension(), dimension(), dimension()], { error: 'expected [N, C, H, W], e.g. [1, 3, 32, 32]' }),
    'The input traced when none is given, e.g. [1, 3, 32, 32] for CIFAR; default [1, inChannels, 224, 224]',
  ),
  se: () => optional(
    z.strictObject(
      {
        reduction: described(positive('a positive integer', LIMITS.channels), 'The squeeze: a block output of C channels is squeezed to C / reduction (16 in SENet and timm)'),
        divisor: optional(
          positive('a positive integer', LIMITS.channels),
          "Round the squeezed channels to the nearest multiple of it, at least it (timm's make_divisible; 8 in timm); absent: floor(C / reduction), as Hu et al.",
        ),
      },
      { error: 'expected an object { "reduction": 16, "divisor": 8 }' },
    ),
    "Squeeze-and-excitation in every block, on its output before the residual add (timm's SEModule: mean, 1×1 conv with bias, ReLU, 1×1 conv with bias, sigmoid, multiply); default none",
  ),
});

/** The fields of a config file: the model's, and the preset or file it extends. */
const configFields = lazily({
  ...configFieldsWith(once(() => positive('a positive integer', LIMITS.inputDim))),
  extends: () =>
    optional(
      z.string({ error: 'expected a preset name or a config file' }),
      'A preset (e.g. "resnet50") or a config file (relative to this one, e.g. "base.json") to start from; the fields here override it',
    ),
});

/** A file either extends a preset or names its own block and layers. */
const requireOwnArchitecture = once(() =>
  z.superRefine((value: { extends?: string | undefined; block?: unknown; layers?: unknown }, ctx) => {
    if (value.extends !== undefined) {
      if (!PRESET_NAMES.includes(value.extends) && !/\.json$/i.test(value.extends)) {
        ctx.addIssue({
          code: 'custom',
          path: ['extends'],
          input: value.extends,
          message: `expected a preset name (${PRESET_NAMES.join(', ')}) or a config file ending in .json`,
        });
      }
      return;
    }
    for (const key of ['block', 'layers'] as const) {
      if (value[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], input: undefined, message: 'required unless the file extends a preset' });
      }
    }
  }),
);

const configObject = strictObjectOf(configFields, {}, (o) => o.check(requireOwnArchitecture()));

export const configSchema = once(() =>
  described(configObject.whole(), 'A resnet-shapes model config: a ResNet described as data, or a preset it extends with overrides'),
);

/** A schema to parse this value as a config file with: `configSchema`'s checks for the fields it has. */
export const configSchemaFor = (value: unknown): ReturnType<typeof configSchema> => configObject.parsing(value);

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

const SIZE_FORMS = 'expected bytes, or a size with a unit: B, KB, MB, GB, TB (10^3…) or KiB, MiB, GiB, TiB (2^10…), such as "24GiB" or "80GB"';

// the forms of a whole number, shared by the unions (each union is described on its own)
const wholeNumber = once(() => z.int({ error: 'expected a whole number' }).check(z.minimum(0, { error: 'expected a whole number ≥ 0' })));
const digits = once(() => z.string().check(z.regex(/^\d+$/, { error: 'expected a whole number (digits in a string for values above 2^53)' })));
const bigInt = () => z.union([wholeNumber(), digits()]);
// one schema for the fields without a description of their own
const anyBigInt = once(bigInt);
const atLeastOneWhole = once(() => z.minimum(1, { error: 'expected a whole number ≥ 1' }));
const checkDim = once(() =>
  z.int({ error: 'expected a whole number ≥ 1' }).check(
    atLeastOneWhole(),
    z.maximum(LIMITS.inputDim, { error: `expected at most ${LIMITS.inputDim} (the documented limit)` }),
  ),
);
const sizeForms = once(
  () =>
    [
      z.int({ error: SIZE_FORMS }).check(z.minimum(1, { error: SIZE_FORMS })),
      z.string({ error: SIZE_FORMS }).check(z.regex(/^\s*\d+(\.\d+)?\s*([kmgtKMGT]i?[bB]|[bB])?\s*$/, { error: SIZE_FORMS })),
    ] as const,
);
const memorySize = () => described(z.union(sizeForms(), { error: SIZE_FORMS }), 'Bytes, or a string with a unit: "24GiB" = 24·2^30, "80GB" = 80·10^9');

const expectObject = strictObjectOf(
  lazily({
    output: () =>
      optional(
        z.array(z.union([checkDim(), z.literal('N')]), { error: 'expected a shape, e.g. [10, 1000]' }).check(
          z.maxLength(8, { error: 'expected a shape of at most 8 dimensions' }),
        ),
        'The exact output shape',
      ),
    params: () => optional(bigInt(), 'Exact total params'),
    macs: () => optional(bigInt(), 'Exact total mult-adds (per sample with a symbolic batch)'),
    maxParams: () => optional(bigInt(), 'Total params must not exceed this'),
    maxMacs: () => optional(bigInt(), 'Total mult-adds must not exceed this'),
    maxTrainingMemory: () => optional(memorySize(), 'Peak bytes of a training step (see "training") must not exceed this'),
    maxInferenceMemory: () => optional(memorySize(), 'Parameters, input and peak activations of a no-grad forward must not exceed this'),
    minFinalSpatial: () =>
      optional(
        z.int({ error: 'expected a whole number ≥ 1' }).check(atLeastOneWhole()),
        'Height and width of the last feature map (before the global pool) must both be at least this',
      ),
    counts: () =>
      optional(
        z.strictObject(Object.fromEntries(COUNT_NAMES.map((name) => [name, z.optional(anyBigInt())])) as Record<CountName, z.ZodMiniOptional<ReturnType<typeof anyBigInt>>>, {
          error: `expected an object of counts by convention (${COUNT_NAMES.join(', ')})`,
        }),
        'Exact totals by counting convention, e.g. {"fvcore": 4111512576}',
      ),
    paramCounts: () =>
      optional(
        z.strictObject(
          { pytorch: z.optional(anyBigInt()), keras: z.optional(anyBigInt()), paddle: z.optional(anyBigInt()) },
          { error: 'expected an object of pytorch, keras and paddle' },
        ),
        'Exact parameter totals as each framework reports them',
      ),
  }),
  { error: 'expected an object of expectations' },
  (o) => described(o, 'What the trace must show; every field is optional'),
);

const checkObject = strictObjectOf(
  lazily({
    ...configFields,
    input: () =>
      described(
        z.tuple([z.union([checkDim(), z.literal('N')]), checkDim(), checkDim(), checkDim()], { error: 'expected [N, C, H, W], e.g. [10, 3, 224, 224]' }),
        'Input shape [N, C, H, W]; the batch may be "N" (symbolic)',
      ),
    expect: expectObject,
    training: () =>
      z.optional(
        described(
          z.strictObject(
            {
              optimizer: z.optional(z.enum(OPTIMIZERS, { error: `expected ${oneOf(OPTIMIZERS)}` })),
              weightDecay: z.optional(z.number({ error: 'expected a number ≥ 0' }).check(z.minimum(0, { error: 'expected a number ≥ 0' }))),
              dtype: z.optional(z.enum(DTYPES, { error: `expected ${oneOf(DTYPES)}` })),
            },
            { error: 'expected an object' },
          ),
          'How the memory expectations train: optimizer (default momentum), weightDecay (0), dtype (float32)',
        ),
      ),
  }),
  { required: ['input', 'expect'] },
  (o) => o.check(requireOwnArchitecture()),
);

export const checkSchema = once(() => described(checkObject.whole(), 'A resnet-shapes check file: a model, an input and what to expect'));

/** A schema to parse this value as a check file with: `checkSchema`'s checks for the fields it has. */
export const checkSchemaFor = (value: unknown): ReturnType<typeof checkSchema> => checkObject.parsing(value);

// ---------------------------------------------------------------------------------------------
// The trace document (`--format json`), schemaVersion 1. Objects are open: keys may be added.

function buildTraceSchema() {
  const jsonInt = () => z.union([z.int().check(z.minimum(0)), z.string().check(z.regex(/^\d+$/))]);
  const int = (description?: string) => described(jsonInt(), description ?? 'An integer; above 2^53 − 1 a decimal string with every digit');
  const shapeDoc = described(z.array(z.union([z.int().check(z.minimum(0)), z.literal('N')])), 'A shape; "N" is a symbolic batch');
  const nullableShape = () => z.union([z.array(z.int().check(z.minimum(0))), z.null()]);
  // an integer as `int` writes it (a decimal string above 2^53 − 1), a half pixel, or null
  const nullableNumber = (description: string) => optional(z.union([z.number(), jsonInt(), z.null()]), description);
  return described(
    z.looseObject({
      schemaVersion: z.literal(1),
      model: z.looseObject({ name: z.string(), block: z.enum(BLOCK_KINDS), layers: z.array(z.int()) }),
      input: shapeDoc,
      output: shapeDoc,
      layers: z.array(
        z.looseObject({
          name: described(z.string(), 'PyTorch module path'),
          paddleName: z.union([z.string(), z.null()]),
          type: z.enum(KIND_NAMES),
          input: shapeDoc,
          output: shapeDoc,
          weight: described(nullableShape(), 'PyTorch layout: conv [out, in/groups, kh, kw], linear [out, in]'),
          bias: nullableShape(),
          params: int(),
          macs: int("torchvision's convention: conv and linear only"),
          activationBytes: optional(jsonInt(), 'Bytes this row keeps for backward (first keeper of a shared tensor)'),
          receptiveField: nullableNumber('Receptive field size in input pixels (above 2^53 − 1 a decimal string); null from the global pool on'),
          effectiveStride: nullableNumber('Input pixels between neighbouring outputs (above 2^53 − 1 a decimal string)'),
          receptiveFieldCenter: nullableNumber('Centre of the first output pixel in input coordinates (a half pixel after an even window at jump 1)'),
          count: optional(jsonInt(), "With --count: the chosen convention's figure for this row"),
        }),
      ),
      totals: z.looseObject({
        params: int(),
        trainableParams: int(),
        bnRunningStats: int(),
        macs: int(),
        perSample: described(z.boolean(), 'True with a symbolic batch: batch-dependent totals are per sample'),
      }),
      memory: optional(
        z.looseObject({
          dtype: z.enum(DTYPES),
          optimizer: z.enum(OPTIMIZERS),
          weightDecay: z.number(),
          perSample: described(z.boolean(), 'True with a symbolic batch: the figures are at N = 1'),
          params: int('Parameters and buffers, bytes'),
          gradients: int(),
          optimizerState: int(),
          input: int('The input batch and the class targets'),
          activations: int('Kept for backward after the forward pass, plus the output and the loss'),
          allocatorSlack: int("Bytes the CUDA caching allocator hands out beyond them: blocks it does not split (what memory_allocated counts after the forward is activations + allocatorSlack)"),
          optimizerTemporaries: int("Temporaries of PyTorch's foreach optimizer step"),
          cudaWorkspaces: int('cuBLAS and cuBLASLt workspaces'),
          trainingPeak: int('Peak bytes allocated during one training step, everything included'),
          trainingPeakPhase: z.enum(['forward', 'backward', 'optimizer']),
          inferencePeak: int('Peak bytes of activations alive in a no-grad forward'),
        }),
        'CUDA allocator bytes (multiples of 512) of a training step and an inference pass',
      ),
      counts: optional(
        z.looseObject(Object.fromEntries(COUNT_NAMES.map((name) => [name, jsonInt()])) as Record<CountName, ReturnType<typeof jsonInt>>),
        'What each counting tool reports for this network and input (resnet-shapes --format counts explains the differences)',
      ),
      countConvention: optional(z.enum(COUNT_NAMES), 'With --count: the convention of the rows\' count field'),
      paramCounts: optional(
        z.looseObject({ pytorch: int('PyTorch: parameters (BatchNorm statistics are buffers)'), keras: int('Keras model.summary() total: BatchNorm moving mean and variance are non-trainable params'), paddle: int('paddle.summary total: BatchNorm mean and variance counted') }),
        'Total parameters as each framework reports them',
      ),
      torchinfoSizes: optional(
        z.looseObject({ paramsMB: described(z.string(), 'torchinfo "Params size (MB)"'), forwardBackwardMB: described(z.string(), 'torchinfo "Forward/backward pass size (MB)"') }),
        "torchinfo's size lines (10^6 bytes, two decimals)",
      ),
      groups: optional(
        z.array(
          z.looseObject({
            name: z.string(),
            kind: z.enum(['stem', 'stage', 'block', 'head', 'layer']),
            input: shapeDoc,
            output: shapeDoc,
            params: int(),
            macs: int(),
            rows: described(z.tuple([z.int(), z.int()]), 'First and last index into layers[]'),
          }),
        ),
        'With --depth: the stem, each stage or block, the head',
      ),
      fit: optional(
        z.looseObject({ maxBatch: z.int().check(z.minimum(0)), mode: z.enum(MEMORY_MODES), budgetBytes: int(), bytesAtMaxBatch: int() }),
        'With --fit: the largest batch whose memory fits the budget',
      ),
    }),
    'The resnet-shapes trace document (--format json)',
  );
}

export const traceSchema = once(buildTraceSchema);

export const SCHEMAS = {
  config: { schema: configSchema, title: 'resnet-shapes model config' },
  check: { schema: checkSchema, title: 'resnet-shapes check file' },
  trace: { schema: traceSchema, title: 'resnet-shapes trace document' },
} as const;

export type SchemaName = keyof typeof SCHEMAS;

/** The trace document (`--format json`), as its schema describes it. */
export type TraceDocument = z.output<ReturnType<typeof traceSchema>>;
export type RowDocument = TraceDocument['layers'][number];

// zod schemas of the files users write (config and check files) and of the trace document, and
// the one formatter that turns a zod issue into `field.path: expected ..., got ...`. Pure (no
// I/O): the CLI, the library and the web page validate with the same schemas. Each schema is
// built when first used. A config's fields are in config.ts.

import * as z from './zod-runtime.js';
import { COUNT_NAMES, type CountName } from '../analysis/counts.js';
import { TYPE_NAMES } from '../analysis/kinds.js';
import { DTYPES, MEMORY_MODES, OPTIMIZERS } from '../analysis/memory.js';
import { BLOCK_KINDS } from '../network/designs.js';
import { PRESET_NAMES, presetName } from '../network/presets.js';
import { LIMITS, oneOf } from '../network/fields.js';
import { modelFields, shown } from './config.js';
import { fieldPath } from './path.js';
import { described, once } from './zod.js';
import { nearest } from '../nearest.js';

export { fieldPath };

/** A config file's own fields: the model's, and the preset or file it extends. */
const fileFields = () => {
  const model = modelFields();
  const optional = Object.fromEntries(Object.entries(model).map(([k, schema]) => [k, z.optional(schema)])) as { [K in keyof typeof model]: z.ZodMiniOptional<(typeof model)[K]> };
  return {
    $schema: z.optional(described(z.string({ error: 'expected a string' }), 'JSON Schema of this file, for editors')),
    description: z.optional(
      described(
        z.string({ error: 'expected a string' }).check(z.maxLength(1000, { error: 'expected a description of at most 1,000 characters' })),
        'What the model is, in words (shown by --list for presets)',
      ),
    ),
    ...optional,
    extends: z.optional(
      described(
        z.string({ error: 'expected a preset name or a config file' }),
        'A preset (e.g. "resnet50") or a config file (relative to this one, e.g. "base.json") to start from; the fields here override it',
      ),
    ),
  };
};

/** A file either extends a preset or names its own block and layers. */
const requireOwnArchitecture = () =>
  z.superRefine((value: { extends?: string | undefined; block?: unknown; layers?: unknown }, ctx) => {
    if (value.extends !== undefined) {
      if (presetName(value.extends) === undefined && !/\.json$/i.test(value.extends)) {
        const near = nearest(value.extends, PRESET_NAMES);
        ctx.addIssue({
          code: 'custom',
          path: ['extends'],
          input: value.extends,
          message: `expected a preset name${near ? ` (did you mean ${JSON.stringify(near)}? --list names every preset)` : ' (--list names every preset)'} or a config file ending in .json`,
        });
      }
      return;
    }
    for (const key of ['block', 'layers'] as const) {
      if (value[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], input: undefined, message: 'required unless the file extends a preset' });
      }
    }
  });

export const configSchema = once(() =>
  described(z.strictObject(fileFields()).check(requireOwnArchitecture()), 'A resnet-shapes model config: a ResNet described as data, or a preset it extends with overrides'),
);


/** The field names an object schema has at `path` (through optionals, arrays and unions), for suggestions. */
export function fieldsAt(schema: z.ZodMiniType, path: readonly PropertyKey[]): string[] {
  type Def = { type: string; shape?: Record<string, z.ZodMiniType>; innerType?: z.ZodMiniType; element?: z.ZodMiniType; options?: z.ZodMiniType[] };
  const defOf = (s: z.ZodMiniType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
  const objects = (s: z.ZodMiniType): Def[] => {
    const def = defOf(s);
    if (def.type === 'optional' && def.innerType) return objects(def.innerType);
    if (def.type === 'union' && def.options) return def.options.flatMap(objects);
    return def.type === 'object' ? [def] : [];
  };
  let current: z.ZodMiniType[] = [schema];
  for (const key of path) {
    current = current.flatMap((s) => {
      const def = defOf(s);
      if (def.type === 'optional' && def.innerType) return [def.innerType];
      return [s];
    });
    current = current.flatMap((s) => {
      const def = defOf(s);
      if (typeof key === 'number') return def.type === 'array' && def.element ? [def.element] : [];
      return objects(s).flatMap((o) => (o.shape && Object.hasOwn(o.shape, key) ? [o.shape[key as string]!] : []));
    });
  }
  return [...new Set(current.flatMap((s) => objects(s).flatMap((o) => Object.keys(o.shape ?? {}))))];
}

/** One sentence per zod issue: the field path, what was expected, what was found. */
export function formatZodIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = [], schema?: z.ZodMiniType): string {
  const path = fieldPath([...prefix, ...issue.path]);
  const where = path === '' ? 'the file' : path;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k));
    const shownKeys = keys.length > 3 ? `${keys.slice(0, 3).join(', ')} and ${keys.length - 3} more` : keys.join(', ');
    const near = schema && issue.keys.length === 1 ? nearest(issue.keys[0]!, fieldsAt(schema, [...prefix, ...issue.path])) : null;
    return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${shownKeys}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`;
  }
  if ((issue.code === 'invalid_type' || issue.code === 'custom') && issue.input === undefined) {
    return `${where}: required field is missing (${issue.message})`;
  }
  if (issue.code === 'invalid_type' && path === '') {
    return `expected a JSON object, got ${shown(issue.input)}`;
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // report the branch that got furthest into the value; where none got past the value itself
    // (a number where a name or an object goes), the union's own sentence says what it takes
    const reach = (branch: readonly z.core.$ZodIssue[]) => Math.max(...branch.map((i) => i.path.length + (i.code === 'unrecognized_keys' ? 1 : 0)));
    const best = issue.errors.reduce((a, b) => (reach(b) > reach(a) ? b : a));
    if (best[0] && reach(best) > 0) return formatZodIssue(best.find((i) => i.path.length + (i.code === 'unrecognized_keys' ? 1 : 0) === reach(best))!, [...prefix, ...issue.path], schema);
  }
  return `${where}: ${issue.message}, got ${shown(issue.input)}`;
}

/**
 * The sentence for a value's issues: the first one's, and where an unknown field stands beside a
 * missing one (a misspelt required field), both; `(and N more)` for the rest. Also the path of
 * the field it names first.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodMiniType): { readonly message: string; readonly path: readonly PropertyKey[] } {
  const first = issues[0]!;
  const at = (i: z.core.$ZodIssue) => (i.code === 'unrecognized_keys' ? [...i.path, i.keys[0]!] : i.path);
  const unknown = issues.find((i) => i.code === 'unrecognized_keys');
  const missing = issues.find((i) => (i.code === 'invalid_type' || i.code === 'custom') && i.input === undefined && i.path.length > 0);
  const paired = unknown && missing && fieldPath(unknown.path) === fieldPath(missing.path.slice(0, -1));
  const told = paired ? [unknown, missing] : [first];
  const rest = issues.length - told.length;
  const sentence = paired
    ? `${formatZodIssue(unknown, [], schema)}, and required field ${JSON.stringify(fieldPath(missing.path))} is missing`
    : formatZodIssue(first, [], schema);
  return { message: `${sentence}${rest > 0 ? ` (and ${rest} more)` : ''}`, path: at(told[0]!) };
}

// ---------------------------------------------------------------------------------------------
// Check files: a model config with an input and what to expect of its trace.

const SIZE_FORMS = 'expected bytes, or a size with a unit: B, KB, MB, GB, TB (10^3…) or KiB, MiB, GiB, TiB (2^10…), such as "24GiB" or "80GB"';

const wholeNumber = () => z.int({ error: 'expected a whole number' }).check(z.minimum(0, { error: 'expected a whole number ≥ 0' }));
// at most 100 digits: far above any count or size (10^40 bytes), and an echo stays short
const digits = () =>
  z.string().check(
    z.regex(/^\d+$/, { error: 'expected a whole number (digits in a string for values above 2^53)' }),
    z.maxLength(100, { error: 'expected a whole number of at most 100 digits' }),
  );
const bigInt = () => z.union([wholeNumber(), digits()]);
const INPUT_SHAPES = 'expected [N, C, H, W], e.g. [10, 3, 224, 224] (a clip [N, C, T, H, W], a signal [N, C, L])';
const checkDim = () =>
  z.int({ error: 'expected a whole number ≥ 1' }).check(
    z.minimum(1, { error: 'expected a whole number ≥ 1' }),
    z.maximum(LIMITS.inputDim, { error: `expected at most ${LIMITS.inputDim} (the documented limit)` }),
  );
const memorySize = () =>
  described(
    z.union(
      [
        z.int({ error: SIZE_FORMS }).check(z.minimum(1, { error: SIZE_FORMS })),
        // a string of digits alone is bytes: JSON numbers lose digits above 2^53
        z.string({ error: SIZE_FORMS }).check(z.regex(/^\s*\d+(\.\d+)?\s*([kmgtKMGT]i?[bB]|[bB])?\s*$/, { error: SIZE_FORMS }), z.maxLength(100, { error: 'expected a size of at most 100 characters' })),
      ],
      { error: SIZE_FORMS },
    ),
    'Bytes (a number, or a string of digits for sizes above 2^53), or a string with a unit: "24GiB" = 24·2^30, "80GB" = 80·10^9',
  );

const expectFields = () => {
  // one schema serves every count (they carry no description of their own): 17 counts built once
  const count = z.optional(bigInt());
  return {
  output: z.optional(
    described(
      z.array(z.union([checkDim(), z.literal('N')]), { error: 'expected a shape, e.g. [10, 1000]' }).check(z.maxLength(8, { error: 'expected a shape of at most 8 dimensions' })),
      'The exact output shape',
    ),
  ),
  params: z.optional(described(bigInt(), 'Exact total params')),
  macs: z.optional(described(bigInt(), 'Exact total mult-adds (per sample with a symbolic batch)')),
  maxParams: z.optional(described(bigInt(), 'Total params must not exceed this')),
  maxMacs: z.optional(described(bigInt(), 'Total mult-adds must not exceed this')),
  maxTrainingMemory: z.optional(described(memorySize(), 'Peak bytes of a training step (see "training") must not exceed this')),
  maxInferenceMemory: z.optional(described(memorySize(), 'Parameters, input and peak activations of a no-grad forward must not exceed this')),
  minFinalSpatial: z.optional(
    described(
      z.int({ error: 'expected a whole number ≥ 1' }).check(z.minimum(1, { error: 'expected a whole number ≥ 1' })),
      'Height and width of the last feature map (before the global pool) must both be at least this',
    ),
  ),
  counts: z.optional(
    described(
      z.strictObject(Object.fromEntries(COUNT_NAMES.map((name) => [name, count])) as Record<CountName, typeof count>, {
        error: `expected an object of counts by convention (${COUNT_NAMES.join(', ')})`,
      }),
      'Exact totals by counting convention, e.g. {"fvcore": 4111512576}',
    ),
  ),
  paramCounts: z.optional(
    described(
      z.strictObject(
        { pytorch: count, keras: count, paddle: count, bnFolded: count },
        { error: 'expected an object of pytorch, keras, paddle and bnFolded' },
      ),
      'Exact parameter totals as each framework reports them',
    ),
  ),
  };
};

export const checkSchema = once(() =>
  described(
    z
      .strictObject({
        ...fileFields(),
        input: z.optional(
          described(
            // N, C and one size per spatial axis (one to three): one schema per position kind
            ((dim) =>
              z
                .tuple([z.union([dim, z.literal('N')]), dim, dim], dim, { error: INPUT_SHAPES })
                .check(z.maxLength(5, { error: INPUT_SHAPES })))(checkDim()),
            "Input shape [N, C, H, W] (a video network's [N, C, T, H, W], a 1-d network's [N, C, L]); the batch may be \"N\" (symbolic); default the model's own input (a preset's, or its config's input, else [1, inChannels, 224, 224])",
          ),
        ),
        expect: described(z.strictObject(expectFields(), { error: 'expected an object of expectations' }), 'What the trace must show; every field is optional'),
        training: z.optional(
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
      })
      .check(requireOwnArchitecture()),
    'A resnet-shapes check file: a model, an input and what to expect',
  ),
);

// ---------------------------------------------------------------------------------------------
// The trace document (`--format json`), schemaVersion 1. Objects are open: keys may be added.

/** Optional, with a description. */
const optional = <T extends z.ZodMiniType>(schema: T, description: string) => z.optional(described(schema, description));

function buildTraceSchema() {
  const jsonInt = () => z.union([z.int().check(z.minimum(0)), z.string().check(z.regex(/^\d+$/))]);
  const int = (description?: string) => described(jsonInt(), description ?? 'An integer; above 2^53 − 1 a decimal string with every digit');
  // a formula of the input's height H and width W (--input with H or W): floors of affine forms,
  // their quotients and products, and sums of those (mult-adds)
  const formula = () => z.string().check(z.regex(/^[\dHW+−·⌊⌋⌈⌉()/ ]+$/));
  const shapeDoc = described(
    z.array(z.union([z.int().check(z.minimum(0)), z.literal('N'), formula()])),
    'A shape; "N" is a symbolic batch; with H or W in --input, a side is a formula such as "⌊(H+1)/2⌋"',
  );
  const intOrFormula = (description: string) => described(z.union([jsonInt(), formula()]), description);
  // Σ coefficient × Π factors, each factor a number or { of, add, divide } = ⌊(side + add)/divide⌋
  // (or a quotient or product of such): a script evaluates it without parsing the formula
  const terms = (description: string) => optional(z.array(z.looseObject({ coefficient: z.union([z.int(), z.string().check(z.regex(/^-?\d+$/))]), factors: z.array(z.unknown()) })), description);
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
          type: z.enum(TYPE_NAMES),
          input: shapeDoc,
          output: shapeDoc,
          weight: described(nullableShape(), 'PyTorch layout: conv [out, in/groups, kh, kw], linear [out, in]'),
          bias: nullableShape(),
          params: int(),
          macs: intOrFormula("torchvision's convention: conv and linear only; with H or W in --input a formula"),
          macsTerms: terms('With H or W in --input: the mult-adds as terms (Σ coefficient × Π factors)'),
          activationBytes: optional(z.union([jsonInt(), formula()]), 'Bytes this row keeps for backward (first keeper of a shared tensor); with H or W in --input a formula'),
          receptiveField: nullableNumber('Receptive field size in input pixels (above 2^53 − 1 a decimal string); null from the global pool on'),
          effectiveStride: nullableNumber('Input pixels between neighbouring outputs (above 2^53 − 1 a decimal string)'),
          receptiveFieldCenter: nullableNumber('Centre of the first output pixel in input coordinates (a half pixel after an even window at jump 1)'),
          receptiveFieldAxes: optional(
            z.union([z.null(), z.array(z.tuple([jsonInt(), jsonInt(), z.number()]))]),
            "A clip's or a signal's receptive field per spatial axis (frames, height, width; or length), each [size, effective stride, centre]; null from the global pool on; absent for an image network (its windows are square: the three figures above are its height's and its width's). The three figures above are a clip's height's",
          ),
          count: optional(jsonInt(), "With --count: the chosen convention's figure for this row"),
        }),
      ),
      totals: z.looseObject({
        params: int(),
        trainableParams: int(),
        bnRunningStats: int(),
        macs: intOrFormula('Total mult-adds; with H or W in --input a formula'),
        macsTerms: terms('With H or W in --input: the total as terms (Σ coefficient × Π factors)'),
        perSample: described(z.boolean(), 'True with a symbolic batch: batch-dependent totals are per sample'),
      }),
      symbolic: optional(
        z.looseObject({ height: z.boolean(), width: z.boolean(), representative: z.array(z.int()) }),
        'With H or W in --input: which sides are symbols, and the input whose trace gives the weights',
      ),
      valid: optional(z.record(z.string(), z.array(z.tuple([z.union([z.int(), z.string()]), z.union([z.int(), z.string(), z.null()])]))), 'With H or W in --input: the sizes each symbolic side takes ([from, to], to null when unbounded), the other side at the representative'),
      conditions: optional(z.array(z.looseObject({ layer: z.string(), condition: z.string() })), 'With H or W in --input: the conditions under which the network runs, each with its layer'),
      memoryFormulas: optional(
        z.looseObject({
          dtype: z.enum(DTYPES),
          optimizer: z.enum(OPTIMIZERS),
          weightDecay: z.number(),
          perSample: z.boolean(),
          params: int('Parameters and buffers, bytes (any size)'),
          gradients: int(),
          optimizerState: int(),
          activations: intOrFormula('Kept for backward, plus the output and the loss, in CUDA allocator bytes: a formula (512·⌈x/512⌉ rounds x up to 512-byte blocks)'),
          activationsTerms: terms('The activations as terms; a term with roundUpTo r (and times t) is t × r·⌈coefficient·Π factors / r⌉'),
        }),
        "With H or W in --input: the memory model's figures that formulas give (the peaks need sizes)",
      ),
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
        z.looseObject(Object.fromEntries(COUNT_NAMES.map((name) => [name, z.union([jsonInt(), z.null()])])) as Record<CountName, z.ZodMiniUnion<[ReturnType<typeof jsonInt>, z.ZodMiniNull]>>),
        'What each counting tool reports for this network and input (resnet-shapes --format counts explains the differences); null where the tool cannot run on the network (countFailures says why)',
      ),
      countFailures: optional(
        z.record(z.string(), z.string()),
        'Where a counting tool cannot run on the network (it fails, printing no figure): the convention and why; its count is null',
      ),
      countConvention: optional(z.enum(COUNT_NAMES), 'With --count: the convention of the rows\' count field'),
      paramCounts: optional(
        z.looseObject({ pytorch: int('PyTorch: parameters (BatchNorm statistics are buffers)'), keras: int('Keras model.summary() total: BatchNorm moving mean and variance are non-trainable params'), paddle: int('paddle.summary total: BatchNorm mean and variance counted'), bnFolded: int('An exported model with each BatchNorm folded into the conv before it (when nothing else reads that conv): the count ONNX export tools and OpenVINO print') }),
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

// The command line: commander parses and validates, the core computes, printers write.
// The only I/O of the project goes through `Io`, so `main` runs in-process in tests too.

import { existsSync } from 'node:fs';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { formatIssue, shapeJson, shapeText } from '../format/common.js';
import { intChunk, jsonChunks, SCHEMA_VERSION } from '../format/json.js';
import { logLines } from '../format/log.js';
import { fitJson, fitLine, memoryJson, memoryLines } from '../format/memory.js';
import { COLUMN_NAMES, COLUMNS, DEFAULT_COLUMNS, formatGroupTable, tableLines } from '../format/table.js';
import { fitBatch } from '../analysis/fit.js';
import { groupTrace, type Depth, type Group } from '../analysis/groups.js';
import { estimateMemory, type Dtype, type MemoryMode, type MemoryOptions, type Optimizer } from '../analysis/memory.js';
import { ReceptiveFieldTable } from '../analysis/receptive.js';
import { traceShapes } from '../analysis/trace.js';
import { scaled, toJsonValue } from '../int.js';
import { expandResNet } from '../network/expand.js';
import { PRESET_NAMES, presetConfig } from '../network/presets.js';
import type { ModelConfig, Trace } from '../types.js';
import {
  parseClasses,
  parseFit,
  parseInput,
  parseLayers,
  parseOutputStride,
  parseWeightDecay,
  type InputArg,
} from './args.js';
import { colorLevel, highlighter } from './color.js';
import { EXIT, UsageError, type ExitCode } from './exit.js';
import { resolveModel, type ModelOptions } from './model.js';

export interface Io {
  /** Data: stdout. */
  readonly out: (chunk: string) => void;
  /** Diagnostics: stderr. */
  readonly err: (chunk: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
}

export const DEFAULT_INPUT: InputArg = { shape: [1, 3, 224, 224], symbolicBatch: false };

const FORMATS = ['log', 'table', 'json', 'dot', 'mermaid'] as const;
const DEPTHS = ['stage', 'block', 'layer'] as const;
const DTYPES = ['float32', 'bfloat16', 'float16'] as const;
const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adamw'] as const;
type Format = (typeof FORMATS)[number];

interface TraceOptions extends ModelOptions {
  readonly input?: InputArg;
  readonly format: Format;
  readonly dtype: Dtype;
  readonly optimizer: Optimizer;
  readonly weightDecay: number;
  readonly fit?: number;
  readonly mode: MemoryMode;
  readonly depth?: Depth;
  readonly columns?: readonly string[];
  readonly list?: boolean;
  readonly color: boolean;
  readonly quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ resnet-shapes --layers 50 --input 10,3,224,224 --classes 1
      the notes' per-layer trace of ResNet-50 (Paddle names, shapes, weights)
  $ resnet-shapes --arch resnext50_32x4d --input 1,3,97,61 --format table
      a table with PyTorch module paths, params and mult-adds at 97×61
  $ resnet-shapes --layers 152 --format json | jq '.totals'
      totals for scripts (schemaVersion ${SCHEMA_VERSION})
  $ resnet-shapes --config my-resnet.json --output-stride 16
      your own network from a config file, dilated as DeepLab does
  $ resnet-shapes --layers 152 --input 64,3,224,224 --format table --fit 24GiB
      the memory of a training step at batch 64, and the largest batch a 24 GiB card takes
  $ resnet-shapes --layers 50 --format mermaid --depth stage
      the network as a diagram (also --format dot for Graphviz)
  $ resnet-shapes --list
      every preset with its params and GMACs at 1×3×224×224

Mult-adds follow torchvision's convention: a conv counts output elements × in/groups × kh × kw,
a linear batch × in × out; BN, ReLU, pooling and the residual add count 0. FLOPs = 2 × mult-adds.

Exit codes: 0 ok, 1 a check failed, 2 usage, input or config error, 3 internal bug.`;

/** Writes generated text in large pieces: a huge trace streams, a small one is one write. */
function writeAll(io: Io, pieces: Iterable<string>): void {
  let buffer = '';
  for (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= 1 << 16) {
      io.out(buffer);
      buffer = '';
    }
  }
  if (buffer !== '') io.out(buffer);
}

function* withNewlines(lines: Iterable<string>): Generator<string> {
  for (const line of lines) yield `${line}\n`;
}

export function traceModel(config: ModelConfig, input: InputArg): Trace {
  const result = traceShapes(config, expandResNet(config), input.shape, { symbolicBatch: input.symbolicBatch });
  if (!result.ok) {
    throw new UsageError(`${formatIssue(result.issue)} (input ${shapeText(input.shape, input.symbolicBatch)}, model ${config.name})`);
  }
  return result.trace;
}

async function runTrace(opts: TraceOptions, io: Io): Promise<void> {
  if (opts.list) return listModels(io, opts.format);
  const config = await resolveModel(opts);
  if (config.block === 'basic' && config.strideIn1x1 && !opts.quiet) {
    io.err('warning: strideIn1x1 has no effect on basic blocks (they have no 1×1 conv)\n');
  }
  const input = opts.input ?? DEFAULT_INPUT;
  const trace = traceModel(config, input);
  const hl = await highlighter(colorLevel({ isTTY: io.stdoutIsTTY, env: io.env, flag: opts.color }));
  const memoryOptions: MemoryOptions = { dtype: opts.dtype, optimizer: opts.optimizer, weightDecay: opts.weightDecay };
  const memory = opts.format === 'json' || opts.format === 'table' ? estimateMemory(trace, memoryOptions) : null;
  const fit = opts.fit === undefined ? null : fitBatch(config, input.shape.slice(1), opts.fit, opts.mode, memoryOptions);
  const fitLines = fit ? [fitLine(fit)] : [];
  switch (opts.format) {
    case 'log':
      return writeAll(io, withNewlines(logLines(trace, hl, fitLines)));
    case 'json': {
      const rf = new ReceptiveFieldTable(trace.layers);
      return writeAll(
        io,
        jsonChunks(trace, {
          row: (i) => {
            const r = rf.at(i);
            const field = r ? `${r.size},"effectiveStride":${r.stride},"receptiveFieldCenter":${r.center}` : 'null,"effectiveStride":null,"receptiveFieldCenter":null';
            return `,"activationBytes":${intChunk(memory!.rows[i]!)},"receptiveField":${field}`;
          },
          top: {
            memory: memoryJson(memory!, memoryOptions, trace.symbolicBatch),
            ...(opts.depth ? { groups: groupTrace(trace, opts.depth).map(groupJson(trace.symbolicBatch)) } : {}),
            ...(fit ? { fit: fitJson(fit) } : {}),
          },
        }),
      );
    }
    case 'table': {
      const footer = [...memoryLines(memory!, memoryOptions, trace.symbolicBatch), ...fitLines];
      if (opts.depth === 'stage' || opts.depth === 'block') {
        return io.out(formatGroupTable(trace, groupTrace(trace, opts.depth), hl, { footer }));
      }
      const names = opts.columns ?? DEFAULT_COLUMNS;
      const columns = names.map((n) => COLUMNS.find((c) => c.name === n)!);
      const context = {
        receptiveFields: names.some((n) => ['rf', 'stride', 'center'].includes(n)) ? new ReceptiveFieldTable(trace.layers) : undefined,
        activationBytes: memory!.rows,
      };
      return writeAll(io, withNewlines(tableLines(trace, hl, { columns, context, footer })));
    }
    case 'dot':
    case 'mermaid': {
      const { buildGraph, graphSize, MAX_DIAGRAM_NODES } = await import('../format/graph.js');
      const { formatDot, formatMermaid } = await import('../format/diagram.js');
      const depth = opts.depth ?? 'block';
      const nodes = graphSize(trace, depth);
      if (nodes > MAX_DIAGRAM_NODES) {
        throw new UsageError(
          `--format ${opts.format}: the diagram would have ${nodes.toLocaleString('en-US')} nodes at --depth ${depth}, expected at most ${MAX_DIAGRAM_NODES.toLocaleString('en-US')}: fold it with --depth stage`,
        );
      }
      const graph = buildGraph(trace, depth);
      return io.out(opts.format === 'dot' ? formatDot(graph, config.name) : formatMermaid(graph));
    }
  }
}

async function listModels(io: Io, format: Format): Promise<void> {
  const rows: { name: string; params: number | bigint; macs: number | bigint; description: string }[] = [];
  for (const name of PRESET_NAMES) {
    const config = await resolveModel({ arch: name });
    const trace = traceModel(config, DEFAULT_INPUT);
    rows.push({ name, params: trace.totals.params, macs: trace.totals.macs, description: presetConfig(name)?.description ?? '' });
  }
  if (format === 'json') {
    const presets = rows.map((r) => ({ ...r, params: toJsonValue(r.params), macs: toJsonValue(r.macs) }));
    io.out(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, input: DEFAULT_INPUT.shape, presets }, null, 2)}\n`);
    return;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  io.out(`${'preset'.padEnd(width)}  ${'params'.padStart(11)}  ${'GMACs'.padStart(7)}  description (at 1×3×224×224, 1000 classes)\n`);
  for (const r of rows) {
    const gmacs = scaled(r.macs, 9, 3);
    io.out(`${r.name.padEnd(width)}  ${r.params.toLocaleString('en-US').padStart(11)}  ${gmacs.padStart(7)}  ${r.description}\n`);
  }
}

interface DiffOptions {
  readonly input: InputArg;
  readonly inputB?: InputArg;
  readonly format: 'text' | 'json';
  readonly exitCode?: boolean;
  readonly color: boolean;
}

/** A diff side: a config file when it looks like one, else a preset name. */
async function resolveSide(arg: string): Promise<ModelConfig> {
  const isFile = /\.json$/i.test(arg) || arg.includes('/') || existsSync(arg);
  return resolveModel(isFile ? { config: arg } : { arch: arg });
}

async function runDiff(a: string, b: string | undefined, opts: DiffOptions, io: Io): Promise<ExitCode> {
  const [ca, cb] = [await resolveSide(a), await resolveSide(b ?? a)];
  const ta = traceModel(ca, opts.input);
  const tb = traceModel(cb, opts.inputB ?? opts.input);
  const { diffTraces } = await import('../analysis/diff.js');
  const { formatDiffJson, formatDiffText } = await import('../format/diff.js');
  const diff = diffTraces(ta, tb);
  const sides = [
    { label: a, trace: ta },
    { label: b ?? a, trace: tb },
  ] as const;
  if (opts.format === 'json') io.out(formatDiffJson(sides[0], sides[1], diff));
  else {
    const hl = await highlighter(colorLevel({ isTTY: io.stdoutIsTTY, env: io.env, flag: opts.color }));
    io.out(formatDiffText(sides[0], sides[1], diff, hl));
  }
  return opts.exitCode && !diff.identical ? EXIT.checkFailed : EXIT.ok;
}

const REPORTER_NAMES = ['text', 'json', 'github', 'junit'] as const;

const COLUMN_LIST = COLUMN_NAMES.join(', ');

function parseColumns(text: string): string[] {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !COLUMN_NAMES.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`expected column names from ${COLUMN_LIST}, found '${unknown[0] ?? text}'`);
  }
  return names;
}

const groupJson =
  (sym: boolean) =>
  (g: Group): Record<string, unknown> => ({
    name: g.name,
    kind: g.kind,
    input: shapeJson(g.input, sym),
    output: shapeJson(g.output, sym),
    params: toJsonValue(g.params),
    macs: toJsonValue(g.macs),
    rows: g.rows,
  });
type ReporterName = (typeof REPORTER_NAMES)[number];

function buildProgram(io: Io, run: (p: Promise<ExitCode>) => void): Command {
  const program = new Command();
  program
    .name('resnet-shapes')
    .description(
      'Statically trace a ResNet: per-layer output, weight and bias shapes, params and mult-adds, for any input shape. No framework, no weights, no forward pass.',
    )
    .version(pkg.version, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: (s, write) => write(s.endsWith('\n') ? s : `${s}\n`),
    })
    .showSuggestionAfterError(true)
    .helpCommand(false);

  program
    .addOption(new Option('-l, --layers <depth>', 'torchvision ResNet depth: 18, 34, 50, 101 or 152 (resnetN)').argParser(parseLayers))
    .addOption(new Option('-a, --arch <name>', 'a preset by name (see --list)'))
    .addOption(new Option('-c, --config <file>', 'a model config file (JSON; see `schema config`)'))
    .addOption(
      new Option('-i, --input <N,C,H,W>', 'input shape; the batch may be N (symbolic)')
        .argParser(parseInput)
        .default(DEFAULT_INPUT, '1,3,224,224'),
    )
    .addOption(new Option('-k, --classes <n>', 'classifier outputs; 0 = no classifier (default: 1000, or the config file\'s)').argParser(parseClasses))
    .addOption(new Option('--stride-in-1x1', 'ResNet v1: stride on the first 1×1 conv of a bottleneck'))
    .addOption(new Option('--output-stride <8|16|32>', 'dilate the last stages as DeepLab does').argParser(parseOutputStride))
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('log'))
    .addOption(new Option('-d, --depth <depth>', 'fold the table and diagrams by stage or block (JSON: adds groups[]); diagrams default to block').choices(DEPTHS))
    .addOption(new Option('--columns <names>', `table columns, comma-separated: ${COLUMN_LIST}`).argParser(parseColumns))
    .addOption(new Option('--dtype <dtype>', 'activations: float32, or bfloat16/float16 autocast (fp32 master weights)').choices(DTYPES).default('float32'))
    .addOption(new Option('--optimizer <name>', 'optimizer whose state the memory model counts').choices(OPTIMIZERS).default('momentum'))
    .addOption(new Option('--weight-decay <x>', 'weight decay (foreach SGD and Adam then copy the gradients)').argParser(parseWeightDecay).default(0))
    .addOption(new Option('--fit <size>', 'largest batch whose memory fits SIZE (24GiB = 24·2^30 bytes, 80GB = 80·10^9)').argParser(parseFit))
    .addOption(new Option('--mode <mode>', 'what --fit budgets: a training step or inference').choices(['train', 'infer']).default('train'))
    .addOption(new Option('--list', 'list every preset with its params and GMACs at 1×3×224×224'))
    .addOption(new Option('-q, --quiet', 'no warnings on stderr, only the data and errors'))
    .addOption(new Option('--no-color', 'never colour the output (also: NO_COLOR=1)'))
    .addHelpText('after', EXAMPLES)
    .enablePositionalOptions()
    .action((opts: TraceOptions) => run(runTrace(opts, io).then(() => EXIT.ok)));

  program
    .command('check')
    .description('check model configs against expectations (exit 0 all pass, 1 a check failed, 2 an invalid file)')
    .argument('<paths...>', 'check files, folders (their *.json) or globs')
    .addOption(new Option('-r, --reporter <name>', 'how to report').choices(REPORTER_NAMES).default('text'))
    .addOption(new Option('-q, --quiet', 'text reporter: print failures and the closing line only'))
    .addHelpText(
      'after',
      `
Example:
  $ resnet-shapes check configs/checks
  $ resnet-shapes check 'configs/**/*.check.json' --reporter junit > report.xml

A check file is a model config (or "extends": "<preset>" plus overrides) with "input" and
"expect"; its JSON Schema: resnet-shapes schema check.`,
    )
    .action(async (paths: string[], opts: { reporter: ReporterName; quiet?: boolean }) => {
      const { runCheck } = await import('./check.js');
      run(runCheck(paths, opts.reporter, io, opts.quiet ?? false));
    });

  program
    .command('diff')
    .description('compare two models (presets or config files) layer by layer')
    .argument('<a>', 'preset name or config file')
    .argument('[b]', 'preset name or config file (default: a, with --input-b)')
    .addOption(new Option('-i, --input <N,C,H,W>', 'input of both').argParser(parseInput).default(DEFAULT_INPUT, '1,3,224,224'))
    .addOption(new Option('--input-b <N,C,H,W>', "b's input, when it differs from a's").argParser(parseInput))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--exit-code', 'exit 1 when the traces differ (as git diff --exit-code)'))
    .addOption(new Option('--no-color', 'never colour the output'))
    .addHelpText(
      'after',
      `
Examples:
  $ resnet-shapes diff a.json b.json --input 10,3,224,224
  $ resnet-shapes diff resnet50 resnet50d
  $ resnet-shapes diff resnet50 --input 1,3,224,224 --input-b 1,3,97,61`,
    )
    .action(async (a: string, b: string | undefined, opts: DiffOptions) => {
      run(runDiff(a, b, opts, io));
    });

  program
    .command('schema')
    .description('print the JSON Schema of config files, check files or the trace document')
    .addArgument(new Argument('<document>', 'which schema').choices(['config', 'check', 'trace']))
    .action(async (name: 'config' | 'check' | 'trace') => {
      const { jsonSchemaOf } = await import('./schemas.js');
      io.out(`${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`);
    });

  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  let pending: Promise<ExitCode> = Promise.resolve(EXIT.ok);
  const program = buildProgram(io, (p) => {
    pending = p;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return await pending;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; every parse error was already printed as one line
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n`);
      return EXIT.usage;
    }
    const err = e as Error;
    io.err(
      `resnet-shapes: internal error: ${err?.message ?? String(e)}\n${err?.stack ?? ''}\n` +
        `This is a bug in resnet-shapes ${pkg.version}; please report it with the command you ran.\n`,
    );
    return EXIT.internal;
  }
}

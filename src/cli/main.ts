// The command line: commander parses and validates; each command (trace-command.ts, check.ts,
// diff-command.ts) reads what it needs, asks the core and writes. The only I/O of the project
// goes through `Io`, so `main` runs in-process in tests too.

import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { COUNT_NAMES } from '../analysis/counts.js';
import { DEPTHS } from '../analysis/groups.js';
import { DTYPES, MEMORY_MODES, OPTIMIZERS } from '../analysis/memory.js';
import { FORMAT_NAMES } from '../format/formats.js';
import { ONNX_WEIGHTS } from '../onnx/model.js';
import { SCHEMA_VERSION } from '../format/json.js';
import { COLUMN_NAMES, type ColumnName } from '../format/table.js';
import { InputError } from '../errors.js';
import { bounded, echo, inert } from '../format/common.js';
import { parseClasses, parseFit, parseInput, parseLayers, parseTraceInput, parseOutputStride, parsePort, parseWeightDecay } from './args.js';
import { DEFAULT_INPUT, OPTION_FLAGS } from '../request.js';
import { EXIT, OutputError, type ExitCode } from './exit.js';
import { nearest } from '../nearest.js';
import { PRESET_NAMES, presetName } from '../network/presets.js';
import type { Io } from './io.js';
import type { DiffOptions } from './diff-command.js';
import { runTrace, type TraceOptions } from './trace-command.js';


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
  $ resnet-shapes --layers 50 --format counts
      why torchvision, fvcore, ptflops, thop and torchinfo print different counts
  $ resnet-shapes --layers 50 --format table --count fvcore
      the table with fvcore's figure for every row
  $ resnet-shapes --layers 152 --format onnx --output resnet152.onnx
      the network as ONNX for a viewer (Netron): a shape on every edge, no weight data
  $ resnet-shapes --layers 50 --input 1,3,H,W --format table
      every row's height and width as formulas of H and W, and when the network runs
  $ resnet-shapes sizes resnet50 --target layer4=7x7
      which input sizes work, and which give a 7×7 map at layer4
  $ resnet-shapes --list
      every preset with its params and mult-adds at its own input
  $ resnet-shapes web
      the same in a web page on 127.0.0.1 (or open dist/web/index.html)

Mult-adds follow torchvision's convention: a conv counts output elements × in/groups × kh × kw,
a linear batch × in × out; BN, ReLU, pooling and the residual add count 0. FLOPs = 2 × mult-adds.
--count NAME gives another counting tool's figures (the names are listed under --count above).

Exit codes: 0 ok, 1 a check failed, 2 usage, input or config error, 3 internal bug,
4 output could not be written (a closed pipe is not an error).`;

const REPORTER_NAMES = ['text', 'json', 'github', 'junit'] as const;

const COLUMN_LIST = COLUMN_NAMES.join(', ');

function parseColumns(text: string): ColumnName[] {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !(COLUMN_NAMES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`expected column names from ${COLUMN_LIST}, found '${echo(unknown[0] ?? text)}'`);
  }
  return names as ColumnName[];
}

type ReporterName = (typeof REPORTER_NAMES)[number];

type Run = (p: Promise<ExitCode>) => void;

function checkCommand(program: Command, io: Io, run: Run): void {
  program
    .command('check')
    .description('check model configs against expectations (exit 0 all pass, 1 a check failed, 2 an invalid file)')
    .argument('<paths...>', 'check files, folders (their *.json) or globs')
    .addOption(new Option('-r, --reporter <name>', 'how to report').choices(REPORTER_NAMES).default('text'))
    .addOption(new Option('-q, --quiet', 'text reporter: print failures and the closing line only'))
    .addOption(new Option('--no-color', 'never colour the output (the reporters write no colour; accepted for scripts that pass it everywhere)'))
    .addHelpText(
      'after',
      `
Example:
  $ resnet-shapes check configs/checks
  $ resnet-shapes check 'configs/checks/*.json' --reporter junit > report.xml

A check file is a model config (or "extends": "<preset>" plus overrides) with "input" and
"expect"; its JSON Schema: resnet-shapes schema check.`,
    )
    .action(async (paths: string[], opts: { reporter: ReporterName; quiet?: boolean }) => {
      const { runCheck } = await import('./check.js');
      run(runCheck(paths, opts.reporter, io, opts.quiet ?? false));
    });
}

function diffCommand(program: Command, io: Io, run: Run): void {
  program
    .command('diff')
    .description('compare two models (presets or config files) layer by layer')
    .argument('<a>', 'preset name or config file')
    .argument('[b]', 'preset name or config file (default: a, with --input-b)')
    .addOption(new Option(OPTION_FLAGS.input, 'input of both').argParser(parseInput).default(DEFAULT_INPUT, '1,3,224,224'))
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
    .action(async (a: string, b: string | undefined, opts: DiffOptions, command: Command) => {
      const { runDiff } = await import('./diff-command.js');
      run(runDiff(a, b, opts, io, (option) => command.getOptionValueSource(option) === 'cli'));
    });
}

function sizesCommand(program: Command, io: Io, run: Run): void {
  program
    .command('sizes')
    .description('which input sizes a model takes (a preset or config file), from formulas of H and W')
    .argument('<model>', 'preset name or config file')
    .addOption(new Option('--target <row=HxW>', 'also the inputs that give this size at a row, or at a group such as layer4 (its last row)'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'table', 'json']).default('text'))
    .addOption(new Option('--no-color', 'never colour the output (it writes none)'))
    .addHelpText(
      'after',
      `
Examples:
  $ resnet-shapes sizes resnet50
  $ resnet-shapes sizes resnet50 --target layer4=7x7
  $ resnet-shapes sizes iresnet50 --format json | jq .valid`,
    )
    .action(async (model: string, opts: { target?: string; format: 'text' | 'table' | 'json' }) => {
      const { runSizes, parseTarget } = await import('./sizes-command.js');
      run(runSizes(model, { format: opts.format, target: opts.target === undefined ? undefined : parseTarget(opts.target) }, io));
    });
}

function webCommand(program: Command, io: Io, run: Run): void {
  program
    .command('web')
    .description('serve the web page (the tracer in a browser) on 127.0.0.1 and print its address')
    .addOption(new Option('-p, --port <n>', 'port (0 picks a free one)').argParser(parsePort).default(0))
    .addHelpText(
      'after',
      `
The page is also a plain file: open dist/web/index.html, or put dist/web on any static host.
Its URL fragment holds the view: #arch=resnet50&input=10,3,224,224&classes=1`,
    )
    .action(async (opts: { port: number }) => {
      const { runWeb } = await import('./web-command.js');
      run(runWeb(opts.port, io));
    });
}

function schemaCommand(program: Command, io: Io, run: Run): void {
  program
    .command('schema')
    .description('print the JSON Schema of config files, check files or the trace document')
    .addArgument(new Argument('<document>', 'which schema').choices(['config', 'check', 'trace']))
    .action(async (name: 'config' | 'check' | 'trace') => {
      const { DOCUMENTS } = await import('../schemas/documents.js');
      io.out(`${JSON.stringify(DOCUMENTS[name], null, 2)}\n`);
    });
}

/**
 * The subcommands. Only those a command line can reach are defined: the one it names, or all of
 * them for help (the root's help lists each with its arguments); defining the options of the
 * others would be start-up time spent on nothing.
 */
const SUBCOMMANDS: Readonly<Record<string, (program: Command, io: Io, run: Run) => void>> = {
  check: checkCommand,
  diff: diffCommand,
  sizes: sizesCommand,
  web: webCommand,
  schema: schemaCommand,
};

const HELP = ['help', '-h', '--help'];

/** What a word given where a command goes probably meant: a command, or a preset for --arch. */
function notACommand(word: string): string {
  const commands = [...Object.keys(SUBCOMMANDS), 'help'];
  const command = nearest(word, commands);
  if (command) return `unknown command '${echo(word)}': did you mean '${command}'? (resnet-shapes --help lists the commands)`;
  const preset = presetName(word) ?? nearest(word, PRESET_NAMES);
  if (preset) return `unknown command '${echo(word)}': did you mean --arch ${preset}?`;
  return `unknown command '${echo(word)}' (resnet-shapes --help lists the commands; a preset is --arch NAME)`;
}

function buildProgram(io: Io, run: Run, argv: readonly string[]): Command {
  const wanted = (name: string): boolean => argv.includes(name) || argv.some((a) => HELP.includes(a));
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
      // one line, whatever the argument it quotes holds (commander adds a hint on a second line)
      outputError: (s, write) => write(`${bounded(s.split('\n').filter((line) => line.trim() !== '').map(inert).join(' '))}\n`),
    })
    .showSuggestionAfterError(true)
    .helpCommand('help [command]', 'show help for a command');

  program
    .addOption(new Option('-l, --layers <depth>', 'torchvision ResNet depth: 18, 34, 50, 101 or 152 (resnetN)').argParser(parseLayers))
    .addOption(new Option('-a, --arch <name>', 'a preset by name (see --list)'))
    .addOption(new Option('-c, --config <file>', 'a model config file (JSON; see `schema config`); - reads standard input'))
    .addOption(
      new Option(OPTION_FLAGS.input, 'input shape (1x3x224x224 works too); the batch may be N, -1 or ? (symbolic), the height H and the width W (formulas: log, table and json)')
        .argParser(parseTraceInput)
        .default(DEFAULT_INPUT, '1,3,224,224'),
    )
    .addOption(new Option(OPTION_FLAGS.classes, 'classifier outputs; 0 = no classifier (default: 1000, or the config file\'s)').argParser(parseClasses))
    .addOption(new Option('--stride-in-1x1', 'ResNet v1: stride on the first 1×1 conv of a bottleneck'))
    .addOption(new Option('--output-stride <8|16|32>', 'dilate the last stages as DeepLab does').argParser(parseOutputStride))
    .addOption(new Option('-f, --format <format>', 'output format (onnx: a binary ONNX model, to --output or a redirect)').choices([...FORMAT_NAMES, 'onnx']).default('log'))
    .addOption(new Option('-o, --output <file>', 'write to FILE instead of standard output'))
    .addOption(new Option('--weights <kind>', 'onnx: weights declared with shapes and no data (none), or generated in the graph so a runtime runs it').choices(ONNX_WEIGHTS).default('none'))
    .addOption(new Option('--fold-bn', 'onnx: fold each BatchNorm into the conv before it, as exporters do'))
    .addOption(new Option('-d, --depth <depth>', 'fold the table and diagrams by stage or block (JSON: adds groups[]); diagrams default to block').choices(DEPTHS))
    .addOption(new Option('--columns <names>', `table columns, comma-separated: ${COLUMN_LIST}`).argParser(parseColumns))
    .addOption(new Option('--dtype <dtype>', 'activations: float32, or bfloat16/float16 autocast (fp32 master weights)').choices(DTYPES).default('float32'))
    .addOption(new Option('--optimizer <name>', 'optimizer whose state the memory model counts').choices(OPTIMIZERS).default('momentum'))
    .addOption(new Option('--weight-decay <x>', 'weight decay (foreach SGD and Adam then copy the gradients)').argParser(parseWeightDecay).default(0))
    .addOption(new Option('--fit <size>', 'largest batch whose memory fits SIZE (24GiB = 24·2^30 bytes, 80GB = 80·10^9)').argParser(parseFit))
    .addOption(new Option('--mode <mode>', 'what --fit budgets: a training step or inference').choices(MEMORY_MODES).default('train'))
    .addOption(new Option('--count <name>', 'per-row and total figures as this tool counts them (see --format counts)').choices(COUNT_NAMES))
    .addOption(new Option('--list', 'list every preset with its params and mult-adds at its own input'))
    .addOption(new Option('-q, --quiet', 'no warnings on stderr, only the data and errors'))
    .addOption(new Option('--no-color', 'never colour the output (also: NO_COLOR=1)'))
    .addHelpText('after', EXAMPLES)
    .enablePositionalOptions()
    // words that name no command reach the trace, which says what they probably meant
    .argument('[command]')
    .allowExcessArguments()
    .usage('[options] [command]')
    .action((word: string | undefined, opts: TraceOptions, command: Command) => {
      if (word !== undefined) throw new InputError(notACommand(word));
      run(runTrace(opts, io, (option) => command.getOptionValueSource(option) === 'cli').then(() => EXIT.ok));
    });

  for (const [name, define] of Object.entries(SUBCOMMANDS)) if (wanted(name)) define(program, io, run);

  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  let pending: Promise<ExitCode> = Promise.resolve(EXIT.ok);
  const program = buildProgram(
    io,
    (p) => {
      pending = p;
    },
    argv,
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return await pending;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; every parse error was already printed as one line
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof InputError) {
      io.err(`${bounded(`error: ${inert(e.message)}`)}\n`);
      return EXIT.usage;
    }
    if (e instanceof OutputError) {
      io.err(`${bounded(`error: ${inert(e.message)}`)}\n`);
      return EXIT.writeFailed;
    }
    const err = e as Error;
    const stack = io.mapStack && err?.stack ? await io.mapStack(err.stack) : (err?.stack ?? '');
    io.err(
      `resnet-shapes: internal error: ${inert(err?.message ?? String(e))}\n${stack.split('\n').map(inert).join('\n')}\n` +
        `This is a bug in resnet-shapes ${pkg.version}; please report it with the command you ran.\n`,
    );
    return EXIT.internal;
  }
}

// The default command: pick the model, analyse it at the input, write the chosen format.

import type { CountName } from '../analysis/counts.js';
import type { Depth } from '../analysis/groups.js';
import type { Dtype, MemoryMode, Optimizer } from '../analysis/memory.js';
import { warningsOf } from '../analysis/analyze.js';
import { bounded, inert } from '../format/common.js';
import { FORMATS, type FormatName } from '../format/formats.js';
import { presetListJson, presetListText } from '../format/list.js';
import type { ColumnName } from '../format/table.js';
import { toInt, type Int } from '../int.js';
import { colorLevel, highlighter } from './color.js';
import { writeAll, type Io } from './io.js';
import { UsageError } from './exit.js';
import { FileOutput } from './files.js';
import { onnxExport, type OnnxWeights } from '../onnx/model.js';
import pkg from '../../package.json' with { type: 'json' };
import { analyzeModel, defaultInput, inputText, presetListing, type InputArg } from '../request.js';
import { analyzeSymbolic } from '../analysis/symbolic.js';
import { symbolicJson, symbolicLog, symbolicTable } from '../format/symbolic.js';
import { formatIssue } from '../format/common.js';
import { InputError } from '../errors.js';
import type { ModelConfig } from '../types.js';
import { resolveModel, type ModelOptions } from './model.js';

export interface TraceOptions extends ModelOptions {
  readonly input?: InputArg;
  readonly format: FormatName | 'onnx';
  readonly output?: string;
  readonly weights: OnnxWeights;
  readonly foldBn?: boolean;
  readonly dtype: Dtype;
  readonly optimizer: Optimizer;
  readonly weightDecay: number;
  readonly fit?: Int;
  readonly mode: MemoryMode;
  readonly depth?: Depth;
  readonly columns?: readonly ColumnName[];
  readonly list?: boolean;
  readonly color: boolean;
  readonly quiet?: boolean;
  readonly count?: CountName;
}

/** Which options the user gave (rather than defaults): commander knows. */
export type Given = (option: keyof TraceOptions) => boolean;

/** Options the chosen output does not use, each with what would use it. */
function ignoredOptions(opts: TraceOptions, given: Given): string[] {
  const ignored: string[] = [];
  const table = opts.format === 'table' || opts.format === 'csv' || opts.format === 'markdown' || opts.format === 'latex';
  if (opts.list) {
    for (const o of ['layers', 'arch', 'config', 'input', 'classes', 'count', 'fit', 'depth', 'columns'] as const) {
      if (given(o)) ignored.push(`--${o} is ignored with --list (it lists every preset at its own input)`);
    }
    return ignored;
  }
  if (given('columns') && (!table || opts.depth === 'stage' || opts.depth === 'block')) {
    ignored.push('--columns is ignored: only the per-row table (--format table, csv, markdown or latex, without --depth stage|block) has columns');
  }
  if (given('depth') && (opts.format === 'log' || opts.format === 'counts')) ignored.push(`--depth is ignored by --format ${opts.format} (it folds the table and diagrams, and adds groups to JSON)`);
  if (given('count') && (opts.format === 'dot' || opts.format === 'mermaid' || opts.format === 'counts')) {
    ignored.push(`--count is ignored by --format ${opts.format}${opts.format === 'counts' ? ' (it shows every convention)' : ''}`);
  }
  if (given('fit') && ['dot', 'mermaid', 'counts', 'csv', 'markdown', 'latex', 'onnx'].includes(opts.format)) ignored.push(`--fit is ignored by --format ${opts.format}`);
  if (opts.format === 'onnx') {
    for (const o of ['count', 'columns', 'depth', 'dtype'] as const) {
      if (given(o)) ignored.push(`--${o} is ignored by --format onnx${o === 'dtype' ? ' (the model is float32)' : ''}`);
    }
  }
  return ignored;
}

/**
 * The ONNX options belong to --format onnx: given with another format, they are a mistake; and
 * ONNX is binary, not for a terminal.
 */
function checkOnnxOptions(opts: TraceOptions, toTerminal: boolean, given: Given): void {
  if (opts.format !== 'onnx') {
    for (const o of ['weights', 'foldBn'] as const) {
      const flag = o === 'foldBn' ? '--fold-bn' : '--weights';
      if (given(o)) throw new UsageError(`${flag} applies only to --format onnx (found --format ${opts.format})`);
    }
  } else if (toTerminal) {
    throw new UsageError('--format onnx writes a binary file: give --output FILE, or redirect standard output (> model.onnx)');
  }
}

export async function runTrace(opts: TraceOptions, io: Io, given: Given = () => false): Promise<void> {
  const say = (line: string) => opts.quiet || io.err(`${bounded(`warning: ${inert(line)}`)}\n`);
  const file = opts.output === undefined || opts.output === '-' ? null : new FileOutput(opts.output);
  checkOnnxOptions(opts, io.stdoutIsTTY && !file, given);
  const out = file ? { out: file.out } : io;
  if (opts.list) {
    for (const line of ignoredOptions(opts, given)) say(line);
    if (opts.format === 'onnx') throw new UsageError('--list writes text or JSON, not ONNX');
    listModels(out, opts.format);
    return file?.close();
  }
  const config = await resolveModel(opts, io.stdin);
  // without --input, a config with other input channels is traced with its own
  const input = opts.input && given('input') ? opts.input : defaultInput(config);
  if (input.sides) return runSymbolic(config, input, opts, given, out, io, file);
  const analysis = analyzeModel(config, input, {
    memory: { dtype: opts.dtype, optimizer: opts.optimizer, weightDecay: opts.weightDecay },
    depth: opts.depth,
    fit: opts.fit === undefined ? undefined : { budgetBytes: opts.fit, mode: opts.mode },
    count: opts.count,
  });
  // warnings once the run is known to succeed: an error is the run's only line
  for (const line of ignoredOptions(opts, given)) say(line);
  for (const w of warningsOf(analysis)) say(`${w.path} ${w.message}`);
  if (opts.format === 'onnx') {
    const { newWriter } = await import('../onnx/writer.js');
    out.out(onnxExport(analysis, newWriter, { weights: opts.weights, foldBn: opts.foldBn ?? false, producerVersion: pkg.version }).bytes);
  } else {
    // a file written with --output is never coloured, FORCE_COLOR or not
    const hl = await highlighter(colorLevel({ isTTY: io.stdoutIsTTY, env: io.env, flag: opts.color && !file }));
    writeAll(out, FORMATS[opts.format](analysis, { hl, columns: opts.columns }));
  }
  file?.close();
}

/** The trace with the height and/or width as symbols: formulas, as log, table or JSON. */
async function runSymbolic(config: ModelConfig, input: InputArg, opts: TraceOptions, given: Given, out: Pick<Io, 'out'>, io: Io, file: FileOutput | null): Promise<void> {
  if (opts.format !== 'log' && opts.format !== 'table' && opts.format !== 'json') {
    throw new UsageError(`--format ${opts.format}: a height or width given as H or W is written as formulas by log, table and json; give sizes for ${opts.format}`);
  }
  for (const o of ['fit', 'count', 'depth', 'columns'] as const) {
    if (given(o)) throw new UsageError(`--${o} needs a height and a width: it is not available with H or W in --input`);
  }
  const result = analyzeSymbolic(config, input.shape, input.sides!, input.symbolicBatch, { dtype: opts.dtype, optimizer: opts.optimizer, weightDecay: opts.weightDecay });
  if (!result.ok) throw new InputError(`${formatIssue(result.issue)} (input ${inputText(input)}, model ${config.name})`);
  const a = result.analysis;
  if (opts.format === 'json') out.out(symbolicJson(a));
  else if (opts.format === 'table') out.out(symbolicTable(a));
  else {
    const hl = await highlighter(colorLevel({ isTTY: io.stdoutIsTTY, env: io.env, flag: opts.color && !file }));
    writeAll(out, symbolicLog(a, hl));
  }
  file?.close();
}

/**
 * Every preset's figures as scripts/build.mjs computed them with this same code (`presetFigures`)
 * when it bundled these presets, so the two cannot disagree. Absent when the sources run unbundled
 * (the tests), which compute them.
 */
declare const BUILT_PRESET_FIGURES: string | undefined;
type BuiltFigures = Readonly<Record<string, { input: number[]; params: number | string; macs: number | string }>>;

/** Every preset with its params and mult-adds at its default input. */
function listModels(io: Pick<Io, 'out'>, format: FormatName): void {
  // JSON text, parsed here: an object literal would be compiled and built on every start-up
  const built = typeof BUILT_PRESET_FIGURES === 'undefined' ? undefined : (JSON.parse(BUILT_PRESET_FIGURES) as BuiltFigures);
  const rows = presetListing(
    built &&
      ((name) => {
        const f = built[name]!;
        return { input: f.input, params: toInt(f.params), macs: toInt(f.macs) };
      }),
  );
  io.out(format === 'json' ? presetListJson(rows) : presetListText(rows));
}

// What the page shows for a state, computed where the page's worker runs it (worker.ts): the
// trace, in the CLI's order and with the CLI's sentences, and each view as plain data (texts,
// a table's cells and groups) that the page's own thread only puts on screen. Pure: tested in
// Node like the rest of the core.

import type { Analysis } from '../analysis/analyze.js';
import { warningsOf } from '../analysis/analyze.js';
import { groupTrace, type Group } from '../analysis/groups.js';
import { finalReceptiveField } from '../analysis/receptive.js';
import { InputError } from '../errors.js';
import { symbolicTrace, validSizes } from '../analysis/sizes.js';
import { spans } from '../format/sizes.js';
import { expandResNet } from '../network/expand.js';
import { bounded, inert, metric, perSample, shapeText, shortcutLabel } from '../format/common.js';
import { formatDot } from '../format/diagram.js';
import { formatAnalysis } from '../format/formats.js';
import { buildGraph, graphSize, MAX_DIAGRAM_NODES } from '../format/graph.js';
import { fitLine, memoryLines } from '../format/memory.js';
import { COLUMNS, type Column, type TableContext } from '../format/table.js';
import { groupDigits, type Int } from '../int.js';
import { onnxExport } from '../onnx/model.js';
import { newWriter } from '../onnx/writer.js';
import pkg from '../../package.json' with { type: 'json' };
import { countRows } from '../network/expand.js';
import {
  analyzeModel,
  defaultInput,
  finishConfig,
  inputText,
  JsonSyntaxError,
  OPTION_FLAGS,
  optionSentence,
  parseMemorySize,
  parseClasses,
  parseInput,
  presetInput,
  type InputArg,
} from '../request.js';
import { configFromText, configLineOf } from '../config-text.js';
import { sameSection, type ModelConfig } from '../types.js';
import { errorForPerson, STDIN, type PageState } from './state.js';
import { isImageNetwork } from '../network/config.js';

export type Outcome =
  | { readonly ok: true; readonly config: ModelConfig; readonly input: InputArg; readonly analysis: Analysis; readonly budget: Int | null }
  | {
      readonly ok: false;
      /** The CLI's sentence, the part after `error: ` of the command `commandOf` gives. */
      readonly error: string;
      /** Where in the config text the mistake is (1-based), when it is in the config. */
      readonly configLine: number | null;
    };

/** Reads a value as the CLI reads that option: a mistake is commander's sentence about it. */
function option<T>(flags: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(optionSentence(flags, text, e.message));
    throw e;
  }
}

/**
 * The most rows the page traces: measured in Chromium on this project's machine, 14,000 rows
 * took 0.13 s to trace, 42,000 rows 0.43 s, 140,000 rows 0.95 s, and 1,000,000 crashed the tab
 * (ResNet-1202 has 4,806 rows); a table of 10,000 rows is about 100,000 cells to lay out.
 */
export const PAGE_MAX_ROWS = 10_000;

/**
 * Traces what the state asks for, as `commandOf(state)` would, in the CLI's order: the option
 * values, then the model, then the network at the input. Never throws for a user's mistake.
 */
export function traceState(state: PageState): Outcome {
  try {
    const input = state.input.trim() === '' ? null : option(OPTION_FLAGS.input, state.input, parseInput);
    const classes = state.classes.trim() === '' ? undefined : option(OPTION_FLAGS.classes, state.classes, parseClasses);
    let config: ModelConfig;
    if (state.config !== null) {
      if (state.arch !== '') throw new InputError('--arch and --config both name a model: give one of them');
      try {
        config = finishConfig(configFromText(state.config, STDIN), 'stdin', { classes }, STDIN);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        const line = e instanceof JsonSyntaxError ? e.line : configLineOf(state.config, STDIN, e.message);
        return { ok: false, error: bounded(inert(e.message)), configLine: line };
      }
    } else {
      config = finishConfig(presetInput(state.arch), state.arch, { classes }, state.arch);
    }
    // a network the page cannot draw in a few seconds is refused before it is expanded, with
    // the command that traces it
    const rows = countRows(config);
    if (rows > PAGE_MAX_ROWS) {
      throw new InputError(
        `the network has ${groupDigits(rows)} rows; the page draws up to ${groupDigits(PAGE_MAX_ROWS)} (ResNet-1202 has 4,806): the command below traces it (up to 1,000,000 rows), and --depth stage folds its table`,
      );
    }
    // the views whose command has --fit (commandOf) find the largest batch
    const budget = (state.view === 'memory' || state.view === 'json') && state.gpu.trim() !== '' ? option('--fit <size>', state.gpu, parseMemorySize) : null;
    const analysis = analyzeModel(config, input ?? defaultInput(config), {
      memory: { dtype: state.dtype, optimizer: state.optimizer, weightDecay: 0 },
      fit: budget ? { budgetBytes: budget, mode: state.mode } : undefined,
      count: state.count === '' ? undefined : state.count,
    });
    return { ok: true, config, input: input ?? defaultInput(config), analysis, budget: budget || null };
  } catch (e) {
    if (e instanceof InputError) return { ok: false, error: bounded(inert(e.message)), configLine: null };
    throw e;
  }
}


/** The summary's figures, as the page shows them. */
export interface Summary {
  readonly params: string;
  readonly macs: string;
  /** The mult-adds as a whole number (`data-value`, for scripts). */
  readonly macsValue: string;
  readonly macsTitle: string;
  readonly output: string;
  readonly rows: string;
  readonly receptiveField: string;
  readonly warnings: readonly string[];
  /** The model's own batch, channels, height and width, and classes: the fields' placeholders. */
  readonly placeholders: readonly string[];
  /** The heights and widths the network takes, each with the other as given (beside the boxes). */
  readonly sizes: string;
  readonly classes: string;
}

/** A group of the table's rows: the stem, a stage (of blocks), a block or the head. */
export interface RowGroup {
  /** `stem`, `layer2`, `layer2.0`, `head`: what a fold is kept by. */
  readonly key: string;
  readonly label: string;
  /** Its parameters, mult-adds and output, in a line. */
  readonly figures: string;
  /** Rows `first` to `end - 1`, its own or its blocks'. */
  readonly first: number;
  readonly end: number;
  readonly blocks: readonly RowGroup[] | null;
}

export interface TableData {
  /** The network and the columns: a table with the same key keeps its rows and changes texts. */
  readonly key: string;
  readonly label: string;
  readonly headings: readonly string[];
  /** Each column's width in characters, and whether it is right-aligned. */
  readonly widths: readonly number[];
  readonly right: readonly boolean[];
  readonly cells: readonly (readonly string[])[];
  readonly groups: readonly RowGroup[];
}

export type ViewData =
  | { readonly kind: 'table'; readonly table: TableData }
  | { readonly kind: 'text'; readonly text: string }
  /** The DOT text to lay out, or the sentence saying why the page does not (too many nodes). */
  | { readonly kind: 'diagram'; readonly name: string; readonly dot: string; readonly refused: null }
  | { readonly kind: 'diagram'; readonly name: string; readonly dot: null; readonly refused: string };

export type Presented =
  | { readonly ok: true; readonly summary: Summary; readonly view: ViewData; readonly download: string }
  | {
      readonly ok: false;
      readonly error: string;
      readonly problem: string;
      readonly configLine: number | null;
    };

/**
 * The most nodes the page lays out: Graphviz runs in a worker of its own, and measured on this
 * project's machine it takes 0.03 s for 100 nodes, 0.2 s for 200, 0.5 s for 400, 8 s for 1,600 (and
 * overflows its stack past about 1,500 blocks); past this the page says how to fold or draw it.
 */
export const PAGE_DIAGRAM_NODES = 250;

/** What the page shows for a state: the summary and its view's data, or the sentence saying why not. */
export function present(state: PageState): Presented {
  const o = traceState(state);
  if (!o.ok) return { ok: false, error: o.error, problem: errorForPerson(o.error, o.configLine), configLine: o.configLine };
  return { ok: true, summary: summaryOf(o), view: viewOf(state, o.analysis), download: `${o.config.name}-${o.input.shape.join('x')}.json` };
}

/** The trace document (`--format json`) for the state, for the page's Download JSON button. */
export function presentJson(state: PageState): string | null {
  const o = traceState({ ...state, view: 'json' });
  return o.ok ? formatAnalysis(o.analysis, 'json') : null;
}

/** The network as ONNX (`--format onnx`: weights declared, no data) for the Download ONNX button. */
export function presentOnnx(state: PageState): Uint8Array | null {
  const o = traceState({ ...state, view: 'json' });
  return o.ok ? onnxExport(o.analysis, newWriter, { producerVersion: pkg.version }).bytes : null;
}

function summaryOf(o: Extract<Outcome, { ok: true }>): Summary {
  const { trace } = o.analysis;
  const own = parseInput(inputText(o.input));
  const rf = finalReceptiveField(trace.layers);
  // a clip's or a signal's: one figure per axis (frames × height × width)
  const spatial = trace.input.length - 2;
  const perAxis = spatial === 2 ? null : Array.from({ length: spatial }, (_, axis) => finalReceptiveField(trace.layers, axis));
  const fieldText = perAxis?.every(Boolean) ? `${perAxis.map((f) => f!.size).join('×')}, stride ${perAxis.map((f) => f!.stride).join('×')}` : rf ? `${rf.size} px, stride ${rf.stride}` : '—';
  return {
    params: groupDigits(trace.totals.params),
    macs: `${metric(trace.totals.macs)}MACs${perSample(trace)}`,
    macsValue: String(trace.totals.macs),
    macsTitle: `${groupDigits(trace.totals.macs)} mult-adds${perSample(trace)} (torchvision's convention; FLOPs = 2 × mult-adds)`,
    output: shapeText(trace.output, trace.symbolicBatch),
    rows: String(trace.layers.length),
    receptiveField: fieldText,
    warnings: warningsOf(o.analysis).map((w) => `warning: ${w.path} ${w.message}`),
    placeholders: own.shape.map((d, i) => (i === 0 && own.symbolicBatch ? 'N' : String(d))),
    sizes: sizesLine(o.config, o.input.shape),
    classes: String(o.config.classes),
  };
}

/** `Height 25–56 (at width 32) · width 25–56 (at height 32)`: from the formulas of the sides. */
function sizesLine(config: ModelConfig, shape: readonly number[]): string {
  if (!isImageNetwork(config) || shape.length !== 4) return '';
  const sym = symbolicTrace(expandResNet(config), shape);
  const takes = (axis: 0 | 1) => spans(validSizes(sym, axis, BigInt(shape[3 - axis]!)));
  return `Height ${takes(0)} (at width ${shape[3]}) · width ${takes(1)} (at height ${shape[2]}): the sizes this network takes`;
}

function viewOf(state: PageState, a: Analysis): ViewData {
  switch (state.view) {
    case 'table':
      return { kind: 'table', table: tableOf(a) };
    case 'log':
    case 'json':
    case 'counts':
      return { kind: 'text', text: formatAnalysis(a, state.view) };
    case 'memory': {
      const fit = a.fit ? fitLine(a.fit) : state.gpu.trim() === '' ? 'Fit: give a memory size such as 24GiB, 80GB or 512MiB' : '';
      return { kind: 'text', text: [...memoryLines(a.memory, a.memoryOptions, a.trace.symbolicBatch), fit].filter((l) => l !== '').join('\n') };
    }
    case 'diagram': {
      const { trace } = a;
      const nodes = graphSize(trace, state.depth);
      const name = trace.config.name;
      if (nodes <= PAGE_DIAGRAM_NODES) return { kind: 'diagram', name, dot: formatDot(buildGraph(trace, state.depth), name), refused: null };
      const refused =
        `The diagram would have ${groupDigits(nodes)} nodes; the page lays out up to ${PAGE_DIAGRAM_NODES} (Graphviz takes ` +
        `about 0.2 s per 200 nodes, more as they grow): fold it by ${state.depth === 'layer' ? 'block or stage' : 'stage'}, or draw it with the command line ` +
        `(--format dot | dot -Tsvg, up to ${groupDigits(MAX_DIAGRAM_NODES)} nodes).`;
      return { kind: 'diagram', name, dot: null, refused };
    }
  }
}

const TABLE_COLUMNS: readonly Column['name'][] = ['name', 'type', 'output', 'weight', 'bias', 'params', 'macs', 'count', 'rf', 'stride'];

/** The table view: every row's cells, and the stem, stages, blocks and head that fold. */
export function tableOf(a: Analysis): TableData {
  const { trace } = a;
  const count = a.count;
  const columns = COLUMNS.filter((c) => TABLE_COLUMNS.includes(c.name) && (c.name !== 'count' || count));
  const context: TableContext = { receptiveFields: a.receptiveFields, receptiveFieldAxes: a.receptiveFieldAxes, count: count ? (i) => a.counts.row(count, i) : undefined };
  const headings = columns.map((c) => (c.name === 'count' ? `Count (${count})` : c.heading));
  const widths = headings.map((h) => h.length);
  const cells = trace.layers.map((layer, i) =>
    columns.map((c, k) => {
      const text = c.cell(layer, i, trace, context);
      if (text.length > widths[k]!) widths[k] = text.length;
      return text;
    }),
  );
  const stages = new Map(groupTrace(trace, 'stage').map((g) => [g.name, g]));
  const blocks = new Map(groupTrace(trace, 'block').map((g) => [g.name, g]));
  const figures = (g: Group | undefined) =>
    g ? `${groupDigits(g.params)} params · ${metric(g.macs)}MACs${perSample(trace)} · out ${shapeText(g.output, trace.symbolicBatch)}` : '';
  const groups: RowGroup[] = [];
  const { layers } = trace;
  let i = 0;
  while (i < layers.length) {
    const section = layers[i]!.spec.section;
    const first = i;
    if (section.kind !== 'block') {
      // the stem or the head: a group of its own rows
      while (i < layers.length && sameSection(layers[i]!.spec.section, section)) i++;
      groups.push({ key: section.kind, label: section.kind, figures: figures(stages.get(section.kind)), first, end: i, blocks: null });
      continue;
    }
    const stage = `layer${section.stage + 1}`;
    const stageBlocks: RowGroup[] = [];
    while (i < layers.length && layers[i]!.spec.section.kind === 'block' && (layers[i]!.spec.section as typeof section).stage === section.stage) {
      const block = layers[i]!.spec.section as typeof section;
      const key = `${stage}.${block.index}`;
      const start = i;
      while (i < layers.length && sameSection(layers[i]!.spec.section, block)) i++;
      stageBlocks.push({ key, label: `${key}${block.projection ? ` · ${shortcutLabel(trace.config)}` : ''}`, figures: figures(blocks.get(key)), first: start, end: i, blocks: null });
    }
    const n = trace.config.layers[section.stage] ?? 0;
    groups.push({ key: stage, label: `${stage} · ${n} ${trace.config.block} block${n === 1 ? '' : 's'}`, figures: figures(stages.get(stage)), first, end: i, blocks: stageBlocks });
  }
  return {
    key: `${JSON.stringify(trace.config)}|${headings.join('|')}|${widths.join(',')}`,
    label: `Every layer of ${trace.config.name} at ${shapeText(trace.input, trace.symbolicBatch)}`,
    headings,
    widths,
    right: columns.map((c) => c.align === 'right'),
    cells,
    groups,
  };
}

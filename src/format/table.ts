// The table: one row per layer, stages and blocks as heading rows, totals below.

import { add, groupDigits, mul, type Int } from '../int.js';
import { sameSection, type Trace, type TracedLayer } from '../types.js';
import type { Group } from '../analysis/groups.js';
import type { ReceptiveField } from '../analysis/receptive.js';
import { binaryBytes } from './memory.js';
import { gridPieces, renderGrid, type GridRow } from './grid.js';
import { count, metric, perSample, PLAIN, shapeText, shortcutLabel, type Highlighter } from './common.js';

/** A table column: a documented name (for `--columns`), a heading and a cell. */
export interface Column {
  readonly name: string;
  readonly heading: string;
  readonly align: 'left' | 'right';
  readonly cell: (layer: TracedLayer, index: number, trace: Trace, ctx: TableContext) => string;
}

/** Per-row figures computed outside the trace, for the optional columns. */
export interface TableContext {
  readonly receptiveFields?: { at(i: number): ReceptiveField | null } | undefined;
  readonly activationBytes?: readonly Int[];
  /** The chosen counting convention's figure for row i (`--count`). */
  readonly count?: ((i: number) => Int) | undefined;
}

const rfCell = (pick: (rf: ReceptiveField) => Int) => (_: TracedLayer, i: number, __: Trace, ctx: TableContext) => {
  const rf = ctx.receptiveFields?.at(i);
  return rf ? String(pick(rf)) : '—';
};

const shapeOrDash = (shape: readonly number[] | null, sym = false): string => (shape ? shapeText(shape, sym) : '—');
const intOrDash = (x: Int): string => (x === 0 ? '—' : groupDigits(x));

export const COLUMNS = [
  { name: 'name', heading: 'Layer (module path)', align: 'left', cell: (l) => l.spec.name },
  { name: 'type', heading: 'Type', align: 'left', cell: (l) => l.spec.kind },
  { name: 'input', heading: 'Input', align: 'left', cell: (l, _, t) => shapeText(l.input, t.symbolicBatch) },
  { name: 'output', heading: 'Output', align: 'left', cell: (l, _, t) => shapeText(l.output, t.symbolicBatch) },
  { name: 'weight', heading: 'Weight', align: 'left', cell: (l) => shapeOrDash(l.weight) },
  { name: 'bias', heading: 'Bias', align: 'left', cell: (l) => shapeOrDash(l.bias) },
  { name: 'params', heading: 'Params', align: 'right', cell: (l) => intOrDash(l.params) },
  {
    name: 'params%',
    heading: 'Params %',
    align: 'right',
    cell: (l, _, t) => (l.params === 0 ? '—' : percent(l.params, t.totals.params)),
  },
  { name: 'macs', heading: 'Mult-adds', align: 'right', cell: (l) => intOrDash(l.macs) },
  { name: 'rf', heading: 'Receptive field', align: 'right', cell: rfCell((r) => r.size) },
  { name: 'stride', heading: 'Eff. stride', align: 'right', cell: rfCell((r) => r.stride) },
  { name: 'center', heading: 'RF centre', align: 'right', cell: rfCell((r) => r.center) },
  {
    name: 'memory',
    heading: 'Kept for backward',
    align: 'right',
    cell: (_, i, __, ctx) => {
      const b = ctx.activationBytes?.[i];
      return b === undefined || b === 0 ? '—' : binaryBytes(b);
    },
  },
  {
    name: 'count',
    heading: 'Count',
    align: 'right',
    cell: (_, i, __, ctx) => (ctx.count ? intOrDash(ctx.count(i)) : '—'),
  },
] as const satisfies readonly Column[];

export type ColumnName = (typeof COLUMNS)[number]['name'];

export const COLUMN_NAMES: readonly ColumnName[] = COLUMNS.map((c) => c.name);

export const DEFAULT_COLUMNS: readonly ColumnName[] = ['name', 'type', 'output', 'weight', 'bias', 'params', 'macs'];

function percent(part: Int, whole: Int): string {
  if (whole === 0) return '—';
  // exact to two decimals for any size
  const bp = (BigInt(part) * 10000n + BigInt(whole) / 2n) / BigInt(whole);
  return `${bp / 100n}.${(bp % 100n).toString().padStart(2, '0')}%`;
}

export interface TableOptions {
  readonly columns?: readonly Column[];
  readonly context?: TableContext;
  /** Lines appended to the footer (memory, receptive field ...). */
  readonly footer?: readonly string[];
}

function stageHeading(trace: Trace, stage: number): string {
  const blocks = trace.config.layers[stage] ?? 0;
  return `layer${stage + 1} · ${blocks} ${trace.config.block} block${blocks === 1 ? '' : 's'}`;
}

/** Rows [start, end) of the trace as table rows, with a heading row where a stage or block begins. */
function tableRows(trace: Trace, hl: Highlighter, columns: readonly Column[], context: TableContext, start: number, end: number): GridRow[] {
  const { layers } = trace;
  const out: GridRow[] = [];
  let previous: TracedLayer['spec']['section'] | null = start > 0 ? layers[start - 1]!.spec.section : null;
  for (let i = start; i < end; i++) {
    const layer = layers[i]!;
    const section = layer.spec.section;
    if (previous === null || !sameSection(section, previous)) {
      if (section.kind === 'block') {
        if (section.index === 0) out.push({ span: hl.heading(stageHeading(trace, section.stage)) });
        const shortcut = section.projection ? ` · ${shortcutLabel(trace.config)}` : '';
        out.push({ span: hl.dim(`layer${section.stage + 1}.${section.index} · ${section.block}${shortcut}`) });
      } else out.push({ span: hl.heading(section.kind) });
      previous = section;
    }
    const cells: string[] = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) cells[c] = columns[c]!.cell(layer, i, trace, context);
    out.push(cells);
  }
  return out;
}

/** Up to this many rows the table's rows are made once and kept for both passes (widths, lines). */
const HELD = 50_000;
/** A larger table's rows are made again for each pass, this many at a time. */
const CHUNK = 8192;

/** The table as text, each line ending in a newline, in pieces (a huge trace streams), then the footer. */
export function* tablePieces(trace: Trace, hl: Highlighter = PLAIN, options: TableOptions = {}): Generator<string> {
  const columns = options.columns ?? COLUMNS.filter((c) => DEFAULT_COLUMNS.includes(c.name));
  const context = options.context ?? {};
  const head = columns.map((c) => hl.heading(c.heading));
  const n = trace.layers.length;
  function* chunks(): Generator<GridRow[]> {
    for (let start = 0; start < n; start += CHUNK) yield tableRows(trace, hl, columns, context, start, Math.min(n, start + CHUNK));
  }
  const kept = n <= HELD ? [tableRows(trace, hl, columns, context, 0, n)] : null;
  // colour comes only from the highlighter: cells of the plain one are measured by length
  yield* gridPieces(
    head,
    columns.map((c) => c.align),
    kept ? () => kept : chunks,
    hl !== PLAIN,
  );
  let footer = '';
  for (const line of footerLines(trace, options.footer ?? [])) footer += `${hl.dim(line)}\n`;
  yield footer;
}

export function formatTable(trace: Trace, hl: Highlighter = PLAIN, options: TableOptions = {}): string {
  let text = '';
  for (const piece of tablePieces(trace, hl, options)) text += piece;
  return text;
}

/** One row per group (stem, stage or block, head): the table folded by `--depth`. */
export function formatGroupTable(trace: Trace, groups: readonly Group[], hl: Highlighter = PLAIN, options: TableOptions = {}): string {
  const sym = trace.symbolicBatch;
  const head = ['Group', 'Kind', 'Rows', 'Input', 'Output', 'Params', 'Params %', 'Mult-adds'].map((h) => hl.heading(h));
  const rows = groups.map((g) => [
    g.name,
    g.kind === 'stage' ? `${trace.config.layers[Number(g.name.slice(5)) - 1]} × ${trace.config.block}` : g.kind,
    String(g.rows[1] - g.rows[0] + 1),
    shapeText(g.input, sym),
    shapeText(g.output, sym),
    intOrDash(g.params),
    g.params === 0 ? '—' : percent(g.params, trace.totals.params),
    intOrDash(g.macs),
  ]);
  const table = renderGrid(head, ['left', 'left', 'right', 'left', 'left', 'right', 'right', 'right'], rows);
  return `${table}\n${footerLines(trace, options.footer ?? []).map((l) => hl.dim(l)).join('\n')}\n`;
}

export function footerLines(trace: Trace, more: readonly string[]): string[] {
  const t = trace.totals;
  const n = perSample(trace);
  const inputElements = trace.input.reduce<Int>((a, b) => mul(a, b), 1);
  // a Keras network's figures as Keras' summary() prints them, PyTorch's beside them
  const keras = trace.config.naming === 'keras' || trace.config.naming === 'kerasv2';
  const params = keras
    ? [
        `Total params: ${count(add(t.params, t.bnRunningStats))} (Keras; PyTorch ${count(t.params)}, BatchNorm's moving mean and variance being buffers there)`,
        `Trainable params: ${count(t.trainableParams)}`,
        `Non-trainable params: ${count(t.bnRunningStats)} (BatchNorm's moving mean and variance)`,
      ]
    : [
        `Total params: ${count(t.params)}`,
        `Trainable params: ${count(t.trainableParams)}`,
        `BN running stats: ${count(t.bnRunningStats)} (buffers in PyTorch; non-trainable params in Paddle and Keras)`,
      ];
  return [
    ...params,
    `Total mult-adds: ${metric(t.macs)}${n} (conv and linear; FLOPs = 2 × mult-adds)`,
    `Input size: ${shapeText(trace.input, trace.symbolicBatch)}, ${count(mul(inputElements, 4))} bytes as float32${n}`,
    ...more,
  ];
}

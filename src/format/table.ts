// The table: one row per layer, stages and blocks as heading rows, totals below.

import { add, groupDigits, mul, type Int } from '../int.js';
import { sameSection, type Trace, type TracedLayer } from '../types.js';
import type { Group } from '../analysis/groups.js';
import type { ReceptiveField } from '../analysis/receptive.js';
import type { Analysis } from '../analysis/analyze.js';
import { binaryBytes } from './memory.js';
import { gridPieces, renderGrid, type GridRow } from './grid.js';
import { count, metric, perSample, PLAIN, shapeText, shortcutLabel, type Highlighter } from './common.js';
import { typeName } from '../analysis/kinds.js';

/** A table column: a documented name (for `--columns`), a heading and a cell. */
export interface Column {
  readonly name: string;
  readonly heading: string;
  readonly align: 'left' | 'right';
  readonly cell: (layer: TracedLayer, index: number, trace: Trace, ctx: TableContext) => string;
  /** A number's value as data (CSV): digits without separators or units, '' for none. */
  readonly raw?: (layer: TracedLayer, index: number, trace: Trace, ctx: TableContext) => string;
}

/** Per-row figures computed outside the trace, for the optional columns. */
export interface TableContext {
  readonly receptiveFields?: { at(i: number): ReceptiveField | null } | undefined;
  /** A clip's or a signal's, per spatial axis: the cells then give each axis's figure, joined by × (5×23×23). */
  readonly receptiveFieldAxes?: readonly { at(i: number): ReceptiveField | null }[] | null | undefined;
  readonly activationBytes?: readonly Int[];
  /** The chosen counting convention's figure for row i (`--count`). */
  readonly count?: ((i: number) => Int) | undefined;
}

const rfCell = (pick: (rf: ReceptiveField) => Int, none = '—') => (_: TracedLayer, i: number, __: Trace, ctx: TableContext) => {
  const axes = ctx.receptiveFieldAxes;
  if (axes) {
    const each = axes.map((t) => t.at(i));
    return each[0] ? each.map((rf) => String(pick(rf!))).join('×') : none;
  }
  const rf = ctx.receptiveFields?.at(i);
  return rf ? String(pick(rf)) : none;
};
const rawInt = (x: Int): string => (x === 0 ? '' : String(x));

const shapeOrDash = (shape: readonly number[] | null, sym = false): string => (shape ? shapeText(shape, sym) : '—');
const intOrDash = (x: Int): string => (x === 0 ? '—' : groupDigits(x));

export const COLUMNS = [
  { name: 'name', heading: 'Layer (module path)', align: 'left', cell: (l) => l.spec.name },
  { name: 'type', heading: 'Type', align: 'left', cell: (l) => typeName(l.spec) },
  { name: 'input', heading: 'Input', align: 'left', cell: (l, _, t) => shapeText(l.input, t.symbolicBatch) },
  { name: 'output', heading: 'Output', align: 'left', cell: (l, _, t) => shapeText(l.output, t.symbolicBatch) },
  { name: 'weight', heading: 'Weight', align: 'left', cell: (l) => shapeOrDash(l.weight) },
  { name: 'bias', heading: 'Bias', align: 'left', cell: (l) => shapeOrDash(l.bias) },
  { name: 'params', heading: 'Params', align: 'right', cell: (l) => intOrDash(l.params), raw: (l) => rawInt(l.params) },
  {
    name: 'params%',
    heading: 'Params %',
    align: 'right',
    cell: (l, _, t) => (l.params === 0 ? '—' : percent(l.params, t.totals.params)),
    raw: (l, _, t) => (l.params === 0 ? '' : percent(l.params, t.totals.params).replace('%', '')),
  },
  { name: 'macs', heading: 'Mult-adds', align: 'right', cell: (l) => intOrDash(l.macs), raw: (l) => rawInt(l.macs) },
  { name: 'rf', heading: 'Receptive field', align: 'right', cell: rfCell((r) => r.size), raw: rfCell((r) => r.size, '') },
  { name: 'stride', heading: 'Eff. stride', align: 'right', cell: rfCell((r) => r.stride), raw: rfCell((r) => r.stride, '') },
  { name: 'center', heading: 'RF centre', align: 'right', cell: rfCell((r) => r.center), raw: rfCell((r) => r.center, '') },
  {
    name: 'memory',
    heading: 'Kept for backward',
    align: 'right',
    cell: (_, i, __, ctx) => {
      const b = ctx.activationBytes?.[i];
      return b === undefined || b === 0 ? '—' : binaryBytes(b);
    },
    raw: (_, i, __, ctx) => rawInt(ctx.activationBytes?.[i] ?? 0),
  },
  {
    name: 'count',
    heading: 'Count',
    align: 'right',
    cell: (_, i, __, ctx) => (ctx.count ? intOrDash(ctx.count(i)) : '—'),
    raw: (_, i, __, ctx) => (ctx.count ? rawInt(ctx.count(i)) : ''),
  },
] as const satisfies readonly Column[];

export type ColumnName = (typeof COLUMNS)[number]['name'];

export const COLUMN_NAMES: readonly ColumnName[] = COLUMNS.map((c) => c.name);

export const DEFAULT_COLUMNS: readonly ColumnName[] = ['name', 'type', 'output', 'weight', 'bias', 'params', 'macs'];

/** The table's columns and what their cells need: `--columns`, or the defaults (with --count, its figures in the mult-adds column's place). */
export function tableColumns(a: Analysis, columns: readonly ColumnName[] | undefined): { columns: Column[]; context: TableContext } {
  const names = columns ?? (a.count ? DEFAULT_COLUMNS.map((n) => (n === 'macs' ? 'count' : n)) : DEFAULT_COLUMNS);
  const count = a.count;
  const fields = names.some((n) => n === 'rf' || n === 'stride' || n === 'center');
  const context = {
    receptiveFields: fields ? a.receptiveFields : undefined,
    receptiveFieldAxes: fields ? a.receptiveFieldAxes : undefined,
    activationBytes: a.memory.rows,
    count: count ? (i: number) => a.counts.row(count, i) : undefined,
  };
  const selected = names.map((n) => {
    const column: Column = COLUMNS.find((c) => c.name === n)!;
    return n === 'count' && count ? { ...column, heading: `Count (${count})` } : column;
  });
  return { columns: selected, context };
}


export function percent(part: Int, whole: Int): string {
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

/** A column of the folded table (`--depth stage|block`): one row per group. */
export interface GroupColumn {
  readonly heading: string;
  readonly align: 'left' | 'right';
  readonly cell: (group: Group, trace: Trace) => string;
  /** A number's value as data (CSV). */
  readonly raw?: (group: Group, trace: Trace) => string;
}

export const GROUP_COLUMNS: readonly GroupColumn[] = [
  { heading: 'Group', align: 'left', cell: (g) => g.name },
  {
    heading: 'Kind',
    align: 'left',
    cell: (g, t) => (g.kind === 'stage' ? `${t.config.layers[Number(g.name.slice(5)) - 1]} × ${t.config.block}` : g.kind),
  },
  { heading: 'Rows', align: 'right', cell: (g) => String(g.rows[1] - g.rows[0] + 1) },
  { heading: 'Input', align: 'left', cell: (g, t) => shapeText(g.input, t.symbolicBatch) },
  { heading: 'Output', align: 'left', cell: (g, t) => shapeText(g.output, t.symbolicBatch) },
  { heading: 'Params', align: 'right', cell: (g) => intOrDash(g.params), raw: (g) => rawInt(g.params) },
  {
    heading: 'Params %',
    align: 'right',
    cell: (g, t) => (g.params === 0 ? '—' : percent(g.params, t.totals.params)),
    raw: (g, t) => (g.params === 0 ? '' : percent(g.params, t.totals.params).replace('%', '')),
  },
  { heading: 'Mult-adds', align: 'right', cell: (g) => intOrDash(g.macs), raw: (g) => rawInt(g.macs) },
];

/** One row per group (stem, stage or block, head): the table folded by `--depth`. */
export function formatGroupTable(trace: Trace, groups: readonly Group[], hl: Highlighter = PLAIN, options: TableOptions = {}): string {
  const head = GROUP_COLUMNS.map((c) => hl.heading(c.heading));
  const rows = groups.map((g) => GROUP_COLUMNS.map((c) => c.cell(g, trace)));
  const table = renderGrid(head, GROUP_COLUMNS.map((c) => c.align), rows);
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

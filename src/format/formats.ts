// Every output format, keyed by name: what `--format` accepts is this table's keys, and a
// format is a function from the analysis to text, written in pieces so a huge trace streams.

import type { Analysis } from '../analysis/analyze.js';
import { InputError } from '../errors.js';
import { groupDigits } from '../int.js';
import { PLAIN, type Highlighter } from './common.js';
import { formatDot, formatMermaid } from './diagram.js';
import { buildGraph, graphSize, MAX_DIAGRAM_NODES } from './graph.js';
import { jsonChunks } from './json.js';
import { logLines } from './log.js';
import { fitLine, memoryLines } from './memory.js';
import { COLUMNS, DEFAULT_COLUMNS, formatGroupTable, tableLines, type ColumnName } from './table.js';

export interface FormatOptions {
  readonly hl?: Highlighter;
  /** Table columns by name (default: DEFAULT_COLUMNS). */
  readonly columns?: readonly ColumnName[] | undefined;
}

export type Formatter = (a: Analysis, options: FormatOptions) => Iterable<string>;

function* withNewlines(lines: Iterable<string>): Generator<string> {
  for (const line of lines) yield `${line}\n`;
}

const fitLines = (a: Analysis): string[] => (a.fit ? [fitLine(a.fit)] : []);

function diagram(a: Analysis, name: 'dot' | 'mermaid'): string {
  const depth = a.depth ?? 'block';
  const nodes = graphSize(a.trace, depth);
  if (nodes > MAX_DIAGRAM_NODES) {
    throw new InputError(
      `--format ${name}: the diagram would have ${groupDigits(nodes)} nodes at --depth ${depth}, expected at most ${groupDigits(MAX_DIAGRAM_NODES)}: fold it with --depth stage`,
    );
  }
  const graph = buildGraph(a.trace, depth);
  return name === 'dot' ? formatDot(graph, a.config.name) : formatMermaid(graph);
}

export const FORMATS = {
  /** The notes' per-layer trace (Paddle names), then the totals. */
  log: (a, { hl = PLAIN }) => withNewlines(logLines(a.trace, hl, fitLines(a))),
  /** A table of every row (or of groups with --depth stage|block), totals and memory below. */
  table: (a, { hl = PLAIN, columns = DEFAULT_COLUMNS }) => {
    const sym = a.trace.symbolicBatch;
    const footer = [...memoryLines(a.memory, a.memoryOptions, sym), ...fitLines(a)];
    if (a.depth === 'stage' || a.depth === 'block') return [formatGroupTable(a.trace, a.groups ?? [], hl, { footer })];
    const context = {
      receptiveFields: columns.some((n) => n === 'rf' || n === 'stride' || n === 'center') ? a.receptiveFields : undefined,
      activationBytes: a.memory.rows,
    };
    const selected = columns.map((n) => COLUMNS.find((c) => c.name === n)!);
    return withNewlines(tableLines(a.trace, hl, { columns: selected, context, footer }));
  },
  /** The trace document (schemaVersion 1; `resnet-shapes schema trace`). */
  json: (a) => jsonChunks(a),
  /** Graphviz DOT. */
  dot: (a) => [diagram(a, 'dot')],
  /** A Mermaid flowchart. */
  mermaid: (a) => [diagram(a, 'mermaid')],
} as const satisfies Record<string, Formatter>;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

/** A whole format's text at once (the library's convenience; the CLI streams). */
export function formatAnalysis(a: Analysis, name: FormatName, options: FormatOptions = {}): string {
  let out = '';
  for (const piece of FORMATS[name](a, options)) out += piece;
  return out;
}

// Every output format, keyed by name: what `--format` accepts is this table's keys, and a
// format is a function from the analysis to text, written in pieces so a huge trace streams.

import type { Analysis } from '../analysis/analyze.js';
import { InputError } from '../errors.js';
import { groupDigits } from '../int.js';
import { metric, perSample, PLAIN, type Highlighter } from './common.js';
import { formatCounts } from './counts.js';
import { formatDot, formatMermaid } from './diagram.js';
import { buildGraph, graphSize, MAX_DIAGRAM_NODES } from './graph.js';
import { jsonChunks } from './json.js';
import { logLines } from './log.js';
import { fitLine, memoryLines } from './memory.js';
import { csvPieces, latexPieces, markdownPieces } from './papers.js';
import { formatGroupTable, tableColumns, tablePieces, type ColumnName } from './table.js';

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

/** With --count: the convention's total (its rows are in the table and JSON). */
const countLines = (a: Analysis): string[] =>
  a.count ? [`Count (${a.count}): ${metric(a.counts.conventions[a.count].total)}${perSample(a.trace)} (${groupDigits(a.counts.conventions[a.count].total)}; see --format counts)`] : [];

/** Mermaid's default maxEdges: a larger flowchart is not drawn (GitHub renders with it). */
export const MERMAID_MAX_EDGES = 500;

function diagram(a: Analysis, name: 'dot' | 'mermaid'): string {
  const depth = a.depth ?? 'block';
  const nodes = graphSize(a.trace, depth);
  if (nodes > MAX_DIAGRAM_NODES) {
    throw new InputError(
      `--format ${name}: the diagram would have ${groupDigits(nodes)} nodes at --depth ${depth}, expected at most ${groupDigits(MAX_DIAGRAM_NODES)}: fold it with --depth stage`,
    );
  }
  const graph = buildGraph(a.trace, depth);
  if (name === 'mermaid' && graph.edges.length > MERMAID_MAX_EDGES) {
    throw new InputError(
      `--format mermaid: the diagram would have ${groupDigits(graph.edges.length)} edges at --depth ${depth}, expected at most ${MERMAID_MAX_EDGES} (Mermaid's limit, as GitHub renders it): fold it with --depth ${depth === 'layer' ? 'block' : 'stage'}, or use --format dot`,
    );
  }
  return name === 'dot' ? formatDot(graph, a.config.name) : formatMermaid(graph);
}

export const FORMATS = {
  /** The notes' per-layer trace (Paddle names), then the totals. */
  log: (a, { hl = PLAIN }) => withNewlines(logLines(a.trace, hl, [...countLines(a), ...fitLines(a)])),
  /** A table of every row (or of groups with --depth stage|block), totals and memory below. */
  table: (a, { hl = PLAIN, columns }) => {
    const sym = a.trace.symbolicBatch;
    const footer = [...countLines(a), ...memoryLines(a.memory, a.memoryOptions, sym), ...fitLines(a)];
    if (a.depth === 'stage' || a.depth === 'block') return [formatGroupTable(a.trace, a.groups ?? [], hl, { footer })];
    return tablePieces(a.trace, hl, { ...tableColumns(a, columns), footer });
  },
  /** The trace document (schemaVersion 1; `resnet-shapes schema trace`). */
  json: (a) => jsonChunks(a),
  /** Graphviz DOT. */
  dot: (a) => [diagram(a, 'dot')],
  /** A Mermaid flowchart. */
  mermaid: (a) => [diagram(a, 'mermaid')],
  /** Every counting convention's total and the terms that make it differ from torchvision's. */
  counts: (a, { hl = PLAIN }) => [formatCounts(a, hl)],
  /** The table as data: RFC 4180 CSV, numbers without separators or units. */
  csv: (a, { columns }) => csvPieces(a, columns),
  /** The table as GitHub-flavoured Markdown, with the totals below it. */
  markdown: (a, { columns }) => markdownPieces(a, columns),
  /** The table as a LaTeX longtable with booktabs rules (a fragment: \usepackage{booktabs,longtable}). */
  latex: (a, { columns }) => latexPieces(a, columns),
} as const satisfies Record<string, Formatter>;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

/** A whole format's text at once (the library's convenience; the CLI streams). */
export function formatAnalysis(a: Analysis, name: FormatName, options: FormatOptions = {}): string {
  let out = '';
  for (const piece of FORMATS[name](a, options)) out += piece;
  return out;
}

// Tables for people who write: the per-layer table (or the folded one, with --depth) as CSV for a
// spreadsheet, Markdown for a README and LaTeX (booktabs) for a paper. The same columns as the
// table; numbers plain in CSV, with separators in the others. Written in pieces, a few thousand
// rows a piece, so a large trace streams.

import type { Analysis } from '../analysis/analyze.js';
import { groupDigits } from '../int.js';
import { inert, metric, perSample, shapeText } from './common.js';
import { footerLines, GROUP_COLUMNS, tableColumns, type ColumnName } from './table.js';

/** The rows of a table, however it is folded: headings, alignment, each row's text and data. */
interface Rows {
  readonly headings: readonly string[];
  readonly right: readonly boolean[];
  readonly count: number;
  /** Row i's cells as the table shows them; as data (`raw`), a number's plain digits. */
  cells(i: number, raw: boolean): string[];
}

function rowsOf(a: Analysis, names: readonly ColumnName[] | undefined): Rows {
  const { trace } = a;
  if (a.depth === 'stage' || a.depth === 'block') {
    const groups = a.groups ?? [];
    return {
      headings: GROUP_COLUMNS.map((c) => c.heading),
      right: GROUP_COLUMNS.map((c) => c.align === 'right'),
      count: groups.length,
      cells: (i, raw) => GROUP_COLUMNS.map((c) => (raw && c.raw ? c.raw : c.cell)(groups[i]!, trace)),
    };
  }
  const { columns, context } = tableColumns(a, names);
  return {
    headings: columns.map((c) => c.heading),
    right: columns.map((c) => c.align === 'right'),
    count: trace.layers.length,
    cells: (i, raw) => columns.map((c) => (raw && c.raw ? c.raw : c.cell)(trace.layers[i]!, i, trace, context)),
  };
}

/** Rows in a piece: the text of a few thousand at a time. */
const PIECE = 4096;

function* pieces(rows: Rows, line: (cells: string[]) => string, raw: boolean): Generator<string> {
  let text = '';
  for (let i = 0; i < rows.count; i++) {
    text += line(rows.cells(i, raw));
    if (i % PIECE === PIECE - 1) {
      yield text;
      text = '';
    }
  }
  if (text !== '') yield text;
}

/** One line of the model and the input, and the totals: a caption (never begun by the name: a line of a CI log begun by `::` is a command). */
function caption(a: Analysis): string {
  const t = a.trace;
  return `Layers of ${inert(t.config.name)} at ${shapeText(t.input, t.symbolicBatch)}: ${groupDigits(t.totals.params)} parameters, ${metric(t.totals.macs)}MACs${perSample(t)}`;
}

// ---- CSV ------------------------------------------------------------------------------------

/**
 * RFC 4180's quoting: a field with a comma or a quote is quoted, its quotes doubled (a line break
 * never reaches a field: inert writes it as `\n`). Lines end with LF, as every CSV reader takes
 * them, not CRLF: the output holds no carriage return a terminal or a CI log would act on.
 */
const csvField = (text: string): string => (/[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
const csvLine = (cells: string[]): string => `${cells.map((c) => csvField(c === '—' ? '' : inert(c))).join(',')}\n`;

export function* csvPieces(a: Analysis, columns?: readonly ColumnName[]): Generator<string> {
  const rows = rowsOf(a, columns);
  yield csvLine([...rows.headings]);
  yield* pieces(rows, csvLine, true);
}

// ---- Markdown -------------------------------------------------------------------------------

/** A cell of a GitHub-flavoured Markdown table: its pipes and backslashes escaped, on one line. */
const mdCell = (text: string): string => inert(text).replace(/[\\|`*_]/g, (c) => `\\${c}`);
const mdLine = (cells: string[]): string => `| ${cells.map(mdCell).join(' | ')} |\n`;

export function* markdownPieces(a: Analysis, columns?: readonly ColumnName[]): Generator<string> {
  const rows = rowsOf(a, columns);
  yield `${mdCell(caption(a))}\n\n`;
  yield mdLine([...rows.headings]);
  yield `|${rows.right.map((r) => (r ? ' ---: ' : ' :--- ')).join('|')}|\n`;
  yield* pieces(rows, mdLine, false);
  yield `\n${footerLines(a.trace, []).map((l) => `- ${mdCell(l)}`).join('\n')}\n`;
}

// ---- LaTeX ----------------------------------------------------------------------------------

const TEX: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '#': '\\#',
  '^': '\\textasciicircum{}',
  _: '\\_',
  '%': '\\%',
  '~': '\\textasciitilde{}',
  '—': '---',
  '×': '$\\times$',
  '·': '$\\cdot$',
  '≥': '$\\geq$',
};

/** Text as LaTeX typesets it: its special characters escaped, the few non-ASCII ones of the tables as commands. */
const tex = (text: string): string => inert(text).replace(/[\\{}$&#^_%~—×·≥]/g, (c) => TEX[c]!);
/** A row: its first cell's leading `[` braced (after the previous row's `\\` it would be read as spacing). */
const texLine = (cells: string[]): string => `${cells.map((c, k) => (k === 0 ? tex(c).replace(/^\[/, '{[}') : tex(c))).join(' & ')} \\\\\n`;

export function* latexPieces(a: Analysis, columns?: readonly ColumnName[]): Generator<string> {
  const rows = rowsOf(a, columns);
  const spec = rows.right.map((r) => (r ? 'r' : 'l')).join('');
  const head = texLine([...rows.headings]);
  yield (
    `% resnet-shapes --format latex: needs \\usepackage{booktabs} and \\usepackage{longtable}\n` +
    `\\begin{longtable}{${spec}}\n` +
    `\\caption{${tex(caption(a))}}\\\\\n` +
    `\\toprule\n${head}\\midrule\n\\endfirsthead\n` +
    `\\toprule\n${head}\\midrule\n\\endhead\n` +
    `\\bottomrule\n\\endfoot\n`
  );
  yield* pieces(rows, texLine, false);
  yield `\\end{longtable}\n`;
}

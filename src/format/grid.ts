// A box-drawn table in the layout and characters of cli-table3 (compact style, one line per
// row, cells padded by one space, full-width heading rows), rendered in one linear pass.
// cli-table3 itself spends quadratic time laying out a few hundred rows (it checks every cell
// for row-span conflicts with every earlier row); test/grid.test.ts holds this renderer to
// cli-table3's output byte for byte.

export type Align = 'left' | 'right';

/** A row of cells, or one cell spanning the whole width. */
export type GridRow = readonly string[] | { readonly span: string };

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Display width: ANSI colour codes take no room; every character we print is one column. */
export function textWidth(s: string): number {
  return s.includes('\x1b') ? s.replace(ANSI, '').length : s.length;
}

function pad(s: string, width: number, align: Align): string {
  // colour codes take no room, so they widen the padded length
  const length = width + s.length - textWidth(s);
  return align === 'right' ? s.padStart(length) : s.padEnd(length);
}

const spans = (row: GridRow): row is { readonly span: string } => !Array.isArray(row);

/** Column widths (padding included), spanning rows widening columns as cli-table3 does. */
function columnWidths(head: readonly string[], rows: Iterable<GridRow>): number[] {
  const widths = head.map((h) => textWidth(h) + 2);
  const spanning: number[] = [];
  const widen = (row: GridRow) => {
    if (spans(row)) spanning.push(textWidth(row.span) + 2);
    else for (let c = 0; c < row.length; c++) widths[c] = Math.max(widths[c]!, textWidth(row[c]!) + 2);
  };
  // a held table is indexed (a for-of makes an iterator object per step in the interpreter
  // that runs this once); a streamed one is iterated
  if (Array.isArray(rows)) for (let i = 0; i < rows.length; i++) widen(rows[i] as GridRow);
  else for (const row of rows) widen(row);
  // each spanning cell, last first: share what it lacks among the columns, left to right
  for (let k = spanning.length - 1; k >= 0; k--) {
    const desired = spanning[k]!;
    let existing = widths.reduce((a, b) => a + b, 0) + widths.length - 1;
    let editable = widths.length;
    for (let c = 0; editable > 0 && desired > existing; c++, editable--) {
      const dif = Math.round((desired - existing) / editable);
      existing += dif;
      widths[c]! += dif;
    }
  }
  return widths;
}

/**
 * The table, a line at a time. `rows` is read twice (widths, then lines), so a huge table
 * streams: pass a function that produces the rows anew.
 */
export function* gridLines(head: readonly string[], aligns: readonly Align[], rows: () => Iterable<GridRow>): Generator<string> {
  const widths = columnWidths(head, rows());
  const total = widths.reduce((a, b) => a + b, 0) + widths.length - 1;
  const rule = (left: string, junction: string, right: string) =>
    `${left}${widths.map((w) => '─'.repeat(w)).join(junction)}${right}`;
  const line = (cells: readonly string[]) => {
    let text = '│';
    for (let c = 0; c < cells.length; c++) text += ` ${pad(cells[c]!, widths[c]! - 2, aligns[c] ?? 'left')} │`;
    return text;
  };
  yield rule('┌', '┬', '┐');
  yield line(head);
  let last: GridRow | undefined;
  for (const row of rows()) {
    if (last === undefined) yield rule('├', spans(row) ? '┴' : '┼', '┤');
    // a spanning cell takes the alignment of the column it starts in
    yield spans(row) ? `│ ${pad(row.span, total - 2, aligns[0] ?? 'left')} │` : line(row);
    last = row;
  }
  yield rule('└', last && spans(last) ? '─' : '┴', '┘');
}

export function renderGrid(head: readonly string[], aligns: readonly Align[], rows: readonly GridRow[]): string {
  return [...gridLines(head, aligns, () => rows)].join('\n');
}

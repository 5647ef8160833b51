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

/** Runs of spaces, made once per length. */
const SPACES: string[] = [''];
function spaces(n: number): string {
  return n <= 0 ? '' : (SPACES[n] ??= ' '.repeat(n));
}

const LINES_PER_PIECE = 256;

const spans = (row: GridRow): row is { readonly span: string } => !Array.isArray(row);

/** Column widths (padding included), spanning rows widening columns as cli-table3 does. */
function columnWidths(head: readonly string[], chunks: Iterable<readonly GridRow[]>, colored: boolean): number[] {
  const widths = head.map((h) => textWidth(h) + 2);
  const spanning: number[] = [];
  // rows come in arrays, indexed (a for-of makes an iterator object per step in the
  // interpreter that runs this once)
  for (const rows of chunks) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (spans(row)) spanning.push(textWidth(row.span) + 2);
      else {
        for (let c = 0; c < row.length; c++) {
          const w = (colored ? textWidth(row[c]!) : row[c]!.length) + 2;
          if (w > widths[c]!) widths[c] = w;
        }
      }
    }
  }
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
 * The table as text, in pieces of a few hundred lines, each line ending in a newline. `chunks` is read
 * twice (widths, then lines), so a huge table streams: pass a function that makes the rows anew.
 * `colored`: whether a row's cells may hold colour codes (headings and spanning cells always may).
 */
export function* gridPieces(
  head: readonly string[],
  aligns: readonly Align[],
  chunks: () => Iterable<readonly GridRow[]>,
  colored = true,
): Generator<string> {
  const widths = columnWidths(head, chunks(), colored);
  const total = widths.reduce((a, b) => a + b, 0) + widths.length - 1;
  const rule = (left: string, junction: string, right: string) =>
    `${left}${widths.map((w) => '─'.repeat(w)).join(junction)}${right}\n`;
  // a cell padded with `room` spaces to its column's width (colour codes take no room); a
  // spanning cell takes the alignment of the column it starts in
  const cell = (s: string, room: number, align: Align | undefined): string => {
    const fill = spaces(room);
    return align === 'right' ? ` ${fill}${s} │` : ` ${s}${fill} │`;
  };
  const line = (row: GridRow): string => {
    if (spans(row)) return `│${cell(row.span, total - 2 - textWidth(row.span), aligns[0])}\n`;
    let text = '│';
    for (let c = 0; c < row.length; c++) {
      const s = row[c]!;
      text += cell(s, widths[c]! - 2 - (colored ? textWidth(s) : s.length), aligns[c]);
    }
    return `${text}\n`;
  };
  yield rule('┌', '┬', '┐') + `│${head.map((h, c) => cell(h, widths[c]! - 2 - textWidth(h), aligns[c])).join('')}\n`;
  let last: GridRow | undefined;
  for (const rows of chunks()) {
    // a piece every LINES_PER_PIECE lines: text held longer than that outlives the young
    // generation, and a huge table's would pile up in the old one
    let text = '';
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (last === undefined) text += rule('├', spans(row) ? '┴' : '┼', '┤');
      text += line(row);
      last = row;
      if ((i + 1) % LINES_PER_PIECE === 0) {
        yield text;
        text = '';
      }
    }
    yield text;
  }
  yield rule('└', last && spans(last) ? '─' : '┴', '┘');
}

export function renderGrid(head: readonly string[], aligns: readonly Align[], rows: readonly GridRow[]): string {
  let text = '';
  for (const piece of gridPieces(head, aligns, () => [rows])) text += piece;
  return text.slice(0, -1);
}

// The table renderer draws what cli-table3 draws (compact style, full-width heading rows),
// byte for byte: cli-table3 is the oracle.

import Table from 'cli-table3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderGrid, type Align, type GridRow } from '../src/format/grid.js';

function withCliTable3(head: string[], aligns: Align[], rows: GridRow[]): string {
  const table = new Table({ head: [...head], colAligns: [...aligns], style: { head: [], border: [], compact: true } });
  // cli-table3 changes the rows it is given: hand it copies
  for (const row of rows) table.push(Array.isArray(row) ? [...row] : [{ colSpan: head.length, content: (row as { span: string }).span }]);
  return table.toString();
}

const text = fc.stringMatching(/^[a-z0-9 .,[\]·×—-]{0,24}$/);

describe('renderGrid', () => {
  it('equals cli-table3 on random tables', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((cols) =>
          fc.record({
            head: fc.array(text, { minLength: cols, maxLength: cols }),
            aligns: fc.array(fc.constantFrom<Align>('left', 'right'), { minLength: cols, maxLength: cols }),
            rows: fc.array(
              fc.oneof(
                fc.array(text, { minLength: cols, maxLength: cols }),
                fc.record({ span: fc.stringMatching(/^[a-z0-9 .·]{0,70}$/) }),
              ),
              { maxLength: 8 },
            ),
          }),
        ),
        ({ head, aligns, rows }) => {
          expect(renderGrid(head, aligns, rows)).toBe(withCliTable3(head, aligns, rows));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('measures coloured text without its escape codes', () => {
    const red = (s: string) => `\x1b[31m${s}\x1b[39m`;
    const rows: GridRow[] = [{ span: red('stem') }, [red('conv1'), '9,408']];
    expect(renderGrid([red('Layer'), 'Params'], ['left', 'right'], rows)).toBe(
      withCliTable3([red('Layer'), 'Params'], ['left', 'right'], rows),
    );
  });
});

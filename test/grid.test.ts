// The table renderer draws what cli-table3 draws (compact style, full-width heading rows),
// byte for byte: cli-table3 is the oracle.

import Table from 'cli-table3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridPieces, renderGrid, type Align, type GridRow } from '../src/format/grid.js';
import { analyze } from '../src/analysis/analyze.js';
import { formatTable } from '../src/format/table.js';
import { resolveConfig } from '../src/network/config.js';

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

describe('a table too large to hold', () => {
  it('streamed in chunks of rows, draws what one held chunk draws (cli-table3 above)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.tuple(text, text), fc.record({ span: fc.stringMatching(/^[a-z0-9 .·]{0,40}$/) })), { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 5 }),
        fc.boolean(),
        (rows, cuts, colored) => {
          // the same rows cut into chunks wherever the cuts fall
          const at = [...new Set(cuts.map((c) => Math.min(c, rows.length)))].sort((a, b) => a - b);
          const chunks = [0, ...at, rows.length].slice(1).map((end, k, ends) => rows.slice(k === 0 ? 0 : ends[k - 1], end));
          const streamed = [...gridPieces(['Layer', 'Params'], ['left', 'right'], () => chunks, colored)].join('');
          expect(streamed.slice(0, -1)).toBe(renderGrid(['Layer', 'Params'], ['left', 'right'], rows));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('heads every stage and block once, wherever the chunks of rows it is made in begin', () => {
    // [3, 4, 6000, 3] bottlenecks: 10 rows a block, some 60,000 rows (more than are held)
    const blocks = [3, 4, 6000, 3];
    const config = resolveConfig({ block: 'bottleneck', layers: blocks }, 'big');
    const result = analyze(config, [1, 3, 224, 224]);
    if (!result.ok) throw new Error('the network takes its input');
    const { trace } = result.analysis;
    expect(trace.layers.length).toBeGreaterThan(50_000);
    const lines = formatTable(trace).split('\n');
    const blockHeadings = lines.filter((l) => /^│ layer\d+\.\d+ · bottleneck/.test(l));
    const stageHeadings = lines.filter((l) => /^│ layer\d+ · \d+ bottleneck blocks?/.test(l));
    expect(blockHeadings.length).toBe(blocks.reduce((a, b) => a + b, 0));
    expect(stageHeadings.length).toBe(blocks.length);
    // every line of the box as wide as the first
    const box = lines.filter((l) => /^[│┌├└]/.test(l));
    expect(new Set(box.map((l) => l.length)).size).toBe(1);
    // one line per row: rows, headings, the stem and head headings, the heading line and 4 rules
    expect(box.length).toBe(trace.layers.length + blockHeadings.length + stageHeadings.length + 2 + 1 + 3);
  });
});

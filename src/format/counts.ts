// `--format counts`: every counting tool's total for this network and input, and the terms that
// make it differ from torchvision's: the answer to "why do the tools disagree".

import type { Analysis } from '../analysis/analyze.js';
import { COUNT_NAMES, paramCounts, torchinfoSizes } from '../analysis/counts.js';
import { add, groupDigits, type Int } from '../int.js';
import { inert, perSample, PLAIN, shapeText, type Highlighter } from './common.js';
import { renderGrid, type GridRow } from './grid.js';

const signed = (x: Int): string => (x > 0 ? `+${groupDigits(x)}` : groupDigits(x));

export function formatCounts(a: Analysis, hl: Highlighter = PLAIN): string {
  const { trace } = a;
  const { conventions } = a.counts;
  const base = conventions.torchvision.total;
  const rows: GridRow[] = [];
  for (const name of COUNT_NAMES) {
    const c = conventions[name];
    if (c.fails) {
      rows.push([name, '—', '—', `no figure: ${inert(c.fails)}`]);
      continue;
    }
    const terms = c.terms.filter((t) => t.total !== 0 && t.total !== 0n);
    const delta = c.terms.reduce<Int>((sum, t) => add(sum, t.total), 0);
    const why = terms.length === 0 ? (name === 'torchvision' ? 'conv and linear mult-adds only' : 'the same as torchvision here') : `${terms[0]!.label}: ${signed(terms[0]!.total)}`;
    rows.push([name, groupDigits(c.total), name === 'torchvision' ? '—' : signed(delta), why]);
    for (const t of terms.slice(1)) rows.push(['', '', '', `${t.label}: ${signed(t.total)}`]);
  }
  const head = ['Convention', `Total${perSample(trace)}`, 'vs torchvision', 'Why (terms that sum to the difference)'].map((h) => hl.heading(h));
  const table = renderGrid(head, ['left', 'right', 'right', 'left'], rows);
  const p = paramCounts(trace);
  const sizes = torchinfoSizes(trace);
  const notes = [
    `Counts for ${inert(trace.config.name)} at ${shapeText(trace.input, trace.symbolicBatch)}; 'flops' is 2 × torchvision's mult-adds.`,
    `Params: PyTorch ${groupDigits(p.pytorch)} · Keras ${groupDigits(p.keras)} · Paddle ${groupDigits(p.paddle)} (Keras and Paddle count BatchNorm's running mean and variance)`,
    `Exported with each BatchNorm folded into the conv before it (ONNX, OpenVINO): ${groupDigits(p.bnFolded)} params`,
    `torchinfo: ${sizes.paramsLine} · ${sizes.forwardBackwardLine}`,
  ];
  return `${hl.heading(notes[0]!)}\n${table}\n${notes.slice(1).map((l) => hl.dim(l)).join('\n')}\n`;
}

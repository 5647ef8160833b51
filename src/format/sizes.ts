// `resnet-shapes sizes` as text, a table or JSON.

import { AXIS_NAMES, type Interval, type SizesReport } from '../analysis/sizes.js';
import { toJsonValue } from '../int.js';
import { renderGrid } from './grid.js';

const n = (x: bigint): string => x.toString();
/** `25–56`, `97`, `1 and up` (`to` between the ends: `25 to 56` in a sentence). */
export const span = ([a, b]: Interval, to = '–'): string => (b === null ? `${n(a)} and up` : a === b ? n(a) : `${n(a)}${to}${n(b)}`);
/** `25–56, 97 and up`, or `none`. */
export const spans = (list: readonly Interval[], to = '–'): string => (list.length === 0 ? 'none' : list.map((i) => span(i, to)).join(', '));
const json = (x: bigint) => toJsonValue(x > BigInt(Number.MAX_SAFE_INTEGER) ? x : Number(x));
const intervalsJson = (list: readonly Interval[]) => list.map(([a, b]) => [json(a), b === null ? null : json(b)]);

/** "multiples of 32", "sizes ≡ 1 or 17 (mod 32)" */
function noLossText(noLoss: SizesReport['axes'][number]['noLoss']): string {
  if (!noLoss) return 'not walked (the total stride is beyond 10^6)';
  if (noLoss.residues.length === 0) return 'none';
  if (noLoss.modulus === 1n) return 'every size';
  if (noLoss.residues.length === 1 && noLoss.residues[0] === 0n) return `multiples of ${noLoss.modulus}`;
  return `sizes ≡ ${noLoss.residues.map(n).join(', ')} (mod ${noLoss.modulus})`;
}

export function sizesText(r: SizesReport, model: string): string {
  const [, , h, w] = r.input;
  const lines = [`${model}: each axis taken with the other at the model's default input ${r.input.join('×')}`];
  r.axes.forEach((a, axis) => {
    const name = AXIS_NAMES[axis];
    lines.push(`${name}:`);
    lines.push(`  valid: ${spans(a.valid)}`);
    lines.push(`  total stride: ${n(a.period)} (every row's ${name} steps once per ${n(a.period)} input sizes)`);
    const give = (i: Interval) => `${span(i)} ${i[0] === i[1] ? 'gives' : 'give'}`;
    if (a.output && r.outputRow) lines.push(`  ${give(a.output.sizes)} ${n(a.output.value)} at ${r.outputRow} (as ${axis === 0 ? h : w} does)`);
    if (a.same) lines.push(`  ${give(a.same)} the same shape at every row as ${axis === 0 ? h : w}`);
    lines.push(`  no row drops a row or column at: ${noLossText(a.noLoss)}`);
  });
  lines.push(`smallest square input: ${r.smallestSquare === null ? 'none' : `${n(r.smallestSquare)}×${n(r.smallestSquare)}`}`);
  if (r.target) {
    lines.push(`${r.target.row} is ${n(r.target.size[0])}×${n(r.target.size[1])} for height ${spans(r.target.sizes[0])}, width ${spans(r.target.sizes[1])}`);
  }
  if (r.conditions.length > 0) {
    lines.push(`conditions (${r.conditions.length}):`);
    for (const c of r.conditions) lines.push(`  ${c.path}: ${c.text}`);
  }
  return `${lines.join('\n')}\n`;
}

export function sizesTable(r: SizesReport, model: string): string {
  const rows = r.axes.map((a, axis) => [
    AXIS_NAMES[axis]!,
    spans(a.valid),
    n(a.period),
    a.output ? `${span(a.output.sizes)} → ${n(a.output.value)}` : '—',
    noLossText(a.noLoss),
  ]);
  const head = `${model} at ${r.input.join('×')}; smallest square ${r.smallestSquare === null ? 'none' : n(r.smallestSquare)}${r.outputRow ? `; output map: ${r.outputRow}` : ''}\n`;
  return head + renderGrid(['axis', 'valid', 'total stride', 'same output map', 'no loss at'], ['left', 'left', 'right', 'left', 'left'], rows);
}

export function sizesJson(r: SizesReport, model: string): string {
  const axes = (f: (a: SizesReport['axes'][number], i: 0 | 1) => unknown) => Object.fromEntries(r.axes.map((a, i) => [AXIS_NAMES[i], f(a, i as 0 | 1)]));
  const doc = {
    schemaVersion: 1,
    model,
    input: r.input,
    valid: axes((a) => intervalsJson(a.valid)),
    period: axes((a) => json(a.period)),
    smallestSquare: r.smallestSquare === null ? null : json(r.smallestSquare),
    outputRow: r.outputRow,
    output: axes((a) => (a.output ? { size: json(a.output.value), sizes: intervalsJson([a.output.sizes])[0] } : null)),
    sameEverywhere: axes((a) => (a.same ? intervalsJson([a.same])[0] : null)),
    noLoss: axes((a) => (a.noLoss ? { modulus: json(a.noLoss.modulus), residues: a.noLoss.residues.map(json) } : null)),
    ...(r.target ? { target: { row: r.target.row, size: r.target.size.map(json), ...axes((_, i) => intervalsJson(r.target!.sizes[i])) } } : {}),
    conditions: r.conditions.map((c) => ({ layer: c.path, condition: c.text })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

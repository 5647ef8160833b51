// The trace with symbolic sides (`--input 1,3,H,W`) as the notes' log, a table or JSON: shapes and
// mult-adds as formulas of H and W, the conditions under which the network runs.

import type { Dim } from '../analysis/sizes.js';
import { AXIS_NAMES, conditionText, dimText } from '../analysis/sizes.js';
import { polyText, type Poly, type SymbolicAnalysis } from '../analysis/symbolic.js';
import { groupDigits, toJsonValue } from '../int.js';
import { PLAIN, type Highlighter } from './common.js';
import { renderGrid } from './grid.js';
import { logLines } from './log.js';
import { SCHEMA_VERSION } from './json.js';
import { spans } from './sizes.js';
import { typeName } from '../analysis/kinds.js';

/** `[1, 64, ⌊(H+1)/2⌋, ⌊(W+1)/2⌋]`, `[N, …]` with a symbolic batch. */
function shapeOf(dims: readonly Dim[], symbolicBatch: boolean): string {
  return `[${dims.map((d, i) => (i === 0 && symbolicBatch ? 'N' : dimText(d))).join(', ')}]`;
}


function footer(s: SymbolicAnalysis): string[] {
  const t = s.trace.totals;
  const m = s.memory;
  const lines = [
    `total params: ${groupDigits(t.params)} · mult-adds: ${polyText(s.totalMacs)}${s.trace.symbolicBatch ? ' per sample' : ''}`,
    `activations kept for backward (${s.memoryOptions.dtype}, CUDA allocator bytes, with the output and the loss): ${polyText(s.activations)}`,
    `params + buffers ${groupDigits(m.params)} · gradients ${groupDigits(m.gradients)} · optimizer state ${groupDigits(m.optimizerState)} bytes (${s.memoryOptions.optimizer}); the peaks need sizes`,
  ];
  s.valid.forEach((v, axis) => {
    if (v) lines.push(`${AXIS_NAMES[axis]}: ${v.length === 0 ? 'no size works' : spans(v)} (the other side as at ${s.trace.input.slice(2).join('×')})`);
  });
  lines.push(s.conditions.length === 0 ? 'it runs at every size' : `it runs where (${s.conditions.length}):`);
  for (const c of s.conditions) lines.push(`  ${c.path}: ${conditionText(c)}`);
  return lines;
}

export function* symbolicLog(s: SymbolicAnalysis, hl: Highlighter = PLAIN): Generator<string> {
  const sym = s.trace.symbolicBatch;
  for (const line of logLines(s.trace, hl, [], (i) => hl.shape(shapeOf(i < 0 ? s.input : s.rows[i]!, sym)), false)) yield `${line}\n`;
  for (const line of footer(s)) yield `${hl.dim(line)}\n`;
}

export function symbolicTable(s: SymbolicAnalysis): string {
  const sym = s.trace.symbolicBatch;
  const rows = s.trace.layers.map((l, i) => [
    l.spec.name,
    typeName(l.spec),
    shapeOf(s.rows[i]!, sym),
    l.weight ? `[${l.weight.join(', ')}]` : '—',
    l.params === 0 ? '—' : groupDigits(l.params),
    s.macs[i]!.length === 0 ? '—' : polyText(s.macs[i]!),
  ]);
  return `${renderGrid(['layer', 'type', 'output', 'weight', 'params', 'mult-adds'], ['left', 'left', 'left', 'left', 'right', 'left'], rows)}\nInput: ${shapeOf(s.input, sym)}\n${footer(s).join('\n')}\n`;
}

const int = (x: bigint) => toJsonValue(x >= BigInt(-Number.MAX_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x);

/** A formula a script evaluates without parsing: a side ⌊(X + add)/divide⌋, a quotient, a product. */
function dimJson(d: Dim): unknown {
  switch (d.k) {
    case 'n':
      return int(d.v);
    case 'f':
      return { of: AXIS_NAMES[d.axis], add: int(d.c), divide: int(d.s) };
    case 'q':
      return { quotient: [dimJson(d.num), dimJson(d.den)] };
    case 'p':
      return { product: [int(d.factor), ...d.dims.map(dimJson)] };
  }
}

const polyJson = (p: Poly) =>
  p.map((t) => ({
    coefficient: int(t.coefficient),
    factors: t.factors.map(dimJson),
    ...(t.granule === undefined ? {} : { roundUpTo: int(t.granule), ...(t.times === undefined ? {} : { times: int(t.times) }) }),
  }));
const shapeJson = (dims: readonly Dim[], sym: boolean) => dims.map((d, i) => (i === 0 && sym ? 'N' : d.k === 'n' ? int(d.v) : dimText(d)));
const polyValue = (p: Poly) => (p.length === 0 ? 0 : p.length === 1 && p[0]!.factors.length === 0 ? int(p[0]!.coefficient) : polyText(p));

export function symbolicJson(s: SymbolicAnalysis): string {
  const t = s.trace;
  const sym = t.symbolicBatch;
  const doc = {
    schemaVersion: SCHEMA_VERSION,
    model: { name: t.config.name, block: t.config.block, layers: t.config.layers },
    input: shapeJson(s.input, sym),
    output: shapeJson(s.rows.at(-1) ?? s.input, sym),
    symbolic: { height: s.symbolic[0], width: s.symbolic[1], representative: t.input },
    layers: t.layers.map((l, i) => ({
      name: l.spec.name,
      paddleName: l.spec.paddleName,
      type: typeName(l.spec),
      input: shapeJson(l.spec.from < 0 ? s.input : s.rows[l.spec.from]!, sym),
      output: shapeJson(s.rows[i]!, sym),
      weight: l.weight,
      bias: l.bias,
      params: toJsonValue(l.params),
      macs: polyValue(s.macs[i]!),
      macsTerms: polyJson(s.macs[i]!),
      activationBytes: polyValue(s.kept[i]!),
    })),
    totals: {
      params: toJsonValue(t.totals.params),
      trainableParams: toJsonValue(t.totals.trainableParams),
      bnRunningStats: toJsonValue(t.totals.bnRunningStats),
      macs: polyValue(s.totalMacs),
      macsTerms: polyJson(s.totalMacs),
      perSample: sym,
    },
    memoryFormulas: {
      dtype: s.memoryOptions.dtype,
      optimizer: s.memoryOptions.optimizer,
      weightDecay: s.memoryOptions.weightDecay,
      perSample: sym,
      params: toJsonValue(s.memory.params),
      gradients: toJsonValue(s.memory.gradients),
      optimizerState: toJsonValue(s.memory.optimizerState),
      activations: polyValue(s.activations),
      activationsTerms: polyJson(s.activations),
    },
    valid: Object.fromEntries(s.valid.flatMap((v, axis) => (v ? [[AXIS_NAMES[axis], v.map(([a, b]) => [int(a), b === null ? null : int(b)])]] : []))),
    conditions: s.conditions.map((c) => ({ layer: c.path, condition: conditionText(c) })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

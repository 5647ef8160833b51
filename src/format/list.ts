// `--list`: every preset with its totals, as a text table or a JSON document.

import { groupDigits, toJsonValue } from '../int.js';
import { metric } from './common.js';
import { DEFAULT_INPUT, type PresetTotals } from '../request.js';
import { SCHEMA_VERSION } from './json.js';

/** The listing's headline input: a preset traced at another one says so on its row. */
const HEADLINE = DEFAULT_INPUT.shape;

export function presetListText(rows: readonly PresetTotals[]): string {
  const width = Math.max(...rows.map((r) => r.name.length));
  let out = `${'preset'.padEnd(width)}  ${'params'.padStart(11)}  ${'mult-adds'.padStart(9)}  description (at ${HEADLINE.join('×')}, 1000 classes, unless noted)\n`;
  for (const r of rows) {
    const own = r.input.join('×') === HEADLINE.join('×') ? '' : ` (at ${r.input.join('×')})`;
    out += `${r.name.padEnd(width)}  ${groupDigits(r.params).padStart(11)}  ${metric(r.macs).padStart(9)}  ${r.description}${own}\n`;
  }
  return out;
}

/** The listing as JSON: integers above 2^53 - 1 as decimal strings, as in the trace document. */
export function presetListJson(rows: readonly PresetTotals[]): string {
  const presets = rows.map((r) => ({ ...r, input: [...r.input], params: toJsonValue(r.params), macs: toJsonValue(r.macs) }));
  return `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, input: HEADLINE, presets }, null, 2)}\n`;
}

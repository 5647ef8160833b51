// Which inputs work (issue #29): the formulas of H and W against the concrete tracer. Each row's
// height and width as a formula of the input's, and the conditions under which the network runs,
// evaluated at a size, must give what tracing that size gives: shape for shape, and valid exactly
// when the trace succeeds, refused at the same row.

import { describe, expect, it } from 'vitest';
import { traceShapes } from '../src/analysis/trace.js';
import { evalDim, failing, symbolicTrace, type Sides } from '../src/analysis/sizes.js';
import { expandResNet } from '../src/network/expand.js';
import { PRESET_NAMES } from '../src/network/presets.js';
import type { ModelConfig } from '../src/types.js';
import { preset } from './helpers/model.js';

/** The formulas at (H, W) against the trace of that size: the first disagreement, or null. */
function disagreement(config: ModelConfig, h: number, w: number): string | null {
  const specs = expandResNet(config);
  const input = [2, config.inChannels, h, w];
  const sym = symbolicTrace(specs, input);
  const x: Sides = [BigInt(h), BigInt(w)];
  const failed = failing(sym, x);
  const t = traceShapes(config, specs, input);
  if (!t.ok) return failed?.path === t.issue.path ? null : `${h}×${w}: the trace fails at ${t.issue.path}, the formulas ${failed ? `at ${failed.path}` : 'nowhere'}`;
  if (failed) return `${h}×${w}: the trace runs, the formulas fail at ${failed.path}`;
  for (let i = 0; i < specs.length; i++) {
    const shape = sym.rows[i]!.map((d) => Number(evalDim(d, x)));
    if (shape.join() !== t.trace.layers[i]!.output.join()) return `${h}×${w} ${specs[i]!.name}: [${shape}] vs [${t.trace.layers[i]!.output}]`;
  }
  return null;
}

describe('each row as formulas of H and W equals the trace, at every size', () => {
  it.each(PRESET_NAMES)('%s: H and W from 1 to 512, the other side at the preset\'s own', (name) => {
    const config = preset(name);
    const [, , h0, w0] = config.input ?? [1, 3, 224, 224];
    const found: string[] = [];
    for (let n = 1; n <= 512 && found.length < 3; n++) {
      for (const [h, w] of [[n, w0!], [h0!, n]] as const) {
        const d = disagreement(config, h, w);
        if (d) found.push(d);
      }
    }
    expect(found).toEqual([]);
  });
});

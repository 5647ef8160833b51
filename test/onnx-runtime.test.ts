// An independent engine as the oracle: the runnable export (weights generated in the graph) of
// every preset, at its own input (here) and at an odd one, and of 200 random networks
// (onnx-runtime-odd.test.ts), run in onnxruntime for the web (in Node, no Python), with every tensor
// exposed as an output. Every row's tensor must have the trace's shape, and so must the output.

import { describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../src/network/presets.js';
import { defaultInput } from '../src/request.js';
import { preset } from './helpers/model.js';
import { analysisOf, mismatches } from './helpers/onnx.js';

describe('onnxruntime runs every preset with the shapes of the trace', () => {
  // ResNets at 224×224 in WebAssembly on one thread: about 30 s for all of them
  it('at its own input (folded BatchNorms for half of them)', { timeout: 600_000 }, async () => {
    for (const [k, name] of PRESET_NAMES.entries()) {
      const config = preset(name);
      // zeros: generating 127 M normal numbers for the largest would be most of the time
      expect(await mismatches(analysisOf(config, defaultInput(config).shape), { weights: 'zeros', foldBn: k % 2 === 1 }), name).toEqual([]);
    }
  });
});

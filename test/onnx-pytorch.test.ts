// PyTorch's own ONNX export and ONNX's own checker, as recorded by scripts/pytorch/onnx_export.py
// (Debian's PyTorch 1.13 and ONNX 1.12) in test/fixtures/onnx/pytorch-export.json: for each recorded
// model, today's export must be the bytes that were checked (so check_model(full_check=True) and
// ONNX's shape inference spoke of these files), and its count of each of the network's own operators
// must equal PyTorch's export of the same model: folded (`--fold-bn`) against PyTorch's eval-mode
// export with and without constant folding (PyTorch 1.13 folds BatchNorms in eval mode either way),
// plain against its training-mode export, which keeps every BatchNormalization.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { ROOT } from './helpers/model.js';
import { decode } from './helpers/onnx.js';

type Ops = Record<string, number>;
interface Ours {
  sha256: string;
  ops: Ops;
  checker: string;
  shapeInference: { tensors: number; differ: string[]; differCount: number };
}
interface Recorded {
  args: string[];
  pytorch: { noFolding: Ops; folding: Ops; training: Ops };
  ours: { plain: Ours; foldBn: Ours };
}

const record = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'onnx', 'pytorch-export.json'), 'utf8')) as {
  generatedWith: { torch: string; onnx: string; opset: number };
  models: Record<string, Recorded>;
};

/** The network's own operators, as the recording script counts them. */
const NETWORK_OPS = new Set(['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Add', 'Mul', 'Sigmoid', 'ReduceMean', 'Gemm']);

function opCounts(bytes: Uint8Array): Ops {
  const counts: Ops = {};
  for (const n of decode(bytes).graph.node) if (NETWORK_OPS.has(n.op_type)) counts[n.op_type] = (counts[n.op_type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

describe("PyTorch's export and ONNX's checker, recorded", () => {
  const models = Object.entries(record.models);

  it('records 23 models, one of each construct, at opset 17', () => {
    expect(record.generatedWith.opset).toBe(17);
    expect(models.length).toBe(23);
  });

  it.each(models)('%s: checked bytes, ONNX shape inference agrees, operators as PyTorch exports them', async (_, m) => {
    for (const [mode, extra, theirs] of [
      ['plain', [], [m.pytorch.training]],
      ['foldBn', ['--fold-bn'], [m.pytorch.noFolding, m.pytorch.folding]],
    ] as const) {
      const run = await cli([...m.args, '--format', 'onnx', ...extra]);
      expect(run.code, run.stderr).toBe(0);
      const ours = m.ours[mode];
      expect(createHash('sha256').update(run.bytes).digest('hex'), `${mode}: the export changed since it was checked (rerun scripts/pytorch/onnx_export.py)`).toBe(ours.sha256);
      expect(ours.checker, mode).toBe('ok');
      expect(ours.shapeInference.differCount, `${mode}: ${ours.shapeInference.differ.join(', ')}`).toBe(0);
      const counts = opCounts(run.bytes);
      for (const expected of theirs) expect(counts, mode).toEqual(expected);
    }
  });
});

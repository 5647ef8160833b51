// The rows of a network as the built library traces them, for scripts/pytorch/flop_counts.py:
// reads a JSON list of cases on stdin, each {key, preset, overrides, inputs}, and writes for
// each the first of its inputs the network takes (null: the config's own) with the rows' names,
// shapes and specs there, or why the network is refused.
//
//   node scripts/pytorch/specs.mjs < cases.json > rows.json   (after npm run build)
import { readFileSync } from 'node:fs';
import { analyze, checkConfig, presetConfig, resolveConfig } from '../../dist/index.js';

const cases = JSON.parse(readFileSync(0, 'utf8'));
const out = {};
for (const c of cases) {
  const config = resolveConfig({ ...presetConfig(c.preset), ...c.overrides }, c.name ?? c.preset);
  const problems = checkConfig(config);
  let found = { refused: problems.map(String).join('; ') || 'no input given' };
  for (const input of problems.length === 0 ? c.inputs : []) {
    // null: the input the CLI traces without --input (the config's own, else 1×C×224×224)
    const shape = input ?? config.input ?? [1, config.inChannels, 224, 224];
    const result = analyze(config, shape);
    if (!result.ok) {
      found = { refused: result.issue.message };
      continue;
    }
    const rows = result.analysis.trace.layers.map((l) => ({ name: l.spec.name, input: l.input, output: l.output, spec: l.spec }));
    found = { input: shape, rows };
    break;
  }
  out[c.key] = found;
}
process.stdout.write(JSON.stringify(out));

// The library's way into the analysis: a config built in code is checked field by field (by the
// schema a file is checked with) before it is traced. The CLI and the page trace configs that
// their schema or the tests have checked already, and call analysis/analyze.ts directly, so a
// trace of a preset never loads zod.

import { analyze as analyzeChecked, type AnalysisOptions, type AnalysisResult } from './analysis/analyze.js';
import { checkConfig } from './schemas/config.js';
import type { ModelConfig, Shape } from './types.js';

/** Checks a resolved config (each field, then the rules across fields) and an input, then traces it. */
export function analyze(config: ModelConfig, input: Shape, options: AnalysisOptions = {}): AnalysisResult {
  const [problem] = checkConfig(config);
  if (problem) return { ok: false, issue: problem };
  return analyzeChecked(config, input, options);
}

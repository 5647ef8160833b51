// resnet-shapes as a library: the names README "As a library" documents, and their types. Pure
// functions; no file, process or colour access. Each validates what it is given and reports a
// mistake as a value (an issue, a problem list) rather than throwing.
//
//   const config = resolveConfig(presetConfig('resnet50')!, 'resnet50');
//   const result = analyze(config, [1, 3, 224, 224]);
//   if (result.ok) console.log(formatAnalysis(result.analysis, 'table'));
//   const onnx = result.ok && exportOnnx(result.analysis, { weights: 'random' });
//   if (onnx && onnx.ok) writeFileSync('resnet50.onnx', onnx.bytes);

export type * from './types.js';
export { LIMITS, resolveConfig } from './network/config.js';
export { checkConfig } from './schemas/config.js';
export { countRows } from './network/expand.js';
export { PRESET_NAMES, presetConfig } from './network/presets.js';
export { analyze, exportOnnx } from './library.js';
export { ONNX_OPSET, ONNX_WEIGHTS, type OnnxWeights } from './onnx/model.js';
export type { Analysis, AnalysisOptions, AnalysisResult } from './analysis/analyze.js';
export { FORMAT_NAMES, formatAnalysis, type FormatName, type FormatOptions } from './format/formats.js';
export { parseConfig, type ParsedConfig, type ConfigProblem } from './schemas/parse.js';
export { configFromText, checkText, type ReadExtends } from './config-text.js';
export type { CheckResult } from './format/report.js';
export type { MemoryReport, Dtype, Optimizer } from './analysis/memory.js';

// resnet-shapes as a library: expand a config, analyse it at an input, format the analysis.
// Pure functions; no file, process or colour access.
//
//   const config = resolveConfig(presetConfig('resnet50')!, 'resnet50');
//   const result = analyze(config, [1, 3, 224, 224]);
//   if (result.ok) console.log(formatAnalysis(result.analysis, 'table'));

export type * from './types.js';
export { sameSection } from './types.js';
export { InputError } from './errors.js';
export { type Int, add, mul, product, toJsonValue, groupDigits } from './int.js';
export { type ConfigInput, LIMITS, resolveConfig, checkConfig, dilationForOutputStride } from './network/config.js';
export { expandResNet, countRows, BLOCKS, BLOCK_KINDS, POST_ACTIVATION, type BlockDesign, type BlockOrder } from './network/expand.js';
export { PRESETS, PRESET_NAMES, presetConfig } from './network/presets.js';
export { KINDS, KIND_NAMES, convOutputLength, type KindDef } from './analysis/kinds.js';
export { analyze, Analysis, type AnalysisOptions, type AnalysisResult } from './analysis/analyze.js';
export { traceShapes, type TraceOptions, type TraceResult } from './analysis/trace.js';
export { FORMATS, FORMAT_NAMES, formatAnalysis, type FormatName, type FormatOptions } from './format/formats.js';
export { type Highlighter, PLAIN, formatIssue, shapeText } from './format/common.js';
export { formatLog, logLines } from './format/log.js';
export { formatJson, jsonChunks, rowJson, SCHEMA_VERSION } from './format/json.js';
export { formatTable, formatGroupTable } from './format/table.js';
export {
  estimateMemory,
  allocation,
  DTYPES,
  OPTIMIZERS,
  type MemoryOptions,
  type MemoryReport,
  type Dtype,
  type Optimizer,
} from './analysis/memory.js';
export { fitBatch, type FitResult } from './analysis/fit.js';
export { receptiveFields, finalReceptiveField, ReceptiveFieldTable, type ReceptiveField } from './analysis/receptive.js';
export { groupTrace, type Depth, type Group } from './analysis/groups.js';
export { diffTraces, type TraceDiff } from './analysis/diff.js';
export { evaluateExpectations, type Expectations, type Failure } from './analysis/expect.js';
export { buildGraph } from './format/graph.js';
export { formatDot, formatMermaid } from './format/diagram.js';
export type { TraceDocument, RowDocument } from './schemas/index.js';
export { parseConfig, type ParsedConfig, type ConfigProblem } from './schemas/parse.js';
export { mergeExtends } from './network/presets.js';
export { presetFigures, presetListing, type PresetFigures, type PresetTotals } from './request.js';
export { presetListText, presetListJson } from './format/list.js';

// resnet-shapes as a library: expand a config, trace it, format the trace. Pure functions;
// no file, process or colour access.

export type * from './types.js';
export { type Int, add, mul, product, toJsonValue, groupDigits } from './int.js';
export {
  type ConfigInput,
  LIMITS,
  resolveConfig,
  checkConfig,
  countRows,
  dilationForOutputStride,
} from './spec/config.js';
export { expandResNet } from './spec/expand.js';
export { PRESETS, PRESET_NAMES, presetConfig } from './spec/presets.js';
export { convOutputLength, traceShapes, type TraceOptions, type TraceResult } from './infer/trace.js';
export { type Highlighter, PLAIN, formatIssue, shapeText } from './format/common.js';
export { formatLog, logLines } from './format/log.js';
export { formatJson, jsonChunks, SCHEMA_VERSION } from './format/json.js';
export { formatTable } from './format/table.js';
export { estimateMemory, allocation, type MemoryOptions, type MemoryReport, type Dtype, type Optimizer } from './infer/memory.js';
export { fitBatch, type FitResult } from './infer/fit.js';
export { receptiveFields, finalReceptiveField, ReceptiveFieldTable, type ReceptiveField } from './infer/receptive.js';
export { groupTrace, type Depth, type Group } from './infer/groups.js';
export { diffTraces, type TraceDiff } from './infer/diff.js';
export { evaluateExpectations, type Expectations, type Failure } from './infer/expect.js';
export { buildGraph } from './format/graph.js';
export { formatDot, formatMermaid } from './format/diagram.js';
export { formatGroupTable } from './format/table.js';

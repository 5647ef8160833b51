// resnet-shapes as a library: expand a config, trace it, format the trace. Pure functions;
// no file, process or colour access.

export type * from './types.js';
export { type Int, add, mul, product, toJsonValue, groupDigits } from './int.js';
export {
  type ConfigInput,
  LIMITS,
  resolveConfig,
  checkConfig,
  dilationForOutputStride,
} from './network/config.js';
export { expandResNet, countRows } from './network/expand.js';
export { PRESETS, PRESET_NAMES, presetConfig } from './network/presets.js';
export { convOutputLength, traceShapes, type TraceOptions, type TraceResult } from './analysis/trace.js';
export { type Highlighter, PLAIN, formatIssue, shapeText } from './format/common.js';
export { formatLog, logLines } from './format/log.js';
export { formatJson, jsonChunks, SCHEMA_VERSION } from './format/json.js';
export { formatTable } from './format/table.js';
export { estimateMemory, allocation, type MemoryOptions, type MemoryReport, type Dtype, type Optimizer } from './analysis/memory.js';
export { fitBatch, type FitResult } from './analysis/fit.js';
export { receptiveFields, finalReceptiveField, ReceptiveFieldTable, type ReceptiveField } from './analysis/receptive.js';
export { groupTrace, type Depth, type Group } from './analysis/groups.js';
export { diffTraces, type TraceDiff } from './analysis/diff.js';
export { evaluateExpectations, type Expectations, type Failure } from './analysis/expect.js';
export { buildGraph } from './format/graph.js';
export { formatDot, formatMermaid } from './format/diagram.js';
export { formatGroupTable } from './format/table.js';

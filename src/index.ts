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

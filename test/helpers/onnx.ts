// Reading the exports back: protobuf.js's reflection over ONNX's published onnx.proto decodes them
// (independent of the exporter's own writer), and onnxruntime for the web runs them in Node.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import * as ort from 'onnxruntime-web';
import { analyze, type Analysis } from '../../src/analysis/analyze.js';
import { onnxExport, type OnnxOptions } from '../../src/onnx/model.js';
import { newWriter } from '../../src/onnx/writer.js';
import type { ModelConfig, Shape } from '../../src/types.js';
import { ROOT } from './model.js';

const root = protobuf.parse(readFileSync(join(ROOT, 'src', 'onnx', 'onnx.proto'), 'utf8'), { keepCase: true }).root;
const ModelType = root.lookupType('onnx.ModelProto');

/** A decoded model: onnx.proto's messages with the fields the export writes. */
export interface Dim {
  readonly dim_value?: number;
  readonly dim_param?: string;
}
export interface ValueInfo {
  readonly name: string;
  readonly type: { readonly tensor_type: { readonly elem_type: number; readonly shape: { readonly dim: readonly Dim[] } } };
}
export interface Tensor {
  readonly name?: string;
  readonly dims: readonly number[];
  readonly data_type: number;
  readonly float_data: readonly number[];
  readonly int64_data: readonly number[];
}
export interface Attribute {
  readonly name: string;
  readonly type: number;
  readonly f?: number;
  readonly i?: number;
  readonly ints: readonly number[];
  readonly t?: Tensor;
}
export interface Node {
  readonly name: string;
  readonly op_type: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute: readonly Attribute[];
  readonly doc_string?: string;
}
export interface Graph {
  readonly name: string;
  readonly node: Node[];
  readonly input: ValueInfo[];
  readonly output: ValueInfo[];
  readonly initializer: Tensor[];
  readonly value_info: ValueInfo[];
}
export interface ModelProto {
  readonly ir_version: number;
  readonly producer_name: string;
  readonly producer_version: string;
  readonly doc_string: string;
  readonly opset_import: readonly { readonly domain?: string; readonly version: number }[];
  readonly graph: Graph;
}

/** An .onnx file's model as plain data: int64s as numbers, unset fields absent, lists always present. */
export function decode(bytes: Uint8Array): ModelProto {
  return ModelType.toObject(ModelType.decode(bytes), { longs: Number, enums: Number, arrays: true }) as unknown as ModelProto;
}

/** Encodes plain data with protobuf.js's reflection (to hand a changed model to the runtime). */
export function encodeByReflection(model: unknown): Uint8Array {
  return ModelType.encode(ModelType.fromObject(model as Record<string, unknown>)).finish();
}

export function analysisOf(config: ModelConfig, input: Shape, symbolicBatch = false): Analysis {
  const r = analyze(config, input, { symbolicBatch });
  if (!r.ok) throw new Error(JSON.stringify(r.issue));
  return r.analysis;
}

ort.env.wasm.numThreads = 1;

export interface Ran {
  /** Every tensor's dimensions, by name. */
  readonly dims: ReadonlyMap<string, readonly number[]>;
  readonly rowTensors: readonly string[];
}

/**
 * Runs the runnable export (weights generated in the graph: random unless `options` says zeros) in
 * onnxruntime, with every tensor of value_info exposed as an output, on an input of ones.
 */
export async function runExport(a: Analysis, options: OnnxOptions = {}): Promise<Ran> {
  const { bytes, rowTensors } = onnxExport(a, newWriter, { weights: 'random', ...options });
  const decoded = decode(bytes);
  const outputs = new Set(decoded.graph.output.map((o) => o.name));
  decoded.graph.output.push(...decoded.graph.value_info.filter((v) => !outputs.has(v.name)));
  const session = await ort.InferenceSession.create(encodeByReflection(decoded));
  try {
    const input = a.trace.input;
    const size = input.reduce((x, y) => x * y, 1);
    const result = await session.run({ input: new ort.Tensor('float32', new Float32Array(size).fill(1), [...input]) });
    const dims = new Map<string, readonly number[]>();
    for (const [name, tensor] of Object.entries(result)) dims.set(name, tensor.dims);
    return { dims, rowTensors };
  } finally {
    await session.release();
  }
}

/** Rows whose tensor in the runtime has another shape than the trace's, as `name: runtime vs trace`. */
export async function mismatches(a: Analysis, options: OnnxOptions = {}): Promise<string[]> {
  const { dims, rowTensors } = await runExport(a, options);
  const wrong: string[] = [];
  a.trace.layers.forEach((layer, i) => {
    const found = dims.get(rowTensors[i]!);
    if (found?.join(',') !== layer.output.join(',')) wrong.push(`${layer.spec.name}: ${found ? `[${found}]` : 'absent'} vs [${layer.output}]`);
  });
  const out = dims.get(rowTensors.at(-1)!);
  if (out?.join(',') !== a.trace.output.join(',')) wrong.push(`output: [${out}] vs [${a.trace.output}]`);
  return wrong;
}


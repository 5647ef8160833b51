// The traced network as an ONNX model (`--format onnx`): one node or a few per row, named by the
// row's module path, with every tensor's shape in `value_info` so a viewer shows a shape on every
// edge, and each node's params, mult-adds, activation bytes and receptive field in its
// documentation. Built here as plain data in the field names of ONNX's `onnx.proto`; encode.ts
// turns it into bytes. Pure: the page and the library build it too.
//
// Weights are declared with their shapes (graph inputs, no data) unless the caller asks for
// generated ones: `random` (He-normal convs and linears, BatchNorm at PyTorch's initial state) or
// `zeros`, made by RandomNormal and ConstantOfShape nodes inside the graph, so a runtime runs the
// file without a byte of weight data in it.

import type { Analysis } from '../analysis/analyze.js';
import { foldedBatchNorms } from '../analysis/counts.js';
import { mul, product } from '../int.js';
import type { LayerKind, LayerSpec, Shape, TracedLayer } from '../types.js';

/** The operator set the export uses (ONNX 1.12, 2022; every onnxruntime since 1.12 runs it). */
export const ONNX_OPSET = 17;
/** The IR version that goes with it. */
export const ONNX_IR_VERSION = 8;

export const ONNX_WEIGHTS = ['none', 'random', 'zeros'] as const;
export type OnnxWeights = (typeof ONNX_WEIGHTS)[number];

export interface OnnxOptions {
  /** none: declared with shapes, no data (a viewer's file); random or zeros: generated in the graph. */
  readonly weights?: OnnxWeights;
  /** Fold each BatchNorm into the conv before it when nothing else reads that conv (as exporters do). */
  readonly foldBn?: boolean;
  /** The producer version written into the model. */
  readonly producerVersion?: string;
}

// ---------------------------------------------------------------------------------------------
// onnx.proto's messages, as plain data (field names as the .proto spells them)

/** TensorProto.DataType values used here. */
export const FLOAT = 1;
export const INT64 = 7;

export interface Dim {
  readonly dim_value: number | undefined;
  readonly dim_param: string | undefined;
}
export interface ValueInfo {
  readonly name: string;
  readonly type: { readonly tensor_type: { readonly elem_type: number; readonly shape: { readonly dim: readonly Dim[] } } };
}
export interface Tensor {
  readonly name?: string;
  readonly dims: readonly number[];
  readonly data_type: number;
  readonly float_data?: readonly number[];
  readonly int64_data?: readonly number[];
}
/** AttributeProto.AttributeType values used here. */
const ATTR = { FLOAT: 1, INT: 2, TENSOR: 4, INTS: 7 } as const;
export interface Attribute {
  readonly name: string;
  readonly type: number;
  readonly f: number | undefined;
  readonly i: number | undefined;
  readonly ints: readonly number[] | undefined;
  readonly t: Tensor | undefined;
}
export interface Node {
  readonly name: string;
  readonly op_type: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute: readonly Attribute[];
  readonly doc_string: string | undefined;
}
export interface Graph {
  readonly name: string;
  readonly node: Node[];
  readonly input: ValueInfo[];
  readonly output: ValueInfo[];
  readonly initializer: Tensor[];
  readonly value_info: ValueInfo[];
  readonly doc_string?: string;
}
export interface ModelProto {
  readonly ir_version: number;
  readonly producer_name: string;
  readonly producer_version: string;
  readonly doc_string: string;
  readonly opset_import: readonly { readonly domain: string; readonly version: number }[];
  readonly graph: Graph;
}

export interface OnnxExport {
  readonly model: ModelProto;
  /** The tensor holding each row's output (a folded BatchNorm's is its conv's). */
  readonly rowTensors: readonly string[];
}

const attribute = (name: string, type: number, f?: number, i?: number, ints?: readonly number[], t?: Tensor): Attribute => ({ name, type, f, i, ints, t });
const ints = (name: string, values: readonly number[]): Attribute => attribute(name, ATTR.INTS, undefined, undefined, values);
const int = (name: string, value: number): Attribute => attribute(name, ATTR.INT, undefined, value);
/** A float attribute, as the float32 the file holds. */
const float = (name: string, value: number): Attribute => attribute(name, ATTR.FLOAT, Math.fround(value));

// ---------------------------------------------------------------------------------------------
// The graph under construction

/** How a generated weight starts: normal with this standard deviation, or filled with a value. */
type Init = { readonly std: number } | { readonly fill: number };

/** He initialisation's standard deviation for a layer with this fan-in: activations keep their scale. */
const he = (fanIn: number): Init => ({ std: Math.sqrt(2 / fanIn) });

class Builder {
  readonly graph: Graph;
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();
  private readonly types = new Map<string, ValueInfo['type']>();
  private seed = 0;

  constructor(
    name: string,
    private readonly weights: OnnxWeights,
    private readonly symbolicBatch: boolean,
  ) {
    this.graph = { name, node: [], input: [], output: [], initializer: [], value_info: [] };
  }

  /** `name`, or `name_1`, `name_2`… when taken (a module run twice, as torchvision's relu). */
  unique(name: string): string {
    let candidate = name;
    for (let k = 1; this.names.has(candidate); k++) candidate = `${name}_${k}`;
    this.names.add(candidate);
    return candidate;
  }

  /** A value's name and type; values of one shape share one type object (the encoder writes it once). */
  valueInfo(name: string, shape: Shape, batch = true): ValueInfo {
    const symbolic = batch && this.symbolicBatch;
    const key = `${symbolic ? 'N' : ''}${shape}`;
    let type = this.types.get(key);
    if (!type) {
      const dim = shape.map((d, i): Dim => (i === 0 && symbolic ? { dim_value: undefined, dim_param: 'N' } : { dim_value: d, dim_param: undefined }));
      this.types.set(key, (type = { tensor_type: { elem_type: FLOAT, shape: { dim } } }));
    }
    return { name, type };
  }

  node(op: string, name: string, input: readonly string[], output: readonly string[], attribute: readonly Attribute[] = [], doc?: string): void {
    this.graph.node.push({ name, op_type: op, input, output, attribute, doc_string: doc || undefined });
  }

  /** A tensor between nodes, with its shape in value_info. */
  tensor(name: string, shape: Shape): string {
    this.graph.value_info.push(this.valueInfo(name, shape));
    return name;
  }

  /** A weight: declared (a graph input with its shape) or generated by a node. */
  weight(name: string, shape: Shape, init: Init): string {
    const w = this.unique(name);
    if (this.weights === 'none') {
      this.graph.input.push(this.valueInfo(w, shape, false));
      return w;
    }
    if (this.weights === 'random' && 'std' in init) {
      this.node('RandomNormal', w, [], [w], [ints('shape', shape), int('dtype', FLOAT), float('scale', init.std), float('seed', ++this.seed)]);
    } else {
      const fill = 'fill' in init ? init.fill : 0;
      const value: Tensor = { dims: [1], data_type: FLOAT, float_data: [fill] };
      this.node('ConstantOfShape', w, [this.int64s(shape)], [w], fill === 0 ? [] : [attribute('value', ATTR.TENSOR, undefined, undefined, undefined, value)]);
    }
    this.graph.value_info.push(this.valueInfo(w, shape, false));
    return w;
  }

  /** A 1-d int64 constant (shared by value), as Slice, Pad and ConstantOfShape take their sizes. */
  int64s(values: readonly number[]): string {
    const key = values.join(',');
    let name = this.constants.get(key);
    if (!name) {
      name = this.unique(`const.i64.${values.join('_')}`);
      this.graph.initializer.push({ name, dims: [values.length], data_type: INT64, int64_data: values });
      this.constants.set(key, name);
    }
    return name;
  }
}

// ---------------------------------------------------------------------------------------------
// The kinds: each row's ONNX form

interface Row<S extends LayerSpec> {
  readonly spec: S;
  readonly layer: TracedLayer;
  /** The node's name (the module path, unique) and its output tensor's. */
  readonly name: string;
  /** The tensor `from` names, then the operands'. */
  readonly x: string;
  readonly operands: readonly string[];
  readonly doc: string;
  /** Fold a BatchNorm into this conv: it gets a bias. */
  readonly biasFromFold: boolean;
}

type SpecOf<K extends LayerKind> = Extract<LayerSpec, { kind: K }>;
type Emit<S extends LayerSpec> = (g: Builder, row: Row<S>) => void;

/** ONNX pads: every axis's start, then every axis's end. */
const pads = (p: SpecOf<'conv2d'>['padding']): number[] => [p[0][0], p[1][0], p[0][1], p[1][1]];

/** A window op (a pool) with its attributes, one node. */
function pool(g: Builder, r: Row<LayerSpec>, op: string, attrs: Attribute[]): void {
  g.node(op, r.name, [r.x], [r.name], attrs, r.doc);
}

const EMIT: { readonly [K in LayerKind]: Emit<SpecOf<K>> } = {
  conv2d: (g, r) => {
    const s = r.spec;
    const w = g.weight(`${r.spec.name}.weight`, r.layer.weight!, he((s.inChannels / s.groups) * s.kernel[0] * s.kernel[1]));
    const inputs = [r.x, w];
    if (s.bias || r.biasFromFold) inputs.push(g.weight(`${r.spec.name}.bias`, [s.outChannels], { fill: 0 }));
    const attrs = [ints('kernel_shape', s.kernel), ints('strides', s.stride), ints('pads', pads(s.padding)), ints('dilations', s.dilation), int('group', s.groups)];
    g.node('Conv', r.name, inputs, [r.name], attrs, r.doc);
  },
  batchnorm2d: (g, r) => {
    const c = [r.spec.channels];
    const p = r.spec.name;
    const inputs = [r.x, g.weight(`${p}.weight`, c, { fill: 1 }), g.weight(`${p}.bias`, c, { fill: 0 }), g.weight(`${p}.running_mean`, c, { fill: 0 }), g.weight(`${p}.running_var`, c, { fill: 1 })];
    g.node('BatchNormalization', r.name, inputs, [r.name], [float('epsilon', 1e-5)], r.doc);
  },
  relu: (g, r) => g.node('Relu', r.name, [r.x], [r.name], [], r.doc),
  maxpool2d: (g, r) => {
    const s = r.spec;
    pool(g, r, 'MaxPool', [ints('kernel_shape', s.kernel), ints('strides', s.stride), ints('pads', pads(s.padding)), ints('dilations', s.dilation), int('ceil_mode', s.ceilMode ? 1 : 0)]);
  },
  avgpool2d: (g, r) => {
    const s = r.spec;
    const attrs = [ints('kernel_shape', s.kernel), ints('strides', s.stride), ints('pads', pads(s.padding)), int('ceil_mode', s.ceilMode ? 1 : 0), int('count_include_pad', s.countIncludePad ? 1 : 0)];
    pool(g, r, 'AveragePool', attrs);
  },
  identity: (g, r) => g.node('Identity', r.name, [r.x], [r.name], [], r.doc),
  add: (g, r) => g.node('Add', r.name, [r.x, r.operands[0]!], [r.name], [], r.doc),
  // the head's pool: configs make it to 1×1 only (network/expand.ts)
  adaptiveavgpool2d: (g, r) => g.node('GlobalAveragePool', r.name, [r.x], [r.name], [], r.doc),
  flatten: (g, r) => g.node('Flatten', r.name, [r.x], [r.name], [int('axis', 1)], r.doc),
  linear: (g, r) => {
    const s = r.spec;
    const w = g.weight(`${s.name}.weight`, [s.outFeatures, s.inFeatures], { std: 1 / Math.sqrt(s.inFeatures) });
    const b = s.bias ? [g.weight(`${s.name}.bias`, [s.outFeatures], { fill: 0 })] : [];
    // the classifier reads the flattened [N, features] (network/expand.ts)
    g.node('Gemm', r.name, [r.x, w, ...b], [r.name], [int('transB', 1)], r.doc);
  },
  channelpad: (g, r) => {
    const s = r.spec;
    const [n, c, h, w] = r.layer.input as [number, number, number, number];
    let x = r.x;
    if (s.stride[0] !== 1 || s.stride[1] !== 1) {
      // x[:, :, ::s, ::s]
      x = g.tensor(g.unique(`${r.name}.subsample`), [n, c, Math.ceil(h / s.stride[0]), Math.ceil(w / s.stride[1])]);
      g.node('Slice', x, [r.x, g.int64s([0, 0]), g.int64s([h, w]), g.int64s([2, 3]), g.int64s(s.stride)], [x]);
    }
    g.node('Pad', r.name, [x, g.int64s([0, s.channels[0], 0, 0, 0, s.channels[1], 0, 0])], [r.name], [], r.doc);
  },
  widthpool2d: (g, r) => {
    const k = r.spec.window ?? r.layer.input[3]!;
    pool(g, r, 'AveragePool', [ints('kernel_shape', [k, k]), ints('strides', [k, k])]);
  },
  mean: (g, r) => g.node('ReduceMean', r.name, [r.x], [r.name], [ints('axes', [2, 3]), int('keepdims', 1)], r.doc),
  sigmoid: (g, r) => g.node('Sigmoid', r.name, [r.x], [r.name], [], r.doc),
  mul: (g, r) => g.node('Mul', r.name, [r.x, r.operands[0]!], [r.name], [], r.doc),
};

// ---------------------------------------------------------------------------------------------

/**
 * A node's documentation, compactly: its row's params and mult-adds (when not 0), the bytes of its
 * output activation in float32 (batch included; per sample with a symbolic batch), and its
 * receptive field and effective stride, as the JSON has them.
 */
function documentation(a: Analysis, i: number): string {
  const layer = a.trace.layers[i]!;
  let doc = '';
  if (layer.params !== 0) doc += `params ${layer.params}, `;
  if (layer.macs !== 0) doc += `MACs ${layer.macs}, `;
  doc += `output ${mul(product(layer.output), 4)} B`;
  const field = a.receptiveFields.at(i);
  return field ? `${doc}, RF ${field.size} stride ${field.stride}` : doc;
}

/** The analysed network as an ONNX model (plain data; encode.ts writes it). */
export function onnxModel(a: Analysis, options: OnnxOptions = {}): OnnxExport {
  const { trace } = a;
  const weights = options.weights ?? 'none';
  const g = new Builder(a.config.name, weights, trace.symbolicBatch);
  const input = g.unique('input');
  g.graph.input.push(g.valueInfo(input, trace.input));
  const folded = new Set(options.foldBn ? foldedBatchNorms(trace) : []);
  const foldsInto = new Set([...folded].map((i) => trace.layers[i]!.spec.from));
  const tensors: string[] = [];
  const tensorOf = (i: number): string => (i < 0 ? input : tensors[i]!);
  trace.layers.forEach((layer, i) => {
    const { spec } = layer;
    if (folded.has(i)) {
      tensors.push(tensors[spec.from]!);
      return;
    }
    const name = g.unique(spec.name);
    const operands = spec.kind === 'add' ? [tensorOf(spec.shortcut)] : spec.kind === 'mul' ? [tensorOf(spec.gate)] : [];
    const emit = EMIT[spec.kind] as Emit<LayerSpec>;
    emit(g, { spec, layer, name, x: tensorOf(spec.from), operands, doc: documentation(a, i), biasFromFold: foldsInto.has(i) });
    tensors.push(name);
  });
  // every row's tensor but the last has its shape in value_info; the last is the graph's output
  const last = trace.layers.length - 1;
  const shapes = new Map<string, Shape>();
  trace.layers.forEach((layer, i) => shapes.set(tensors[i]!, layer.output));
  for (const [name, shape] of shapes) {
    if (name === tensors[last]) g.graph.output.push(g.valueInfo(name, shape));
    else if (name !== input) g.tensor(name, shape);
  }
  const producerVersion = options.producerVersion ?? '';
  const doc = `${a.config.name} at ${trace.symbolicBatch ? 'N' : trace.input[0]}×${trace.input.slice(1).join('×')}, traced by resnet-shapes; weights ${weights === 'none' ? 'declared (graph inputs with shapes, no data)' : `generated (${weights})`}${options.foldBn ? '; BatchNorms folded into their convs' : ''}`;
  return {
    model: {
      ir_version: ONNX_IR_VERSION,
      producer_name: 'resnet-shapes',
      producer_version: producerVersion,
      doc_string: doc,
      opset_import: [{ domain: '', version: ONNX_OPSET }],
      graph: g.graph,
    },
    rowTensors: tensors,
  };
}

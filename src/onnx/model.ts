// The traced network as an ONNX model (`--format onnx`): one node or a few per row, named by the
// row's module path, with every tensor's shape in `value_info` so a viewer shows a shape on every
// edge, and each node's params, mult-adds, activation bytes and receptive field in its
// documentation. Written straight to bytes as the rows are walked, with a protobuf writer the caller
// hands over (protobuf.js's, src/onnx/writer.ts: the CLI loads it only for this format) and the tags of
// ONNX's published onnx.proto (tags.ts); each message's fields in field-number order, as ONNX's own
// serializer writes them. Pure: the page and the library export it too.
//
// Why straight to bytes, and not protobuf.js's generated encoders (pbjs, from the same onnx.proto)
// over a model built as data: for ResNet-152 those took `--format onnx` to 1.9× `node -e 0`, and a
// model built as data then written took it to 1.67× (docs/speed.md).
//
// Weights are declared with their shapes (graph inputs, no data) unless the caller asks for
// generated ones: `random` (He-normal convs and linears, BatchNorm at PyTorch's initial state) or
// `zeros`, made by RandomNormal and ConstantOfShape nodes inside the graph, so a runtime runs the
// file without a byte of weight data in it.

import type { Analysis } from '../analysis/analyze.js';
import { foldedBatchNorms } from '../analysis/counts.js';
import { blurPadding, operandsOf } from '../analysis/kinds.js';
import { mul, product } from '../int.js';
import type { LayerKind, LayerSpec, Shape, TracedLayer } from '../types.js';
import { AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto, TensorShapeProto, TensorShapeProto_Dimension, TypeProto, TypeProto_Tensor, ValueInfoProto } from './tags.js';

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
// The wire format

/** A protobuf writer (protobuf.js's Writer is one): varints, floats, strings, bytes, messages. */
export interface Writer {
  uint32(value: number): Writer;
  int64(value: number): Writer;
  float(value: number): Writer;
  string(value: string): Writer;
  bytes(value: Uint8Array): Writer;
  fork(): Writer;
  ldelim(): Writer;
  finish(): Uint8Array;
}

/** TensorProto.DataType values used here. */
const FLOAT = 1;
const INT64 = 7;
/** AttributeProto.AttributeType values used here. */
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, INTS: 7 } as const;

/** A node attribute; `t` is a one-element float tensor (ConstantOfShape's value). */
interface Attribute {
  readonly name: string;
  readonly type: number;
  readonly f: number | undefined;
  readonly i: number | undefined;
  readonly ints: readonly number[] | undefined;
  readonly t: number | undefined;
  readonly s?: string;
}

export interface OnnxExport {
  /** The .onnx file. */
  readonly bytes: Uint8Array;
  /** The tensor holding each row's output (a folded BatchNorm's is its conv's). */
  readonly rowTensors: readonly string[];
}

/** A varint of a whole number ≥ 0 (an int64 field): 32-bit when it fits, the same bytes. */
function whole(w: Writer, value: number): Writer {
  return value >= 0 && value < 4294967296 ? w.uint32(value) : w.int64(value);
}

function writeAttribute(w: Writer, a: Attribute): void {
  w.uint32(AttributeProto.name).string(a.name);
  if (a.f !== undefined) w.uint32(AttributeProto.f).float(a.f);
  if (a.i !== undefined) whole(w.uint32(AttributeProto.i), a.i);
  if (a.s !== undefined) w.uint32(AttributeProto.s).string(a.s);
  if (a.t !== undefined) {
    // a TensorProto: dims [1], float, float_data [t]
    w.uint32(AttributeProto.t).fork();
    w.uint32(TensorProto.dims).uint32(1).uint32(TensorProto.data_type).uint32(FLOAT);
    w.uint32(TensorProto.float_data).fork().float(a.t).ldelim();
    w.ldelim();
  }
  const values = a.ints;
  if (values) for (let k = 0; k < values.length; k++) whole(w.uint32(AttributeProto.ints), values[k]!);
  w.uint32(AttributeProto.type).uint32(a.type);
}

/** A TypeProto's bytes: a float tensor of this shape (`N` for a symbolic batch). */
function typeProto(w: Writer, shape: Shape, symbolic: boolean): Uint8Array {
  w.uint32(TypeProto.tensor_type).fork();
  w.uint32(TypeProto_Tensor.elem_type).uint32(FLOAT);
  w.uint32(TypeProto_Tensor.shape).fork();
  for (let i = 0; i < shape.length; i++) {
    w.uint32(TensorShapeProto.dim).fork();
    if (i === 0 && symbolic) w.uint32(TensorShapeProto_Dimension.dim_param).string('N');
    else whole(w.uint32(TensorShapeProto_Dimension.dim_value), shape[i]!);
    w.ldelim();
  }
  w.ldelim();
  w.ldelim();
  return w.finish();
}

const attribute = (name: string, type: number, f?: number, i?: number, ints?: readonly number[], t?: number): Attribute => ({ name, type, f, i, ints, t });
const ints = (name: string, values: readonly number[]): Attribute => attribute(name, ATTR.INTS, undefined, undefined, values);
const int = (name: string, value: number): Attribute => attribute(name, ATTR.INT, undefined, value);
const float = (name: string, value: number): Attribute => attribute(name, ATTR.FLOAT, value);
const text = (name: string, value: string): Attribute => ({ ...attribute(name, ATTR.STRING), s: value });

// ---------------------------------------------------------------------------------------------
// The graph under construction

const NONE: readonly Attribute[] = [];

/** How a generated weight starts: normal with this standard deviation, or filled with a value. */
type Init = { readonly std: number } | { readonly fill: number };

/** ValueInfoProtos under `tag`: each a name and its type's bytes. */
function valueInfos(w: Writer, tag: number, list: readonly (readonly [string, Uint8Array])[]): void {
  for (let k = 0; k < list.length; k++) {
    w.uint32(tag).fork();
    w.uint32(ValueInfoProto.name).string(list[k]![0]);
    w.uint32(ValueInfoProto.type).bytes(list[k]![1]);
    w.ldelim();
  }
}

/** He initialisation's standard deviation for a layer with this fan-in: activations keep their scale. */
const he = (fanIn: number): Init => ({ std: Math.sqrt(2 / fanIn) });

class Builder {
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();
  /** Constants: 1-d int64 sizes, and float tensors of fixed values (`dims` given). */
  private readonly initializers: { readonly name: string; readonly values: readonly number[]; readonly dims?: Shape }[] = [];
  /** Each distinct type's bytes, by shape: values of one shape copy them. */
  private readonly types = new Map<string, Uint8Array>();
  /** Graph inputs and value_info, name and type, written after the nodes (their fields come later). */
  readonly inputs: (readonly [string, Uint8Array])[] = [];
  readonly values: (readonly [string, Uint8Array])[] = [];
  private seed = 0;

  constructor(
    /** The graph's writer: each node is written as it is made. */
    private readonly w: Writer,
    private readonly newWriter: () => Writer,
    private readonly weights: OnnxWeights,
    private readonly symbolicBatch: boolean,
  ) {}

  /** `name`, or `name_1`, `name_2`… when taken (a module run twice, as torchvision's relu). */
  unique(name: string): string {
    let candidate = name;
    for (let k = 1; this.names.has(candidate); k++) candidate = `${name}_${k}`;
    this.names.add(candidate);
    return candidate;
  }

  /** A float tensor's type bytes; the batch of an activation is `N` when symbolic. */
  type(shape: Shape, batch = true): Uint8Array {
    const symbolic = batch && this.symbolicBatch;
    const key = `${symbolic ? 'N' : ''}${shape}`;
    let bytes = this.types.get(key);
    if (!bytes) this.types.set(key, (bytes = typeProto(this.newWriter(), shape, symbolic)));
    return bytes;
  }

  node(op: string, name: string, input: readonly string[], output: readonly string[], attributes: readonly Attribute[] = NONE, doc?: string): void {
    const w = this.w;
    w.uint32(GraphProto.node).fork();
    // indexed loops: cold code runs in V8's interpreter, where `for…of` allocates per element
    for (let k = 0; k < input.length; k++) w.uint32(NodeProto.input).string(input[k]!);
    for (let k = 0; k < output.length; k++) w.uint32(NodeProto.output).string(output[k]!);
    w.uint32(NodeProto.name).string(name);
    w.uint32(NodeProto.op_type).string(op);
    for (let k = 0; k < attributes.length; k++) {
      w.uint32(NodeProto.attribute).fork();
      writeAttribute(w, attributes[k]!);
      w.ldelim();
    }
    if (doc) w.uint32(NodeProto.doc_string).string(doc);
    w.ldelim();
  }

  /** A tensor between nodes, with its shape in value_info. */
  tensor(name: string, shape: Shape): string {
    this.values.push([name, this.type(shape)]);
    return name;
  }

  /** A weight: declared (a graph input with its shape) or generated by a node. */
  weight(name: string, shape: Shape, init: Init): string {
    const w = this.unique(name);
    if (this.weights === 'none') {
      this.inputs.push([w, this.type(shape, false)]);
      return w;
    }
    if (this.weights === 'random' && 'std' in init) {
      this.node('RandomNormal', w, [], [w], [ints('shape', shape), int('dtype', FLOAT), float('scale', init.std), float('seed', ++this.seed)]);
      this.values.push([w, this.type(shape, false)]);
      return w;
    }
    return this.fill(w, shape, 'fill' in init ? init.fill : 0);
  }

  /** A tensor of one value, made in the graph whatever the weights (no parameter: GroupNorm's unit scale). */
  filled(name: string, shape: Shape, fill: number): string {
    return this.fill(this.unique(name), shape, fill);
  }

  private fill(w: string, shape: Shape, fill: number): string {
    this.node('ConstantOfShape', w, [this.int64s(shape)], [w], fill === 0 ? NONE : [attribute('value', ATTR.TENSOR, undefined, undefined, undefined, fill)]);
    this.values.push([w, this.type(shape, false)]);
    return w;
  }

  /** A 1-d int64 constant (shared by value), as Slice, Pad and ConstantOfShape take their sizes. */
  int64s(values: readonly number[]): string {
    const key = values.join(',');
    let name = this.constants.get(key);
    if (!name) {
      name = this.unique(`const.i64.${values.join('_')}`);
      this.initializers.push({ name, values });
      this.constants.set(key, name);
    }
    return name;
  }

  /** A float constant of fixed values (a blur pool's filter), whatever the weights. */
  floats(name: string, dims: Shape, values: readonly number[]): string {
    const n = this.unique(name);
    this.initializers.push({ name: n, values, dims });
    return n;
  }

  /** The graph's fields after its nodes: its name, the int64 constants, inputs, outputs, value_info. */
  finish(graphName: string, outputs: readonly (readonly [string, Uint8Array])[]): void {
    const w = this.w;
    w.uint32(GraphProto.name).string(graphName);
    for (const c of this.initializers) {
      w.uint32(GraphProto.initializer).fork();
      if (c.dims) {
        for (let k = 0; k < c.dims.length; k++) w.uint32(TensorProto.dims).uint32(c.dims[k]!);
        w.uint32(TensorProto.data_type).uint32(FLOAT);
        w.uint32(TensorProto.float_data).fork();
        for (const v of c.values) w.float(v);
      } else {
        w.uint32(TensorProto.dims).uint32(c.values.length).uint32(TensorProto.data_type).uint32(INT64);
        w.uint32(TensorProto.int64_data).fork();
        for (const v of c.values) w.int64(v);
      }
      w.ldelim();
      w.uint32(TensorProto.name).string(c.name);
      w.ldelim();
    }
    valueInfos(w, GraphProto.input, this.inputs);
    valueInfos(w, GraphProto.output, outputs);
    valueInfos(w, GraphProto.value_info, this.values);
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
  /** Their shapes. */
  readonly operandShapes: readonly Shape[];
  readonly doc: string;
  /** Fold a BatchNorm into this conv: it gets a bias. */
  readonly biasFromFold: boolean;
}

type SpecOf<K extends LayerKind> = Extract<LayerSpec, { kind: K }>;
type Emit<S extends LayerSpec> = (g: Builder, row: Row<S>) => void;

/** ONNX pads: every axis's start, then every axis's end. */
const pads = (p: SpecOf<'conv2d'>['padding']): number[] => [...p.map((a) => a[0]), ...p.map((a) => a[1])];

/** A window op (a pool) with its attributes, one node. */
function pool(g: Builder, r: Row<LayerSpec>, op: string, attrs: Attribute[]): void {
  g.node(op, r.name, [r.x], [r.name], attrs, r.doc);
}

/** A BatchNorm of `channels` with its four tensors (scale 1, shift 0, mean 0, variance 1 when generated). */
function batchNorm(g: Builder, r: Row<LayerSpec>, channels: number): void {
  const c = [channels];
  const p = r.spec.name;
  const inputs = [r.x, g.weight(`${p}.weight`, c, { fill: 1 }), g.weight(`${p}.bias`, c, { fill: 0 }), g.weight(`${p}.running_mean`, c, { fill: 0 }), g.weight(`${p}.running_var`, c, { fill: 1 })];
  g.node('BatchNormalization', r.name, inputs, [r.name], [float('epsilon', 1e-5)], r.doc);
}

// opset 17 has no GroupNormalization: PyTorch's own export, reshaped to [N, G, C/G·H·W],
// InstanceNormalization, reshaped back, then the per-channel scale and shift
function groupNorm(g: Builder, r: Row<SpecOf<'groupnorm'>>): void {
  const s = r.spec;
  const [n, c, h, w] = r.layer.input as [number, number, number, number];
  const grouped = [n, s.groups, (c / s.groups) * h * w];
  const x = g.tensor(g.unique(`${r.name}.grouped`), grouped);
  g.node('Reshape', x, [r.x, g.int64s([0, s.groups, -1])], [x]);
  const normed = g.tensor(g.unique(`${r.name}.normalized`), grouped);
  // InstanceNormalization's own scale and shift are 1 and 0: constants, not parameters
  const unit = [g.filled(`${s.name}.group_scale`, [s.groups], 1), g.filled(`${s.name}.group_shift`, [s.groups], 0)];
  g.node('InstanceNormalization', normed, [x, ...unit], [normed], [float('epsilon', 1e-5)]);
  const back = g.tensor(g.unique(`${r.name}.ungrouped`), [n, c, h, w]);
  g.node('Reshape', back, [normed, g.int64s([0, c, h, w])], [back]);
  const scaled = g.tensor(g.unique(`${r.name}.scaled`), [n, c, h, w]);
  g.node('Mul', scaled, [back, g.weight(`${s.name}.weight`, [c, 1, 1], { fill: 1 })], [scaled]);
  g.node('Add', r.name, [scaled, g.weight(`${s.name}.bias`, [c, 1, 1], { fill: 0 })], [r.name], [], r.doc);
}

/** A row's tensor, then an in-place ReLU on it (timm's norm-act modules: one row, two nodes). */
function thenRelu(g: Builder, r: Row<LayerSpec>, emit: (out: string) => void): void {
  const normed = g.tensor(g.unique(`${r.name}.norm`), r.layer.output);
  emit(normed);
  g.node('Relu', r.name, [normed], [r.name], [], r.doc);
}

const EMIT: { readonly [K in LayerKind]: Emit<SpecOf<K>> } = {
  conv2d: (g, r) => {
    const s = r.spec;
    const fanIn = (s.inChannels / s.groups) * s.kernel.reduce((a, k) => a * k, 1);
    let w = g.weight(`${r.spec.name}.weight`, r.layer.weight!, he(fanIn));
    if (s.standardized) {
      // StdConv2d: each output channel's weight to zero mean and unit variance (eps 1e-8, BiT's),
      // as InstanceNormalization does it on the weight viewed as [1, out, in·kh·kw]
      const flat = [1, s.outChannels, fanIn];
      const viewed = g.tensor(g.unique(`${r.name}.weight_flat`), flat);
      g.node('Reshape', viewed, [w, g.int64s(flat)], [viewed]);
      const normed = g.tensor(g.unique(`${r.name}.weight_standardized`), flat);
      const unit = [g.filled(`${s.name}.unit_scale`, [s.outChannels], 1), g.filled(`${s.name}.unit_shift`, [s.outChannels], 0)];
      g.node('InstanceNormalization', normed, [viewed, ...unit], [normed], [float('epsilon', 1e-8)]);
      w = g.tensor(g.unique(`${r.name}.weight_std`), r.layer.weight!);
      g.node('Reshape', w, [normed, g.int64s(r.layer.weight!)], [w]);
    }
    const inputs = [r.x, w];
    if (s.bias || r.biasFromFold) inputs.push(g.weight(`${r.spec.name}.bias`, [s.outChannels], { fill: 0 }));
    const attrs = [ints('kernel_shape', s.kernel), ints('strides', s.stride), ints('pads', pads(s.padding)), ints('dilations', s.dilation), int('group', s.groups)];
    g.node('Conv', r.name, inputs, [r.name], attrs, r.doc);
  },
  batchnorm2d: (g, r) => (r.spec.act ? thenRelu(g, r, (out) => batchNorm(g, { ...r, name: out }, r.spec.channels)) : batchNorm(g, r, r.spec.channels)),
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
    const k = r.spec.window ?? (r.spec.height ? r.layer.input[2]! : r.layer.input[3]!);
    pool(g, r, 'AveragePool', [ints('kernel_shape', [k, k]), ints('strides', [k, k])]);
  },
  mean: (g, r) => {
    if (!r.spec.flat) return g.node('ReduceMean', r.name, [r.x], [r.name], [ints('axes', [2, 3]), int('keepdims', 1)], r.doc);
    // ECA's means as [N, 1, C]: reduced to [N, C], then viewed
    const [n, c] = r.layer.input as [number, number];
    const means = g.tensor(g.unique(`${r.name}.means`), [n, c]);
    g.node('ReduceMean', means, [r.x], [means], [ints('axes', [2, 3]), int('keepdims', 0)]);
    g.node('Reshape', r.name, [means, g.int64s([0, 1, c])], [r.name], [], r.doc);
  },
  sigmoid: (g, r) => g.node('Sigmoid', r.name, [r.x], [r.name], [], r.doc),
  mul: (g, r) => {
    let gate = r.operands[0]!;
    const shape = r.operandShapes[0]!;
    if (shape.length === 3 || shape.length === 2) {
      // ECA's gate [N, 1, C] and ResNeSt's [N, C], viewed as [N, C, 1, 1]
      const c = shape[shape.length - 1]!;
      const viewed = g.tensor(g.unique(`${r.name}.gate`), [shape[0]!, c, 1, 1]);
      g.node('Reshape', viewed, [gate, g.int64s([0, c, 1, 1])], [viewed]);
      gate = viewed;
    }
    g.node('Mul', r.name, [r.x, gate], [r.name], [], r.doc);
  },
  // without a training_mode input, ONNX's Dropout is the identity (inference)
  dropout: (g, r) => g.node('Dropout', r.name, [r.x], [r.name], [], r.doc),
  prelu: (g, r) => {
    // one slope per channel, shaped [C, 1, 1] to broadcast over [N, C, H, W] (as PyTorch exports it)
    const n = r.spec.parameters;
    const slope = g.weight(`${r.spec.name}.weight`, n === 1 ? [1] : [n, 1, 1], { fill: 0.25 });
    g.node('PRelu', r.name, [r.x, slope], [r.name], [], r.doc);
  },
  // ECA: a 1-d conv along the channels of the means [N, 1, C]
  channelconv: (g, r) => {
    const s = r.spec;
    const w = g.weight(`${s.name}.weight`, [1, 1, s.kernel], { std: 1 / Math.sqrt(s.kernel) });
    const pad = (s.kernel - 1) / 2;
    g.node('Conv', r.name, [r.x, w], [r.name], [ints('kernel_shape', [s.kernel]), ints('strides', [1]), ints('pads', [pad, pad]), ints('dilations', [1]), int('group', 1)], r.doc);
  },
  groupnorm: (g, r) => (r.spec.act ? thenRelu(g, r, (out) => groupNorm(g, { ...r, name: out })) : groupNorm(g, r)),
  constantpad2d: (g, r) => {
    const p = r.spec.padding;
    g.node('Pad', r.name, [r.x, g.int64s([0, 0, ...pads(p).slice(0, p.length), 0, 0, ...pads(p).slice(p.length)])], [r.name], [], r.doc);
  },
  // ONNX's BatchNormalization takes [N, C] as well as [N, C, H, W]
  batchnorm1d: (g, r) => batchNorm(g, r, r.spec.features),
  // x.reshape(N, radix, C, H, W).sum(dim=1)
  radixsum: (g, r) => {
    const [n, c, h, w] = r.layer.input as [number, number, number, number];
    const split = [n, r.spec.radix, c / r.spec.radix, h, w];
    const x = g.tensor(g.unique(`${r.name}.radix`), split);
    g.node('Reshape', x, [r.x, g.int64s([0, r.spec.radix, c / r.spec.radix, h, w])], [x]);
    g.node('ReduceSum', r.name, [x, g.int64s([1])], [r.name], [int('keepdims', 0)], r.doc);
  },
  // timm's RadixSoftmax: [N, groups, radix, C/(radix·groups)] → softmax across the radix → [N, radix·C]
  radixsoftmax: (g, r) => {
    const s = r.spec;
    const [n, c] = r.layer.input as [number, number];
    if (s.radix === 1) return g.node('Sigmoid', r.name, [r.x], [r.name], [], r.doc);
    const grouped = [n, s.groups, s.radix, c / (s.radix * s.groups)];
    const x = g.tensor(g.unique(`${r.name}.grouped`), grouped);
    g.node('Reshape', x, [r.x, g.int64s([0, s.groups, s.radix, -1])], [x]);
    const swapped = [n, s.radix, s.groups, c / (s.radix * s.groups)];
    const t = g.tensor(g.unique(`${r.name}.transposed`), swapped);
    g.node('Transpose', t, [x], [t], [ints('perm', [0, 2, 1, 3])]);
    const soft = g.tensor(g.unique(`${r.name}.softmax`), swapped);
    g.node('Softmax', soft, [t], [soft], [int('axis', 1)]);
    g.node('Reshape', r.name, [soft, g.int64s([0, -1])], [r.name], [], r.doc);
  },
  // torch.split's chunk: the channels [start, start + channels)
  slice: (g, r) => {
    const s = r.spec;
    g.node('Slice', r.name, [r.x, g.int64s([s.start]), g.int64s([s.start + s.channels]), g.int64s([1])], [r.name], [], r.doc);
  },
  concat: (g, r) => g.node('Concat', r.name, [r.x, ...r.operands], [r.name], [int('axis', 1)], r.doc),
  // timm's BlurPool2d: a reflection pad, then its binomial filter depthwise at the stride
  blurpool2d: (g, r) => {
    const s = r.spec;
    const [n, c, h, w] = r.layer.input as [number, number, number, number];
    const p = blurPadding(s);
    const padded = g.tensor(g.unique(`${r.name}.padded`), [n, c, h + 2 * p, w + 2 * p]);
    g.node('Pad', padded, [r.x, g.int64s([0, 0, p, p, 0, 0, p, p])], [padded], [text('mode', 'reflect')]);
    // (1 + x)^(k − 1) / 2^(k − 1) along each axis: the outer product of binomial coefficients
    const row: number[] = [1];
    for (let k = 1; k < s.kernel; k++) row.push((row[k - 1]! * (s.kernel - k)) / k);
    const sum = 2 ** (s.kernel - 1);
    const taps = row.flatMap((a) => row.map((b) => (a * b) / (sum * sum)));
    const filter = g.floats(`${s.name}.filt`, [c, 1, s.kernel, s.kernel], Array.from({ length: c }, () => taps).flat());
    const attrs = [ints('kernel_shape', [s.kernel, s.kernel]), ints('strides', [s.stride, s.stride]), ints('pads', [0, 0, 0, 0]), ints('dilations', [1, 1]), int('group', c)];
    g.node('Conv', r.name, [padded, filter], [r.name], attrs, r.doc);
  },
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

/**
 * The analysed network as an .onnx file's bytes, written with writers from `newWriter` (protobuf.js's,
 * src/onnx/writer.ts), and the tensor of each row.
 */
export function onnxExport(a: Analysis, newWriter: () => Writer, options: OnnxOptions = {}): OnnxExport {
  const { trace } = a;
  const weights = options.weights ?? 'none';
  const w = newWriter();
  const doc = `${a.config.name} at ${trace.symbolicBatch ? 'N' : trace.input[0]}×${trace.input.slice(1).join('×')}, traced by resnet-shapes; weights ${weights === 'none' ? 'declared (graph inputs with shapes, no data)' : `generated (${weights})`}${options.foldBn ? '; BatchNorms folded into their convs' : ''}`;
  whole(w.uint32(ModelProto.ir_version), ONNX_IR_VERSION);
  w.uint32(ModelProto.producer_name).string('resnet-shapes');
  w.uint32(ModelProto.producer_version).string(options.producerVersion ?? '');
  w.uint32(ModelProto.doc_string).string(doc);
  w.uint32(ModelProto.graph).fork();
  const g = new Builder(w, newWriter, weights, trace.symbolicBatch);
  const input = g.unique('input');
  g.inputs.push([input, g.type(trace.input)]);
  const folded = new Set(options.foldBn ? foldedBatchNorms(trace) : []);
  const foldsInto = new Set([...folded].map((i) => trace.layers[i]!.spec.from));
  const tensors: string[] = [];
  const tensorOf = (i: number): string => (i < 0 ? input : tensors[i]!);
  const layers = trace.layers;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const { spec } = layer;
    if (folded.has(i)) {
      tensors.push(tensors[spec.from]!);
      continue;
    }
    const name = g.unique(spec.name);
    const emit = EMIT[spec.kind] as Emit<LayerSpec>;
    // the rows it reads besides `from`: the residual add's shortcut, the SE product's gate, a concatenation's others
    const operandRows = operandsOf(spec);
    const operands = operandRows.map(tensorOf);
    const operandShapes = operandRows.map((o) => (o < 0 ? trace.input : layers[o]!.output));
    emit(g, { spec, layer, name, x: tensorOf(spec.from), operands, operandShapes, doc: documentation(a, i), biasFromFold: foldsInto.has(i) });
    tensors.push(name);
  }
  // every row's tensor but the last has its shape in value_info; the last is the graph's output
  const last = layers.length - 1;
  const outputs: [string, Uint8Array][] = [];
  // a folded BatchNorm's row shares its conv's tensor (and shape): each tensor once, at its first row
  const written = new Set<string>([input]);
  for (let i = 0; i < layers.length; i++) {
    const name = tensors[i]!;
    if (written.has(name)) continue;
    written.add(name);
    if (name === tensors[last]) outputs.push([name, g.type(layers[i]!.output)]);
    else g.tensor(name, layers[i]!.output);
  }
  g.finish(a.config.name, outputs);
  w.ldelim();
  w.uint32(ModelProto.opset_import).fork();
  w.uint32(OperatorSetIdProto.domain).string('');
  whole(w.uint32(OperatorSetIdProto.version), ONNX_OPSET);
  w.ldelim();
  return { bytes: w.finish(), rowTensors: tensors };
}

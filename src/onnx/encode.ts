// ONNX's wire format: the model built by model.ts written with protobuf.js's Writer (its minimal
// runtime) and the tags of ONNX's published onnx.proto (tags.ts, generated from it), each message's
// fields in field-number order as ONNX's own serializer writes them.
//
// Why not protobuf.js's generated encoders (pbjs, from the same onnx.proto): they check every field
// of every message and take int64s through a 64-bit helper, which made `--format onnx` for
// ResNet-152 1.9× `node -e 0`. Written field by field (each distinct tensor type encoded once, then
// copied; integers that fit 32 bits as 32-bit varints, the same bytes) it is about 1.65× (docs/speed.md).

import protobuf from 'protobufjs/minimal.js';
import type { Attribute, Graph, ModelProto, Node, Tensor, ValueInfo } from './model.js';
import { AttributeProto, GraphProto, ModelProto as Model, NodeProto, OperatorSetIdProto, TensorProto, TensorShapeProto, TensorShapeProto_Dimension, TypeProto, TypeProto_Tensor, ValueInfoProto } from './tags.js';

type Writer = protobuf.Writer;

/** A varint of a whole number ≥ 0 (int64 fields: a 64-bit varint only when it does not fit 32 bits). */
function whole(w: Writer, value: number): Writer {
  return value < 4294967296 ? w.uint32(value) : w.int64(value);
}

/** An int64 field: as a 32-bit varint when it fits one (the same bytes), else protobuf.js's 64-bit path. */
function int64(w: Writer, value: number): Writer {
  return value >= 0 && value < 4294967296 ? w.uint32(value) : w.int64(value);
}

function tensor(w: Writer, t: Tensor): void {
  for (const d of t.dims) whole(w.uint32(TensorProto.dims), d);
  w.uint32(TensorProto.data_type).uint32(t.data_type);
  if (t.float_data) {
    w.uint32(TensorProto.float_data).fork();
    for (const f of t.float_data) w.float(f);
    w.ldelim();
  }
  if (t.int64_data) {
    w.uint32(TensorProto.int64_data).fork();
    for (const i of t.int64_data) w.int64(i);
    w.ldelim();
  }
  if (t.name !== undefined) w.uint32(TensorProto.name).string(t.name);
}

function attribute(w: Writer, a: Attribute): void {
  w.uint32(AttributeProto.name).string(a.name);
  if (a.f !== undefined) w.uint32(AttributeProto.f).float(a.f);
  if (a.i !== undefined) int64(w.uint32(AttributeProto.i), a.i);
  if (a.t !== undefined) {
    w.uint32(AttributeProto.t).fork();
    tensor(w, a.t);
    w.ldelim();
  }
  if (a.ints) for (const i of a.ints) int64(w.uint32(AttributeProto.ints), i);
  w.uint32(AttributeProto.type).uint32(a.type);
}

const utf8 = new TextEncoder();

function node(w: Writer, n: Node): void {
  for (const i of n.input) w.uint32(NodeProto.input).string(i);
  for (const o of n.output) w.uint32(NodeProto.output).string(o);
  w.uint32(NodeProto.name).string(n.name);
  w.uint32(NodeProto.op_type).string(n.op_type);
  for (const a of n.attribute) {
    w.uint32(NodeProto.attribute).fork();
    attribute(w, a);
    w.ldelim();
  }
  if (n.doc_string !== undefined) w.uint32(NodeProto.doc_string).bytes(utf8.encode(n.doc_string));
}

/** A TypeProto's bytes: a float tensor of this shape. */
function typeProto(type: ValueInfo['type']): Uint8Array {
  const w = protobuf.Writer.create();
  const t = type.tensor_type;
  w.uint32(TypeProto.tensor_type).fork();
  w.uint32(TypeProto_Tensor.elem_type).uint32(t.elem_type);
  w.uint32(TypeProto_Tensor.shape).fork();
  for (const d of t.shape.dim) {
    w.uint32(TensorShapeProto.dim).fork();
    if (d.dim_value !== undefined) whole(w.uint32(TensorShapeProto_Dimension.dim_value), d.dim_value);
    if (d.dim_param !== undefined) w.uint32(TensorShapeProto_Dimension.dim_param).string(d.dim_param);
    w.ldelim();
  }
  w.ldelim();
  w.ldelim();
  return w.finish();
}

/** Values by field tag, each type object encoded once (the model builder shares them by shape). */
function values(w: Writer, tag: number, list: readonly ValueInfo[], types: Map<ValueInfo['type'], Uint8Array>): void {
  for (const v of list) {
    let bytes = types.get(v.type);
    if (!bytes) types.set(v.type, (bytes = typeProto(v.type)));
    w.uint32(tag).fork();
    w.uint32(ValueInfoProto.name).string(v.name);
    w.uint32(ValueInfoProto.type).bytes(bytes);
    w.ldelim();
  }
}

function graph(w: Writer, g: Graph): void {
  for (const n of g.node) {
    w.uint32(GraphProto.node).fork();
    node(w, n);
    w.ldelim();
  }
  w.uint32(GraphProto.name).string(g.name);
  for (const t of g.initializer) {
    w.uint32(GraphProto.initializer).fork();
    tensor(w, t);
    w.ldelim();
  }
  if (g.doc_string !== undefined) w.uint32(GraphProto.doc_string).string(g.doc_string);
  const types = new Map<ValueInfo['type'], Uint8Array>();
  values(w, GraphProto.input, g.input, types);
  values(w, GraphProto.output, g.output, types);
  values(w, GraphProto.value_info, g.value_info, types);
}

/** The model's bytes, as an .onnx file holds them. */
export function encodeOnnx(model: ModelProto): Uint8Array {
  const w = protobuf.Writer.create();
  whole(w.uint32(Model.ir_version), model.ir_version);
  w.uint32(Model.producer_name).string(model.producer_name);
  w.uint32(Model.producer_version).string(model.producer_version);
  w.uint32(Model.doc_string).string(model.doc_string);
  w.uint32(Model.graph).fork();
  graph(w, model.graph);
  w.ldelim();
  for (const o of model.opset_import) {
    w.uint32(Model.opset_import).fork();
    w.uint32(OperatorSetIdProto.domain).string(o.domain);
    whole(w.uint32(OperatorSetIdProto.version), o.version);
    w.ldelim();
  }
  return w.finish();
}

// `--format onnx`: the file's structure by ONNX's rules (checked here, by a checker of our own),
// its bytes read back by protobuf.js's reflection over ONNX's published onnx.proto, the folded
// parameter count, the viewer file's size, and the CLI's options and exit codes. Running the exports
// in onnxruntime is test/onnx-runtime.test.ts; PyTorch's own export and ONNX's checker are
// test/onnx-pytorch.test.ts (their record).

import { chmodSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paramCounts } from '../src/analysis/counts.js';
import { onnxExport, ONNX_IR_VERSION, ONNX_OPSET, type OnnxOptions } from '../src/onnx/model.js';
import { newWriter } from '../src/onnx/writer.js';
import { PRESET_NAMES } from '../src/network/presets.js';
import { defaultInput } from '../src/request.js';
import { exportOnnx } from '../src/library.js';
import { cli } from './helpers/cli.js';
import { preset, ROOT } from './helpers/model.js';
import { analysisOf, decode, type Graph, type ModelProto, type Node, type ValueInfo } from './helpers/onnx.js';
import { tagsText } from '../scripts/onnx-tags.mjs';

const FLOAT = 1;
const INT64 = 7;
/** AttributeProto.AttributeType, as onnx.proto numbers them. */
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, INTS: 7 } as const;

/**
 * Each operator the export may write, as ONNX's operator schemas (opset 17) define it: how many
 * inputs it takes, and the type of each attribute it may carry.
 */
const OPERATORS: Readonly<Record<string, { inputs: [number, number]; attributes: Readonly<Record<string, number>> }>> = {
  Conv: { inputs: [2, 3], attributes: { kernel_shape: ATTR.INTS, strides: ATTR.INTS, pads: ATTR.INTS, dilations: ATTR.INTS, group: ATTR.INT } },
  BatchNormalization: { inputs: [5, 5], attributes: { epsilon: ATTR.FLOAT } },
  Relu: { inputs: [1, 1], attributes: {} },
  MaxPool: { inputs: [1, 1], attributes: { kernel_shape: ATTR.INTS, strides: ATTR.INTS, pads: ATTR.INTS, dilations: ATTR.INTS, ceil_mode: ATTR.INT } },
  AveragePool: { inputs: [1, 1], attributes: { kernel_shape: ATTR.INTS, strides: ATTR.INTS, pads: ATTR.INTS, ceil_mode: ATTR.INT, count_include_pad: ATTR.INT } },
  GlobalAveragePool: { inputs: [1, 1], attributes: {} },
  Identity: { inputs: [1, 1], attributes: {} },
  Add: { inputs: [2, 2], attributes: {} },
  Mul: { inputs: [2, 2], attributes: {} },
  Sigmoid: { inputs: [1, 1], attributes: {} },
  PRelu: { inputs: [2, 2], attributes: {} },
  Reshape: { inputs: [2, 2], attributes: { allowzero: ATTR.INT } },
  InstanceNormalization: { inputs: [3, 3], attributes: { epsilon: ATTR.FLOAT } },
  Dropout: { inputs: [1, 3], attributes: { seed: ATTR.INT } },
  ReduceMean: { inputs: [1, 1], attributes: { axes: ATTR.INTS, keepdims: ATTR.INT } },
  Flatten: { inputs: [1, 1], attributes: { axis: ATTR.INT } },
  Gemm: { inputs: [2, 3], attributes: { transB: ATTR.INT } },
  Slice: { inputs: [3, 5], attributes: {} },
  Pad: { inputs: [2, 3], attributes: { mode: ATTR.STRING } },
  Concat: { inputs: [1, 64], attributes: { axis: ATTR.INT } },
  ReduceSum: { inputs: [1, 2], attributes: { keepdims: ATTR.INT } },
  Transpose: { inputs: [1, 1], attributes: { perm: ATTR.INTS } },
  Softmax: { inputs: [1, 1], attributes: { axis: ATTR.INT } },
  RandomNormal: { inputs: [0, 0], attributes: { shape: ATTR.INTS, dtype: ATTR.INT, scale: ATTR.FLOAT, seed: ATTR.FLOAT, mean: ATTR.FLOAT } },
  ConstantOfShape: { inputs: [1, 1], attributes: { value: ATTR.TENSOR } },
};

/** The value field an attribute of each type sets. */
const VALUE_FIELD: Readonly<Record<number, string>> = { [ATTR.FLOAT]: 'f', [ATTR.INT]: 'i', [ATTR.STRING]: 's', [ATTR.TENSOR]: 't', [ATTR.INTS]: 'ints' };

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function typeProblems(where: string, v: ValueInfo): string[] {
  const t = v.type?.tensor_type;
  if (!t) return [`${where} ${v.name}: no tensor type`];
  if (t.elem_type !== FLOAT) return [`${where} ${v.name}: element type ${t.elem_type}, expected float`];
  const dims = t.shape?.dim ?? [];
  if (dims.length === 0) return [`${where} ${v.name}: no shape`];
  return dims.flatMap((d, i) => ((d.dim_value ?? 0) >= 1 || d.dim_param === 'N' ? [] : [`${where} ${v.name}: dimension ${i} is neither ≥ 1 nor N`]));
}

/**
 * The rules of ONNX's checker that an exporter can break, checked on the decoded file: versions;
 * every operator known, with its input count and typed attributes; every name written once (SSA)
 * and every node named uniquely; nodes in topological order; graph outputs produced; a type and
 * shape for every tensor; initializers whose data fits their dims.
 */
function checkerProblems(model: ModelProto): string[] {
  const problems: string[] = [];
  if (model.ir_version !== ONNX_IR_VERSION) problems.push(`ir_version ${model.ir_version}`);
  if (model.opset_import.length !== 1 || model.opset_import[0]!.version !== ONNX_OPSET || (model.opset_import[0]!.domain ?? '') !== '') problems.push('opset_import');
  const g: Graph = model.graph;
  const defined = new Set<string>();
  const define = (name: string, what: string) => {
    if (name === '') problems.push(`${what}: an empty name`);
    else if (defined.has(name)) problems.push(`${what}: ${name} is written twice`);
    defined.add(name);
  };
  for (const v of g.input) {
    define(v.name, 'graph input');
    problems.push(...typeProblems('graph input', v));
  }
  for (const t of g.initializer) {
    define(t.name!, 'initializer');
    const data = t.data_type === INT64 ? t.int64_data : t.data_type === FLOAT ? t.float_data : undefined;
    if (!data || data.length !== product(t.dims)) problems.push(`initializer ${t.name}: data does not fit dims [${t.dims}]`);
  }
  const nodeNames = new Set<string>();
  const produced = new Set<string>();
  g.node.forEach((n: Node, k) => {
    if (!n.name || nodeNames.has(n.name)) problems.push(`node ${k}: name '${n.name}' missing or not unique`);
    nodeNames.add(n.name);
    const op = OPERATORS[n.op_type];
    if (!op) return void problems.push(`node ${n.name}: unknown operator ${n.op_type}`);
    if (n.input.length < op.inputs[0] || n.input.length > op.inputs[1]) problems.push(`node ${n.name}: ${n.input.length} inputs to ${n.op_type}`);
    for (const i of n.input) if (!defined.has(i)) problems.push(`node ${n.name}: reads ${i} before it is written`);
    for (const a of n.attribute ?? []) {
      const type = op.attributes[a.name];
      if (type === undefined) problems.push(`node ${n.name}: ${n.op_type} has no attribute ${a.name}`);
      else if (a.type !== type || (a as unknown as Record<string, unknown>)[VALUE_FIELD[type]!] === undefined) problems.push(`node ${n.name}: attribute ${a.name} of type ${a.type}`);
    }
    for (const o of n.output) {
      define(o, `node ${n.name}`);
      produced.add(o);
    }
  });
  for (const v of g.output) {
    if (!produced.has(v.name)) problems.push(`graph output ${v.name}: no node writes it`);
    problems.push(...typeProblems('graph output', v));
  }
  const typed = new Set([...g.value_info, ...g.output].map((v) => v.name));
  for (const v of g.value_info) {
    if (!produced.has(v.name)) problems.push(`value_info ${v.name}: no node writes it`);
    problems.push(...typeProblems('value_info', v));
  }
  for (const name of produced) if (!typed.has(name)) problems.push(`${name}: no shape in value_info`);
  if (new Set(g.value_info.map((v) => v.name)).size !== g.value_info.length) problems.push('value_info: a tensor listed twice');
  return problems;
}

function exported(name: string, input?: number[], options: OnnxOptions = {}, symbolicBatch = false) {
  const config = preset(name);
  const a = analysisOf(config, input ?? defaultInput(config).shape, symbolicBatch);
  const { bytes, rowTensors } = onnxExport(a, newWriter, options);
  return { a, bytes, rowTensors, decoded: decode(bytes) };
}

describe('the ONNX file, read back with onnx.proto', () => {
  it("src/onnx/tags.ts is what scripts/onnx-tags.mjs reads from ONNX's onnx.proto", () => {
    expect(readFileSync(join(ROOT, 'src', 'onnx', 'tags.ts'), 'utf8')).toBe(tagsText(readFileSync(join(ROOT, 'src', 'onnx', 'onnx.proto'), 'utf8')));
  });

  it("ResNet-18's conv1 reads back as torchvision defines it: 7×7, stride 2, padding 3, 64 filters", () => {
    const { decoded } = exported('resnet18');
    const conv1 = decoded.graph.node[0]!;
    expect(conv1).toMatchObject({ name: 'conv1', op_type: 'Conv', input: ['input', 'conv1.weight'], output: ['conv1'] });
    const attributes = Object.fromEntries(conv1.attribute.map((a) => [a.name, a.type === ATTR.INT ? a.i : a.ints]));
    expect(attributes).toEqual({ kernel_shape: [7, 7], strides: [2, 2], pads: [3, 3, 3, 3], dilations: [1, 1], group: 1 });
    const weight = decoded.graph.input.find((v) => v.name === 'conv1.weight')!;
    expect(weight.type.tensor_type.shape.dim.map((d) => d.dim_value)).toEqual([64, 3, 7, 7]);
    expect(decoded.graph.input[0]!.type.tensor_type.shape.dim.map((d) => d.dim_value)).toEqual([1, 3, 224, 224]);
    expect(decoded.graph.output[0]).toMatchObject({ name: 'fc' });
    expect(decoded.graph.output[0]!.type.tensor_type.shape.dim.map((d) => d.dim_value)).toEqual([1, 1000]);
  });

  it('every preset, at its input and at a symbolic batch, in every mode, keeps the checker rules', () => {
    for (const name of PRESET_NAMES) {
      for (const [options, symbolic] of [[{}, false], [{ weights: 'random', foldBn: true }, true], [{ weights: 'zeros' }, false]] as const) {
        const { decoded } = exported(name, undefined, options, symbolic);
        expect(checkerProblems(decoded), `${name} ${JSON.stringify(options)}`).toEqual([]);
      }
    }
  });

  it('the checker of this test finds what it is for', () => {
    const { decoded } = exported('resnet18');
    const g = decoded.graph;
    const broken = (change: (g: Graph) => Graph) => checkerProblems({ ...decoded, graph: change(structuredClone(g)) });
    expect(broken((x) => ({ ...x, node: [...x.node].reverse() })).join()).toMatch(/before it is written/);
    expect(broken((x) => ({ ...x, value_info: x.value_info.slice(1) })).join()).toMatch(/no shape in value_info/);
    expect(broken((x) => ({ ...x, node: [x.node[0]!, ...x.node] })).join()).toMatch(/not unique/);
    expect(broken((x) => ({ ...x, node: x.node.map((n, i) => (i === 0 ? { ...n, op_type: 'Convolution' } : n)) })).join()).toMatch(/unknown operator/);
  });

  it('nodes are named by module path; a module run twice gets _1, _2 (torchvision reuses relu)', () => {
    const { decoded, a } = exported('resnet18');
    const names = decoded.graph.node.map((n) => n.name);
    expect(names.slice(0, 4)).toEqual(['conv1', 'bn1', 'relu', 'maxpool']);
    expect(names).toContain('layer1.0.relu');
    expect(names).toContain('layer1.0.relu_1');
    expect(decoded.graph.node.length).toBe(a.trace.layers.length);
  });

  it("a symbolic batch is the dim_param N on the input and every activation; weights' shapes have no batch", () => {
    const { decoded } = exported('resnet50', [1, 3, 224, 224], {}, true);
    const batchDims = [decoded.graph.input[0]!, ...decoded.graph.value_info, ...decoded.graph.output].map((v) => v.type.tensor_type.shape.dim[0]);
    expect(batchDims.every((d) => d!.dim_param === 'N' && d!.dim_value === undefined)).toBe(true);
    const conv1 = decoded.graph.input.find((v) => v.name === 'conv1.weight')!;
    expect(conv1.type.tensor_type.shape.dim.map((d) => d.dim_value)).toEqual([64, 3, 7, 7]);
  });

  it("each node's documentation holds its row's params, mult-adds, output bytes and receptive field", () => {
    const { decoded } = exported('resnet50');
    // conv1 of ResNet-50 at 1×3×224×224: 64·3·7·7 = 9,408 params; 112·112·64 outputs × 147 = 118,013,952
    // mult-adds; 64·112·112·4 = 3,211,264 bytes; a 7×7 window at stride 2
    expect(decoded.graph.node[0]!.doc_string).toBe('params 9408, MACs 118013952, output 3211264 B, RF 7 stride 2');
  });
});

describe('weights: declared, or generated in the graph', () => {
  it("by default every weight is a graph input with its shape and no data: ResNet-152's file is at most 150 KiB", () => {
    const { bytes, decoded } = exported('resnet152');
    expect(bytes.length).toBeLessThanOrEqual(150 * 1024);
    expect(decoded.graph.initializer).toEqual([]);
    // the inputs: the image, then every parameter (torchvision's published 60,192,808) and running
    // statistic: a mean and a variance for each of the BatchNorms' 64 + 6·(3·64 + 8·128 + 36·256 +
    // 3·512) + 4·(64 + 128 + 256 + 512) = 75,712 channels (stem; w, w, 4w in each of the [3, 8, 36, 3]
    // bottlenecks; 4w in each stage's projection)
    const declared = decoded.graph.input.slice(1).reduce((s, v) => s + product(v.type.tensor_type.shape.dim.map((d) => d.dim_value!)), 0);
    expect(declared).toBe(60_192_808 + 2 * 75_712);
  });

  it('random and zeros make each weight with a node (RandomNormal, ConstantOfShape) and hold no weight data', () => {
    for (const weights of ['random', 'zeros'] as const) {
      const { decoded } = exported('resnet50', undefined, { weights });
      expect(decoded.graph.input.map((v) => v.name)).toEqual(['input']);
      const makers = decoded.graph.node.filter((n) => n.op_type === 'RandomNormal' || n.op_type === 'ConstantOfShape');
      // 53 conv weights, 53 BNs × 4 tensors, the fc's weight and bias
      expect(makers.length).toBe(53 + 53 * 4 + 2);
      // the only initializers are the shapes ConstantOfShape reads: a few int64s each
      expect(decoded.graph.initializer.every((t) => t.data_type === INT64 && t.dims.length === 1)).toBe(true);
    }
  });
});

describe('--fold-bn', () => {
  /** Elements of the weights and biases an export declares, the BatchNorms' running statistics left out. */
  const declaredParams = (decoded: ModelProto) =>
    decoded.graph.input
      .slice(1)
      .filter((v) => !/\.running_(mean|var)$/.test(v.name))
      .reduce((s, v) => s + product(v.type.tensor_type.shape.dim.map((d) => d.dim_value!)), 0);

  it("ResNet-50's folded export declares 25,530,472 parameters: each of its 53 BNs became its conv's bias", () => {
    // 25,557,032 − 53 BNs × C: the 26,560 channels of its BatchNorms (each BN's 2C became the conv's C)
    const { decoded } = exported('resnet50', undefined, { foldBn: true });
    expect(declaredParams(decoded)).toBe(25_530_472);
    expect(decoded.graph.node.filter((n) => n.op_type === 'BatchNormalization')).toEqual([]);
  });

  it("for every preset the folded export's weights and biases add up to paramCounts.bnFolded", () => {
    for (const name of PRESET_NAMES) {
      const { decoded, a } = exported(name, undefined, { foldBn: true });
      expect(declaredParams(decoded), name).toBe(Number(paramCounts(a.trace).bnFolded));
    }
  });

  it('pre-activation BNs stay (Keras ResNet50V2, the Wide ResNet): they follow no conv', () => {
    for (const name of ['keras_resnet50v2', 'wrn28_10_cifar', 'preact_resnet18_cifar']) {
      const plain = exported(name).decoded.graph.node.filter((n) => n.op_type === 'BatchNormalization').length;
      const folded = exported(name, undefined, { foldBn: true }).decoded.graph.node.filter((n) => n.op_type === 'BatchNormalization').length;
      expect(folded, name).toBeGreaterThan(0);
      expect(folded, name).toBeLessThan(plain);
    }
  });
});

describe('the library', () => {
  it('exportOnnx gives the bytes, or an issue for options it cannot take', () => {
    const a = analysisOf(preset('resnet18'), [1, 3, 64, 64]);
    const ok = exportOnnx(a, { weights: 'zeros' });
    expect(ok.ok && decode(ok.bytes).graph.node.length).toBeGreaterThan(0);
    expect(exportOnnx(a, { weights: 'ones' })).toMatchObject({ ok: false, issue: { path: 'options.weights' } });
    expect(exportOnnx(a, { foldBn: 'yes' })).toMatchObject({ ok: false, issue: { path: 'options.foldBn' } });
    expect(exportOnnx({} as never)).toMatchObject({ ok: false, issue: { path: 'analysis' } });
    const throwing = Object.defineProperty({}, 'weights', { get: () => { throw new Error('no'); } });
    expect(exportOnnx(a, throwing)).toMatchObject({ ok: false, issue: { path: 'options' } });
  });
});

describe('the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-onnx-'));

  it('--format onnx writes the same bytes to standard output and to --output', async () => {
    const out = await cli(['--layers', '18', '--format', 'onnx']);
    expect(out.code).toBe(0);
    const file = join(dir, 'r18.onnx');
    const written = await cli(['--layers', '18', '--format', 'onnx', '--output', file]);
    expect(written).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(file).equals(out.bytes)).toBe(true);
    expect(decode(out.bytes).producer_name).toBe('resnet-shapes');
  });

  it('refuses to write binary to a terminal, with the way to do it', async () => {
    const r = await cli(['--layers', '18', '--format', 'onnx'], {}, true);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --format onnx writes a binary file: give --output FILE, or redirect standard output (> model.onnx)\n');
    expect((await cli(['--layers', '18', '--format', 'onnx', '-o', join(dir, 'tty.onnx')], {}, true)).code).toBe(0);
  });

  it('an unknown --weights, or --weights/--fold-bn without --format onnx, exits 2 with one line', async () => {
    for (const args of [['--format', 'onnx', '--weights', 'ones'], ['--fold-bn'], ['--format', 'json', '--weights', 'random']]) {
      const r = await cli(['--layers', '18', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n').length, args.join(' ')).toBe(2);
    }
  });

  it('an --output that cannot be written exits 4 naming it; a file is never coloured', async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    for (const target of [join(dir, 'missing', 'x.onnx'), dir, ...(process.getuid?.() === 0 ? [] : [join(locked, 'x.onnx')])]) {
      const r = await cli(['--layers', '18', '--format', 'onnx', '--output', target]);
      expect(r.code, target).toBe(4);
      expect(r.stderr, target).toMatch(/^error: could not write '.*': (no such folder|is a folder|permission denied)\n$/);
    }
    const text = join(dir, 'table.txt');
    expect((await cli(['--layers', '18', '--format', 'table', '-o', text], { FORCE_COLOR: '1', NO_COLOR: '' }, true)).code).toBe(0);
    expect(readFileSync(text, 'utf8')).not.toMatch(/\x1b\[/);
  });

  it('a hostile --output name is quoted inert', async () => {
    const r = await cli(['--layers', '18', '--format', 'onnx', '--output', join(dir, 'nope', '\x1b]0;x\x07\u202e.onnx')]);
    expect(r.code).toBe(4);
    expect(r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
  });
});

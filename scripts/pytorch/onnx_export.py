#!/usr/bin/python3
"""PyTorch's own ONNX export of each recorded model, and ONNX's checker and shape inference run on
resnet-shapes' export of the same model: the record test/onnx-pytorch.test.ts compares against.

Usage (Debian's python3 with python3-torch, python3-torchvision and python3-onnx, after npm run build):

    /usr/bin/python3 scripts/pytorch/onnx_export.py test/fixtures/onnx/pytorch-export.json

For each model of record.py in MODELS (its first case of each, at that case's input; one of each
construct the tool traces: torchvision's four families, v1, dilation, timm's deep stems and avg-pool
shortcuts, squeeze-and-excitation, Keras' pre-activation V2, the CIFAR networks with option-A
shortcuts, fixed pools and pre-activation, no classifier, a 1×1 input):

- PyTorch's TorchScript exporter (torch.onnx.export, opset 17, eval mode) with and without constant
  folding: how many nodes of each of the network's own operators (Conv, BatchNormalization, Relu,
  the pools, Add, Mul, Sigmoid, ReduceMean, Gemm; not the exporter's shape plumbing) it writes.
  PyTorch 1.13 folds each BatchNorm into the conv before it in eval mode whether it folds constants
  or not (its eval peephole pass), so both compare with --fold-bn; the unfolded graph is its export
  in training mode (`training`), which keeps every BatchNormalization, and compares with the plain
  export;
- resnet-shapes' export of the same model (`node bin/resnet-shapes.js ... --format onnx`, with and
  without --fold-bn): the same counts, its sha256 (the test requires today's export to be these
  bytes, so what was checked is what the tool writes), onnx.checker.check_model(full_check=True),
  and ONNX's shape inference run on it with its value_info removed: every tensor's inferred shape
  compared with the one the tool wrote.
"""
import collections
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record import build, cases  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# the CLI to run (a copy of the built package while dist/ is being rebuilt, say)
CLI = os.environ.get('RESNET_SHAPES', os.path.join(ROOT, 'bin', 'resnet-shapes.js'))
OPSET = 17
MODELS = ('resnet18_c1000', 'resnet18_c10', 'resnet50_c1000', 'resnext50_32x4d_c1000', 'wide_resnet50_2_c1000', 'resnet34_c1000',
          'resnet50_c0', 'resnet50_v1_c1000', 'resnet50_os8_c21', 'resnext50_32x4d_os8_c1000', 'resnet50d_c1000',
          'resnet18d_c1000', 'resnet50s_c1000', 'resnet101d_os16_c0', 'seresnet50_c10', 'seresnext50_32x4d_c1000',
          'keras_resnet50v2_c1000', 'resnet20_cifar_c10', 'resnet56_cifar_c10', 'resnet18_cifar_c10',
          'preact_resnet18_cifar_c10', 'wrn28_10_cifar_c10', 'preact_resnet164_cifar_c10')
NETWORK_OPS = ('Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Add', 'Mul',
               'Sigmoid', 'ReduceMean', 'Gemm')


def op_counts(model):
    """Nodes of the network's own operators, by type: those computing on float tensors (a Mul of
    integers in a shape computation, as PyTorch writes for `x.view(x.size(0), -1)` or a slice's
    bounds without constant folding, is the exporter's plumbing, not the network's)."""
    inferred = onnx.shape_inference.infer_shapes(model)
    types = {v.name: v.type.tensor_type.elem_type for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    counts = collections.Counter(n.op_type for n in model.graph.node
                                 if n.op_type in NETWORK_OPS and types.get(n.output[0]) == onnx.TensorProto.FLOAT)
    return dict(sorted(counts.items()))


def cli_args(case):
    """The command line that traces the case's model (the names record.py gives its cases)."""
    arch = case.get('preset') or case['id'].split('_os')[0].replace('_v1', '')
    n, c, h, w = case['input']
    args = ['--arch', arch, '--classes', str(case['classes']), '--input', f'{n},{c},{h},{w}']
    if case.get('v1'):
        args.append('--stride-in-1x1')
    dilation = case.get('dilation')
    if dilation:
        args += ['--output-stride', '8' if dilation == [False, True, True] else '16']
    return args


def pytorch_export(case, fold, mode=torch.onnx.TrainingMode.EVAL):
    model = build(case)
    x = torch.zeros(*case['input'])
    with tempfile.NamedTemporaryFile(suffix='.onnx') as f:
        torch.onnx.export(model, x, f.name, opset_version=OPSET, do_constant_folding=fold,
                          training=mode, input_names=['input'])
        return op_counts(onnx.load(f.name))


def shape_of(value):
    dims = value.type.tensor_type.shape.dim
    return [d.dim_param if d.HasField('dim_param') else d.dim_value for d in dims]


def ours(args, fold):
    with tempfile.NamedTemporaryFile(suffix='.onnx') as f:
        extra = ['--fold-bn'] if fold else []
        subprocess.run(['node', CLI, *args, '--format', 'onnx', *extra,
                        '--output', f.name], check=True)
        data = open(f.name, 'rb').read()
    model = onnx.load_from_string(data)
    entry = {'sha256': hashlib.sha256(data).hexdigest(), 'ops': op_counts(model)}
    try:
        onnx.checker.check_model(model, full_check=True)
        entry['checker'] = 'ok'
    except Exception as e:  # noqa: BLE001  the checker's own message is the record
        entry['checker'] = f'{type(e).__name__}: {e}'.splitlines()[0]
    written = {v.name: shape_of(v) for v in list(model.graph.value_info) + list(model.graph.output)}
    bare = onnx.ModelProto()
    bare.CopyFrom(model)
    del bare.graph.value_info[:]
    inferred_model = onnx.shape_inference.infer_shapes(bare, strict_mode=True)
    inferred = {v.name: shape_of(v) for v in list(inferred_model.graph.value_info) + list(inferred_model.graph.output)}
    differ = [name for name, shape in written.items() if inferred.get(name) != shape]
    entry['shapeInference'] = {'tensors': len(written), 'differ': differ[:5], 'differCount': len(differ)}
    return entry


def main(out):
    torch.set_num_threads(2)
    result = {}
    for case in cases():
        key = f"{case['id']}_c{case['classes']}"
        if key in result or key not in MODELS:
            continue
        args = cli_args(case)
        entry = {'args': args,
                 'pytorch': {'noFolding': pytorch_export(case, False), 'folding': pytorch_export(case, True),
                             'training': pytorch_export(case, False, torch.onnx.TrainingMode.TRAINING)},
                 'ours': {'plain': ours(args, False), 'foldBn': ours(args, True)}}
        result[key] = entry
        print(key, json.dumps(entry)[:300], flush=True)
    meta = {'torch': torch.__version__, 'onnx': onnx.__version__, 'opset': OPSET}
    with open(out, 'w') as f:
        json.dump({'generatedWith': meta, 'models': result}, f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'test', 'fixtures', 'onnx', 'pytorch-export.json'))

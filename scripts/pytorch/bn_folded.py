#!/usr/bin/python3
"""The parameter count of each recorded model once its BatchNorms are folded into the convs before
them, as export tools fold them: torch.fx's own fuser (torch.fx.experimental.optimization.fuse)
folds a BatchNorm2d into the Conv2d whose output it reads when nothing else reads that output; the
other BatchNorms (a pre-activation BN, a BN after a conv whose output is shared) stay.

Usage (Debian's python3 with python3-torch and python3-torchvision):

    /usr/bin/python3 scripts/pytorch/bn_folded.py test/fixtures/pytorch/bn-folded.json

Builds each case of record.py (the first of each model and class count), folds it in eval mode,
and writes {id: {classes, params, bnFolded, folded}} where `folded` counts the BatchNorms folded.
A model fx cannot trace is written with its error instead. Nothing here comes from resnet-shapes.
"""
import json
import os
import sys

import torch
import torch.fx.experimental.optimization as fx_opt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record import build, cases  # noqa: E402


def count(model):
    return sum(p.numel() for p in model.parameters())


def bn_count(model):
    return sum(1 for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d))


def main(out):
    result = {}
    for case in cases():
        key = f"{case['id']}_c{case['classes']}"
        if key in result:
            continue
        model = build(case).eval()
        entry = {'id': case['id'], 'classes': case['classes'], 'params': count(model)}
        try:
            fused = fx_opt.fuse(model)
            entry['bnFolded'] = count(fused)
            entry['folded'] = bn_count(model) - bn_count(fused)
        except Exception as e:  # fx cannot trace some re-implementations' Python control flow
            entry['error'] = f'{type(e).__name__}: {e}'.splitlines()[0]
        result[key] = entry
        print(key, entry)
    with open(out, 'w') as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'test/fixtures/pytorch/bn-folded.json')

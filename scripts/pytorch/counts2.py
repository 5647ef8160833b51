#!/usr/bin/python3
"""What ultralytics-thop (2.x, the package `pip install thop` and ultralytics bring now) and
calflops (whose convention DeepSpeed's flops profiler shares) report for each model record.py
builds, each run from its own source tree on PyTorch 1.13.

Usage (Debian's python3 with python3-torch and python3-torchvision):

    /usr/bin/python3 scripts/pytorch/counts2.py TOOLS_DIR OUT_FILE

TOOLS_DIR holds the tools' sources as the search tool's fetch brings them: ultralytics+thop and
MrYxJ+calculate-flops.pytorch. calflops imports transformers, accelerate, huggingface_hub and timm
for language models only: they are stubbed here (a torchvision model never reaches them).
Writes {case key: {id, classes, input, params, counts: {ultralytics-thop, calflops}}}, with the
commit each tool was run from.
"""
import importlib.abc
import importlib.machinery
import json
import os
import subprocess
import sys
import types

import torch

TOOLS, OUT = sys.argv[1], sys.argv[2]
UTHOP = os.path.join(TOOLS, 'ultralytics+thop')
CALFLOPS = os.path.join(TOOLS, 'MrYxJ+calculate-flops.pytorch')


class Stub(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Empty packages for calflops' optional language-model imports."""
    ROOTS = ('transformers', 'accelerate', 'huggingface_hub', 'timm')

    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in self.ROOTS:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda attr: type(attr, (Exception,), {})
        return module

    def exec_module(self, module):
        pass


if os.environ.get('TIMM_SRC'):
    # timm's own models (record.py's timm cases): the real timm, loaded whole before the stubs
    sys.path.insert(0, os.environ['TIMM_SRC'])
    import timm  # noqa: F401
    Stub.ROOTS = tuple(r for r in Stub.ROOTS if r != 'timm')
sys.meta_path.insert(0, Stub())
sys.path.insert(0, UTHOP)
sys.path.insert(0, CALFLOPS)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thop  # noqa: E402  ultralytics-thop, from UTHOP
from calflops import calculate_flops  # noqa: E402
from record import build, cases  # noqa: E402


SKIP = {'resnet1202_cifar', 'wide_resnet101_2', 'resnext101_32x8d', 'resnext101_64x4d', 'resnet152'}


def commit(repo):
    return subprocess.run(['git', '-C', repo, 'rev-parse', 'HEAD'], capture_output=True, text=True).stdout.strip()


def main():
    assert thop.__file__.startswith(UTHOP), thop.__file__
    out = {'tools': {'ultralytics-thop': commit(UTHOP), 'calflops': commit(CALFLOPS)}, 'torch': torch.__version__, 'cases': {}}
    done = {}
    if os.path.exists(OUT):
        with open(OUT) as f:
            done = json.load(f).get('cases', {})
    for case in cases():
        n, c, h, w = case['input']
        key = f"{case['id']}_c{case['classes']}_{n}x{c}x{h}x{w}"
        # the largest runs (minutes each on a CPU) are left out: their rules are those of the others
        if n * h * w > 600_000 or case['id'] in SKIP:
            continue
        if key in done:
            out['cases'][key] = done[key]
            continue
        model = build(case).eval()
        x = torch.zeros(*case['input'])
        entry = {'id': case['id'], 'classes': case['classes'], 'input': case['input']}
        with torch.no_grad():
            macs, params = thop.profile(model, inputs=(x,), verbose=False)
            entry['params'] = int(params)
            entry['counts'] = {'ultralytics-thop': int(macs)}
            flops, _, _ = calculate_flops(model=model, args=[x], output_as_string=False, print_results=False, print_detailed=False)
            entry['counts']['calflops'] = int(flops)
        out['cases'][key] = entry
        print(key, entry['counts'], flush=True)
        # written after each case: a long run can be resumed
        with open(OUT, 'w') as f:
            json.dump(out, f, indent=1, sort_keys=True)
            f.write('\n')


if __name__ == '__main__':
    main()

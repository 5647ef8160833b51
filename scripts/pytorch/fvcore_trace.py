#!/usr/bin/python3
"""Whether fvcore can count a network at all: FlopCountAnalysis traces the model with
torch.jit, where `x.size(i)` is a tensor, so a pool whose window is read from the map's size
fails. Runs fvcore from its source tree on the CIFAR networks record.py builds (akamaster's
`F.avg_pool2d(out, out.size()[3])` head, kuangliu's fixed `F.avg_pool2d(out, 4)`) and writes
what it printed: its total, or the error that ended the trace.

    /usr/bin/python3 scripts/pytorch/fvcore_trace.py TOOLS_DIR test/fixtures/fvcore/trace-cifar.json

TOOLS_DIR holds facebookresearch+fvcore and facebookresearch+iopath, as the search tool's fetch
brings them (python3-portalocker, python3-tabulate, python3-termcolor, python3-yaml, python3-tqdm).
"""
import json
import os
import subprocess
import sys

TOOLS, OUT = sys.argv[1], sys.argv[2]
sys.path[:0] = [os.path.join(TOOLS, r) for r in ("facebookresearch+fvcore", "facebookresearch+iopath")]
sys.path.insert(0, os.path.dirname(__file__))

import torch  # noqa: E402
from fvcore.nn import FlopCountAnalysis  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from record import AkamasterResNet, build  # noqa: E402


class AkamasterAsWritten(AkamasterResNet):
    """akamaster's forward as resnet.py writes it: the pool's window is out.size()[3] (record.py
    takes int() of it so that its own fvcore runs get a figure)."""

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        out = F.avg_pool2d(out, out.size()[3])
        return self.linear(out.view(out.size(0), -1))


CASES = [
    dict(preset="resnet20_cifar", cifar="akamaster", n=3, classes=10, input=[1, 3, 32, 32]),
    dict(preset="resnet56_cifar", cifar="akamaster", n=9, classes=10, input=[2, 3, 32, 32]),
    dict(preset="resnet18_cifar", cifar="kuangliu", n=0, classes=10, input=[1, 3, 32, 32]),
]

results = []
for case in CASES:
    model = AkamasterAsWritten(case["n"], case["classes"]).eval() if case["cifar"] == "akamaster" else build(case)
    x = torch.randn(*case["input"])
    try:
        total = FlopCountAnalysis(model, x).unsupported_ops_warnings(False).uncalled_modules_warnings(False).total()
        results.append({**{k: case[k] for k in ("preset", "input")}, "fvcore": int(total), "error": None})
    except Exception as e:  # what the user sees instead of a figure
        results.append({**{k: case[k] for k in ("preset", "input")}, "fvcore": None, "error": f"{type(e).__name__}: {e}"})
commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=os.path.join(TOOLS, "facebookresearch+fvcore"), capture_output=True, text=True).stdout.strip()
with open(OUT, "w") as f:
    json.dump({"tool": "fvcore FlopCountAnalysis(model, x).total(), eval mode", "fvcore_commit": commit, "torch": torch.__version__, "cases": results}, f, indent=1)
    f.write("\n")
print(json.dumps(results, indent=1))

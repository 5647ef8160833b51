#!/usr/bin/python3
"""What the counting tools report for ResNets: thop, ptflops (pytorch and aten backends), fvcore
(eval and train) and torchinfo, each run from its own source tree, on torchvision models and on
the timm-structured variants record.py builds (deep stem, average-pool shortcut, AvgPool2dSame).

Usage (Debian's python3 with python3-torch, python3-torchvision, python3-aiofiles,
python3-portalocker, python3-tabulate, python3-termcolor, python3-tqdm, python3-yaml):

    /usr/bin/python3 scripts/pytorch/counts.py TOOLS_DIR OUT_DIR [CASE_ID ...]

TOOLS_DIR holds the tools' sources, one folder each, as the search tool's fetch brings them:
Lyken17+pytorch-OpCounter, sovrasov+flops-counter.pytorch, facebookresearch+fvcore,
facebookresearch+iopath, TylerYep+torchinfo. Writes OUT_DIR/<model>_c<classes>_<input>.json
with each tool's total, the commit it was run from, and torchinfo's two size lines.
"""
import io
import json
import os
import re
import subprocess
import sys
import warnings

TOOLS, OUT = sys.argv[1], sys.argv[2]
REPOS = {
    "thop": "Lyken17+pytorch-OpCounter",
    "ptflops": "sovrasov+flops-counter.pytorch",
    "fvcore": "facebookresearch+fvcore",
    "iopath": "facebookresearch+iopath",
    "torchinfo": "TylerYep+torchinfo",
}
sys.path[:0] = [os.path.join(TOOLS, r) for r in REPOS.values()]
warnings.filterwarnings("ignore")

import importlib.util  # noqa: E402

import torch  # noqa: E402
import torchvision  # noqa: E402
import thop  # noqa: E402
import ptflops  # noqa: E402
from fvcore.nn import FlopCountAnalysis  # noqa: E402
import torchinfo  # noqa: E402


def commit(repo):
    """The commit a tool was run from: the mirror's git directory beside the exported tree."""
    mirror = os.path.join("/work/.mirror", REPOS[repo], "repo")
    try:
        return subprocess.check_output(["git", "-C", mirror, "rev-parse", "HEAD"], text=True).strip()
    except Exception:  # noqa: BLE001
        return "unknown"


# the model builders of record.py (torchvision models, changed as timm builds its variants)
_spec = importlib.util.spec_from_file_location("record", os.path.join(os.path.dirname(__file__), "record.py"))
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)
torch.set_grad_enabled(True)  # fvcore's train mode traces with grad on


def case(arch, classes, shape, **timm):
    return dict(id=timm.pop("id", arch), arch=arch, classes=classes, input=shape, **timm)


CASES = [
    case("resnet18", 1000, [1, 3, 224, 224]),
    case("resnet18", 1000, [2, 3, 97, 61]),
    case("resnet34", 1000, [1, 3, 225, 193]),
    case("resnet50", 1000, [1, 3, 224, 224]),
    case("resnet50", 1000, [4, 3, 224, 224]),
    case("resnet50", 10, [3, 3, 64, 64]),
    case("resnet101", 1000, [2, 3, 129, 127]),
    case("resnet152", 1000, [1, 3, 97, 61]),
    case("resnext50_32x4d", 1000, [1, 3, 224, 224]),
    case("resnext50_32x4d", 1000, [3, 3, 160, 160]),
    case("wide_resnet50_2", 1000, [1, 3, 224, 224]),
    case("resnext101_32x8d", 1000, [2, 3, 112, 112]),
    # timm-structured: deep stem and average-pool shortcut (nn.AvgPool2d, or nn.Identity at stride 1)
    case("resnet50", 1000, [1, 3, 224, 224], id="resnet50d", stem=32, avg_down=True),
    case("resnet18", 1000, [2, 3, 225, 193], id="resnet18d", stem=32, avg_down=True),
    case("resnet50", 1000, [1, 3, 224, 224], id="resnet50s", stem=64),
    # Keras' ResNet50 in PyTorch form: v1 and a bias on every conv (the keras_resnet50 preset)
    case("resnet50", 1000, [2, 3, 224, 224], id="keras_resnet50", v1=True, conv_bias=True),
    # akamaster's CIFAR ResNets (option A shortcuts, F.relu, a pool as wide as the last map)
    case("cifar", 10, [1, 3, 32, 32], id="resnet20_cifar", cifar_n=3),
    case("cifar", 10, [3, 3, 40, 32], id="resnet56_cifar", cifar_n=9),
    # kuangliu's pytorch-cifar ResNet18 and PreActResNet18 (F.avg_pool2d(out, 4))
    case("cifar", 10, [2, 3, 32, 32], id="resnet18_cifar", cifar="kuangliu"),
    case("cifar", 10, [1, 3, 44, 40], id="preact_resnet18_cifar", cifar="kuangliu_preact"),
    # xternalz's Wide ResNet-28-10 and bearpaw's PreResNet-164 (final BN-ReLU; F.avg_pool2d and nn.AvgPool2d heads)
    case("cifar", 10, [2, 3, 32, 32], id="wrn28_10_cifar", cifar="wrn"),
    case("cifar", 10, [1, 3, 36, 40], id="preact_resnet164_cifar", cifar="bearpaw"),
    # Keras' ResNet50V2 in PyTorch form (pre-activation, 1x1 max-pool shortcuts, biases where no BN follows)
    case("keras_v2", 1000, [2, 3, 224, 224], id="keras_resnet50v2", preset="keras_resnet50v2", keras_v2=True),
    # a dilated stage's shortcut pool is AvgPool2dSame (a subclass that pads, then pools)
    case("resnet50", 21, [2, 3, 97, 61], id="resnet50d_os8", stem=32, avg_down=True, dilation=[False, True, True]),
    # timm's squeeze-and-excitation (nn.Sigmoid, x.mean(), x * gate: what no hook of some tools sees)
    case("resnet50", 1000, [1, 3, 224, 224], id="seresnet50", preset="seresnet50", se=True),
    case("resnext50_32x4d", 1000, [2, 3, 97, 61], id="seresnext50_32x4d", preset="seresnext50_32x4d", se=True),
    # #28: insightface's IResNet (PReLU, BatchNorm1d, nn.Dropout), torchvision's RegNetY (its own class:
    # grouped convs, SqueezeExcitation with an AdaptiveAvgPool2d module), KerasHub's backbone, kuangliu's
    # SENet18 (F.avg_pool2d squeeze, F.sigmoid), the Wide ResNet with F.dropout
    case("iresnet", 512, [2, 3, 112, 112], id="iresnet50", preset="iresnet50"),
    case("regnet", 1000, [2, 3, 97, 61], id="regnet_y_400mf", preset="regnet_y_400mf"),
    case("kerashub", 0, [2, 3, 97, 61], id="kerashub_resnet18", preset="kerashub_resnet18"),
    case("cifar", 10, [2, 3, 40, 44], id="senet18_cifar", preset="senet18_cifar", cifar="kuangliu_se"),
    case("cifar", 10, [2, 3, 32, 32], id="wrn28_10_cifar_dropout", preset="wrn28_10_cifar", cifar="wrn", dropout=0.3),
    # #27: GroupNorm (timm's resnet50_gn), ECA (ecaresnet50d), from timm's own models (TIMM_SRC)
    case("timm", 1000, [2, 3, 97, 61], id="resnet50_gn", preset="resnet50_gn"),
    case("timm", 1000, [2, 3, 97, 61], id="ecaresnet50d", preset="ecaresnet50d"),
    # timm's own models (TIMM_SRC): ResNet-RS, the blur pool
    case("timm", 1000, [2, 3, 97, 61], id="resnetrs50", preset="resnetrs50"),
    case("timm", 1000, [2, 3, 97, 61], id="resnetblur50", preset="resnetblur50"),
    case("timm", 1000, [2, 3, 97, 61], id="res2net50_26w_4s", preset="res2net50_26w_4s"),
    case("timm", 1000, [2, 3, 97, 61], id="resnetv2_50", preset="resnetv2_50"),
    case("timm", 1000, [2, 3, 97, 61], id="resnetv2_50x1_bit", preset="resnetv2_50x1_bit"),
    case("timm", 1000, [2, 3, 97, 61], id="resnest50d", preset="resnest50d"),
    # #31: torchvision's video ResNets (Conv3DSimple and Conv3DNoTemporal are subclasses of nn.Conv3d;
    # Conv2Plus1D a Sequential of plain ones), and the 1-d ResNets of record.py
    case("video", 400, [1, 3, 16, 112, 112], id="r3d_18", preset="r3d_18"),
    case("video", 400, [1, 3, 16, 112, 112], id="mc3_18", preset="mc3_18"),
    case("video", 400, [1, 3, 16, 112, 112], id="r2plus1d_18", preset="r2plus1d_18"),
    case("video", 400, [2, 3, 8, 64, 80], id="r2plus1d_18", preset="r2plus1d_18"),
    case("video", 400, [2, 3, 8, 64, 80], id="r3d_18", preset="r3d_18"),
    case("video", 400, [3, 3, 5, 33, 31], id="mc3_18", preset="mc3_18"),
    case("resnet18_1d", 1000, [4, 1, 128], id="resnet18_1d", preset="resnet18_1d"),
    case("tsc_resnet", 1000, [4, 1, 128], id="tsc_resnet", preset="tsc_resnet"),
    case("resnet18_1d", 1000, [2, 3, 500], id="resnet18_1d", preset="resnet18_1d"),
    case("tsc_resnet", 1000, [2, 3, 500], id="tsc_resnet", preset="tsc_resnet"),
]


def with_conv_biases(model):
    """Every Conv2d replaced by the same conv with a bias, as Keras builds its ResNets."""
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, torch.nn.Conv2d) and child.bias is None:
                setattr(parent, name, torch.nn.Conv2d(child.in_channels, child.out_channels, child.kernel_size, child.stride,
                                                      child.padding, child.dilation, child.groups, bias=True))
    return model


def run(c):
    torch.manual_seed(0)
    if c.get("cifar_n"):
        model = record.AkamasterResNet(c["cifar_n"], c["classes"]).train()
    else:
        model = record.build({k: v for k, v in c.items() if k != "conv_bias"}).train()
    if c.get("conv_bias"):
        model = with_conv_biases(model)
    shape = c["input"]
    x = torch.randn(*shape)
    out = {}
    macs, thop_params = thop.profile(model, (x,), verbose=False)
    out["thop"] = int(macs)
    for backend, key in (("pytorch", "ptflops"), ("aten", "ptflops-aten")):
        macs, _ = ptflops.get_model_complexity_info(
            model, tuple(shape[1:]), as_strings=False, print_per_layer_stat=False,
            input_constructor=lambda _res: torch.randn(*shape), backend=backend, verbose=False)
        out[key] = int(macs) if float(macs).is_integer() else macs
    model.eval()
    out["fvcore"] = int(FlopCountAnalysis(model, x).unsupported_ops_warnings(False).uncalled_modules_warnings(False).total())
    model.train()
    out["fvcore-train"] = int(FlopCountAnalysis(model, x).unsupported_ops_warnings(False).uncalled_modules_warnings(False).total())
    model.eval()
    stats = torchinfo.summary(model, input_size=shape, verbose=0)
    out["torchinfo"] = int(stats.total_mult_adds)
    text = str(stats)
    # its two size lines as it prints them (a unit of its choosing: MB, or GB from 10^9 bytes), and in MB
    sizes = {
        "paramsMB": "%.2f" % (stats.total_param_bytes / 1e6),
        "forwardBackwardMB": "%.2f" % (stats.total_output_bytes / 1e6),
    }
    if shape[2:] and len(shape) != 4:
        sizes["paramsLine"] = re.search(r"^Params size.*$", text, re.M).group(0)
        sizes["forwardBackwardLine"] = re.search(r"^Forward/backward pass size.*$", text, re.M).group(0)
    params = sum(p.numel() for p in model.parameters())
    return {
        "model": c["id"],
        "classes": c["classes"],
        "input": shape,
        "case": c,
        "params": params,
        "counts": out,
        "torchinfoSizes": sizes,
        # the parameters thop reports beside its count (of the modules it has a rule for)
        **({"thopParams": int(thop_params)} if len(shape) != 4 else {}),
        "sources": {tool: commit(tool) for tool in ("thop", "ptflops", "fvcore", "torchinfo")},
        "how": "PyTorch %s, torchvision %s, CPU; thop.profile; ptflops.get_model_complexity_info(backend=pytorch|aten, "
        "input_constructor giving the batch); fvcore FlopCountAnalysis(...).total() in eval and in train mode; "
        "torchinfo.summary(input_size, verbose=0).total_mult_adds in eval mode" % (torch.__version__, torchvision.__version__),
    }


os.makedirs(OUT, exist_ok=True)
only = sys.argv[3:]  # case ids to record again (default: all)
for c in CASES:
    if only and c["id"] not in only:
        continue
    result = run(c)
    name = "%s_c%d_%s.json" % (c["id"], c["classes"], "x".join(map(str, c["input"])))
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(name, result["counts"], result["torchinfoSizes"], flush=True)

"""Figures of Ultralytics' own model for one model YAML, as JSON on stdout (dev tool, not a test).

    python3 figures.py yolo11s.yaml [imgsz]

The name is resolved as Ultralytics resolves it (yolo11s.yaml -> cfg/models/11/yolo11.yaml at
scale s). Prints: parameters as model.info() counts them, parameters and thop FLOPs of the fused
model in eval mode at 640, unfused GFLOPs as Ultralytics reports them, per-layer parameters, and
the activation sites of the fused and the unfused model in forward order with their shapes at
`imgsz` (default 256), recorded by forward hooks on every module that owns an `act`.
See README.md for the environment.
"""
import contextlib
import copy
import io
import json
import sys

import thop
import torch
import torch.nn as nn
from ultralytics.nn.modules import Conv
from ultralytics.nn.tasks import DetectionModel, PoseModel, SegmentationModel, guess_model_task, yaml_model_load
from ultralytics.utils.torch_utils import get_flops, get_num_params

CLASSES = {"detect": DetectionModel, "segment": SegmentationModel, "pose": PoseModel}


def build(cfg, scale=None):
    """Ultralytics' model for a YAML name or dict; resets Conv.default_act, which parse_model sets process-wide."""
    Conv.default_act = nn.SiLU()
    d = yaml_model_load(cfg) if isinstance(cfg, str) else cfg
    if scale is not None:
        d["scale"] = scale
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        model = CLASSES[guess_model_task(d)](cfg=d, nc=d.get("nc", 80), verbose=False)
    return d, model


def eval_flops(model, imgsz):
    with contextlib.redirect_stdout(io.StringIO()):
        return thop.profile(copy.deepcopy(model).eval(), inputs=[torch.zeros(1, 3, imgsz, imgsz)], verbose=False)[0] * 2


def sites(model, imgsz):
    order, hooks = [], []
    for name, mod in model.named_modules():
        act = getattr(mod, "act", None)
        if isinstance(act, nn.Module) and not isinstance(act, nn.Identity) and not isinstance(mod, nn.Sequential):
            hooks.append(mod.register_forward_hook(lambda m, i, o, n=name: order.append([n + ".act", list(o.shape[1:])])))
    model.eval()
    for m in model.modules():
        if hasattr(m, "export"):
            m.export = True
    with torch.no_grad():
        model(torch.zeros(1, 3, imgsz, imgsz))
    for h in hooks:
        h.remove()
    return order


def figures(cfg, imgsz=256):
    d, model = build(cfg)
    fused = copy.deepcopy(model)
    with contextlib.redirect_stdout(io.StringIO()):
        fused.fuse(verbose=False)
    return {
        "yaml": cfg, "scale": d.get("scale"), "task": guess_model_task(d),
        "params": get_num_params(model), "gflops_unfused": get_flops(model, 640),
        "fused_params": get_num_params(fused), "flops_fused_eval_640": eval_flops(fused, 640),
        "layers": [{"i": m.i, "f": m.f, "type": m.type, "np": int(m.np)} for m in model.model],
        "imgsz": imgsz, "sites_fused": sites(fused, imgsz), "sites_unfused": sites(copy.deepcopy(model), imgsz),
    }


if __name__ == "__main__":
    json.dump(figures(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 256), sys.stdout)

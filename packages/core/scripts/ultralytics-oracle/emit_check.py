"""Run Ultralytics' fused torch model with the weights of an ActNAS-emitted ONNX (dev tool, not a test).

    python3 emit_check.py model.onnx model.yaml name input.bin [ort-output0.bin ...]

Builds the YAML as Ultralytics does (scale guessed from `name`), fuses it, copies every
initializer of the ONNX into the state_dict by name (A2C2f's gamma reshaped), runs the
float32 input (1×3×S×S, raw little-endian) with Detect.export = True, and prints per output the
signature the tests keep (shape, sum, |sum|, 8 values; for end-to-end outputs the 8 best scores).
Given onnxruntime's outputs as raw float32 files, it also prints the largest difference
(end-to-end rows matched to their nearest, as near-equal scores may trade places).
Also runs onnx.checker (full check) and strict shape inference on the file.
"""
import json
import sys

import numpy as np
import onnx
import torch
import yaml
from onnx import numpy_helper
from ultralytics.nn.tasks import guess_model_scale

from figures import build


def signature(a):
    flat = a.reshape(-1).astype(np.float64)
    picks = [int(i * (flat.size - 1) / 7) for i in range(8)]
    sig = {"shape": list(a.shape), "sum": float(flat.sum()), "abs": float(np.abs(flat).sum()), "at": picks, "values": [float(flat[i]) for i in picks]}
    if a.ndim == 3 and a.shape[1] == 300:
        sig["topScores"] = [float(v) for v in np.sort(a[0, :, 4])[::-1][:8]]
    return sig


def main(onnx_path, yaml_path, name, input_path, *ort_outputs):
    model_proto = onnx.load(onnx_path)
    onnx.checker.check_model(model_proto, full_check=True)
    onnx.shape_inference.infer_shapes(model_proto, strict_mode=True)
    inits = {t.name: numpy_helper.to_array(t) for t in model_proto.graph.initializer}
    d = yaml.safe_load(open(yaml_path))
    d["scale"] = guess_model_scale(name + ".yaml")
    _, model = build(d)
    model.fuse(verbose=False)
    model.eval()
    for m in model.modules():
        if hasattr(m, "export"):
            m.export = True
    state = model.state_dict()
    missing = [k for k in state if k not in inits and not k.endswith("dfl.conv.weight")]
    if missing:
        raise SystemExit(f"no ONNX initializer for {missing[:5]}")
    for k, v in state.items():
        if k in inits:
            state[k] = torch.from_numpy(inits[k].reshape(v.shape).copy())
    model.load_state_dict(state)
    shape = [d.dim_value for d in model_proto.graph.input[0].type.tensor_type.shape.dim]
    size = shape[-1]
    x = torch.from_numpy(np.fromfile(input_path, dtype=np.float32).reshape(1, 3, size, size))
    with torch.no_grad():
        y = model(x)
    outs = []

    def walk(o):
        if isinstance(o, (list, tuple)):
            for p in o:
                walk(p)
        else:
            outs.append(o.numpy())

    walk(y)
    report = {"signatures": [signature(o) for o in outs]}
    for i, (theirs, path) in enumerate(zip(outs, ort_outputs)):
        ours = np.fromfile(path, dtype=np.float32).reshape(theirs.shape)
        if theirs.ndim == 3 and theirs.shape[1] == 300:
            gap = np.abs(ours[0][:, None, :] - theirs[0][None, :, :]).max(-1).min(1).max()
        else:
            gap = np.abs(ours - theirs).max()
        report[f"output{i}"] = {"max_abs_diff": float(gap), "max_abs": float(np.abs(theirs).max())}
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:])

"""A small, independent ONNX graph interpreter (torch functional ops as kernels).

onnxruntime is not available in this environment and onnx 1.12 has no ReferenceEvaluator, so the
exported graph is executed node by node from the .onnx file itself (initializers, attributes,
Cast-from-float16 nodes, Resize, pooling attributes...). This checks what was WRITTEN to the file
against PyTorch; it supports exactly the operator subset our exporter emits and raises on anything
else. The Java side re-checks with ONNX Runtime.
"""
from __future__ import annotations

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

_DTYPES = {1: torch.float32, 10: torch.float16, 11: torch.float64, 6: torch.int32, 7: torch.int64, 9: torch.bool}


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pads_2d(pads):
    # ONNX pads [t, l, b, r] -> symmetric check
    t, l, b, r = pads
    return t, l, b, r


def _pool_pad(x, pads, value):
    t, l, b, r = pads
    if (t, l, b, r) == (0, 0, 0, 0):
        return x, 0
    if t == b and l == r:
        return x, (t, l)
    return F.pad(x, (l, r, t, b), value=value), 0


def _per_axis(param, x, attrs):
    """A scale or zero point shaped to broadcast along ``axis`` (default 1) when it is per channel."""
    if param is None:
        return torch.zeros((), dtype=torch.uint8)
    if param.dim() == 0 or param.numel() == 1:
        return param.reshape(())
    shape = [1] * x.dim()
    shape[attrs.get("axis", 1)] = param.numel()
    return param.reshape(shape)


def run(model_path_or_proto, inputs: dict, capture: dict | None = None) -> list:
    """The graph outputs for ``inputs``; tensors named in ``capture`` (a dict name -> None) are stored in it."""
    m = onnx.load(model_path_or_proto) if isinstance(model_path_or_proto, str) else model_path_or_proto
    g = m.graph
    env = {}
    for init in g.initializer:
        env[init.name] = torch.from_numpy(numpy_helper.to_array(init).copy())
    for k, v in inputs.items():
        env[k] = torch.as_tensor(v)
    for node in g.node:
        a = _attrs(node)
        ins = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            out = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
        elif op == "Identity" or op == "Dropout":
            out = ins[0]
        elif op == "Cast":
            out = ins[0].to(_DTYPES[a["to"]])
        elif op == "Conv":
            w = ins[1]
            b = ins[2] if len(ins) > 2 else None
            pads = a.get("pads", [0, 0, 0, 0])
            x = ins[0]
            t, l, bo, r = pads
            if t == bo and l == r:
                pad = (t, l)
            else:
                x = F.pad(x, (l, r, t, bo))
                pad = 0
            assert a.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
            out = F.conv2d(x, w, b, stride=tuple(a.get("strides", [1, 1])), padding=pad,
                           dilation=tuple(a.get("dilations", [1, 1])), groups=a.get("group", 1))
        elif op == "BatchNormalization":
            x, sc, bi, mu, var = ins[:5]
            out = F.batch_norm(x, mu, var, sc, bi, training=False, eps=a.get("epsilon", 1e-5))
        elif op == "Relu":
            out = F.relu(ins[0])
        elif op == "Sigmoid":
            out = torch.sigmoid(ins[0])
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "Sub":
            out = ins[0] - ins[1]
        elif op == "Mul":
            out = ins[0] * ins[1]
        elif op == "Div":
            out = ins[0] / ins[1]
        elif op == "Concat":
            out = torch.cat(ins, dim=a["axis"])
        elif op == "MaxPool":
            k = tuple(a["kernel_shape"])
            x, pad = _pool_pad(ins[0], a.get("pads", [0, 0, 0, 0]), float("-inf"))
            out = F.max_pool2d(x, k, tuple(a.get("strides", [1, 1])), pad, ceil_mode=bool(a.get("ceil_mode", 0)))
        elif op == "AveragePool":
            k = tuple(a["kernel_shape"])
            pads = a.get("pads", [0, 0, 0, 0])
            cip = bool(a.get("count_include_pad", 0))
            x, pad = _pool_pad(ins[0], pads, 0.0)
            assert pad == 0 or cip or True
            out = F.avg_pool2d(x, k, tuple(a.get("strides", [1, 1])), pad, ceil_mode=bool(a.get("ceil_mode", 0)),
                               count_include_pad=cip)
        elif op == "GlobalAveragePool":
            out = ins[0].mean(dim=(2, 3), keepdim=True)
        elif op == "ReduceMean":
            axes = a.get("axes")
            out = ins[0].mean(dim=tuple(axes), keepdim=bool(a.get("keepdims", 1)))
        elif op in ("ReduceSum", "ReduceMin"):  # axes: an input from opset 13 (ReduceSum) / 18 (ReduceMin), else an attribute
            axes = ins[1].tolist() if len(ins) > 1 and ins[1] is not None else a.get("axes")
            keep = bool(a.get("keepdims", 1))
            x = ins[0]
            for ax in sorted([int(v) % x.dim() for v in axes], reverse=True):
                x = x.sum(dim=ax, keepdim=keep) if op == "ReduceSum" else x.amin(dim=ax, keepdim=keep)
            out = x
        elif op in ("ReduceMax", "ReduceProd"):  # axes: an attribute up to opset 17 (an input from 18)
            axes = ins[1].tolist() if len(ins) > 1 and ins[1] is not None else a.get("axes")
            keep = bool(a.get("keepdims", 1))
            x = ins[0]
            axes = range(x.dim()) if axes is None else axes
            for ax in sorted([int(v) % x.dim() for v in axes], reverse=True):
                x = x.amax(dim=ax, keepdim=keep) if op == "ReduceMax" else x.prod(dim=ax, keepdim=keep)
            out = x
        elif op == "Clip":  # min, max: optional inputs (opset >= 11)
            lo = ins[1] if len(ins) > 1 and ins[1] is not None else None
            hi = ins[2] if len(ins) > 2 and ins[2] is not None else None
            out = ins[0]
            if lo is not None:
                out = torch.maximum(out, lo.to(out.dtype))
            if hi is not None:
                out = torch.minimum(out, hi.to(out.dtype))
        elif op == "Abs":
            out = ins[0].abs()
        elif op == "Neg":
            out = -ins[0]
        elif op == "Log":
            out = torch.log(ins[0])
        elif op == "Max":
            out = ins[0]
            for other in ins[1:]:
                out = torch.maximum(out, other)
        elif op == "Sqrt":
            out = torch.sqrt(ins[0])
        elif op == "Pow":
            out = torch.pow(ins[0], ins[1])
        elif op == "Min":
            out = ins[0]
            for other in ins[1:]:
                out = torch.minimum(out, other)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            out = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Reshape":
            shape = [int(v) for v in ins[1].tolist()]
            if not a.get("allowzero", 0):
                shape = [ins[0].shape[i] if v == 0 else v for i, v in enumerate(shape)]
            out = ins[0].reshape(shape)
        elif op == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0):
                A = A.t()
            if a.get("transB", 0):
                B = B.t()
            out = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                out = out + a.get("beta", 1.0) * ins[2]
        elif op == "MatMul":
            out = ins[0] @ ins[1]
        elif op == "Pad":
            pads = [int(v) for v in ins[1].tolist()]
            mode = a.get("mode", b"constant")
            mode = mode.decode() if isinstance(mode, bytes) else mode
            val = float(ins[2]) if len(ins) > 2 and ins[2] is not None else 0.0
            nd = ins[0].dim()
            begins, ends = pads[:nd], pads[nd:]
            tpad = []
            for d in reversed(range(nd)):
                tpad += [begins[d], ends[d]]
            out = F.pad(ins[0], tuple(tpad), mode=mode, value=val) if mode == "constant" else \
                F.pad(ins[0], tuple(tpad[:4]), mode=mode)
        elif op == "Slice":
            x = ins[0]
            starts, ends = ins[1].tolist(), ins[2].tolist()
            axes = ins[3].tolist() if len(ins) > 3 and ins[3] is not None else list(range(len(starts)))
            steps = ins[4].tolist() if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
            out = x
            for s_, e_, ax, st in zip(starts, ends, axes, steps):
                ax = ax + x.dim() if ax < 0 else ax
                n = x.shape[ax]
                s_ = s_ + n if s_ < 0 else s_
                e_ = e_ + n if e_ < 0 else e_
                if st > 0:
                    s_, e_ = min(max(s_, 0), n), min(max(e_, 0), n)
                else:
                    s_, e_ = min(max(s_, 0), n - 1), min(max(e_, -1), n - 1)
                idx = torch.tensor(list(range(s_, e_, st)), dtype=torch.long)
                out = torch.index_select(out, ax, idx)
        elif op == "ConstantOfShape":
            val = torch.from_numpy(numpy_helper.to_array(a["value"]).copy()) if "value" in a else torch.zeros(1)
            out = val.reshape(-1)[0].expand([int(v) for v in ins[0].tolist()]).clone()
        elif op == "Transpose":
            out = ins[0].permute(*a["perm"]) if "perm" in a else ins[0].permute(*reversed(range(ins[0].dim())))
        elif op == "Shape":
            out = torch.tensor(list(ins[0].shape), dtype=torch.int64)
        elif op == "Gather":
            out = torch.index_select(ins[0], a.get("axis", 0), ins[1].reshape(-1).long())
            if ins[1].dim() == 0:
                out = out.squeeze(a.get("axis", 0))
        elif op == "Unsqueeze":
            out = ins[0]
            for ax in sorted(int(v) for v in ins[1].tolist()):
                out = out.unsqueeze(ax)
        elif op == "QuantizeLinear":
            scale, zero = _per_axis(ins[1], ins[0], a), _per_axis(ins[2], ins[0], a)
            lo, hi = (0, 255) if ins[2].dtype == torch.uint8 else (-128, 127)
            out = torch.clamp(torch.round(ins[0] / scale) + zero.float(), lo, hi).to(ins[2].dtype)
        elif op == "DequantizeLinear":
            scale, zero = _per_axis(ins[1], ins[0], a), _per_axis(ins[2], ins[0], a)
            out = (ins[0].double() - zero.double()).float() * scale
        elif op == "Resize":
            x = ins[0]
            mode = a.get("mode", b"nearest")
            mode = mode.decode() if isinstance(mode, bytes) else mode
            ctm = a.get("coordinate_transformation_mode", b"half_pixel")
            ctm = ctm.decode() if isinstance(ctm, bytes) else ctm
            sizes = ins[3] if len(ins) > 3 and ins[3] is not None and ins[3].numel() else None
            scales = ins[2] if len(ins) > 2 and ins[2] is not None and ins[2].numel() else None
            if sizes is not None:
                size = tuple(int(v) for v in sizes.tolist()[2:])
            else:
                size = tuple(int(np.floor(x.shape[i + 2] * float(scales[i + 2]))) for i in range(2))
            assert mode == "linear" and ctm in ("half_pixel", "pytorch_half_pixel"), (mode, ctm)
            out = F.interpolate(x, size=size, mode="bilinear", align_corners=False)
        else:
            raise NotImplementedError(f"onnx_runner: op {op} not supported")
        outs = out if isinstance(out, (list, tuple)) else [out]
        for name, val in zip(node.output, outs):
            if name:
                env[name] = val
                if capture is not None and name in capture:
                    capture[name] = val
    return [env[o.name].numpy() for o in g.output]

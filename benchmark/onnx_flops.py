"""Counts the floating-point operations of one image through an ONNX model, from the graph's shapes.

Conv: 2 * Cout * Hout * Wout * (Cin / group) * kH * kW (+ Cout * Hout * Wout for a bias);
Gemm / MatMul: 2 * M * N * K. Other operators (BatchNorm, ReLU, pooling, Add, Concat...) are memory-bound and
small; they are counted separately as 'other elementwise' (one operation per output element) and left out of the
total that is compared with the CPU's peak. Prints one JSON line.

Usage: /usr/bin/python3 benchmark/onnx_flops.py models/<id>/model.onnx
"""
import json
import sys

import onnx
from onnx import numpy_helper, shape_inference


def dims(value_info):
    return [d.dim_value if d.HasField("dim_value") else 1 for d in value_info.type.tensor_type.shape.dim]


def main(path):
    model = onnx.load(path)
    graph_input = model.graph.input[0]
    for d in graph_input.type.tensor_type.shape.dim[:1]:
        d.ClearField("dim_param")
        d.dim_value = 1
    model = shape_inference.infer_shapes(model)
    shapes = {vi.name: dims(vi) for vi in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output)}
    initializers = {i.name: list(numpy_helper.to_array(i).shape) for i in model.graph.initializer}
    shapes.update(initializers)
    by_op = {}
    other = 0
    for node in model.graph.node:
        out = shapes.get(node.output[0])
        if out is None:
            continue
        elements = 1
        for d in out:
            elements *= max(d, 1)
        if node.op_type == "Conv":
            w = shapes[node.input[1]]
            group = next((a.i for a in node.attribute if a.name == "group"), 1)
            k = 1
            for d in w[2:]:
                k *= d
            flops = 2 * elements * (w[1]) * k
            if len(node.input) > 2:
                flops += elements
        elif node.op_type in ("Gemm", "MatMul"):
            a = shapes.get(node.input[0])
            k = a[-1] if a else 0
            transposed = any(attr.name == "transA" and attr.i == 1 for attr in node.attribute)
            if transposed and a:
                k = a[-2]
            flops = 2 * elements * k
        else:
            other += elements
            continue
        by_op[node.op_type] = by_op.get(node.op_type, 0) + flops
    print(json.dumps({"flops": sum(by_op.values()), "by_op": by_op, "other_elementwise": other,
                      "parameters": sum(int(__import__("numpy").prod(s)) for s in initializers.values())}))


if __name__ == "__main__":
    main(sys.argv[1])

import collections

import numpy as np
import onnx
import torch

from histoscope_train import export as E
from histoscope_train import onnx_runner
from histoscope_train import quantize as Q
from histoscope_train.models import build_model


def _exported(tmp_path, arch="smallcnn"):
    torch.manual_seed(0)
    m = build_model(arch).eval()
    # non-trivial batch-norm statistics, so that folding them has something to get wrong
    for mod in m.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.5, 0.5)
            mod.running_var.uniform_(0.5, 2.0)
            mod.weight.data.uniform_(0.5, 1.5)
            mod.bias.data.uniform_(-0.2, 0.2)
    path = str(tmp_path / "m.onnx")
    E.export_onnx(m, path, 50, fp16=True)
    return onnx.load(path)


def test_folding_batch_norms_keeps_the_outputs(tmp_path):
    model = _exported(tmp_path)
    x = torch.randn(6, 3, 50, 50)
    before = onnx_runner.run(model, {"input": x})[0]
    Q.float_initializers(model)
    folded = Q.fold_batch_norms(model)
    ops = collections.Counter(n.op_type for n in model.graph.node)
    assert folded == 8 and ops["BatchNormalization"] == 0 and ops["Cast"] == 0
    after = onnx_runner.run(model, {"input": x})[0]
    assert np.max(np.abs(after - before)) < 1e-5


def test_quantised_graph_is_int8_throughout_and_close_to_float(tmp_path):
    model = _exported(tmp_path)
    x = torch.randn(32, 3, 50, 50)
    reference = onnx_runner.run(model, {"input": x})[0]
    Q.float_initializers(model)
    Q.fold_batch_norms(model)
    ranges = Q.calibration_ranges(model, x.numpy())
    assert Q.insert_qdq(model, ranges) == 8
    onnx.checker.check_model(model)
    ops = collections.Counter(n.op_type for n in model.graph.node)
    weights = {i.name: i for i in model.graph.initializer}
    convs = [n for n in model.graph.node if n.op_type == "Conv"]
    producers = {o: n for n in model.graph.node for o in n.output}
    for conv in convs:  # each convolution reads dequantised int8 weights and a dequantised activation
        assert producers[conv.input[0]].op_type == "DequantizeLinear"
        weight_dq = producers[conv.input[1]]
        assert weights[weight_dq.input[0]].data_type == onnx.TensorProto.INT8
    assert ops["QuantizeLinear"] >= 8 and ops["MaxPool"] == 3
    quantised = onnx_runner.run(model, {"input": x})[0]
    assert np.max(np.abs(quantised - reference)) < 0.05
    assert np.max(np.abs(quantised - reference)) > 0  # it is really quantised


def test_a_relu_after_an_output_that_feeds_only_relus_costs_no_requantisation(tmp_path):
    model = _exported(tmp_path)
    x = torch.randn(8, 3, 50, 50)
    Q.float_initializers(model)
    Q.fold_batch_norms(model)
    Q.insert_qdq(model, Q.calibration_ranges(model, x.numpy()))
    inits = {i.name: numpy_value for i in model.graph.initializer for numpy_value in [onnx.numpy_helper.to_array(i)]}
    producers = {o: n for n in model.graph.node for o in n.output}
    relus = [n for n in model.graph.node if n.op_type == "Relu"]
    head = [r for r in relus if producers[r.input[0]].op_type == "Gemm"]
    assert len(head) == 1  # the head stays float: no Q/DQ between its layers
    assert len(relus) - len(head) == 8
    for relu in (r for r in relus if r not in head):
        before = producers[relu.input[0]]  # DQ of the conv's output
        after = next(n for n in model.graph.node if relu.output[0] in n.input)  # Q of the relu's output
        assert before.op_type == "DequantizeLinear" and after.op_type == "QuantizeLinear"
        assert inits[before.input[2]] == 0  # zero point 0: uint8 saturation is the ReLU
        assert inits[before.input[1]] == inits[after.input[1]] and inits[after.input[2]] == 0

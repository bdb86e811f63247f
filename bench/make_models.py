"""Generates the benchmark models and the three model repositories the bench
serves them from. Every model has a dynamic batch dim.

  add16 : C = A + B on 16 floats
  mlp   : 512 -> 1024 -> 1024 -> 512 with ReLU (about 2.1M parameters)
  conv  : a small conv net on 3x224x224 (two strided convs, pooling, a dense layer)

Repositories (under OUT):
  grpc_default/ : config holds only the platform line; the server auto-completes the rest
  capi_default/ : platform, max_batch_size, inputs and outputs (in-process mode does not auto-complete)
  one_thread/   : like capi_default plus 1 instance and intra_op_thread_count 1
"""
import pathlib
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)


def weight(name, *shape):
    return numpy_helper.from_array((rng.standard_normal(shape) * 0.05).astype(np.float32), name)


def model(nodes, inputs, outputs, inits=()):
    m = helper.make_model(helper.make_graph(nodes, "bench", inputs, outputs, initializer=list(inits)),
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def add16():
    t = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, ["batch", 16])
    return model([helper.make_node("Add", ["A", "B"], ["C"])], [t("A"), t("B")], [t("C")]), \
        {"A": [16], "B": [16]}, {"C": [16]}


def mlp():
    sizes = [512, 1024, 1024, 512]
    nodes, inits, x = [], [], "INPUT"
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        inits += [weight(f"W{i}", a, b), weight(f"b{i}", b)]
        nodes.append(helper.make_node("MatMul", [x, f"W{i}"], [f"m{i}"]))
        out = "OUTPUT" if i == len(sizes) - 2 else f"h{i}"
        nodes.append(helper.make_node("Add", [f"m{i}", f"b{i}"], [f"a{i}" if out != "OUTPUT" else out]))
        if out != "OUTPUT":
            nodes.append(helper.make_node("Relu", [f"a{i}"], [out]))
        x = out
    return model(nodes, [helper.make_tensor_value_info("INPUT", TensorProto.FLOAT, ["batch", 512])],
                 [helper.make_tensor_value_info("OUTPUT", TensorProto.FLOAT, ["batch", 512])], inits), \
        {"INPUT": [512]}, {"OUTPUT": [512]}


def conv():
    inits = [weight("k1", 16, 3, 3, 3), weight("c1", 16), weight("k2", 32, 16, 3, 3), weight("c2", 32),
             weight("W", 32, 10), weight("b", 10)]
    nodes = [
        helper.make_node("Conv", ["INPUT", "k1", "c1"], ["x1"], strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["x1"], ["r1"]),
        helper.make_node("Conv", ["r1", "k2", "c2"], ["x2"], strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["x2"], ["r2"]),
        helper.make_node("GlobalAveragePool", ["r2"], ["p"]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("MatMul", ["f", "W"], ["m"]),
        helper.make_node("Add", ["m", "b"], ["OUTPUT"]),
    ]
    return model(nodes, [helper.make_tensor_value_info("INPUT", TensorProto.FLOAT, ["batch", 3, 224, 224])],
                 [helper.make_tensor_value_info("OUTPUT", TensorProto.FLOAT, ["batch", 10])], inits), \
        {"INPUT": [3, 224, 224]}, {"OUTPUT": [10]}


MODELS = {"add16": add16, "mlp": mlp, "conv": conv}


def tensors(kind, dims):
    return "\n".join(f'{kind} [{{ name: "{n}" data_type: TYPE_FP32 dims: [{", ".join(map(str, d))}] }}]'
                     for n, d in dims.items())


def write(out: pathlib.Path):
    for name, make in MODELS.items():
        m, ins, outs = make()
        full = f'platform: "onnxruntime_onnx"\nmax_batch_size: 8\n{tensors("input", ins)}\n{tensors("output", outs)}\n'
        configs = {
            "grpc_default": 'platform: "onnxruntime_onnx"\n',
            "capi_default": full,
            "one_thread": full + 'instance_group [{ kind: KIND_CPU count: 1 }]\n'
                                 'parameters { key: "intra_op_thread_count" value: { string_value: "1" } }\n',
        }
        for repo, cfg in configs.items():
            d = out / repo / name
            (d / "1").mkdir(parents=True, exist_ok=True)
            onnx.save(m, d / "1" / "model.onnx")
            (d / "config.pbtxt").write_text(cfg)
        onnx.save(m, out / f"{name}.onnx")


if __name__ == "__main__":
    write(pathlib.Path(sys.argv[1]))

"""Writes the example model repository: `simple`, an ONNX model with two FP32
inputs of shape [batch, 4] and their sum and difference as outputs, served
with no config.pbtxt (the backend auto-completes it)."""
import pathlib
import sys

import onnx
from onnx import TensorProto, helper


def make_simple(path: pathlib.Path) -> None:
    dims = ["batch", 4]
    inputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, dims) for n in ("INPUT0", "INPUT1")]
    outputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, dims) for n in ("OUTPUT0", "OUTPUT1")]
    nodes = [
        helper.make_node("Add", ["INPUT0", "INPUT1"], ["OUTPUT0"]),
        helper.make_node("Sub", ["INPUT0", "INPUT1"], ["OUTPUT1"]),
    ]
    model = helper.make_model(helper.make_graph(nodes, "simple", inputs, outputs),
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    (path / "1").mkdir(parents=True, exist_ok=True)
    onnx.save(model, path / "1" / "model.onnx")


if __name__ == "__main__":
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "models")
    make_simple(root / "simple")
    print(f"wrote {root}/simple")

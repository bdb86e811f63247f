"""Builders for the ONNX models and repositories the integration tests use.
Every model is made here with the onnx package; nothing binary is checked in."""
import pathlib
from typing import Optional, Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def tensor(name, elem_type, shape):
    return helper.make_tensor_value_info(name, elem_type, shape)


def make_model(nodes, inputs, outputs, initializers=(), opset=OPSET, name="g"):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def save(repo, name, model, config: Optional[str] = None, version=1, filename="model.onnx",
         external_data=False):
    """Writes <repo>/<name>/<version>/<filename> and, if given, config.pbtxt."""
    d = pathlib.Path(repo) / name
    (d / str(version)).mkdir(parents=True, exist_ok=True)
    target = d / str(version) / filename
    if external_data:
        target.mkdir(parents=True, exist_ok=True)
        onnx.save_model(model, target / "model.onnx", save_as_external_data=True,
                        all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)
    else:
        onnx.save(model, target)
    if config is not None:
        (d / "config.pbtxt").write_text(config)
    return d


def binary_op(op, elem_type, shape, names=("A", "B", "C")):
    a, b, c = names
    return make_model([helper.make_node(op, [a, b], [c])],
                      [tensor(a, elem_type, shape), tensor(b, elem_type, shape)],
                      [tensor(c, elem_type, shape)])


def identity(elem_type, shape, in_name="INPUT", out_name="OUTPUT"):
    return make_model([helper.make_node("Identity", [in_name], [out_name])],
                      [tensor(in_name, elem_type, shape)], [tensor(out_name, elem_type, shape)])


def add_sub(shape=("batch", 4), elem_type=TensorProto.FLOAT):
    """INPUT0, INPUT1 -> OUTPUT0 = sum, OUTPUT1 = difference."""
    ins = [tensor(n, elem_type, list(shape)) for n in ("INPUT0", "INPUT1")]
    outs = [tensor(n, elem_type, list(shape)) for n in ("OUTPUT0", "OUTPUT1")]
    return make_model([helper.make_node("Add", ["INPUT0", "INPUT1"], ["OUTPUT0"]),
                       helper.make_node("Sub", ["INPUT0", "INPUT1"], ["OUTPUT1"])], ins, outs)


def scale_by_weights(shape=("batch", 8)):
    """OUTPUT = INPUT * W with W a stored initializer (used for external data)."""
    w = np.arange(1, shape[-1] + 1, dtype=np.float32)
    init = numpy_helper.from_array(w, "W")  # raw_data, so it can move to an external file
    return make_model([helper.make_node("Mul", ["INPUT", "W"], ["OUTPUT"])],
                      [tensor("INPUT", TensorProto.FLOAT, list(shape))],
                      [tensor("OUTPUT", TensorProto.FLOAT, list(shape))], [init]), w


def lowercase_strings(shape=("N",)):
    """ONNX StringNormalizer: lower-cases every element."""
    node = helper.make_node("StringNormalizer", ["INPUT"], ["OUTPUT"], case_change_action="LOWER", locale="C")
    return make_model([node], [tensor("INPUT", TensorProto.STRING, list(shape))],
                      [tensor("OUTPUT", TensorProto.STRING, list(shape))])


def config(name, inputs: Sequence[tuple] = (), outputs: Sequence[tuple] = (), max_batch_size=None,
           extra="", backend=True):
    """A config.pbtxt. inputs/outputs: (name, "TYPE_FP32", [dims], optional extra text)."""
    lines = [f'name: "{name}"', 'backend: "onnxruntime"' if backend else 'platform: "onnxruntime_onnx"']
    if max_batch_size is not None:
        lines.append(f"max_batch_size: {max_batch_size}")
    for kind, items in (("input", inputs), ("output", outputs)):
        for item in items:
            n, dt, dims = item[:3]
            more = item[3] if len(item) > 3 else ""
            lines.append(f'{kind} [{{ name: "{n}" data_type: {dt} dims: [{", ".join(map(str, dims))}] {more} }}]')
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n"


def mixed_types():
    """Three inputs and outputs of different types and ranks, all batchable:
    F (FP32 [batch,2,3]) -> F_OUT, I (INT64 [batch,seq]) -> I_OUT as INT32,
    B (BOOL [batch]) -> B_OUT = not B."""
    return make_model(
        [helper.make_node("Identity", ["F"], ["F_OUT"]),
         helper.make_node("Cast", ["I"], ["I_OUT"], to=TensorProto.INT32),
         helper.make_node("Not", ["B"], ["B_OUT"])],
        [tensor("F", TensorProto.FLOAT, ["batch", 2, 3]), tensor("I", TensorProto.INT64, ["batch", "seq"]),
         tensor("B", TensorProto.BOOL, ["batch"])],
        [tensor("F_OUT", TensorProto.FLOAT, ["batch", 2, 3]), tensor("I_OUT", TensorProto.INT32, ["batch", "seq"]),
         tensor("B_OUT", TensorProto.BOOL, ["batch"])])


def sequence_output():
    """An output that is a sequence of tensors, which Triton cannot serve."""
    return make_model(
        [helper.make_node("SequenceConstruct", ["X"], ["S"]), helper.make_node("Identity", ["X"], ["Y"])],
        [tensor("X", TensorProto.FLOAT, ["n"])],
        [helper.make_tensor_sequence_value_info("S", TensorProto.FLOAT, ["n"]), tensor("Y", TensorProto.FLOAT, ["n"])])


def float8_input():
    """An FLOAT8E4M3FN input, an element type Triton has no data type for."""
    model = make_model([helper.make_node("Cast", ["Z"], ["Y"], to=TensorProto.FLOAT)],
                       [tensor("Z", TensorProto.FLOAT8E4M3FN, ["n"])], [tensor("Y", TensorProto.FLOAT, ["n"])],
                       opset=19)
    model.ir_version = 9
    return model


def matmul_with_weights():
    """Y = X @ W with W a FP32 [4,8] initializer stored as raw data (so it can be
    saved as external data), plus unused INT64/FP16/STRING initializers of known
    size. Returns the model and the initializers' total byte size."""
    from onnx import numpy_helper
    inits = [numpy_helper.from_array(np.arange(32, dtype=np.float32).reshape(4, 8), "W"),
             numpy_helper.from_array(np.arange(8, dtype=np.int64), "I64"),
             numpy_helper.from_array(np.ones(3, dtype=np.float16), "H")]
    strings = helper.make_tensor("S", TensorProto.STRING, [2], [b"abc", b"de"])
    model = make_model([helper.make_node("MatMul", ["X", "W"], ["Y"])],
                       [tensor("X", TensorProto.FLOAT, ["n", 4])], [tensor("Y", TensorProto.FLOAT, ["n", 8])],
                       inits + [strings], name="weights_graph")
    model.producer_name, model.producer_version = "models.py", "1.2"
    return model, 32 * 4 + 8 * 8 + 3 * 2 + len(b"abc") + len(b"de")


def sequence_accumulator(batching=True, start_type=TensorProto.INT32, end_type=TensorProto.FLOAT,
                         ready_type=TensorProto.BOOL, scalar_controls=False):
    """A stateful model driven by the sequence batcher's controls and one
    implicit state ACC_IN -> ACC_OUT (INT32):
      OUTPUT = INPUT if START else ACC_IN + INPUT   (the running sum; ACC_OUT = OUTPUT)
      CORRID_OUT = CORRID                          (UINT64, the sequence id)
      FLAGS = START + 2*END + 4*READY              (INT32, which controls were set)
    START/END/READY use the given element types (int32 / fp32 / bool controls).
    scalar_controls (non-batching only): the controls, CORRID_OUT and FLAGS
    are rank-0 tensors in the model."""
    dims = ["batch", 1] if batching else [1]
    cdims = [] if scalar_controls else dims

    def as_int(name):
        return [helper.make_node("Cast", [name], [name + "_i"], to=TensorProto.INT32)]

    nodes = as_int("START") + as_int("END") + as_int("READY") + [
        helper.make_node("Cast", ["START"], ["START_b"], to=TensorProto.BOOL),
        helper.make_node("Add", ["ACC_IN", "INPUT"], ["SUM"]),
        helper.make_node("Where", ["START_b", "INPUT", "SUM"], ["OUTPUT"]),
        helper.make_node("Identity", ["OUTPUT"], ["ACC_OUT"]),
        helper.make_node("Identity", ["CORRID"], ["CORRID_OUT"]),
        helper.make_node("Constant", [], ["TWO"], value=helper.make_tensor("TWO", TensorProto.INT32, [], [2])),
        helper.make_node("Constant", [], ["FOUR"], value=helper.make_tensor("FOUR", TensorProto.INT32, [], [4])),
        helper.make_node("Mul", ["END_i", "TWO"], ["END2"]),
        helper.make_node("Mul", ["READY_i", "FOUR"], ["READY4"]),
        helper.make_node("Add", ["START_i", "END2"], ["SE"]),
        helper.make_node("Add", ["SE", "READY4"], ["FLAGS"]),
    ]
    inputs = [tensor("INPUT", TensorProto.INT32, dims), tensor("ACC_IN", TensorProto.INT32, dims),
              tensor("START", start_type, cdims), tensor("END", end_type, cdims), tensor("READY", ready_type, cdims),
              tensor("CORRID", TensorProto.UINT64, cdims)]
    outputs = [tensor("OUTPUT", TensorProto.INT32, dims), tensor("ACC_OUT", TensorProto.INT32, dims),
               tensor("CORRID_OUT", TensorProto.UINT64, cdims), tensor("FLAGS", TensorProto.INT32, cdims)]
    return make_model(nodes, inputs, outputs)


def state_sum(elem_type=TensorProto.INT32, dims=("batch", 1)):
    """OUTPUT = STATE_IN + INPUT, STATE_OUT = OUTPUT: a running sum kept only in
    Triton's implicit state (no control inputs), so the first request sees
    the configured initial state."""
    dims = list(dims)
    return make_model([helper.make_node("Add", ["STATE_IN", "INPUT"], ["OUTPUT"]),
                       helper.make_node("Identity", ["OUTPUT"], ["STATE_OUT"])],
                      [tensor("INPUT", elem_type, dims), tensor("STATE_IN", elem_type, dims)],
                      [tensor("OUTPUT", elem_type, dims), tensor("STATE_OUT", elem_type, dims)])


def state_concat(dims=("batch", 1)):
    """A string state: TEXT = TEXT_IN + INPUT (ONNX StringConcat, opset 20),
    TEXT_OUT = TEXT, so each sequence accumulates the strings it was sent."""
    dims = list(dims)
    model = make_model([helper.make_node("StringConcat", ["TEXT_IN", "INPUT"], ["TEXT"]),
                        helper.make_node("Identity", ["TEXT"], ["TEXT_OUT"])],
                       [tensor("INPUT", TensorProto.STRING, dims), tensor("TEXT_IN", TensorProto.STRING, dims)],
                       [tensor("TEXT", TensorProto.STRING, dims), tensor("TEXT_OUT", TensorProto.STRING, dims)],
                       opset=20)
    model.ir_version = 9
    return model

"""Builders for the ONNX models and repositories the integration tests use.
Every model is made here with the onnx package; nothing binary is checked in."""
import pathlib
from typing import Optional, Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17

# Every Triton data type -> (ONNX element type, numpy dtype tritonclient uses for it)
DTYPES = {
    "BOOL": (TensorProto.BOOL, np.bool_),
    "UINT8": (TensorProto.UINT8, np.uint8),
    "UINT16": (TensorProto.UINT16, np.uint16),
    "UINT32": (TensorProto.UINT32, np.uint32),
    "UINT64": (TensorProto.UINT64, np.uint64),
    "INT8": (TensorProto.INT8, np.int8),
    "INT16": (TensorProto.INT16, np.int16),
    "INT32": (TensorProto.INT32, np.int32),
    "INT64": (TensorProto.INT64, np.int64),
    "FP16": (TensorProto.FLOAT16, np.float16),
    "FP32": (TensorProto.FLOAT, np.float32),
    "FP64": (TensorProto.DOUBLE, np.float64),
    "BF16": (TensorProto.BFLOAT16, np.float32),  # tritonclient carries BF16 as float32 values
    "BYTES": (TensorProto.STRING, np.object_),
}


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


def reshape_by_input():
    """Y = Reshape(X, SHAPE), X FP32 [6]: a run fails when SHAPE does not fit
    6 elements (a failure of the run itself, not of the request's checks)."""
    return make_model([helper.make_node("Reshape", ["X", "SHAPE"], ["Y"])],
                      [tensor("X", TensorProto.FLOAT, [6]), tensor("SHAPE", TensorProto.INT64, [2])],
                      [tensor("Y", TensorProto.FLOAT, ["a", "b"])])


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


def ragged_all_kinds():
    """A ragged-batching model that echoes every batch-input kind per request.

    Ragged inputs INPUT and MATRIX are 1-D in the model (the batch's elements,
    concatenated). Batch inputs the backend computes: EC (BATCH_ELEMENT_COUNT
    of INPUT, FP32), AEC (BATCH_ACCUMULATED_ELEMENT_COUNT, INT32), AECZ
    (BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO, FP32), MAXS
    (BATCH_MAX_ELEMENT_COUNT_AS_SHAPE, FP32), ISH (BATCH_ITEM_SHAPE of MATRIX,
    INT32) and ISF (BATCH_ITEM_SHAPE_FLATTEN of MATRIX, FP32). Triton 2.51
    admits only FP32 and INT32 batch inputs (newer servers add INT64, which the
    backend supports too; its unit tests cover it). Outputs with a
    batch dim give each request its own row of them; OUT = 2 * INPUT and
    MOUT = MATRIX + 1 are batch outputs scattered by their input's shape."""
    f, i32 = TensorProto.FLOAT, TensorProto.INT32
    consts = [numpy_helper.from_array(np.array(v, dtype=np.int64), n) for n, v in
              (("zero", [0]), ("minus_one", [-1]), ("one", [1]), ("end", [2**62]), ("pairs", [-1, 2]))]
    consts += [numpy_helper.from_array(np.array(v, dtype=np.float32), n) for n, v in (("two", 2.0), ("unit", 1.0),
                                                                                      ("nought", 0.0))]
    nodes = [
        helper.make_node("Mul", ["INPUT", "two"], ["OUT"]),
        helper.make_node("Add", ["MATRIX", "unit"], ["MOUT"]),
        helper.make_node("Identity", ["EC"], ["EC_OUT"]),
        helper.make_node("Identity", ["AEC"], ["AEC_OUT"]),
        helper.make_node("Slice", ["AECZ", "zero", "minus_one"], ["AECZ_START"]),
        helper.make_node("Slice", ["AECZ", "one", "end"], ["AECZ_END"]),
        # MAX_OUT = len(MAXS), broadcast over the batch by adding 0 * EC.
        helper.make_node("Shape", ["MAXS"], ["maxs_shape"]),
        helper.make_node("Cast", ["maxs_shape"], ["maxs_len"], to=f),
        helper.make_node("Mul", ["EC", "nought"], ["ec_zero"]),
        helper.make_node("Add", ["ec_zero", "maxs_len"], ["MAX_OUT"]),
        helper.make_node("Identity", ["ISH"], ["ISH_OUT"]),
        helper.make_node("Reshape", ["ISF", "pairs"], ["ISF_OUT"]),
    ]
    inputs = [tensor("INPUT", f, ["n"]), tensor("MATRIX", f, ["m"]), tensor("EC", f, ["b"]),
              tensor("AEC", i32, ["b"]), tensor("AECZ", f, ["b1"]), tensor("MAXS", f, ["max"]),
              tensor("ISH", i32, ["b", 2]), tensor("ISF", f, ["b2"])]
    outputs = [tensor("OUT", f, ["n"]), tensor("MOUT", f, ["m"]), tensor("EC_OUT", f, ["b"]),
               tensor("AEC_OUT", i32, ["b"]), tensor("AECZ_START", f, ["b"]), tensor("AECZ_END", f, ["b"]),
               tensor("MAX_OUT", f, ["b"]), tensor("ISH_OUT", i32, ["b", 2]), tensor("ISF_OUT", f, ["b", 2])]
    return make_model(nodes, inputs, outputs, initializers=consts)


def ragged_all_kinds_config(name, max_batch_size=8, extra="", with_outputs=True):
    """The config of ragged_all_kinds(); `extra` adds e.g. a dynamic_batching block.
    Without outputs (and so without batch outputs), auto-complete lists them."""
    scalar = "reshape: { shape: [ ] }"
    outputs = [("OUT", "TYPE_FP32", [-1]), ("MOUT", "TYPE_FP32", [-1, -1]), ("EC_OUT", "TYPE_FP32", [1], scalar),
               ("AEC_OUT", "TYPE_INT32", [1], scalar), ("AECZ_START", "TYPE_FP32", [1], scalar),
               ("AECZ_END", "TYPE_FP32", [1], scalar), ("MAX_OUT", "TYPE_FP32", [1], scalar),
               ("ISH_OUT", "TYPE_INT32", [2]), ("ISF_OUT", "TYPE_FP32", [2])]
    kinds = [("EC", "BATCH_ELEMENT_COUNT", "TYPE_FP32", "INPUT"),
             ("AEC", "BATCH_ACCUMULATED_ELEMENT_COUNT", "TYPE_INT32", "INPUT"),
             ("AECZ", "BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO", "TYPE_FP32", "INPUT"),
             ("MAXS", "BATCH_MAX_ELEMENT_COUNT_AS_SHAPE", "TYPE_FP32", "INPUT"),
             ("ISH", "BATCH_ITEM_SHAPE", "TYPE_INT32", "MATRIX"),
             ("ISF", "BATCH_ITEM_SHAPE_FLATTEN", "TYPE_FP32", "MATRIX")]
    batch_inputs = ",\n".join(
        f'  {{ kind: {k} target_name: "{t}" data_type: {dt} source_input: "{s}" }}' for t, k, dt, s in kinds)
    batch_outputs = ",\n".join(
        f'  {{ target_name: "{t}" kind: BATCH_SCATTER_WITH_INPUT_SHAPE source_input: "{s}" }}'
        for t, s in (("OUT", "INPUT"), ("MOUT", "MATRIX")))
    scatter = f"batch_output [\n{batch_outputs}\n]\n" if with_outputs else ""
    return config(
        name, [("INPUT", "TYPE_FP32", [-1], "allow_ragged_batch: true"),
               ("MATRIX", "TYPE_FP32", [-1, -1], "allow_ragged_batch: true")], outputs if with_outputs else [],
        max_batch_size=max_batch_size, extra=f"batch_input [\n{batch_inputs}\n]\n{scatter}{extra}")


OVERRIDABLE_W = np.array([10.0, 20.0], dtype=np.float32)
OVERRIDABLE_S = np.array([2.0, 3.0], dtype=np.float32)


def overridable_initializers(batching=True):
    """Y = (X + W) * S, where W and S are initializers that the graph also
    lists as inputs (what keep_initializers_as_inputs exports): ONNX Runtime
    runs with their stored values (OVERRIDABLE_W, OVERRIDABLE_S) unless a run
    gives them. For a batching model they are declared with a dynamic first
    dim and stored as [1, 2], which broadcasts over the batch."""
    lead = ["batch"] if batching else []
    store = (1, 2) if batching else (2,)
    inits = [numpy_helper.from_array(OVERRIDABLE_W.reshape(store), "W"),
             numpy_helper.from_array(OVERRIDABLE_S.reshape(store), "S")]
    return make_model([helper.make_node("Add", ["X", "W"], ["XW"]), helper.make_node("Mul", ["XW", "S"], ["Y"])],
                      [tensor("X", TensorProto.FLOAT, lead + [2]),
                       tensor("W", TensorProto.FLOAT, (["wb"] if batching else []) + [2]),
                       tensor("S", TensorProto.FLOAT, (["sb"] if batching else []) + [2])],
                      [tensor("Y", TensorProto.FLOAT, lead + [2])], inits)


def overridable_initializers_config(name, batching=True, extra=""):
    """X required; W and S optional (the overridable initializers)."""
    return config(name, [("X", "TYPE_FP32", [2]), ("W", "TYPE_FP32", [2], "optional: true"),
                         ("S", "TYPE_FP32", [2], "optional: true")],
                  [("Y", "TYPE_FP32", [2])], max_batch_size=8 if batching else 0, extra=extra)

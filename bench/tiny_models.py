"""Tiny models for the per-request fixed cost (bench/tiny_bench.py,
bench/callgrind_steps.py): models whose ONNX Runtime work is a few
microseconds, so what the backend does around `Run` is what shows. Each
covers one shape of request that has its own path through the backend:

  vad        : like silero-vad (not batching): `input` [1, 512], a recurrent
               `state` [2, 1, 128] that the client feeds back every request,
               and a rank-0 INT64 `sr` (sent as the config's [1]); outputs
               `output` [1, 1] and `stateN` [2, 1, 128]
  many_in    : 16 inputs of [batch, 4] floats summed into one output
  strings    : a BYTES input [batch, 4] returned as a BYTES output
  batch_out  : a ragged input [n] doubled into a `batch_output` (split by
               each request's input shape)
  add16      : C = A + B on 16 floats (bench/make_models.py's)
  silero     : only with --silero PATH: the real silero_vad.onnx (rank-0
               `sr`, recurrent `state`), from PyPI's silero-vad wheel

For each: the model, its complete config (in-process mode does not
auto-complete), perf_analyzer's input data, and what the raw baseline feeds
(raw_ort_bench --shape/--feed).
"""
import json
import pathlib
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_models  # noqa: E402

rng = np.random.default_rng(1)
F = TensorProto.FLOAT


def t(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def w(name, *shape):
    return numpy_helper.from_array((rng.standard_normal(shape) * 0.05).astype(np.float32), name)


def vad():
    nodes = [
        helper.make_node("MatMul", ["input", "W1"], ["m"]),
        helper.make_node("Tanh", ["m"], ["h"]),                  # [1, 128]
        helper.make_node("Add", ["state", "h"], ["s"]),          # [2, 1, 128]
        helper.make_node("Tanh", ["s"], ["stateN"]),
        helper.make_node("Cast", ["sr"], ["srf"], to=F),         # rank 0
        helper.make_node("Mul", ["srf", "inv_rate"], ["scale"]),
        helper.make_node("MatMul", ["h", "W2"], ["o"]),          # [1, 1]
        helper.make_node("Mul", ["o", "scale"], ["os"]),
        helper.make_node("Sigmoid", ["os"], ["output"]),
    ]
    inits = [w("W1", 512, 128), w("W2", 128, 1), numpy_helper.from_array(np.array(1 / 16000, np.float32), "inv_rate")]
    m = make_models.model(nodes, [t("input", F, [1, 512]), t("state", F, [2, 1, 128]), t("sr", TensorProto.INT64, [])],
                          [t("output", F, [1, 1]), t("stateN", F, [2, 1, 128])], inits)
    config = """platform: "onnxruntime_onnx"
max_batch_size: 0
input [{ name: "input" data_type: TYPE_FP32 dims: [1, 512] },
       { name: "state" data_type: TYPE_FP32 dims: [2, 1, 128] },
       { name: "sr" data_type: TYPE_INT64 dims: [1] }]
output [{ name: "output" data_type: TYPE_FP32 dims: [1, 1] },
        { name: "stateN" data_type: TYPE_FP32 dims: [2, 1, 128] }]
"""
    data = {"input": {"content": floats(512), "shape": [1, 512]},
            "state": {"content": floats(256), "shape": [2, 1, 128]},
            "sr": {"content": [16000], "shape": [1]}}
    raw = ["--feed", "stateN=state", "--int-value", "16000"]
    return m, config, data, raw


def many_in():
    names = [f"IN{i}" for i in range(16)]
    m = make_models.model([helper.make_node("Sum", names, ["OUT"])], [t(n, F, ["batch", 4]) for n in names],
                          [t("OUT", F, ["batch", 4])])
    ins = ",\n       ".join(f'{{ name: "{n}" data_type: TYPE_FP32 dims: [4] }}' for n in names)
    config = f"""platform: "onnxruntime_onnx"
max_batch_size: 8
input [{ins}]
output [{{ name: "OUT" data_type: TYPE_FP32 dims: [4] }}]
"""
    return m, config, {n: floats(4) for n in names}, []


def strings():
    m = make_models.model([helper.make_node("Identity", ["TEXT"], ["TEXT_OUT"])],
                          [t("TEXT", TensorProto.STRING, ["batch", 4])], [t("TEXT_OUT", TensorProto.STRING, ["batch", 4])])
    config = """platform: "onnxruntime_onnx"
max_batch_size: 8
input [{ name: "TEXT" data_type: TYPE_STRING dims: [4] }]
output [{ name: "TEXT_OUT" data_type: TYPE_STRING dims: [4] }]
"""
    return m, config, {"TEXT": ["hello", "tiny", "model", "strings"]}, []


def batch_out():
    two = numpy_helper.from_array(np.array(2, np.float32), "two")
    m = make_models.model([helper.make_node("Mul", ["INPUT", "two"], ["OUTPUT"])], [t("INPUT", F, ["n"])],
                          [t("OUTPUT", F, ["n"])], [two])
    config = """platform: "onnxruntime_onnx"
max_batch_size: 8
input [{ name: "INPUT" data_type: TYPE_FP32 dims: [-1] allow_ragged_batch: true }]
output [{ name: "OUTPUT" data_type: TYPE_FP32 dims: [-1] }]
batch_output [{ target_name: "OUTPUT" kind: BATCH_SCATTER_WITH_INPUT_SHAPE source_input: "INPUT" }]
"""
    return m, config, {"INPUT": {"content": floats(64), "shape": [64]}}, ["--shape", "INPUT=64"]


def add16():
    m, ins, outs = make_models.add16()
    config = f'platform: "onnxruntime_onnx"\nmax_batch_size: 8\n{make_models.tensors("input", ins)}\n' \
             f'{make_models.tensors("output", outs)}\n'
    return m, config, {"A": floats(16), "B": floats(16)}, []


def silero(path):
    """The real silero-vad model (from PyPI's `silero-vad` wheel, fetched by
    hand; the bench does not depend on it): a 512-sample chunk at 16 kHz."""
    m = onnx.load(path)
    config = """platform: "onnxruntime_onnx"
max_batch_size: 0
input [{ name: "input" data_type: TYPE_FP32 dims: [-1, -1] },
       { name: "state" data_type: TYPE_FP32 dims: [2, -1, 128] },
       { name: "sr" data_type: TYPE_INT64 dims: [1] }]
output [{ name: "output" data_type: TYPE_FP32 dims: [-1, 1] },
        { name: "stateN" data_type: TYPE_FP32 dims: [-1, -1, -1] }]
"""
    data = {"input": {"content": floats(512), "shape": [1, 512]},
            "state": {"content": [0.0] * 256, "shape": [2, 1, 128]},
            "sr": {"content": [16000], "shape": [1]}}
    raw = ["--shape", "input=1,512", "--shape", "state=2,1,128", "--feed", "stateN=state", "--int-value", "16000"]
    return m, config, data, raw


def floats(n):
    return rng.uniform(-1, 1, n).astype(np.float32).round(4).tolist()


MODELS = {"vad": vad, "many_in": many_in, "strings": strings, "batch_out": batch_out, "add16": add16}
# One instance, one intra-op thread: the fixed cost is what is measured, and
# the raw baseline uses the same options.
INSTANCE = 'instance_group [{ kind: KIND_CPU count: 1 }]\n' \
           'parameters { key: "intra_op_thread_count" value: { string_value: "1" } }\n'


def write(out: pathlib.Path, silero_path=None):
    """Writes OUT/repo/<model>/..., OUT/<model>.onnx and OUT/<model>.input.json;
    returns {model: raw_ort_bench arguments}. With `silero_path` (a
    silero_vad.onnx), also the model `silero`."""
    raw = {}
    makers = dict(MODELS)
    if silero_path:
        makers["silero"] = lambda: silero(silero_path)
    for name, make in makers.items():
        m, config, data, raw_args = make()
        d = out / "repo" / name
        (d / "1").mkdir(parents=True, exist_ok=True)
        onnx.save(m, d / "1" / "model.onnx")
        (d / "config.pbtxt").write_text(config + INSTANCE)
        onnx.save(m, out / f"{name}.onnx")
        (out / f"{name}.input.json").write_text(json.dumps({"data": [data]}))
        raw[name] = raw_args
    return raw


if __name__ == "__main__":
    print(write(pathlib.Path(sys.argv[1])))

"""The aarch64 backend in the aarch64 tritonserver (under qemu) against the
x86_64 build in the x86_64 server, on the same models: every data type
(BYTES, BF16 and FP16 included), a BYTES model, dynamic batching, a sequence
with implicit state, auto-complete, a malformed request and a failed run,
and unload/load. Each test
checks the answer itself and that both servers gave the same one; the
aarch64 ort-model-config (under qemu) must print what the x86_64 one prints. The models
compute exactly representable results, so equal means bit-equal."""
import concurrent.futures
import http.client
import json
import os
import pathlib
import struct
import subprocess

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from onnx import helper
from tritonclient.utils import InferenceServerException

import models
from conftest import aarch64_paths, integration

DTYPES = models.DTYPES


def all_types_model():
    """IN_<type> -> OUT_<type> (Identity) for every type: one model, one load."""
    nodes, ins, outs = [], [], []
    for name, (onnx_type, _) in DTYPES.items():
        nodes.append(helper.make_node("Identity", [f"IN_{name}"], [f"OUT_{name}"]))
        ins.append(models.tensor(f"IN_{name}", onnx_type, ["batch", 3]))
        outs.append(models.tensor(f"OUT_{name}", onnx_type, ["batch", 3]))
    return models.make_model(nodes, ins, outs)


def sample(dtype):
    np_type = DTYPES[dtype][1]
    if dtype == "BYTES":
        return np.array([[b"a", b"", b"x\x00y"], [b"\xff\xfe", b"long" * 50, b"z"]], dtype=np.object_)
    if dtype == "BOOL":
        return np.array([[True, False, True], [False, False, True]])
    if dtype in ("FP16", "FP32", "FP64", "BF16"):
        return np.array([[0.5, -2.0, 3.25], [1e3, -0.0, 7.0]], dtype=np_type)
    info = np.iinfo(np_type)
    return np.array([[info.min, 0, info.max], [1, 2, 3]], dtype=np_type)


@pytest.fixture(scope="module")
def servers(tmp_path_factory, server_pair):
    repo = tmp_path_factory.mktemp("aarch64") / "models"
    models.save(repo, "all_types", all_types_model())
    models.save(repo, "simple", models.add_sub())
    models.save(repo, "lowercase", models.lowercase_strings())
    models.save(repo, "batched", models.add_sub(),
                models.config("batched", max_batch_size=8,
                              extra="dynamic_batching { max_queue_delay_microseconds: 3000000 "
                                    "preferred_batch_size: [ 7 ] }\ninstance_group [{ kind: KIND_CPU count: 1 }]"))
    models.save(repo, "state", models.state_sum(), models.config(
        "state", [("INPUT", "TYPE_INT32", [1])], [("OUTPUT", "TYPE_INT32", [1])], max_batch_size=4,
        extra="""sequence_batching { max_sequence_idle_microseconds: 10000000 direct { }
  state [{ input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_INT32 dims: [1]
    initial_state [{ name: "zeros" data_type: TYPE_INT32 dims: [1] zero_data: true }] }]
}
instance_group [{ kind: KIND_CPU count: 1 }]"""))
    models.save(repo, "reshape", models.reshape_by_input(), models.config(
        "reshape", [("X", "TYPE_FP32", [6]), ("SHAPE", "TYPE_INT64", [2])], [("Y", "TYPE_FP32", [-1, -1])],
        max_batch_size=0))
    return server_pair(repo, ["--model-control-mode=explicit", "--load-model=*"])


def both(servers, ask):
    """ask(server) on the aarch64 server, then the x86_64 one; asserts they
    answered the same and returns the aarch64 answer."""
    arm, x86 = (ask(s) for s in servers)
    assert _comparable(arm) == _comparable(x86), f"aarch64 answered {arm!r}, x86_64 {x86!r}"
    return arm


def _comparable(value):
    """Arrays as (dtype, shape, raw bytes or list), so equality is exact."""
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_comparable(v) for v in value]
    if isinstance(value, np.ndarray):
        data = value.tolist() if value.dtype == np.object_ else value.tobytes()
        return (str(value.dtype), value.shape, data)
    return value


def infer(server, protocol, model, arrays, dtypes=None, sequence=None):
    mod = httpclient if protocol == "http" else grpcclient
    inputs = []
    for name, arr in arrays.items():
        dt = (dtypes or {}).get(name) or {"object": "BYTES", "bool": "BOOL", "float32": "FP32",
                                          "int32": "INT32"}[arr.dtype.name]
        inp = mod.InferInput(name, list(arr.shape), dt)
        inp.set_data_from_numpy(arr)
        inputs.append(inp)
    client = server.http() if protocol == "http" else server.grpc()
    kw = {}
    if sequence:
        kw = {"sequence_id": sequence[0], "sequence_start": sequence[1], "sequence_end": sequence[2]}
    result = client.infer(model, inputs, **kw)
    response = result.get_response()
    names = [o["name"] for o in response["outputs"]] if protocol == "http" else [o.name for o in response.outputs]
    return {n: result.as_numpy(n) for n in sorted(names)}


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_every_data_type_round_trips(servers, protocol):
    arrays = {f"IN_{t}": sample(t) for t in DTYPES}
    dtypes = {f"IN_{t}": t for t in DTYPES}
    out = both(servers, lambda s: infer(s, protocol, "all_types", arrays, dtypes))
    assert sorted(out) == sorted(f"OUT_{t}" for t in DTYPES)
    for t in DTYPES:
        if t == "BYTES":
            assert out[f"OUT_{t}"].tolist() == sample(t).tolist()
        else:
            np.testing.assert_array_equal(out[f"OUT_{t}"], sample(t), err_msg=t)


def test_bytes_model_computes(servers):
    data = np.array([[b"Hello"], [b"WORLD"], [b""]], dtype=np.object_)
    out = both(servers, lambda s: infer(s, "http", "lowercase", {"INPUT": data}))
    assert out["OUTPUT"].tolist() == [[b"hello"], [b"world"], [b""]]


def _stats(server, model):
    return server.http().get_inference_statistics(model)["model_stats"][0]


def test_dynamic_batching_gathers_concurrent_requests(servers):
    sizes = [1, 2, 1, 3]  # 7 items: the preferred batch size, so one run
    arrays = [(np.arange(n * 4, dtype=np.float32).reshape(n, 4) - 5) / 4 for n in sizes]

    def ask(server):
        before = _stats(server, "batched")
        with concurrent.futures.ThreadPoolExecutor(len(sizes)) as pool:
            outs = list(pool.map(lambda a: infer(server, "http", "batched", {"INPUT0": a, "INPUT1": a / 2}),
                                 arrays))
        after = _stats(server, "batched")
        runs = int(after["execution_count"]) - int(before["execution_count"])
        items = int(after["inference_count"]) - int(before["inference_count"])
        return outs, runs, items

    outs, runs, items = both(servers, ask)
    assert (runs, items) == (1, 7)
    for a, out in zip(arrays, outs):
        np.testing.assert_array_equal(out["OUTPUT0"], a + a / 2)
        np.testing.assert_array_equal(out["OUTPUT1"], a - a / 2)


def test_sequence_keeps_implicit_state(servers):
    # Two sequences interleaved: each one's running sum starts from the zero state.
    steps = [(11, 5, True, False), (12, 100, True, False), (11, 6, False, False),
             (12, 1, False, False), (11, 7, False, True), (12, 2, False, True)]

    def ask(server):
        return [infer(server, "grpc", "state", {"INPUT": np.array([[v]], np.int32)},
                      sequence=(seq, start, end))["OUTPUT"].item() for seq, v, start, end in steps]

    assert both(servers, ask) == [5, 100, 11, 101, 18, 103]


def test_auto_complete_gives_the_same_config(servers):
    cfg = both(servers, lambda s: s.http().get_model_config("all_types"))
    assert cfg["max_batch_size"] == 4
    assert [(i["name"], i["data_type"], i["dims"]) for i in cfg["input"]] == [
        (f"IN_{t}", "TYPE_STRING" if t == "BYTES" else f"TYPE_{t}", [3]) for t in DTYPES]
    assert "dynamic_batching" in cfg


def _raw_bytes_request(server, payload: bytes, shape):
    header = json.dumps({"inputs": [{"name": "INPUT", "shape": shape, "datatype": "BYTES",
                                     "parameters": {"binary_data_size": len(payload)}}]}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.http_port, timeout=60)
    conn.request("POST", "/v2/models/lowercase/infer", body=header + payload,
                 headers={"Inference-Header-Content-Length": str(len(header)),
                          "Content-Type": "application/octet-stream"})
    resp = conn.getresponse()
    body = resp.read().decode(errors="replace")
    conn.close()
    return resp.status, body


def test_bad_input_fails_alone_with_the_same_error(servers):
    # A length prefix that runs past the end of the data: the backend's own
    # (little-endian) BYTES decoding rejects it; a good request follows.
    def elements(*items):
        return b"".join(struct.pack("<I", len(i)) + i for i in items)

    bad = elements(b"a", b"b") + struct.pack("<I", 100) + b"abc"

    def ask(server):
        return _raw_bytes_request(server, bad, [3, 1]), _raw_bytes_request(server, elements(b"X", b"", b"Z"), [3, 1])

    (status, text), (ok_status, ok_body) = both(servers, ask)
    assert status == 400, text
    for fragment in ("model 'lowercase', input 'INPUT'", "element 2",
                     "the length prefix says 100 bytes, but only 3 remain"):
        assert fragment in text, text
    assert ok_status == 200, ok_body


def test_failed_run_answers_its_request_with_the_same_error(servers):
    # Reshape of 6 values to [4, 4]: ONNX Runtime refuses the run; the error
    # names the model, and the next request runs.
    x = np.arange(6, dtype=np.float32)

    def ask(server):
        with pytest.raises(InferenceServerException) as e:
            infer(server, "grpc", "reshape", {"X": x, "SHAPE": np.array([4, 4], np.int64)}, {"SHAPE": "INT64"})
        good = infer(server, "grpc", "reshape", {"X": x, "SHAPE": np.array([3, 2], np.int64)}, {"SHAPE": "INT64"})
        return str(e.value), good

    msg, good = both(servers, ask)
    assert "model 'reshape': ONNX Runtime failed to run" in msg, msg
    np.testing.assert_array_equal(good["Y"], x.reshape(3, 2))


def test_unload_and_load_again(servers):
    a = np.ones((1, 4), np.float32)

    def ask(server):
        client = server.http()
        client.unload_model("simple")
        gone = client.is_model_ready("simple")
        with pytest.raises(InferenceServerException) as e:
            infer(server, "http", "simple", {"INPUT0": a, "INPUT1": a})
        client.load_model("simple")
        out = infer(server, "http", "simple", {"INPUT0": a, "INPUT1": a})
        return gone, "simple" in str(e.value), client.is_model_ready("simple"), out

    gone, named, ready, out = both(servers, ask)
    assert (gone, named, ready) == (False, True, True)
    np.testing.assert_array_equal(out["OUTPUT0"], 2 * a)
    np.testing.assert_array_equal(out["OUTPUT1"], 0 * a)


def test_the_aarch64_server_serves_the_aarch64_backend(servers):
    # What the comparisons above stand on: the first server runs the aarch64
    # build (ELF machine 183, EM_AARCH64), the second the x86_64 one (62).
    arm, x86 = servers

    def machine(server, backends):
        lib = pathlib.Path(backends).resolve() / "onnxruntime" / "libtriton_onnxruntime.so"
        assert str(lib) in server.log()  # the server's backend table names the library it loaded
        return struct.unpack_from("<H", lib.read_bytes(), 18)[0]

    assert machine(arm, aarch64_paths()[1]) == 183
    assert machine(x86, integration._backend_dir()) == 62


def test_model_config_tool_prints_the_same_config(servers):
    # ort-model-config, built for aarch64 and run under qemu, against the x86_64 one.
    arm_server, _ = servers
    model = arm_server.repo / "all_types" / "1" / "model.onnx"
    arm_tool = pathlib.Path(aarch64_paths()[1]).parent / "bin" / "ort-model-config"
    x86_tool = pathlib.Path(integration._backend_dir()).parent / "bin" / "ort-model-config"
    emulator = os.environ.get("ORT_AARCH64_RUN", "qemu-aarch64-static -L /usr/aarch64-linux-gnu").split()

    def config(cmd):
        p = subprocess.run([*cmd, "--json", str(model)], capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    arm, x86 = config([*emulator, str(arm_tool)]), config([str(x86_tool)])
    assert arm == x86
    assert arm["config"]["max_batch_size"] == 4
    assert [i["name"] for i in arm["config"]["input"]] == [f"IN_{t}" for t in DTYPES]

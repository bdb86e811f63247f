"""Serving ONNX models through the real server: results, every data type,
shapes, batching and statistics, over HTTP and gRPC."""
import concurrent.futures
import re

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from onnx import TensorProto

import models

DTYPES = models.DTYPES


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("inference") / "models"
    models.save(repo, "simple", models.add_sub())
    for name, (onnx_type, _) in DTYPES.items():
        models.save(repo, f"identity_{name.lower()}", models.identity(onnx_type, ["batch", 3]))
    models.save(repo, "lowercase", models.lowercase_strings())
    models.save(repo, "var_dims", models.identity(TensorProto.FLOAT, ["h", "w"]),
                models.config("var_dims", [("INPUT", "TYPE_FP32", [-1, -1])], [("OUTPUT", "TYPE_FP32", [-1, -1])],
                              max_batch_size=0))
    models.save(repo, "reshaped", models.identity(TensorProto.FLOAT, ["batch", 2, 2]),
                models.config("reshaped", [("INPUT", "TYPE_FP32", [4], "reshape: { shape: [2, 2] }")],
                              [("OUTPUT", "TYPE_FP32", [4], "reshape: { shape: [2, 2] }")], max_batch_size=8))
    models.save(repo, "scalar", models.binary_op("Add", TensorProto.FLOAT, []))
    # The original backend accepts a rank-0 model tensor under any all-ones
    # config shape; requests and responses then use that shape.
    models.save(repo, "scalar_1x1", models.binary_op("Add", TensorProto.FLOAT, []),
                models.config("scalar_1x1", [("A", "TYPE_FP32", [1, 1]), ("B", "TYPE_FP32", [1])],
                              [("C", "TYPE_FP32", [1, 1, 1])], max_batch_size=0))
    models.save(repo, "custom_name", models.add_sub(),
                models.config("custom_name", max_batch_size=4, extra='default_model_filename: "custom.onnx"'),
                filename="custom.onnx")
    weighted, _ = models.scale_by_weights()
    models.save(repo, "external_data", weighted, external_data=True)
    models.save(repo, "platform_only", models.add_sub(), 'platform: "onnxruntime_onnx"\n')
    models.save(repo, "batched", models.add_sub(),
                models.config("batched", max_batch_size=8,
                              extra="dynamic_batching { max_queue_delay_microseconds: 3000000 "
                                    "preferred_batch_size: [ 7 ] }\ninstance_group [{ kind: KIND_CPU count: 1 }]"))
    models.save(repo, "three_instances", models.add_sub(),
                models.config("three_instances", max_batch_size=4,
                              extra="instance_group [{ kind: KIND_CPU count: 3 }]"))
    models.save(repo, "three_sessions", models.add_sub(),
                models.config("three_sessions", max_batch_size=4,
                              extra="instance_group [{ kind: KIND_CPU count: 3 }]\n"
                                    'parameters { key: "share_session_between_instances" '
                                    'value: { string_value: "false" } }'))
    models.save(repo, "non_batching", models.add_sub(shape=(2, 3)))
    models.save(repo, "explicit_batch", models.add_sub(), models.config("explicit_batch", max_batch_size=8))
    return module_server_factory(repo, ["--log-verbose=1"])


def client_module(protocol):
    return httpclient if protocol == "http" else grpcclient


def make_client(server, protocol):
    return server.http() if protocol == "http" else server.grpc()


def infer(server, protocol, model, arrays, outputs=None, dtypes=None):
    """Sends {name: array}; returns {output name: array} of what came back."""
    mod = client_module(protocol)
    inputs = []
    for name, arr in arrays.items():
        dt = (dtypes or {}).get(name) or (
            "BYTES" if arr.dtype == np.object_ else
            {np.dtype(np.bool_): "BOOL"}.get(arr.dtype, None) or np.dtype(arr.dtype).name.upper()
            .replace("FLOAT", "FP").replace("UINT", "UINT"))
        inp = mod.InferInput(name, list(arr.shape), dt)
        inp.set_data_from_numpy(arr)
        inputs.append(inp)
    requested = [mod.InferRequestedOutput(o) for o in outputs] if outputs else None
    result = make_client(server, protocol).infer(model, inputs, outputs=requested)
    response = result.get_response()
    names = [o["name"] for o in response["outputs"]] if protocol == "http" else [o.name for o in response.outputs]
    return {n: result.as_numpy(n) for n in names}


def test_simple_model_adds_and_subtracts(server, protocol):
    a = np.arange(8, dtype=np.float32).reshape(2, 4)
    b = np.full((2, 4), 10, dtype=np.float32)
    out = infer(server, protocol, "simple", {"INPUT0": a, "INPUT1": b})
    np.testing.assert_array_equal(out["OUTPUT0"], a + b)
    np.testing.assert_array_equal(out["OUTPUT1"], a - b)


def test_auto_complete_fills_config_from_model(server):
    cfg = server.http().get_model_config("simple")
    assert cfg["max_batch_size"] == 4
    assert [(i["name"], i["data_type"], i["dims"]) for i in cfg["input"]] == [
        ("INPUT0", "TYPE_FP32", [4]), ("INPUT1", "TYPE_FP32", [4])]
    assert [(o["name"], o["dims"]) for o in cfg["output"]] == [("OUTPUT0", [4]), ("OUTPUT1", [4])]
    assert "dynamic_batching" in cfg


def test_explicit_max_batch_size_keeps_the_default_scheduler(server):
    # Auto-complete adds dynamic_batching only with a max_batch_size it chose
    # ("simple" above); a config that sets max_batch_size chose its scheduler.
    cfg = server.http().get_model_config("explicit_batch")
    assert cfg["max_batch_size"] == 8
    assert [i["name"] for i in cfg["input"]] == ["INPUT0", "INPUT1"], "inputs are still auto-completed"
    assert "dynamic_batching" not in cfg and "sequence_batching" not in cfg


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_every_data_type_round_trips(server, protocol, dtype):
    _, np_type = DTYPES[dtype]
    if dtype == "BYTES":
        data = np.array([[b"a", b"", b"x\x00y"], [b"\xff\xfe", b"long" * 50, b"z"]], dtype=np.object_)
    elif dtype == "BOOL":
        data = np.array([[True, False, True], [False, False, True]])
    elif dtype in ("FP16", "FP32", "FP64", "BF16"):
        data = np.array([[0.5, -2.0, 3.25], [1e3, -0.0, 7.0]], dtype=np_type)
    else:
        info = np.iinfo(np_type)
        data = np.array([[info.min, 0, info.max], [1, 2, 3]], dtype=np_type)
    out = infer(server, protocol, f"identity_{dtype.lower()}", {"INPUT": data}, dtypes={"INPUT": dtype})
    assert out["OUTPUT"].shape == (2, 3)
    if dtype == "BYTES":
        assert out["OUTPUT"].tolist() == data.tolist()
    else:
        np.testing.assert_array_equal(out["OUTPUT"], data)


def test_string_model_processes_bytes(server, protocol):
    # The model's only dim is dynamic, so auto-complete makes it the batch dim
    # and each batch item a [1] tensor reshaped to the model's scalar.
    data = np.array([[b"Hello"], [b"WORLD"], [b""]], dtype=np.object_)
    out = infer(server, protocol, "lowercase", {"INPUT": data})
    assert out["OUTPUT"].tolist() == [[b"hello"], [b"world"], [b""]]


def test_variable_dims_take_any_shape(server, protocol):
    for shape in [(1, 1), (3, 5), (7, 2)]:
        data = np.random.rand(*shape).astype(np.float32)
        out = infer(server, protocol, "var_dims", {"INPUT": data})
        np.testing.assert_array_equal(out["OUTPUT"], data)


def test_zero_element_tensor(server, protocol):
    data = np.zeros((0, 4), dtype=np.float32)
    out = infer(server, protocol, "var_dims", {"INPUT": data})
    assert out["OUTPUT"].shape == (0, 4)


def test_reshape_between_config_and_model(server, protocol):
    data = np.arange(12, dtype=np.float32).reshape(3, 4)
    out = infer(server, protocol, "reshaped", {"INPUT": data})
    assert out["OUTPUT"].shape == (3, 4)
    np.testing.assert_array_equal(out["OUTPUT"], data)


def test_rank_zero_model_tensors_are_served_as_dims_1(server, protocol):
    cfg = server.http().get_model_config("scalar")
    assert cfg["max_batch_size"] == 0
    assert cfg["input"][0]["dims"] == [1] and "reshape" not in cfg["input"][0]
    out = infer(server, protocol, "scalar", {"A": np.array([2.5], np.float32), "B": np.array([4.0], np.float32)})
    assert out["C"].shape == (1,)
    assert out["C"][0] == 6.5


def test_rank_zero_model_tensors_take_any_all_ones_config_shape(server, protocol):
    out = infer(server, protocol, "scalar_1x1",
                {"A": np.array([[2.5]], np.float32), "B": np.array([4.0], np.float32)})
    assert out["C"].shape == (1, 1, 1)
    assert out["C"][0, 0, 0] == 6.5


def test_only_requested_outputs_are_returned(server, protocol):
    a = np.ones((1, 4), np.float32)
    out = infer(server, protocol, "simple", {"INPUT0": a, "INPUT1": a}, outputs=["OUTPUT1"])
    assert list(out) == ["OUTPUT1"]
    np.testing.assert_array_equal(out["OUTPUT1"], np.zeros((1, 4), np.float32))


def test_default_model_filename(server, protocol):
    a = np.ones((1, 4), np.float32)
    out = infer(server, protocol, "custom_name", {"INPUT0": a, "INPUT1": a})
    np.testing.assert_array_equal(out["OUTPUT0"], 2 * a)


def test_model_directory_with_external_data(server, protocol):
    _, w = models.scale_by_weights()
    data = np.ones((2, 8), np.float32)
    out = infer(server, protocol, "external_data", {"INPUT": data})
    np.testing.assert_array_equal(out["OUTPUT"], data * w)


def test_platform_onnxruntime_onnx_selects_this_backend(server, protocol):
    cfg = server.http().get_model_config("platform_only")
    assert cfg["backend"] == "onnxruntime"
    a = np.ones((1, 4), np.float32)
    out = infer(server, protocol, "platform_only", {"INPUT0": a, "INPUT1": a})
    np.testing.assert_array_equal(out["OUTPUT0"], 2 * a)


def test_non_batching_model(server, protocol):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    out = infer(server, protocol, "non_batching", {"INPUT0": a, "INPUT1": a})
    np.testing.assert_array_equal(out["OUTPUT0"], 2 * a)
    assert server.http().get_model_config("non_batching")["max_batch_size"] == 0


def _stats(server, model):
    s = server.http().get_inference_statistics(model)["model_stats"][0]
    return s


def test_dynamic_batching_runs_requests_in_one_execution(server, protocol):
    before = _stats(server, "batched")
    sizes = [1, 2, 1, 3]  # 7 items in total: the preferred batch size
    arrays = [np.random.rand(n, 4).astype(np.float32) for n in sizes]

    def one(arr):
        return infer(server, protocol, "batched", {"INPUT0": arr, "INPUT1": arr})

    with concurrent.futures.ThreadPoolExecutor(len(sizes)) as pool:
        results = list(pool.map(one, arrays))
    for arr, out in zip(arrays, results):
        assert out["OUTPUT0"].shape == arr.shape  # each response has its own batch size
        np.testing.assert_allclose(out["OUTPUT0"], 2 * arr)
        np.testing.assert_array_equal(out["OUTPUT1"], np.zeros_like(arr))
    after = _stats(server, "batched")
    assert int(after["inference_count"]) - int(before["inference_count"]) == 7
    assert int(after["execution_count"]) - int(before["execution_count"]) == 1

    def runs_of_7(stats):
        return sum(int(b["compute_infer"]["count"]) for b in stats["batch_stats"] if int(b["batch_size"]) == 7)

    assert runs_of_7(after) - runs_of_7(before) == 1


def test_statistics_count_each_request(server, protocol):
    before = _stats(server, "simple")
    a = np.ones((2, 4), np.float32)
    for _ in range(3):
        infer(server, protocol, "simple", {"INPUT0": a, "INPUT1": a})
    after = _stats(server, "simple")
    assert int(after["inference_stats"]["success"]["count"]) - int(before["inference_stats"]["success"]["count"]) == 3
    assert int(after["inference_count"]) - int(before["inference_count"]) == 6


def _sessions_created(server, model):
    return len(re.findall(rf"model '{model}': created an ONNX Runtime session", server.log()))


@pytest.mark.parametrize("model,sessions", [("three_instances", 1), ("three_sessions", 3)])
def test_cpu_instances_share_one_session_unless_told_not_to(server, protocol, model, sessions):
    ready = re.findall(rf"model '{model}': instance '([^']+)' ready", server.log())
    assert len(set(ready)) == 3
    assert _sessions_created(server, model) == sessions
    a = np.random.rand(1, 4).astype(np.float32)
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        outs = list(pool.map(lambda _: infer(server, protocol, model, {"INPUT0": a, "INPUT1": a}), range(12)))
    for out in outs:
        np.testing.assert_allclose(out["OUTPUT0"], 2 * a)


def _last_copy_counts(server, model, after_lines):
    pattern = re.compile(rf"model '{model}', instance '[^']+': executed (\d+) request\(s\) in (\d+) run\(s\); "
                         r"copied (\d+) input bytes and (\d+) output bytes")
    lines = server.log().splitlines()[after_lines:]
    found = [tuple(map(int, m.groups())) for m in map(pattern.search, lines) if m]
    assert found, "no execution line in the verbose log"
    return found


def test_single_request_on_cpu_copies_no_tensor_bytes(server, protocol):
    start = len(server.log().splitlines())
    a = np.random.rand(2, 4).astype(np.float32)
    out = infer(server, protocol, "simple", {"INPUT0": a, "INPUT1": a})
    np.testing.assert_allclose(out["OUTPUT0"], 2 * a)
    # Inputs are read in place and both outputs (shape known from the inputs'
    # symbolic dims) are written by ORT straight into the response buffers.
    assert _last_copy_counts(server, "simple", start)[-1] == (1, 1, 0, 0)


def test_batched_requests_are_gathered_with_one_copy(server, protocol):
    start = len(server.log().splitlines())
    sizes = [1, 2, 1, 3]
    arrays = [np.random.rand(n, 4).astype(np.float32) for n in sizes]
    with concurrent.futures.ThreadPoolExecutor(len(sizes)) as pool:
        list(pool.map(lambda arr: infer(server, protocol, "batched", {"INPUT0": arr, "INPUT1": arr}), arrays))
    requests, runs, copied_in, copied_out = _last_copy_counts(server, "batched", start)[-1]
    assert (requests, runs) == (4, 1)
    assert copied_in == 2 * 7 * 4 * 4   # two inputs, 7 items of 4 floats, each copied once
    assert copied_out == 2 * 7 * 4 * 4  # two outputs, split into the four responses


def test_instance_memory_is_reported_to_triton(server):
    stats = server.http().get_inference_statistics("external_data")["model_stats"][0]
    usage = stats.get("memory_usage", [])
    cpu = sum(int(u["byte_size"]) for u in usage if u["type"] == "CPU")
    model_dir = server.repo / "external_data" / "1" / "model.onnx"
    on_disk = sum(f.stat().st_size for f in model_dir.iterdir())
    assert cpu == on_disk  # weights file and model file, reported once for the shared session

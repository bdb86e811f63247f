"""Plugin execution providers (ONNX Runtime's EP libraries): the project's
test EP library (tests/plugin_ep/, EP "OrtbTestMul": one CPU device, takes
every float Mul node, counts its calls) registered through the backend config
and through a model parameter, listed by ort-model-config, selected by name
and by ep_selection_policy, its nodes named in the placement report and
metrics, its results equal to ORT's CPU provider; and the load errors for a
bad library path, a library without the EP factory, an unknown EP name and a
policy no device matches."""
import json
import os
import subprocess

import numpy as np
import pytest
import tritonclient.http as httpclient
from onnx import TensorProto, helper
from tritonclient.utils import InferenceServerException

import models
from conftest import provider_nodes

EP_LIB = os.environ.get("ORT_TEST_PLUGIN_EP_LIB")
OPENVINO_EP_LIB = os.environ.get("ORT_TEST_OPENVINO_EP_LIB")
CUSTOM_OP_LIB = os.environ.get("ORT_TEST_CUSTOM_OP_LIB")
TOOL = os.environ.get("ORT_MODEL_CONFIG_BIN")
EP = "OrtbTestMul"
PLACED = "ONNX Runtime placed the session's nodes: "
pytestmark = pytest.mark.skipif(not (EP_LIB and CUSTOM_OP_LIB and TOOL),
                                reason="set ORT_TEST_PLUGIN_EP_LIB, ORT_TEST_CUSTOM_OP_LIB and ORT_MODEL_CONFIG_BIN "
                                       "(scripts/test.sh sets them)")


def mul_add():
    """C = A * B + B: the Mul can go to the plugin EP, the Add stays on ORT's CPU provider."""
    shape = ["batch", 4]
    return models.make_model(
        [helper.make_node("Mul", ["A", "B"], ["product"], name="mul"),
         helper.make_node("Add", ["product", "B"], ["C"], name="add")],
        [models.tensor("A", TensorProto.FLOAT, shape), models.tensor("B", TensorProto.FLOAT, shape)],
        [models.tensor("C", TensorProto.FLOAT, shape)])


def parameter(key, value):
    return f'parameters {{ key: "{key}" value: {{ string_value: "{value}" }} }}'


def cpu_accelerator(name, **params):
    entries = " ".join(f'{{ key: "{k}" value: "{v}" }}' for k, v in params.items())
    body = f'name: "{name}"' + (f" parameters: [ {entries} ]" if params else "")
    return f"optimization {{ execution_accelerators {{ cpu_execution_accelerator: [ {{ {body} }} ] }} }}"


def config(name, *extra):
    return models.config(name, [("A", "TYPE_FP32", [4]), ("B", "TYPE_FP32", [4])], [("C", "TYPE_FP32", [4])],
                         max_batch_size=4, extra="\n".join(["instance_group [{ kind: KIND_CPU count: 1 }]", *extra]))


def infer(client, model, a, b):
    inputs = []
    for name, data in (("A", a), ("B", b)):
        i = httpclient.InferInput(name, list(data.shape), "FP32")
        i.set_data_from_numpy(data)
        inputs.append(i)
    return client.infer(model, inputs).as_numpy("C")


def placement_line(server, model):
    [line] = [l for l in server.log().splitlines() if f"model '{model}': {PLACED}" in l]
    return line


def load_error(client, model):
    with pytest.raises(InferenceServerException) as e:
        client.load_model(model)
    return str(e.value)


@pytest.fixture(scope="module")
def plugin_server(tmp_path_factory, module_server_factory):
    base = tmp_path_factory.mktemp("plugin_eps")
    repo = base / "models"
    counts = base / "mul_calls.txt"
    models.save(repo, "by_name", mul_add(), config("by_name", cpu_accelerator(EP, count_file=counts)))
    models.save(repo, "cpu_only", mul_add(), config("cpu_only"))
    models.save(repo, "by_policy", mul_add(), config("by_policy", parameter("ep_selection_policy", "PREFER_CPU")))
    models.save(repo, "unknown_ep", mul_add(), config("unknown_ep", cpu_accelerator("NoSuchExecutionProvider")))
    models.save(repo, "policy_gpu", mul_add(), config("policy_gpu", parameter("ep_selection_policy", "PREFER_GPU")))
    models.save(repo, "bad_path", mul_add(), config("bad_path", parameter("ep_library", f"bad:{base}/nowhere.so")))
    models.save(repo, "no_factory", mul_add(),
                config("no_factory", parameter("ep_library", f"not_an_ep:{CUSTOM_OP_LIB}")))
    server = module_server_factory(repo, ["--model-control-mode=explicit",
                                          f"--backend-config=onnxruntime,ep-library=ortb_test_mul:{EP_LIB}"])
    client = server.http()
    yield server, client, counts
    client.close()  # an open connection would make the server wait out its exit timeout


def read_count(path):
    return int(path.read_text()) if path.exists() else 0


def test_backend_config_registers_the_library_and_logs_its_eps(plugin_server):
    server, client, _ = plugin_server
    client.load_model("cpu_only")  # the backend initializes with the first model
    assert f"EP library 'ortb_test_mul' ({EP_LIB}) is registered; its EPs: {EP}" in server.log()


def test_selected_by_name_its_node_runs_there_with_cpu_results_and_counted_calls(plugin_server):
    server, client, counts = plugin_server
    client.load_model("by_name")
    client.load_model("cpu_only")
    line = placement_line(server, "by_name")
    assert f"{EP}: 1 node(s)" in line and "CPUExecutionProvider: 1 node(s) (Add)" in line
    assert provider_nodes(server, "by_name") == {EP: 1, "CPUExecutionProvider": 1}
    rng = np.random.default_rng(7)
    before = read_count(counts)
    for rows in (1, 3):
        a = rng.standard_normal((rows, 4), dtype=np.float32)
        b = rng.standard_normal((rows, 4), dtype=np.float32)
        got = infer(client, "by_name", a, b)
        np.testing.assert_array_equal(got, infer(client, "cpu_only", a, b))
        np.testing.assert_array_equal(got, a * b + b)
    assert read_count(counts) - before == 2  # one Mul per inference, the options reached the EP through V2


def test_selected_by_policy(plugin_server):
    server, client, _ = plugin_server
    client.load_model("by_policy")
    # ORT's PREFER_CPU takes a plugin EP's CPU device before its own CPU EP.
    assert provider_nodes(server, "by_policy") == {EP: 1, "CPUExecutionProvider": 1}
    a = np.arange(8, dtype=np.float32).reshape(2, 4)
    np.testing.assert_array_equal(infer(client, "by_policy", a, a + 1), a * (a + 1) + a + 1)


def test_unknown_ep_name_is_a_load_error_listing_what_is_offered(plugin_server):
    server, client, _ = plugin_server
    message = load_error(client, "unknown_ep")
    assert "model 'unknown_ep'" in message
    assert "unknown cpu_execution_accelerator 'NoSuchExecutionProvider'" in message
    assert f"{EP} (CPU)" in message


def test_policy_without_a_matching_device_is_a_load_error(plugin_server):
    server, client, _ = plugin_server
    message = load_error(client, "policy_gpu")
    assert "'ep_selection_policy' is PREFER_GPU, but no execution provider offers a GPU device" in message


def test_bad_library_path_is_a_load_error_naming_it(plugin_server):
    server, client, _ = plugin_server
    message = load_error(client, "bad_path")
    assert "EP library 'bad': cannot load" in message and "nowhere.so" in message


def test_library_without_the_factory_is_a_load_error(plugin_server):
    server, client, _ = plugin_server
    message = load_error(client, "no_factory")
    assert f"'{CUSTOM_OP_LIB}' is not an ONNX Runtime execution provider library" in message
    assert "CreateEpFactories" in message
    assert server.alive()


def test_model_parameter_registers_the_library(tmp_path, start_server):
    repo = tmp_path / "models"
    models.save(repo, "own_library", mul_add(),
                config("own_library", parameter("ep_library", f"ortb_test_mul:{EP_LIB}"), cpu_accelerator(EP)))
    server = start_server(repo)
    client = server.http()
    assert provider_nodes(server, "own_library") == {EP: 1, "CPUExecutionProvider": 1}
    assert f"model 'own_library': EP library 'ortb_test_mul' ({EP_LIB}) is registered; its EPs: {EP}" in server.log()
    a = np.ones((1, 4), dtype=np.float32) * 3
    np.testing.assert_array_equal(infer(client, "own_library", a, a), a * a + a)
    client.close()


# --- ort-model-config --list-ep-devices ------------------------------------------------------

def run_tool(*args):
    return subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=60)


def test_tool_lists_the_registered_libraries_ep_device():
    r = run_tool("--list-ep-devices", "--ep-library", f"ortb_test_mul:{EP_LIB}", "--json")
    assert r.returncode == 0, r.stderr
    devices = json.loads(r.stdout)["ep_devices"]
    [mul] = [d for d in devices if d["ep_name"] == EP]
    assert mul["device_type"] == "CPU" and mul["ep_vendor"] == "ortb-test"
    # The factory's metadata, and ORT's own entry from the factory's GetVersion.
    assert mul["ep_metadata"] == {"ortb_test": "claims Mul", "version": "0.1.0"}
    assert any(d["ep_name"] == "CPUExecutionProvider" for d in devices)


def test_tool_lists_only_ort_s_own_eps_without_a_library():
    r = run_tool("--list-ep-devices")
    assert r.returncode == 0, r.stderr
    assert any(l.startswith("CPUExecutionProvider (vendor ") and " CPU device" in l for l in r.stdout.splitlines())
    assert EP not in r.stdout


def test_tool_reports_a_bad_library():
    r = run_tool("--list-ep-devices", "--ep-library", "bad:/nonexistent/libep.so")
    assert r.returncode == 1
    assert "EP library 'bad': cannot load '/nonexistent/libep.so'" in r.stderr


def test_backend_config_library_list_with_a_bad_path_fails_loads_naming_it(tmp_path, start_server):
    # Several libraries go in one value, separated by ';' (Triton keeps only the
    # last value of a --backend-config key given twice).
    repo = tmp_path / "models"
    models.save(repo, "cpu_only", mul_add(), config("cpu_only"))
    server = start_server(repo, ["--model-control-mode=explicit",
                                 f"--backend-config=onnxruntime,ep-library=ortb_test_mul:{EP_LIB};b:/nonexistent/b.so"])
    client = server.http()
    message = load_error(client, "cpu_only")
    assert "EP library 'b': cannot load '/nonexistent/b.so'" in message
    client.close()
    assert server.alive()


def test_a_library_that_offers_no_device_is_a_clear_load_error(tmp_path, start_server, monkeypatch):
    # What a real plugin does on a machine without its hardware (OpenVINO's on
    # a CPU it does not support): the test library offers no device when told to.
    monkeypatch.setenv("ORTB_TEST_MUL_EP_NO_DEVICES", "1")
    repo = tmp_path / "models"
    models.save(repo, "by_name", mul_add(), config("by_name", cpu_accelerator(EP)))
    server = start_server(repo, ["--model-control-mode=explicit",
                                 f"--backend-config=onnxruntime,ep-library=ortb_test_mul:{EP_LIB}"])
    client = server.http()
    message = load_error(client, "by_name")
    assert f"unknown cpu_execution_accelerator '{EP}'" in message
    assert f"these registered EP libraries offer no device on this machine: ortb_test_mul ({EP_LIB})" in message
    client.close()
    assert f"EP library 'ortb_test_mul' ({EP_LIB}) is registered but offers no EP device on this machine" \
        in server.log()
    assert server.alive()


@pytest.mark.skipif(not OPENVINO_EP_LIB, reason="set ORT_TEST_OPENVINO_EP_LIB (scripts/fetch_ep_openvino.sh)")
def test_openvino_plugin_from_pypi_serves_with_the_cpu_results(tmp_path, start_server):
    repo = tmp_path / "models"
    models.save(repo, "openvino", mul_add(), config("openvino", cpu_accelerator("OpenVINOExecutionProvider")))
    models.save(repo, "cpu_only", mul_add(), config("cpu_only"))
    server = start_server(repo, [f"--backend-config=onnxruntime,ep-library=openvino:{OPENVINO_EP_LIB}"])
    client = server.http()
    log = server.log()
    assert "EP library 'openvino'" in log and "its EPs: OpenVINOExecutionProvider" in log
    # OpenVINO compiles the whole graph into one node of its own.
    assert provider_nodes(server, "openvino") == {"OpenVINOExecutionProvider": 1}
    rng = np.random.default_rng(3)
    a = rng.standard_normal((3, 4), dtype=np.float32)
    b = rng.standard_normal((3, 4), dtype=np.float32)
    np.testing.assert_allclose(infer(client, "openvino", a, b), infer(client, "cpu_only", a, b), rtol=1e-6, atol=1e-6)
    client.close()

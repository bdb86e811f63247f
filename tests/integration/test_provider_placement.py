"""Where ONNX Runtime placed each session's nodes: logged at load, shown as a
gauge per provider, and the execution_provider_fallback policy (allow, warn,
fail) when an accelerator was asked for. OpenVINO runs on this CPU (with the
OpenVINO build of the backend), and the test custom op is a node no
accelerator takes, so it always falls back to the CPU provider."""
import json
import os
import subprocess

import numpy as np
import pytest
import tritonclient.http as httpclient
from onnx import TensorProto, helper
from tritonclient.utils import InferenceServerException

import models
from conftest import provider_nodes, read_profile

OPENVINO_BACKEND_DIR = os.environ.get("ORT_OPENVINO_BACKEND_DIR")
CUSTOM_OP_LIB = os.environ.get("ORT_TEST_CUSTOM_OP_LIB")
TOOL = os.environ.get("ORT_MODEL_CONFIG_BIN")
OPENVINO_TOOL = os.environ.get("ORT_OPENVINO_MODEL_CONFIG_BIN")
PLACED = "ONNX Runtime placed the session's nodes: "
needs_openvino = pytest.mark.skipif(not (OPENVINO_BACKEND_DIR and CUSTOM_OP_LIB),
                                    reason="set ORT_OPENVINO_BACKEND_DIR and ORT_TEST_CUSTOM_OP_LIB "
                                           "(scripts/test.sh builds both)")


def placement_lines(server, model):
    return [l for l in server.log().splitlines() if f"model '{model}': {PLACED}" in l]


def parameter(key, value):
    return f'parameters {{ key: "{key}" value: {{ string_value: "{value}" }} }}'


def openvino():
    return 'optimization { execution_accelerators { cpu_execution_accelerator: [ { name: "openvino" } ] } }'


def scaled_then_tripled(with_custom_op=True):
    """OUTPUT = Triple(Relu(INPUT * 2 + 1)): OpenVINO takes the standard ops,
    the custom op Triple stays on ORT's CPU provider."""
    two = helper.make_tensor("two", TensorProto.FLOAT, [], [2.0])
    one = helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])
    nodes = [helper.make_node("Mul", ["INPUT", "two"], ["scaled"], name="scale"),
             helper.make_node("Add", ["scaled", "one"], ["shifted"], name="shift"),
             helper.make_node("Relu", ["shifted"], ["relu" if with_custom_op else "OUTPUT"], name="relu")]
    opsets = [helper.make_opsetid("", 17)]
    if with_custom_op:
        nodes.append(helper.make_node("Triple", ["relu"], ["OUTPUT"], name="triple", domain="test.ortbackend"))
        opsets.append(helper.make_opsetid("test.ortbackend", 1))
    graph = helper.make_graph(nodes, "g", [models.tensor("INPUT", TensorProto.FLOAT, ["batch", 4])],
                              [models.tensor("OUTPUT", TensorProto.FLOAT, ["batch", 4])], initializer=[two, one])
    m = helper.make_model(graph, opset_imports=opsets)
    m.ir_version = 8
    return m


def config(name, *extra):
    lines = [openvino(), f'model_operations {{ op_library_filename: "{CUSTOM_OP_LIB}" }}', *extra]
    return models.config(name, [("INPUT", "TYPE_FP32", [4])], [("OUTPUT", "TYPE_FP32", [4])], max_batch_size=4,
                         extra="\n".join(lines))


def infer(client, model, data):
    i = httpclient.InferInput("INPUT", list(data.shape), "FP32")
    i.set_data_from_numpy(data)
    return client.infer(model, [i]).as_numpy("OUTPUT")


def test_cpu_session_placement_is_logged_and_counted(tmp_path, start_server):
    repo = tmp_path / "models"
    models.save(repo, "simple", models.add_sub())
    server = start_server(repo)
    [line] = placement_lines(server, "simple")  # one shared session
    assert line.endswith(PLACED + 'CPUExecutionProvider: 2 node(s)"')
    assert provider_nodes(server, "simple") == {"CPUExecutionProvider": 2}


def test_sessions_created_in_parallel_each_report_their_own_placement(tmp_path, start_server):
    # Instances load in parallel; each session with its own log id gets its own report.
    repo = tmp_path / "models"
    models.save(repo, "own_sessions", models.add_sub(),
                models.config("own_sessions", max_batch_size=4,
                              extra="instance_group [{ kind: KIND_CPU count: 4 }]\n"
                                    + parameter("share_session_between_instances", "false")))
    models.save(repo, "one_node", models.identity(TensorProto.FLOAT, ["batch", 4]))
    server = start_server(repo)
    lines = placement_lines(server, "own_sessions")
    assert len(lines) == 4
    assert all(l.endswith(PLACED + 'CPUExecutionProvider: 2 node(s)"') for l in lines)
    [single] = placement_lines(server, "one_node")
    assert single.endswith(PLACED + 'CPUExecutionProvider: 1 node(s)"')


def test_fail_policy_without_an_accelerator_loads(tmp_path, start_server):
    repo = tmp_path / "models"
    models.save(repo, "cpu_only", models.add_sub(),
                models.config("cpu_only", max_batch_size=4, extra=parameter("execution_provider_fallback", "fail")))
    server = start_server(repo)
    assert server.http().is_model_ready("cpu_only")
    assert "fell back" not in server.log()


def test_unknown_fallback_policy_fails_the_load_naming_the_choices(tmp_path, start_server):
    repo = tmp_path / "models"
    models.save(repo, "bad_policy", models.add_sub(),
                models.config("bad_policy", max_batch_size=4, extra=parameter("execution_provider_fallback", "maybe")))
    server = start_server(repo, ["--model-control-mode=explicit"])
    with pytest.raises(InferenceServerException) as e:
        server.http().load_model("bad_policy")
    assert "'execution_provider_fallback' has invalid value 'maybe'" in str(e.value)
    assert "allow, warn or fail" in str(e.value)


@pytest.fixture(scope="module")
def openvino_server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("placement") / "models"
    models.save(repo, "ov_allow", scaled_then_tripled(), config("ov_allow"))
    models.save(repo, "ov_warn", scaled_then_tripled(), config("ov_warn", parameter("execution_provider_fallback", "warn")))
    models.save(repo, "ov_fail", scaled_then_tripled(), config("ov_fail", parameter("execution_provider_fallback", "fail")))
    models.save(repo, "ov_all_taken", scaled_then_tripled(with_custom_op=False),
                config("ov_all_taken", parameter("execution_provider_fallback", "fail")))
    models.save(repo, "ov_ort_refuses", scaled_then_tripled(),
                config("ov_ort_refuses", parameter("session.disable_cpu_ep_fallback", "1")))
    return module_server_factory(repo, ["--model-control-mode=explicit"], backend_dir=OPENVINO_BACKEND_DIR)


def load(server, model):
    client = server.http()
    try:
        client.load_model(model)
    finally:
        client.close()


@needs_openvino
def test_allow_logs_the_split_and_serves(openvino_server):
    load(openvino_server, "ov_allow")
    [line] = placement_lines(openvino_server, "ov_allow")
    assert "OpenVINOExecutionProvider: " in line
    assert "CPUExecutionProvider: 1 node(s) (Triple)" in line
    assert not [l for l in openvino_server.log().splitlines() if "'ov_allow'" in l and "fell back" in l]
    data = np.array([[-1, 0, 1, 2]], dtype=np.float32)
    np.testing.assert_allclose(infer(openvino_server.http(), "ov_allow", data), 3 * np.maximum(2 * data + 1, 0))
    nodes = provider_nodes(openvino_server, "ov_allow")
    assert nodes["CPUExecutionProvider"] == 1 and nodes["OpenVINOExecutionProvider"] >= 1


@needs_openvino
def test_warn_logs_a_warning_naming_the_node_and_serves(openvino_server):
    load(openvino_server, "ov_warn")
    warnings = [l for l in openvino_server.log().splitlines() if l.startswith("W") and "'ov_warn'" in l]
    assert any("1 node(s) fell back from OpenVINO to CPUExecutionProvider: Triple (triple)" in w for w in warnings)
    assert openvino_server.http().is_model_ready("ov_warn")


@needs_openvino
def test_fail_refuses_the_load_naming_the_node(openvino_server):
    with pytest.raises(InferenceServerException) as e:
        load(openvino_server, "ov_fail")
    message = str(e.value)
    assert "model 'ov_fail'" in message
    assert "fell back from OpenVINO to CPUExecutionProvider: Triple (triple)" in message
    assert "execution_provider_fallback is 'fail'" in message


@needs_openvino
def test_fail_loads_when_openvino_takes_every_node(openvino_server):
    load(openvino_server, "ov_all_taken")
    assert "CPUExecutionProvider" not in provider_nodes(openvino_server, "ov_all_taken")
    data = np.array([[-1, 0, 1, 2]], dtype=np.float32)
    np.testing.assert_allclose(infer(openvino_server.http(), "ov_all_taken", data), np.maximum(2 * data + 1, 0))


@needs_openvino
def test_ort_disable_cpu_ep_fallback_keeps_its_meaning(openvino_server):
    # ORT itself refuses a session whose nodes would reach the CPU provider;
    # the default policy (allow) does not get in its way.
    with pytest.raises(InferenceServerException) as e:
        load(openvino_server, "ov_ort_refuses")
    assert "model 'ov_ort_refuses'" in str(e.value)
    assert "fallback to CPU EP has been explicitly disabled" in str(e.value)
    assert "fell back" not in str(e.value)


def run_tool(tool, *args):
    return subprocess.run([tool, *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not TOOL, reason="set ORT_MODEL_CONFIG_BIN (scripts/test.sh sets it)")
def test_tool_prints_the_placement_the_backend_logs(tmp_path, start_server):
    repo = tmp_path / "models"
    models.save(repo, "simple", models.add_sub())
    [line] = placement_lines(start_server(repo), "simple")
    out = run_tool(TOOL, "--providers", repo / "simple")
    assert out.returncode == 0, out.stderr
    assert "CPUExecutionProvider: 2 node(s)" in out.stdout
    assert line.endswith(PLACED + 'CPUExecutionProvider: 2 node(s)"')
    report = json.loads(run_tool(TOOL, "--providers", "--json", repo / "simple").stdout)
    assert report["providers"] == [{"provider": "CPUExecutionProvider", "nodes": 2, "listed": []}]
    assert not report["fell_back"] and not report["refused"]


@pytest.mark.skipif(not TOOL, reason="set ORT_MODEL_CONFIG_BIN (scripts/test.sh sets it)")
def test_tool_reports_the_backends_error_for_an_accelerator_this_build_lacks(tmp_path):
    models.save(tmp_path / "models", "simple", models.add_sub())
    config = tmp_path / "config.pbtxt"
    config.write_text(models.config("simple", max_batch_size=4, extra=openvino()))
    out = run_tool(TOOL, "--providers", "--config", config, tmp_path / "models" / "simple")
    if "OpenVINOExecutionProvider" in out.stdout:
        pytest.skip("this tool is an OpenVINO build")
    assert out.returncode == 1
    assert "model 'simple': the model asks for the 'openvino' execution accelerator" in out.stderr


@needs_openvino
@pytest.mark.skipif(not OPENVINO_TOOL, reason="set ORT_OPENVINO_MODEL_CONFIG_BIN (scripts/test.sh sets it)")
def test_tool_shows_the_fallback_the_backend_refuses(openvino_server, tmp_path):
    with pytest.raises(InferenceServerException) as e:
        load(openvino_server, "ov_fail")
    model_dir = openvino_server.repo / "ov_fail"
    out = run_tool(OPENVINO_TOOL, "--providers", "--config", model_dir / "config.pbtxt", model_dir)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "CPUExecutionProvider: 1 node(s)\n  Triple (triple)\n" in out.stdout
    assert "OpenVINOExecutionProvider: 1 node(s)" in out.stdout
    verdict = "1 node(s) fell back from OpenVINO to CPUExecutionProvider: Triple (triple)"
    assert verdict in out.stdout and verdict in str(e.value)  # the tool's verdict is the server's
    assert "the backend refuses this model" in out.stdout
    warn = model_dir.parent / "ov_warn" / "config.pbtxt"
    assert run_tool(OPENVINO_TOOL, "--providers", "--config", warn, model_dir).returncode == 0


def _chain_of_five():
    """X -> Add -> Mul -> Sub -> Neg -> Abs -> Y: five nodes ORT runs as they are."""
    one = helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])
    two = helper.make_tensor("two", TensorProto.FLOAT, [], [2.0])
    nodes = [helper.make_node("Add", ["X", "one"], ["a"]), helper.make_node("Mul", ["a", "two"], ["b"]),
             helper.make_node("Sub", ["b", "one"], ["c"]), helper.make_node("Neg", ["c"], ["d"]),
             helper.make_node("Abs", ["d"], ["Y"])]
    return models.make_model(nodes, [models.tensor("X", TensorProto.FLOAT, ["batch", 4])],
                             [models.tensor("Y", TensorProto.FLOAT, ["batch", 4])], initializers=[one, two])


def test_provider_node_counts_equal_those_of_ort_profile(tmp_path, start_server):
    """The placement gauge agrees with ORT's own profile of a run: per provider,
    the number of distinct nodes the profile shows running."""
    repo = tmp_path / "models"
    prefix = tmp_path / "profile"
    models.save(repo, "chain", _chain_of_five(),
                models.config("chain", max_batch_size=4,
                              extra=parameter("profiling_file_prefix", str(prefix))))
    server = start_server(repo, ["--model-control-mode=explicit"])
    client = server.http()
    client.load_model("chain")
    gauge = provider_nodes(server, "chain")
    i = httpclient.InferInput("X", [1, 4], "FP32")
    x = np.array([[-2, -1, 0, 1]], np.float32)
    i.set_data_from_numpy(x)
    np.testing.assert_allclose(client.infer("chain", [i]).as_numpy("Y"), np.abs(-((x + 1) * 2 - 1)))
    client.unload_model("chain")  # the session writes its profile as it ends
    events = read_profile(tmp_path)  # the session writes its profile as it ends
    assert events, "ORT wrote no profile"
    ran = {}
    for e in events:
        args = e.get("args", {})
        if e.get("cat") == "Node" and "provider" in args:
            ran.setdefault(args["provider"], set()).add(args.get("node_index", e["name"]))
    profiled = {p: len(nodes) for p, nodes in ran.items()}
    assert profiled == {"CPUExecutionProvider": 5}
    assert gauge == profiled

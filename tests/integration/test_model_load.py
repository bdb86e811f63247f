"""Model loading: auto-complete, backend config, and precise load errors for
bad files and configs that disagree with the model. Each failure affects only
that model's load."""
import json

import numpy as np
import pytest
import tritonclient.http as httpclient
from onnx import TensorProto
from tritonclient.utils import InferenceServerException

import models


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("load") / "models"
    models.save(repo, "good", models.add_sub())
    (repo / "missing_file" / "1").mkdir(parents=True)
    (repo / "missing_file" / "config.pbtxt").write_text('backend: "onnxruntime"\n')
    models.save(repo, "corrupt", models.add_sub())
    (repo / "corrupt" / "1" / "model.onnx").write_bytes(b"\x08\x07this is not an onnx model" * 10)
    models.save(repo, "truncated", models.add_sub())
    p = repo / "truncated" / "1" / "model.onnx"
    p.write_bytes(p.read_bytes()[:40])
    models.save(repo, "empty_config", models.add_sub())
    (repo / "empty_config" / "config.pbtxt").write_text("")
    mismatch = {
        "unknown_input": models.config("unknown_input", [("INPUT0", "TYPE_FP32", [4]), ("INPUTX", "TYPE_FP32", [4])],
                                       [("OUTPUT0", "TYPE_FP32", [4])], max_batch_size=4),
        "missing_input": models.config("missing_input", [("INPUT0", "TYPE_FP32", [4])],
                                       [("OUTPUT0", "TYPE_FP32", [4])], max_batch_size=4),
        "wrong_dtype": models.config("wrong_dtype", [("INPUT0", "TYPE_INT32", [4]), ("INPUT1", "TYPE_FP32", [4])],
                                     [("OUTPUT0", "TYPE_FP32", [4])], max_batch_size=4),
        "wrong_dims": models.config("wrong_dims", [("INPUT0", "TYPE_FP32", [5]), ("INPUT1", "TYPE_FP32", [4])],
                                    [("OUTPUT0", "TYPE_FP32", [4])], max_batch_size=4),
        "unknown_output": models.config("unknown_output", [("INPUT0", "TYPE_FP32", [4]), ("INPUT1", "TYPE_FP32", [4])],
                                        [("OUTPUTZ", "TYPE_FP32", [4])], max_batch_size=4),
        "bad_parameter": models.config("bad_parameter", max_batch_size=4,
                                       extra='parameters { key: "intra_op_thread_count" value: { string_value: "many" } }'),
        "bad_graph_level": models.config("bad_graph_level", max_batch_size=4, extra="optimization { graph { level: 7 } }"),
    }
    for name, cfg in mismatch.items():
        models.save(repo, name, models.add_sub(), cfg)
    models.save(repo, "cannot_batch", models.add_sub(shape=(2, 4)),
                models.config("cannot_batch", max_batch_size=8))
    return module_server_factory(repo, ["--model-control-mode=explicit", "--load-model=good"])


def load_error(server, name):
    client = server.http()
    with pytest.raises(InferenceServerException) as e:
        client.load_model(name)
    assert client.is_model_ready("good")  # the failure stays with that model
    assert not client.is_model_ready(name)
    return str(e.value)


def test_missing_model_file_names_the_path(server):
    msg = load_error(server, "missing_file")
    assert "model file not found" in msg and "missing_file/1/model.onnx" in msg


@pytest.mark.parametrize("name", ["corrupt", "truncated"])
def test_corrupt_model_file_names_the_path(server, name):
    msg = load_error(server, name)
    assert f"{name}/1/model.onnx" in msg and f"model '{name}'" in msg


def test_unknown_config_input_lists_the_models_inputs(server):
    msg = load_error(server, "unknown_input")
    assert "'INPUTX'" in msg and "'INPUT0', 'INPUT1'" in msg


def test_missing_config_input(server):
    msg = load_error(server, "missing_input")
    assert "'INPUT1'" in msg and "missing from the config" in msg


def test_dtype_mismatch(server):
    msg = load_error(server, "wrong_dtype")
    assert "'INPUT0'" in msg and "TYPE_INT32" in msg and "TYPE_FP32" in msg


def test_dims_mismatch_shows_both_shapes(server):
    msg = load_error(server, "wrong_dims")
    assert "'INPUT0'" in msg and "[-1,5]" in msg and "[-1,4]" in msg


def test_unknown_config_output(server):
    msg = load_error(server, "unknown_output")
    assert "'OUTPUTZ'" in msg and "'OUTPUT0', 'OUTPUT1'" in msg


def test_max_batch_size_on_a_model_that_cannot_batch(server):
    msg = load_error(server, "cannot_batch")
    assert "max_batch_size is 8" in msg and "[2,4]" in msg


def test_invalid_parameter_value_names_key_and_value(server):
    msg = load_error(server, "bad_parameter")
    assert "intra_op_thread_count" in msg and "'many'" in msg


def test_invalid_graph_level(server):
    msg = load_error(server, "bad_graph_level")
    assert "optimization.graph.level" in msg and "7" in msg


def test_empty_config_is_auto_completed(server):
    client = server.http()
    client.load_model("empty_config")
    cfg = client.get_model_config("empty_config")
    assert cfg["max_batch_size"] == 4 and len(cfg["input"]) == 2 and len(cfg["output"]) == 2
    a = np.ones((1, 4), np.float32)
    inputs = []
    for n in ("INPUT0", "INPUT1"):
        i = httpclient.InferInput(n, [1, 4], "FP32")
        i.set_data_from_numpy(a)
        inputs.append(i)
    np.testing.assert_array_equal(client.infer("empty_config", inputs).as_numpy("OUTPUT0"), 2 * a)


def test_default_max_batch_size_from_backend_config(tmp_path, start_server):
    repo = tmp_path / "models"
    models.save(repo, "simple", models.add_sub())
    models.save(repo, "fixed", models.add_sub(shape=(3, 4)))
    server = start_server(repo, ["--backend-config=onnxruntime,default-max-batch-size=16"])
    client = server.http()
    assert client.get_model_config("simple")["max_batch_size"] == 16
    assert client.get_model_config("fixed")["max_batch_size"] == 0  # cannot batch
    assert "default-max-batch-size=16" in server.log()


def _backend_configuration_messages(log: str) -> list:
    """The backend-configuration messages of a server log, each as the text
    the backend passed to the server. Triton 2.51 writes a message as a JSON
    string after "<file>:<line>] " (its newlines escaped, so one physical line);
    a raw message would put the JSON on the following line."""
    found = []
    lines = log.splitlines()
    for k, line in enumerate(lines):
        if "] " not in line or "backend configuration:" not in line:
            continue
        message = line.split("] ", 1)[1]
        if message.startswith('"'):
            message = json.loads(message)
        elif k + 1 < len(lines):
            message = message + "\n" + lines[k + 1]
        if message.startswith("backend configuration:"):
            found.append(message)
    return found


def test_backend_configuration_is_logged_in_the_original_form(tmp_path, start_server):
    repo = tmp_path / "models"
    models.save(repo, "simple", models.add_sub())
    server = start_server(repo, ["--backend-config=onnxruntime,default-max-batch-size=2",
                                 "--backend-config=onnxruntime,intra_op_thread_count=1"])
    messages = _backend_configuration_messages(server.log())
    assert len(messages) == 1, server.log()[-4000:]
    # "backend configuration:", then the JSON alone on the next line, as the
    # original backend writes it.
    head, body = messages[0].split("\n", 1)
    assert head == "backend configuration:"
    cmdline = json.loads(body)["cmdline"]
    assert cmdline["default-max-batch-size"] == "2" and cmdline["intra_op_thread_count"] == "1"
    assert "backend-directory" in cmdline, "the server's own defaults are part of what the backend received"
    line = next(l for l in server.log().splitlines() if "backend configuration:" in l)
    assert line.startswith("I"), "logged at INFO level"
    # Our own summary of what was parsed follows it.
    assert "onnxruntime backend config: " in server.log()


def test_disabled_auto_complete_needs_a_full_config(tmp_path, start_server):
    repo = tmp_path / "models"
    models.save(repo, "simple", models.add_sub())
    server = start_server(repo, ["--disable-auto-complete-config", "--model-control-mode=explicit"])
    with pytest.raises(InferenceServerException):
        server.http().load_model("simple")
    assert server.alive()

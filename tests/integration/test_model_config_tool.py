"""The ort-model-config tool prints the config the backend auto-completes:
for each model it must agree field by field with what the real server reports
for the same model served without a config.pbtxt, and its errors must be the
backend's load errors."""
import json
import os
import pathlib
import subprocess

import pytest
from onnx import TensorProto
from tritonclient.utils import InferenceServerException

import models
from conftest import ROOT

# name -> model, for models the backend serves without a config.pbtxt.
SERVABLE = {
    "add_sub": models.add_sub(),                                   # batchable
    "fixed": models.add_sub(shape=(3, 4)),                         # fixed shape, cannot batch
    "dynamic_inner": models.identity(TensorProto.FLOAT, [2, "n"]),  # cannot batch, dynamic non-first dim
    "scalar": models.identity(TensorProto.FLOAT, []),              # rank 0, cannot batch
    "strings": models.lowercase_strings(),                         # BYTES, [N]
    "batch_only": models.identity(TensorProto.INT32, ["batch"]),  # only dim is the batch dim
    "mixed": models.mixed_types(),                                 # several types and ranks
    "ragged": models.ragged_all_kinds(),                           # 1-D ragged tensors and batch-input targets
}
# name -> config.pbtxt of the ragged model (models.ragged_all_kinds), for
# --config: a complete one, one whose outputs auto-complete fills in, and one
# the backend refuses.
WITH_CONFIG = {
    "ragged_config": lambda name: models.ragged_all_kinds_config(name),
    "ragged_outputs_left_out": lambda name: models.ragged_all_kinds_config(name, with_outputs=False),
    "ragged_bad_config": lambda name: models.ragged_all_kinds_config(name).replace('target_name: "AEC"',
                                                                                  'target_name: "NOPE"'),
}
# name -> model the backend refuses to load.
UNSERVABLE = {"sequence_output": models.sequence_output(), "float8_input": models.float8_input()}


def _tool_bin() -> pathlib.Path:
    return pathlib.Path(os.environ.get("ORT_MODEL_CONFIG_BIN", ROOT / "install" / "bin" / "ort-model-config"))


def run_tool(*args):
    """Runs the tool; returns (exit code, stdout, stderr)."""
    tool = _tool_bin()
    if not tool.exists():
        pytest.fail(f"ort-model-config not found at {tool}: install it or set ORT_MODEL_CONFIG_BIN")
    p = subprocess.run([str(tool), *map(str, args)], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def tool_config(*args):
    code, out, err = run_tool("--json", *args)
    assert code == 0, err
    return json.loads(out)


def tensor_fields(t):
    """The fields of one config input/output that auto-complete decides."""
    fields = {"name": t["name"], "data_type": t["data_type"], "dims": [int(d) for d in t["dims"]]}
    if "reshape" in t:
        fields["reshape"] = [int(d) for d in t["reshape"].get("shape", [])]
    return fields


def completed_fields(cfg):
    """The fields of a config that auto-complete decides, comparable between
    the tool's JSON and the server's (which adds defaults for everything else)."""
    return {
        "name": cfg["name"],
        "max_batch_size": int(cfg.get("max_batch_size", 0)),
        "input": sorted((tensor_fields(t) for t in cfg.get("input", [])), key=lambda t: t["name"]),
        "output": sorted((tensor_fields(t) for t in cfg.get("output", [])), key=lambda t: t["name"]),
        "dynamic_batching": "dynamic_batching" in cfg,
    }


def load_error(server, name):
    with pytest.raises(InferenceServerException) as e:
        server.http().load_model(name)
    return str(e.value)


def after_model_prefix(message, name):
    """The backend's message after its "model '<name>': " prefix (the server
    names the model before it too)."""
    prefix = f"model '{name}': "
    assert prefix in message, message
    return message.rsplit(prefix, 1)[1].rstrip().rstrip(";")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("tool") / "models"
    for name, model in {**SERVABLE, **UNSERVABLE}.items():
        models.save(repo, name, model)
    models.save(repo, "corrupt", models.add_sub())
    (repo / "corrupt" / "1" / "model.onnx").write_bytes(b"\x08\x07this is not an onnx model" * 10)
    (repo / "missing_file" / "1").mkdir(parents=True)
    # Without a model file the server needs a config to know the backend.
    (repo / "missing_file" / "config.pbtxt").write_text('backend: "onnxruntime"\n')
    # A config that sets max_batch_size itself: auto-complete adds no scheduler.
    models.save(repo, "explicit_batch", models.add_sub(), config='backend: "onnxruntime"\nmax_batch_size: 8\n')
    # The backend reads the highest version; so must the tool given the model directory.
    models.save(repo, "versions", models.add_sub(), version=1)
    models.save(repo, "versions", models.add_sub(shape=(3, 4)), version=3)
    # Models served with a config.pbtxt of their own, which --config reads.
    for name, text in WITH_CONFIG.items():
        models.save(repo, name, models.ragged_all_kinds(), config=text(name))
    # Each servable model again, served with the config.pbtxt the tool prints.
    for name in SERVABLE:
        code, out, err = run_tool("--name", f"{name}_pbtxt", "--instance-kind", "cpu",
                                  repo / name / "1" / "model.onnx")
        assert code == 0, err
        models.save(repo, f"{name}_pbtxt", SERVABLE[name], config=out)
    return repo


@pytest.fixture(scope="module")
def server(repo, module_server_factory):
    loaded = [*SERVABLE, *(f"{n}_pbtxt" for n in SERVABLE), "versions", "explicit_batch", "ragged_config",
              "ragged_outputs_left_out"]
    return module_server_factory(repo, ["--model-control-mode=explicit", *(f"--load-model={n}" for n in loaded)])


@pytest.mark.parametrize("name", SERVABLE)
def test_config_matches_the_servers_auto_completed_config(server, repo, name):
    expected = completed_fields(server.http().get_model_config(name))
    assert completed_fields(tool_config(repo / name / "1" / "model.onnx")["config"]) == expected


@pytest.mark.parametrize("name", ["ragged_config", "ragged_outputs_left_out"])
def test_config_option_completes_a_config_pbtxt_as_the_server_does(server, repo, name):
    cfg = tool_config("--config", repo / name / "config.pbtxt", repo / name / "1" / "model.onnx")["config"]
    server_cfg = server.http().get_model_config(name)
    assert completed_fields(cfg) == completed_fields(server_cfg)
    # Batch inputs are the backend's to feed, not inputs the config lacks.
    assert [i["name"] for i in cfg["input"]] == ["INPUT", "MATRIX"]
    assert [b["target_name"] for b in cfg["batch_input"]] == [[t] for t in ("EC", "AEC", "AECZ", "MAXS", "ISH", "ISF")]


def test_config_option_reports_the_backends_load_error(server, repo):
    name = "ragged_bad_config"
    code, _, err = run_tool("--config", repo / name / "config.pbtxt", repo / name / "1" / "model.onnx")
    assert code == 1
    assert after_model_prefix(err, name) == after_model_prefix(load_error(server, name), name)


def test_config_option_names_the_line_of_a_syntax_error(tmp_path, repo):
    bad = tmp_path / "config.pbtxt"
    bad.write_text('name: "x"\ninput [ { name: "INPUT" data_type: TYPE_FP32 dims: [ -1 ] }\n')
    code, _, err = run_tool("--config", bad, repo / "add_sub" / "1" / "model.onnx")
    assert code == 1
    assert f"{bad}:3: expected ',' or ']' in the list of 'input'" in err, err


@pytest.mark.parametrize("name", SERVABLE)
def test_printed_pbtxt_is_a_config_the_server_accepts_unchanged(server, name):
    client = server.http()
    served = client.get_model_config(f"{name}_pbtxt")
    assert completed_fields(served) == {**completed_fields(client.get_model_config(name)), "name": f"{name}_pbtxt"}
    assert [(g["kind"], int(g["count"])) for g in served["instance_group"]] == [("KIND_CPU", 1)]


def test_max_batch_size_acts_like_the_backends_default_max_batch_size(repo, start_server):
    names = ["add_sub", "fixed", "batch_only", "mixed"]
    server = start_server(repo, ["--model-control-mode=explicit", "--backend-config=onnxruntime,default-max-batch-size=8",
                                 *(f"--load-model={n}" for n in names)])
    for name in names:
        expected = completed_fields(server.http().get_model_config(name))
        assert completed_fields(tool_config("--max-batch-size", 8, repo / name / "1" / "model.onnx")["config"]) == expected


def test_starting_config_completes_like_the_servers_config_pbtxt(server, repo, tmp_path):
    served = server.http().get_model_config("explicit_batch")
    assert int(served["max_batch_size"]) == 8 and "dynamic_batching" not in served
    start = tmp_path / "start.json"
    start.write_text(json.dumps({"max_batch_size": 8}))
    completed = tool_config("--config", start, repo / "explicit_batch" / "1" / "model.onnx")["config"]
    assert completed_fields(completed) == completed_fields(served)


def test_starting_config_in_broken_json_is_refused(repo, tmp_path):
    start = tmp_path / "start.json"
    start.write_text('{"max_batch_size": ')
    code, out, err = run_tool("--config", start, repo / "add_sub")
    assert code == 1 and out == ""
    assert f"'{start}' is not valid JSON" in err


def test_model_directory_reads_the_highest_version_like_the_server(server, repo):
    assert completed_fields(tool_config(repo / "versions")["config"]) == \
        completed_fields(server.http().get_model_config("versions"))


@pytest.mark.parametrize("name", ["corrupt", "missing_file", *UNSERVABLE])
def test_errors_are_the_backends_load_errors(server, repo, name):
    backend_message = after_model_prefix(load_error(server, name), name)
    for path in (repo / name, repo / name / "1" / "model.onnx"):
        code, out, err = run_tool(path)
        assert code == 1 and out == ""
        assert err.strip().splitlines()[-1] == f"ort-model-config: model '{name}': {backend_message}"


def test_name_defaults_to_the_model_directory_or_the_file_stem(repo, tmp_path):
    assert tool_config(repo / "add_sub" / "1" / "model.onnx")["config"]["name"] == "add_sub"
    assert tool_config(repo / "add_sub")["config"]["name"] == "add_sub"
    (tmp_path / "my_model.onnx").write_bytes((repo / "add_sub" / "1" / "model.onnx").read_bytes())
    assert tool_config(tmp_path / "my_model.onnx")["config"]["name"] == "my_model"
    assert tool_config("--name", "other", tmp_path / "my_model.onnx")["config"]["name"] == "other"


def test_pbtxt_output_lists_the_config_then_onnx_facts_as_comments(repo):
    code, out, _ = run_tool("--instance-kind", "gpu", repo / "add_sub" / "1" / "model.onnx")
    assert code == 0
    config_lines = [l for l in out.splitlines() if l and not l.startswith("#")]
    assert config_lines[:3] == ['name: "add_sub"', 'backend: "onnxruntime"', "max_batch_size: 4"]
    assert "dynamic_batching { }" in config_lines and "    kind: KIND_GPU" in config_lines
    assert "    data_type: TYPE_FP32" in config_lines and "    dims: [ 4 ]" in config_lines
    comments = "\n".join(l for l in out.splitlines() if l.startswith("#"))
    assert "ir_version:      8" in comments and "opset_import:    ai.onnx 17" in comments
    assert "INPUT0  tensor(float)  [batch,4]" in comments


@pytest.mark.parametrize("external", [False, True])
def test_onnx_facts_report_opsets_producer_symbolic_dims_and_initializer_bytes(tmp_path, external):
    model, weight_bytes = models.matmul_with_weights()
    model.opset_import.append(models.helper.make_opsetid("ai.onnx.ml", 3))
    models.save(tmp_path, "weights", model, external_data=external)
    facts = tool_config(tmp_path / "weights")["onnx"]
    assert facts["ir_version"] == 8 and facts["graph_name"] == "weights_graph"
    assert facts["opset_import"] == [{"domain": "ai.onnx", "version": 17}, {"domain": "ai.onnx.ml", "version": 3}]
    assert (facts["producer_name"], facts["producer_version"]) == ("models.py", "1.2")
    assert facts["inputs"] == [{"name": "X", "type": "tensor(float)", "shape": [-1, 4], "dim_names": ["n", ""],
                                "dynamic_dims": [0]}]
    assert facts["initializers"]["count"] == 4 and facts["initializers"]["bytes"] == weight_bytes
    # Strings are never stored externally; every numeric tensor is when asked.
    assert facts["initializers"]["external_bytes"] == (weight_bytes - 5 if external else 0)


def test_usage(tmp_path):
    code, out, _ = run_tool("--help")
    assert code == 0 and out.startswith("Usage: ort-model-config")
    for args in (["--bogus", "x.onnx"], [], ["--max-batch-size", "-1", "x.onnx"], ["--instance-kind", "tpu", "x.onnx"]):
        code, out, err = run_tool(*args)
        assert code == 2 and out == "" and "--help" in err, args


def test_overridable_initializers_are_shown_as_optional_inputs(tmp_path):
    models.save(tmp_path / "repo", "opt", models.overridable_initializers(True))
    out = tool_config(tmp_path / "repo" / "opt")
    # The config is what auto-complete gives, without them (as the original's).
    assert [i["name"] for i in out["config"]["input"]] == ["X"]
    optional = {t["name"]: t for t in out["onnx"]["optional_inputs"]}
    assert sorted(optional) == ["S", "W"]
    assert optional["W"]["config"] == {"name": "W", "data_type": "TYPE_FP32", "dims": [2], "optional": True}
    code, text, err = run_tool(tmp_path / "repo" / "opt")
    assert code == 0, err
    assert "optional inputs (overridable initializers" in text
    assert '#     W  tensor(float)  [wb,2]  input {"data_type":"TYPE_FP32","dims":[2],"name":"W","optional":true}' in text

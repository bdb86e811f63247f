"""Loading a model reads its file as few times as its sessions need, keeps one
weights copy per shared session, and gives memory back on unload. Counts from
the backend's verbose log and Triton's memory_usage statistics, never times.

Every ORT session the backend makes from the model file (the load's
inspection included) logs "model file loads by this model: N"; a session
loads the file once, so the highest N is how often the file was read."""
import re
import time

import pytest

import models


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("load_once") / "models"
    # A fresh model per save: saving with external data rewrites the proto.
    model = lambda: models.matmul_with_weights()[0]  # noqa: E731
    models.save(repo, "shared", model(), 'backend: "onnxruntime"\n')
    models.save(repo, "shared_four", model(),
                'backend: "onnxruntime"\ninstance_group [{ count: 4, kind: KIND_CPU }]\n')
    models.save(repo, "shared_external", model(), 'backend: "onnxruntime"\n', filename="model_dir",
                external_data=True)
    (repo / "shared_external" / "config.pbtxt").write_text(
        'backend: "onnxruntime"\ndefault_model_filename: "model_dir"\n')
    models.save(repo, "unshared", model(),
                'backend: "onnxruntime"\ninstance_group [{ count: 2, kind: KIND_CPU }]\n'
                'parameters { key: "share_session_between_instances" value: { string_value: "false" } }\n')
    return module_server_factory(repo, ["--model-control-mode=explicit", "--log-verbose=1"])


def file_loads(log, name):
    return [int(n) for n in re.findall(rf"model '{name}': session loaded in .*model file loads by this model: (\d+)",
                                       log)]


def model_files_bytes(server, name, sub="1"):
    p = server.repo / name / sub
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def cpu_memory_reported(server, name):
    stats = server.http().get_inference_statistics(name)["model_stats"][0]
    return sum(int(u["byte_size"]) for u in stats.get("memory_usage", []) if u["type"] == "CPU")


def load_and_read_log(server, name):
    start = len(server.log())
    server.http().load_model(name)
    return server.log()[start:]


@pytest.mark.parametrize("name", ["shared", "shared_four", "shared_external"])
def test_shared_session_reads_the_model_file_once(server, name):
    log = load_and_read_log(server, name)
    try:
        assert file_loads(log, name) == [1]
        assert log.count(f"model '{name}': created an ONNX Runtime session") == 1
    finally:
        server.http().unload_model(name)


@pytest.mark.parametrize("name", ["shared", "shared_four", "shared_external"])
def test_memory_reported_is_one_sessions_weights(server, name):
    server.http().load_model(name)
    try:
        sub = "1/model_dir" if name == "shared_external" else "1"
        assert cpu_memory_reported(server, name) == model_files_bytes(server, name, sub)
    finally:
        server.http().unload_model(name)


def test_sessions_per_instance_share_the_weights_read_once(server):
    log = load_and_read_log(server, "unshared")
    try:
        # One session per instance; the first, made at load, is also the one read.
        assert sorted(file_loads(log, "unshared")) == [1, 2]
        assert log.count("with the model's pre-packed weights container") == 2
        # W, I64 and H (raw data in the file) are read once and given to both
        # sessions; the string tensor S each session reads itself.
        assert log.count("3 initializer(s) shared with its other sessions") == 2
        assert cpu_memory_reported(server, "unshared") == 2 * model_files_bytes(server, "unshared")
    finally:
        server.http().unload_model("unshared")


def test_unload_returns_freed_memory_and_reloads_read_the_file_once_each(server):
    for _ in range(3):
        log = load_and_read_log(server, "shared")
        assert file_loads(log, "shared") == [1]
        start = len(server.log())
        server.http().unload_model("shared")
        for _ in range(100):
            if "model 'shared': unloaded; returned" in server.log()[start:]:
                break
            time.sleep(0.1)
        assert "model 'shared': unloaded; returned" in server.log()[start:]


def test_sessions_with_shared_weights_compute_with_them(server):
    import numpy as np
    import tritonclient.http as httpclient
    server.http().load_model("unshared")
    try:
        x = np.arange(8, dtype=np.float32).reshape(2, 4)
        w = np.arange(32, dtype=np.float32).reshape(4, 8)
        client = server.http()
        for _ in range(4):  # over both instances
            inp = httpclient.InferInput("X", [2, 4], "FP32")
            inp.set_data_from_numpy(x)
            got = client.infer("unshared", [inp]).as_numpy("Y")
            np.testing.assert_allclose(got, x @ w)
    finally:
        server.http().unload_model("unshared")


PHASES = ["config parse", "model read", "session options", "session creation", "memory release",
          "placement report", "inspection", "auto-complete", "other"]


@pytest.mark.parametrize("name, instances", [("shared", 2), ("shared_four", 4)])
def test_the_verbose_log_breaks_a_load_into_its_phases(server, name, instances):
    log = load_and_read_log(server, name)
    try:
        lines = re.findall(rf"model '{name}': load phases: ([^\n\"]*)", log)
        assert len(lines) == 1, log
        # Every phase is named, once, with its time (bench/load_bench.py reads them).
        assert re.findall(r"([a-z -]+?) [0-9]+\.[0-9]{2} ms(?:, |$)", lines[0]) == PHASES
        # The shared session is made at load, so its creation is one of the phases.
        assert float(re.search(r"session creation ([0-9.]+) ms", lines[0]).group(1)) > 0
        assert len(re.findall(rf"model '{name}': instance '[^']+' created in \d+ us", log)) == instances
    finally:
        server.http().unload_model(name)

"""Session options reach ONNX Runtime: thread pools (seen as threads of the
server process), graph optimization levels (seen in ORT's saved optimized
graph), profiling (which provider ran each node)."""
import json
import os
import pathlib
import sys
import time

import numpy as np
import onnx
import pytest
import tritonclient.http as httpclient

import models
from conftest import read_profile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bench"))
import make_models  # noqa: E402  (the bench's conv net: every graph level changes it differently)


def usable_cores():
    cores = len(os.sched_getaffinity(0))
    try:
        quota, period = pathlib.Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cores = min(cores, max(1, -(-int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return cores


def params(**kv):
    return "\n".join(f'parameters {{ key: "{k}" value: {{ string_value: "{v}" }} }}' for k, v in kv.items())


def add_model(repo, name, instances=1, **kv):
    models.save(repo, name, models.add_sub(),
                models.config(name, max_batch_size=4,
                              extra=f"instance_group [{{ kind: KIND_CPU count: {instances} }}]\n" + params(**kv)))


def thread_count(server):
    return len(os.listdir(f"/proc/{server.proc.pid}/task"))


def threads_added_by_loading(server, name):
    client = server.http()
    before = thread_count(server)
    client.load_model(name)
    time.sleep(0.5)  # thread pools start their workers right away; give them a moment
    after = thread_count(server)
    a = np.ones((1, 4), np.float32)
    inputs = []
    for n in ("INPUT0", "INPUT1"):
        i = httpclient.InferInput(n, [1, 4], "FP32")
        i.set_data_from_numpy(a)
        inputs.append(i)
    np.testing.assert_array_equal(client.infer(name, inputs).as_numpy("OUTPUT0"), 2 * a)
    client.unload_model(name)
    time.sleep(0.5)
    return after - before


@pytest.fixture
def thread_server(tmp_path, start_server):
    repo = tmp_path / "models"
    add_model(repo, "intra1", intra_op_thread_count=1)
    add_model(repo, "intra4", intra_op_thread_count=4)
    add_model(repo, "parallel_inter3", intra_op_thread_count=1, execution_mode=1, inter_op_thread_count=3)
    add_model(repo, "separate_intra1", instances=2, intra_op_thread_count=1, share_session_between_instances="false")
    add_model(repo, "separate_intra3", instances=2, intra_op_thread_count=3, share_session_between_instances="false")
    add_model(repo, "default2", instances=2)
    add_model(repo, "shared_intra1", instances=2, intra_op_thread_count=1)
    return start_server(repo, ["--model-control-mode=explicit"])


def test_intra_op_thread_count_sets_the_session_thread_pool(thread_server):
    base = threads_added_by_loading(thread_server, "intra1")
    # A pool of N intra-op threads is the caller plus N-1 workers.
    assert threads_added_by_loading(thread_server, "intra4") - base == 3


def test_parallel_execution_mode_adds_inter_op_threads(thread_server):
    base = threads_added_by_loading(thread_server, "intra1")
    assert threads_added_by_loading(thread_server, "parallel_inter3") - base == 2


def test_unshared_sessions_each_get_their_own_pool(thread_server):
    base = threads_added_by_loading(thread_server, "separate_intra1")
    assert threads_added_by_loading(thread_server, "separate_intra3") - base == 2 * 2


def test_default_threads_do_not_oversubscribe_the_cores(thread_server):
    # Two instances share one session whose pool is sized to the usable cores.
    base = threads_added_by_loading(thread_server, "shared_intra1")
    assert threads_added_by_loading(thread_server, "default2") - base == usable_cores() - 1


def test_global_thread_pool_is_shared_and_model_threads_are_ignored(tmp_path, start_server):
    repo = tmp_path / "models"
    add_model(repo, "intra1", intra_op_thread_count=1)
    add_model(repo, "intra4", intra_op_thread_count=4)
    server = start_server(repo, ["--model-control-mode=explicit",
                                 "--backend-config=onnxruntime,enable-global-threadpool=1",
                                 "--backend-config=onnxruntime,intra_op_thread_count=3",
                                 "--backend-config=onnxruntime,inter_op_thread_count=1"])
    # ORT starts the global pool's workers with the first session; after that
    # no model adds ORT threads, whatever its own thread settings say.
    first = threads_added_by_loading(server, "intra1")
    intra1 = threads_added_by_loading(server, "intra1")
    assert first - intra1 == 2  # a pool of 3 intra-op threads: the caller plus 2 workers
    assert threads_added_by_loading(server, "intra4") == intra1
    log = server.log()
    assert "enable-global-threadpool=1 intra_op_thread_count=3" in log
    assert "the global thread pool is enabled, so the model's intra/inter_op_thread_count are ignored" in log


LEVEL_OPS = {  # what ORT's optimized conv net contains at each level
    "2": {"Conv", "Add", "MatMul"},           # disabled: the graph as written
    "-1": {"Conv", "Gemm"},                   # basic: MatMul+Add fused into Gemm
    "1": {"com.microsoft:FusedConv", "Gemm"},  # extended: Conv+Relu fused
    "0": {"com.microsoft.nchwc:Conv"},         # all: NCHWc layout kernels
}


def op_types(path):
    return {(f"{n.domain}:" if n.domain else "") + n.op_type for n in onnx.load(path).graph.node}


def test_graph_optimization_levels_reach_ort(tmp_path, start_server):
    repo = tmp_path / "models"
    conv, ins, outs = make_models.conv()
    for level in LEVEL_OPS:
        name = f"level_{level.replace('-', 'm')}"
        dump = tmp_path / f"{name}.optimized.onnx"
        models.save(repo, name, conv,
                    models.config(name, max_batch_size=2, extra=f"optimization {{ graph {{ level: {level} }} }}\n"
                                  + params(optimized_model_filepath=dump)))
    start_server(repo)
    seen = {}
    for level, expected in LEVEL_OPS.items():
        ops = op_types(tmp_path / f"level_{level.replace('-', 'm')}.optimized.onnx")
        assert expected <= ops, (level, ops)
        seen[level] = frozenset(ops)
    assert len(set(seen.values())) == 4  # every level gives a different graph


def test_profiling_shows_the_cpu_provider_ran_every_node(tmp_path, start_server):
    repo = tmp_path / "models"
    prefix = tmp_path / "profile"
    add_model(repo, "profiled", profiling_file_prefix=prefix)
    server = start_server(repo, ["--model-control-mode=explicit"])
    threads_added_by_loading(server, "profiled")  # load, infer once, unload: the profile is written
    events = read_profile(tmp_path)  # the session writes its profile as it ends
    providers = {e["args"]["provider"] for e in events if e.get("cat") == "Node" and "provider" in e.get("args", {})}
    assert providers == {"CPUExecutionProvider"}

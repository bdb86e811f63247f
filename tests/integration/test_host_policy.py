"""Host policies: the backend reads every input under its instance's
host-policy name (a client or an ensemble may attach an input's data for a
policy), and the ONNX Runtime threads of an instance whose policy names
cpu-cores run only on those CPUs.

Triton's HTTP and gRPC frontends let no client choose a host policy, so the
data tests drive the server in-process through its C API
(host_policy_driver.py, in a child process)."""
import json
import os
import time
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import tritonclient.http as httpclient
from onnx import TensorProto

import models
from conftest import _backend_dir, _server_bin

POLICY = "policy_a"
DRIVER = pathlib.Path(__file__).with_name("host_policy_driver.py")


def _libtritonserver() -> str:
    # bin/tritonserver sits in site-packages/pytriton/tritonserver; the wheel
    # keeps its libraries in site-packages/nvidia_pytriton.libs.
    libs = sorted((pathlib.Path(_server_bin()).resolve().parents[3] / "nvidia_pytriton.libs").glob("libtritonserver*.so*"))
    assert libs, "libtritonserver not found beside the tritonserver binary"
    return str(libs[0])


def _cpu_range(lo, hi) -> str:
    """Triton's cpu-cores form: one range, "<lower>-<upper>"."""
    return f"{lo}-{hi}"


def _identity_config(name, max_batch_size, dims, group, extra=""):
    return models.config(name, [("INPUT", "TYPE_FP32", dims)], [("OUTPUT", "TYPE_FP32", dims)],
                         max_batch_size=max_batch_size, extra=f"instance_group [{{ kind: KIND_CPU count: 1 {group} }}]\n"
                                                              + extra)


@pytest.fixture(scope="module")
def data_repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("host_policy") / "models"
    pinned = f'host_policy: "{POLICY}"'
    # One request alone, one buffer: ORT reads the server's buffer in place.
    models.save(repo, "hp_flat", models.identity(TensorProto.FLOAT, ["n"]),
                _identity_config("hp_flat", 0, [-1], pinned))
    # Two requests stacked into one batch: copied into one tensor.
    models.save(repo, "hp_batch", models.identity(TensorProto.FLOAT, ["batch", 2]),
                _identity_config("hp_batch", 8, [2], pinned,
                                 "dynamic_batching { max_queue_delay_microseconds: 2000000 preferred_batch_size: [ 2 ] }"))
    # Ragged requests concatenated, and split back by batch_output.
    models.save(repo, "hp_ragged", models.identity(TensorProto.FLOAT, ["n"]),
                models.config("hp_ragged", [("INPUT", "TYPE_FP32", [-1], "allow_ragged_batch: true")],
                              [("OUTPUT", "TYPE_FP32", [-1])], max_batch_size=8,
                              extra="batch_output [{ target_name: \"OUTPUT\" kind: BATCH_SCATTER_WITH_INPUT_SHAPE "
                                    "source_input: \"INPUT\" }]\n"
                                    "dynamic_batching { max_queue_delay_microseconds: 2000000 "
                                    "preferred_batch_size: [ 2 ] }\n"
                                    f"instance_group [{{ kind: KIND_CPU count: 1 {pinned} }}]"))
    # No host_policy: its instance runs under the server's default ("cpu").
    models.save(repo, "hp_default", models.identity(TensorProto.FLOAT, ["n"]),
                _identity_config("hp_default", 0, [-1], ""))
    return repo


def _drive(repo, requests):
    first = min(os.sched_getaffinity(0))
    cpus = _cpu_range(first, first)
    lib = _libtritonserver()
    env = dict(os.environ)
    # The wheel's libraries find each other through the binary's RUNPATH,
    # which a library loaded by python does not have.
    env["LD_LIBRARY_PATH"] = os.pathsep.join(p for p in (str(pathlib.Path(lib).parent), env.get("LD_LIBRARY_PATH")) if p)
    p = subprocess.run([sys.executable, str(DRIVER), lib, str(repo), _backend_dir(), POLICY, cpus,
                        json.dumps(requests)], capture_output=True, text=True, timeout=180, env=env)
    assert p.returncode == 0, p.stderr[-4000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_inputs_are_read_under_the_instances_host_policy(data_repo):
    d1, p1 = [1.0, 2.0, 3.0], [10.0, 20.0, 30.0]
    b = {k: ([[k, k + 1.0]], [[100.0 * k, 100.0 * k + 1]]) for k in (1, 2)}
    r = {k: ([[k] * (k + 1)], [[50.0 * k] * (k + 1)]) for k in (1, 2)}
    requests = [
        {"model": "hp_flat", "default": d1, "policy": p1, "shape": [3]},
        # Data for the policy, but the instance runs under the default policy.
        {"model": "hp_default", "default": d1, "policy": p1, "shape": [3]},
        # Only default data: an instance with a policy falls back to it.
        {"model": "hp_flat", "default": d1, "policy": None, "shape": [3]},
    ] + [{"model": "hp_batch", "default": b[k][0], "policy": b[k][1], "shape": [1, 2], "group": "batch"}
         for k in (1, 2)] + [
        {"model": "hp_ragged", "default": r[k][0], "policy": r[k][1], "shape": [1, k + 1], "group": "ragged"}
        for k in (1, 2)]
    results = _drive(data_repo, requests)
    assert results[0] == p1, results
    assert results[1] == d1, results
    assert results[2] == d1, results
    for n, k in enumerate((1, 2)):
        assert results[3 + n] == b[k][1][0], results  # stacked: each request's own policy data
        assert results[5 + n] == r[k][1][0], results  # ragged: likewise


def _thread_cpus(pid) -> dict:
    """tid -> the CPUs it may run on, for every thread of the process."""
    out = {}
    for task in pathlib.Path(f"/proc/{pid}/task").iterdir():
        try:
            status = (task / "status").read_text()
        except OSError:
            continue  # the thread ended meanwhile
        line = next(l for l in status.splitlines() if l.startswith("Cpus_allowed_list:"))
        cpus = set()
        for part in line.split(":", 1)[1].strip().split(","):
            lo, _, hi = part.partition("-")
            cpus.update(range(int(lo), int(hi or lo) + 1))
        out[task.name] = frozenset(cpus)
    return out


def _new_threads(server, model, settled=lambda threads: True) -> list:
    """The CPU lists of the threads loading `model` added to the server. ORT's
    pool threads pin themselves when they start running, which may be a
    moment after the load returns: read again until `settled` holds (or give
    up after a few seconds and return the last reading)."""
    before = _thread_cpus(server.proc.pid)
    server.http().load_model(model)
    for _ in range(50):
        after = _thread_cpus(server.proc.pid)
        threads = [cpus for tid, cpus in after.items() if tid not in before]
        if settled(threads):
            break
        time.sleep(0.1)
    return threads


CPUS = sorted(os.sched_getaffinity(0))
LAST = CPUS[-1]
# Two CPUs in a row, for three intra-op threads: ORT pins its two pool threads one per CPU.
PAIR = CPUS[:2] if len(CPUS) >= 2 and CPUS[1] == CPUS[0] + 1 else None


@pytest.fixture(scope="module")
def pinned_server(tmp_path_factory, module_server_factory):
    threads = ('parameters [{ key: "intra_op_thread_count" value: { string_value: "2" } }, '
               '{ key: "execution_mode" value: { string_value: "1" } }, '
               '{ key: "inter_op_thread_count" value: { string_value: "2" } }]')
    repo = tmp_path_factory.mktemp("pinned") / "models"
    for name, group in (("pinned", 'host_policy: "pinned"'), ("unpinned", "")):
        models.save(repo, name, models.identity(TensorProto.FLOAT, ["n"]),
                    _identity_config(name, 0, [-1], group, threads))
    # A sequence model whose state input the server supplies (as default data).
    models.save(repo, "pinned_seq", models.state_sum(dims=[1]), models.config(
        "pinned_seq", [("INPUT", "TYPE_INT32", [1])], [("OUTPUT", "TYPE_INT32", [1])], max_batch_size=0,
        extra="""sequence_batching { direct { }
  state [{ input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_INT32 dims: [1]
    initial_state [{ name: "zeros" data_type: TYPE_INT32 dims: [1] zero_data: true }] }]
}
instance_group [{ kind: KIND_CPU count: 1 host_policy: "pinned" }]"""))
    args = ["--model-control-mode=explicit", f"--host-policy=pinned,cpu-cores={_cpu_range(LAST, LAST)}"]
    if PAIR:
        models.save(repo, "pair", models.identity(TensorProto.FLOAT, ["n"]),
                    _identity_config("pair", 0, [-1], 'host_policy: "pair"',
                                     'parameters [{ key: "intra_op_thread_count" value: { string_value: "3" } }]'))
        args.append(f"--host-policy=pair,cpu-cores={_cpu_range(PAIR[0], PAIR[1])}")
    return module_server_factory(repo, args)


def test_ort_threads_of_a_pinned_instance_stay_on_the_policys_cpus(pinned_server):
    server = pinned_server
    unpinned = _new_threads(server, "unpinned")
    pinned = _new_threads(server, "pinned")
    # ORT's intra-op pool (one thread besides the caller) and inter-op pool
    # (one of two threads, in parallel execution mode), and the server's own
    # instance thread: all confined to the policy's CPU.
    assert len(pinned) >= 2, pinned
    assert all(t == {LAST} for t in pinned), pinned
    assert f"threads pinned to CPUs {LAST}" in server.log()
    # The same thread settings without a policy: the threads may run anywhere.
    assert len(unpinned) >= 2, unpinned
    assert all(t == frozenset(CPUS) for t in unpinned), unpinned
    if PAIR:
        def singles_of(threads):
            return sorted(sorted(t) for t in threads if len(t) == 1)
        singles = singles_of(_new_threads(server, "pair", lambda ts: len(singles_of(ts)) >= 2))
        assert singles == [[PAIR[0]], [PAIR[1]]], singles


def test_state_inputs_the_server_supplies_are_read_under_the_policy(pinned_server):
    """The server supplies a sequence's state input as default data; read
    under the instance's policy, it falls back to that data."""
    pinned_server.http().load_model("pinned_seq")
    sums = []
    for step, value in enumerate((1, 2, 3)):
        i = httpclient.InferInput("INPUT", [1], "INT32")
        i.set_data_from_numpy(np.array([value], np.int32))
        r = pinned_server.http().infer("pinned_seq", [i], sequence_id=77, sequence_start=step == 0,
                                       sequence_end=step == 2)
        sums.append(int(r.as_numpy("OUTPUT")[0]))
    assert sums == [1, 3, 6]

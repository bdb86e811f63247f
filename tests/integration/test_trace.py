"""The backend's own steps in the server's traces (--trace-config, triton
mode, written to a file): every traced request that ran gets
ORT_GATHER/RUN/SCATTER _START/_END activities, inside its COMPUTE window."""
import concurrent.futures
import json
import time

import numpy as np
import pytest
import tritonclient.http as httpclient

import models

STEPS = ["ORT_GATHER_START", "ORT_GATHER_END", "ORT_RUN_START", "ORT_RUN_END", "ORT_SCATTER_START",
         "ORT_SCATTER_END"]


@pytest.fixture
def traced(tmp_path, start_server):
    """A server tracing every request, one trace file per finished trace."""
    repo = tmp_path / "models"
    models.save(repo, "simple", models.add_sub())
    models.save(repo, "batched", models.add_sub(),
                models.config("batched", max_batch_size=8,
                              extra="dynamic_batching { max_queue_delay_microseconds: 3000000 "
                                    "preferred_batch_size: [ 7 ] }\ninstance_group [{ kind: KIND_CPU count: 1 }]"))
    trace_file = tmp_path / "trace.json"
    server = start_server(repo, ["--trace-config", f"triton,file={trace_file}", "--trace-config", "rate=1",
                                 "--trace-config", "level=TIMESTAMPS", "--trace-config", "triton,log-frequency=1"])
    return server, trace_file


def infer(server, model, arrays):
    inputs = []
    for name, arr in arrays.items():
        i = httpclient.InferInput(name, list(arr.shape), "FP32")
        i.set_data_from_numpy(arr)
        inputs.append(i)
    client = server.http()
    try:
        return client.infer(model, inputs)
    finally:
        client.close()


def read_traces(trace_file, count):
    """{trace id: {"model": name, "ns": {activity: ns}}} once `count` traces are written."""
    deadline = time.time() + 30
    while True:
        traces = {}
        try:
            for f in trace_file.parent.glob(trace_file.name + ".*"):
                for entry in json.loads(f.read_text()):
                    t = traces.setdefault(entry["id"], {"model": None, "ns": {}})
                    t["model"] = entry.get("model_name", t["model"])
                    for stamp in entry.get("timestamps", []):
                        t["ns"][stamp["name"]] = stamp["ns"]
        except json.JSONDecodeError:
            traces = {}  # a file still being written
        done = [t for t in traces.values() if "REQUEST_END" in t["ns"]]
        if len(done) >= count or time.time() > deadline:
            return traces
        time.sleep(0.1)


def test_a_traced_request_shows_each_backend_step_in_order(traced):
    server, trace_file = traced
    a = np.ones((1, 4), np.float32)
    infer(server, "simple", {"INPUT0": a, "INPUT1": a})
    [trace] = [t for t in read_traces(trace_file, 1).values() if t["model"] == "simple"]
    ns = trace["ns"]
    assert [s for s in STEPS if s in ns] == STEPS
    stamps = [ns[s] for s in STEPS]
    assert stamps == sorted(stamps)
    assert ns["COMPUTE_START"] <= ns["ORT_GATHER_START"] and ns["ORT_SCATTER_END"] <= ns["COMPUTE_END"]


def test_requests_batched_into_one_run_share_its_activities(traced):
    server, trace_file = traced
    arrays = [np.full((n, 4), n, np.float32) for n in (1, 2, 1, 3)]  # 7 rows: the preferred batch
    with concurrent.futures.ThreadPoolExecutor(len(arrays)) as pool:
        list(pool.map(lambda arr: infer(server, "batched", {"INPUT0": arr, "INPUT1": arr}), arrays))
    traces = [t for t in read_traces(trace_file, 4).values() if t["model"] == "batched"]
    assert len(traces) == 4
    assert all(set(STEPS) <= t["ns"].keys() for t in traces)
    assert len({t["ns"]["ORT_RUN_START"] for t in traces}) == 1  # one ONNX Runtime run for all four

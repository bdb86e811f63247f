"""Runs on the GPU machine (see scripts/gpu/README.md): the real tritonserver
with the GPU build of the backend, over HTTP/JSON with the standard library
only (the machine's protobuf may not match tritonclient's generated code).

Checks, each printed as PASS/FAIL with numbers:
  1. a KIND_GPU model through gpu_execution_accelerator cuda gives correct results;
  2. the conv net on the GPU agrees with the same model on the CPU;
  3. ORT's profile shows the CUDA execution provider ran the nodes;
  4. a tensorrt accelerator fails the load with "TensorRT libraries not found"
     (no TensorRT on that machine);
  5. inputs AND outputs in CUDA shared memory (tritonclient's cuda_shared_memory
     utilities): correct results, and the backend's verbose counter says 0
     bytes copied with both inputs read and both outputs written in place;
  6. a batch mixing a CUDA shared memory request and a host request, and a
     batch of two host requests (staged in pinned memory): correct results,
     one copy of each part (the counter's bytes);
  7. CUDA graphs (optimization.cuda.graphs): correct results, and ORT's
     profile shows the nodes ran for the first runs only (later runs are
     graph replays, which run no nodes); a model with variable dims and
     graphs fails its load with a message naming the input;
  8. ragged batching on a KIND_GPU instance: two requests of different lengths
     in one execution, the ragged inputs concatenated, the batch inputs
     (computed in host memory) and the batch outputs right;
  9. the backend's placement line names the CUDA provider, and its metrics
     carry the instance's device label;
  10. throughput of the conv net at batch 32: Triton over gRPC with inputs and
     outputs in CUDA shared memory (perf_analyzer --shared-memory cuda) vs raw
     ORT with the CUDA EP and its inputs/outputs in device memory
     (raw_ort_gpu_bench), in the same run, over the same grid on both sides:
     2/4/8/16 GPU instances (raw: sessions, each on its own stream) and 1-4
     requests in flight per instance (perf_analyzer concurrency; raw: callers).
     Passes when Triton's best reaches 0.95x raw ORT's best (each side at its
     own best setting, the way a deployment is tuned); the ratio at each
     matched setting is printed too.
  11. pipelined execution (max_batches_in_flight 2, opt-in): concurrent requests on one instance each
     get their own right answer; a run that fails answers only its own
     requests; a sequence model with implicit state (kept to one batch at a
     time) accumulates right; unloading a model with batches in flight
     answers every request once, frees the GPU memory, and the model loads
     and serves again; GPU memory of one pipelined instance against one that
     runs a batch at a time;
  12. one instance per GPU (GPU_CHECK_GRID=one, the default; "many" runs the
     grid of 10., "all" both): the conv net at batch 32 and the MLP at batch 1
     on one instance, pipelined (2 in flight) with and without dynamic
     batching at 2/4/8 clients, 4 in flight at 8, and one batch at a time
     (the default) at its usual best; two instances at 8 clients, pipelined and not; the MLP at
     1/2 clients; against raw ORT with one session and 1/2/4 concurrent
     callers, and raw ORT's peak (2 sessions x 8, 8 x 16 callers);
  13. plugin EPs, on a server of their own: libonnxruntime_providers_cuda.so
     (from onnxruntime-gpu 1.31.1, beside the backend) registered as a plugin
     EP library (--backend-config=onnxruntime,ep-library=cuda_plugin:PATH);
     the backend's log lists the GPU device it offers; the conv net selected
     by that EP's name (gpu_execution_accelerator) and by
     ep_selection_policy PREFER_GPU gives the classic CUDA path's results
     (the outputs of check 2), the placement line names the EP; and, unless
     GPU_CHECK_THROUGHPUT=0, the throughput ratio of the plugin path against
     the classic one (2 instances each, concurrency 8, CUDA shared memory).
     GPU_CHECK_PLUGIN=0 skips this server.
"""
import base64
import json
import os
import pathlib
import re
import subprocess
import sys
import threading
import time
import types
import urllib.error
import urllib.request

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# In the repo: bench/ and tests/integration/; carried alone (prepare.sh's
# copy beside this file): the same modules, copied here.
for extra in (ROOT / "bench", ROOT / "tests" / "integration", HERE):
    sys.path.insert(0, str(extra))
import make_models  # noqa: E402
import models  # noqa: E402

OUT = pathlib.Path(sys.argv[1])
WORK = pathlib.Path("/tmp/gpu-check")
RESULTS = {}
THROUGHPUT = {}
# The classic CUDA path's conv outputs (check 2), for the plugin check.
CLASSIC = {}


def report(name, ok, detail):
    RESULTS[name] = {"ok": bool(ok), "detail": detail}
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)


def http(method, path, body=None, port=18000):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def infer(model, inputs):
    """One request in the binary tensor extension (large JSON bodies are slow
    and have crashed the HTTP frontend of this server build)."""
    header = {"inputs": [{"name": n, "shape": list(a.shape), "datatype": "FP32",
                          "parameters": {"binary_data_size": a.nbytes}} for n, a in inputs.items()],
              "parameters": {"binary_data_output": True}}
    head = json.dumps(header).encode()
    body = head + b"".join(np.ascontiguousarray(a).tobytes() for a in inputs.values())
    req = urllib.request.Request(f"http://127.0.0.1:18000/v2/models/{model}/infer", method="POST", data=body,
                                 headers={"Inference-Header-Content-Length": str(len(head)),
                                          "Content-Type": "application/octet-stream"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            raw = r.read()
            n = int(r.headers.get("Inference-Header-Content-Length", len(raw)))
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"{model}: {e.code} {e.read()[:500]}")
    resp = json.loads(raw[:n])
    out, pos = {}, n
    for o in resp["outputs"]:
        size = o["parameters"]["binary_data_size"]
        out[o["name"]] = np.frombuffer(raw[pos:pos + size], np.float32).reshape(o["shape"])
        pos += size
    return out


EXEC_LINE = re.compile(r"model '(\w+)', instance '[^']*': executed (\d+) request\(s\) in (\d+) run\(s\); "
                       r"copied (\d+) input bytes and (\d+) output bytes(?:; (\d+) input\(s\) read in place "
                       r"from GPU memory, (\d+) output\(s\) written in place)?")


def exec_lines(model, since):
    """The backend's per-Execute verbose lines for `model` after byte `since` of server.log."""
    text = (OUT / "server.log").read_text(errors="replace")[since:]
    return [tuple(int(g) if g is not None else None for g in m.groups()[1:])
            for m in EXEC_LINE.finditer(text) if m.group(1) == model]


def log_size():
    return (OUT / "server.log").stat().st_size


def wait_exec_lines(model, since, count=1):
    for _ in range(50):
        lines = exec_lines(model, since)
        if len(lines) >= count:
            return lines
        time.sleep(0.1)
    return exec_lines(model, since)


def cudashm_module():
    """tritonclient's CUDA shared memory utilities. They import `cuda.cudart`
    (cuda-python 12); cuda-bindings 13 names the same modules
    cuda.bindings.runtime / .driver, so alias them when the old names are gone."""
    try:
        import tritonclient.utils.cuda_shared_memory as m
        return m, "tritonclient.utils.cuda_shared_memory"
    except Exception as first:  # noqa: BLE001
        err = first
    import cuda
    from cuda.bindings import driver, runtime
    sys.modules["cuda.cudart"], sys.modules["cuda.cuda"] = runtime, driver
    cuda.cudart, cuda.cuda = runtime, driver
    try:
        import pkg_resources  # noqa: F401
    except ImportError:
        sys.modules["pkg_resources"] = types.ModuleType("pkg_resources")
    for k in [k for k in sys.modules if k.startswith("tritonclient.utils.cuda_shared_memory")]:
        del sys.modules[k]
    import tritonclient.utils.cuda_shared_memory as m
    return m, f"tritonclient.utils.cuda_shared_memory (cuda.cudart aliased to cuda.bindings.runtime after: {err})"


class ShmRegion:
    """One CUDA shared memory region, registered with the server."""

    def __init__(self, shm, name, nbytes):
        self.shm, self.name, self.nbytes = shm, name, nbytes
        self.handle = shm.create_shared_memory_region(name, nbytes, 0)
        raw = shm.get_raw_handle(self.handle)
        raw = raw.decode() if isinstance(raw, bytes) else raw
        status, resp = http("POST", f"/v2/cudasharedmemory/region/{name}/register",
                            {"raw_handle": {"b64": raw}, "device_id": 0, "byte_size": nbytes})
        if status != 200:
            raise RuntimeError(f"registering CUDA shared memory region {name}: {status} {resp}")

    def set(self, array):
        self.shm.set_shared_memory_region(self.handle, [np.ascontiguousarray(array)])

    def get(self, shape):
        return self.shm.get_contents_as_numpy(self.handle, np.float32, shape)

    def close(self):
        http("POST", f"/v2/cudasharedmemory/region/{self.name}/unregister", {})
        self.shm.destroy_shared_memory_region(self.handle)


def infer_json(model, inputs, outputs):
    """A JSON request whose tensors may name shared memory regions:
    inputs: {name: (array | ShmRegion, shape)}; outputs: {name: ShmRegion | None}."""
    body = {"inputs": [], "outputs": []}
    for name, (data, shape) in inputs.items():
        entry = {"name": name, "shape": list(shape), "datatype": "FP32"}
        if isinstance(data, ShmRegion):
            entry["parameters"] = {"shared_memory_region": data.name, "shared_memory_byte_size": data.nbytes}
        else:
            entry["data"] = data.flatten().tolist()
        body["inputs"].append(entry)
    for name, region in outputs.items():
        entry = {"name": name}
        if region is not None:
            entry["parameters"] = {"shared_memory_region": region.name, "shared_memory_byte_size": region.nbytes}
        body["outputs"].append(entry)
    status, resp = http("POST", f"/v2/models/{model}/infer", body)
    if status != 200:
        raise RuntimeError(f"{model}: {status} {resp}")
    return {o["name"]: np.array(o["data"], np.float32).reshape(o["shape"]) if "data" in o else None
            for o in resp["outputs"]}


def set_verbose(level):
    status, resp = http("POST", "/v2/logging", {"log_verbose_level": level})
    return status == 200, resp


def profile_events(prefix):
    for _ in range(100):
        files = list(WORK.glob(f"{prefix}*.json"))
        try:
            events = json.loads(files[0].read_text()) if files else None
        except json.JSONDecodeError:
            events = None
        if events:
            return events
        time.sleep(0.2)
    return []


def check(name, fn):
    """Runs one check; an exception is that check's FAIL, not the end of the run."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        report(name, False, f"{type(e).__name__}: {str(e)[:600]}")


def perf_analyzer(model, concurrency, extra, tag, batch=32):
    csv = WORK / f"pa_{tag}.csv"
    cmd = ["taskset", "-c", PA_CPUS, os.environ["PERF_ANALYZER"], "-m", model, "-u", "127.0.0.1:18001", "-i", "grpc",
           "-b", str(batch), "--concurrency-range", str(concurrency), "--measurement-interval", "3000",
           "--stability-percentage", "20", "--max-trials", "10", "-f", str(csv), "--verbose-csv"] + extra
    pa = subprocess.run(cmd, capture_output=True, text=True)
    with open(OUT / "perf_analyzer.txt", "a") as f:
        f.write(f"=== {tag}: {' '.join(cmd)}\n{pa.stdout}{pa.stderr}\n")
    import csv as csvmod
    row = next(csvmod.DictReader(open(csv))) if csv.exists() else {}
    return float(row.get("Inferences/Second", 0) or 0), row


def raw_gpu(concurrency, sessions, device_io, seconds=5, model="conv.onnx", batch=32):
    out = subprocess.run(["taskset", "-c", SERVER_CPUS, os.environ["RAW_ORT_GPU_BENCH"], "--model",
                          str(WORK / model), "--batch", str(batch), "--concurrency", str(concurrency), "--sessions",
                          str(sessions), "--seconds", str(seconds), "--cuda", "0", "--device-io",
                          "1" if device_io else "0"], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"raw_ort_gpu_bench: {out.stderr[-800:]}")
    return json.loads(out.stdout)


# The server and raw ORT get the same cores; perf_analyzer gets the rest, so
# the client never competes with the side being measured.
SERVER_CPUS = "0-11"
PA_CPUS = "12-15"


def profile_providers(prefix):
    return sorted({e["args"]["provider"] for e in profile_events(prefix)
                   if e.get("cat") == "Node" and "provider" in e.get("args", {})})


def basic_checks():
    a = np.random.default_rng(0).uniform(-1, 1, (4, 4)).astype(np.float32)
    b = np.random.default_rng(1).uniform(-1, 1, (4, 4)).astype(np.float32)
    out = infer("add_gpu", {"INPUT0": a, "INPUT1": b})
    report("kind_gpu_cuda_add", np.allclose(out["OUTPUT0"], a + b) and np.allclose(out["OUTPUT1"], a - b),
           f"max |err| {float(np.abs(out['OUTPUT0'] - (a + b)).max()):.2e}")

    x = np.random.default_rng(2).uniform(-1, 1, (4, 3, 224, 224)).astype(np.float32)
    gpu = infer("conv_gpu", {"INPUT": x})["OUTPUT"]
    cpu = infer("conv_cpu", {"INPUT": x})["OUTPUT"]
    CLASSIC.update(x=x, gpu=gpu, cpu=cpu)
    report("conv_gpu_matches_cpu", np.allclose(gpu, cpu, rtol=1e-3, atol=1e-3),
           f"max |gpu-cpu| {float(np.abs(gpu - cpu).max()):.2e}")

    infer("conv_gpu_profiled", {"INPUT": x})
    http("POST", "/v2/repository/models/conv_gpu_profiled/unload", {})
    http("POST", "/v2/repository/models/add_gpu/unload", {})
    providers = profile_providers("conv_profile")
    report("profile_shows_cuda", "CUDAExecutionProvider" in providers, f"providers {providers}")

    status, resp = http("POST", "/v2/repository/models/conv_trt/load", {})
    msg = resp.get("error", "")
    report("tensorrt_missing_is_clear", status != 200 and "TensorRT libraries not found" in msg, msg[:400])


def check_cudashm():
    set_verbose(1)  # the server starts verbose; this is for a rerun after check_throughput
    shm, how = cudashm_module()
    a = np.random.default_rng(3).uniform(-1, 1, (2, 4)).astype(np.float32)
    b = np.random.default_rng(4).uniform(-1, 1, (2, 4)).astype(np.float32)
    regions = [ShmRegion(shm, n, a.nbytes) for n in ("in0", "in1", "out0", "out1")]
    try:
        regions[0].set(a)
        regions[1].set(b)
        since = log_size()
        infer_json("add_shm", {"INPUT0": (regions[0], a.shape), "INPUT1": (regions[1], b.shape)},
                   {"OUTPUT0": regions[2], "OUTPUT1": regions[3]})
        sum_, diff = regions[2].get(a.shape), regions[3].get(a.shape)
        lines = wait_exec_lines("add_shm", since)
    finally:
        for r in regions:
            r.close()
    correct = np.allclose(sum_, a + b) and np.allclose(diff, a - b)
    # (requests, runs, input bytes copied, output bytes copied, inputs in place, outputs in place)
    zero = lines == [(1, 1, 0, 0, 2, 2)]
    report("cudashm_in_and_out_zero_copy", correct and zero,
           f"results {'correct' if correct else 'WRONG'} (max |err| {float(np.abs(sum_ - (a + b)).max()):.1e}); "
           f"backend counter (requests, runs, input bytes copied, output bytes copied, inputs read in place "
           f"from GPU, outputs written in place to GPU) = {lines}; client: {how}")


def check_mixed_batch():
    shm, _ = cudashm_module()
    a = np.random.default_rng(5).uniform(-1, 1, (1, 4)).astype(np.float32)
    b = np.random.default_rng(6).uniform(-1, 1, (1, 4)).astype(np.float32)
    regions = [ShmRegion(shm, n, a.nbytes) for n in ("min0", "min1", "mout0", "mout1")]
    results = {}
    try:
        regions[0].set(a)
        regions[1].set(b)
        since = log_size()

        def on_gpu():
            infer_json("add_mixed", {"INPUT0": (regions[0], a.shape), "INPUT1": (regions[1], b.shape)},
                       {"OUTPUT0": regions[2], "OUTPUT1": regions[3]})
            results["gpu"] = (regions[2].get(a.shape), regions[3].get(a.shape))

        def on_host():
            out = infer_json("add_mixed", {"INPUT0": (b, b.shape), "INPUT1": (a, a.shape)},
                             {"OUTPUT0": None, "OUTPUT1": None})
            results["host"] = (out["OUTPUT0"], out["OUTPUT1"])

        threads = [threading.Thread(target=on_gpu), threading.Thread(target=on_host)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        lines = wait_exec_lines("add_mixed", since)
    finally:
        for r in regions:
            r.close()
    correct = ("gpu" in results and "host" in results and np.allclose(results["gpu"][0], a + b)
               and np.allclose(results["gpu"][1], a - b) and np.allclose(results["host"][0], a + b)
               and np.allclose(results["host"][1], b - a))
    # One run of 2 requests: each of the 4 input tensors (16 bytes) copied once
    # into the device batch; each of the 4 output slices copied once out of it.
    batched = lines == [(2, 1, 64, 64, 0, 0)]
    report("cudashm_mixed_batch", correct and batched,
           f"results {'correct' if correct else 'WRONG'}; backend counter {lines} (expected [(2, 1, 64, 64, 0, 0)])")


def check_host_batch():
    """Two host requests batched on a GPU instance: staged once in pinned host memory."""
    a = np.random.default_rng(8).uniform(-1, 1, (1, 4)).astype(np.float32)
    b = np.random.default_rng(9).uniform(-1, 1, (1, 4)).astype(np.float32)
    results = {}
    since = log_size()

    def send(key, x, y):
        out = infer_json("add_mixed", {"INPUT0": (x, x.shape), "INPUT1": (y, y.shape)},
                         {"OUTPUT0": None, "OUTPUT1": None})
        results[key] = (out["OUTPUT0"], out["OUTPUT1"])

    threads = [threading.Thread(target=send, args=("ab", a, b)), threading.Thread(target=send, args=("ba", b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = wait_exec_lines("add_mixed", since)
    correct = (len(results) == 2 and np.allclose(results["ab"][0], a + b) and np.allclose(results["ab"][1], a - b)
               and np.allclose(results["ba"][0], a + b) and np.allclose(results["ba"][1], b - a))
    report("host_batch_on_gpu_instance", correct and lines == [(2, 1, 64, 64, 0, 0)],
           f"results {'correct' if correct else 'WRONG'}; backend counter {lines} (expected [(2, 1, 64, 64, 0, 0)]: "
           "the inputs staged once in pinned host memory, the outputs copied once)")


def check_ragged_gpu():
    rng = np.random.default_rng(11)
    reqs = [{"INPUT": rng.uniform(-1, 1, (1, n)).astype(np.float32),
             "MATRIX": rng.uniform(-1, 1, (1, r, c)).astype(np.float32)} for n, r, c in ((3, 2, 2), (5, 1, 3))]
    results = [None, None]
    since = log_size()

    def send(k):
        results[k] = infer_json("ragged_gpu", {n: (a, a.shape) for n, a in reqs[k].items()},
                                {o: None for o in ("OUT", "MOUT", "EC_OUT", "AECZ_START", "AECZ_END", "MAX_OUT")})

    threads = [threading.Thread(target=send, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = wait_exec_lines("ragged_gpu", since)
    ok = all(r is not None for r in results)
    spans = []
    for req, out in zip(reqs, results if ok else []):
        n = req["INPUT"].size
        ok = ok and np.allclose(out["OUT"], 2 * req["INPUT"]) and np.allclose(out["MOUT"], req["MATRIX"] + 1)
        ok = ok and out["EC_OUT"].item() == n and out["MAX_OUT"].item() == 5
        spans.append((out["AECZ_START"].item(), out["AECZ_END"].item()))
    ok = ok and sorted(spans) in ([(0, 3), (3, 8)], [(0, 5), (5, 8)])
    report("ragged_batch_on_gpu_instance", ok and lines[:1] == [(2, 1) + lines[0][2:]] if lines else False,
           f"results {'correct' if ok else 'WRONG'}; spans {sorted(spans)}; backend counter {lines}")


def check_placement_and_metrics():
    log = (OUT / "server.log").read_text(errors="replace")
    placed = [l for l in log.splitlines() if "model 'add_gpu': ONNX Runtime placed the session's nodes" in l]
    with urllib.request.urlopen("http://127.0.0.1:18002/metrics", timeout=30) as r:
        metrics = r.read().decode()
    (OUT / "metrics.txt").write_text(metrics)
    # add_gpu is unloaded by now (its profile is written at unload), and its
    # metrics went with it: read those of add_mixed, a KIND_GPU model still loaded.
    ours = [l for l in metrics.splitlines() if l.startswith("onnxruntime_backend_") and 'model="add_mixed"' in l]
    labelled = [l for l in ours if 'device="0"' in l]
    ok = bool(placed) and "CUDAExecutionProvider" in placed[-1] and bool(labelled)
    report("placement_and_metrics_on_gpu", ok,
           f"placement: {placed[-1][-300:] if placed else 'no line'}; {len(labelled)} metric lines with device=\"0\" "
           f"of {len(ours)} for add_mixed, e.g. {ours[:3]}")


def check_graphs():
    x = np.random.default_rng(7).uniform(-1, 1, (4, 3, 224, 224)).astype(np.float32)
    ref = infer("conv_cpu", {"INPUT": x})["OUTPUT"]
    runs = 8
    worst = 0.0
    for _ in range(runs):
        got = infer("conv_graph", {"INPUT": x})["OUTPUT"]
        worst = max(worst, float(np.abs(got - ref).max()))
    # Another batch size: a graph of its own.
    y = x[:2].copy()
    got2 = infer("conv_graph", {"INPUT": y})["OUTPUT"]
    worst = max(worst, float(np.abs(got2 - ref[:2]).max()))
    http("POST", "/v2/repository/models/conv_graph/unload", {})
    events = profile_events("graph_profile")
    node_runs = sum(1 for e in events if e.get("cat") == "Node" and e.get("name", "").endswith("_kernel_time")
                    and "Conv" in e.get("args", {}).get("op_name", ""))
    model_runs = sum(1 for e in events if e.get("cat") == "Session" and e.get("name") == "model_run")
    # Without graphs each run runs both Conv nodes; with replay, later runs run none.
    replayed = model_runs >= runs + 1 and node_runs < 2 * model_runs
    report("cuda_graphs_conv", worst < 1e-3 and replayed,
           f"max |graph - cpu| {worst:.2e} over {runs + 1} requests (batch 4 x{runs}, batch 2 x1); ORT profile: "
           f"{model_runs} model_run events, {node_runs} Conv kernel events (2 per run without replay)")


def check_graph_refusal():
    status, resp = http("POST", "/v2/repository/models/graph_variable/load", {})
    msg = resp.get("error", "")
    report("cuda_graphs_variable_dims_refused", status != 200 and "CUDA graphs" in msg and "INPUT0" in msg, msg[:400])


def check_throughput():
    # The backend's and Triton's per-request verbose lines would cost the server time.
    ok, resp = set_verbose(0)
    if not ok:
        print(f"note: turning verbose logging off failed ({resp}); measuring with it on", flush=True)
    out_bytes = 32 * 10 * 4
    shm = ["--shared-memory", "cuda", "--output-shared-memory-size", str(out_bytes)]
    # (model, instances, concurrency): Triton with data in CUDA shared memory.
    triton = {}
    for model, inst, conc in (("conv_shm", 2, 8), ("conv_shm4", 4, 16), ("conv_shm8", 8, 32), ("conv_shm16", 16, 32),
                              ("conv_shm16", 16, 64), ("conv_shm_graph", 2, 8)):
        triton[(model, inst, conc)], row = perf_analyzer(model, conc, shm, f"{model}_c{conc}")
        print(f"triton {model} ({inst} instances) c{conc}: {triton[(model, inst, conc)]:.0f} infer/s; server queue/"
              f"input/infer/output us {row.get('Server Queue')}/{row.get('Server Compute Input')}/"
              f"{row.get('Server Compute Infer')}/{row.get('Server Compute Output')}", flush=True)
    # (sessions, callers): raw ORT, data in device memory.
    raw = {}
    for sessions, callers in ((2, 2), (2, 8), (4, 4), (4, 16), (8, 8), (8, 16), (8, 32), (16, 16), (16, 32)):
        raw[(sessions, callers)] = raw_gpu(callers, sessions, True)["infer_per_s"]
        print(f"raw ORT {sessions} sessions, {callers} callers: {raw[(sessions, callers)]:.0f} infer/s", flush=True)
    raw_host = raw_gpu(4, 2, False)["infer_per_s"]
    THROUGHPUT.update({"triton": {f"{m} instances={i} concurrency={c}": v for (m, i, c), v in triton.items()},
                       "raw_device_io": {f"sessions={s} callers={c}": v for (s, c), v in raw.items()},
                       "raw_host_io sessions=2 callers=4": raw_host})
    matched = {f"{i} instances/sessions, {c} clients/callers": triton[(m, i, c)] / raw[(i, c)]
               for (m, i, c) in triton if m != "conv_shm_graph" and (i, c) in raw}
    # One run in flight per stream on both sides: a Triton instance runs one
    # batch at a time, as does a raw session with one caller.
    per_stream = {n: max(v for (m, i, _), v in triton.items() if i == n and m != "conv_shm_graph") / raw[(n, n)]
                  for n in (2, 4, 8, 16)}
    THROUGHPUT["ratio_one_run_per_stream"] = per_stream
    best_triton = max(v for (m, _, _), v in triton.items() if m != "conv_shm_graph")
    best_raw = max(raw.values())
    peak = best_triton / best_raw if best_raw else 0
    report("conv_b32_throughput_vs_raw", peak >= 0.95,
           f"peak vs peak: Triton {best_triton:.0f} infer/s vs raw ORT {best_raw:.0f} infer/s, ratio {peak:.3f}; "
           "matched ratios: " + ", ".join(f"{k}: {v:.3f}" for k, v in matched.items()) +
           "; one run in flight per stream (Triton's best at N instances vs raw N sessions x 1 caller): " +
           ", ".join(f"N={n}: {v:.3f}" for n, v in per_stream.items()) +
           f"; Triton with CUDA graphs (2 instances, c8) {triton[('conv_shm_graph', 2, 8)]:.0f} infer/s; raw ORT "
           f"with host inputs/outputs (2 sessions, 4 callers) {raw_host:.0f} infer/s. Data in GPU memory on both "
           f"sides; server and raw ORT on cores {SERVER_CPUS}, perf_analyzer on {PA_CPUS}")


DTYPES = {np.dtype(np.float32): "FP32", np.dtype(np.int64): "INT64", np.dtype(np.int32): "INT32"}
NP_OF = {v: k for k, v in DTYPES.items()}


def infer_typed(model, inputs, params=None):
    """A small JSON request with typed inputs ({name: array}); returns ({name: array}, None) or (None, error text)."""
    body = {"inputs": [{"name": n, "shape": list(a.shape), "datatype": DTYPES[a.dtype], "data": a.flatten().tolist()}
                       for n, a in inputs.items()]}
    if params:
        body["parameters"] = params
    status, resp = http("POST", f"/v2/models/{model}/infer", body)
    if status != 200:
        return None, resp.get("error", str(resp))
    return {o["name"]: np.array(o["data"], NP_OF[o["datatype"]]).reshape(o["shape"]) for o in resp["outputs"]}, None


def run_threads(fn, items, threads=8):
    """fn(item) for every item on `threads` threads; returns [(result, exception)] in item order."""
    from concurrent.futures import ThreadPoolExecutor

    def safe(item):
        try:
            return fn(item), None
        except Exception as e:  # noqa: BLE001
            return None, e
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(safe, items))


def gpu_memory_used_mib():
    out = subprocess.run(["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits", "-i", "0"],
                         capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[0])


def load(model):
    status, resp = http("POST", f"/v2/repository/models/{model}/load", {})
    if status != 200:
        raise RuntimeError(f"load {model}: {status} {resp}")


def unload_and_wait(model):
    http("POST", f"/v2/repository/models/{model}/unload", {})
    for _ in range(300):
        _, index = http("POST", "/v2/repository/index", {})
        states = [m.get("state") for m in index if m.get("name") == model] if isinstance(index, list) else []
        if states and states[0] != "READY" and states[0] != "UNLOADING":
            return states[0]
        time.sleep(0.1)
    return "still loaded"


def conv_inputs(count, batch, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, (batch, 3, 224, 224)).astype(np.float32) for _ in range(count)]


def check_pipelined_conv():
    xs = conv_inputs(8, 4, 20)
    refs = [infer("conv_cpu", {"INPUT": x})["OUTPUT"] for x in xs]
    items = [k % len(xs) for k in range(48)]
    answers = run_threads(lambda k: infer("conv_piped", {"INPUT": xs[k]})["OUTPUT"], items, threads=8)
    wrong = [i for i, ((got, err), k) in enumerate(zip(answers, items))
             if err is not None or not np.allclose(got, refs[k], rtol=1e-3, atol=1e-3)]
    log = (OUT / "server.log").read_text(errors="replace")
    piped = "model 'conv_piped': instance 'conv_piped_0_0' keeps up to 2 batches in flight" in log
    report("pipelined_conv_concurrent_answers", not wrong and piped,
           f"{len(items)} requests (batch 4) from 8 threads on one GPU instance: {len(wrong)} wrong or failed "
           f"{[str(answers[i][1])[:200] for i in wrong[:3]]}; instance line found: {piped}")


def check_pipelined_errors():
    x = np.arange(6, dtype=np.float32)
    shapes = [np.array([2, 3] if k % 3 else [4, 4], np.int64) for k in range(24)]
    answers = run_threads(lambda shape: infer_typed("reshape_gpu", {"X": x, "SHAPE": shape}), shapes, threads=8)
    bad = []
    for k, ((result, exc), shape) in enumerate(zip(answers, shapes)):
        out, err = result if result is not None else (None, str(exc))
        if k % 3:
            if err is not None or not np.array_equal(out["Y"], x.reshape(2, 3)):
                bad.append((k, "good request", err))
        elif err is None or "ONNX Runtime failed to run" not in err:
            bad.append((k, "bad request", err))
    report("pipelined_failed_run_answers_its_own", not bad,
           f"24 requests on one pipelined GPU instance, 8 with a shape that makes the run fail: problems {bad[:3]}")


def check_sequence_gpu():
    rng = np.random.default_rng(21)
    sequences = {seq: rng.integers(-50, 50, 6) for seq in (31, 32, 33, 34)}

    def one(item):
        seq, values = item
        out = []
        for step, v in enumerate(values):
            result, err = infer_typed("sequence_gpu", {"INPUT": np.array([[v]], np.int32)},
                                      {"sequence_id": seq, "sequence_start": step == 0,
                                       "sequence_end": step == len(values) - 1})
            if err is not None:
                raise RuntimeError(err)
            out.append(int(result["OUTPUT"][0, 0]))
        return out
    answers = run_threads(one, list(sequences.items()), threads=4)
    right = all(err is None and got == list(np.cumsum(vals)) for (got, err), vals in zip(answers, sequences.values()))
    log = (OUT / "server.log").read_text(errors="replace")
    one_at_a_time = "model 'sequence_gpu': instance 'sequence_gpu_0_0' runs one batch at a time" in log
    report("sequence_state_on_gpu_instance", right and one_at_a_time,
           f"4 interleaved sequences of 6 steps with implicit state on a GPU instance: "
           f"{'running sums right' if right else f'WRONG {answers}'}; kept to one batch at a time: {one_at_a_time}")


def check_unload_in_flight():
    xs = conv_inputs(4, 8, 22)
    refs = [infer("conv_cpu", {"INPUT": x})["OUTPUT"] for x in xs]
    before = gpu_memory_used_mib()
    load("conv_unload")
    loaded = gpu_memory_used_mib()
    answered = []
    lock = threading.Lock()

    def one(k):
        try:
            got = infer("conv_unload", {"INPUT": xs[k % 4]})["OUTPUT"]
            with lock:
                answered.append(k)
            return np.allclose(got, refs[k % 4], rtol=1e-3, atol=1e-3)
        except RuntimeError as e:
            with lock:
                answered.append(k)
            return str(e)
    results = {}

    def fire():
        results["answers"] = run_threads(one, list(range(96)), threads=16)
    t = threading.Thread(target=fire)
    t.start()
    deadline = time.time() + 120
    while time.time() < deadline:
        with lock:
            if len(answered) >= 8:
                break
        time.sleep(0.005)
    state = unload_and_wait("conv_unload")
    t.join(timeout=300)
    answers = results.get("answers", [])
    ok = sum(1 for r, e in answers if r is True)
    wrong = sum(1 for r, e in answers if r is False)
    refused = sum(1 for r, e in answers if isinstance(r, str))
    once = sorted(answered) == list(range(96))
    time.sleep(2)
    after = gpu_memory_used_mib()
    load("conv_unload")
    again = np.allclose(infer("conv_unload", {"INPUT": xs[0]})["OUTPUT"], refs[0], rtol=1e-3, atol=1e-3)
    unload_and_wait("conv_unload")
    alive = http("GET", "/v2/health/live")[0] == 200
    freed = after <= before + 64
    report("unload_with_batches_in_flight", once and wrong == 0 and ok >= 8 and freed and again and alive,
           f"96 requests (batch 8) from 16 threads, unloaded after 8 answers (state then {state}): {ok} right, "
           f"{wrong} wrong, {refused} refused, every request answered exactly once: {once}; GPU memory used "
           f"{before} MiB before the load, {loaded} loaded, {after} after the unload; reloaded and served right: "
           f"{again}; server live: {alive}")


def check_gpu_memory():
    xs = conv_inputs(2, 32, 23)
    growth = {}
    for model in ("conv_mem_sync", "conv_mem_piped"):
        before = gpu_memory_used_mib()
        load(model)
        run_threads(lambda k: infer(model, {"INPUT": xs[k % 2]}), list(range(24)), threads=4)
        growth[model] = gpu_memory_used_mib() - before
        unload_and_wait(model)
        time.sleep(1)
    ratio = growth["conv_mem_piped"] / max(growth["conv_mem_sync"], 1)
    THROUGHPUT["gpu_memory_mib"] = dict(growth, ratio=ratio)
    report("pipelined_gpu_memory", ratio <= 1.2,
           f"GPU memory an instance added after 24 requests at batch 32 from 4 threads: one batch at a time "
           f"{growth['conv_mem_sync']} MiB, pipelined (2 in flight) {growth['conv_mem_piped']} MiB, ratio {ratio:.2f}")


def check_throughput_one():
    ok, resp = set_verbose(0)
    if not ok:
        print(f"note: turning verbose logging off failed ({resp}); measuring with it on", flush=True)
    conv_shm = ["--shared-memory", "cuda", "--output-shared-memory-size", str(32 * 10 * 4)]
    mlp_shm = ["--shared-memory", "cuda", "--output-shared-memory-size", str(512 * 4)]
    triton = {}

    def pa(model, conc, extra, batch):
        v, row = perf_analyzer(model, conc, extra, f"{model}_c{conc}", batch=batch)
        triton[(model, conc)] = v
        print(f"triton {model} c{conc} (batch {batch}): {v:.0f} infer/s; server queue/input/infer/output us "
              f"{row.get('Server Queue')}/{row.get('Server Compute Input')}/{row.get('Server Compute Infer')}/"
              f"{row.get('Server Compute Output')}", flush=True)
    # (model, clients): pipelined (the default) and, for the before column, one
    # batch at a time (max_batches_in_flight 1, how every instance ran before).
    grid = [("conv_one", 2), ("conv_one", 4), ("conv_one", 8), ("conv_one_db", 4), ("conv_one_db", 8),
            ("conv_one_d4", 8), ("conv_one_sync", 4), ("conv_one_db_sync", 8), ("conv_two_piped", 8), ("conv_two_sync", 8)]
    for model, conc in grid:
        pa(model, conc, conv_shm, 32)
    for model, conc in (("mlp_one", 1), ("mlp_one", 2), ("mlp_one_sync", 2)):
        pa(model, conc, mlp_shm, 1)
    raw = {}
    for sessions, callers in ((1, 1), (1, 2), (1, 4), (2, 8), (8, 16)):
        raw[("conv", sessions, callers)] = raw_gpu(callers, sessions, True)["infer_per_s"]
    for callers in (1, 2, 4):
        raw[("mlp", 1, callers)] = raw_gpu(callers, 1, True, model="mlp.onnx", batch=1)["infer_per_s"]
    for k, v in raw.items():
        print(f"raw ORT {k[0]} {k[1]} session(s), {k[2]} caller(s): {v:.0f} infer/s", flush=True)

    def best(prefixes):
        return max(v for (m, _), v in triton.items() if m in prefixes)
    raw_one = max(raw[("conv", 1, c)] for c in (1, 2, 4))
    raw_mlp = max(raw[("mlp", 1, c)] for c in (1, 2, 4))
    raw_peak = max(raw[("conv", s, c)] for s, c in ((2, 8), (8, 16)))
    ratios = {
        "one_instance": best({"conv_one", "conv_one_db"}) / raw_one,
        "one_instance_before": best({"conv_one_sync", "conv_one_db_sync"}) / raw_one,
        "one_instance_depth4": best({"conv_one_d4"}) / raw_one,
        "mlp_one_instance": best({"mlp_one"}) / raw_mlp,
        "mlp_one_instance_before": best({"mlp_one_sync"}) / raw_mlp,
        "two_instances_vs_peak": triton[("conv_two_piped", 8)] / raw_peak,
        "two_instances_vs_peak_before": triton[("conv_two_sync", 8)] / raw_peak,
    }
    THROUGHPUT["one_instance"] = {"triton": {f"{m} c{c}": v for (m, c), v in triton.items()},
                                  "raw": {f"{k[0]} sessions={k[1]} callers={k[2]}": v for k, v in raw.items()},
                                  "ratios": ratios}
    ok = ratios["one_instance"] >= 0.97 and ratios["mlp_one_instance"] >= 0.90 and ratios["two_instances_vs_peak"] >= 0.97
    report("one_instance_throughput_vs_raw", ok,
           "; ".join(f"{k} {v:.3f}" for k, v in ratios.items()) +
           f"; raw one session best: conv {raw_one:.0f}, mlp {raw_mlp:.0f} infer/s; raw peak {raw_peak:.0f} infer/s")


PLUGIN_LOG = "server_plugin.log"
PLUGIN_OFFERS = re.compile(r"EP library 'cuda_plugin' offers (\S+) \(vendor [^)]*\) GPU device: [^\"]*")


def load_reporting(model):
    status, resp = http("POST", f"/v2/repository/models/{model}/load", {})
    print(f"load {model}: {status} {resp}", flush=True)
    return status == 200, resp.get("error", "")


def check_plugin_cuda():
    """Check 11: the CUDA provider library as a plugin EP (runs on the server
    started with ep-library=cuda_plugin:...)."""
    repo = WORK / "models"
    ok, err = load_reporting("conv_cpu")  # the backend initializes, and registers the library, with the first model
    log = (OUT / PLUGIN_LOG).read_text(errors="replace")
    offers = [m for m in PLUGIN_OFFERS.finditer(log)]
    report("plugin_cuda_registered_lists_gpu", ok and bool(offers),
           f"conv_cpu loaded: {ok} {err[:200]}; GPU devices offered: {[m.group(0)[:400] for m in offers]}")
    if not offers:
        return
    ep = offers[0].group(1)
    conv_io = ([("INPUT", "TYPE_FP32", [3, 224, 224])], [("OUTPUT", "TYPE_FP32", [10])])
    by_name = ('optimization { execution_accelerators { gpu_execution_accelerator: [ { name: "%s" } ] } }' % ep)
    policy = 'parameters { key: "ep_selection_policy" value: { string_value: "PREFER_GPU" } }'
    conv, _, _ = make_models.conv()
    for name, count, extra in (("conv_plugin_name", 1, by_name), ("conv_plugin_policy", 1, policy),
                               ("conv_plugin_tp", 2, by_name)):
        models.save(repo, name, conv, models.config(
            name, *conv_io, max_batch_size=32,
            extra=f"instance_group [{{ kind: KIND_GPU count: {count} gpus: [0] }}]\n{extra}"))
    x, classic, cpu = CLASSIC["x"], CLASSIC["gpu"], CLASSIC["cpu"]
    for model, check_name in (("conv_plugin_name", "plugin_cuda_by_name_matches_classic"),
                              ("conv_plugin_policy", "plugin_cuda_by_policy_matches_classic")):
        ok, err = load_reporting(model)
        if not ok:
            report(check_name, False, f"load failed: {err[:600]}")
            continue
        out = infer(model, {"INPUT": x})["OUTPUT"]
        log = (OUT / PLUGIN_LOG).read_text(errors="replace")
        placed = [l for l in log.splitlines() if f"model '{model}': ONNX Runtime placed the session's nodes" in l]
        diff, diff_cpu = float(np.abs(out - classic).max()), float(np.abs(out - cpu).max())
        report(check_name, diff < 1e-3 and bool(placed) and ep in placed[-1],
               f"EP {ep}: max |plugin-classic| {diff:.2e}, max |plugin-cpu| {diff_cpu:.2e}; "
               f"placement: {placed[-1][-300:] if placed else 'no line'}")
    if os.environ.get("GPU_CHECK_THROUGHPUT", "1") == "0":
        return
    ok_plugin, err_plugin = load_reporting("conv_plugin_tp")
    ok_classic, err_classic = load_reporting("conv_shm")  # the classic CUDA provider, 2 instances, in the same process
    if not (ok_plugin and ok_classic):
        report("plugin_cuda_throughput_vs_classic", False,
               f"load failed: plugin {err_plugin[:300]}; classic {err_classic[:300]}")
        return
    set_verbose(0)
    shm = ["--shared-memory", "cuda", "--output-shared-memory-size", str(32 * 10 * 4)]
    plugin_tp, _ = perf_analyzer("conv_plugin_tp", 8, shm, "plugin_cuda_c8")
    classic_tp, _ = perf_analyzer("conv_shm", 8, shm, "classic_cuda_c8")
    ratio = plugin_tp / classic_tp if classic_tp else 0
    THROUGHPUT["plugin_cuda"] = {"plugin infer/s": plugin_tp, "classic infer/s": classic_tp, "ratio": ratio}
    report("plugin_cuda_throughput_vs_classic", ratio >= 0.9,
           f"conv b32, 2 GPU instances, concurrency 8, CUDA shared memory: plugin EP {ep} {plugin_tp:.0f} infer/s "
           f"vs classic CUDA {classic_tp:.0f} infer/s, ratio {ratio:.3f}")


class TritonServer:
    """tritonserver on this run's repository, pinned to SERVER_CPUS, logging to $OUT/<log_name>."""

    def __init__(self, log_name, extra_args):
        self.log_name, self.extra_args = log_name, extra_args

    def __enter__(self):
        self.log = open(OUT / self.log_name, "w")
        self.proc = subprocess.Popen(
            ["taskset", "-c", SERVER_CPUS, os.environ["TRITONSERVER_BIN"], f"--model-repository={WORK / 'models'}",
             f"--backend-directory={os.environ['GPU_BACKEND_DIR']}", "--model-control-mode=explicit",
             "--http-port=18000", "--grpc-port=18001", "--metrics-port=18002", "--log-verbose=1"] + self.extra_args,
            stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                if http("GET", "/v2/health/ready")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.log.close()
        return False


def functional_checks():
    with TritonServer("server.log", []):
        for m in ("add_gpu", "conv_gpu", "conv_gpu_profiled", "conv_cpu", "add_shm", "add_mixed", "conv_graph",
                  "ragged_gpu", "conv_piped", "reshape_gpu", "sequence_gpu"):
            status, resp = http("POST", f"/v2/repository/models/{m}/load", {})
            print(f"load {m}: {status} {resp}", flush=True)
        check("basic_gpu_checks", basic_checks)
        check("cudashm_in_and_out_zero_copy", check_cudashm)
        check("cudashm_mixed_batch", check_mixed_batch)
        check("host_batch_on_gpu_instance", check_host_batch)
        check("ragged_batch_on_gpu_instance", check_ragged_gpu)
        check("placement_and_metrics_on_gpu", check_placement_and_metrics)
        check("cuda_graphs_conv", check_graphs)
        check("cuda_graphs_variable_dims_refused", check_graph_refusal)
        check("pipelined_conv_concurrent_answers", check_pipelined_conv)
        check("pipelined_failed_run_answers_its_own", check_pipelined_errors)
        check("sequence_state_on_gpu_instance", check_sequence_gpu)
        check("unload_with_batches_in_flight", check_unload_in_flight)
        check("pipelined_gpu_memory", check_gpu_memory)


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    repo = WORK / "models"
    conv, _, _ = make_models.conv()
    cuda = ('optimization { execution_accelerators { gpu_execution_accelerator: [ { name: "cuda" '
            'parameters { key: "cudnn_conv_use_max_workspace" value: "1" } '
            'parameters { key: "use_ep_level_unified_stream" value: "1" } } ] } }')
    trt = ('optimization { execution_accelerators { gpu_execution_accelerator: [ { name: "tensorrt" '
           'parameters { key: "precision_mode" value: "FP16" } } ] } }')
    prof = 'parameters {{ key: "profiling_file_prefix" value: {{ string_value: "{}" }} }}'
    conv_io = ([("INPUT", "TYPE_FP32", [3, 224, 224])], [("OUTPUT", "TYPE_FP32", [10])])
    models.save(repo, "add_gpu", models.add_sub(), models.config(
        "add_gpu", max_batch_size=8, extra=f"instance_group [{{ kind: KIND_GPU count: 1 gpus: [0] }}]\n{cuda}\n"
        + prof.format(WORK / "add_profile")))
    models.save(repo, "conv_gpu", conv, models.config(
        "conv_gpu", *conv_io, max_batch_size=32,
        extra=f"instance_group [{{ kind: KIND_GPU count: 2 gpus: [0] }}]\n{cuda}\ndynamic_batching {{ }}"))
    models.save(repo, "conv_gpu_profiled", conv, models.config(
        "conv_gpu_profiled", *conv_io, max_batch_size=32,
        extra=f"instance_group [{{ kind: KIND_GPU count: 1 }}]\n{cuda}\n" + prof.format(WORK / "conv_profile")))
    models.save(repo, "conv_cpu", conv, models.config("conv_cpu", *conv_io, max_batch_size=32,
                                                        extra="instance_group [{ kind: KIND_CPU count: 1 }]"))
    models.save(repo, "conv_trt", conv, models.config(
        "conv_trt", *conv_io, max_batch_size=32, extra=f"instance_group [{{ kind: KIND_GPU count: 1 }}]\n{trt}"))
    gpu1 = "instance_group [{ kind: KIND_GPU count: 1 gpus: [0] }]"
    models.save(repo, "add_shm", models.add_sub(), models.config("add_shm", max_batch_size=8, extra=gpu1))
    models.save(repo, "add_mixed", models.add_sub(), models.config(
        "add_mixed", max_batch_size=8,
        extra=gpu1 + "\ndynamic_batching { max_queue_delay_microseconds: 2000000 preferred_batch_size: [ 2 ] }"))
    models.save(repo, "ragged_gpu", models.ragged_all_kinds(), models.ragged_all_kinds_config(
        "ragged_gpu", extra=gpu1 + "\ndynamic_batching { max_queue_delay_microseconds: 2000000 preferred_batch_size: [ 2 ] }"))
    graphs = "optimization { cuda { graphs: true } }"
    models.save(repo, "conv_graph", conv, models.config(
        "conv_graph", *conv_io, max_batch_size=32,
        extra=f"{gpu1}\n{graphs}\n" + prof.format(WORK / "graph_profile")))
    models.save(repo, "graph_variable", models.add_sub(shape=("batch", "n")), models.config(
        "graph_variable", [("INPUT0", "TYPE_FP32", [-1]), ("INPUT1", "TYPE_FP32", [-1])],
        [("OUTPUT0", "TYPE_FP32", [-1]), ("OUTPUT1", "TYPE_FP32", [-1])], max_batch_size=8,
        extra=f"{gpu1}\n{graphs}"))
    # The throughput models: CUDA EP defaults, like raw_ort_gpu_bench.
    models.save(repo, "conv_shm", conv, models.config(
        "conv_shm", *conv_io, max_batch_size=32, extra="instance_group [{ kind: KIND_GPU count: 2 gpus: [0] }]"))
    models.save(repo, "conv_shm4", conv, models.config(
        "conv_shm4", *conv_io, max_batch_size=32, extra="instance_group [{ kind: KIND_GPU count: 4 gpus: [0] }]"))
    models.save(repo, "conv_shm8", conv, models.config(
        "conv_shm8", *conv_io, max_batch_size=32, extra="instance_group [{ kind: KIND_GPU count: 8 gpus: [0] }]"))
    models.save(repo, "conv_shm16", conv, models.config(
        "conv_shm16", *conv_io, max_batch_size=32, extra="instance_group [{ kind: KIND_GPU count: 16 gpus: [0] }]"))
    models.save(repo, "conv_shm_graph", conv, models.config(
        "conv_shm_graph", *conv_io, max_batch_size=32,
        extra=f"instance_group [{{ kind: KIND_GPU count: 2 gpus: [0] }}]\n{graphs}"))
    # Pipelined execution (max_batches_in_flight; opt-in, the default is 1).
    one_batch = 'parameters { key: "max_batches_in_flight" value: { string_value: "1" } }'
    two = 'parameters { key: "max_batches_in_flight" value: { string_value: "2" } }'
    four = 'parameters { key: "max_batches_in_flight" value: { string_value: "4" } }'
    gpu1_two = f"{gpu1}\n{two}"
    models.save(repo, "conv_piped", conv, models.config("conv_piped", *conv_io, max_batch_size=32, extra=gpu1_two))
    models.save(repo, "reshape_gpu", models.reshape_by_input(), models.config(
        "reshape_gpu", [("X", "TYPE_FP32", [6]), ("SHAPE", "TYPE_INT64", [2])], [("Y", "TYPE_FP32", [-1, -1])],
        max_batch_size=0, extra=gpu1_two))
    models.save(repo, "sequence_gpu", models.state_sum(), models.config(
        "sequence_gpu", [("INPUT", "TYPE_INT32", [1])], [("OUTPUT", "TYPE_INT32", [1])], max_batch_size=4,
        extra=f"""sequence_batching {{ max_sequence_idle_microseconds: 10000000 oldest {{ max_candidate_sequences: 4 }}
  state [{{ input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_INT32 dims: [1]
    initial_state [{{ name: "zeros" data_type: TYPE_INT32 dims: [1] zero_data: true }}] }}]
}}
{gpu1}
{four}"""))
    models.save(repo, "conv_unload", conv, models.config("conv_unload", *conv_io, max_batch_size=32, extra=gpu1_two))
    models.save(repo, "conv_mem_sync", conv, models.config(
        "conv_mem_sync", *conv_io, max_batch_size=32, extra=f"{gpu1}\n{one_batch}"))
    models.save(repo, "conv_mem_piped", conv, models.config("conv_mem_piped", *conv_io, max_batch_size=32,
                                                            extra=gpu1_two))
    # One instance per GPU: pipelined (2 in flight) and one batch at a time (the default).
    for name, extra in (("conv_one", two), ("conv_one_sync", one_batch), ("conv_one_db", f"dynamic_batching {{ }}\n{two}"),
                        ("conv_one_db_sync", f"dynamic_batching {{ }}\n{one_batch}"), ("conv_one_d4", four)):
        models.save(repo, name, conv, models.config(name, *conv_io, max_batch_size=32, extra=f"{gpu1}\n{extra}"))
    models.save(repo, "conv_two_piped", conv, models.config(
        "conv_two_piped", *conv_io, max_batch_size=32,
        extra=f"instance_group [{{ kind: KIND_GPU count: 2 gpus: [0] }}]\n{two}"))
    models.save(repo, "conv_two_sync", conv, models.config(
        "conv_two_sync", *conv_io, max_batch_size=32,
        extra=f"instance_group [{{ kind: KIND_GPU count: 2 gpus: [0] }}]\n{one_batch}"))
    mlp, _, _ = make_models.mlp()
    mlp_io = ([("INPUT", "TYPE_FP32", [512])], [("OUTPUT", "TYPE_FP32", [512])])
    models.save(repo, "mlp_one", mlp, models.config("mlp_one", *mlp_io, max_batch_size=8, extra=gpu1_two))
    models.save(repo, "mlp_one_sync", mlp, models.config(
        "mlp_one_sync", *mlp_io, max_batch_size=8, extra=f"{gpu1}\n{one_batch}"))
    import onnx
    onnx.save(conv, WORK / "conv.onnx")
    onnx.save(mlp, WORK / "mlp.onnx")
    grid = os.environ.get("GPU_CHECK_GRID", "one")

    # GPU_CHECK_CHECKS=0: the throughput grid only (a run of its own fits a
    # 10-minute call better).
    try:
        if os.environ.get("GPU_CHECK_CHECKS", "1") != "0":
            functional_checks()
            if os.environ.get("GPU_CHECK_PLUGIN", "1") != "0":
                plugin = pathlib.Path(os.environ["GPU_BACKEND_DIR"]) / "onnxruntime" / "libonnxruntime_providers_cuda.so"
                with TritonServer(PLUGIN_LOG, [f"--backend-config=onnxruntime,ep-library=cuda_plugin:{plugin}"]):
                    check("plugin_cuda", check_plugin_cuda)
        # Throughput on a server of its own, without auto-complete: the configs
        # are complete, and auto-complete would add dynamic batching, whose
        # scheduler thread adds a hand-off per request that a batch-32 client
        # does not need (it sends full batches). GPU_CHECK_GRID=none skips both grids.
        if os.environ.get("GPU_CHECK_THROUGHPUT", "1") == "0":
            return  # a quick run: the checks above only
        if grid in ("one", "all"):
            with TritonServer("server_throughput_one.log", ["--disable-auto-complete-config"]):
                for m in ("conv_one", "conv_one_sync", "conv_one_db", "conv_one_db_sync", "conv_one_d4", "conv_two_piped",
                          "conv_two_sync", "mlp_one", "mlp_one_sync"):
                    status, resp = http("POST", f"/v2/repository/models/{m}/load", {})
                    print(f"load {m}: {status} {resp}", flush=True)
                check("one_instance_throughput_vs_raw", check_throughput_one)
        if grid in ("many", "all"):
            with TritonServer("server_throughput.log", ["--disable-auto-complete-config"]):
                for m in ("conv_shm", "conv_shm4", "conv_shm8", "conv_shm16", "conv_shm_graph"):
                    status, resp = http("POST", f"/v2/repository/models/{m}/load", {})
                    print(f"load {m}: {status} {resp}", flush=True)
                check("conv_b32_throughput_vs_raw", check_throughput)
    finally:
        (OUT / "results.json").write_text(json.dumps({"checks": RESULTS, "throughput": THROUGHPUT}, indent=1))
        print(f"summary: {sum(r['ok'] for r in RESULTS.values())} passed, "
              f"{sum(not r['ok'] for r in RESULTS.values())} failed")

if __name__ == "__main__":
    main()

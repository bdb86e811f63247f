"""Runs on the GPU machine (see scripts/gpu/README.md): the real tritonserver
with the GPU build of the backend, over HTTP/JSON with the standard library
only (the machine's protobuf may not match tritonclient's generated code).

Checks, each printed as PASS/FAIL with numbers:
  1. a KIND_GPU model through gpu_execution_accelerator cuda gives correct results;
  2. the conv net on the GPU agrees with the same model on the CPU;
  3. ORT's profile shows the CUDA execution provider ran the nodes;
  4. a tensorrt accelerator fails the load with "TensorRT libraries not found"
     (no TensorRT on that machine);
  5. throughput of the conv net at batch 32 through Triton (perf_analyzer, gRPC)
     vs raw ORT with the CUDA EP in the same run.
"""
import json
import os
import pathlib
import subprocess
import sys
import time
import urllib.error
import urllib.request

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import make_models  # noqa: E402
import models  # noqa: E402

OUT = pathlib.Path(sys.argv[1])
WORK = pathlib.Path("/tmp/gpu-check")
RESULTS = {}


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


def profile_providers(prefix):
    for _ in range(100):
        files = list(WORK.glob(f"{prefix}*.json"))
        try:
            events = json.loads(files[0].read_text()) if files else None
        except json.JSONDecodeError:
            events = None
        if events:
            return sorted({e["args"]["provider"] for e in events if e.get("cat") == "Node" and "provider" in e.get("args", {})})
        time.sleep(0.2)
    return []


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
    import onnx
    onnx.save(conv, WORK / "conv.onnx")

    log = open(OUT / "server.log", "w")
    server = subprocess.Popen([os.environ["TRITONSERVER_BIN"], f"--model-repository={repo}",
                               f"--backend-directory={os.environ['GPU_BACKEND_DIR']}",
                               "--model-control-mode=explicit", "--http-port=18000", "--grpc-port=18001",
                               "--metrics-port=18002", "--log-verbose=0"], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                if http("GET", "/v2/health/ready")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        for m in ("add_gpu", "conv_gpu", "conv_gpu_profiled", "conv_cpu"):
            status, resp = http("POST", f"/v2/repository/models/{m}/load", {})
            print(f"load {m}: {status} {resp}", flush=True)

        a = np.random.default_rng(0).uniform(-1, 1, (4, 4)).astype(np.float32)
        b = np.random.default_rng(1).uniform(-1, 1, (4, 4)).astype(np.float32)
        out = infer("add_gpu", {"INPUT0": a, "INPUT1": b})
        report("kind_gpu_cuda_add", np.allclose(out["OUTPUT0"], a + b) and np.allclose(out["OUTPUT1"], a - b),
               f"max |err| {float(np.abs(out['OUTPUT0'] - (a + b)).max()):.2e}")

        x = np.random.default_rng(2).uniform(-1, 1, (4, 3, 224, 224)).astype(np.float32)
        gpu = infer("conv_gpu", {"INPUT": x})["OUTPUT"]
        cpu = infer("conv_cpu", {"INPUT": x})["OUTPUT"]
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

        # Throughput at batch 32: Triton (2 GPU instances, gRPC) vs raw ORT CUDA EP (2 callers).
        data = WORK / "conv.input.json"
        vals = np.random.default_rng(0).uniform(-1, 1, 3 * 224 * 224).astype(np.float32).round(4).tolist()
        data.write_text(json.dumps({"data": [{"INPUT": vals}]}))
        csv = WORK / "pa.csv"
        pa = subprocess.run([os.environ["PERF_ANALYZER"], "-m", "conv_gpu", "-u", "127.0.0.1:18001", "-i", "grpc",
                             "-b", "32", "--concurrency-range", "4", "--input-data", str(data),
                             "--measurement-interval", "3000", "--stability-percentage", "50", "-f", str(csv),
                             "--verbose-csv"], capture_output=True, text=True)
        (OUT / "perf_analyzer.txt").write_text(pa.stdout + pa.stderr)
        import csv as csvmod
        row = next(csvmod.DictReader(open(csv))) if csv.exists() else {}
        triton_tput = float(row.get("Inferences/Second", 0) or 0)
        raw = json.loads(subprocess.run([os.environ["RAW_ORT_BENCH"], "--model", str(WORK / "conv.onnx"),
                                         "--batch", "32", "--concurrency", "2", "--seconds", "4", "--cuda", "0"],
                                        capture_output=True, text=True, check=True).stdout)
        ratio = triton_tput / raw["infer_per_s"] if raw["infer_per_s"] else 0
        report("conv_b32_throughput_vs_raw", ratio >= 0.95,
               f"triton {triton_tput:.0f} infer/s, raw ORT CUDA {raw['infer_per_s']:.0f} infer/s, ratio {ratio:.3f}; "
               f"server compute input/infer/output us {row.get('Server Compute Input')}/"
               f"{row.get('Server Compute Infer')}/{row.get('Server Compute Output')}")
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
        (OUT / "results.json").write_text(json.dumps(RESULTS, indent=1))
        print(f"summary: {sum(r['ok'] for r in RESULTS.values())} passed, "
              f"{sum(not r['ok'] for r in RESULTS.values())} failed")


if __name__ == "__main__":
    main()

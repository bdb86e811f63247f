"""What each step of one request costs, in instructions (callgrind), for the
tiny models of bench/tiny_models.py. Instruction counts do not depend on what
else the machine is doing, so builds can be compared on a shared machine.

The real tritonserver runs under `valgrind --tool=callgrind` with collection
only inside TRITONBACKEND_ModelInstanceExecute (--toggle-collect) and one
profile dumped after each call (--dump-after), so every request has a
profile of its own. The first --skip requests (first-run work in ONNX
Runtime and the backend) are left out; the rest are averaged.

Each profile's call edges are read (callgrind's `calls=` lines carry a
call's inclusive cost) and the request is split into:
  total       : everything inside Execute
  ort_run     : ONNX Runtime's Session::Run
  ort_values  : the other calls into ONNX Runtime: making and releasing the
                Ort::Values that wrap each request's inputs and outputs
  triton      : the server's functions the backend calls (TRITONBACKEND_*,
                TRITONSERVER_*), each also listed on its own
  ours        : total - ort_run - ort_values - triton (the backend's own code, with the
                libc and libstdc++ it calls)
and, per named step of the pipeline (RequestBatch::Begin, InputGatherer::Gather,
...), its inclusive cost.

  python bench/callgrind_steps.py --install before=install-before --install after=install
"""
import argparse
import collections
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run as bench_run  # noqa: E402
import tiny_models  # noqa: E402

STEPS = ["RequestBatch::Begin", "RequestBatch::Plan", "GroupTracer::Begin", "GroupTracer::Add", "GroupTracer::Report",
         "InputGatherer::Gather", "OutputScatterer::Prepare", "OutputScatterer::Scatter", "OutputScatterer::Clear",
         "InputGatherer::Clear", "ModelInstanceState::RecordCopies", "ModelInstanceState::RecordGroup",
         "Responder::Finish", "InstanceMetrics::Record"]
DTYPES = {"sr": np.int64, "TEXT": np.object_}


def tritonserver_bin():
    return os.environ.get("TRITONSERVER_BIN") or str(
        pathlib.Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" /
        "site-packages/pytriton/tritonserver/bin/tritonserver")


def client_inputs(work, model):
    """The model's request as (name, array) pairs, from its perf_analyzer input data."""
    import tritonclient.http as http
    data = json.loads((work / f"{model}.input.json").read_text())["data"][0]
    batching = "max_batch_size: 0" not in (work / "repo" / model / "config.pbtxt").read_text()
    inputs = []
    for name, v in data.items():
        content, shape = (v["content"], v["shape"]) if isinstance(v, dict) else (v, [len(v)])
        a = np.array(content, dtype=DTYPES.get(name, np.float32)).reshape(([1] if batching else []) + list(shape))
        if a.dtype == np.object_:
            a = np.array([s.encode() for s in a.reshape(-1)], dtype=np.object_).reshape(a.shape)
        i = http.InferInput(name, list(a.shape), "BYTES" if a.dtype == np.object_ else
                            ("INT64" if a.dtype == np.int64 else "FP32"))
        i.set_data_from_numpy(a)
        inputs.append(i)
    return inputs


def profile(install, work, model, requests, out_dir):
    """Runs `requests` requests of `model` under callgrind; returns the dump files."""
    import tritonclient.http as http
    out_dir.mkdir(parents=True, exist_ok=True)
    for f in out_dir.glob("callgrind.out*"):
        f.unlink()
    port = bench_run.free_port()
    log = open(out_dir / "server.log", "w")
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--collect-atstart=no",
         "--toggle-collect=TRITONBACKEND_ModelInstanceExecute", "--dump-after=TRITONBACKEND_ModelInstanceExecute",
         f"--callgrind-out-file={out_dir}/callgrind.out.%p", tritonserver_bin(),
         f"--model-repository={work / 'repo'}", f"--backend-directory={install}/backends",
         "--model-control-mode=explicit", f"--load-model={model}", f"--http-port={port}", "--allow-grpc=false",
         "--allow-metrics=false", "--exit-timeout-secs=5"], stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"127.0.0.1:{port}"
        deadline = time.time() + 900
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://{url}/v2/models/{model}/ready", timeout=5) as r:
                    if r.status == 200:
                        break
            except Exception:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"server exited; see {out_dir / 'server.log'}")
            time.sleep(1)
        client = http.InferenceServerClient(url, network_timeout=600, connection_timeout=600)
        inputs = client_inputs(work, model)
        for _ in range(requests):
            client.infer(model, inputs)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=300)
        log.close()
    # The per-call dumps are numbered (.1, .2, ...); the file without a number
    # is the end-of-run dump (nothing collected after the last request).
    dumps = sorted((f for f in out_dir.glob("callgrind.out.*.*")), key=lambda f: int(f.name.rsplit(".", 1)[1]))
    return dumps


def read_profile(path):
    """(total instructions, {(caller, callee_obj, callee): inclusive}, {fn: object})"""
    names, objs = {}, {}
    fn = cfn = cob = ob = None
    fn_obj = {}
    edges = collections.Counter()
    total = 0
    pending_call = False

    def name(table, text):
        m = re.match(r"\((\d+)\)(?: (.*))?", text)
        if not m:
            return text
        if m.group(2) is not None:
            table[m.group(1)] = m.group(2)
        return table.get(m.group(1), text)

    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if pending_call:
            # The line after `calls=` holds the call's inclusive cost.
            pending_call = False
            parts = line.split()
            if len(parts) >= 2:
                edges[(fn, cob or ob, cfn)] += int(parts[1])
            cob = None  # cob= names the object of the next call only
            continue
        if line.startswith("ob="):
            ob = name(objs, line[3:])
        elif line.startswith("fn="):
            fn = name(names, line[3:])
            fn_obj[fn] = ob
        elif line.startswith("cob="):
            cob = name(objs, line[4:])
        elif line.startswith("cfn="):
            cfn = name(names, line[4:])
        elif line.startswith("calls="):
            pending_call = True
        elif line.startswith("summary:") or line.startswith("totals:"):
            total = int(line.split()[1])
    return total, edges, fn_obj


def ours(fn, fn_obj):
    return fn is not None and "libtriton_onnxruntime" in (fn_obj.get(fn) or "")


def split(path):
    total, edges, fn_obj = read_profile(path)
    r = collections.Counter(total=total)
    for (caller, cob, callee), cost in edges.items():
        if not ours(caller, fn_obj) or ours(callee, fn_obj):
            continue
        obj = cob or ""
        if "libonnxruntime" in obj:
            # Session::Run is called from GatherRunScatter; every other call into
            # ORT makes or releases an Ort::Value around it.
            r["ort_run" if "GatherRunScatter" in caller else "ort_values"] += cost
        elif "libtritonserver" in obj or (callee or "").startswith(("TRITONBACKEND_", "TRITONSERVER_")):
            r["triton"] += cost
            r["triton:" + callee] += cost
    for (caller, _, callee), cost in edges.items():
        if callee is None:
            continue
        for step in STEPS:
            # Called from another function of ours (not recursion within the step).
            if f"::{step}(" in callee and ours(caller, fn_obj) and f"::{step}(" not in (caller or ""):
                r["step:" + step] += cost
    r["ours"] = r["total"] - r["ort_run"] - r["ort_values"] - r["triton"]
    return r


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--install", action="append", required=True, help="NAME=INSTALL_DIR")
    p.add_argument("--models", default=",".join(tiny_models.MODELS))
    p.add_argument("--silero", help="a silero_vad.onnx (from PyPI's silero-vad wheel) to add as model `silero`")
    p.add_argument("--requests", type=int, default=60)
    p.add_argument("--skip", type=int, default=10, help="first requests left out")
    p.add_argument("--out", type=pathlib.Path, default=HERE / "results" / "callgrind")
    args = p.parse_args()
    installs = [(n, pathlib.Path(d).resolve()) for n, d in (s.split("=", 1) for s in args.install)]
    work = args.out / "work"
    work.mkdir(parents=True, exist_ok=True)
    tiny_models.write(work, args.silero)
    results = {}
    for model in args.models.split(","):
        for name, install in installs:
            bench_run.progress(f"{model} with {name} under callgrind")
            dumps = profile(install, work, model, args.requests, args.out / name / model)
            per = [split(d) for d in dumps[args.skip:]]
            if not per:
                raise RuntimeError(f"no profiles for {model} with {name}")
            keys = sorted(set().union(*per))
            results[(model, name)] = {k: sum(x[k] for x in per) / len(per) for k in keys}
            results[(model, name)]["requests"] = len(per)
    report(results, args.out)


def report(results, out):
    lines = []
    for (model, build), r in results.items():
        lines.append(f"{model} [{build}] instructions per request (mean of {r['requests']}): total {r['total']:.0f}, "
                     f"ORT Run {r['ort_run']:.0f}, ORT values {r['ort_values']:.0f}, Triton callbacks {r['triton']:.0f}, ours {r['ours']:.0f}")
        for k in sorted(r):
            if k.startswith(("step:", "triton:")):
                lines.append(f"    {k[k.index(':') + 1:]:<48} {r[k]:>10.0f}")
    text = "\n".join(lines)
    print(text)
    (out / "latest.txt").write_text(text + "\n")
    (out / "latest.json").write_text(json.dumps({f"{m} {b}": r for (m, b), r in results.items()}, indent=1))


if __name__ == "__main__":
    main()

"""Model load benchmark: load time and resident memory of the real
tritonserver (explicit model control, load/unload over HTTP) against raw ONNX
Runtime session creation (onnxruntime-python, default options), measured in
the same run, interleaved cycle by cycle, and reported as ratios.

  .deps/venv/bin/python bench/load_bench.py                 # every model
  .deps/venv/bin/python bench/load_bench.py --models mlp100 --cycles 4

Models (generated, FP32 MLPs of 2048x2048 MatMuls with a dynamic batch dim):
  mlp100     ~100 MB, one model.onnx
  mlp100_ext ~100 MB, weights in an external data file beside model.onnx
  mlp1g      ~1 GB, one model.onnx
  mlp400     ~400 MB, one model.onnx (the encrypted column's model)
Rows per model: the default config (only `platform`, so 2 CPU instances
sharing one session) over --cycles load/unload cycles; then one cycle each
with instance_group count 1, 2 and 4, and with 2 and 4 instances with
share_session_between_instances=false (a session per instance).
With --encrypted, each cycle also loads an encrypted copy right after the
plain one (bench/encrypted_load.py: time, peak RSS, files written).
Results: bench/results/load.{txt,json}.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from run import free_port  # noqa: E402
import encrypted_load  # noqa: E402

DIM = 2048
MODELS = {"mlp100": (6, False), "mlp100_ext": (6, True), "mlp1g": (60, False), "mlp400": (25, False)}


def make_mlp(path: pathlib.Path, layers: int, external: bool):
    """`layers` MatMul+Relu of DIM x DIM (16 MiB of FP32 each)."""
    rng = np.random.default_rng(0)
    nodes, inits, prev = [], [], "INPUT"
    for i in range(layers):
        w = f"W{i}"
        inits.append(numpy_helper.from_array((rng.standard_normal((DIM, DIM)) * 0.02).astype(np.float32), w))
        out = "OUTPUT" if i == layers - 1 else f"h{i}"
        mm = f"m{i}" if i < layers - 1 else out
        nodes.append(helper.make_node("MatMul", [prev, w], [mm]))
        if i < layers - 1:
            nodes.append(helper.make_node("Relu", [mm], [out]))
        prev = out
    graph = helper.make_graph(nodes, "load_bench",
                              [helper.make_tensor_value_info("INPUT", TensorProto.FLOAT, ["batch", DIM])],
                              [helper.make_tensor_value_info("OUTPUT", TensorProto.FLOAT, ["batch", DIM])],
                              initializer=inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    path.parent.mkdir(parents=True, exist_ok=True)
    if external:
        onnx.save(m, path, save_as_external_data=True, all_tensors_to_one_file=True, location="weights.bin",
                  size_threshold=0)
    else:
        onnx.save(m, path)


def model_bytes(d: pathlib.Path):
    return sum(f.stat().st_size for f in d.iterdir() if f.is_file())


def rss_kb(pid):
    return int(re.search(r"VmRSS:\s+(\d+)", pathlib.Path(f"/proc/{pid}/status").read_text()).group(1))


# --- raw ORT: a fresh process per cycle (a process that has freed a session
# reuses its heap for the next one, which would hide the session's cost) ---
RAW_WORKER = textwrap.dedent("""
    import gc, re, sys, time
    import onnxruntime as ort
    def rss():
        return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
    path = sys.argv[1]
    if True:
        before = rss()
        t = time.perf_counter()
        s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        dt = time.perf_counter() - t
        loaded = rss()
        del s
        gc.collect()
        print(before, dt, loaded, rss(), flush=True)
""")


class RawOrt:
    def __init__(self, model_file):
        self.model_file = model_file

    def cycle(self):
        out = subprocess.run([sys.executable, "-c", RAW_WORKER, str(self.model_file)], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        before, dt, loaded, after = out.split()
        return {"s": float(dt), "before_kb": int(before), "loaded_kb": int(loaded), "after_kb": int(after)}

    def stop(self):
        pass


class Server:
    def __init__(self, repo, log, extra_args=()):
        self.http = free_port()
        self.log = open(log, "w")
        server_bin = os.environ.get("TRITONSERVER_BIN") or str(
            pathlib.Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" /
            "site-packages/pytriton/tritonserver/bin/tritonserver")
        self.proc = subprocess.Popen(
            [server_bin, f"--model-repository={repo}", f"--backend-directory={os.environ.get('ORT_BACKEND_DIR', ROOT / 'install/backends')}",
             f"--http-port={self.http}", f"--grpc-port={free_port()}", f"--metrics-port={free_port()}",
             "--http-address=127.0.0.1", "--grpc-address=127.0.0.1", "--model-control-mode=explicit",
             "--exit-timeout-secs=5", "--log-verbose=1", *extra_args],
            stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.http}/v2/health/live", timeout=2):
                    break
            except Exception:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited; see {log}")
                time.sleep(0.2)
        time.sleep(1)
        self.base_kb = rss_kb(self.proc.pid)

    def post(self, path, body=b"{}"):
        req = urllib.request.Request(f"http://127.0.0.1:{self.http}{path}", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.read()

    def state(self, model):
        for m in json.loads(self.post("/v2/repository/index")):
            if m["name"] == model:
                return m.get("state", "")
        return ""

    def load(self, model):
        t = time.perf_counter()
        self.post(f"/v2/repository/models/{model}/load")
        return time.perf_counter() - t

    def unload(self, model):
        self.post(f"/v2/repository/models/{model}/unload")
        # The unload request returns before the instances are finalized.
        for _ in range(600):
            if self.state(model) == "UNAVAILABLE":
                break
            time.sleep(0.05)
        time.sleep(0.5)

    def rss(self):
        return rss_kb(self.proc.pid)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.log.close()


VARIANTS = {
    "default": "",
    "i1": "instance_group [{ count: 1, kind: KIND_CPU }]\n",
    "i2": "instance_group [{ count: 2, kind: KIND_CPU }]\n",
    "i4": "instance_group [{ count: 4, kind: KIND_CPU }]\n",
    "i2_unshared": 'instance_group [{ count: 2, kind: KIND_CPU }]\n'
                   'parameters { key: "share_session_between_instances" value: { string_value: "false" } }\n',
    "i4_unshared": 'instance_group [{ count: 4, kind: KIND_CPU }]\n'
                   'parameters { key: "share_session_between_instances" value: { string_value: "false" } }\n',
}


def write_repo(repo, name, src_dir):
    """One model per variant, every one a hard link of the same generated
    files (ORT refuses external data behind a symlink that leaves the model's
    directory)."""
    for variant, extra in VARIANTS.items():
        d = repo / f"{name}_{variant}"
        (d / "1").mkdir(parents=True, exist_ok=True)
        for f in src_dir.iterdir():
            link = d / "1" / f.name
            if not link.exists():
                os.link(f, link)
        (d / "config.pbtxt").write_text('platform: "onnxruntime_onnx"\n' + extra)


def mb(kb):
    return kb / 1024


def bench_model(name, args, work, lines, results):
    layers, external = MODELS[name]
    src = work / "models" / name
    if not (src / "model.onnx").exists():
        print(f"generating {name} ...", file=sys.stderr, flush=True)
        make_mlp(src / "model.onnx", layers, external)
    size = model_bytes(src)
    repo = work / f"repo_{name}"
    write_repo(repo, name, src)
    extra = encrypted_load.prepare(repo, name, work) if args.encrypted else []
    server = Server(repo, work / f"server_{name}.log", extra)
    raw = RawOrt(src / "model.onnx")
    rows = []
    try:
        base = server.base_kb
        for c in range(args.cycles):
            t = server.load(f"{name}_default")
            loaded = server.rss()
            server.unload(f"{name}_default")
            after = server.rss()
            r = raw.cycle()
            rows.append({"cycle": c + 1, "ours_s": t, "ours_loaded_kb": loaded, "ours_unloaded_kb": after, "raw": r})
            if args.encrypted:
                rows[-1]["encrypted"] = encrypted_load.cycle(server, name, work, traced=c == 0)
            print(f"  {name} cycle {c + 1}: ours {t:.2f}s raw {r['s']:.2f}s; RSS loaded {mb(loaded):.0f} MiB, "
                  f"unloaded {mb(after):.0f} MiB; raw +{mb(r['loaded_kb'] - r['before_kb']):.0f} MiB",
                  file=sys.stderr, flush=True)
        instance_rows = {}
        for variant in [v for v in VARIANTS if v != "default"] if not args.no_instances else []:
            t = server.load(f"{name}_{variant}")
            loaded = server.rss()
            server.unload(f"{name}_{variant}")
            after = server.rss()
            r = raw.cycle()
            instance_rows[variant] = {"ours_s": t, "raw_s": r["s"], "loaded_kb": loaded, "unloaded_kb": after}
            print(f"  {name} {variant}: ours {t:.2f}s raw {r['s']:.2f}s ({t / r['s']:.2f}x)", file=sys.stderr,
                  flush=True)
    finally:
        raw.stop()
        server.stop()

    raw_s = [r["raw"]["s"] for r in rows]
    ours_s = [r["ours_s"] for r in rows]
    raw_inc = [r["raw"]["loaded_kb"] - r["raw"]["before_kb"] for r in rows]
    ratios = [o / r for o, r in zip(ours_s, raw_s)]
    first_unload = rows[0]["ours_unloaded_kb"]
    size_kb = size / 1024
    lines.append(f"## {name}: {size / 2**20:.0f} MiB on disk{' (external data)' if external else ''}, "
                 f"server base RSS {mb(base):.0f} MiB, {args.cycles} cycles, default config")
    lines.append("cycle  ours_s  raw_s  ratio  rss_loaded_MiB  (vs base+raw_inc)  rss_unloaded_MiB  (base+x% of size)")
    for r, ratio, inc in zip(rows, ratios, raw_inc):
        lines.append(f"{r['cycle']:5d}  {r['ours_s']:6.2f}  {r['raw']['s']:5.2f}  {ratio:5.2f}  "
                     f"{mb(r['ours_loaded_kb']):14.0f}  {(r['ours_loaded_kb'] - base) / inc:16.2f}x  "
                     f"{mb(r['ours_unloaded_kb']):16.0f}  {100 * (r['ours_unloaded_kb'] - base) / size_kb:+15.1f}%")
    med = sorted(ratios)[len(ratios) // 2]
    inc_med = sorted(raw_inc)[len(raw_inc) // 2]
    loaded_ratio = (rows[0]["ours_loaded_kb"] - base) / inc_med
    drift = (rows[-1]["ours_unloaded_kb"] - first_unload) / first_unload
    lines.append(f"load time ours/raw: median {med:.2f}x (min {min(ratios):.2f}, max {max(ratios):.2f}); "
                 f"raw session +{mb(inc_med):.0f} MiB; first load RSS increase / raw's {loaded_ratio:.2f}x; "
                 f"after unload base + {100 * (rows[0]['ours_unloaded_kb'] - base) / size_kb:.1f}% of the size "
                 f"(last cycle {100 * (rows[-1]['ours_unloaded_kb'] - base) / size_kb:.1f}%); "
                 f"last cycle vs first after unload {100 * drift:+.1f}%")
    if instance_rows:
        lines.append("instances: " + ", ".join(
            f"{v} {x['ours_s']:.2f}s/{x['raw_s']:.2f}s={x['ours_s'] / x['raw_s']:.2f}x "
            f"(+{mb(x['loaded_kb'] - base):.0f} MiB)" for v, x in instance_rows.items()))
    if args.encrypted:
        lines += encrypted_load.summary(name, [r["encrypted"] for r in rows], size)
    lines.append("")
    results[name] = {"size_bytes": size, "base_kb": base, "cycles": rows, "instances": instance_rows,
                     "median_load_ratio": med, "loaded_vs_raw": loaded_ratio, "unload_drift": drift}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="mlp100,mlp100_ext,mlp1g")
    p.add_argument("--cycles", type=int, default=10)
    p.add_argument("--no-instances", action="store_true", help="skip the instance-count rows")
    p.add_argument("--encrypted", action="store_true", help="add the encrypted column (bench/encrypted_load.py)")
    p.add_argument("--work", default=str(pathlib.Path(tempfile.gettempdir()) / "ort_load_bench"),
                   help="where the generated models and repositories go (kept between runs)")
    p.add_argument("--out", default=str(HERE / "results"))
    args = p.parse_args()
    work = pathlib.Path(args.work)
    for d in work.glob("repo_*"):
        shutil.rmtree(d)
    work.mkdir(parents=True, exist_ok=True)
    lines = [f"# load bench {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores", ""]
    results = {}
    for name in args.models.split(","):
        bench_model(name, args, work, lines, results)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.txt").write_text("\n".join(lines) + "\n")
    (out / "load.json").write_text(json.dumps(results, indent=1))
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""Model load benchmark: load time and resident memory of the real
tritonserver (explicit model control, load/unload over HTTP) against raw ONNX
Runtime session creation (onnxruntime-python, default options), measured in
the same run, interleaved cycle by cycle, and reported as ratios.

  .deps/venv/bin/python bench/load_bench.py                 # every model
  .deps/venv/bin/python bench/load_bench.py --models mlp100 --cycles 4

  .deps/venv/bin/python bench/load_bench.py --models mlp400,mlp1g --cycles 6 --no-instances \
      --backend before=install-before/backends --backend after=install/backends

Models (generated, FP32 with a dynamic batch dim):
  mlp100     ~100 MB, 2048x2048 MatMuls, one model.onnx
  mlp100_ext ~100 MB, weights in an external data file beside model.onnx
  mlp400     ~400 MB, 24 MatMuls
  deep400    ~400 MB, 96 residual blocks of 1024x1024 (768 nodes)
  mlp1g      ~1 GB, 60 MatMuls
Rows per model: the default config (only `platform`, so 2 CPU instances
sharing one session) over --cycles load/unload cycles, each cycle with every
--backend build in turn (alternating order) and a tiny model's load (Triton's
own fixed cost of a load), against a raw session made in a fresh process
(the first session of a process), one made in a warm process (a later
session) and one in a warm process that gives freed memory back to the OS
after each session, as the backend does; the backend's verbose `load phases` line gives each phase's median.
Then one cycle each with instance_group count 1, 2 and 4, and with 2 and 4
instances with share_session_between_instances=false (a session per
instance), with the last build.
With --encrypted, each cycle also loads an encrypted copy right after the
plain one, on the last build's server (bench/encrypted_load.py: time, peak
RSS, files written).
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
# name: (layers, external data, width, block): "mlp" blocks are MatMul+Relu;
# "res" blocks (deep400) are a residual block of eight nodes (MatMul, bias,
# SiLU, residual add, scale), so the graph has hundreds of nodes, as real
# models of that size do.
MODELS = {"mlp100": (6, False, DIM, "mlp"), "mlp100_ext": (6, True, DIM, "mlp"), "mlp400": (24, False, DIM, "mlp"),
          "deep400": (96, False, 1024, "res"), "mlp1g": (60, False, DIM, "mlp")}
# Triton's own fixed cost of a load: a model with almost nothing to load.
TINY = "tiny"


def make_tiny(path: pathlib.Path):
    graph = helper.make_graph([helper.make_node("Identity", ["INPUT"], ["OUTPUT"])], "tiny",
                              [helper.make_tensor_value_info("INPUT", TensorProto.FLOAT, ["batch", 4])],
                              [helper.make_tensor_value_info("OUTPUT", TensorProto.FLOAT, ["batch", 4])])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(m, path)


def make_mlp(path: pathlib.Path, layers: int, external: bool, dim: int = DIM, block: str = "mlp"):
    """`layers` blocks of dim x dim FP32 weights (16 MiB each at 2048)."""
    rng = np.random.default_rng(0)
    nodes, inits, prev = [], [], "INPUT"
    for i in range(layers):
        w = f"W{i}"
        inits.append(numpy_helper.from_array((rng.standard_normal((dim, dim)) * 0.02).astype(np.float32), w))
        out = "OUTPUT" if i == layers - 1 else f"h{i}"
        if block == "res":
            inits += [numpy_helper.from_array(np.zeros(dim, np.float32), f"b{i}"),
                      numpy_helper.from_array(np.array(0.5, np.float32), f"s{i}")]
            nodes += [helper.make_node("MatMul", [prev, w], [f"m{i}"]),
                      helper.make_node("Add", [f"m{i}", f"b{i}"], [f"a{i}"]),
                      helper.make_node("Sigmoid", [f"a{i}"], [f"g{i}"]),
                      helper.make_node("Mul", [f"a{i}", f"g{i}"], [f"silu{i}"]),
                      helper.make_node("Add", [prev, f"silu{i}"], [f"r{i}"]),
                      helper.make_node("Mul", [f"r{i}", f"s{i}"], [f"q{i}"]),
                      helper.make_node("Abs", [f"q{i}"], [f"k{i}"]),
                      helper.make_node("Sub", [f"q{i}", f"k{i}"], [out])]
            prev = out
            continue
        mm = f"m{i}" if i < layers - 1 else out
        nodes.append(helper.make_node("MatMul", [prev, w], [mm]))
        if i < layers - 1:
            nodes.append(helper.make_node("Relu", [mm], [out]))
        prev = out
    graph = helper.make_graph(nodes, "load_bench",
                              [helper.make_tensor_value_info("INPUT", TensorProto.FLOAT, ["batch", dim])],
                              [helper.make_tensor_value_info("OUTPUT", TensorProto.FLOAT, ["batch", dim])],
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


# --- raw ORT, warm: one long-lived process; its first session is made and
# dropped at start, so every timed one is a later session of a warm process ---
# With "trim", the process gives its freed memory back to the OS after each
# session (glibc malloc_trim), as the backend does so that an unloaded model
# leaves no resident memory behind: the next session then faults its memory
# in again, like a fresh process, which a plain warm process does not.
WARM_WORKER = textwrap.dedent("""
    import ctypes, gc, sys, time
    import onnxruntime as ort
    path, trim = sys.argv[1], sys.argv[2] == "trim"
    libc = ctypes.CDLL("libc.so.6")
    def drop(s):
        del s
        gc.collect()
        if trim:
            libc.malloc_trim(0)
    drop(ort.InferenceSession(path, providers=["CPUExecutionProvider"]))
    print("ready", flush=True)
    for _ in sys.stdin:
        t = time.perf_counter()
        s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        dt = time.perf_counter() - t
        drop(s)
        print(dt, flush=True)
""")


class RawWarm:
    def __init__(self, model_file, trim=False):
        self.proc = subprocess.Popen([sys.executable, "-c", WARM_WORKER, str(model_file), "trim" if trim else "keep"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def cycle(self):
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


PHASE_LINE = re.compile(r"model '([^']+)': load phases: (.*)$")
INSTANCE_LINE = re.compile(r"model '([^']+)': instance '[^']*' created in (\d+) us")


def phases_of(log_text, model):
    """The backend's phase times (ms) of the last load of `model` in a server
    log: the `load phases` line's and each instance's creation."""
    phases, instances = {}, 0.0
    for line in log_text.splitlines():
        m = PHASE_LINE.search(line)
        if m and m.group(1) == model:
            phases = {k: float(v) for k, v in re.findall(r"([a-z -]+?) ([0-9.]+) ms", m.group(2))}
            phases = {k.strip(", "): v for k, v in phases.items()}
            instances = 0.0
        m = INSTANCE_LINE.search(line)
        if m and m.group(1) == model:
            instances += int(m.group(2)) / 1000
    if phases:
        phases["instance creation"] = instances
    return phases


class Server:
    def __init__(self, repo, log, backend_dir=None, extra_args=()):
        self.http = free_port()
        self.log_path = log
        self.log = open(log, "w")
        server_bin = os.environ.get("TRITONSERVER_BIN") or str(
            pathlib.Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" /
            "site-packages/pytriton/tritonserver/bin/tritonserver")
        self.proc = subprocess.Popen(
            [server_bin, f"--model-repository={repo}", f"--backend-directory={backend_dir or os.environ.get('ORT_BACKEND_DIR', ROOT / 'install/backends')}",
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

    def phases(self, model):
        self.log.flush()
        return phases_of(pathlib.Path(self.log_path).read_text(errors="replace"), model)

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


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else float("nan")


def bench_model(name, args, work, lines, results):
    layers, external, dim, block = MODELS[name]
    src = work / "models" / name
    if not (src / "model.onnx").exists():
        print(f"generating {name} ...", file=sys.stderr, flush=True)
        make_mlp(src / "model.onnx", layers, external, dim, block)
    tiny_src = work / "models" / TINY
    if not (tiny_src / "model.onnx").exists():
        make_tiny(tiny_src / "model.onnx")
    size = model_bytes(src)
    repo = work / f"repo_{name}"
    write_repo(repo, name, src)
    (repo / TINY / "1").mkdir(parents=True, exist_ok=True)
    if not (repo / TINY / "1" / "model.onnx").exists():
        os.link(tiny_src / "model.onnx", repo / TINY / "1" / "model.onnx")
    (repo / TINY / "config.pbtxt").write_text('platform: "onnxruntime_onnx"\n')
    # One server per backend build compared (--backend NAME=DIR), all alive
    # at once and loaded in turn, so a slow moment of the machine hits them alike.
    extra = encrypted_load.prepare(repo, name, work) if args.encrypted else []
    servers = {b: Server(repo, work / f"server_{name}_{b}.log", d, extra) for b, d in args.backends}
    raw = RawOrt(src / "model.onnx")
    warm = RawWarm(src / "model.onnx")
    warm_trim = RawWarm(src / "model.onnx", trim=True)
    rows = []
    try:
        order = list(servers)
        for c in range(args.cycles):
            row = {"cycle": c + 1, "builds": {}}
            for b in (order if c % 2 == 0 else order[::-1]):
                server = servers[b]
                t = server.load(f"{name}_default")
                loaded = server.rss()
                phases = server.phases(f"{name}_default")
                server.unload(f"{name}_default")
                after = server.rss()
                tiny_s = server.load(TINY)
                server.unload(TINY)
                row["builds"][b] = {"ours_s": t, "ours_loaded_kb": loaded, "ours_unloaded_kb": after,
                                    "tiny_s": tiny_s, "phases": phases, "base_kb": server.base_kb}
            row["raw"] = raw.cycle()
            row["warm_s"] = warm.cycle()
            row["warm_trim_s"] = warm_trim.cycle()
            if args.encrypted:
                row["encrypted"] = encrypted_load.cycle(servers[order[-1]], name, work, traced=c == 0)
            rows.append(row)
            print(f"  {name} cycle {c + 1}: " + ", ".join(
                f"{b} {x['ours_s']:.2f}s (tiny {x['tiny_s']:.2f}s)" for b, x in row["builds"].items()) +
                f"; raw fresh {row['raw']['s']:.2f}s, warm {row['warm_s']:.2f}s, warm trimmed {row['warm_trim_s']:.2f}s", file=sys.stderr, flush=True)
        instance_rows = {}
        server = servers[order[-1]]
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
        warm.stop()
        warm_trim.stop()
        for server in servers.values():
            server.stop()

    raw_s = [r["raw"]["s"] for r in rows]
    warm_s = [r["warm_s"] for r in rows]
    warm_trim_s = [r["warm_trim_s"] for r in rows]
    raw_inc = [r["raw"]["loaded_kb"] - r["raw"]["before_kb"] for r in rows]
    inc_med = median(raw_inc)
    size_kb = size / 1024
    lines.append(f"## {name}: {size / 2**20:.0f} MiB on disk{' (external data)' if external else ''}, "
                 f"{args.cycles} cycles, default config; raw session: fresh process median {median(raw_s):.3f}s, "
                 f"warm process median {median(warm_s):.3f}s, warm process that trims median {median(warm_trim_s):.3f}s, "
                 f"+{mb(inc_med):.0f} MiB")
    results[name] = {"size_bytes": size, "raw_fresh_s": raw_s, "raw_warm_s": warm_s, "raw_warm_trim_s": warm_trim_s, "raw_inc_kb": raw_inc,
                     "cycles": rows, "instances": instance_rows, "builds": {}}
    for b in servers:
        mine = [r["builds"][b] for r in rows]
        base = mine[0]["base_kb"]
        ours_s = [x["ours_s"] for x in mine]
        tiny_s = [x["tiny_s"] for x in mine]
        fresh = [o / r for o, r in zip(ours_s, raw_s)]
        warm_r = [o / w for o, w in zip(ours_s, warm_s)]
        trim_r = [o / w for o, w in zip(ours_s, warm_trim_s)]
        # Triton's own fixed cost (a tiny model's load, same cycle) taken out.
        net = [(o - t) / r for o, t, r in zip(ours_s, tiny_s, raw_s)]
        drift = (mine[-1]["ours_unloaded_kb"] - mine[0]["ours_unloaded_kb"]) / mine[0]["ours_unloaded_kb"]
        loaded_ratio = (mine[0]["ours_loaded_kb"] - base) / inc_med
        lines.append(f"[{b}] load median {median(ours_s):.3f}s: / fresh raw {median(fresh):.2f}x "
                     f"(min {min(fresh):.2f}, max {max(fresh):.2f}), / warm raw {median(warm_r):.2f}x, "
                     f"/ warm raw that trims {median(trim_r):.2f}x; "
                     f"tiny model (Triton's fixed cost) {median(tiny_s):.3f}s; "
                     f"without it / fresh raw {median(net):.2f}x")
        lines.append(f"[{b}] RSS: base {mb(base):.0f} MiB; first load +{mb(mine[0]['ours_loaded_kb'] - base):.0f} MiB "
                     f"({loaded_ratio:.2f}x raw's increase); after unload base + "
                     f"{100 * (mine[0]['ours_unloaded_kb'] - base) / size_kb:.1f}% of the size (last cycle "
                     f"{100 * (mine[-1]['ours_unloaded_kb'] - base) / size_kb:.1f}%); last vs first after unload "
                     f"{100 * drift:+.1f}%")
        keys = list(mine[0]["phases"]) if mine[0]["phases"] else []
        if keys:
            lines.append(f"[{b}] phases, median ms: " + ", ".join(
                f"{k} {median([x['phases'].get(k, 0) for x in mine]):.1f}" for k in keys))
        results[name]["builds"][b] = {"median_load_s": median(ours_s), "median_fresh_ratio": median(fresh),
                                      "median_warm_ratio": median(warm_r),
                                      "median_warm_trim_ratio": median(trim_r), "median_tiny_s": median(tiny_s),
                                      "median_net_fresh_ratio": median(net), "loaded_vs_raw": loaded_ratio,
                                      "unload_drift": drift}
    if instance_rows:
        lines.append(f"instances [{order[-1]}]: " + ", ".join(
            f"{v} {x['ours_s']:.2f}s/{x['raw_s']:.2f}s={x['ours_s'] / x['raw_s']:.2f}x" for v, x in instance_rows.items()))
    if args.encrypted:
        lines += encrypted_load.summary(name, [r["encrypted"] for r in rows], size)
    lines.append("")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="mlp100,mlp100_ext,mlp400,deep400,mlp1g")
    p.add_argument("--backend", action="append", default=[],
                   help="NAME=DIR: a backends folder to compare (repeatable; default: ORT_BACKEND_DIR or install/)")
    p.add_argument("--cycles", type=int, default=10)
    p.add_argument("--no-instances", action="store_true", help="skip the instance-count rows")
    p.add_argument("--encrypted", action="store_true", help="add the encrypted column (bench/encrypted_load.py)")
    p.add_argument("--work", default=str(pathlib.Path(tempfile.gettempdir()) / "ort_load_bench"),
                   help="where the generated models and repositories go (kept between runs)")
    p.add_argument("--out", default=str(HERE / "results"))
    args = p.parse_args()
    args.backends = [tuple(b.split("=", 1)) for b in args.backend] or [("ours", None)]
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

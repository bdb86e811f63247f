"""Runs the benchmark scenarios and reports ours / raw ONNX Runtime.

Scenarios (see bench/README.md):
  default    : no instance_group, no parameters. gRPC: config holds only the
               platform line; in-process (C API): platform, max_batch_size,
               inputs, outputs. Baseline: raw ORT with default session options,
               as many concurrent callers as the server has instances.
  one_thread : 1 instance, intra_op_thread_count 1. Baseline: raw ORT with 1
               intra-op thread, one caller.
Each row: model x batch x concurrency x mode (grpc | capi).
"""
import argparse
import csv
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_models  # noqa: E402

SITE = pathlib.Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
# Defaults are the project venv's; bench/device/run.sh points them at the
# unpacked wheels on a machine without the venv.
PYTRITON_LIBS = pathlib.Path(os.environ.get("BENCH_PYTRITON_LIBS", SITE / "nvidia_pytriton.libs"))
PA_LIBS = [pathlib.Path(p) for p in os.environ.get("BENCH_PA_LIBS", str(SITE / "nvidia/cuda_runtime/lib")).split(":")]
PA_LIBS.append(PYTRITON_LIBS)
PERF_ANALYZER = pathlib.Path(os.environ.get("BENCH_PERF_ANALYZER", pathlib.Path(sys.prefix) / "bin" / "perf_analyzer"))
# CPU sets (None: no pinning): the server and the raw baseline share
# SERVER_CPUS; the gRPC client runs on CLIENT_CPUS, so the comparison is of
# the same cores doing ORT work in both.
SERVER_CPUS = None
CLIENT_CPUS = None


def parse_cpus(text):
    cpus = set()
    for part in text.split(","):
        a, _, b = part.partition("-")
        cpus.update(range(int(a), int(b or a) + 1))
    return sorted(cpus)


def pinned(cpus):
    """preexec_fn that pins the child to `cpus` (or nothing)."""
    return (lambda: os.sched_setaffinity(0, cpus)) if cpus else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def progress(msg):
    print(f"  .. {msg}", file=sys.stderr, flush=True)


def pa_env():
    """perf_analyzer's libraries (libcudart), and the wheel's bundled
    libraries that its server library needs in-process."""
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = ":".join(str(p) for p in PA_LIBS) + ":" + env.get("LD_LIBRARY_PATH", "")
    return env


def input_data_file(out_dir, name, dims):
    """perf_analyzer input data: uniform(-1, 1), like the raw baseline's."""
    rng = np.random.default_rng(0)
    path = out_dir / f"{name}.input.json"
    if not path.exists():
        entry = {n: rng.uniform(-1, 1, size=int(np.prod(d))).astype(np.float32).round(4).tolist()
                 for n, d in dims.items()}
        path.write_text(json.dumps({"data": [entry]}))
    return path


def parse_pa_csv(path):
    with open(path) as f:
        row = next(csv.DictReader(f))
    us = lambda k: float(row.get(k, 0) or 0)
    return {
        "throughput": float(row["Inferences/Second"]),
        "p50_us": us("p50 latency"), "p99_us": us("p99 latency"),
        "queue_us": us("Server Queue"), "compute_input_us": us("Server Compute Input"),
        "compute_infer_us": us("Server Compute Infer"), "compute_output_us": us("Server Compute Output"),
    }


def run_perf_analyzer(args, model, batch, conc, data, csv_path, extra, env, retry=True):
    cmd = [str(PERF_ANALYZER), "-m", model, "-b", str(batch), "--concurrency-range", str(conc),
           "--input-data", str(data), "--measurement-interval", str(args.window_ms),
           "--stability-percentage", "100", "--max-trials", "4", "-f", str(csv_path), "--verbose-csv", *extra]
    in_process = "--service-kind=triton_c_api" in extra  # the server runs inside perf_analyzer
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                            preexec_fn=pinned(SERVER_CPUS if in_process else CLIENT_CPUS))
    # In-process at high concurrency perf_analyzer can keep measuring without
    # end (seen with add16 at concurrency 16: busy, growing, no result after
    # 9 minutes); such a row is reported as missing rather than waited for.
    timer = threading.Timer(args.row_timeout_s, proc.kill)
    timer.start()
    out = proc.stdout.read().decode(errors="replace")
    _, status, rusage = os.wait4(proc.pid, 0)
    timer.cancel()
    if os.waitstatus_to_exitcode(status) == -signal.SIGKILL:
        raise TimeoutError(f"perf_analyzer gave no result for {model} within {args.row_timeout_s} s")
    if os.waitstatus_to_exitcode(status) != 0 and retry and "stable measurement" in out:
        # Two cores shared by client and server are noisy; try once more with longer windows.
        progress("unstable; retrying with longer windows")
        args2 = argparse.Namespace(**{**vars(args), "window_ms": args.window_ms * 2})
        return run_perf_analyzer(args2, model, batch, conc, data, csv_path, extra, env, retry=False)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"perf_analyzer failed for {model}:\n{out[-3000:]}")
    result = parse_pa_csv(csv_path)
    result["client_rss_kb"] = rusage.ru_maxrss
    return result


def run_raw(args, model_path, batch, threads, callers, input_sets=1):
    if threads == 0 and SERVER_CPUS:
        # ORT's default thread count follows the machine's cores, not the
        # affinity mask; on the pinned cores "default" means one per core.
        threads = len(SERVER_CPUS)
    out = subprocess.run([str(args.build / "raw_ort_bench"), "--model", str(model_path), "--batch", str(batch),
                          "--threads", str(threads), "--concurrency", str(callers),
                          "--seconds", str(args.raw_seconds), "--input-sets", str(input_sets)],
                         capture_output=True, text=True, check=True, preexec_fn=pinned(SERVER_CPUS)).stdout
    return json.loads(out)


class GrpcServer:
    def __init__(self, repo, install, log):
        self.port, self.http_port = free_port(), free_port()
        self.log = open(log, "w")
        self.proc = subprocess.Popen(
            [os.environ["TRITONSERVER_BIN"], f"--model-repository={repo}",
             f"--backend-directory={install}/backends", f"--grpc-port={self.port}", f"--http-port={self.http_port}",
             f"--metrics-port={free_port()}", "--exit-timeout-secs=5",
             # Auto-complete's max_batch_size would be 4; the bench sends batches of 8.
             "--backend-config=onnxruntime,default-max-batch-size=8"], stdout=self.log, stderr=subprocess.STDOUT,
            preexec_fn=pinned(SERVER_CPUS))
        # Readiness over plain HTTP, so the bench needs no client library.
        import urllib.request
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/v2/health/ready", timeout=2) as r:
                    if r.status == 200:
                        return
            except Exception:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"server not ready; see {log}")

    def peak_rss_kb(self):
        status = pathlib.Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.log.close()


def measure_row(args, mode, server, server_dir, repo, model, batch, conc, data, csv_path):
    """One perf_analyzer measurement of our backend, over gRPC or in-process."""
    if mode == "grpc":
        r = run_perf_analyzer(args, model, batch, conc, data, csv_path,
                              ["-i", "grpc", "-u", f"127.0.0.1:{server.port}"], pa_env())
        r["server_rss_kb"] = server.peak_rss_kb()
    else:
        r = run_perf_analyzer(args, model, batch, conc, data, csv_path,
                              ["--service-kind=triton_c_api",
                               f"--triton-server-directory={server_dir}",
                               f"--model-repository={repo}"],
                              pa_env())
        r["server_rss_kb"] = r["client_rss_kb"]  # the server runs inside perf_analyzer
    return r


def instances_of(repo, model, install):
    """How many CPU instances the server gives the model (2 by default here)."""
    cfg = (repo / model / "config.pbtxt").read_text()
    m = re.search(r"count:\s*(\d+)", cfg)
    return int(m.group(1)) if m else 2


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", type=pathlib.Path, required=True)
    p.add_argument("--install", type=pathlib.Path, required=True)
    p.add_argument("--out", type=pathlib.Path, default=HERE / "results")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--models", default="add16,mlp,conv")
    p.add_argument("--scenarios", default="default,one_thread", help="a subset of the scenarios, for a focused run")
    p.add_argument("--modes", default="grpc,capi")
    p.add_argument("--batches", default="1,8")
    p.add_argument("--concurrencies", help="default: 1,4,16 (--quick: 1,16)")
    p.add_argument("--row-timeout-s", type=float, default=180, help="give up on a perf_analyzer run after this")
    p.add_argument("--server-cpus", help="pin the server and the raw baseline to these CPUs, e.g. 0-1")
    p.add_argument("--client-cpus", help="pin the gRPC client (perf_analyzer) to these CPUs, e.g. 4-11")
    args = p.parse_args()
    global SERVER_CPUS, CLIENT_CPUS
    SERVER_CPUS = parse_cpus(args.server_cpus) if args.server_cpus else None
    CLIENT_CPUS = parse_cpus(args.client_cpus) if args.client_cpus else None
    args.build, args.install = args.build.resolve(), args.install.resolve()
    args.window_ms = 1000 if args.quick else 2000
    args.raw_seconds = 2 if args.quick else 4
    batches = [int(b) for b in args.batches.split(",")]
    concurrencies = ([int(c) for c in args.concurrencies.split(",")] if args.concurrencies
                     else [1, 16] if args.quick else [1, 4, 16])
    models = args.models.split(",")

    args.out.mkdir(parents=True, exist_ok=True)
    work = args.out / "work"
    make_models.write(work)
    dims = {name: make()[1] for name, make in make_models.MODELS.items()}

    # In-process mode loads libtritonserver.so from DIR/lib (RTLD_LOCAL); the
    # wheel renames it, so DIR/lib holds a link. The backend finds the loaded
    # library itself (docs/building.md).
    server_dir = work / "server_dir"
    (server_dir / "lib").mkdir(parents=True, exist_ok=True)
    lib = next(PYTRITON_LIBS.glob("libtritonserver-*.so"))
    link = server_dir / "lib" / "libtritonserver.so"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(lib)
    backends = server_dir / "backends"
    if backends.is_symlink() or backends.exists():
        backends.unlink()
    backends.symlink_to(args.install / "backends")

    rows = []
    scenarios = [("default", "grpc_default", "capi_default", 0), ("one_thread", "one_thread", "one_thread", 1)]
    scenarios = [s for s in scenarios if s[0] in args.scenarios.split(",")]
    for scenario, grpc_repo, capi_repo, raw_threads in scenarios:
        for mode in args.modes.split(","):
            repo = work / (grpc_repo if mode == "grpc" else capi_repo)
            server = GrpcServer(repo, args.install, work / f"server-{scenario}.log") if mode == "grpc" else None
            try:
                for model in models:
                    callers_max = instances_of(work / capi_repo, model, args.install)
                    for batch in batches:
                        data = input_data_file(work, model, dims[model])
                        for conc in concurrencies:
                            if mode == "capi" and conc not in (1, 16):
                                # perf_analyzer's in-process mode grows by tens of MB/s above
                                # concurrency 1 here (see bench/README.md): besides 1, only the
                                # all-cores-busy row (16) is measured, in a bounded window.
                                continue
                            progress(f"{scenario} {mode} {model} batch={batch} concurrency={conc}")
                            csv_path = work / "pa.csv"
                            try:
                                r = measure_row(args, mode, server, server_dir, repo, model, batch, conc, data,
                                                csv_path)
                            except TimeoutError as e:
                                progress(f"row skipped: {e}")
                                continue
                            raw = run_raw(args, work / f"{model}.onnx", batch, raw_threads,
                                          min(conc, callers_max))
                            cold = None
                            if conc == 1:
                                # A second baseline whose input is not in the cache when Run
                                # reads it, as a request's freshly received data is not.
                                item_bytes = 4 * sum(int(np.prod(d)) for d in dims[model].values())
                                sets = min(4096, max(2, (128 << 20) // (item_bytes * batch)))
                                cold = run_raw(args, work / f"{model}.onnx", batch, raw_threads, 1, sets)
                            server_us = r["compute_input_us"] + r["compute_infer_us"] + r["compute_output_us"]
                            rows.append({
                                "scenario": scenario, "mode": mode, "model": model, "batch": batch,
                                "concurrency": conc, **r, "server_us": server_us,
                                "raw_mean_us": raw["mean_us"], "raw_p50_us": raw["p50_us"],
                                "raw_throughput": raw["infer_per_s"], "raw_rss_kb": raw["peak_rss_kb"],
                                "time_ratio": server_us / raw["mean_us"] if raw["mean_us"] else None,
                                "time_over_raw_us": server_us - raw["mean_us"],
                                "raw_cold_mean_us": cold["mean_us"] if cold else None,
                                "time_ratio_cold": server_us / cold["mean_us"] if cold and cold["mean_us"] else None,
                                "throughput_ratio": r["throughput"] / raw["infer_per_s"],
                            })
                            # Kept as it goes, so a run cut short still leaves its rows.
                            with open(args.out / "rows.jsonl", "a") as f:
                                f.write(json.dumps(rows[-1]) + "\n")
            finally:
                if server:
                    server.stop()

    report(rows, args.out)


def report(rows, out):
    header = (f"{'scenario':<10} {'mode':<4} {'model':<5} {'b':>2} {'c':>2} | {'infer/s':>9} {'p50us':>7} {'p99us':>7} "
              f"| {'queue':>5} {'in':>4} {'infer':>6} {'out':>4} {'srv_us':>7} | {'raw_us':>7} {'ratio':>5} {'+us':>6} "
              f"| {'cold_us':>7} {'cratio':>6} | {'raw/s':>9} {'tput':>5} | {'rssMB':>5}")
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r['scenario']:<10} {r['mode']:<4} {r['model']:<5} {r['batch']:>2} {r['concurrency']:>2} | "
            f"{r['throughput']:>9.1f} {r['p50_us']:>7.0f} {r['p99_us']:>7.0f} | {r['queue_us']:>5.0f} "
            f"{r['compute_input_us']:>4.0f} {r['compute_infer_us']:>6.0f} {r['compute_output_us']:>4.0f} "
            f"{r['server_us']:>7.0f} | {r['raw_mean_us']:>7.1f} {r['time_ratio']:>5.2f} {r['time_over_raw_us']:>6.1f} | "
            + (f"{r['raw_cold_mean_us']:>7.1f} {r['time_ratio_cold']:>6.2f} | " if r.get("raw_cold_mean_us") else
               f"{'':>7} {'':>6} | ") +
            f"{r['raw_throughput']:>9.1f} {r['throughput_ratio']:>5.2f} | {r['server_rss_kb'] / 1024:>5.0f}")
    table = "\n".join(lines)
    print(table)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"bench-{stamp}.json").write_text(json.dumps(rows, indent=1))
    (out / "latest.json").write_text(json.dumps(rows, indent=1))
    (out / "latest.txt").write_text(table + "\n")
    plot(rows, out / "latest.png")
    c1 = [r for r in rows if r["concurrency"] == 1]
    worst = max(c1, key=lambda r: r["time_ratio"]) if c1 else None
    print(f"\nbench done: {len(rows)} rows; results in {out}/latest.{{txt,json,png}}"
          + (f"; worst concurrency-1 time ratio {worst['time_ratio']:.2f} "
             f"({worst['scenario']} {worst['mode']} {worst['model']} b{worst['batch']})" if worst else ""))


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(14, 5))
    labels = [f"{r['scenario'][:3]}/{r['mode']}/{r['model']}/b{r['batch']}/c{r['concurrency']}" for r in rows]
    x = np.arange(len(rows))
    axes[0].bar(x, [r["time_ratio"] for r in rows])
    axes[0].axhline(1.10, color="red", linestyle="--", label="1.10x")
    axes[0].set_title("server-side time / raw ORT Run time")
    axes[1].bar(x, [r["throughput_ratio"] for r in rows])
    axes[1].axhline(0.95, color="red", linestyle="--", label="0.95x")
    axes[1].set_title("throughput / raw ORT throughput")
    for ax in axes:
        ax.set_xticks(x)
        ax.set_xticklabels(labels, rotation=90, fontsize=6)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()

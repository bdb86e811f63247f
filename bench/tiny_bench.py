"""Per-request fixed cost on tiny models (bench/tiny_models.py): the server-side
time per request in-process (perf_analyzer --service-kind=triton_c_api, batch
1, concurrency 1, one instance with one intra-op thread) against raw ONNX
Runtime's `Run` (same model, one thread, one caller; its median) measured in
the same run.

Several backend builds can be compared on the noisy shared machine: each
round measures every model with every build, in alternating order, and the
raw baseline beside them, so each build is read as `+us` over the raw `Run`
of its own round.

  python bench/tiny_bench.py --build build-rel --install before=install-before --install after=install
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run as bench_run  # noqa: E402
import tiny_models  # noqa: E402


def server_dir_for(work, name, install):
    """The in-process server's folder: lib/libtritonserver.so and the backends of `install`."""
    d = work / f"server_{name}"
    (d / "lib").mkdir(parents=True, exist_ok=True)
    link = d / "lib" / "libtritonserver.so"
    if not link.exists():
        link.symlink_to(next(bench_run.PYTRITON_LIBS.glob("libtritonserver-*.so")))
    backends = d / "backends"
    if backends.is_symlink():
        backends.unlink()
    backends.symlink_to(install / "backends")
    return d, link


def measure(args, work, model, server_dir, link):
    extra = ["--service-kind=triton_c_api", f"--triton-server-directory={server_dir}",
             f"--model-repository={work / 'repo'}"]
    r = bench_run.run_perf_analyzer(args, model, 1, 1, work / f"{model}.input.json", work / "pa.csv", extra,
                                    bench_run.pa_env(preload=link))
    r["server_us"] = r["compute_input_us"] + r["compute_infer_us"] + r["compute_output_us"]
    return r


def raw(args, work, model, raw_args):
    out = subprocess.run([str(args.build / "raw_ort_bench"), "--model", str(work / f"{model}.onnx"), "--batch", "1",
                          "--threads", "1", "--concurrency", "1", "--seconds", str(args.raw_seconds), *raw_args],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", type=pathlib.Path, required=True, help="the build folder with raw_ort_bench")
    p.add_argument("--install", action="append", required=True, help="NAME=INSTALL_DIR, one per build compared")
    p.add_argument("--models", default=",".join(tiny_models.MODELS))
    p.add_argument("--silero", help="a silero_vad.onnx (from PyPI's silero-vad wheel) to add as model `silero`")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--out", type=pathlib.Path, default=HERE / "results" / "tiny")
    p.add_argument("--window-ms", type=int, default=1500)
    p.add_argument("--raw-seconds", type=float, default=2)
    p.add_argument("--row-timeout-s", type=float, default=180)
    args = p.parse_args()
    args.build = args.build.resolve()
    installs = [(n, pathlib.Path(d).resolve()) for n, d in (s.split("=", 1) for s in args.install)]
    work = args.out / "work"
    work.mkdir(parents=True, exist_ok=True)
    raw_args = tiny_models.write(work, args.silero)
    dirs = {n: server_dir_for(work, n, d) for n, d in installs}
    models = args.models.split(",")

    rows = []
    for rnd in range(args.rounds):
        order = installs if rnd % 2 == 0 else installs[::-1]
        for model in models:
            base = raw(args, work, model, raw_args[model])
            for name, _ in order:
                bench_run.progress(f"round {rnd + 1}: {model} with {name}")
                try:
                    r = measure(args, work, model, *dirs[name])
                except RuntimeError as e:
                    # No stable window even with the longer retry (the shared machine
                    # was busy): the round has no row for this build; the others stay.
                    bench_run.progress(f"row skipped: {str(e).splitlines()[0]}")
                    continue
                # The baseline is raw Run's median: on a shared machine a tight loop's
                # mean carries every preemption of the measured thread (seen at 2-20x
                # the median here), the server's per-request means far fewer.
                rows.append({"round": rnd, "model": model, "build": name, "raw_us": base["p50_us"],
                             "raw_mean_us": base["mean_us"], **r, "over_raw_us": r["server_us"] - base["p50_us"]})
                with open(args.out / "rows.jsonl", "a") as f:
                    f.write(json.dumps(rows[-1]) + "\n")
    report(rows, models, [n for n, _ in installs], args.out)


def report(rows, models, builds, out):
    lines = [f"{'model':<10} {'raw_p50':>7} | " + " | ".join(f"{b + ' srv_us':>14} {'+us':>6} {'ratio':>5}"
                                                         for b in builds) + " | per round +us"]
    for m in models:
        mine = [r for r in rows if r["model"] == m]
        raw_us = statistics.median(r["raw_us"] for r in mine)
        cells, rounds = [], []
        for b in builds:
            rb = [r for r in mine if r["build"] == b]
            if not rb:
                cells.append(f"{'-':>14} {'-':>6} {'-':>5}")
                continue
            srv = statistics.median(r["server_us"] for r in rb)
            over = statistics.median(r["over_raw_us"] for r in rb)
            cells.append(f"{srv:>14.1f} {over:>6.1f} {srv / raw_us:>5.2f}")
            rounds.append(f"{b}: " + " ".join(f"{r['over_raw_us']:.1f}" for r in rb))
        lines.append(f"{m:<10} {raw_us:>7.1f} | " + " | ".join(cells) + " | " + "; ".join(rounds))
    table = "\n".join(lines)
    print(table)
    (out / "latest.txt").write_text(table + "\n")
    (out / f"tiny-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

"""OpenVINO compiled-model cache: load time of a model with the OpenVINO
accelerator without a cache, with an empty `cache_dir` (cold: OpenVINO
compiles and writes its blob) and again with that `cache_dir` from a model
repository in a new temporary directory (warm: the blob is imported), each
load by a server of its own, measured in the same run and reported as
ratios to the load without a cache.

Needs the OpenVINO build of the backend:
  BUILD_DIR=$PWD/build-openvino INSTALL_DIR=$PWD/install-openvino \\
    scripts/build.sh -DTRITON_ENABLE_ONNXRUNTIME_OPENVINO=ON -DORT_BACKEND_BUILD_TESTS=OFF
  ORT_BACKEND_DIR=$PWD/install-openvino/backends .deps/venv/bin/python bench/openvino_cache_bench.py
Results: bench/results/openvino_cache.txt.
"""
import argparse
import os
import pathlib
import shutil
import sys
import tempfile
import time

import onnx

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_models  # noqa: E402
from load_bench import Server, make_mlp  # noqa: E402


def config(cache_dir):
    params = f'parameters {{ key: "cache_dir" value: "{cache_dir}" }}' if cache_dir else ""
    return ('platform: "onnxruntime_onnx"\ninstance_group [{ count: 1, kind: KIND_CPU }]\n'
            'optimization { execution_accelerators { cpu_execution_accelerator: [ '
            f'{{ name: "openvino" {params} }} ] }} }}\n')


def load_once(model_file, cache_dir, work):
    """A fresh repository in a new temporary directory, a server of its own,
    one load; returns the load request's duration."""
    tmp = pathlib.Path(tempfile.mkdtemp(dir=work))
    d = tmp / "models" / "m"
    (d / "1").mkdir(parents=True)
    shutil.copy(model_file, d / "1" / "model.onnx")
    (d / "config.pbtxt").write_text(config(cache_dir))
    server = Server(tmp / "models", tmp / "server.log")
    try:
        t = server.load("m")
        server.unload("m")
    finally:
        server.stop()
    shutil.rmtree(tmp)
    return t


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--work", default=str(pathlib.Path(tempfile.gettempdir()) / "ort_ov_cache_bench"))
    p.add_argument("--out", default=str(HERE / "results"))
    args = p.parse_args()
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    models = {"conv": work / "conv.onnx", "mlp100": work / "mlp100.onnx"}
    if not models["conv"].exists():
        onnx.save(make_models.conv()[0], models["conv"])
    if not models["mlp100"].exists():
        make_mlp(models["mlp100"], 6, False)
    lines = [f"# OpenVINO cache_dir {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores", "",
             "model   round  no_cache_s  cold_s  warm_s  cold/no_cache  warm/no_cache  warm/cold  blob_files"]
    for name, f in models.items():
        for r in range(args.rounds):
            cache = pathlib.Path(tempfile.mkdtemp(dir=work, prefix="cache_"))
            t0 = load_once(f, None, work)
            t1 = load_once(f, cache, work)
            blobs = sum(1 for x in cache.rglob("*") if x.is_file())
            t2 = load_once(f, cache, work)
            lines.append(f"{name:7s} {r + 1:5d}  {t0:10.2f}  {t1:6.2f}  {t2:6.2f}  {t1 / t0:13.2f}  {t2 / t0:13.2f}  "
                         f"{t2 / t1:9.2f}  {blobs:10d}")
            print(lines[-1], file=sys.stderr, flush=True)
            shutil.rmtree(cache)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "openvino_cache.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

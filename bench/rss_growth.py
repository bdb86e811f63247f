"""RSS of the server after 10k and after 100k requests (add16 and mlp, batch
1, gRPC, 4 client threads): a growing hot path would show here.

  .deps/venv/bin/python bench/rss_growth.py   (bench/run.sh runs it last)
"""
import concurrent.futures
import os
import pathlib
import re
import sys

import numpy as np
import tritonclient.grpc as grpcclient

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_models  # noqa: E402
from run import GrpcServer  # noqa: E402


def rss_kb(pid):
    return int(re.search(r"VmRSS:\s+(\d+)", pathlib.Path(f"/proc/{pid}/status").read_text()).group(1))


def send(port, model, shape, count):
    client = grpcclient.InferenceServerClient(f"127.0.0.1:{port}")
    data = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
    names = ["A", "B"] if model == "add16" else ["INPUT"]
    inputs = []
    for n in names:
        i = grpcclient.InferInput(n, list(shape), "FP32")
        i.set_data_from_numpy(data)
        inputs.append(i)
    for _ in range(count):
        client.infer(model, inputs)


def main():
    out = HERE / "results"
    work = out / "work"
    make_models.write(work)
    server = GrpcServer(work / "grpc_default", HERE.parent / "install", work / "server-rss.log")
    lines = []
    try:
        for model, shape in (("add16", (1, 16)), ("mlp", (1, 512))):
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda _: send(server.port, model, shape, 2500), range(4)))
                at_10k = rss_kb(server.proc.pid)
                list(pool.map(lambda _: send(server.port, model, shape, 22500), range(4)))
                at_100k = rss_kb(server.proc.pid)
            growth = (at_100k - at_10k) / at_10k
            lines.append(f"{model}: RSS after 10k requests {at_10k / 1024:.1f} MB, after 100k {at_100k / 1024:.1f} MB "
                         f"({growth * 100:+.2f}%)")
            print(lines[-1], flush=True)
    finally:
        server.stop()
    (out / "rss_growth.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

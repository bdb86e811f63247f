"""The encrypted column of load_bench.py (docs/model_protection.md): the same
generated model encrypted with ort-encrypt-model and served through the
shipped AES-256-GCM decryptor, loaded and unloaded in each cycle right after
the plain copy, on the same server. Per load: the load request's duration,
the server's peak RSS during the load (VmHWM, reset before each load by
writing 5 to /proc/PID/clear_refs), its RSS after the load and after the
unload; and the files the server opened for writing during the encrypted
load (strace, attached for that load only), which should be none of the
model's."""
import os
import pathlib
import re
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _backend_dir():
    return pathlib.Path(os.environ.get("ORT_BACKEND_DIR", ROOT / "install/backends"))


def prepare(repo, name, work):
    """Makes <repo>/<name>_enc, an encrypted copy of <name>_default, and returns
    the server arguments that register the decryptor it selects."""
    tool = _backend_dir().parent / "bin" / "ort-encrypt-model"
    key = pathlib.Path(work) / "bench.key"
    if not key.exists():
        subprocess.run([str(tool), "--new-key", str(key)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([str(tool), "--key-file", str(key), "--decryptor", "bench", str(repo / f"{name}_default"),
                    str(repo / f"{name}_enc")], check=True, stdout=subprocess.DEVNULL)
    library = _backend_dir() / "onnxruntime" / "decryptors" / "libortb_aes_gcm_decryptor.so"
    return [f"--backend-config=onnxruntime,decryptor=bench:{library}",
            f"--backend-config=onnxruntime,decryptor-option=bench:key-file={key}"]


def _status_kb(pid, field):
    return int(re.search(rf"{field}:\s+(\d+)", pathlib.Path(f"/proc/{pid}/status").read_text()).group(1))


def _measure(server, model, trace=None):
    pathlib.Path(f"/proc/{server.proc.pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
    tracer = None
    if trace is not None:
        tracer = subprocess.Popen(["strace", "-f", "-qq", "-p", str(server.proc.pid), "-o", str(trace),
                                   "-e", "trace=open,openat,creat,rename,renameat,renameat2"])
        while not pathlib.Path(trace).exists():
            time.sleep(0.05)
        time.sleep(0.5)  # every thread attached
    try:
        seconds = server.load(model)
    finally:
        if tracer is not None:
            tracer.terminate()
            tracer.wait()
    peak, loaded = _status_kb(server.proc.pid, "VmHWM"), server.rss()
    server.unload(model)
    return {"s": seconds, "peak_kb": peak, "loaded_kb": loaded, "unloaded_kb": server.rss()}


def _written(trace):
    text = pathlib.Path(trace).read_text()
    return sorted({line.split('"')[1] for line in text.splitlines()
                   if "open" in line and ("O_WRONLY" in line or "O_RDWR" in line or "O_CREAT" in line)})


def cycle(server, name, work, traced=False):
    """One plain and one encrypted load/unload of `name`, back to back."""
    plain = _measure(server, f"{name}_default")
    trace = pathlib.Path(work) / f"strace_{name}.txt" if traced else None
    encrypted = _measure(server, f"{name}_enc", trace)
    if trace is not None:
        encrypted["written"] = _written(trace)
    return {"plain": plain, "encrypted": encrypted}


def summary(name, rows, size):
    """Lines for load.txt: per cycle, then the medians."""
    mib = 1 / 1024
    lines = [f"encrypted ({name}, AES-256-GCM, shipped decryptor): cycle  plain_s  enc_s  ratio  "
             "plain_peak_MiB  enc_peak_MiB  (enc-plain)/size  enc_loaded-plain_loaded_MiB  enc_unloaded-plain_unloaded_MiB"]
    ratios, extra = [], []
    for i, r in enumerate(rows, 1):
        p, e = r["plain"], r["encrypted"]
        ratio = e["s"] / p["s"]
        ratios.append(ratio)
        extra.append((e["peak_kb"] - p["peak_kb"]) * 1024 / size)
        lines.append(f"  {i:5d}  {p['s']:7.2f}  {e['s']:5.2f}  {ratio:5.2f}  {p['peak_kb'] * mib:14.0f}  "
                     f"{e['peak_kb'] * mib:12.0f}  {extra[-1]:+16.2f}  {(e['loaded_kb'] - p['loaded_kb']) * mib:+27.0f}  "
                     f"{(e['unloaded_kb'] - p['unloaded_kb']) * mib:+31.0f}")
    written = [w for r in rows for w in r["encrypted"].get("written", [])]
    lines.append(f"encrypted/plain load time: median {sorted(ratios)[len(ratios) // 2]:.2f}x (min {min(ratios):.2f}, "
                 f"max {max(ratios):.2f}); peak RSS above the plain load's: median "
                 f"{sorted(extra)[len(extra) // 2]:.2f} model sizes (max {max(extra):.2f}); files opened for writing "
                 f"during the traced encrypted load: {written or 'none'}")
    return lines

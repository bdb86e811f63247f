"""Protected models (docs/model_protection.md): models encrypted with
ort-encrypt-model and served through the operator's decryptor answer exactly
as their plain copies, no plaintext reaches the disk, the load API takes
encrypted files, ort-model-config reads them, and two decryptors serve side
by side (key rotation). The refusals are in test_bad_models.py."""
import json
import os
import pathlib
import subprocess
import tempfile
import threading
import time
import uuid

import numpy as np
import onnx
import pytest
import tritonclient.http as httpclient
from onnx import TensorProto, helper, numpy_helper

import models
import protection

NEXT_KEY_ENV = "ORTB_TEST_NEXT_MODEL_KEY"
# A fresh marker per run, so it is on disk nowhere but inside the model.
MARKER = f"PLAINTEXT-MARKER-{uuid.uuid4().hex}"


def _batching_config(name):
    return models.config(name, [("INPUT0", "TYPE_FP32", [4]), ("INPUT1", "TYPE_FP32", [4])],
                         [("OUTPUT0", "TYPE_FP32", [4]), ("OUTPUT1", "TYPE_FP32", [4])], max_batch_size=8,
                         extra="dynamic_batching { max_queue_delay_microseconds: 20000 }")


def _strings_config(name):
    return models.config(name, [("INPUT", "TYPE_STRING", [-1])], [("OUTPUT", "TYPE_STRING", [-1])], max_batch_size=0)


def _marker_model():
    """OUTPUT = INPUT + M, uint8, with M the marker's bytes (kept as external
    data) and the marker in the graph's doc string too (so both files hold it)."""
    m = np.frombuffer(MARKER.encode(), dtype=np.uint8)
    model = models.make_model([helper.make_node("Add", ["INPUT", "M"], ["OUTPUT"])],
                              [models.tensor("INPUT", TensorProto.UINT8, [len(m)])],
                              [models.tensor("OUTPUT", TensorProto.UINT8, [len(m)])],
                              [numpy_helper.from_array(m, "M")])
    model.graph.doc_string = MARKER
    return model


# name -> (builder of (model, config or None, external_data), the inputs of one request)
def _cases():
    weights, _ = models.matmul_with_weights()
    # 512 weights (2 KiB): large enough to be read from the decrypted buffer
    # by reference (load/weights_by_reference.h).
    scale, _ = models.scale_by_weights(shape=("batch", 512))
    rng = np.random.default_rng(7)
    return {
        "add_sub_batching": ((models.add_sub(), _batching_config, False),
                             {"INPUT0": rng.standard_normal((1, 4), dtype=np.float32),
                              "INPUT1": rng.standard_normal((1, 4), dtype=np.float32)}),
        "weights_external": ((weights, None, True), {"X": rng.standard_normal((3, 4), dtype=np.float32)}),
        "scale_inline": ((scale, None, False), {"INPUT": rng.standard_normal((2, 512), dtype=np.float32)}),
        "strings": ((models.lowercase_strings(), _strings_config, False),
                    {"INPUT": np.array([b"Hello", b"WORLD", b"\xc3\x84b"], dtype=np.object_)}),
    }


CASES = _cases()


def _save(repo, name, model, config, external):
    # A copy: saving with external data moves the tensors out of the proto.
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    models.save(repo, name, copy, config(name) if config else None, external_data=external)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    key = protection.new_key(folder / "model.key")
    next_key = protection.new_key(folder / "next.key")
    return key, next_key


@pytest.fixture(scope="module")
def repo(tmp_path_factory, keys):
    key, next_key = keys
    repo = tmp_path_factory.mktemp("protected") / "models"
    for name, ((model, config, external), _) in CASES.items():
        _save(repo, name, model, config, external)
        _save(repo, name + "_enc", model, config, external)
        protection.encrypt(repo / (name + "_enc"), key)
    # The same model under the next key, through the second decryptor, and
    # encrypted into the repository from a plain folder outside it.
    model, config, external = CASES["scale_inline"][0]
    staging = tmp_path_factory.mktemp("staging")
    _save(staging, "scale_inline_next", model, config, external)
    protection.encrypt(staging / "scale_inline_next", next_key, repo / "scale_inline_next", decryptor="aes-next")
    # Encrypted in place: the plain files are replaced, so no file holds the marker.
    models.save(repo, "marker", _marker_model(), external_data=True)
    protection.encrypt(repo / "marker", key)
    return repo


@pytest.fixture(scope="module")
def server(repo, keys, module_server_factory):
    key, next_key = keys
    os.environ[NEXT_KEY_ENV] = next_key.read_text().strip()  # the server's environment (conftest copies ours)
    try:
        names = [n for c in CASES for n in (c, c + "_enc")] + ["scale_inline_next"]
        return module_server_factory(repo, [
            "--model-control-mode=explicit", *[f"--load-model={n}" for n in names],
            # One decryptor in the NAME:PATH spelling, the next one dotted.
            f"--backend-config=onnxruntime,decryptor=aes:{protection.aes_library()}",
            f"--backend-config=onnxruntime,decryptor-option=aes:key-file={key}",
            *protection.decryptor_args(**{"aes-next": (protection.aes_library(), [f"key-env={NEXT_KEY_ENV}"])})])
    finally:
        del os.environ[NEXT_KEY_ENV]


def _infer(client, name, inputs):
    request = []
    for n, a in inputs.items():
        i = httpclient.InferInput(n, list(a.shape), "BYTES" if a.dtype == np.object_ else
                                  {np.float32: "FP32", np.uint8: "UINT8"}[a.dtype.type])
        i.set_data_from_numpy(a)
        request.append(i)
    result = client.infer(name, request)
    return {o["name"]: result.as_numpy(o["name"]) for o in result.get_response()["outputs"]}


def _assert_bitwise_equal(a, b):
    assert a.keys() == b.keys()
    for n in a:
        assert a[n].dtype == b[n].dtype and a[n].shape == b[n].shape, n
        if a[n].dtype == np.object_:
            assert list(a[n].ravel()) == list(b[n].ravel()), n
        else:
            assert a[n].tobytes() == b[n].tobytes(), n


@pytest.mark.parametrize("name", list(CASES))
def test_encrypted_copy_answers_bitwise_as_the_plain_one(server, repo, name):
    files = [p for p in (repo / (name + "_enc") / "1").rglob("*") if p.is_file()]
    assert files and all(p.read_bytes().startswith(b"ORTBGCM1") for p in files), files
    client = server.http()
    inputs = CASES[name][1]
    plain = _infer(client, name, inputs)
    _assert_bitwise_equal(plain, _infer(client, name + "_enc", inputs))
    assert any(np.any(v != 0) for v in plain.values() if v.dtype != np.object_) or name == "strings"


def test_dynamic_batching_combines_encrypted_requests_as_plain_ones(server):
    """Eight concurrent requests through the dynamic batcher, to both copies."""
    client = server.http(concurrency=8)
    rng = np.random.default_rng(11)
    requests = [{"INPUT0": rng.standard_normal((1, 4), dtype=np.float32),
                 "INPUT1": rng.standard_normal((1, 4), dtype=np.float32)} for _ in range(8)]

    def send(name):
        pending = []
        for r in requests:
            ins = []
            for n, a in r.items():
                i = httpclient.InferInput(n, [1, 4], "FP32")
                i.set_data_from_numpy(a)
                ins.append(i)
            pending.append(client.async_infer(name, ins))
        return [p.get_result().as_numpy("OUTPUT0").tobytes() for p in pending]

    assert send("add_sub_batching") == send("add_sub_batching_enc")
    stats = client.get_inference_statistics("add_sub_batching_enc")["model_stats"][0]
    assert int(stats["inference_count"]) >= 8
    assert int(stats["execution_count"]) < int(stats["inference_count"]), stats  # some requests ran together


def test_two_decryptors_serve_side_by_side(server):
    """Key rotation: the same model under the next key, selected by the second
    decryptor (its key from an environment variable), answers the same."""
    client = server.http()
    inputs = CASES["scale_inline"][1]
    _assert_bitwise_equal(_infer(client, "scale_inline", inputs), _infer(client, "scale_inline_next", inputs))


def _files_holding(marker, roots, since):
    """Files under `roots` changed since `since` whose bytes contain `marker`."""
    needle = marker.encode()
    found, scanned = [], 0
    for root in roots:
        for folder, _, names in os.walk(root):
            for n in names:
                p = pathlib.Path(folder) / n
                try:
                    if not p.is_file() or p.is_symlink() or p.stat().st_mtime < since:
                        continue
                    scanned += 1
                    with open(p, "rb") as f:
                        if needle in f.read():
                            found.append(str(p))
                except OSError:
                    continue  # gone or unreadable meanwhile
    return found, scanned


def _temp_roots():
    roots = {tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"}
    return [r for r in roots if os.path.isdir(r)]


def _opened_for_writing(trace_text):
    """Paths the traced process opened with O_WRONLY, O_RDWR or O_CREAT, or renamed to."""
    paths = []
    for line in trace_text.splitlines():
        if "open" in line and any(f in line for f in ("O_WRONLY", "O_RDWR", "O_CREAT")) and '"' in line:
            paths.append(line.split('"')[1])
        elif "rename" in line and line.count('"') >= 4:
            paths.append(line.split('"')[3])
    return paths


def test_no_plaintext_reaches_the_disk(server, repo):
    """The marker model loads encrypted while strace records every file the
    server opens for writing; no file under the temp dirs, the repository or
    the working dir holds the marker during or after the load."""
    start = time.time() - 1
    roots = [*_temp_roots(), str(repo), os.getcwd()]
    trace = pathlib.Path(tempfile.mkdtemp()) / "strace.txt"
    tracer = subprocess.Popen(["strace", "-f", "-qq", "-p", str(server.proc.pid), "-o", str(trace),
                               "-e", "trace=open,openat,openat2,creat,rename,renameat,renameat2"],
                              stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):  # attached once the trace file appears
            if trace.exists():
                break
            time.sleep(0.05)
        assert trace.exists(), "strace did not attach to the server"
        during, scans = [], [0]
        done = threading.Event()

        def scan_while_loading():
            while not done.is_set():
                found, scanned = _files_holding(MARKER, roots, start)
                during.extend(found)
                scans[0] += scanned
        scanner = threading.Thread(target=scan_while_loading)
        scanner.start()
        client = server.http()
        try:
            client.load_model("marker")
        finally:
            done.set()
            scanner.join()
        a = np.zeros(len(MARKER), dtype=np.uint8)
        assert _infer(client, "marker", {"INPUT": a})["OUTPUT"].tobytes() == MARKER.encode()
    finally:
        tracer.terminate()
        tracer.wait(timeout=30)
    after, scanned_after = _files_holding(MARKER, roots, start)
    written = _opened_for_writing(trace.read_text())
    print(f"\nfiles the server opened for writing during the load: {sorted(set(written)) or 'none'}; "
          f"scanned {scans[0]} file(s) during the load and {scanned_after} after")
    assert "openat" in trace.read_text() or "open(" in trace.read_text(), "strace recorded no open at all"
    assert not during and not after, (during, after)
    for p in set(written):
        if os.path.isfile(p):
            assert MARKER.encode() not in pathlib.Path(p).read_bytes(), p
        assert not p.startswith(str(repo)), f"the server wrote into the repository: {p}"
    trace.unlink()


def test_load_api_serves_an_uploaded_encrypted_model(server, repo, keys):
    """POST /v2/repository/models/<m>/load with the config and the encrypted
    file as overrides."""
    key, _ = keys
    uploaded = pathlib.Path(tempfile.mkdtemp()) / "uploaded"
    models.save(uploaded.parent, "uploaded", models.add_sub())
    protection.encrypt(uploaded, key, decryptor=None)
    config = {"backend": "onnxruntime", "max_batch_size": 8,
              "parameters": {"decryptor": {"string_value": "aes"}}}
    client = server.http()
    client.load_model("uploaded_add_sub", config=json.dumps(config),
                      files={"file:1/model.onnx": (uploaded / "1" / "model.onnx").read_bytes()})
    inputs = CASES["add_sub_batching"][1]
    _assert_bitwise_equal(_infer(client, "add_sub_batching", inputs), _infer(client, "uploaded_add_sub", inputs))
    client.unload_model("uploaded_add_sub")


def _model_config_tool(*args):
    tool = os.environ.get("ORT_MODEL_CONFIG_BIN", str(protection.ROOT / "install" / "bin" / "ort-model-config"))
    return subprocess.run([tool, *map(str, args)], capture_output=True, text=True)


def test_model_config_tool_reads_an_encrypted_model(repo, keys):
    key, _ = keys
    plain = _model_config_tool("--json", "--name", "m", repo / "weights_external")
    assert plain.returncode == 0, plain.stderr
    encrypted = _model_config_tool("--json", "--name", "m", "--decryptor", protection.aes_library(),
                                   "--decryptor-option", f"key-file={key}", repo / "weights_external_enc")
    assert encrypted.returncode == 0, encrypted.stderr
    assert json.loads(encrypted.stdout)["config"] == json.loads(plain.stdout)["config"]
    assert json.loads(encrypted.stdout)["onnx"]["initializers"] == json.loads(plain.stdout)["onnx"]["initializers"]
    refused = _model_config_tool("--name", "m", repo / "weights_external_enc")
    assert refused.returncode == 1
    assert "not an ONNX model" in refused.stderr and "'decryptor'" in refused.stderr, refused.stderr


def test_encrypt_tool_refuses_to_encrypt_twice(repo, keys):
    key, _ = keys
    r = protection.run_tool("--key-file", key, repo / "scale_inline_enc")
    assert r.returncode == 1 and "already encrypted" in r.stderr, r.stderr

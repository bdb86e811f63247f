"""The backend in every kind of process that runs Triton, with nothing
preloaded: the tritonserver program (whose renamed server library is
linked, so its symbols are global), an application that opens the server
library with RTLD_LOCAL and drives it through the in-process C API
(tests/embed/triton_capi_host.cc), and perf_analyzer's in-process mode
(--service-kind=triton_c_api). The first two give the same answer, bit for
bit; perf_analyzer has all its requests served (it cannot show answers, see
its test). Also: the errors, not crashes, of a process without
Triton and of a server library that lacks functions the backend calls."""
import os
import pathlib
import re
import subprocess
import sys
import sysconfig

import numpy as np
import pytest
import tritonclient.http as httpclient

import models
from conftest import ROOT, _server_env

MODEL = "add_sub"
SHAPE = [1, 4]
INPUT0 = np.array([[0.1, -2.5, 3.75, 1e-3]], dtype=np.float32)
INPUT1 = np.array([[7.0, 0.3, -1.25, 2e-3]], dtype=np.float32)
EXPECTED = {"OUTPUT0": INPUT0 + INPUT1, "OUTPUT1": INPUT0 - INPUT1}

SITE = pathlib.Path(sysconfig.get_paths()["purelib"])
PYTRITON_LIBS = SITE / "nvidia_pytriton.libs"
# The backend's line naming the library it took Triton's functions from.
FUNCTIONS_FROM = re.compile(r"onnxruntime backend: Triton's functions come from ([^\s\"]+)")


def server_library() -> pathlib.Path:
    libs = sorted(PYTRITON_LIBS.glob("libtritonserver*.so"))
    if not libs:
        pytest.fail(f"no libtritonserver*.so in {PYTRITON_LIBS} (the nvidia-pytriton wheel)")
    return libs[0]


def backend_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("ORT_BACKEND_DIR", ROOT / "install" / "backends"))


def capi_host() -> pathlib.Path:
    host = pathlib.Path(os.environ.get("ORT_TEST_CAPI_HOST", ROOT / "build" / "tests" / "embed" / "triton_capi_host"))
    if not host.exists():
        pytest.fail(f"{host} not found: build the project (scripts/build.sh) or set ORT_TEST_CAPI_HOST")
    return host


def initialize_backend_in_python(preload_library=None):
    """A Python process (no Triton in it) that opens `preload_library`, if
    given, and then the backend, both RTLD_LOCAL, and calls
    TRITONBACKEND_Initialize, then TRITONBACKEND_Finalize as the server does
    after a failed Initialize. Prints the message of Initialize's error when
    `preload_library` can read it; exits 3 when Initialize succeeds, 4 when
    Finalize fails."""
    library = backend_dir() / "onnxruntime" / "libtriton_onnxruntime.so"
    script = ("import ctypes, sys\n"
              f"server = ctypes.CDLL({str(preload_library)!r}, mode=ctypes.RTLD_LOCAL) if {bool(preload_library)} "
              "else None\n"
              f"backend = ctypes.CDLL({str(library)!r}, mode=ctypes.RTLD_LOCAL)\n"
              "init = backend.TRITONBACKEND_Initialize\n"
              "init.restype = ctypes.c_void_p\n"
              "init.argtypes = [ctypes.c_void_p]\n"
              "err = init(None)\n"
              "if not err: sys.exit(3)\n"
              "if server:\n"
              "    server.TRITONSERVER_ErrorMessage.restype = ctypes.c_char_p\n"
              "    server.TRITONSERVER_ErrorMessage.argtypes = [ctypes.c_void_p]\n"
              "    print(server.TRITONSERVER_ErrorMessage(err).decode())\n"
              "fini = backend.TRITONBACKEND_Finalize\n"
              "fini.restype = ctypes.c_void_p\n"
              "fini.argtypes = [ctypes.c_void_p]\n"
              "sys.exit(4 if fini(None) else 0)\n")
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env=_server_env())


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    # A full config: in-process servers do not auto-complete by default.
    repo = tmp_path_factory.mktemp("embedded") / "models"
    models.save(repo, MODEL, models.add_sub(),
                models.config(MODEL, [("INPUT0", "TYPE_FP32", [4]), ("INPUT1", "TYPE_FP32", [4])],
                              [("OUTPUT0", "TYPE_FP32", [4]), ("OUTPUT1", "TYPE_FP32", [4])], max_batch_size=8))
    return repo


@pytest.fixture(scope="module")
def binary_answer(repo, module_server_factory):
    """The answer of the tritonserver program, and its log."""
    server = module_server_factory(repo)
    client = server.http()
    try:
        inputs = []
        for name, data in (("INPUT0", INPUT0), ("INPUT1", INPUT1)):
            inputs.append(httpclient.InferInput(name, SHAPE, "FP32"))
            inputs[-1].set_data_from_numpy(data)
        result = client.infer(MODEL, inputs)
        answer = {name: result.as_numpy(name) for name in EXPECTED}
    finally:
        client.close()
    return answer, server.log()


def test_tritonserver_program_serves_with_functions_from_its_renamed_library(binary_answer):
    answer, log = binary_answer
    for name, expected in EXPECTED.items():
        assert answer[name].tobytes() == expected.tobytes(), name
    # The wheel's server library is renamed; the backend found it anyway.
    found = FUNCTIONS_FROM.findall(log)
    assert [pathlib.Path(p).resolve() for p in found] == [server_library().resolve()], log[-3000:]


def run_capi_host(repo):
    args = [str(capi_host()), "--server-library", str(server_library()), "--model-repository", str(repo),
            "--backend-directory", str(backend_dir()), "--model", MODEL, "--shape", ",".join(map(str, SHAPE)),
            "--input", "INPUT0=" + ",".join(repr(float(v)) for v in INPUT0.ravel()),
            "--input", "INPUT1=" + ",".join(repr(float(v)) for v in INPUT1.ravel()),
            "--output", "OUTPUT0", "--output", "OUTPUT1"]
    return subprocess.run(args, capture_output=True, text=True, timeout=300, env=wheel_libraries_env())


def wheel_libraries_env(extra_dir=None):
    """The environment for a program that opens the wheel's server library
    itself: its bundled dependencies (libcurl's libnghttp2, ...) find each
    other only through the tritonserver program's RPATH, so an application
    puts their folder on LD_LIBRARY_PATH (a search path only: nothing is
    loaded before the application opens the server library). Based on the
    tritonserver program's environment, so scripts/sanitize.sh's ASan
    runtime reaches these processes as it reaches the server."""
    env = _server_env()
    dirs = [str(d) for d in (extra_dir, PYTRITON_LIBS) if d] + [env.get("LD_LIBRARY_PATH", "")]
    env["LD_LIBRARY_PATH"] = os.pathsep.join(d for d in dirs if d)
    return env


def test_application_with_local_server_library_loads_infers_unloads_and_shuts_down(repo, binary_answer):
    proc = run_capi_host(repo)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    answer = {}
    for line in proc.stdout.splitlines():
        name, dims, *values = line.split(" ") + [""]
        if name in EXPECTED:
            answer[name] = np.array([float(v) for v in values if v], dtype=np.float32).reshape(
                [int(d) for d in dims.split(",")])
    assert set(answer) == set(EXPECTED), proc.stdout
    for name, expected in EXPECTED.items():
        assert answer[name].tobytes() == expected.tobytes(), name
        assert answer[name].tobytes() == binary_answer[0][name].tobytes(), name
    assert proc.stdout.splitlines()[-1] == "shut down"
    # Triton's functions came from the library the application opened.
    found = FUNCTIONS_FROM.findall(proc.stdout + proc.stderr)
    assert found == [str(server_library())], proc.stderr[-3000:]


def perf_analyzer_env(tmp_path):
    """perf_analyzer (tritonclient wheel) needs libcudart.so.12 even on CPU;
    the pytriton wheel ships one under a renamed file. A folder on
    LD_LIBRARY_PATH gives it the name perf_analyzer asks for."""
    libs = tmp_path / "pa_libs"
    libs.mkdir()
    cudart = sorted(PYTRITON_LIBS.glob("libcudart-*.so.12*"))
    if not cudart:
        pytest.fail(f"no libcudart in {PYTRITON_LIBS}")
    (libs / "libcudart.so.12").symlink_to(cudart[0])
    return wheel_libraries_env(libs)


# perf_analyzer's in-process mode reads each response's outputs after
# deleting the response (heap-use-after-free in InferContext::GetOutputs,
# which ASan reports at its first request), so it cannot show the answers:
# its --input-data validation reports a mismatch for the right answer too
# (the freed buffer's first bytes are the allocator's). This test shows that
# it loads the backend and has every request served; the answers are
# compared between the other two hosts. Under ASan (scripts/sanitize.sh) it
# stops at its own error before the backend is reached.
@pytest.mark.skipif(bool(os.environ.get("TRITONSERVER_ENV_PRELOAD")),
                    reason="perf_analyzer's own heap errors stop it under ASan (scripts/sanitize.sh); "
                           "the integration stage runs this test")
def test_perf_analyzer_in_process_has_every_request_served(repo, tmp_path):
    perf_analyzer = pathlib.Path(sys.prefix) / "bin" / "perf_analyzer"
    if not perf_analyzer.exists():
        pytest.fail(f"{perf_analyzer} not found (the tritonclient wheel's perf_analyzer)")
    # perf_analyzer loads <dir>/lib/libtritonserver.so and takes backends from <dir>/backends.
    server_dir = tmp_path / "server"
    (server_dir / "lib").mkdir(parents=True)
    (server_dir / "lib" / "libtritonserver.so").symlink_to(server_library())
    (server_dir / "backends").symlink_to(backend_dir())
    data = tmp_path / "data"  # one raw file per input
    data.mkdir()
    (data / "INPUT0").write_bytes(INPUT0.tobytes())
    (data / "INPUT1").write_bytes(INPUT1.tobytes())
    # A fixed number of requests: timings are not what this test is about,
    # and on a busy machine perf_analyzer may find no stable window.
    proc = subprocess.run(
        [str(perf_analyzer), "--service-kind=triton_c_api", f"--triton-server-directory={server_dir}",
         f"--model-repository={repo}", "-m", MODEL, "-b", "1", "--input-data", str(data),
         "--request-count", "200"],
        capture_output=True, text=True, timeout=300, env=perf_analyzer_env(tmp_path))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    # All 200 answered without an error; its server counted them as run (its
    # count is read before the last one is recorded, so it may lag by one).
    # perf_analyzer turns Triton's info log off, so the backend's line naming
    # the library is not there.
    assert re.search(r"Client: \s+Request count: 200\s", out), out[-4000:]
    served = re.search(r"Successful request count: (\d+)", out)
    assert served and int(served.group(1)) >= 199, out[-4000:]


def test_process_without_triton_gets_one_error_at_initialize():
    """A process that loads the backend without any Triton server library
    gets a failed TRITONBACKEND_Initialize and the reason on stderr, not a
    crash."""
    proc = initialize_backend_in_python()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stderr.strip().splitlines()[-1].startswith(
        "onnxruntime backend: no Triton server library is loaded in this process: none of its "), proc.stderr
    assert "TRITONSERVER_ApiVersion and TRITONBACKEND_ApiVersion" in proc.stderr


def test_server_library_without_the_functions_the_backend_calls_gets_an_error_naming_them():
    # Built beside the host (tests/embed/partial_server.cc).
    partial = capi_host().parent / "libortb_test_partial_server.so"
    proc = initialize_backend_in_python(partial)
    assert proc.returncode == 0, proc.stderr[-3000:]
    message = proc.stdout.strip()
    assert message.startswith(f"onnxruntime backend: the Triton server library {partial} lacks functions the "
                              "backend calls: TRITONSERVER_DataTypeString, "), message
    # The ones it has are not named; one it lacks from the backend API is.
    assert "TRITONSERVER_ErrorNew" not in message and "TRITONBACKEND_ApiVersion" not in message
    assert "TRITONBACKEND_ModelInstanceReportStatistics" in message
    assert message.endswith("The backend needs Triton backend API 1.19 or a newer minor version"), message

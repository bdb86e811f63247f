"""Starts the real tritonserver (from the nvidia-pytriton wheel) with the
freshly installed backend, on free loopback ports."""
import os
import re
import pathlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

sys.path.insert(0, str(pathlib.Path(__file__).parent))

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _server_bin() -> str:
    env = os.environ.get("TRITONSERVER_BIN")
    if env:
        return env
    import sysconfig
    return str(pathlib.Path(sysconfig.get_paths()["purelib"]) / "pytriton/tritonserver/bin/tritonserver")


def _backend_dir() -> str:
    return os.environ.get("ORT_BACKEND_DIR", str(ROOT / "install" / "backends"))


def _server_env() -> dict:
    """The server's environment: this process's, plus LD_PRELOAD from
    TRITONSERVER_ENV_PRELOAD when that is set. scripts/sanitize.sh preloads the
    ASan runtime this way, into the server only (not into pytest)."""
    env = dict(os.environ)
    preload = os.environ.get("TRITONSERVER_ENV_PRELOAD")
    if preload:
        env["LD_PRELOAD"] = " ".join(p for p in (preload, env.get("LD_PRELOAD")) if p)
    return env


def _default_log_path(repo: pathlib.Path, http_port: int) -> pathlib.Path:
    """Beside the model repository, or in TRITON_LOG_DIR when that is set (so a
    script can read every server's log after the run)."""
    log_dir = os.environ.get("TRITON_LOG_DIR")
    if log_dir:
        pathlib.Path(log_dir).mkdir(parents=True, exist_ok=True)
        return pathlib.Path(log_dir) / f"server-{http_port}.log"
    return repo.parent / f"server-{http_port}.log"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TritonServer:
    """One tritonserver process; stop() is always called by the fixtures."""

    def __init__(self, repo, args=(), log_path=None, expect_ready=True, backend_dir=None, server_bin=None):
        self.repo = pathlib.Path(repo)
        self.http_port, self.grpc_port, self.metrics_port = _free_port(), _free_port(), _free_port()
        self.log_path = pathlib.Path(log_path) if log_path else _default_log_path(self.repo, self.http_port)
        cmd = [
            server_bin or _server_bin(),
            f"--model-repository={self.repo}",
            f"--backend-directory={backend_dir or _backend_dir()}",
            f"--http-port={self.http_port}",
            f"--grpc-port={self.grpc_port}",
            f"--metrics-port={self.metrics_port}",
            "--http-address=127.0.0.1",
            "--grpc-address=127.0.0.1",
            "--exit-timeout-secs=5",
            *args,
        ]
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=_server_env())
        if expect_ready:
            self.wait_ready()

    @property
    def http_url(self):
        return f"127.0.0.1:{self.http_port}"

    @property
    def grpc_url(self):
        return f"127.0.0.1:{self.grpc_port}"

    def wait_ready(self, timeout=90):
        client = httpclient.InferenceServerClient(self.http_url)
        deadline = time.time() + timeout
        try:
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"tritonserver exited ({self.proc.returncode}):\n{self.log()[-4000:]}")
                try:
                    if client.is_server_ready():
                        return
                except Exception:
                    pass
                time.sleep(0.2)
        finally:
            client.close()  # an open connection makes the server wait out its exit timeout
        raise RuntimeError(f"tritonserver not ready after {timeout}s:\n{self.log()[-4000:]}")

    def wait_exit(self, timeout=60):
        return self.proc.wait(timeout=timeout)

    def http(self, **kw):
        return httpclient.InferenceServerClient(self.http_url, **kw)

    def grpc(self, **kw):
        return grpcclient.InferenceServerClient(self.grpc_url, **kw)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                # TRITONSERVER_STOP_TIMEOUT: seconds to wait before SIGKILL (scripts/sanitize.sh
                # shortens it: under ASan the server never finishes exit(), see there).
                self.proc.wait(timeout=float(os.environ.get("TRITONSERVER_STOP_TIMEOUT", 30)))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def _server_factory():
    """Yields start(repo, args=[...], **kw) -> TritonServer; stops them all after."""
    servers = []

    def start(repo, args=(), **kw):
        server = TritonServer(repo, args, **kw)
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()


@pytest.fixture
def start_server():
    """A server per test, stopped after it."""
    yield from _server_factory()


@pytest.fixture(scope="module")
def module_server_factory():
    """A server per test module, stopped after its last test."""
    yield from _server_factory()


@pytest.fixture(params=["http", "grpc"])
def protocol(request):
    return request.param


def read_profile(folder, pattern="profile*.json", tries=100):
    """The events of the ORT profile in `folder`, once the session ending has
    written it whole (None if it never does)."""
    import json
    for _ in range(tries):
        files = list(pathlib.Path(folder).glob(pattern))
        try:
            events = json.loads(files[0].read_text()) if files else None
        except json.JSONDecodeError:
            events = None
        if events:
            return events
        time.sleep(0.1)
    return None


def metrics_text(server, tries=50):
    """The server's Prometheus metrics page. The server says ready once HTTP
    serves; its metrics port may start listening a moment later (seen on a
    loaded 2-core machine), so a refused connection is retried briefly."""
    url = f"http://127.0.0.1:{server.metrics_port}/metrics"
    for _ in range(tries - 1):
        try:
            return urllib.request.urlopen(url, timeout=10).read().decode()
        except urllib.error.URLError:
            time.sleep(0.1)
    return urllib.request.urlopen(url, timeout=10).read().decode()


def provider_nodes(server, model):
    """{provider: node count} of `model` from the onnxruntime_backend_provider_nodes gauge."""
    found = {}
    for m in re.finditer(r'^onnxruntime_backend_provider_nodes\{([^}]*)\} (\S+)$', metrics_text(server), re.M):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m[1]))
        if labels["model"] == model:
            found[labels["provider"]] = float(m[2])
    return found

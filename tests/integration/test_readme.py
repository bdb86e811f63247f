"""The README's first command serves the example model, and the curl request
the README shows gets the answer the README shows."""
import json
import os
import pathlib
import re
import signal
import socket
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _readme_blocks():
    return re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_readme_opens_with_the_serve_and_test_commands():
    first = _readme_blocks()[0]
    commands = [line for line in first.splitlines() if line and not line.startswith("#")]
    assert commands == ["bash scripts/serve_example.sh", "bash scripts/test.sh"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "exec bash scripts/test.sh" in ci


@pytest.fixture
def example_server():
    ports = {"HTTP_PORT": _free_port(), "GRPC_PORT": _free_port(), "METRICS_PORT": _free_port()}
    env = dict(os.environ, **{k: str(v) for k, v in ports.items()})
    subprocess.run(["bash", "scripts/serve_example.sh", "--background"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
    pid = int((ROOT / "build/example/server.pid").read_text())
    try:
        yield ports["HTTP_PORT"]
    finally:
        os.kill(pid, signal.SIGTERM)


def test_readme_curl_request_gets_the_documented_answer(example_server):
    block = next(b for b in _readme_blocks() if "curl -s -X POST" in b)
    command = "\n".join(line for line in block.splitlines() if not line.startswith("#"))
    expected = json.loads("".join(line[2:] for line in block.splitlines() if line.startswith("# ")))
    out = subprocess.run(["bash", "-c", command.replace("localhost:8000", f"localhost:{example_server}")],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    assert json.loads(out) == expected

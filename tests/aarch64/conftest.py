"""The aarch64 build served by the aarch64 tritonserver under qemu user mode
(scripts/aarch64_check.sh sets the paths), next to the x86_64 build served by
the x86_64 server, so each test can compare the two servers' answers.

ORT_AARCH64_TRITONSERVER: a command that runs the aarch64 tritonserver
(scripts/aarch64_check.sh writes one that calls qemu-aarch64-static);
ORT_AARCH64_BACKEND_DIR: the aarch64 backends/ folder (its ../bin holds the
aarch64 ort-model-config); ORT_AARCH64_RUN: the qemu command line that runs an
aarch64 program. The x86_64 side uses
TRITONSERVER_BIN / ORT_BACKEND_DIR, as tests/integration does."""
import importlib.util
import os
import pathlib
import sys

import pytest

INTEGRATION = pathlib.Path(__file__).resolve().parents[1] / "integration"
sys.path.insert(0, str(INTEGRATION))

# tests/integration/conftest.py's server class, loaded under a name of its own
# (both files are "conftest" to pytest).
_spec = importlib.util.spec_from_file_location("integration_conftest", INTEGRATION / "conftest.py")
integration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(integration)


def aarch64_paths():
    server = os.environ.get("ORT_AARCH64_TRITONSERVER")
    backends = os.environ.get("ORT_AARCH64_BACKEND_DIR")
    if not server or not backends:
        pytest.fail("set ORT_AARCH64_TRITONSERVER and ORT_AARCH64_BACKEND_DIR (scripts/aarch64_check.sh does)")
    return server, backends


@pytest.fixture(scope="module")
def server_pair():
    """start(repo, args) -> (aarch64 server, x86_64 server) on the same
    repository; both are stopped after the module's last test."""
    started = []

    def start(repo, args=()):
        server_bin, backends = aarch64_paths()
        # The aarch64 one starts first and is waited for last: under qemu it is the slow one.
        arm = integration.TritonServer(repo, args, expect_ready=False, backend_dir=backends, server_bin=server_bin)
        started.append(arm)
        x86 = integration.TritonServer(repo, args)
        started.append(x86)
        arm.wait_ready(timeout=300)
        return arm, x86

    yield start
    for s in started:
        s.stop()

"""Soak-test helpers. The server fixtures and the model builders are the
integration tests' (tests/integration/conftest.py, models.py), reused here."""
import importlib.util
import os
import pathlib
import sys
from dataclasses import dataclass

import pytest

_INTEGRATION = pathlib.Path(__file__).resolve().parents[1] / "integration"
sys.path.insert(0, str(_INTEGRATION))  # for `import models`

# Loaded under its own name: pytest already owns the name "conftest".
_spec = importlib.util.spec_from_file_location("integration_conftest", _INTEGRATION / "conftest.py")
integration_conftest = importlib.util.module_from_spec(_spec)
sys.modules["integration_conftest"] = integration_conftest
_spec.loader.exec_module(integration_conftest)

TritonServer = integration_conftest.TritonServer
start_server = integration_conftest.start_server  # fixture, re-exported for the soak tests


@dataclass(frozen=True)
class ProcessStats:
    """One sample of a process's resource use, from /proc."""
    rss_kb: int
    fds: int
    threads: int

    def __str__(self):
        return f"RSS {self.rss_kb / 1024:.1f} MiB, {self.fds} fds, {self.threads} threads"


def read_process_stats(pid: int) -> ProcessStats:
    """VmRSS and Threads from /proc/<pid>/status, open fds from /proc/<pid>/fd."""
    fields = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.split()
    return ProcessStats(rss_kb=int(fields["VmRSS"][0]), fds=len(os.listdir(f"/proc/{pid}/fd")),
                        threads=int(fields["Threads"][0]))


@pytest.fixture
def process_stats():
    """read_process_stats, as a fixture: process_stats(pid) -> ProcessStats."""
    return read_process_stats


@pytest.fixture
def soak_seconds() -> float:
    """How long to soak: SOAK_SECONDS from the environment, 120 s by default
    (the short mode; CI keeps it at 300 s or less)."""
    value = float(os.environ.get("SOAK_SECONDS", "120"))
    if value <= 0:
        raise ValueError(f"SOAK_SECONDS must be positive, got {value}")
    return value

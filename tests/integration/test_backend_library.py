"""The installed backend library exports the entry points the server looks
up, TRITONBACKEND_ModelInstanceReady included (backend API 1.19: servers that
look it up ask it whether an instance can still run), and nothing else; and it
leaves no Triton symbol for the dynamic linker to bind, so it loads into a
process whose server library is not global (test_embedded_server.py)."""
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import ROOT

ENTRY_POINTS = {
    "TRITONBACKEND_Initialize", "TRITONBACKEND_Finalize",
    "TRITONBACKEND_ModelInitialize", "TRITONBACKEND_ModelFinalize",
    "TRITONBACKEND_ModelInstanceInitialize", "TRITONBACKEND_ModelInstanceFinalize",
    "TRITONBACKEND_ModelInstanceExecute", "TRITONBACKEND_ModelInstanceReady",
    "TRITONBACKEND_GetBackendAttribute",
}


def library_symbols(*nm_args):
    backends = pathlib.Path(os.environ.get("ORT_BACKEND_DIR", ROOT / "install" / "backends"))
    library = backends / "onnxruntime" / "libtriton_onnxruntime.so"
    if not library.exists():
        pytest.fail(f"{library} not found: install the backend or set ORT_BACKEND_DIR")
    if shutil.which("nm") is None:
        pytest.skip("nm (binutils) is not installed")
    return subprocess.run(["nm", "-D", *nm_args, str(library)], capture_output=True, text=True,
                          check=True).stdout


def exported_functions():
    out = library_symbols("--defined-only")
    # "<address> T <name>[@@version]": T is a function in the text section.
    return {line.split()[2].split("@")[0] for line in out.splitlines()
            if len(line.split()) == 3 and line.split()[1] == "T"}


def test_library_exports_every_entry_point_including_model_instance_ready():
    assert ENTRY_POINTS <= exported_functions()


def test_library_exports_only_entry_points():
    assert exported_functions() == ENTRY_POINTS


def test_library_leaves_no_triton_symbol_undefined():
    # "U <name>": every Triton function is taken from the server library at
    # TRITONBACKEND_Initialize (src/triton_api/server_functions.h) instead.
    undefined = [line.split()[-1] for line in library_symbols("--undefined-only").splitlines()]
    assert undefined and not [name for name in undefined if name.startswith("TRITON")]

"""Helpers for the protected-model tests: where the shipped decryptor, the
test decryptors and ort-encrypt-model are, and how to encrypt a model
directory with the tool (docs/model_protection.md)."""
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def backend_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("ORT_BACKEND_DIR", str(ROOT / "install" / "backends")))


def aes_library() -> pathlib.Path:
    """The shipped AES-256-GCM decryptor, as installed beside the backend."""
    return backend_dir() / "onnxruntime" / "decryptors" / "libortb_aes_gcm_decryptor.so"


def encrypt_tool() -> pathlib.Path:
    return backend_dir().parent / "bin" / "ort-encrypt-model"


def test_decryptor(kind) -> pathlib.Path:
    """A decryptor library that is wrong on purpose (tests/decryptors/):
    kind is refusing, abi_mismatch or missing_symbol."""
    custom_op = os.environ.get("ORT_TEST_CUSTOM_OP_LIB")
    folder = pathlib.Path(custom_op).parent if custom_op else ROOT / "build" / "tests" / "unit"
    return folder / f"libortb_test_decryptor_{kind}.so"


def new_key(path) -> pathlib.Path:
    """A fresh random key written by the tool (it refuses to overwrite), read
    back by the tests through key-file."""
    path = pathlib.Path(path)
    run_tool("--new-key", path, check=True)
    return path


def run_tool(*args, check=False):
    return subprocess.run([str(encrypt_tool()), *map(str, args)], capture_output=True, text=True, check=check)


def encrypt(model_dir, key_file, destination=None, decryptor="aes"):
    """Encrypts a repository model directory (in place without destination)
    and selects `decryptor` in its config."""
    args = ["--key-file", key_file]
    if decryptor:
        args += ["--decryptor", decryptor]
    args.append(model_dir)
    if destination is not None:
        args.append(destination)
    r = run_tool(*args)
    assert r.returncode == 0, r.stderr
    return pathlib.Path(destination or model_dir)


def decryptor_args(**decryptors):
    """--backend-config arguments registering decryptors, name=(library,
    ["KEY=VALUE", ...]), in the dotted spelling: the server keeps only the
    last value of a backend-config key given twice."""
    args = []
    for name, (library, options) in decryptors.items():
        args.append(f"--backend-config=onnxruntime,decryptor.{name}={library}")
        args += [f"--backend-config=onnxruntime,decryptor-option.{name}.{o}" for o in options]
    return args

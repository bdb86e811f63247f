"""deploy/kubernetes-protected/ (docs/model_protection.md) is checked
statically like deploy/kubernetes/: the overlay points at the base, its patch
targets the base Deployment's container, keeps the base's arguments and adds
the decryptor's, and the key file it names is inside the Secret it mounts
read-only; the decryptor library it names is where the install puts it."""
import os
import pathlib

import pytest

yaml = pytest.importorskip("yaml", reason="install tests/docs/requirements.txt (pyyaml)")

ROOT = pathlib.Path(__file__).resolve().parents[2]
OVERLAY = ROOT / "deploy" / "kubernetes-protected"
INSTALL = pathlib.Path(os.environ["ORT_BACKEND_DIR"]).parent if os.environ.get("ORT_BACKEND_DIR") else ROOT / "install"


def _load(path):
    return yaml.safe_load(path.read_text())


def _base_container():
    deployment = _load(ROOT / "deploy" / "kubernetes" / "deployment.yaml")
    return deployment, deployment["spec"]["template"]["spec"]["containers"][0]


def _patch():
    kustomization = _load(OVERLAY / "kustomization.yaml")
    assert kustomization["resources"] == ["../kubernetes"]
    [entry] = kustomization["patches"]
    return _load(OVERLAY / entry["path"])


def test_patch_targets_the_base_deployment_and_keeps_its_arguments():
    deployment, base = _base_container()
    patch = _patch()
    assert (patch["kind"], patch["apiVersion"], patch["metadata"]["name"]) == (
        deployment["kind"], deployment["apiVersion"], deployment["metadata"]["name"])
    [container] = patch["spec"]["template"]["spec"]["containers"]
    assert container["name"] == base["name"]
    assert container["args"][:len(base["args"])] == base["args"]


def test_key_file_is_in_the_read_only_secret_and_the_library_is_installed_there():
    patch = _patch()
    spec = patch["spec"]["template"]["spec"]
    [container] = spec["containers"]
    extra = container["args"][len(_base_container()[1]["args"]):]
    library = next(a.split(":", 1)[1] for a in extra if "decryptor=aes:" in a)
    key_file = next(a.split("key-file=", 1)[1] for a in extra if "decryptor-option=aes:key-file=" in a)
    [mount] = container["volumeMounts"]
    [volume] = spec["volumes"]
    assert mount["readOnly"] is True and volume["name"] == mount["name"]
    assert volume["secret"]["secretName"] == "triton-model-key" and volume["secret"]["defaultMode"] == 0o400
    assert key_file.startswith(mount["mountPath"] + "/")
    # The Dockerfile copies install/backends/onnxruntime/ to /opt/tritonserver/backends/onnxruntime/.
    assert "COPY install/backends/onnxruntime/ /opt/tritonserver/backends/onnxruntime/" in (
        ROOT / "deploy" / "Dockerfile").read_text()
    relative = library.removeprefix("/opt/tritonserver/backends/onnxruntime/")
    assert relative != library
    assert (INSTALL / "backends" / "onnxruntime" / relative).is_file(), relative

"""deploy/ is checked statically: this machine has no container engine and no
cluster. Every Kubernetes manifest must parse, have the expected kind and API
version, agree with the others (labels, ports, probes, volume, HPA target,
image), and validate against the Kubernetes JSON schemas (shipped inside the
kubernetes-validate wheel, so no network is used). The Dockerfile is read for
the few things it must do: start from the official Triton image with an ARG
for its tag, and replace /opt/tritonserver/backends/onnxruntime with the
installed backend.

Needs tests/docs/requirements.txt (pyyaml, kubernetes-validate)."""
import fnmatch
import pathlib
import re

import pytest

yaml = pytest.importorskip("yaml", reason="install tests/docs/requirements.txt (pyyaml)")

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "kubernetes"
MANIFESTS = sorted(K8S.glob("*.yaml"))

EXPECTED_KINDS = {
    "Deployment": "apps/v1",
    "Service": "v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
    "PersistentVolumeClaim": "v1",
    "Kustomization": "kustomize.config.k8s.io/v1beta1",
}
TRITON_PORTS = {"http": 8000, "grpc": 8001, "metrics": 8002}
# The oldest Kubernetes release kubernetes-validate has schemas for, and its newest.
SCHEMA_VERSIONS = ["1.25.0", "1.37.0"]


def load_all():
    """(file name, object) for every object of every manifest."""
    return [(p.name, doc) for p in MANIFESTS for doc in yaml.safe_load_all(p.read_text()) if doc is not None]


def only(kind):
    found = [doc for _, doc in load_all() if doc.get("kind") == kind]
    assert len(found) == 1, f"expected exactly one {kind} in deploy/kubernetes, found {len(found)}"
    return found[0]


def container(deployment):
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, "the Triton pod has one container"
    return containers[0]


def container_port(c, port):
    """A probe's or Service's port (a number or a port name) as a number."""
    if isinstance(port, int):
        return port
    by_name = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
    assert port in by_name, f"port name {port!r} is not one of the container's ports {sorted(by_name)}"
    return by_name[port]


def image_name(image):
    """'registry:5000/a/b:tag' -> 'registry:5000/a/b'."""
    last = image.rsplit("/", 1)[-1]
    return image[: len(image) - len(last)] + last.split(":", 1)[0].split("@", 1)[0]


# --- Kubernetes manifests ------------------------------------------------------

def test_the_expected_manifests_exist():
    assert {p.name for p in MANIFESTS} >= {"deployment.yaml", "service.yaml", "hpa.yaml", "kustomization.yaml"}


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_parses_as_yaml_objects(path):
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert docs, f"{path.name} is empty"
    assert all(isinstance(d, dict) for d in docs)


@pytest.mark.parametrize("name,doc", load_all(), ids=lambda v: v if isinstance(v, str) else "")
def test_object_has_a_known_kind_api_version_and_name(name, doc):
    assert doc.get("kind") in EXPECTED_KINDS, f"{name}: unexpected kind {doc.get('kind')!r}"
    assert doc.get("apiVersion") == EXPECTED_KINDS[doc["kind"]], name
    if doc["kind"] != "Kustomization":
        assert doc.get("metadata", {}).get("name"), f"{name}: metadata.name is missing"


def test_each_kind_appears_once():
    kinds = [doc["kind"] for _, doc in load_all()]
    assert sorted(kinds) == sorted(set(kinds)) and set(kinds) == set(EXPECTED_KINDS)


@pytest.mark.parametrize("version", SCHEMA_VERSIONS)
@pytest.mark.parametrize("name,doc", [(n, d) for n, d in load_all() if d.get("kind") != "Kustomization"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_object_validates_against_the_kubernetes_schema(name, doc, version):
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="install tests/docs/requirements.txt (kubernetes-validate)")
    # strict: unknown fields (a typo such as `readinesProbe`) are errors too.
    kubernetes_validate.validate(doc, version, strict=True)


def test_kustomization_lists_every_manifest_once():
    k = only("Kustomization")
    resources = k.get("resources", [])
    assert len(resources) == len(set(resources))
    assert all((K8S / r).is_file() for r in resources), resources
    assert sorted(resources) == sorted(p.name for p in MANIFESTS if p.name != "kustomization.yaml")


def test_kustomization_image_entry_names_the_deployments_image():
    k = only("Kustomization")
    names = [i["name"] for i in k.get("images", [])]
    assert image_name(container(only("Deployment"))["image"]) in names


def test_deployment_selector_matches_its_pod_labels():
    d = only("Deployment")
    selector = d["spec"]["selector"]["matchLabels"]
    labels = d["spec"]["template"]["metadata"]["labels"]
    assert selector and selector.items() <= labels.items()


def test_container_exposes_http_grpc_and_metrics_ports():
    ports = {p["name"]: p["containerPort"] for p in container(only("Deployment"))["ports"]}
    assert ports == TRITON_PORTS


def test_server_ports_in_args_match_container_ports():
    c = container(only("Deployment"))
    args = c.get("command", []) + c.get("args", [])
    assert "tritonserver" in args
    for flag, name in (("--http-port", "http"), ("--grpc-port", "grpc"), ("--metrics-port", "metrics")):
        given = [a.split("=", 1)[1] for a in args if a.startswith(flag + "=")]
        assert given in ([], [str(TRITON_PORTS[name])]), f"{flag} disagrees with the container port {name}"


def test_service_ports_reach_the_container_ports():
    d, s = only("Deployment"), only("Service")
    c = container(d)
    service_ports = {p["name"]: p for p in s["spec"]["ports"]}
    assert set(service_ports) == set(TRITON_PORTS)
    for name, p in service_ports.items():
        target = container_port(c, p.get("targetPort", p["port"]))
        assert p["port"] == TRITON_PORTS[name] and target == TRITON_PORTS[name], name


def test_service_selects_the_deployments_pods():
    selector = only("Service")["spec"]["selector"]
    labels = only("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert selector and selector.items() <= labels.items()


@pytest.mark.parametrize("probe,path", [("readinessProbe", "/v2/health/ready"), ("livenessProbe", "/v2/health/live")])
def test_probe_asks_tritons_health_endpoint_on_the_http_port(probe, path):
    c = container(only("Deployment"))
    assert probe in c, f"the container has no {probe}"
    get = c[probe]["httpGet"]
    assert get["path"] == path
    assert container_port(c, get["port"]) == TRITON_PORTS["http"]


def test_startup_probe_if_any_asks_a_health_endpoint():
    c = container(only("Deployment"))
    if "startupProbe" in c:
        get = c["startupProbe"]["httpGet"]
        assert get["path"] in ("/v2/health/live", "/v2/health/ready")
        assert container_port(c, get["port"]) == TRITON_PORTS["http"]


def test_container_requests_cpu_and_memory():
    requests = container(only("Deployment")).get("resources", {}).get("requests", {})
    assert {"cpu", "memory"} <= set(requests)


def test_model_repository_is_mounted_read_only_from_the_claim():
    d = only("Deployment")
    c = container(d)
    repo = [a.split("=", 1)[1] for a in c.get("args", []) if a.startswith("--model-repository=")]
    assert len(repo) == 1
    mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
    assert repo[0] in mounts and mounts[repo[0]].get("readOnly") is True
    volumes = {v["name"]: v for v in d["spec"]["template"]["spec"]["volumes"]}
    volume = volumes[mounts[repo[0]]["name"]]
    assert volume["persistentVolumeClaim"]["claimName"] == only("PersistentVolumeClaim")["metadata"]["name"]


def test_prometheus_annotations_point_at_the_metrics_port():
    d = only("Deployment")
    annotations = d["spec"]["template"]["metadata"].get("annotations", {})
    assert annotations.get("prometheus.io/port") == str(TRITON_PORTS["metrics"])
    assert annotations.get("prometheus.io/path", "/metrics") == "/metrics"


def test_hpa_targets_the_deployment():
    d, h = only("Deployment"), only("HorizontalPodAutoscaler")
    target = h["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == ("apps/v1", "Deployment", d["metadata"]["name"])
    assert 1 <= h["spec"].get("minReplicas", 1) <= h["spec"]["maxReplicas"]


def test_hpa_scales_on_a_triton_metric_through_an_adapter():
    h = only("HorizontalPodAutoscaler")
    names = []
    for m in h["spec"]["metrics"]:
        assert m["type"] in ("Pods", "Object", "External"), "a Triton metric is a custom or external metric"
        names.append(m[m["type"].lower()]["metric"]["name"])
    assert any(n.startswith("nv_inference_") for n in names), names
    text = (K8S / "hpa.yaml").read_text()
    # The comment must say what serves the metric, and from which Triton series.
    assert "prometheus-adapter" in text and "nv_inference_queue_duration_us" in text


# --- Dockerfile ----------------------------------------------------------------

def dockerfile_instructions(path=DEPLOY / "Dockerfile"):
    """[(INSTRUCTION, arguments)], with comments dropped and continuations joined."""
    out, current = [], ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        word, _, rest = current.partition(" ")
        out.append((word.upper(), rest.strip()))
        current = ""
    return out


def test_dockerfile_starts_from_the_official_triton_image_with_an_arg_tag():
    instructions = dockerfile_instructions()
    froms = [i for i, (word, _) in enumerate(instructions) if word == "FROM"]
    assert len(froms) == 1
    image = instructions[froms[0]][1].split()[0]
    m = re.fullmatch(r"nvcr\.io/nvidia/tritonserver:\$\{?(\w+)\}?-py3", image)
    assert m, f"FROM {image} is not nvcr.io/nvidia/tritonserver:${{TAG}}-py3"
    args = [rest for word, rest in instructions[: froms[0]] if word == "ARG"]
    defaults = dict(a.split("=", 1) for a in args if "=" in a)
    assert m.group(1) in defaults, f"ARG {m.group(1)} must be declared, with a default, before FROM"
    assert re.fullmatch(r"\d\d\.\d\d", defaults[m.group(1)]), "the default tag is a Triton release like 24.10"


def test_dockerfile_replaces_the_stock_onnxruntime_backend():
    instructions = dockerfile_instructions()
    target = "/opt/tritonserver/backends/onnxruntime"
    copies = [i for i, (word, rest) in enumerate(instructions)
              if word == "COPY" and rest.split()[-1].rstrip("/") == target]
    assert len(copies) == 1, f"one COPY to {target}"
    sources = [s for s in instructions[copies[0]][1].split()[:-1] if not s.startswith("--")]
    assert [s.rstrip("/") for s in sources] == ["install/backends/onnxruntime"]
    removes = [i for i, (word, rest) in enumerate(instructions)
               if word == "RUN" and re.search(r"\brm\s+-\w*r\w*\s[^&;|]*" + re.escape(target), rest)]
    assert removes and removes[0] < copies[0], "the stock folder is removed before the copy"


def test_dockerfile_copies_what_cmake_installs():
    cmake = (ROOT / "CMakeLists.txt").read_text()
    assert re.search(r"set\(ORT_BACKEND_INSTALL_DIR backends/onnxruntime\)", cmake)
    assert re.search(r"install\(TARGETS triton_onnxruntime LIBRARY DESTINATION \$\{ORT_BACKEND_INSTALL_DIR\}\)", cmake)
    assert 'install="${INSTALL_DIR:-$ROOT/install}"' in (ROOT / "scripts" / "build.sh").read_text()


def test_dockerfile_exposes_the_ports_the_deployment_uses():
    exposed = {int(p.split("/")[0]) for word, rest in dockerfile_instructions() if word == "EXPOSE" for p in rest.split()}
    assert exposed == set(TRITON_PORTS.values())


def dockerignore_excludes(patterns, path):
    """Docker's rule: the last pattern that matches a path or one of its parent
    folders decides; '!' re-includes."""
    excluded = False
    parts = path.split("/")
    for pattern in patterns:
        negate = pattern.startswith("!")
        p = pattern[1:] if negate else pattern
        if any(fnmatch.fnmatchcase("/".join(parts[:n]), p) for n in range(1, len(parts) + 1)):
            excluded = not negate
    return excluded


@pytest.mark.parametrize("path,sent", [
    ("install/backends/onnxruntime/libtriton_onnxruntime.so", True),
    ("install/backends/onnxruntime/libonnxruntime.so.1.24.1", True),
    ("install/bin/ort-model-config", False),
    (".deps/venv/bin/python", False),
    ("build/libtriton_onnxruntime.so", False),
    ("src/backend.cc", False),
])
def test_build_context_holds_only_the_installed_backend(path, sent):
    ignore = DEPLOY / "Dockerfile.dockerignore"
    patterns = [l.strip() for l in ignore.read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert dockerignore_excludes(patterns, path) is (not sent)

"""The backend's Prometheus metrics on the server's metrics endpoint
(docs/metrics.md): which families exist, their labels, and that the copy and
path counters count exactly what an execution did."""
import concurrent.futures
import re
import time
import urllib.error
import urllib.request

import numpy as np
import pytest
import tritonclient.http as httpclient

import models
from conftest import metrics_text

PREFIX = "onnxruntime_backend_"
SAMPLE = re.compile(r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def scrape(server):
    """[(name, {label: value}, value)] of every sample the endpoint shows."""
    text = metrics_text(server)
    samples = []
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if m and not line.startswith("#"):
            samples.append((m["name"], dict(LABEL.findall(m["labels"] or "")), float(m["value"])))
    return samples


def values(server, name, **labels):
    """The samples of `name` whose labels include `labels`, as [(labels, value)]."""
    return [(l, v) for n, l, v in scrape(server) if n == PREFIX + name and labels.items() <= l.items()]


def total(server, name, **labels):
    return sum(v for _, v in values(server, name, **labels))


def infer(server, model, array):
    inputs = []
    for n in ("INPUT0", "INPUT1"):
        inp = httpclient.InferInput(n, list(array.shape), "FP32")
        inp.set_data_from_numpy(array)
        inputs.append(inp)
    client = server.http()
    try:
        return client.infer(model, inputs).as_numpy("OUTPUT0")
    finally:
        client.close()


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("metrics") / "models"
    models.save(repo, "simple", models.add_sub(),
                models.config("simple", max_batch_size=4, extra="instance_group [{ kind: KIND_CPU count: 1 }]"))
    models.save(repo, "batched", models.add_sub(),
                models.config("batched", max_batch_size=8,
                              extra="dynamic_batching { max_queue_delay_microseconds: 3000000 "
                                    "preferred_batch_size: [ 7 ] }\ninstance_group [{ kind: KIND_CPU count: 1 }]"))
    models.save(repo, "own_sessions", models.add_sub(),
                models.config("own_sessions", max_batch_size=4,
                              extra="instance_group [{ kind: KIND_CPU count: 3 }]\n"
                                    'parameters { key: "share_session_between_instances" '
                                    'value: { string_value: "false" } }'))
    weighted, _ = models.scale_by_weights()
    models.save(repo, "external_data", weighted, external_data=True)
    return repo


@pytest.fixture(scope="module")
def server(repo, module_server_factory):
    return module_server_factory(repo)


def test_session_build_time_is_reported_per_model_after_load(server):
    [(labels, build_us)] = values(server, "session_build_us", model="simple")
    assert labels == {"model": "simple", "version": "1"}
    assert build_us > 0
    assert total(server, "sessions", model="simple") == 1


def test_each_own_session_is_counted(server):
    assert total(server, "sessions", model="own_sessions") == 3
    assert total(server, "session_build_us", model="own_sessions") > 0


def test_weights_bytes_are_the_model_files(server, repo):
    model_dir = repo / "external_data" / "1" / "model.onnx"
    on_disk = sum(f.stat().st_size for f in model_dir.iterdir())
    assert total(server, "weights_bytes", model="external_data", version="1") == on_disk


def test_execution_counters_carry_model_version_and_instance_labels(server):
    for name in ("input_bytes_copied_total", "output_bytes_copied_total"):
        [(labels, _)] = values(server, name, model="simple")
        assert labels == {"model": "simple", "version": "1", "instance": "simple_0_0"}
    for name in ("requests_total", "executions_total"):
        paths = sorted(l["path"] for l, _ in values(server, name, model="simple"))
        assert paths == ["gathered", "zero_copy"]


def test_single_request_takes_the_zero_copy_path_and_copies_nothing(server):
    before = {n: total(server, n, model="simple") for n in
              ("input_bytes_copied_total", "output_bytes_copied_total")}
    zero_copy = total(server, "requests_total", model="simple", path="zero_copy")
    runs = total(server, "executions_total", model="simple", path="zero_copy")
    gathered = total(server, "requests_total", model="simple", path="gathered")
    a = np.random.rand(2, 4).astype(np.float32)
    np.testing.assert_allclose(infer(server, "simple", a), 2 * a)
    for name, value in before.items():
        assert total(server, name, model="simple") == value, name
    assert total(server, "requests_total", model="simple", path="zero_copy") == zero_copy + 1
    assert total(server, "executions_total", model="simple", path="zero_copy") == runs + 1
    assert total(server, "requests_total", model="simple", path="gathered") == gathered


def test_batched_requests_count_exactly_the_gathered_bytes(server):
    copied_in = total(server, "input_bytes_copied_total", model="batched")
    copied_out = total(server, "output_bytes_copied_total", model="batched")
    gathered = total(server, "requests_total", model="batched", path="gathered")
    runs = total(server, "executions_total", model="batched", path="gathered")
    sizes = [1, 2, 1, 3]
    arrays = [np.random.rand(n, 4).astype(np.float32) for n in sizes]
    with concurrent.futures.ThreadPoolExecutor(len(sizes)) as pool:
        list(pool.map(lambda arr: infer(server, "batched", arr), arrays))
    # Two inputs of 7 items of 4 floats, each copied once into the batch; both
    # outputs split back into the four responses.
    assert total(server, "input_bytes_copied_total", model="batched") == copied_in + 2 * 7 * 4 * 4
    assert total(server, "output_bytes_copied_total", model="batched") == copied_out + 2 * 7 * 4 * 4
    assert total(server, "requests_total", model="batched", path="gathered") == gathered + 4
    assert total(server, "executions_total", model="batched", path="gathered") == runs + 1


def test_a_failed_request_is_not_counted_as_served(server):
    served = total(server, "requests_total", model="simple")
    bad = httpclient.InferInput("INPUT0", [1, 4], "FP32")
    bad.set_data_from_numpy(np.zeros((1, 4), np.float32))
    client = server.http()
    try:
        with pytest.raises(Exception):
            client.infer("simple", [bad])  # INPUT1 is missing
    finally:
        client.close()
    assert total(server, "requests_total", model="simple") == served


def test_unloading_a_model_removes_its_series(repo, start_server):
    server = start_server(repo, ["--model-control-mode=explicit", "--load-model=simple"])
    assert values(server, "sessions", model="simple")
    client = server.http()
    try:
        client.unload_model("simple")
        for _ in range(100):
            if not client.is_model_ready("simple") and not values(server, "sessions", model="simple"):
                break
            time.sleep(0.1)
    finally:
        client.close()
    assert not values(server, "sessions", model="simple")
    assert not values(server, "input_bytes_copied_total", model="simple")


def test_without_metrics_the_backend_still_loads_and_serves(repo, start_server):
    server = start_server(repo, ["--allow-metrics=false"])
    a = np.random.rand(1, 4).astype(np.float32)
    np.testing.assert_allclose(infer(server, "simple", a), 2 * a)
    with pytest.raises(urllib.error.URLError):  # no endpoint, so none of our families anywhere
        scrape(server)
    assert not [l for l in server.log().splitlines() if l.startswith(("E", "W")) and PREFIX in l]

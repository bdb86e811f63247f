"""Optional inputs through ONNX overridable initializers (initializers that
the graph also lists as inputs): a request that leaves one out runs with the
stored value, a request that sends one overrides it for itself alone, on
batching and non-batching models, and in batches that mix both kinds of
request. The bad-input cases of this path are in test_bad_input.py."""
import concurrent.futures
import itertools

import numpy as np
import pytest
import tritonclient.http as httpclient

import models

W, S = models.OVERRIDABLE_W, models.OVERRIDABLE_S
# The four combinations of W and S, sent at once.
MIXED = 4


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("optional_inputs") / "models"
    models.save(repo, "opt_batch", models.overridable_initializers(True),
                models.overridable_initializers_config("opt_batch", True))
    models.save(repo, "opt_flat", models.overridable_initializers(False),
                models.overridable_initializers_config("opt_flat", False))
    models.save(repo, "opt_mixed", models.overridable_initializers(True),
                models.overridable_initializers_config(
                    "opt_mixed", True,
                    extra="dynamic_batching { max_queue_delay_microseconds: 100000 }\n"
                          "instance_group [{ kind: KIND_CPU count: 1 }]"))
    # The dynamic batcher waits (up to 2 s) for 2 requests and runs them in one execution.
    models.save(repo, "opt_pair", models.overridable_initializers(True),
                models.overridable_initializers_config(
                    "opt_pair", True,
                    extra="dynamic_batching { max_queue_delay_microseconds: 2000000 preferred_batch_size: [ 2 ] }\n"
                          "instance_group [{ kind: KIND_CPU count: 1 }]"))
    models.save(repo, "opt_auto", models.overridable_initializers(True))  # no config: auto-complete
    return module_server_factory(repo)


def _request(x, w=None, s=None):
    inputs = []
    for name, arr in (("X", x), ("W", w), ("S", s)):
        if arr is not None:
            i = httpclient.InferInput(name, list(arr.shape), "FP32")
            i.set_data_from_numpy(arr)
            inputs.append(i)
    return inputs


def _expected(x, w=None, s=None):
    return (x + (W if w is None else w)) * (S if s is None else s)


@pytest.mark.parametrize("with_w,with_s", list(itertools.product([False, True], repeat=2)))
@pytest.mark.parametrize("model,batching", [("opt_batch", True), ("opt_flat", False)])
def test_every_combination_of_the_optional_inputs(server, model, batching, with_w, with_s):
    lead = (3,) if batching else ()
    x = np.arange(np.prod(lead + (2,)), dtype=np.float32).reshape(lead + (2,))
    w = (np.full(lead + (2,), -1.0, np.float32) if with_w else None)
    s = (np.full(lead + (2,), 0.5, np.float32) if with_s else None)
    result = server.http().infer(model, _request(x, w, s)).as_numpy("Y")
    np.testing.assert_array_equal(result, _expected(x, w, s))


def test_requests_with_and_without_them_at_once_each_get_their_own_values(server):
    # The four combinations at once, to a batching model. Triton's dynamic
    # batcher does not put requests with different sets of inputs in one
    # batch (each goes alone here); the backend also keeps any such requests
    # it gets in one execution in separate runs (RequestBatch::FormGroups, the
    # execute tests' KeepsRequestsWithAndWithoutAnOptionalInputApart). Either
    # way no request's W or S may reach another's rows.
    xs = [np.full((1, 2), k, np.float32) for k in range(MIXED)]
    ws = [None, np.full((1, 2), 100.0, np.float32), None, np.full((1, 2), 1000.0, np.float32)]
    ss = [None, None, np.full((1, 2), -1.0, np.float32), np.full((1, 2), 4.0, np.float32)]
    before = server.http().get_inference_statistics("opt_mixed")["model_stats"][0]

    def send(k):
        return server.http().infer("opt_mixed", _request(xs[k], ws[k], ss[k])).as_numpy("Y")

    with concurrent.futures.ThreadPoolExecutor(MIXED) as pool:
        results = list(pool.map(send, range(MIXED)))
    for k in range(MIXED):
        np.testing.assert_array_equal(results[k], _expected(xs[k], ws[k], ss[k]), err_msg=f"request {k}")
    after = server.http().get_inference_statistics("opt_mixed")["model_stats"][0]
    assert int(after["inference_count"]) - int(before["inference_count"]) == MIXED


def test_requests_with_the_same_optional_inputs_are_batched_together(server):
    """Two requests that both send W (different values) run in one
    execution, each with its own rows of W."""
    xs = [np.full((1, 2), 1.0, np.float32), np.full((1, 2), 2.0, np.float32)]
    ws = [np.full((1, 2), 5.0, np.float32), np.full((1, 2), 7.0, np.float32)]
    before = server.http().get_inference_statistics("opt_pair")["model_stats"][0]

    def send(k):
        return server.http().infer("opt_pair", _request(xs[k], ws[k])).as_numpy("Y")

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(send, range(2)))
    for k in range(2):
        np.testing.assert_array_equal(results[k], _expected(xs[k], ws[k]), err_msg=f"request {k}")
    after = server.http().get_inference_statistics("opt_pair")["model_stats"][0]
    assert int(after["execution_count"]) - int(before["execution_count"]) == 1, "they were batched together"
    assert int(after["inference_count"]) - int(before["inference_count"]) == 2


def test_auto_complete_leaves_the_initializers_out_as_the_original_does(server):
    config = server.http().get_model_config("opt_auto")
    assert [i["name"] for i in config["input"]] == ["X"]
    x = np.ones((2, 2), np.float32)
    np.testing.assert_array_equal(server.http().infer("opt_auto", _request(x)).as_numpy("Y"), _expected(x))

"""Ragged batching against the real server: requests of different lengths are
batched into one execution; every batch_input kind reaches the model with the
shape and values Triton's ragged-batching documentation defines; batch
outputs are scattered back by each request's input shape."""
import concurrent.futures
import re

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

import models

BATCHED_DELAY = "dynamic_batching {{ max_queue_delay_microseconds: 3000000 preferred_batch_size: [ {n} ] }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("ragged") / "models"
    # One model per batch size, so each test's requests form exactly one batch.
    for n in (1, 2, 4):
        models.save(repo, f"ragged_{n}", models.ragged_all_kinds(),
                    models.ragged_all_kinds_config(f"ragged_{n}", extra=BATCHED_DELAY.format(n=n) +
                                                   "\ninstance_group [{ kind: KIND_CPU count: 1 }]"))
    return module_server_factory(repo, ["--log-verbose=1"])


def _request(length, rows, cols, seed):
    rng = np.random.default_rng(seed)
    return {"INPUT": rng.random((1, length), dtype=np.float32),
            "MATRIX": rng.random((1, rows, cols), dtype=np.float32)}


def _infer(server, model, arrays):
    inputs = []
    for name, arr in arrays.items():
        i = httpclient.InferInput(name, list(arr.shape), "FP32")
        i.set_data_from_numpy(arr)
        inputs.append(i)
    result = server.http().infer(model, inputs)
    names = [o["name"] for o in result.get_response()["outputs"]]
    return {n: result.as_numpy(n) for n in names}


def _executions(server, model):
    return int(server.http().get_inference_statistics(model)["model_stats"][0]["execution_count"])


def _run_batch(server, model, requests):
    before = _executions(server, model)
    with concurrent.futures.ThreadPoolExecutor(len(requests)) as pool:
        results = list(pool.map(lambda r: _infer(server, model, r), requests))
    assert _executions(server, model) - before == 1, "the requests were not batched into one execution"
    return results


# (INPUT length, MATRIX rows, MATRIX cols) per request.
SHAPES = {1: [(3, 2, 5)], 2: [(3, 1, 4), (4, 3, 2)], 4: [(3, 2, 2), (4, 1, 1), (5, 2, 3), (1, 3, 1)]}


@pytest.mark.parametrize("n", sorted(SHAPES))
def test_every_batch_input_kind_has_the_documented_values(server, n):
    requests = [_request(*s, seed=k) for k, s in enumerate(SHAPES[n])]
    results = _run_batch(server, f"ragged_{n}", requests)

    lengths = [r["INPUT"].size for r in requests]
    for req, out in zip(requests, results):
        length, rows, cols = req["INPUT"].size, req["MATRIX"].shape[1], req["MATRIX"].shape[2]
        # BATCH_ELEMENT_COUNT: this request's element count of INPUT.
        # Per-request scalars come back as [1, 1] (batch 1, config dims [1]).
        assert out["EC_OUT"].shape == (1, 1) and out["EC_OUT"][0, 0] == length
        # BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO, as [start, end) of this
        # request's elements; BATCH_ACCUMULATED_ELEMENT_COUNT is the end.
        start, end = int(out["AECZ_START"][0, 0]), int(out["AECZ_END"][0, 0])
        assert end - start == length
        assert out["AEC_OUT"].dtype == np.int32 and int(out["AEC_OUT"][0, 0]) == end
        # BATCH_MAX_ELEMENT_COUNT_AS_SHAPE: the shape is the batch's largest count.
        assert out["MAX_OUT"][0, 0] == max(lengths)
        # BATCH_ITEM_SHAPE ([items, 2]) and _FLATTEN ([items * 2]) of MATRIX.
        np.testing.assert_array_equal(out["ISH_OUT"], [[rows, cols]])
        np.testing.assert_array_equal(out["ISF_OUT"], [[rows, cols]])
        assert out["ISF_OUT"].dtype == np.float32
    # The accumulated counts follow the batch order: starting at 0, each
    # request begins where the one before it ended.
    spans = sorted((int(o["AECZ_START"][0, 0]), int(o["AECZ_END"][0, 0])) for o in results)
    assert spans[0][0] == 0
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert start == end
    assert spans[-1][1] == sum(lengths)


@pytest.mark.parametrize("n", sorted(SHAPES))
def test_batch_outputs_are_scattered_by_each_requests_input_shape(server, n):
    requests = [_request(*s, seed=10 + k) for k, s in enumerate(SHAPES[n])]
    results = _run_batch(server, f"ragged_{n}", requests)
    for req, out in zip(requests, results):
        assert out["OUT"].shape == req["INPUT"].shape
        np.testing.assert_allclose(out["OUT"], 2 * req["INPUT"], rtol=1e-6)
        assert out["MOUT"].shape == req["MATRIX"].shape
        np.testing.assert_allclose(out["MOUT"], req["MATRIX"] + 1, rtol=1e-6)


def _copies(server, model, after_line):
    pattern = re.compile(rf"model '{model}', instance '[^']+': executed (\d+) request\(s\) in (\d+) run\(s\); "
                         r"copied (\d+) input bytes and (\d+) output bytes")
    found = [tuple(map(int, m.groups())) for m in map(pattern.search, server.log().splitlines()[after_line:]) if m]
    assert found, "no execution line in the verbose log"
    return found[-1]


def test_ragged_inputs_are_concatenated_with_one_copy(server):
    start = len(server.log().splitlines())
    requests = [_request(*s, seed=20 + k) for k, s in enumerate(SHAPES[4])]
    _run_batch(server, "ragged_4", requests)
    executed, runs, copied_in, copied_out = _copies(server, "ragged_4", start)
    ragged_bytes = sum(r["INPUT"].nbytes + r["MATRIX"].nbytes for r in requests)
    assert (executed, runs) == (4, 1)
    # Each ragged input copied once into the 1-D tensor; batch inputs are
    # computed, not copied.
    assert copied_in == ragged_bytes
    # Every output is split into the four responses: the two batch outputs
    # (the ragged inputs' sizes), five per-request scalars and two pairs.
    assert copied_out == ragged_bytes + 4 * (5 * 4) + 4 * (2 * 4 + 2 * 4)


def test_a_single_ragged_request_is_read_in_place(server):
    start = len(server.log().splitlines())
    req = _request(6, 2, 3, seed=30)
    out = _infer(server, "ragged_1", req)
    np.testing.assert_allclose(out["OUT"], 2 * req["INPUT"], rtol=1e-6)
    assert out["MOUT"].shape == req["MATRIX"].shape
    np.testing.assert_allclose(out["MOUT"], req["MATRIX"] + 1, rtol=1e-6)
    executed, runs, copied_in, copied_out = _copies(server, "ragged_1", start)
    # A lone request's batch outputs are written by ORT straight into the
    # response (shaped by the request's input), like every other output.
    assert (executed, runs, copied_in, copied_out) == (1, 1, 0, 0)


def test_a_bad_request_fails_alone_inside_a_ragged_batch(server):
    good = [_request(3, 1, 2, seed=40), _request(5, 2, 2, seed=41), _request(2, 2, 1, seed=42)]
    bad = {"INPUT": np.ones((1, 4), np.float32), "MATRIX": np.ones((1, 2), np.float32)}  # MATRIX needs rank 3

    def one(arrays):
        try:
            return _infer(server, "ragged_4", arrays)
        except InferenceServerException as e:
            return e

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(one, good + [bad]))
    for req, out in zip(good, results[:3]):
        assert not isinstance(out, Exception), out
        np.testing.assert_allclose(out["OUT"], 2 * req["INPUT"], rtol=1e-6)
    assert isinstance(results[3], InferenceServerException)
    assert "MATRIX" in str(results[3])


def test_clients_cannot_send_a_batch_input(server):
    arrays = dict(_request(3, 1, 1, seed=50), EC=np.ones((1, 1), np.float32))
    with pytest.raises(InferenceServerException) as e:
        _infer(server, "ragged_1", arrays)
    assert "EC" in str(e.value)
    assert server.alive()


def _shaped(name, arr, shape=None, dtype="FP32"):
    i = httpclient.InferInput(name, list(arr.shape), dtype)
    i.set_data_from_numpy(arr)
    if shape is not None:
        i.set_shape(shape)
    return i


GOOD_MATRIX = np.ones((1, 2, 2), np.float32)
# Malformed requests to a ragged model: name -> (inputs, fragments of the error).
BAD_RAGGED_REQUESTS = {
    "wrong-dtype": (lambda: [_shaped("INPUT", np.ones((1, 3), np.int32), dtype="INT32"),
                             _shaped("MATRIX", GOOD_MATRIX)], ["INPUT", "FP32"]),
    "missing-ragged-input": (lambda: [_shaped("INPUT", np.ones((1, 3), np.float32))], ["MATRIX"]),
    "ragged-input-of-wrong-rank": (lambda: [_shaped("INPUT", np.ones((1, 3), np.float32)),
                                            _shaped("MATRIX", np.ones((1, 4), np.float32))], ["MATRIX"]),
    # 2**62 FP32 elements are 2**64 bytes, 0 once wrapped: the server's
    # byte-size check passes it, the backend's element count does not.
    "wrapping-element-count": (lambda: [_shaped("INPUT", np.zeros((1, 0), np.float32), [1, 2 ** 62]),
                                        _shaped("MATRIX", GOOD_MATRIX)],
                               ["model 'ragged_1', input 'INPUT'", "byte size overflows 64 bits"]),
    "batch-input-sent-by-the-client": (lambda: [_shaped("INPUT", np.ones((1, 3), np.float32)),
                                                _shaped("MATRIX", GOOD_MATRIX),
                                                _shaped("AEC", np.ones((1, 1), np.int32), dtype="INT32")], ["AEC"]),
}


@pytest.mark.parametrize("case", list(BAD_RAGGED_REQUESTS))
def test_malformed_ragged_request_fails_alone(server, case):
    make_inputs, fragments = BAD_RAGGED_REQUESTS[case]
    with pytest.raises(InferenceServerException) as e:
        server.http().infer("ragged_1", make_inputs())
    msg = str(e.value)
    for f in fragments:
        assert f in msg, f"{f!r} not in {msg!r}"
    assert server.alive()
    req = _request(2, 1, 1, seed=60)
    np.testing.assert_allclose(_infer(server, "ragged_1", req)["OUT"], 2 * req["INPUT"], rtol=1e-6)


def test_a_ragged_request_may_have_no_elements(server):
    req = {"INPUT": np.zeros((1, 0), np.float32), "MATRIX": np.ones((1, 1, 2), np.float32)}
    out = _infer(server, "ragged_1", req)
    assert out["OUT"].shape == (1, 0)
    assert out["EC_OUT"][0, 0] == 0 and out["MAX_OUT"][0, 0] == 0

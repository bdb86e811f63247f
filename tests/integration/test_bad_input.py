"""Bad requests get a clear error naming the model, the tensor and what was
expected; the server keeps serving, and other requests of the same batch
still succeed."""
import concurrent.futures
import http.client
import json
import struct

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from onnx import TensorProto
from tritonclient.utils import InferenceServerException

import models


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("bad_input") / "models"
    models.save(repo, "simple", models.add_sub())
    models.save(repo, "strings", models.identity(TensorProto.STRING, ["batch", 3]))
    # The model fixes the last dim at 3 but the config leaves it open and
    # allows ragged batches, so the server lets [1,5] through to the backend
    # in the same batch as good requests: only the backend can reject it.
    models.save(repo, "ragged", models.identity(TensorProto.FLOAT, ["batch", 3]),
                models.config("ragged", [("INPUT", "TYPE_FP32", [-1], "allow_ragged_batch: true")],
                              [("OUTPUT", "TYPE_FP32", [-1])], max_batch_size=8,
                              extra="dynamic_batching { max_queue_delay_microseconds: 2000000 "
                                    "preferred_batch_size: [ 3 ] }\ninstance_group [{ kind: KIND_CPU count: 1 }]"))
    return module_server_factory(repo)


def _client(server, protocol):
    return (server.http(), httpclient) if protocol == "http" else (server.grpc(), grpcclient)


def _input(mod, name, arr, dtype):
    i = mod.InferInput(name, list(arr.shape), dtype)
    i.set_data_from_numpy(arr)
    return i


def assert_still_serving(server, protocol):
    client, mod = _client(server, protocol)
    a = np.arange(4, dtype=np.float32).reshape(1, 4)
    r = client.infer("simple", [_input(mod, "INPUT0", a, "FP32"), _input(mod, "INPUT1", a, "FP32")])
    np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), 2 * a)


def expect_error(server, protocol, model, inputs, *fragments, outputs=None):
    client, mod = _client(server, protocol)
    with pytest.raises(InferenceServerException) as e:
        client.infer(model, inputs(mod), outputs=[mod.InferRequestedOutput(o) for o in outputs] if outputs else None)
    msg = str(e.value)
    for f in fragments:
        assert f in msg, f"{f!r} not in {msg!r}"
    assert_still_serving(server, protocol)
    return msg


GOOD = np.ones((1, 4), np.float32)


def test_wrong_dtype(server, protocol):
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "INPUT0", GOOD.astype(np.int32), "INT32"), _input(m, "INPUT1", GOOD, "FP32")],
                 "INPUT0", "simple", "FP32", "INT32")


def test_wrong_shape(server, protocol):
    bad = np.ones((1, 3), np.float32)
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "INPUT0", bad, "FP32"), _input(m, "INPUT1", GOOD, "FP32")],
                 "INPUT0", "simple", "[1,3]")


def test_wrong_rank(server, protocol):
    bad = np.ones((1, 2, 2), np.float32)
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "INPUT0", bad, "FP32"), _input(m, "INPUT1", GOOD, "FP32")],
                 "INPUT0", "simple")


def test_batch_larger_than_max_batch_size(server, protocol):
    big = np.ones((5, 4), np.float32)
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "INPUT0", big, "FP32"), _input(m, "INPUT1", big, "FP32")],
                 "simple", "batch")


def test_missing_input(server, protocol):
    expect_error(server, protocol, "simple", lambda m: [_input(m, "INPUT0", GOOD, "FP32")], "INPUT1", "simple")


def test_unknown_input(server, protocol):
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "INPUT0", GOOD, "FP32"), _input(m, "INPUT1", GOOD, "FP32"),
                            _input(m, "BOGUS", GOOD, "FP32")],
                 "BOGUS", "simple")


def test_unknown_requested_output(server, protocol):
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "INPUT0", GOOD, "FP32"), _input(m, "INPUT1", GOOD, "FP32")],
                 "NOPE", outputs=["NOPE"])


def _raw_bytes_request(server, payload: bytes, shape):
    header = json.dumps({"inputs": [{"name": "INPUT", "shape": shape, "datatype": "BYTES",
                                     "parameters": {"binary_data_size": len(payload)}}]}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.http_port, timeout=30)
    conn.request("POST", "/v2/models/strings/infer", body=header + payload,
                 headers={"Inference-Header-Content-Length": str(len(header)),
                          "Content-Type": "application/octet-stream"})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def _elements(*items: bytes) -> bytes:
    return b"".join(struct.pack("<I", len(i)) + i for i in items)


@pytest.mark.parametrize("payload", [
    _elements(b"a", b"b") + struct.pack("<I", 100) + b"abc",  # length prefix past the end
    _elements(b"a", b"b") + b"\x01\x00",                      # truncated length prefix
    _elements(b"a", b"b"),                                    # too few elements
    _elements(b"a", b"b", b"c") + b"junk",                    # bytes left over
], ids=["length-past-end", "truncated-prefix", "too-few-elements", "leftover-bytes"])
def test_malformed_bytes_input(server, payload):
    status, body = _raw_bytes_request(server, payload, [1, 3])
    assert status == 400
    assert "INPUT" in body.decode(errors="replace")
    ok_status, ok_body = _raw_bytes_request(server, _elements(b"x", b"", b"z"), [1, 3])
    assert ok_status == 200, ok_body
    assert_still_serving(server, "http")


def test_bad_request_in_a_batch_fails_alone(server, protocol):
    client_factory = (lambda: server.http()) if protocol == "http" else (lambda: server.grpc())
    mod = httpclient if protocol == "http" else grpcclient
    before = server.http().get_inference_statistics("ragged")["model_stats"][0]
    good1 = np.array([[1, 2, 3]], np.float32)
    good2 = np.array([[4, 5, 6]], np.float32)
    bad = np.array([[1, 2, 3, 4, 5]], np.float32)

    def send(arr):
        try:
            return client_factory().infer("ragged", [_input(mod, "INPUT", arr, "FP32")]).as_numpy("OUTPUT")
        except InferenceServerException as e:
            return e

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        r1, r_bad, r2 = pool.map(send, [good1, bad, good2])
    np.testing.assert_array_equal(r1, good1)
    np.testing.assert_array_equal(r2, good2)
    assert isinstance(r_bad, InferenceServerException)
    msg = str(r_bad)
    assert "model 'ragged', input 'INPUT'" in msg and "[-1,3]" in msg and "[1,5]" in msg
    after = server.http().get_inference_statistics("ragged")["model_stats"][0]
    # All three went to the backend in one execution; only the two good ones ran.
    assert int(after["execution_count"]) - int(before["execution_count"]) == 1
    assert int(after["inference_count"]) - int(before["inference_count"]) == 2
    assert int(after["inference_stats"]["fail"]["count"]) - int(before["inference_stats"]["fail"]["count"]) == 1

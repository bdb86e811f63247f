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
    # A ragged model (1-D in the model, requests [1, a, b]): the batcher
    # combines requests of any shape, so a request whose shape only the
    # backend can refuse (its element count wraps around 64 bits to the 0
    # bytes it sends) reaches the backend in the same batch as good ones.
    models.save(repo, "ragged", models.identity(TensorProto.FLOAT, ["n"]),
                models.config("ragged", [("INPUT", "TYPE_FP32", [-1, -1], "allow_ragged_batch: true")],
                              [("OUTPUT", "TYPE_FP32", [-1, -1])], max_batch_size=8,
                              extra="batch_output [{ target_name: \"OUTPUT\" kind: BATCH_SCATTER_WITH_INPUT_SHAPE "
                                    "source_input: \"INPUT\" }]\n"
                                    "dynamic_batching { max_queue_delay_microseconds: 2000000 "
                                    "preferred_batch_size: [ 3 ] }\ninstance_group [{ kind: KIND_CPU count: 1 }]"))
    # Non-batching models with open dims, so that huge, zero and negative
    # shapes reach the shape/byte-size checks instead of the rank check.
    models.save(repo, "flat", models.identity(TensorProto.FLOAT, ["n"]),
                models.config("flat", [("INPUT", "TYPE_FP32", [-1])], [("OUTPUT", "TYPE_FP32", [-1])],
                              max_batch_size=0))
    models.save(repo, "var2d", models.identity(TensorProto.FLOAT, ["h", "w"]),
                models.config("var2d", [("INPUT", "TYPE_FP32", [-1, -1])], [("OUTPUT", "TYPE_FP32", [-1, -1])],
                              max_batch_size=0))
    models.save(repo, "strings2d", models.identity(TensorProto.STRING, ["r", "c"]),
                models.config("strings2d", [("INPUT", "TYPE_STRING", [-1, -1])],
                              [("OUTPUT", "TYPE_STRING", [-1, -1])], max_batch_size=0))
    # Optional inputs: W and S are overridable initializers; M is a graph
    # input proper that the config marks optional (the model has no value
    # for it).
    models.save(repo, "optional", models.overridable_initializers(True),
                models.overridable_initializers_config("optional", True))
    models.save(repo, "graph_optional", models.binary_op("Add", TensorProto.FLOAT, ["batch", 2], ("X", "M", "Y")),
                models.config("graph_optional", [("X", "TYPE_FP32", [2]), ("M", "TYPE_FP32", [2], "optional: true")],
                              [("Y", "TYPE_FP32", [2])], max_batch_size=8,
                              extra="dynamic_batching { max_queue_delay_microseconds: 100000 }\n"
                                    "instance_group [{ kind: KIND_CPU count: 1 }]"))
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
    """outputs: a list of output names, or a callable(module) -> [InferRequestedOutput]."""
    client, mod = _client(server, protocol)
    if callable(outputs):
        requested = outputs(mod)
    else:
        requested = [mod.InferRequestedOutput(o) for o in outputs] if outputs else None
    with pytest.raises(InferenceServerException) as e:
        client.infer(model, inputs(mod), outputs=requested)
    msg = str(e.value)
    print(f"MSG [{protocol}] {model}: {msg}")
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


@pytest.mark.parametrize("payload,fragments", [
    (_elements(b"a", b"b") + struct.pack("<I", 100) + b"abc",  # length prefix past the end
     ["model 'strings', input 'INPUT'", "element 2", "the length prefix says 100 bytes, but only 3 remain"]),
    (_elements(b"a", b"b") + b"\x01\x00",                      # truncated length prefix
     ["input 'INPUT'", "'strings'", "expecting 4 bytes but only 2 bytes available"]),
    (_elements(b"a", b"b"),                                    # too few elements
     ["input 'INPUT'", "'strings'", "expected 3 string elements", "got 2"]),
    (_elements(b"a", b"b", b"c") + b"junk",                    # bytes left over
     ["input 'INPUT'", "'strings'", "string elements 4", "expecting 3"]),
], ids=["length-past-end", "truncated-prefix", "too-few-elements", "leftover-bytes"])
def test_malformed_bytes_input(server, payload, fragments):
    status, body = _raw_bytes_request(server, payload, [1, 3])
    text = body.decode(errors="replace")
    assert status == 400, text
    for f in fragments:
        assert f in text, f"{f!r} not in {text!r}"
    ok_status, ok_body = _raw_bytes_request(server, _elements(b"x", b"", b"z"), [1, 3])
    assert ok_status == 200, ok_body
    assert_still_serving(server, "http")


def test_bad_request_in_a_batch_fails_alone(server, protocol):
    client_factory = (lambda: server.http()) if protocol == "http" else (lambda: server.grpc())
    mod = httpclient if protocol == "http" else grpcclient
    before = server.http().get_inference_statistics("ragged")["model_stats"][0]
    good1 = np.array([[[1, 2, 3]]], np.float32)
    good2 = np.array([[[4, 5], [6, 7]]], np.float32)
    bad_shape = [1, 2 ** 62, 4]  # 2**64 elements: 0 bytes once wrapped, which is what it sends

    def send(arr):
        try:
            i = _input(mod, "INPUT", arr, "FP32")
            if arr.size == 0:
                i.set_shape(bad_shape)
            return client_factory().infer("ragged", [i]).as_numpy("OUTPUT")
        except InferenceServerException as e:
            return e

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        r1, r_bad, r2 = pool.map(send, [good1, np.zeros((1, 0, 4), np.float32), good2])
    np.testing.assert_array_equal(r1, good1)
    np.testing.assert_array_equal(r2, good2)
    assert isinstance(r_bad, InferenceServerException)
    msg = str(r_bad)
    assert "model 'ragged', input 'INPUT'" in msg and "has more elements than can be addressed" in msg, msg
    after = server.http().get_inference_statistics("ragged")["model_stats"][0]
    # All three went to the backend in one execution; only the two good ones ran.
    assert int(after["inference_count"]) - int(before["inference_count"]) == 2
    assert int(after["inference_stats"]["fail"]["count"]) - int(before["inference_stats"]["fail"]["count"]) == 1
    assert int(after["inference_stats"]["fail"]["count"]) - int(before["inference_stats"]["fail"]["count"]) == 1


# ---------------------------------------------------------------------------
# More malformed requests. Every case is followed by a good request
# (assert_still_serving) to prove the server and the model are intact.
# ---------------------------------------------------------------------------

def _shaped(mod, name, arr, dtype, shape):
    """An input carrying arr's bytes but declaring another shape."""
    return _input(mod, name, arr, dtype).set_shape(list(shape))


# Wrong data type for an FP32 input: (triton type, numpy type).
WRONG_DTYPES = {
    "FP64": np.float64, "FP16": np.float16, "INT64": np.int64, "UINT8": np.uint8, "BOOL": np.bool_,
    "INT8": np.int8,
}


@pytest.mark.parametrize("dtype", list(WRONG_DTYPES))
def test_wrong_dtype_more_types(server, protocol, dtype):
    arr = GOOD.astype(WRONG_DTYPES[dtype])
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "INPUT0", GOOD, "FP32"), _input(m, "INPUT1", arr, dtype)],
                 f"inference input 'INPUT1' data-type is '{dtype}', but model 'simple' expects 'FP32'")


def test_string_data_to_fp32_input(server, protocol):
    strings = np.array([[b"1", b"2", b"3", b"4"]], dtype=np.object_)
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "INPUT0", strings, "BYTES"), _input(m, "INPUT1", GOOD, "FP32")],
                 "inference input 'INPUT0' data-type is 'BYTES', but model 'simple' expects 'FP32'")


def test_fp32_data_to_bytes_input(server, protocol):
    expect_error(server, protocol, "strings",
                 lambda m: [_input(m, "INPUT", np.ones((1, 3), np.float32), "FP32")],
                 "inference input 'INPUT' data-type is 'FP32', but model 'strings' expects 'BYTES'")


# id -> (model, data, shape sent, fragments[, fragments over HTTP]). The data
# is what the client sends; the shape may disagree with it (set_shape). On
# "simple" both inputs carry the same data and shape (so their batch sizes
# agree). Besides the fragments, every message must name the model and the
# input, except where HTTP fragments are given: the HTTP frontend cannot
# parse a negative dim and rejects the body before it knows the model's
# inputs ("Unable to parse 'shape'").
F4 = np.ones(4, np.float32)
F0 = np.ones(0, np.float32)
HTTP_NEGATIVE = ["Unable to parse 'shape'"]
SIZE = "input byte size mismatch"
SHAPE_CASES = {
    "rank-1": ("simple", GOOD, [4], ["Expected [-1,4], got [4]"]),
    "rank-3-batched-as-rank-2": ("simple", np.ones((1, 1, 4), np.float32), [1, 1, 4],
                                 ["Expected [-1,4], got [1,1,4]"]),
    "rank-0": ("flat", np.ones(1, np.float32), [], ["Expected [-1], got []"]),
    "dims-too-wide": ("simple", np.ones((1, 5), np.float32), [1, 5], ["Expected [-1,4], got [1,5]"]),
    "zero-inner-dim": ("simple", np.ones((1, 0), np.float32), [1, 0], ["Expected [-1,4], got [1,0]"]),
    # The server treats batch 0 as "no batch dim" and wants one row of data...
    "batch-0": ("simple", np.ones((0, 4), np.float32), [0, 4], [SIZE, "Expected 16, got 0"]),
    # ...so [0,4] with one row passes it and reaches the backend as [4].
    "batch-0-with-one-row": ("simple", GOOD, [0, 4], ["expected shape [-1,4]", "1 to 4", "got [4]"]),
    "batch-far-over-max": ("simple", np.ones((1000, 4), np.float32), [1000, 4], ["batch-size must be <= 4"]),
    # A batch dim the server truncates to 0 (2**62 and 2**32): it reaches the
    # backend as [4], like batch 0.
    "huge-batch-dim-2**62": ("simple", GOOD, [2 ** 62, 4], ["expected shape [-1,4]", "got [4]"]),
    "huge-batch-dim-2**32": ("simple", GOOD, [2 ** 32, 4], ["expected shape [-1,4]", "got [4]"]),
    "negative-inner-dim": ("simple", GOOD, [1, -4], ["Expected [-1,4], got [1,-4]"], HTTP_NEGATIVE),
    "negative-batch-dim": ("simple", GOOD, [-1, 4], ["batch size"], HTTP_NEGATIVE),
    "negative-dim-nonbatching": ("flat", F4, [-4], [SIZE, "got 16"], HTTP_NEGATIVE),
    "negative-pair-[-1,-4]": ("var2d", F4, [-1, -4], ["All input dimensions should be specified", "[-1,-4]"],
                              HTTP_NEGATIVE),
    "negative-pair-bytes-[-1,-2]": ("strings2d", np.array([b"a", b"b"], np.object_), [-1, -2],
                                    ["All input dimensions should be specified", "[-1,-2]"], HTTP_NEGATIVE),
    # Huge shapes with 16 bytes of data: the server's byte-size check rejects
    # them (its "expected" size has wrapped around, but it differs from 16).
    "huge-[2**62]": ("flat", F4, [2 ** 62], [SIZE, "got 16"]),
    "huge-[2**61]": ("flat", F4, [2 ** 61], [SIZE, "got 16"]),
    "huge-[2**62,4]": ("var2d", F4, [2 ** 62, 4], [SIZE, "got 16"]),
    "huge-[4,2**61]": ("var2d", F4, [4, 2 ** 61], [SIZE, "got 16"]),
    "huge-[int64-max]": ("flat", F4, [2 ** 63 - 1], [SIZE, "got 16"]),
    "zero-elements-with-data": ("flat", F4, [0], [SIZE, "Expected 0, got 16"]),
    "shape-smaller-than-data": ("var2d", np.ones((2, 2), np.float32), [1, 2], [SIZE, "Expected 8, got 16"]),
    # Shapes whose element or byte count wraps around in 64 bits to exactly
    # the bytes sent: the server's byte-size check passes them and only the
    # backend's overflow checks stand between them and ONNX Runtime.
    "wraps-to-0-[2**62,4]": ("var2d", F0, [2 ** 62, 4],
                             ["shape [4611686018427387904,4] has more elements than can be addressed"]),
    "wraps-to-0-[4,2**61]": ("var2d", F0, [4, 2 ** 61],
                             ["shape [4,2305843009213693952] has more elements than can be addressed"]),
    "wraps-to-0-[2**32,2**32]": ("var2d", F0, [2 ** 32, 2 ** 32],
                                 ["shape [4294967296,4294967296] has more elements than can be addressed"]),
    "wraps-to-16-[2**62+4]": ("flat", F4, [2 ** 62 + 4],
                              ["shape [4611686018427387908] is too large: its byte size overflows 64 bits"]),
    "wraps-to-16-[2**61+2,2]": ("var2d", F4, [2 ** 61 + 2, 2],
                                ["shape [2305843009213693954,2] is too large: its byte size overflows 64 bits"]),
}


@pytest.mark.parametrize("case", list(SHAPE_CASES))
def test_bad_shape(server, protocol, case):
    model, arr, shape, fragments, *http_fragments = SHAPE_CASES[case]
    dtype = "BYTES" if arr.dtype == np.object_ else "FP32"
    names = ["INPUT0", "INPUT1"] if model == "simple" else ["INPUT"]
    if protocol == "http" and http_fragments:
        expected = http_fragments[0]
    else:
        expected = [f"'{model}'", *fragments]
    client, mod = _client(server, protocol)
    with pytest.raises(InferenceServerException) as e:
        client.infer(model, [_shaped(mod, n, arr, dtype, shape) for n in names])
    msg = str(e.value)
    print(f"MSG [{protocol}] {model}: {msg}")
    for f in expected:
        assert f in msg, f"{f!r} not in {msg!r}"
    if not (protocol == "http" and http_fragments) and "batch-size" not in msg:
        assert any(f"'{n}'" in msg for n in names), msg  # either input of "simple" may be reported
    assert_still_serving(server, protocol)


def test_inputs_with_different_batch_sizes(server, protocol):
    two = np.ones((2, 4), np.float32)
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "INPUT0", GOOD, "FP32"), _input(m, "INPUT1", two, "FP32")],
                 "'simple'", "batch size does not match other inputs", "'INPUT")


def test_input_name_in_wrong_case(server, protocol):
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "input0", GOOD, "FP32"), _input(m, "INPUT1", GOOD, "FP32")],
                 "unexpected inference input 'input0'", "'simple'")


def test_no_inputs_at_all(server, protocol):
    expect_error(server, protocol, "simple", lambda m: [],
                 "expected 2 inputs but got 0 inputs", "'simple'", "'INPUT0','INPUT1'")


def test_requested_output_is_an_input_name(server, protocol):
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "INPUT0", GOOD, "FP32"), _input(m, "INPUT1", GOOD, "FP32")],
                 "unexpected inference output 'INPUT0'", "'simple'", outputs=["INPUT0"])


def test_requested_output_twice_is_tolerated(server, protocol):
    """Not an error case: the server merges a twice-requested output, and the
    answer carries it once, correct. (Not counted in CASE_COUNTS.)"""
    client, mod = _client(server, protocol)
    r = client.infer("simple", [_input(mod, "INPUT0", GOOD, "FP32"), _input(mod, "INPUT1", GOOD, "FP32")],
                     outputs=[mod.InferRequestedOutput("OUTPUT0"), mod.InferRequestedOutput("OUTPUT0")])
    outputs = r.get_response()["outputs"] if protocol == "http" else r.get_response().outputs
    print(f"MSG [{protocol}] outputs: {outputs}")
    assert len(outputs) == 1
    np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), 2 * GOOD)
    assert r.as_numpy("OUTPUT1") is None


# --- shared memory regions of the wrong size --------------------------------

from tritonclient.utils import shared_memory as shm  # noqa: E402


class _Regions:
    """System shared-memory regions registered with the server, removed after."""

    def __init__(self, server, protocol):
        self.client = server.http()
        self.tag = f"{protocol}_{id(self)}"
        self.handles = []

    def add(self, name, size, data=None):
        full = f"bad_input_{name}_{self.tag}"
        h = shm.create_shared_memory_region(full, "/" + full, size)
        self.handles.append((full, h))
        if data is not None:
            shm.set_shared_memory_region(h, [data])
        self.client.register_system_shared_memory(full, "/" + full, size)
        return full

    def close(self):
        for full, h in self.handles:
            try:
                self.client.unregister_system_shared_memory(full)
            finally:
                shm.destroy_shared_memory_region(h)


@pytest.fixture
def regions(server, protocol):
    r = _Regions(server, protocol)
    yield r
    r.close()


def _shm_input(mod, name, region, byte_size, offset=0):
    i = mod.InferInput(name, [1, 4], "FP32")
    i.set_shared_memory(region, byte_size, offset)
    return i


def test_shm_input_byte_size_past_region(server, protocol, regions):
    small = regions.add("small_in", 8, np.ones(2, np.float32))
    expect_error(server, protocol, "simple",
                 lambda m: [_shm_input(m, "INPUT0", small, 16), _input(m, "INPUT1", GOOD, "FP32")],
                 f"Invalid offset + byte size for shared memory region: '{small}'")


def test_shm_input_offset_past_region(server, protocol, regions):
    region = regions.add("offset_in", 16, GOOD)
    expect_error(server, protocol, "simple",
                 lambda m: [_shm_input(m, "INPUT0", region, 16, offset=32), _input(m, "INPUT1", GOOD, "FP32")],
                 f"Invalid offset for shared memory region: '{region}'")


def test_shm_input_smaller_than_tensor(server, protocol, regions):
    region = regions.add("short_in", 16, GOOD)
    expect_error(server, protocol, "simple",
                 lambda m: [_shm_input(m, "INPUT0", region, 8), _input(m, "INPUT1", GOOD, "FP32")],
                 "input 'INPUT0'", "'simple'", "Expected 16, got 8")


def test_shm_unregistered_region(server, protocol):
    expect_error(server, protocol, "simple",
                 lambda m: [_shm_input(m, "INPUT0", "never_registered", 16), _input(m, "INPUT1", GOOD, "FP32")],
                 "Unable to find shared memory region: 'never_registered'")


def _shm_output(region, byte_size, offset=0):
    def outputs(mod):
        o = mod.InferRequestedOutput("OUTPUT0")
        o.set_shared_memory(region, byte_size, offset)
        return [o]
    return outputs


def test_shm_output_region_too_small(server, protocol, regions):
    region = regions.add("small_out", 8)
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "INPUT0", GOOD, "FP32"), _input(m, "INPUT1", GOOD, "FP32")],
                 "model 'simple', output 'OUTPUT0'",
                 "shared memory size specified with the request for output 'OUTPUT0' (8 bytes) "
                 "should be at least 16 bytes", outputs=_shm_output(region, 8))


def test_shm_output_offset_past_region(server, protocol, regions):
    region = regions.add("offset_out", 16)
    expect_error(server, protocol, "simple",
                 lambda m: [_input(m, "INPUT0", GOOD, "FP32"), _input(m, "INPUT1", GOOD, "FP32")],
                 f"Invalid offset for shared memory region: '{region}'",
                 outputs=_shm_output(region, 16, offset=16))


def test_shm_bytes_input_prefix_past_end(server, protocol, regions):
    payload = _elements(b"a", b"b") + struct.pack("<I", 100) + b"abc"
    region = regions.add("bytes_in", len(payload), np.frombuffer(payload, np.uint8))

    def inputs(mod):
        i = mod.InferInput("INPUT", [1, 3], "BYTES")
        i.set_shared_memory(region, len(payload))
        return [i]

    expect_error(server, protocol, "strings", inputs, "model 'strings', input 'INPUT'", "element 2",
                 "the length prefix says 100 bytes, but only 3 remain")


def test_shm_bytes_output_too_small(server, protocol, regions):
    region = regions.add("bytes_out", 8)
    strings = np.array([[b"alpha", b"beta", b"gamma"]], np.object_)

    def outputs(mod):
        o = mod.InferRequestedOutput("OUTPUT")
        o.set_shared_memory(region, 8)
        return [o]

    expect_error(server, protocol, "strings", lambda m: [_input(m, "INPUT", strings, "BYTES")],
                 "model 'strings', output 'OUTPUT'", "(8 bytes) should be at least 26 bytes", outputs=outputs)


# --- raw HTTP requests the client library would not build --------------------

def _post(server, path, body: bytes, header_length=None):
    headers = {"Content-Type": "application/json"}
    if header_length is not None:
        headers = {"Inference-Header-Content-Length": str(header_length),
                   "Content-Type": "application/octet-stream"}
    conn = http.client.HTTPConnection("127.0.0.1", server.http_port, timeout=30)
    conn.request("POST", path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data.decode(errors="replace")


def _json(obj) -> bytes:
    return json.dumps(obj).encode()


def _t(name, shape, datatype="FP32", data=None, binary=None):
    t = {"name": name, "shape": shape, "datatype": datatype}
    if data is not None:
        t["data"] = data
    if binary is not None:
        t["parameters"] = {"binary_data_size": binary}
    return t


IN1 = _t("INPUT1", [1, 4], data=[1, 2, 3, 4])
F32_16 = np.ones(4, np.float32).tobytes()


def _binary(inputs, payload: bytes, outputs=None):
    """(body, header_length) for a binary-extension request."""
    obj = {"inputs": inputs}
    if outputs is not None:
        obj["outputs"] = outputs
    header = _json(obj)
    return header + payload, len(header)


def _bytes_body(shape, payload: bytes):
    """A binary BYTES request for input INPUT whose binary_data_size is the payload's length."""
    return _binary([_t("INPUT", shape, "BYTES", binary=len(payload))], payload)


# id -> (model, body, header_length or None, fragments). Bodies are JSON
# unless a header length is given.
def _j_in0(**kw):
    """A JSON request whose INPUT0 has the given fields (INPUT1 is good)."""
    t = {"name": "INPUT0", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}
    t.update(kw)
    return _json({"inputs": [{k: v for k, v in t.items() if v is not None}, IN1]})


PARSE = "Unable to parse"
RAW_HTTP_CASES = {
    "duplicate-input": ("simple", _json({"inputs": [_t("INPUT0", [1, 4], data=[1, 2, 3, 4]),
                                                    _t("INPUT0", [1, 4], data=[1, 2, 3, 4]), IN1]}),
                        None, ["input 'INPUT0' already exists in request"]),
    "truncated-json": ("simple", b'{"inputs": [{"name": "INPUT0", "shape": [1, 4]', None,
                       ["failed to parse the request JSON buffer"]),
    "json-not-an-object": ("simple", b"[1, 2, 3]", None, [f"{PARSE} 'inputs'"]),
    "not-json-at-all": ("simple", b"hello \xff\xfe", None, ["failed to parse the request JSON buffer"]),
    # An empty body is taken as a raw binary request, which needs a 1-input model.
    "empty-body": ("simple", b"", None, ["Raw request must only have 1 input", "'simple'"]),
    "inputs-not-a-list": ("simple", _json({"inputs": {"name": "INPUT0"}}), None, [f"{PARSE} 'inputs'"]),
    "input-without-name": ("simple", _j_in0(name=None), None, [f"{PARSE} 'name'"]),
    "input-without-shape": ("simple", _j_in0(shape=None), None, [f"{PARSE} 'shape'"]),
    "input-without-datatype": ("simple", _j_in0(datatype=None), None, [f"{PARSE} 'datatype'"]),
    "input-without-data": ("simple", _j_in0(data=None), None, ["'data'", "no field is set"]),
    "shape-not-integers": ("simple", _j_in0(shape=[1, "4"]), None, [f"{PARSE} 'shape'"]),
    "shape-fractional": ("simple", _j_in0(shape=[1, 4.5]), None, [f"{PARSE} 'shape'"]),
    "datatype-FLOAT32": ("simple", _j_in0(datatype="FLOAT32"), None, ["invalid datatype for input INPUT0"]),
    "datatype-lowercase": ("simple", _j_in0(datatype="fp32"), None, ["invalid datatype for input INPUT0"]),
    "json-data-too-few": ("simple", _j_in0(data=[1, 2, 3]), None, [f"{PARSE} 'data'", "Shape does not match"]),
    "json-data-too-many": ("simple", _j_in0(data=[1, 2, 3, 4, 5]), None,
                           [f"{PARSE} 'data'", "Shape does not match"]),
    "json-strings-for-fp32": ("simple", _j_in0(data=["a", "b", "c", "d"]), None,
                              [f"{PARSE} 'data'", "non-number"]),
    "json-nested-data-wrong-shape": ("simple", _j_in0(data=[[1, 2], [3, 4, 5]]), None,
                                     [f"{PARSE} 'data'", "Shape does not match"]),
    "binary-size-smaller-than-shape": ("simple", *_binary([_t("INPUT0", [1, 4], binary=12), IN1], F32_16[:12]),
                                       ["input 'INPUT0'", "'simple'", "Expected 16, got 12"]),
    "binary-size-larger-than-shape": ("simple", *_binary([_t("INPUT0", [1, 4], binary=20), IN1], F32_16 + b"\0" * 4),
                                      ["input 'INPUT0'", "'simple'", "Expected 16, got 20"]),
    "binary-size-past-body": ("simple", *_binary([_t("INPUT0", [1, 4], binary=16), IN1], F32_16[:8]),
                              ["input 'INPUT0'", "expecting 8 additional bytes", "'simple'"]),
    "binary-bytes-left-over-in-body": ("simple", *_binary([_t("INPUT0", [1, 4], binary=16), IN1],
                                                          F32_16 + b"extra"),
                                       ["unexpected additional input data", "'simple'"]),
    "header-length-past-body": ("simple", _j_in0(), 10000, ["inference header size", "10000"]),
    "zero-elements-with-binary-data": ("flat", *_binary([_t("INPUT", [0], binary=16)], F32_16),
                                       ["input 'INPUT'", "'flat'", "Expected 0, got 16"]),
    "bytes-empty-payload": ("strings", *_bytes_body([1, 3], b""),
                            ["input 'INPUT'", "'strings'", "expected 3 string elements", "got 0"]),
    "bytes-first-prefix-0xffffffff": ("strings", *_bytes_body([1, 3], b"\xff\xff\xff\xffabc"),
                                      ["input 'INPUT'", "'strings'", "expected 3 string elements"]),
    # The server counts 3 elements here, so only the backend sees the bad prefix.
    "bytes-last-prefix-0xffffffff": ("strings", *_bytes_body([1, 3], _elements(b"a", b"b") + b"\xff\xff\xff\xffx"),
                                     ["model 'strings', input 'INPUT'", "element 2",
                                      "the length prefix says 4294967295 bytes, but only 1 remain"]),
    "bytes-rank2-too-few-elements": ("strings2d", *_bytes_body([2, 3], _elements(b"a", b"b", b"c")),
                                     ["input 'INPUT'", "'strings2d'", "expected 6 string elements", "got 3"]),
    "bytes-rank2-too-many-elements": ("strings2d", *_bytes_body([2, 2], _elements(b"a", b"b", b"c", b"d", b"e")),
                                      ["input 'INPUT'", "'strings2d'", "string elements 5", "expecting 4"]),
    "bytes-rank2-prefix-past-end": ("strings2d", *_bytes_body([2, 2], _elements(b"a", b"b", b"c") +
                                                              struct.pack("<I", 9) + b"dd"),
                                    ["model 'strings2d', input 'INPUT'", "element 3",
                                     "the length prefix says 9 bytes, but only 2 remain"]),
    "bytes-rank2-empty-payload": ("strings2d", *_bytes_body([2, 2], b""),
                                  ["input 'INPUT'", "'strings2d'", "expected 4 string elements", "got 0"]),
    "bytes-zero-elements-with-data": ("strings2d", *_bytes_body([0, 2], _elements(b"a")),
                                      ["input 'INPUT'", "'strings2d'", "string elements 1", "expecting 0"]),
    "bytes-json-too-few-strings": ("strings", _json({"inputs": [_t("INPUT", [1, 3], "BYTES", data=["a", "b"])]}),
                                   None, ["input 'INPUT'", "'strings'", "expected 3 string elements", "got 2"]),
    "bytes-json-numbers": ("strings", _json({"inputs": [_t("INPUT", [1, 3], "BYTES", data=[1, 2, 3])]}),
                           None, [f"{PARSE} JSON bytes array"]),
    "outputs-not-a-list": ("simple", _json({"inputs": [_t("INPUT0", [1, 4], data=[1, 2, 3, 4]), IN1],
                                            "outputs": "OUTPUT0"}), None, [f"{PARSE} 'outputs'"]),
    "unknown-output-json": ("simple", _json({"inputs": [_t("INPUT0", [1, 4], data=[1, 2, 3, 4]), IN1],
                                             "outputs": [{"name": "OUTPUT9"}]}), None,
                            ["unexpected inference output 'OUTPUT9'", "'simple'"]),
}


@pytest.mark.parametrize("case", list(RAW_HTTP_CASES))
def test_malformed_http_request(server, case):
    model, body, header_length, fragments = RAW_HTTP_CASES[case]
    status, text = _post(server, f"/v2/models/{model}/infer", body, header_length)
    print(f"MSG [raw-http {case}] {status} {text}")
    # Triton's HTTP frontend answers 500 (not 400) when it cannot parse the
    # JSON itself; everything it parses and then rejects is a 400.
    parse_error = any(f.startswith(PARSE) or "failed to parse" in f for f in fragments)
    assert status in ((400, 500) if parse_error else (400,)), (status, text)
    assert json.loads(text)["error"], text
    for f in fragments:
        assert f in text, f"{f!r} not in {text!r}"
    assert_still_serving(server, "http")
    assert_still_serving(server, "grpc")


def test_unknown_model_and_version(server):
    good = _json({"inputs": [_t("INPUT0", [1, 4], data=[1, 2, 3, 4]), IN1]})
    status, text = _post(server, "/v2/models/no_such_model/infer", good)
    assert 400 <= status < 500 and "no_such_model" in text, (status, text)
    status, text = _post(server, "/v2/models/simple/versions/7/infer", good)
    assert 400 <= status < 500 and "simple" in text, (status, text)
    assert_still_serving(server, "http")


# --- raw gRPC requests --------------------------------------------------------

def _grpc_request(fill):
    from tritonclient.grpc import service_pb2
    req = service_pb2.ModelInferRequest(model_name="simple")
    fill(req)
    return req


def _add(req, name, shape=(1, 4), datatype="FP32"):
    t = req.inputs.add()
    t.name, t.datatype = name, datatype
    t.shape.extend(shape)
    return t


def _fill_extra_raw(req):
    _add(req, "INPUT0"), _add(req, "INPUT1")
    req.raw_input_contents.extend([F32_16, F32_16, F32_16])


def _fill_missing_raw(req):
    _add(req, "INPUT0"), _add(req, "INPUT1")
    req.raw_input_contents.extend([F32_16])


def _fill_raw_and_contents(req):
    _add(req, "INPUT0").contents.fp32_contents.extend([1, 2, 3, 4])
    _add(req, "INPUT1")
    req.raw_input_contents.extend([F32_16, F32_16])


def _fill_contents_too_few(req):
    _add(req, "INPUT0").contents.fp32_contents.extend([1, 2, 3])
    _add(req, "INPUT1").contents.fp32_contents.extend([1, 2, 3, 4])


def _fill_contents_wrong_field(req):
    _add(req, "INPUT0").contents.int_contents.extend([1, 2, 3, 4])
    _add(req, "INPUT1").contents.fp32_contents.extend([1, 2, 3, 4])


def _fill_raw_wrong_size(req):
    _add(req, "INPUT0"), _add(req, "INPUT1")
    req.raw_input_contents.extend([F32_16[:12], F32_16])


RAW_GRPC_CASES = {
    "fewer-raw-contents-than-inputs": (_fill_missing_raw, ["unable to find data for input tensor 'INPUT1'",
                                                           "'simple'"]),
    "raw-and-typed-contents-mixed": (_fill_raw_and_contents, ["contents field must not be specified",
                                                              "'INPUT0'", "'simple'"]),
    "typed-contents-too-few": (_fill_contents_too_few, ["input 'INPUT0'", "'simple'", "Expected 16, got 12"]),
    "typed-contents-wrong-field": (_fill_contents_wrong_field, ["input tensor 'INPUT0'", "'simple'",
                                                                "type 'INT32'", "expected datatype 'FP32'"]),
    "raw-content-wrong-size": (_fill_raw_wrong_size, ["input 'INPUT0'", "'simple'", "Expected 16, got 12"]),
}


def test_grpc_extra_raw_contents_are_ignored(server):
    """Not an error case: Triton's gRPC frontend ignores raw_input_contents
    beyond the inputs' count and answers correctly. (Not counted.)"""
    from tritonclient.grpc import service_pb2_grpc
    import grpc
    with grpc.insecure_channel(server.grpc_url) as channel:
        stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
        resp = stub.ModelInfer(_grpc_request(_fill_extra_raw), timeout=30)
    out = dict(zip([o.name for o in resp.outputs], resp.raw_output_contents))
    np.testing.assert_array_equal(np.frombuffer(out["OUTPUT0"], np.float32), 2 * F4)
    assert_still_serving(server, "grpc")


@pytest.mark.parametrize("case", list(RAW_GRPC_CASES))
def test_malformed_grpc_request(server, case):
    import grpc
    from tritonclient.grpc import service_pb2_grpc
    fill, fragments = RAW_GRPC_CASES[case]
    with grpc.insecure_channel(server.grpc_url) as channel:
        stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
        with pytest.raises(grpc.RpcError) as e:
            stub.ModelInfer(_grpc_request(fill), timeout=30)
    details = e.value.details()
    print(f"MSG [raw-grpc {case}] {e.value.code()} {details}")
    assert e.value.code() != grpc.StatusCode.OK
    for f in fragments:
        assert f in details, f"{f!r} not in {details!r}"
    assert_still_serving(server, "grpc")
    assert_still_serving(server, "http")


# --- the count of distinct malformed request cases ---------------------------
# A case is one distinct malformed request; its HTTP and gRPC variants count
# once. test_bad_request_in_a_batch_fails_alone counts as one case.
CASE_COUNTS = {
    "test_wrong_dtype (INT32)": 1,
    "test_wrong_dtype_more_types": len(WRONG_DTYPES),
    "test_string_data_to_fp32_input": 1,
    "test_fp32_data_to_bytes_input": 1,
    "test_wrong_shape": 1,
    "test_wrong_rank": 1,
    "test_bad_shape": len(SHAPE_CASES),
    "test_batch_larger_than_max_batch_size": 1,
    "test_inputs_with_different_batch_sizes": 1,
    "test_missing_input": 1,
    "test_no_inputs_at_all": 1,
    "test_unknown_input": 1,
    "test_input_name_in_wrong_case": 1,
    "test_unknown_requested_output": 1,
    "test_requested_output_is_an_input_name": 1,
    "test_malformed_bytes_input": 4,
    "test_bad_request_in_a_batch_fails_alone": 1,
    "test_shm_* (input past region, offset past region, smaller than tensor, unregistered, "
    "output region too small, output offset past region, BYTES input prefix past end, "
    "BYTES output region too small)": 8,
    "test_malformed_http_request": len(RAW_HTTP_CASES),
    "test_unknown_model_and_version": 2,
    "test_malformed_grpc_request": len(RAW_GRPC_CASES),
}


def test_case_count():
    total = sum(CASE_COUNTS.values())
    print(f"\n{total} distinct malformed request cases:")
    for k, v in CASE_COUNTS.items():
        print(f"  {v:3d}  {k}")
    assert total >= 40


# ---------------------------------------------------------------------------
# Optional inputs (overridable initializers and a graph input marked optional)
# ---------------------------------------------------------------------------

X2 = np.ones((1, 2), np.float32)


def test_overridable_initializer_with_the_wrong_dtype(server, protocol):
    expect_error(server, protocol, "optional",
                 lambda m: [_input(m, "X", X2, "FP32"), _input(m, "W", X2.astype(np.int32), "INT32")],
                 "optional", "W", "FP32", "INT32")


def test_overridable_initializer_with_the_wrong_shape(server, protocol):
    expect_error(server, protocol, "optional",
                 lambda m: [_input(m, "X", X2, "FP32"), _input(m, "W", np.ones((1, 3), np.float32), "FP32")],
                 "optional", "W", "[1,3]")


def test_overridable_initializer_with_another_batch_size(server, protocol):
    expect_error(server, protocol, "optional",
                 lambda m: [_input(m, "X", X2, "FP32"), _input(m, "S", np.ones((2, 2), np.float32), "FP32")],
                 "optional", "batch size")


def test_required_input_missing_beside_the_optional_ones(server, protocol):
    expect_error(server, protocol, "optional", lambda m: [_input(m, "W", X2, "FP32")], "optional", "X")


def test_optional_graph_input_missing_fails_alone_in_its_batch(server, protocol):
    """M is optional in the config, but the model has no value to run with:
    the request that leaves it out is refused by the backend, alone, while
    the two requests sent with it run. (Triton's batcher does not batch it
    with them, since its set of inputs differs; the backend refuses it
    before any run, so a group it did share would still run.)"""
    client_factory = (lambda: server.http()) if protocol == "http" else (lambda: server.grpc())
    mod = httpclient if protocol == "http" else grpcclient
    before = server.http().get_inference_statistics("graph_optional")["model_stats"][0]

    def send(with_m):
        try:
            inputs = [_input(mod, "X", X2, "FP32")]
            if with_m:
                inputs.append(_input(mod, "M", 2 * X2, "FP32"))
            return client_factory().infer("graph_optional", inputs).as_numpy("Y")
        except InferenceServerException as e:
            return e

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        r1, r_bad, r2 = pool.map(send, [True, False, True])
    np.testing.assert_array_equal(r1, 3 * X2)
    np.testing.assert_array_equal(r2, 3 * X2)
    assert isinstance(r_bad, InferenceServerException)
    msg = str(r_bad)
    assert "model 'graph_optional'" in msg and "missing input 'M'" in msg and "overridable initializer" in msg, msg
    after = server.http().get_inference_statistics("graph_optional")["model_stats"][0]
    assert int(after["inference_count"]) - int(before["inference_count"]) == 2
    assert int(after["inference_stats"]["fail"]["count"]) - int(before["inference_stats"]["fail"]["count"]) == 1

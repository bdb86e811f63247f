"""Several batches in flight inside one instance (max_batches_in_flight):
every request answered once and right, a failed run answering only its own
requests, unload while batches are in flight, and the models whose runs must
not overlap (sequence batching) kept to one batch at a time. GPU instances
use it by default (scripts/gpu checks them on a GPU); here it is asked for on
CPU instances, which run the same pipeline."""
import threading

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from onnx import TensorProto, helper, numpy_helper

import models

IN_FLIGHT = 'parameters { key: "max_batches_in_flight" value: { string_value: "%s" } }'
ONE_CPU = "instance_group [{ kind: KIND_CPU count: 1 }]"


def slow_model(layers=24, width=256):
    """Y = tanh(...tanh(X @ W) @ W...): a few milliseconds a run on a CPU,
    so batches are still in flight when the test unloads the model."""
    w = numpy_helper.from_array(
        (np.random.default_rng(0).standard_normal((width, width)) / np.sqrt(width)).astype(np.float32), "W")
    nodes, prev = [], "X"
    for i in range(layers):
        nodes += [helper.make_node("MatMul", [prev, "W"], [f"m{i}"]),
                  helper.make_node("Tanh", [f"m{i}"], ["Y" if i == layers - 1 else f"t{i}"])]
        prev = f"t{i}"
    return models.make_model(nodes, [models.tensor("X", TensorProto.FLOAT, ["batch", width])],
                             [models.tensor("Y", TensorProto.FLOAT, ["batch", width])], [w]), w


def slow_reference(x, weights, layers=24):
    for _ in range(layers):
        x = np.tanh(x @ weights)
    return x


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("pipelined") / "models"
    models.save(repo, "piped_add", models.add_sub(), models.config(
        "piped_add", max_batch_size=8,
        extra=f"dynamic_batching {{ }}\n{ONE_CPU}\n{IN_FLIGHT % 3}"))
    models.save(repo, "piped_reshape", models.reshape_by_input(), models.config(
        "piped_reshape", [("X", "TYPE_FP32", [6]), ("SHAPE", "TYPE_INT64", [2])], [("Y", "TYPE_FP32", [-1, -1])],
        max_batch_size=0, extra=f"{ONE_CPU}\n{IN_FLIGHT % 4}"))
    slow, _ = slow_model()
    models.save(repo, "piped_slow", slow, models.config(
        "piped_slow", [("X", "TYPE_FP32", [256])], [("Y", "TYPE_FP32", [256])], max_batch_size=16,
        extra=f"{ONE_CPU}\n{IN_FLIGHT % 4}"))
    models.save(repo, "piped_sequence", models.state_sum(), models.config(
        "piped_sequence", [("INPUT", "TYPE_INT32", [1])], [("OUTPUT", "TYPE_INT32", [1])], max_batch_size=4,
        extra=f"""sequence_batching {{ max_sequence_idle_microseconds: 10000000 oldest {{ max_candidate_sequences: 4 }}
  state [{{ input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_INT32 dims: [1]
    initial_state [{{ name: "zeros" data_type: TYPE_INT32 dims: [1] zero_data: true }}] }}]
}}
{ONE_CPU}
{IN_FLIGHT % 4}"""))
    models.save(repo, "piped_bad_value", models.add_sub(), models.config(
        "piped_bad_value", max_batch_size=8, extra=IN_FLIGHT % 0))
    return module_server_factory(repo, ["--log-verbose=1", "--model-control-mode=explicit",
                                        "--load-model=piped_add", "--load-model=piped_reshape",
                                        "--load-model=piped_slow", "--load-model=piped_sequence"])


def _infer_inputs(module, named):
    inputs = []
    for name, (array, dtype) in named.items():
        i = module.InferInput(name, list(array.shape), dtype)
        i.set_data_from_numpy(array)
        inputs.append(i)
    return inputs


class AsyncAnswers:
    """Sends gRPC requests without waiting and collects every answer each one
    gets (a request answered twice shows up as two)."""

    def __init__(self, client):
        self.client, self.answers, self.done = client, [], threading.Semaphore(0)

    def send(self, model, named):
        k = len(self.answers)
        self.answers.append([])

        def on_answer(result, error):
            self.answers[k].append((result, error))
            self.done.release()
        self.client.async_infer(model, _infer_inputs(grpcclient, named), callback=on_answer)

    def wait(self, timeout):
        for _ in self.answers:
            assert self.done.acquire(timeout=timeout), "a request was never answered"
        for k, got in enumerate(self.answers):
            assert len(got) == 1, f"request {k} answered {len(got)} times"
        return [got[0] for got in self.answers]


def test_instance_reports_its_batches_in_flight(server):
    log = server.log()
    assert "model 'piped_add': instance 'piped_add_0_0' keeps up to 3 batches in flight" in log
    assert "model 'piped_slow': instance 'piped_slow_0_0' keeps up to 4 batches in flight" in log


def test_concurrent_requests_each_get_their_own_answer(server):
    client = server.grpc()
    rng = np.random.default_rng(1)
    count = 64
    pairs = [(rng.uniform(-1, 1, (1, 4)).astype(np.float32), rng.uniform(-1, 1, (1, 4)).astype(np.float32))
             for _ in range(count)]
    before = server.http().get_inference_statistics("piped_add")["model_stats"][0]["inference_count"]
    sent = AsyncAnswers(client)
    for a, b in pairs:
        sent.send("piped_add", {"INPUT0": (a, "FP32"), "INPUT1": (b, "FP32")})
    answers = sent.wait(timeout=60)
    for (a, b), (result, error) in zip(pairs, answers):
        assert error is None, str(error)
        np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
        np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)
    after = server.http().get_inference_statistics("piped_add")["model_stats"][0]["inference_count"]
    assert int(after) - int(before) == count


def test_a_failed_run_answers_only_its_own_requests(server):
    client = server.grpc()
    x = np.arange(6, dtype=np.float32)
    shapes = [np.array([2, 3] if k % 3 else [4, 4], np.int64) for k in range(24)]
    sent = AsyncAnswers(client)
    for shape in shapes:
        sent.send("piped_reshape", {"X": (x, "FP32"), "SHAPE": (shape, "INT64")})
    for k, (result, error) in enumerate(sent.wait(timeout=60)):
        if k % 3:
            assert error is None, f"request {k}: {error}"
            np.testing.assert_array_equal(result.as_numpy("Y"), x.reshape(2, 3))
        else:
            assert error is not None, f"request {k} with shape [4, 4] succeeded"
            assert "model 'piped_reshape': ONNX Runtime failed to run" in str(error)


def test_unload_while_batches_are_in_flight(server):
    client = server.grpc()
    http = server.http()
    _, w = slow_model()
    weights = numpy_helper.to_array(w)
    rng = np.random.default_rng(2)
    count = 48
    xs = [rng.uniform(-1, 1, (4, 256)).astype(np.float32) for _ in range(count)]
    sent = AsyncAnswers(client)
    for x in xs:
        sent.send("piped_slow", {"X": (x, "FP32")})
    http.unload_model("piped_slow")
    # Every request in flight at the unload is answered, once.
    answers = sent.wait(timeout=120)
    ok = 0
    for x, (result, error) in zip(xs, answers):
        if error is None:
            ok += 1
            np.testing.assert_allclose(result.as_numpy("Y"), slow_reference(x, weights), rtol=1e-4, atol=1e-5)
    assert ok >= 1, "no request ran before the unload"
    assert server.alive()
    # Unloaded for good (the instance drained its batches and finalized), and it loads and serves again.
    log = server.log()
    assert "successfully unloaded" in log and "'piped_slow'" in log
    http.load_model("piped_slow")
    x = xs[0]
    result = http.infer("piped_slow", _infer_inputs(httpclient, {"X": (x, "FP32")}))
    np.testing.assert_allclose(result.as_numpy("Y"), slow_reference(x, weights), rtol=1e-4, atol=1e-5)


def test_sequence_models_run_one_batch_at_a_time(server):
    log = server.log()
    assert ("model 'piped_sequence': instance 'piped_sequence_0_0' runs one batch at a time, not "
            "max_batches_in_flight 4: a sequence's requests must run in order") in log
    rng = np.random.default_rng(3)
    sequences = {seq: rng.integers(-50, 50, 6) for seq in (11, 12, 13, 14)}
    results, errors = {}, []

    def one(seq, values):
        client = httpclient.InferenceServerClient(server.http_url)
        out = []
        try:
            for step, v in enumerate(values):
                r = client.infer("piped_sequence",
                                 _infer_inputs(httpclient, {"INPUT": (np.array([[v]], np.int32), "INT32")}),
                                 sequence_id=seq, sequence_start=step == 0, sequence_end=step == len(values) - 1)
                out.append(int(r.as_numpy("OUTPUT")[0, 0]))
        except Exception as e:  # noqa: BLE001
            errors.append(e)
        finally:
            client.close()
        results[seq] = out

    threads = [threading.Thread(target=one, args=item) for item in sequences.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for seq, values in sequences.items():
        assert results[seq] == list(np.cumsum(values)), seq


def test_bad_batches_in_flight_refuses_the_load(server):
    with pytest.raises(Exception) as err:
        server.http().load_model("piped_bad_value")
    assert "max_batches_in_flight" in str(err.value)

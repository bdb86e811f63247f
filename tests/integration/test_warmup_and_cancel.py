"""Model warmup runs through the backend at load (numeric and string inputs),
and requests cancelled while queued are answered CANCELLED, not run."""
import time

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
from onnx import TensorProto

import models


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("warmup") / "models"
    warm = """model_warmup [{
  name: "zeros" batch_size: 2
  inputs { key: "INPUT0" value: { data_type: TYPE_FP32 dims: [4] zero_data: true } }
  inputs { key: "INPUT1" value: { data_type: TYPE_FP32 dims: [4] random_data: true } }
}]"""
    models.save(repo, "warm_numeric", models.add_sub(), models.config("warm_numeric", max_batch_size=4, extra=warm))
    warm_str = """model_warmup [{
  name: "strings" batch_size: 1
  inputs { key: "INPUT" value: { data_type: TYPE_STRING dims: [3] random_data: true } }
}]"""
    models.save(repo, "warm_strings", models.identity(TensorProto.STRING, ["batch", 3]),
                models.config("warm_strings", max_batch_size=4, extra=warm_str))
    # A long queue delay keeps a request waiting long enough to cancel it.
    models.save(repo, "slow_queue", models.add_sub(),
                models.config("slow_queue", max_batch_size=8,
                              extra="dynamic_batching { max_queue_delay_microseconds: 1500000 "
                                    "preferred_batch_size: [ 8 ] }\ninstance_group [{ kind: KIND_CPU count: 1 }]"))
    return module_server_factory(repo, ["--log-verbose=1"])


@pytest.mark.parametrize("model,sample", [("warm_numeric", "zeros"), ("warm_strings", "strings")])
def test_warmup_runs_through_the_backend_at_load(server, model, sample):
    log = server.log()
    assert f"model '{model}': created an ONNX Runtime session" in log
    # The warmup request reached Execute: the backend logged running it.
    assert f"model '{model}', instance" in log and "executed 1 request(s) in 1 run(s)" in log
    assert server.http().is_model_ready(model)
    assert f"{sample}" in log


def test_cancelled_request_is_not_run(server):
    client = server.grpc()
    before = server.http().get_inference_statistics("slow_queue")["model_stats"][0]
    a = np.ones((1, 4), np.float32)
    inputs = []
    for n in ("INPUT0", "INPUT1"):
        i = grpcclient.InferInput(n, [1, 4], "FP32")
        i.set_data_from_numpy(a)
        inputs.append(i)
    answers = []
    future = client.async_infer("slow_queue", inputs, callback=lambda result, error: answers.append((result, error)))
    time.sleep(0.3)  # queued, waiting for the batch to fill
    future.cancel()  # the gRPC frontend marks the request cancelled
    time.sleep(2.5)  # the batcher hands it to the backend, which must not run it
    after = server.http().get_inference_statistics("slow_queue")["model_stats"][0]
    assert int(after["inference_count"]) == int(before["inference_count"])  # nothing ran
    assert int(after["execution_count"]) == int(before["execution_count"])
    failed = int(after["inference_stats"]["fail"]["count"]) - int(before["inference_stats"]["fail"]["count"])
    assert failed == 1  # answered with an error (CANCELLED)
    # The client got CANCELLED, not a result.
    assert len(answers) == 1 and answers[0][0] is None
    assert "CANCELLED" in str(answers[0][1]).upper()
    # The server still serves that model.
    ok = client.infer("slow_queue", inputs)
    np.testing.assert_array_equal(ok.as_numpy("OUTPUT0"), 2 * a)

"""Execution accelerators in the model config: OpenVINO runs for real on this
CPU (with the OpenVINO build of the backend); bad accelerator configs fail
the load with a message naming the problem."""
import json
import os
import pathlib
import sys
import time

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

import models

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bench"))
import make_models  # noqa: E402

OPENVINO_BACKEND_DIR = os.environ.get("ORT_OPENVINO_BACKEND_DIR")


def openvino(params=""):
    return f'optimization {{ execution_accelerators {{ cpu_execution_accelerator: [ {{ name: "openvino" {params} }} ] }} }}'


def conv_config(name, extra=""):
    return models.config(name, [("INPUT", "TYPE_FP32", [3, 224, 224])], [("OUTPUT", "TYPE_FP32", [10])],
                         max_batch_size=4, extra=extra)


def infer_conv(client, name, data):
    i = httpclient.InferInput("INPUT", list(data.shape), "FP32")
    i.set_data_from_numpy(data)
    return client.infer(name, [i]).as_numpy("OUTPUT")


def providers_in_profile(directory, prefix):
    for _ in range(100):
        files = list(pathlib.Path(directory).glob(f"{prefix}*.json"))
        try:
            events = json.loads(files[0].read_text()) if files else None
        except json.JSONDecodeError:
            events = None  # still being written
        if events:
            return {e["args"]["provider"] for e in events if e.get("cat") == "Node" and "provider" in e.get("args", {})}
        time.sleep(0.1)
    raise AssertionError(f"no profile {prefix}*.json in {directory}")


@pytest.mark.skipif(not OPENVINO_BACKEND_DIR, reason="set ORT_OPENVINO_BACKEND_DIR (scripts/test.sh builds it)")
def test_openvino_gives_the_cpu_results_and_runs_the_nodes(tmp_path, start_server):
    repo = tmp_path / "models"
    conv, _, _ = make_models.conv()
    profile = 'parameters { key: "profiling_file_prefix" value: { string_value: "%s" } }'
    models.save(repo, "conv_cpu", conv, conv_config("conv_cpu"))
    models.save(repo, "conv_openvino", conv,
                conv_config("conv_openvino", openvino() + "\n" + profile % (tmp_path / "ov_profile")))
    server = start_server(repo, ["--model-control-mode=explicit", "--load-model=*"],
                          backend_dir=OPENVINO_BACKEND_DIR)
    client = server.http()
    data = np.random.default_rng(1).uniform(-1, 1, (2, 3, 224, 224)).astype(np.float32)
    expected = infer_conv(client, "conv_cpu", data)
    got = infer_conv(client, "conv_openvino", data)
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-4)
    assert "OpenVINO" in server.log()
    client.unload_model("conv_openvino")  # the session ends and writes its profile
    assert providers_in_profile(tmp_path, "ov_profile") == {"OpenVINOExecutionProvider"}


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("eps") / "models"
    accel = "optimization {{ execution_accelerators {{ {kind}: [ {{ name: \"{name}\" {params} }} ] }} }}"
    bad = {
        "unknown_accelerator": accel.format(kind="gpu_execution_accelerator", name="magic", params=""),
        "openvino_as_gpu": accel.format(kind="gpu_execution_accelerator", name="openvino", params=""),
        "bad_precision": accel.format(kind="gpu_execution_accelerator", name="tensorrt",
                                      params='parameters { key: "precision_mode" value: "FP8" }'),
        "unknown_trt_key": accel.format(kind="gpu_execution_accelerator", name="tensorrt",
                                        params='parameters { key: "trt_warp_speed" value: "1" }'),
        "bad_workspace": accel.format(kind="gpu_execution_accelerator", name="tensorrt",
                                      params='parameters { key: "max_workspace_size_bytes" value: "lots" }'),
        "unknown_cuda_key": accel.format(kind="gpu_execution_accelerator", name="cuda",
                                         params='parameters { key: "cudnn_magic" value: "1" }'),
    }
    for name, extra in bad.items():
        models.save(repo, name, models.add_sub(), models.config(name, max_batch_size=4, extra=extra))
    # GPU accelerators are for GPU instances; a CPU instance of the same config serves on the CPU.
    models.save(repo, "trt_on_cpu_instance", models.add_sub(),
                models.config("trt_on_cpu_instance", max_batch_size=4,
                              extra=accel.format(kind="gpu_execution_accelerator", name="tensorrt",
                                                 params='parameters { key: "precision_mode" value: "FP16" }')
                              + "\ninstance_group [{ kind: KIND_CPU }]"))
    return module_server_factory(repo, ["--model-control-mode=explicit"])


@pytest.mark.parametrize("name,fragments", [
    ("unknown_accelerator", ["'magic'", "tensorrt", "cuda"]),
    ("openvino_as_gpu", ["openvino", "cpu_execution_accelerator"]),
    ("bad_precision", ["precision_mode", "FP8"]),
    ("unknown_trt_key", ["trt_warp_speed"]),
    ("bad_workspace", ["max_workspace_size_bytes", "lots"]),
    ("unknown_cuda_key", ["cudnn_magic"]),
])
def test_bad_accelerator_config_fails_the_load(server, name, fragments):
    with pytest.raises(InferenceServerException) as e:
        server.http().load_model(name)
    for f in fragments:
        assert f in str(e.value), (f, str(e.value))
    assert server.alive()


def test_gpu_accelerators_do_not_affect_cpu_instances(server):
    client = server.http()
    client.load_model("trt_on_cpu_instance")
    a = np.ones((1, 4), np.float32)
    inputs = []
    for n in ("INPUT0", "INPUT1"):
        i = httpclient.InferInput(n, [1, 4], "FP32")
        i.set_data_from_numpy(a)
        inputs.append(i)
    np.testing.assert_array_equal(client.infer("trt_on_cpu_instance", inputs).as_numpy("OUTPUT0"), 2 * a)

"""Models from ONNX's own node tests, served as they ship in the installed
`onnx` package: each loads in the server (through the backend's inspection
and auto-complete) and answers what raw ONNX Runtime answers for the inputs
ONNX ships. The fp16 attention models here are ones ONNX Runtime refuses to
load with every graph optimization off, so they also pin how the backend
inspects a model before it is served."""
import glob
import os
import shutil

import numpy as np
import onnx
import pytest
import tritonclient.http as httpclient
from onnx import numpy_helper
from tritonclient.utils import InferenceServerException

NODE_TESTS = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node")
NAMES = ["test_attention_4d_fp16_expanded", "test_attention_4d_gqa_with_past_and_present_fp16_expanded"]


def read_tensors(name, kind):
    """{tensor name: array} of test_data_set_0/<kind>_*.pb, in file order."""
    tensors = {}
    files = sorted(glob.glob(os.path.join(NODE_TESTS, name, "test_data_set_0", f"{kind}_*.pb")),
                   key=lambda f: int(f.rsplit("_", 1)[1].split(".")[0]))
    for path in files:
        proto = onnx.TensorProto()
        with open(path, "rb") as f:
            proto.ParseFromString(f.read())
        tensors[proto.name] = numpy_helper.to_array(proto)
    assert tensors, f"no {kind} tensors for {name} under {NODE_TESTS}"
    return tensors


def raw_ort_outputs(name, inputs):
    """What ONNX Runtime itself computes, with its default session options;
    the ONNX-shipped expected outputs when its Python package is missing."""
    try:
        import onnxruntime
    except ImportError:
        return read_tensors(name, "output")
    session = onnxruntime.InferenceSession(os.path.join(NODE_TESTS, name, "model.onnx"),
                                           providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(names, inputs)))


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("node_models") / "models"
    for name in NAMES:
        (repo / name / "1").mkdir(parents=True)
        shutil.copyfile(os.path.join(NODE_TESTS, name, "model.onnx"), repo / name / "1" / "model.onnx")
    # Loaded by each test, so a model that fails to load fails its test with
    # the backend's message rather than the server's start.
    return module_server_factory(repo, ["--model-control-mode=explicit"])


@pytest.mark.parametrize("name", NAMES)
def test_node_model_loads_and_matches_raw_onnx_runtime(server, name):
    client = server.http()
    try:
        client.load_model(name)
    except InferenceServerException as e:
        pytest.fail(f"loading {name} failed: {e}")
    assert client.is_model_ready(name)
    inputs = read_tensors(name, "input")
    request = []
    for input_name, array in inputs.items():
        i = httpclient.InferInput(input_name, list(array.shape), "FP16")
        i.set_data_from_numpy(array)
        request.append(i)
    result = client.infer(name, request)
    expected = raw_ort_outputs(name, inputs)
    shipped = read_tensors(name, "output")
    assert set(expected) == set(shipped)
    for output_name, want in expected.items():
        got = result.as_numpy(output_name)
        assert got is not None, f"output '{output_name}' missing from the response"
        assert got.dtype == np.float16 and got.shape == want.shape
        # Same ORT, same CPU kernels: only the thread split may differ.
        np.testing.assert_allclose(got.astype(np.float32), want.astype(np.float32), rtol=1e-3, atol=1e-3)
        # And ONNX's own reference agrees, within fp16 precision.
        np.testing.assert_allclose(got.astype(np.float32), shipped[output_name].astype(np.float32),
                                   rtol=1e-2, atol=5e-3)

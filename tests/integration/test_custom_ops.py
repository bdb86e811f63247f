"""model_operations { op_library_filename }: ORT loads the custom-op library
before the model, so models using its ops serve; a missing library fails the
load naming the path."""
import os

import numpy as np
import pytest
import tritonclient.http as httpclient
from onnx import TensorProto, helper
from tritonclient.utils import InferenceServerException

import models

LIB = os.environ.get("ORT_TEST_CUSTOM_OP_LIB")


def triple_model():
    node = helper.make_node("Triple", ["INPUT"], ["OUTPUT"], domain="test.ortbackend")
    graph = helper.make_graph([node], "g", [models.tensor("INPUT", TensorProto.FLOAT, ["batch", 4])],
                              [models.tensor("OUTPUT", TensorProto.FLOAT, ["batch", 4])])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("test.ortbackend", 1)])
    m.ir_version = 8
    return m


def ops_config(name, library):
    return models.config(name, [("INPUT", "TYPE_FP32", [4])], [("OUTPUT", "TYPE_FP32", [4])], max_batch_size=4,
                         extra=f'model_operations {{ op_library_filename: "{library}" }}' if library else "")


@pytest.mark.skipif(not LIB, reason="set ORT_TEST_CUSTOM_OP_LIB (scripts/test.sh builds it)")
def test_custom_op_library_is_loaded_and_used(tmp_path, start_server):
    repo = tmp_path / "models"
    models.save(repo, "tripled", triple_model(), ops_config("tripled", LIB))
    models.save(repo, "no_library", triple_model(), ops_config("no_library", None))
    models.save(repo, "wrong_library", triple_model(), ops_config("wrong_library", tmp_path / "nowhere.so"))
    server = start_server(repo, ["--model-control-mode=explicit"])
    client = server.http()
    client.load_model("tripled")
    data = np.arange(8, dtype=np.float32).reshape(2, 4)
    i = httpclient.InferInput("INPUT", [2, 4], "FP32")
    i.set_data_from_numpy(data)
    np.testing.assert_array_equal(client.infer("tripled", [i]).as_numpy("OUTPUT"), 3 * data)

    with pytest.raises(InferenceServerException) as e:
        client.load_model("no_library")
    assert "Triple" in str(e.value)
    with pytest.raises(InferenceServerException) as e:
        client.load_model("wrong_library")
    assert "nowhere.so" in str(e.value)

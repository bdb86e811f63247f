"""Models the backend must refuse to load, each with a message naming the
model and the cause. A failed load affects only that model: after each one a
good model still serves."""
import numpy as np
import pytest
import tritonclient.http as httpclient
from onnx import TensorProto, helper
from tritonclient.utils import InferenceServerException

import models
import protection


def _sequence_input():
    """Input S is a sequence of FP32 tensors (not a tensor)."""
    return models.make_model(
        [helper.make_node("ConcatFromSequence", ["S"], ["Y"], axis=0)],
        [helper.make_tensor_sequence_value_info("S", TensorProto.FLOAT, ["n"])],
        [models.tensor("Y", TensorProto.FLOAT, ["m"])])


def _fixed_output_first_dim():
    """X [batch,4] -> Y [1,4] (the mean over the batch): the output cannot batch."""
    return models.make_model(
        [helper.make_node("ReduceMean", ["X"], ["Y"], axes=[0], keepdims=1)],
        [models.tensor("X", TensorProto.FLOAT, ["batch", 4])],
        [models.tensor("Y", TensorProto.FLOAT, [1, 4])])


def _no_such_op():
    return models.make_model([helper.make_node("NoSuchOp", ["X"], ["Y"])],
                             [models.tensor("X", TensorProto.FLOAT, ["n"])],
                             [models.tensor("Y", TensorProto.FLOAT, ["n"])])


def _type_clash():
    """Add of an FP32 and an INT64 tensor: fails ONNX type inference."""
    return models.make_model([helper.make_node("Add", ["A", "B"], ["C"])],
                             [models.tensor("A", TensorProto.FLOAT, ["n"]),
                              models.tensor("B", TensorProto.INT64, ["n"])],
                             [models.tensor("C", TensorProto.FLOAT, ["n"])])


def _ir_version(v):
    m = models.add_sub()
    m.ir_version = v
    return m


# name -> fragments the load error must contain (besides the model's name).
CASES = {
    "opset_999": ["opset_999/1/model.onnx", "999"],
    "ir_version_99": ["ir_version_99/1/model.onnx", "99"],
    "missing_external_data": ["missing_external_data/1/model.onnx", "weights.bin"],
    "no_such_op": ["no_such_op/1/model.onnx", "NoSuchOp"],
    "type_clash": ["type_clash/1/model.onnx"],
    "empty_file": ["empty_file/1/model.onnx"],
    "sequence_input": ["'S'", "not a tensor"],
    "sequence_input_in_config": ["'S'", "not a tensor"],
    "sequence_output": ["'S'", "not a tensor"],
    "float8_input": ["'Z'", "which Triton cannot represent"],
    "output_dtype_mismatch": ["'OUTPUT0'", "TYPE_INT32", "TYPE_FP32"],
    "reshape_count_mismatch": ["'INPUT'", "[-1,2,3]", "[-1,2,2]"],
    "reshape_count_differs_from_dims": ["'INPUT'", "different size for dims and reshape"],
    "fixed_output_first_dim": ["max_batch_size is 4", "'Y'", "[1,4]"],
    "sequence_control_type_mismatch": ["'START'", "TYPE_FP32 in the config", "the model expects TYPE_INT32"],
    "sequence_state_not_in_model": ["sequence_batching input 'MEMORY'", "is not an input of the model"],
    "ragged_input_not_1d": ["input 'INPUT' allows ragged batching", "shape [-1]", "[-1,3]"],
    "batch_input_not_in_model": ["batch_input 'INDEX' is not an input of the model"],
    "batch_input_type_mismatch": ["batch_input 'INDEX'", "TYPE_FP32 in the config", "the model expects TYPE_INT32"],
    # Protected models (docs/model_protection.md): each names the file and the reason.
    "encrypted_wrong_key": ["encrypted_wrong_key/1/model.onnx", "decryptor 'aes'", "authentication failed"],
    "encrypted_truncated": ["encrypted_truncated/1/model.onnx", "authentication failed"],
    "encrypted_truncated_header": ["encrypted_truncated_header/1/model.onnx", "truncated encrypted file"],
    "encrypted_corrupted": ["encrypted_corrupted/1/model.onnx", "authentication failed"],
    "encrypted_external_data_corrupted": ["model.onnx/weights.bin", "authentication failed"],
    "plain_with_decryptor": ["plain_with_decryptor/1/model.onnx", "not an encrypted file", "plain model"],
    "encrypted_without_decryptor": ["encrypted_without_decryptor/1/model.onnx", "not an ONNX model",
                                    "parameter 'decryptor'"],
    "decryptor_refuses": ["decryptor_refuses/1/model.onnx", "the test decryptor refuses every file"],
    "decryptor_unregistered": ["'nowhere'", "has not registered", "registered: abi, absent, aes"],
    "decryptor_abi_mismatch": ["libortb_test_decryptor_abi_mismatch.so", "ABI version 999", "implements version 1"],
    "decryptor_missing_symbol": ["libortb_test_decryptor_missing_symbol.so", "ortb_decryptor_free_error"],
    "decryptor_library_missing": ["no-such-decryptor.so", "cannot load"],
    "encrypted_optimized_model_filepath": ["'optimized_model_filepath'", "protected-model-artifacts=allow"],
}


def _ragged_config(name, batch_input_type="TYPE_INT32"):
    return models.config(
        name, [("INPUT", "TYPE_FP32", [-1], "allow_ragged_batch: true")], [("OUTPUT", "TYPE_FP32", [-1])],
        max_batch_size=8,
        extra=f'batch_input [{{ kind: BATCH_ACCUMULATED_ELEMENT_COUNT target_name: "INDEX" '
              f'data_type: {batch_input_type} source_input: "INPUT" }}]\n'
              'batch_output [{ target_name: "OUTPUT" kind: BATCH_SCATTER_WITH_INPUT_SHAPE source_input: "INPUT" }]')


def _ragged_model(input_shape, with_index=True):
    """OUTPUT = INPUT (+ 0 * INDEX's sum, when the model has INDEX)."""
    nodes = [helper.make_node("Identity", ["INPUT"], ["OUTPUT"])]
    inputs = [models.tensor("INPUT", TensorProto.FLOAT, input_shape)]
    if with_index:
        inputs.append(models.tensor("INDEX", TensorProto.INT32, ["b"]))
    return models.make_model(nodes, inputs, [models.tensor("OUTPUT", TensorProto.FLOAT, input_shape)])


def _sequence_config(name, start_values, state_input):
    """The accumulator's config with START given as `start_values` and the
    state read from `state_input`."""
    return models.config(
        name, [("INPUT", "TYPE_INT32", [1])], [("OUTPUT", "TYPE_INT32", [1])], max_batch_size=4,
        extra=f"""sequence_batching {{ direct {{ }}
  control_input [
    {{ name: "START" control [{{ kind: CONTROL_SEQUENCE_START {start_values} }}] }},
    {{ name: "END" control [{{ kind: CONTROL_SEQUENCE_END fp32_false_true: [0, 1] }}] }},
    {{ name: "READY" control [{{ kind: CONTROL_SEQUENCE_READY bool_false_true: [false, true] }}] }},
    {{ name: "CORRID" control [{{ kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_UINT64 }}] }}
  ]
  state [{{ input_name: "{state_input}" output_name: "ACC_OUT" data_type: TYPE_INT32 dims: [1] }}]
}}""")


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("bad_models") / "models"
    models.save(repo, "good", models.add_sub())
    models.save(repo, "opset_999", models.make_model(
        [helper.make_node("Add", ["A", "B"], ["C"])],
        [models.tensor("A", TensorProto.FLOAT, ["n"]), models.tensor("B", TensorProto.FLOAT, ["n"])],
        [models.tensor("C", TensorProto.FLOAT, ["n"])], opset=999))
    models.save(repo, "ir_version_99", _ir_version(99))
    # matmul_with_weights stores its initializers as raw data, which is what
    # onnx moves to external data (scale_by_weights' float_data stays inline).
    weighted, _ = models.matmul_with_weights()
    d = models.save(repo, "missing_external_data", weighted, external_data=True)
    (d / "1" / "model.onnx" / "weights.bin").unlink()
    models.save(repo, "no_such_op", _no_such_op())
    models.save(repo, "type_clash", _type_clash())
    models.save(repo, "empty_file", models.add_sub())
    (repo / "empty_file" / "1" / "model.onnx").write_bytes(b"")
    models.save(repo, "sequence_input", _sequence_input())
    models.save(repo, "sequence_input_in_config", _sequence_input(),
                models.config("sequence_input_in_config", [("S", "TYPE_FP32", [-1])], [("Y", "TYPE_FP32", [-1])],
                              max_batch_size=0))
    models.save(repo, "sequence_output", models.sequence_output())
    models.save(repo, "float8_input", models.float8_input())
    models.save(repo, "output_dtype_mismatch", models.add_sub(),
                models.config("output_dtype_mismatch",
                              [("INPUT0", "TYPE_FP32", [4]), ("INPUT1", "TYPE_FP32", [4])],
                              [("OUTPUT0", "TYPE_INT32", [4])], max_batch_size=4))
    models.save(repo, "reshape_count_mismatch", models.identity(TensorProto.FLOAT, ["batch", 2, 2]),
                models.config("reshape_count_mismatch",
                              [("INPUT", "TYPE_FP32", [4], "reshape: { shape: [2, 3] }")],
                              [("OUTPUT", "TYPE_FP32", [4], "reshape: { shape: [2, 2] }")], max_batch_size=8))
    # The reshape agrees with the model, but not with the config's own dims
    # (4 elements vs 6): only that comparison can catch it.
    models.save(repo, "reshape_count_differs_from_dims", models.identity(TensorProto.FLOAT, ["batch", 2, 3]),
                models.config("reshape_count_differs_from_dims",
                              [("INPUT", "TYPE_FP32", [4], "reshape: { shape: [2, 3] }")],
                              [("OUTPUT", "TYPE_FP32", [6], "reshape: { shape: [2, 3] }")], max_batch_size=8))
    models.save(repo, "fixed_output_first_dim", _fixed_output_first_dim(),
                models.config("fixed_output_first_dim", max_batch_size=4))
    models.save(repo, "sequence_control_type_mismatch", models.sequence_accumulator(),
                _sequence_config("sequence_control_type_mismatch", "fp32_false_true: [0, 1]", "ACC_IN"))
    models.save(repo, "sequence_state_not_in_model", models.sequence_accumulator(),
                _sequence_config("sequence_state_not_in_model", "int32_false_true: [0, 1]", "MEMORY"))
    # The original backend refuses a ragged input the model does not declare
    # as [-1], naming it.
    models.save(repo, "ragged_input_not_1d", _ragged_model(["batch", 3]),
                models.config("ragged_input_not_1d", [("INPUT", "TYPE_FP32", [3], "allow_ragged_batch: true")],
                              [("OUTPUT", "TYPE_FP32", [3])], max_batch_size=8))
    models.save(repo, "batch_input_not_in_model", _ragged_model(["n"], with_index=False),
                _ragged_config("batch_input_not_in_model"))
    models.save(repo, "batch_input_type_mismatch", _ragged_model(["n"]),
                _ragged_config("batch_input_type_mismatch", "TYPE_FP32"))
    decryptors = _protected_cases(repo, tmp_path_factory.mktemp("keys"))
    return module_server_factory(repo, ["--model-control-mode=explicit", "--load-model=good", *decryptors])


def _encrypted(repo, name, key, model=None, external_data=False, decryptor="aes", config=None):
    models.save(repo, name, model or models.add_sub(), config, external_data=external_data)
    return protection.encrypt(repo / name, key, decryptor=decryptor) / "1" / "model.onnx"


def _protected_cases(repo, keys):
    """The protected-model cases; returns the server arguments registering
    their decryptors."""
    key, other_key = protection.new_key(keys / "model.key"), protection.new_key(keys / "other.key")
    _encrypted(repo, "encrypted_wrong_key", other_key)
    f = _encrypted(repo, "encrypted_truncated", key)
    f.write_bytes(f.read_bytes()[:-20])
    f = _encrypted(repo, "encrypted_truncated_header", key)
    f.write_bytes(f.read_bytes()[:30])
    f = _encrypted(repo, "encrypted_corrupted", key)
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 1
    f.write_bytes(bytes(data))
    weighted, _ = models.matmul_with_weights()
    f = _encrypted(repo, "encrypted_external_data_corrupted", key, weighted, external_data=True)
    data = bytearray((f / "weights.bin").read_bytes())
    data[40] ^= 0x80
    (f / "weights.bin").write_bytes(bytes(data))
    decryptor = 'parameters { key: "decryptor" value { string_value: "aes" } }'
    models.save(repo, "plain_with_decryptor", models.add_sub(), 'backend: "onnxruntime"\n' + decryptor)
    _encrypted(repo, "encrypted_without_decryptor", key, decryptor=None)
    for name, selected in (("decryptor_refuses", "refusing"), ("decryptor_unregistered", "nowhere"),
                           ("decryptor_abi_mismatch", "abi"), ("decryptor_missing_symbol", "missing"),
                           ("decryptor_library_missing", "absent")):
        _encrypted(repo, name, key, decryptor=selected)
    _encrypted(repo, "encrypted_optimized_model_filepath", key,
               config='backend: "onnxruntime"\nparameters { key: "optimized_model_filepath" '
                      f'value {{ string_value: "{repo.parent / "optimized.onnx"}" }} }}')
    return protection.decryptor_args(
        aes=(protection.aes_library(), [f"key-file={key}"]),
        refusing=(protection.test_decryptor("refusing"), []),
        abi=(protection.test_decryptor("abi_mismatch"), []),
        missing=(protection.test_decryptor("missing_symbol"), []),
        absent=(repo.parent / "no-such-decryptor.so", []))


def _good_still_serves(client):
    a = np.arange(4, dtype=np.float32).reshape(1, 4)
    inputs = []
    for n in ("INPUT0", "INPUT1"):
        i = httpclient.InferInput(n, [1, 4], "FP32")
        i.set_data_from_numpy(a)
        inputs.append(i)
    np.testing.assert_array_equal(client.infer("good", inputs).as_numpy("OUTPUT0"), 2 * a)


@pytest.mark.parametrize("name", list(CASES))
def test_bad_model_fails_only_its_own_load(server, name):
    client = server.http()
    with pytest.raises(InferenceServerException) as e:
        client.load_model(name)
    msg = str(e.value)
    print(f"{name}: {msg}")
    assert name in msg, msg
    for f in CASES[name]:
        assert f in msg, f"{f!r} not in {msg!r}"
    assert server.alive()
    assert not client.is_model_ready(name)
    assert client.is_model_ready("good")
    _good_still_serves(client)


def test_bad_model_count():
    """The bad-model cases (see CASES): 19, and 13 of protected models."""
    print(f"\n{len(CASES)} bad-model cases: " + ", ".join(CASES))
    assert len(CASES) >= 32

"""Sequence batching through the backend: control inputs (START/END/READY/
CORRID) and implicit state (numeric and string, initial state from zeros and
from a data file), run as several interleaved sequences with the direct and
oldest strategies on several instances."""
import threading

import numpy as np
import pytest
import tritonclient.http as httpclient
from onnx import TensorProto

import models

CONTROLS = """
  control_input [
    { name: "START" control [{ kind: CONTROL_SEQUENCE_START int32_false_true: [0, 1] }] },
    { name: "END" control [{ kind: CONTROL_SEQUENCE_END fp32_false_true: [0, 1] }] },
    { name: "READY" control [{ kind: CONTROL_SEQUENCE_READY bool_false_true: [false, true] }] },
    { name: "CORRID" control [{ kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_UINT64 }] }
  ]"""
ACC_STATE = 'state [{ input_name: "ACC_IN" output_name: "ACC_OUT" data_type: TYPE_INT32 dims: [1] }]'
STRATEGIES = {
    "direct": "direct { max_queue_delay_microseconds: 20000 }",
    "oldest": "oldest { max_candidate_sequences: 16 preferred_batch_size: [4] max_queue_delay_microseconds: 50000 }",
}
INIT_VALUE = 100


def _accumulator_config(name, strategy, max_batch_size, instances):
    return models.config(
        name, [("INPUT", "TYPE_INT32", [1])],
        [("OUTPUT", "TYPE_INT32", [1]), ("CORRID_OUT", "TYPE_UINT64", [1]), ("FLAGS", "TYPE_INT32", [1])],
        max_batch_size=max_batch_size,
        extra=f"sequence_batching {{ max_sequence_idle_microseconds: 10000000 {STRATEGIES[strategy]}\n"
              f"{CONTROLS}\n  {ACC_STATE}\n}}\n"
              f"instance_group [{{ kind: KIND_CPU count: {instances} }}]")


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_server_factory):
    repo = tmp_path_factory.mktemp("sequence") / "models"
    for name, strategy, mbs, instances in [("seq_direct", "direct", 4, 2), ("seq_oldest", "oldest", 4, 2),
                                           ("seq_unbatched", "direct", 0, 2)]:
        models.save(repo, name, models.sequence_accumulator(batching=mbs > 0),
                    _accumulator_config(name, strategy, mbs, instances))

    # Controls that are scalars in the model (non-batching): served as [1].
    models.save(repo, "seq_scalar_controls", models.sequence_accumulator(batching=False, scalar_controls=True),
                _accumulator_config("seq_scalar_controls", "direct", 0, 1))

    # Warmup samples go straight to the instances, past the sequence batcher,
    # so they carry the control and state inputs themselves.
    warmup = """model_warmup [{ name: "sequence_sample" batch_size: 2
  inputs { key: "INPUT" value: { data_type: TYPE_INT32 dims: [1] random_data: true } }
  inputs { key: "START" value: { data_type: TYPE_INT32 dims: [1] zero_data: true } }
  inputs { key: "END" value: { data_type: TYPE_FP32 dims: [1] zero_data: true } }
  inputs { key: "READY" value: { data_type: TYPE_BOOL dims: [1] zero_data: true } }
  inputs { key: "CORRID" value: { data_type: TYPE_UINT64 dims: [1] zero_data: true } }
  inputs { key: "ACC_IN" value: { data_type: TYPE_INT32 dims: [1] zero_data: true } }
}]"""
    models.save(repo, "seq_warm", models.sequence_accumulator(),
                _accumulator_config("seq_warm", "direct", 4, 1) + warmup)

    # Numeric state whose first value comes from a data file; one buffer
    # for the state's input and output.
    d = models.save(repo, "state_file", models.state_sum(), models.config(
        "state_file", [("INPUT", "TYPE_INT32", [1])], [("OUTPUT", "TYPE_INT32", [1])], max_batch_size=4,
        extra=f"""sequence_batching {{ max_sequence_idle_microseconds: 10000000 {STRATEGIES["oldest"]}
  state [{{ input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_INT32 dims: [1]
    use_same_buffer_for_input_output: true
    initial_state [{{ name: "from_file" data_type: TYPE_INT32 dims: [1] data_file: "acc_init" }}] }}]
}}
instance_group [{{ kind: KIND_CPU count: 2 }}]"""))
    (d / "initial_state").mkdir()
    (d / "initial_state" / "acc_init").write_bytes(np.array([INIT_VALUE], np.int32).tobytes())

    # String state starting from zero data (an empty string).
    models.save(repo, "state_string", models.state_concat(), models.config(
        "state_string", [("INPUT", "TYPE_STRING", [1])], [("TEXT", "TYPE_STRING", [1])], max_batch_size=4,
        extra=f"""sequence_batching {{ max_sequence_idle_microseconds: 10000000 {STRATEGIES["oldest"]}
  state [{{ input_name: "TEXT_IN" output_name: "TEXT_OUT" data_type: TYPE_STRING dims: [1]
    initial_state [{{ name: "empty" data_type: TYPE_STRING dims: [1] zero_data: true }}] }}]
}}
instance_group [{{ kind: KIND_CPU count: 2 }}]"""))

    # Non-batching state model: the state is a [1] tensor with no batch dim.
    models.save(repo, "state_unbatched", models.state_sum(dims=[1]), models.config(
        "state_unbatched", [("INPUT", "TYPE_INT32", [1])], [("OUTPUT", "TYPE_INT32", [1])], max_batch_size=0,
        extra="""sequence_batching { direct { }
  state [{ input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_INT32 dims: [1]
    initial_state [{ name: "zeros" data_type: TYPE_INT32 dims: [1] zero_data: true }] }]
}"""))
    return module_server_factory(repo, ["--log-verbose=1"])


def _run_sequences(server, model, sequences, make_inputs, read, batching=True):
    """Sends each sequence from its own thread (so sequences interleave while
    each stays in order); returns {sequence_id: [read(result) per step]}."""
    results, errors = {}, []

    def one(seq_id, values):
        client = httpclient.InferenceServerClient(server.http_url)
        out = []
        try:
            for step, v in enumerate(values):
                inputs = make_inputs(v, batching)
                r = client.infer(model, inputs, sequence_id=seq_id, sequence_start=step == 0,
                                 sequence_end=step == len(values) - 1)
                out.append(read(r))
        except Exception as e:  # noqa: BLE001 - reported below with the sequence id
            errors.append(f"sequence {seq_id}: {e}")
        results[seq_id] = out

    threads = [threading.Thread(target=one, args=(sid, vals)) for sid, vals in sequences.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return results


def _int_input(v, batching):
    a = np.array([[v]] if batching else [v], np.int32)
    i = httpclient.InferInput("INPUT", list(a.shape), "INT32")
    i.set_data_from_numpy(a)
    return [i]


def _sequences(count=6, steps=7, seed=0):
    rng = np.random.default_rng(seed)
    return {1000 + k: [int(x) for x in rng.integers(-50, 50, size=steps + k % 3)] for k in range(count)}


@pytest.mark.parametrize("model", ["seq_direct", "seq_oldest", "seq_unbatched", "seq_scalar_controls"])
def test_interleaved_sequences_accumulate_with_controls(server, model):
    seqs = _sequences()
    batching = model in ("seq_direct", "seq_oldest")
    got = _run_sequences(
        server, model, seqs, _int_input,
        lambda r: (int(r.as_numpy("OUTPUT").ravel()[0]), int(r.as_numpy("CORRID_OUT").ravel()[0]),
                   int(r.as_numpy("FLAGS").ravel()[0])), batching)
    for sid, values in seqs.items():
        sums = np.cumsum(values).tolist()
        assert [g[0] for g in got[sid]] == sums, f"sequence {sid}"
        assert all(g[1] == sid for g in got[sid]), "CORRID control reaches the model"
        # READY on every request, START on the first, END on the last.
        assert [g[2] for g in got[sid]] == [5] + [4] * (len(values) - 2) + [6]
    stats = server.http().get_inference_statistics(model)["model_stats"][0]
    assert int(stats["inference_count"]) >= sum(len(v) for v in seqs.values())


def test_oldest_strategy_batches_across_sequences(server):
    """The sums above were right while requests of different sequences
    shared an ORT run: fewer executions than inferences."""
    seqs = _sequences(count=8, steps=6, seed=1)
    before = server.http().get_inference_statistics("seq_oldest")["model_stats"][0]
    got = _run_sequences(server, "seq_oldest", seqs, _int_input, lambda r: int(r.as_numpy("OUTPUT").ravel()[0]))
    after = server.http().get_inference_statistics("seq_oldest")["model_stats"][0]
    for sid, values in seqs.items():
        assert got[sid] == np.cumsum(values).tolist()
    inferences = int(after["inference_count"]) - int(before["inference_count"])
    executions = int(after["execution_count"]) - int(before["execution_count"])
    assert inferences == sum(len(v) for v in seqs.values())
    assert executions < inferences


def test_state_starts_from_data_file(server):
    seqs = _sequences(count=5, steps=5, seed=2)
    got = _run_sequences(server, "state_file", seqs, _int_input, lambda r: int(r.as_numpy("OUTPUT").ravel()[0]))
    for sid, values in seqs.items():
        assert got[sid] == (INIT_VALUE + np.cumsum(values)).tolist(), f"sequence {sid}"


def test_unbatched_state_starts_from_zeros(server):
    seqs = _sequences(count=3, steps=4, seed=3)
    got = _run_sequences(server, "state_unbatched", seqs, _int_input,
                         lambda r: int(r.as_numpy("OUTPUT").ravel()[0]), batching=False)
    for sid, values in seqs.items():
        assert got[sid] == np.cumsum(values).tolist(), f"sequence {sid}"


def test_string_state_accumulates_per_sequence(server):
    words = {2000 + k: [f"{chr(97 + k)}{j}|" for j in range(4 + k % 2)] for k in range(5)}

    def make(v, batching):
        a = np.array([[v.encode()]], dtype=np.object_)
        i = httpclient.InferInput("INPUT", [1, 1], "BYTES")
        i.set_data_from_numpy(a)
        return [i]

    got = _run_sequences(server, "state_string", words, make, lambda r: r.as_numpy("TEXT").ravel()[0].decode())
    for sid, values in words.items():
        # The zero initial state is the empty string; each step appends.
        assert got[sid] == ["".join(values[:k + 1]) for k in range(len(values))], f"sequence {sid}"


def test_state_output_is_not_a_requestable_output(server):
    client = server.http()
    with pytest.raises(Exception) as e:
        client.infer("state_file", _int_input(1, True), sequence_id=77, sequence_start=True, sequence_end=True,
                     outputs=[httpclient.InferRequestedOutput("STATE_OUT")])
    assert "STATE_OUT" in str(e.value)
    # The model still serves the sequence afterwards.
    r = client.infer("state_file", _int_input(5, True), sequence_id=78, sequence_start=True, sequence_end=True)
    assert int(r.as_numpy("OUTPUT").ravel()[0]) == INIT_VALUE + 5


def test_sequence_model_warmup_runs_and_leaves_no_state(server):
    log = server.log()
    assert "model 'seq_warm' instance seq_warm_0_0 is running warmup sample 'sequence_sample'" in log
    assert "model 'seq_warm', instance 'seq_warm_0_0': executed 2 request(s) in 1 run(s)" in log
    assert server.http().is_model_ready("seq_warm")
    seqs = _sequences(count=3, steps=4, seed=4)
    got = _run_sequences(server, "seq_warm", seqs, _int_input, lambda r: int(r.as_numpy("OUTPUT").ravel()[0]))
    for sid, values in seqs.items():
        assert got[sid] == np.cumsum(values).tolist()

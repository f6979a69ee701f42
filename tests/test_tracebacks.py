"""The text path: formats of DESIGN §1 (fixtures in tests/data were recorded from real runs)."""

from __future__ import annotations

from pathlib import Path

from tferrfix.tracebacks import incident_from_parsed, parse
from tferrfix.tracebacks.keras_args import call_arguments

DATA = Path(__file__).parent / "data"

PLAIN = """Traceback (most recent call last):
  File "/home/u/train.py", line 20, in <module>
    model.fit(x, y, epochs=3)
  File "/usr/lib/python3/dist-packages/keras/src/utils/traceback_utils.py", line 122, in error_handler
    raise e.with_traceback(filtered_tb) from None
  File "/usr/lib/python3/dist-packages/tensorflow/python/eager/execute.py", line 53, in quick_execute
    tensors = pywrap_tfe.TFE_Py_Execute(ctx._handle, device_name, op_name,
              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
tensorflow.python.framework.errors_impl.InvalidArgumentError: Graph execution error:

Detected at node compile_loss/sparse_categorical_crossentropy/SparseSoftmaxCrossEntropyWithLogits defined at (most recent call last):
  File "/home/u/train.py", line 20, in <module>
Received a label value of 10 which is outside the valid range of [0, 10).  Label values: 3 10 2
\t [[{{node compile_loss/sparse_categorical_crossentropy/SparseSoftmaxCrossEntropyWithLogits}}]] [Op:__inference_multi_step_on_iterator_2034]
"""


def test_plain_traceback_frames_and_message() -> None:
    [tb] = parse(PLAIN)
    error = tb.error
    assert error.type == "InvalidArgumentError"
    assert error.qualified.startswith("tensorflow.python.framework.errors_impl.")
    assert [f.line for f in error.frames] == [20, 122, 53]
    assert [f.is_user for f in error.frames] == [True, False, False]
    assert error.frames[0].code == "model.fit(x, y, epochs=3)"
    assert "Received a label value of 10" in error.message
    incident = incident_from_parsed(tb)
    assert incident.user_frame is not None and incident.user_frame.line == 20
    assert incident.mro[:2] == ("InvalidArgumentError", "OpError")
    assert incident.framework == "keras"


def test_crlf_and_issue_quoting_and_fences() -> None:
    quoted = "```\n" + "".join("> " + line + "\n" for line in PLAIN.splitlines()) + "```\n"
    [tb] = parse(quoted.replace("\n", "\r\n"))
    assert tb.error.type == "InvalidArgumentError"
    assert tb.error.frames[0].code == "model.fit(x, y, epochs=3)"
    assert "\r" not in tb.error.message


def test_several_tracebacks_with_noise_between() -> None:
    log = ("2024-01-01 10:00:00.000000: I tensorflow/core/platform/cpu_feature_guard.cc:182] "
           "This TensorFlow binary is optimized\nEpoch 1/3\n" + PLAIN + "\nsome other output\n"
           + PLAIN.replace("line 20", "line 30"))
    found = parse(log)
    assert len(found) == 2
    assert found[1].error.frames[0].line == 30


def test_frameless_message() -> None:
    [tb] = parse("step 3 failed\nValueError: Shapes (None, 1) and (None, 10) are incompatible\n")
    assert tb.error.type == "ValueError"
    assert tb.error.frames == ()
    assert tb.error.message == "Shapes (None, 1) and (None, 10) are incompatible"


def test_chained_cause_is_kept() -> None:
    [tb] = parse((DATA / "chained-keras3-cause.txt").read_text())
    assert [e.type for e in tb.chain] == ["ValueError", "RuntimeError"]
    assert tb.chain[0].relation == "cause"
    incident = incident_from_parsed(tb)
    assert incident.is_a("ValueError")
    assert incident.messages[0].startswith("prediction step failed")


def test_jupyter_ansi_rendering() -> None:
    [tb] = parse((DATA / "jupyter-keras3-predict-one-sample.txt").read_text())
    error = tb.error
    assert error.type == "ValueError"
    assert error.frames[0].file == "Cell In[1]"
    assert error.frames[0].line == 7
    assert error.frames[0].code == "model.predict(x_test[5], verbose=0)"
    assert "\x1b" not in error.message
    assert "expected axis -1 of input shape to have value 784" in error.message


def test_ipython_terminal_rendering() -> None:
    [tb] = parse((DATA / "ipython-terminal-keras3.txt").read_text())
    assert tb.error.type == "ValueError"
    assert any(f.is_user for f in tb.error.frames)
    assert "expected axis -1 of input shape to have value 10" in tb.error.message


def test_graph_mode_user_code_block() -> None:
    text = """Traceback (most recent call last):
  File "/home/u/fit.py", line 9, in <module>
    model.fit(ds)
  File "/usr/local/lib/python3.10/dist-packages/keras/utils/traceback_utils.py", line 70, in error_handler
    raise e.with_traceback(filtered_tb) from None
  File "/tmp/__autograph_generated_file9a1.py", line 15, in tf__train_function
    retval_ = ag__.converted_call(ag__.ld(step_function), (ag__.ld(self), ag__.ld(iterator)), None, fscope)
ValueError: in user code:

    File "/home/u/model.py", line 31, in call  *
        x = self.dense(inputs)
    File "/usr/local/lib/python3.10/dist-packages/keras/engine/base_layer.py", line 1132, in __call__  **
        outputs = call_fn(inputs, *args, **kwargs)

    ValueError: Input 0 of layer "dense" is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: (None,)
"""
    [tb] = parse(text)
    incident = incident_from_parsed(tb)
    assert incident.user_frame is not None
    assert (incident.user_frame.file, incident.user_frame.line) == ("/home/u/model.py", 31)
    assert incident.user_frame.code == "x = self.dense(inputs)"
    assert incident.framework == "tf_keras"


def test_keras_call_arguments() -> None:
    message = (
        "Exception encountered when calling layer 'sequential' (type Sequential).\n\n"
        "Input 0 of layer \"dense\" is incompatible with the layer\n\n"
        "Call arguments received by layer 'sequential' (type Sequential):\n"
        "  • inputs=tf.Tensor(shape=(None, 28, 28), dtype=float32)\n"
        "  • training=False\n"
        "  • mask=None\n"
    )
    inputs, training, mask = call_arguments(message)
    assert (inputs.subject, inputs.kind, inputs.shape, inputs.dtype) == (
        "inputs", "tensor", (None, 28, 28), "float32")
    assert inputs.detail("layer") == "sequential" and inputs.detail("layer_type") == "Sequential"
    assert training.kind == "value" and mask.detail("value") == "None"
    keras3 = ("Arguments received by Functional.call():\n"
              "  • inputs=['tf.Tensor(shape=(None, 3), dtype=float32)', "
              "'tf.Tensor(shape=(None, 5), dtype=int32)']\n")
    [listed] = call_arguments(keras3)
    assert listed.kind == "list" and listed.detail("length") == 2
    assert listed.detail("shapes") == [[None, 3], [None, 5]]


def test_not_a_traceback() -> None:
    assert parse("hello\nworld\n") == []
    assert parse("") == []
    assert parse("/x.py:3: UserWarning: careful\n") == []


RETICULATE = """> history <- model %>% fit_generator(gen, steps_per_epoch = 10)
Error in py_call_impl(callable, dots$args, dots$keywords) :
  InvalidArgumentError: Incompatible shapes: [32,29] vs. [32,30]
\t [[{{node loss_3/dense_6_loss/mul}} = Mul[T=DT_FLOAT](_arg_dense_6_target_0_1, loss_3/dense_6_loss/Log)]]

Detailed traceback:
  File "/opt/conda/lib/python3.6/site-packages/keras/engine/training.py", line 1418, in fit_generator
    initial_epoch=initial_epoch)
  File "/home/u/project/train.py", line 12, in run
    model.fit(x, y)
Calls: %>% ... fit_generator -> do.call -> <Anonymous> -> py_call_impl
"""


def test_r_reticulate_error_is_read_message_first_then_frames() -> None:
    # R prints the Python error message before its frames; every message line is kept.
    [tb] = parse(RETICULATE)
    assert tb.error.type == "InvalidArgumentError"
    assert tb.error.message.startswith("Incompatible shapes: [32,29] vs. [32,30]\n")
    assert "_arg_dense_6_target_0_1" in tb.error.message
    assert "Detailed traceback" not in tb.error.message
    assert [f.line for f in tb.error.frames] == [1418, 12]
    assert tb.error.frames[1].code == "model.fit(x, y)"


def test_r_lines_without_a_python_error_are_left_alone() -> None:
    text = "Error in py_call_impl(callable, dots$args, dots$keywords) : \n  no error here\n"
    assert parse(text) == []

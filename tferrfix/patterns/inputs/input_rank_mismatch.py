"""The data's rank does not match the layer's input spec.

## What it means
The number of axes of what reaches a layer differs from what the layer accepts, in a way
that one missing or extra axis of size 1 does not explain: flat (samples, 784) rows for a
placeholder of images, a 4-D tensor for an LSTM, 2-D Dense output for a Conv2D, or a
model whose declared input shape has one axis too many.

## Why it happens
Two sources. The data: images not flattened for a flat input (or the reverse), both the
batch and the channel axis missing, video (batch, time, h, w, c) given to a plain Conv2D.
Or the model itself: `input_shape=X.shape` including the sample count, a spurious axis in
`input_shape=(1, 3)`, layers wired in the wrong order (Flatten/Dense inside a loop over conv
blocks, a second LSTM after one without `return_sequences=True`).

## Example
```python
model.add(LSTM(64, input_shape=(10, 8)))
model.add(LSTM(32))                 # the first LSTM returns (None, 64): 2-D
```
Keras 3 (3.x):
    Input 0 with name 'None' of layer 'lstm_1' is incompatible with the layer: expected ndim=3, found ndim=2. Full shape received: (None, 40)
tf-keras 2.x:
    Input 0 of layer "lstm_1" is incompatible with the layer: expected ndim=3, found ndim=2. Full shape received: (None, 40)
    Input 0 of layer "sequential_1" is incompatible with the layer: expected shape=(None, 1, 3), found shape=(None, 3)
    Input 0 of layer "sequential_11" is incompatible with the layer: expected shape=(None, 48, 48, 1), found shape=(None, 1296, 3)
Keras <= 2.3 / TF1:
    Input 0 is incompatible with layer conv2d_4: expected ndim=4, found ndim=5
    Error when checking input: expected conv2d_input to have 4 dimensions, but got array with shape (21, 21).
TensorFlow (TF1 feed_dict):
    Cannot feed value of shape (50, 28, 28) for Tensor 'X:0', which has shape '(?, 784)'

## Fix
```python
model.add(LSTM(64, input_shape=(10, 8), return_sequences=True))   # wiring inside the model
x = x.reshape(len(x), -1)                                        # or bring the data to the rank
```

## Fix safety
Display only: which reshape is right depends on how the data is laid out, and sometimes the
model (its `input_shape`, its layer order) is what must change.

## References
- https://github.com/ageron/handson-ml/issues/610
- https://github.com/keras-team/keras/issues/12622
- https://github.com/keras-team/keras/issues/10360
- https://github.com/keras-team/keras/issues/10903
- https://github.com/tensorflow/tensorflow/issues/46794
- https://github.com/karolzak/keras-unet/issues/51
- https://github.com/keras-team/keras/issues/12782
- https://github.com/iamrakesh28/Video-Prediction/issues/4
- https://github.com/keras-team/keras/issues/7403
- https://github.com/priya-dwivedi/face_and_emotion_detection/issues/7
"""

from __future__ import annotations

import ast
import math
from typing import Any

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.fixes.snippets import data_argument, rewrite_argument
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._axes import model_edit_fix, parsed_source, wrappable
from tferrfix.patterns.inputs._spec import BUILDS_MODEL, FEEDS_DATA, MESSAGES, diagnose_family
from tferrfix.shapes import Shape, same, show

code = "TFE0105"
name = "input-rank-mismatch"
family = "input-rank-mismatch"
exceptions = ("ValueError", "Exception")
messages = MESSAGES
examples = (
    "Input 0 with name 'None' of layer 'lstm_1' is incompatible with the layer: expected "
    "ndim=3, found ndim=2. Full shape received: (None, 40)",
    'Input 0 of layer "lstm_1" is incompatible with the layer: expected ndim=3, found ndim=2. '
    "Full shape received: (None, 40)",
    'Input 0 of layer "sequential_1" is incompatible with the layer: expected shape=(None, 1, 3), '
    "found shape=(None, 3)",
    'Input 0 of layer "sequential_11" is incompatible with the layer: expected '
    "shape=(None, 48, 48, 1), found shape=(None, 1296, 3)",
    "Input 0 is incompatible with layer conv2d_4: expected ndim=4, found ndim=5",
    "Error when checking input: expected conv2d_input to have 4 dimensions, but got array with "
    "shape (21, 21).",
    "Cannot feed value of shape (50, 28, 28) for Tensor 'X:0', which has shape '(?, 784)'",
)


def match(incident: Incident) -> Diagnosis | None:
    found = diagnose_family(__name__, incident, family)
    if found is None:
        return None
    frame = incident.user_frame
    code = frame.code if frame and frame.code else ""
    facts = found.facts
    facts.update(hint=_hint(facts, code), reshape_to=_reshape_to(facts))
    return found


def _hint(facts: dict[str, Any], code: str) -> str | None:
    """Which of the usual stories the shapes tell."""
    found, expected = facts["found"], facts["expected"]
    ndim = facts["expected_ndim"]
    kind = facts["layer_kind"]
    if found is None or ndim is None:
        return None
    building = bool(code and BUILDS_MODEL.search(code) and not FEEDS_DATA.search(code))
    if kind == "rnn" and len(found) == ndim - 1 and found[0] is None and building:
        return "return-sequences"  # the recurrent layer before returns its last step only
    if building and len(found) < ndim:
        return "wiring"
    if expected is not None and len(expected) == len(found) + 1 and any(
            size == 1 and same([*expected[:i], *expected[i + 1:]], found)
            for i, size in enumerate(expected) if i > 0):
        return "declared-one"  # the model's input shape has a spurious axis of size 1
    if len(found) == ndim + 1 and all(d is None for d in found[1:]):
        return "declared-extra"  # a 5-D model input with nothing known: input_shape=X.shape
    if len(found) == 5 and ndim == 4 and kind == "conv" and (found[1] or 0) > 1:
        return "video"
    if facts["wording"] in ("check", "feed") and len(found) == ndim - 2 and kind == "conv":
        return "batch-and-channel"
    return None


def _reshape_to(facts: dict[str, Any]) -> Shape | None:
    """The per-sample shape to reshape the data to, when the element counts agree."""
    found, expected = facts["found"], facts["expected"]
    if found is None:
        return None
    if (expected is not None and None not in expected[1:] and None not in found[1:]
            and math.prod(found[1:]) == math.prod(expected[1:])):
        return tuple(expected[1:])
    if (facts["wording"] in ("check", "feed") and facts["layer_kind"] == "conv"
            and facts["expected_ndim"] == len(found) + 2):
        return (*found, 1)  # one grey image: add the batch and the channel axis
    return None


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    hint, target = facts["hint"], facts["reshape_to"]
    code = frame.code if frame and frame.code else ""
    argument = data_argument(code) if code and not BUILDS_MODEL.search(code) else None
    if hint == "return-sequences":
        title = "Return the whole sequence from the recurrent layer before"
        snippet = "model.add(LSTM(units, return_sequences=True))  # every recurrent layer that feeds another one"
    elif hint == "declared-one":
        shape = facts["found"][1:]
        title = f"Declare the model's input as {show(shape)}"
        snippet = f"keras.Input(shape={show(shape)})  # or input_shape={show(shape)} on the first layer"
    elif hint == "declared-extra":
        title = "Declare the input shape of one sample, without the sample count"
        snippet = "input_shape=X.shape[1:]  # not X.shape: the batch axis is added by Keras"
    elif hint == "video":
        title = "Apply the 2-D layers to every frame"
        snippet = "keras.layers.TimeDistributed(keras.layers.Conv2D(...))  # or ConvLSTM2D for (frames, h, w, c)"
    elif hint == "wiring":
        title = "Check the order of the layers"
        snippet = f"# {facts['layer']} receives {show(facts['found'])}: move Flatten/Dense after the last convolution block"
    elif target is not None:
        new_shape = (1, *target) if hint == "batch-and-channel" else (-1, *target)
        shape_text = ", ".join(str(d) for d in new_shape)
        title = f"Reshape the data to (samples, {', '.join(str(d) for d in target)})"
        line = None
        if argument and wrappable(argument):
            line = rewrite_argument(code, lambda a: f"{a}.reshape({shape_text})")
        snippet = line or f"x = x.reshape({shape_text})"
    else:
        title = "Bring the data to the layer's rank, or the model to the data"
        snippet = ("x = x.reshape(n_samples, ...)  # the layout the layer expects"
                   if facts["expected"] is None else
                   f"x = x.reshape(n_samples, *{show(facts['expected'][1:])})  # if the values allow it")
    if hint == "return-sequences":
        # Unsafe: the layer's output changes from its last step to every step.
        found = _returns_last_step(frame.file if frame else None)
        edits = [edit(found[0], found[1], "set_keyword", call=found[2],
                      keyword="return_sequences", value="True")] if found else None
        return [model_edit_fix(incident, title, snippet, Applicability.UNSAFE, edits,
                               "no single recurrent layer without return_sequences=True "
                               "feeds another one in the source")]
    return [Fix(title, Applicability.DISPLAY_ONLY, snippet,
                frame.file if frame else None, frame.line if frame else None)]


_RECURRENT = ("LSTM", "GRU", "SimpleRNN", "CuDNNLSTM", "CuDNNGRU")


def _returns_last_step(path: str | None) -> tuple[str, int, str] | None:
    """(file, line, call) of the one recurrent layer that returns its last step only
    (no ``return_sequences=True``) and is followed by another recurrent layer."""
    tree = parsed_source(path)
    if tree is None or path is None:
        return None
    calls = sorted((node for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and _called(node) in _RECURRENT),
                   key=lambda node: (node.lineno, node.col_offset))
    found = []
    for call in calls[:-1]:  # each followed by another recurrent layer
        value = next((k.value for k in call.keywords if k.arg == "return_sequences"), None)
        if value is None or (isinstance(value, ast.Constant) and value.value is False):
            found.append((path, call.lineno, _called(call)))
    return found[0] if len(found) == 1 else None


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else \
        func.id if isinstance(func, ast.Name) else ""

"""The data has one axis too many for the model.

## What it means
The data has one more axis than the layer's input spec, e.g. (samples, 1, steps,
features) for an LSTM that wants (samples, steps, features), or (1, 1, 224, 224, 3) for a
model of (None, 224, 224, 3). Keras sometimes hides it: Keras 3 squeezes a trailing axis of
size 1 and then complains about a channel count, tf-keras lets a 5-D tensor through the first
Conv2D and fails at the pooling layer with unknown sizes.

## Why it happens
Windows appended as `w.reshape(1, steps, features)` and then stacked, a channel axis of 1
added for a CNN when the model is an LSTM, `np.expand_dims` applied to an array that already
has its batch axis, or `X[..., np.newaxis]` on RGB images that already have their channels.

## Example
```python
model = keras.Sequential([keras.Input(shape=(60, 2)), keras.layers.LSTM(32), ...])
model.fit(x_train, y_train)        # x_train.shape == (N, 1, 60, 2)
```
Keras 3 (3.x):
    Invalid input shape for input Tensor("data:0", shape=(None, 1, 60, 2), dtype=float32) with name 'keras_tensor' and path ''. Expected shape (None, 60, 2), but input has incompatible shape (None, 1, 60, 2)
    Input 0 with name 'input_layer' of layer 'functional' is incompatible with the layer: expected shape=(None, 256, 256, 3), found shape=(None, 256, 256, 1, 3)
tf-keras 2.x:
    Input 0 of layer "sequential" is incompatible with the layer: expected shape=(None, 60, 2), found shape=(None, 1, 60, 2)
    Input 0 of layer sequential is incompatible with the layer: expected ndim=3, found ndim=4. Full shape received: [None, 240, 94, 1]
Keras <= 2.3 / TF1:
    Error when checking input: expected lstm_1_input to have 3 dimensions, but got array with shape (844, 240, 94, 1)
    Error when checking input: expected conv2d_21_input to have 4 dimensions, but got array with shape (1, 1, 224, 224, 3)

## Fix
```python
model.fit(np.squeeze(x_train, axis=1), y_train)    # (N, 1, 60, 2) -> (N, 60, 2)
```

## Fix safety
Safe when the extra axis has size 1: squeezing it keeps every value. An extra axis of
another size means the data is organised differently and must be reshaped by hand.

## References
- https://github.com/molson194/LSTM-Stock-Prediction/issues/1
- https://github.com/SidiLu001/disk_failure_prediction/issues/1
- https://github.com/tensorflow/tensorflow/issues/50142
- https://github.com/keras-team/keras/issues/12596
"""

from __future__ import annotations

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.snippets import data_argument, rewrite_argument
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._axes import extra_axis, wrappable
from tferrfix.patterns.inputs._spec import MESSAGES, diagnose_family
from tferrfix.shapes import show

code = "TFE0104"
name = "extra-axis"
family = "extra-axis"
exceptions = ("ValueError", "Exception")
messages = MESSAGES
examples = (
    'Invalid input shape for input Tensor("data:0", shape=(None, 1, 60, 2), dtype=float32) with '
    "name 'keras_tensor' and path ''. Expected shape (None, 60, 2), but input has incompatible "
    "shape (None, 1, 60, 2)",
    "Input 0 with name 'input_layer' of layer 'functional' is incompatible with the layer: "
    "expected shape=(None, 256, 256, 3), found shape=(None, 256, 256, 1, 3)",
    'Input 0 of layer "sequential" is incompatible with the layer: expected shape=(None, 60, 2), '
    "found shape=(None, 1, 60, 2)",
    "Input 0 of layer sequential is incompatible with the layer: expected ndim=3, found ndim=4. "
    "Full shape received: [None, 240, 94, 1]",
    "Error when checking input: expected lstm_1_input to have 3 dimensions, but got array with "
    "shape (844, 240, 94, 1)",
    "Error when checking input: expected conv2d_21_input to have 4 dimensions, but got array "
    "with shape (1, 1, 224, 224, 3)",
)


def match(incident: Incident) -> Diagnosis | None:
    found = diagnose_family(__name__, incident, family)
    if found is None:
        return None
    facts = found.facts
    shape = facts["subject_shape"] or facts["data_shape"] or facts["found"]
    index = extra_axis(shape, facts["expected"], facts["layer_kind"])
    squeezed = None
    if shape is not None and index is not None:
        squeezed = (*shape[:index], *shape[index + 1:])
    facts.update(data=shape, extra_index=index, squeezed=squeezed)
    return found


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    index = facts["extra_index"]
    code = frame.code if frame and frame.code else ""
    argument = data_argument(code) if code else None
    if index is None:
        title = "Remove the extra axis"
        snippet = ("x = np.squeeze(x, axis=...)  # the axis of size 1 that was added; or "
                   "x.reshape(...) to the layer's rank")
    else:
        title = f"Remove the extra axis {index} (of size 1)"
        note = f"  # {show(facts['data'])} -> {show(facts['squeezed'])}"
        line = None
        if argument and wrappable(argument):
            line = rewrite_argument(code, lambda a: f"np.squeeze({a}, axis={index})")
        snippet = (line or f"x = np.squeeze(x, axis={index})") + note
        if argument and not wrappable(argument):
            snippet = (f"x = np.squeeze(x, axis={index}){note}, where the batches are built "
                       f"(`{argument}` yields them)")
    return [Fix(title, Applicability.DISPLAY_ONLY, snippet,
                frame.file if frame else None, frame.line if frame else None)]

"""One sample was passed where the model expects a batch.

## What it means
Keras models work on batches: the first axis of every input is the sample axis. A single
sample of shape `(28, 28, 1)` given to a model built for `(None, 28, 28, 1)` is one axis short,
and Keras reads its first axis (the image height) as the number of samples.

## Why it happens
Predicting on one example (`model.predict(x_test[0])`, one image loaded from disk, one row of a
table), or a `tf.data` pipeline that was never `.batch()`-ed.

## Example
```python
model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10)])
model.predict(x_test[0])          # x_test[0].shape == (784,)
```
Keras 3 (3.x):
    Invalid input shape for input Tensor("data:0", shape=(32,), dtype=float32) with name 'keras_tensor_8' and path ''. Expected shape (None, 784), but input has incompatible shape (32,)
Keras 3 / tf-keras 2.x:
    Input 0 of layer "functional" is incompatible with the layer: expected shape=(None, 28, 28, 1), found shape=(28, 28, 1)
Keras <= 2.3:
    Error when checking input: expected conv2d_1_input to have 4 dimensions, but got array with shape (28, 28, 1)

## Fix
```python
model.predict(np.expand_dims(x_test[0], axis=0))   # (784,) -> (1, 784)
model.predict(x_test[0:1])                          # or slice, which keeps the axis
```
For a `tf.data.Dataset`, add `.batch(32)` before passing it.

## Fix safety
Safe when the value is one sample: adding a batch axis of size 1 changes nothing else. Not
applicable when the array really is a batch of the wrong rank (then the data lacks another
axis, see missing-channel-axis).

## References
- https://stackoverflow.com/questions/43017017/keras-model-predict-for-a-single-image
- https://github.com/keras-team/keras/issues/11148
"""

from __future__ import annotations

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.snippets import rewrite_argument
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._spec import MESSAGES, diagnose_family
from tferrfix.shapes import show

code = "TFE0101"
name = "missing-batch-axis"
family = "missing-batch-axis"
exceptions = ("ValueError",)
messages = MESSAGES
examples = (
    "Invalid input shape for input Tensor(\"data:0\", shape=(32,), dtype=float32) with name "
    "'keras_tensor_8' and path ''. Expected shape (None, 784), but input has incompatible "
    "shape (32,)",
    'Input 0 of layer "functional" is incompatible with the layer: expected '
    "shape=(None, 28, 28, 1), found shape=(28, 28, 1)",
    "Error when checking input: expected conv2d_1_input to have 4 dimensions, but got array "
    "with shape (28, 28, 1)",
)


def match(incident: Incident) -> Diagnosis | None:
    return diagnose_family(__name__, incident, family)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    shape = facts.get("subject_shape") or facts.get("found")
    after = show((1, *shape)) if shape else "(1, ...)"
    new_line = rewrite_argument(frame.code, lambda a: f"np.expand_dims({a}, axis=0)") \
        if frame and frame.code else None
    if new_line is None:
        snippet = f"x = np.expand_dims(x, axis=0)  # {show(shape)} -> {after}"
    else:
        snippet = f"{new_line}  # {show(shape)} -> {after}"
    return [Fix("Add the batch axis to the one sample", Applicability.DISPLAY_ONLY, snippet,
                frame.file if frame else None, frame.line if frame else None)]

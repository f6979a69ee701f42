"""One sample was passed where the model expects a batch.

## What it means
Keras models work on batches: the first axis of every input is the sample axis. A single
sample of shape `(28, 28, 1)` given to a model built for `(None, 28, 28, 1)` is one axis short,
and Keras reads its first axis (the image height) as the number of samples. `predict` then
cuts that axis into batches of 32, so the message may show `(32, 834, 3)` or `(None, 4)`
for what was one image or one window.

## Why it happens
Predicting on one example (`model.predict(x_test[0])`, one image read with `cv2.imread`, one
window of a time series, one row of a table), a last batch of one whose axis was squeezed
away, or a `tf.data` pipeline that was never `.batch()`-ed.

## Example
```python
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), ...])
model.predict(x_test[5])          # x_test[5].shape == (28, 28)
```
Keras 3 (3.x):
    Invalid input shape for input Tensor("data:0", shape=(28, 28), dtype=float32) with name 'keras_tensor' and path ''. Expected shape (None, 28, 28), but input has incompatible shape (28, 28)
Keras 3 (3.x), one (28, 28, 1) image in a Conv2D model:
    Negative dimension size caused by subtracting 3 from 1 for '{{node sequential_1/conv2d_1/convolution}} = Conv2D[T=DT_FLOAT, data_format="NHWC", dilations=[1, 1, 1, 1], explicit_paddings=[], padding="VALID", strides=[1, 1, 1, 1], use_cudnn_on_gpu=true](sequential_1/ExpandDims, sequential_1/conv2d_1/convolution/ReadVariableOp)' with input shapes: [28,28,1,1], [3,3,1,32].
tf-keras 2.x:
    Input 0 of layer "sequential" is incompatible with the layer: expected shape=(None, 9, 4), found shape=(None, 4)
    Input 0 is incompatible with layer model: expected shape=(None, 9, 4), found shape=(9, 4).
    Input 0 of layer stem_conv is incompatible with the layer: : expected min_ndim=4, found ndim=3. Full shape received: (32, 834, 3)
    Input 0 of layer sequential is incompatible with the layer: expected ndim=4, found ndim=3. Full shape received: [32, 270, 3]
Keras <= 2.3 / TF1:
    Error when checking input: expected flatten_3_input to have 3 dimensions, but got array with shape (28, 28)
    Error when checking input: expected dense_input to have shape (7,) but got array with shape (1,)
TensorFlow (TF1 feed_dict):
    Cannot feed value of shape (224, 224, 3) for Tensor 'input:0', which has shape '(?, 224, 224, 3)'

## Fix
```python
model.predict(x_test[5:6])                           # slice, which keeps the axis
model.predict(np.expand_dims(x_test[5], axis=0))     # (28, 28) -> (1, 28, 28)
```
For a `tf.data.Dataset`, add `.batch(32)` before passing it.

## Fix safety
Safe when the value is one sample: adding a batch axis of size 1 changes nothing else. Not
applicable when the array really is a batch of the wrong rank (then the data lacks another
axis, see missing-channel-axis).

## References
- https://github.com/karolzak/keras-unet/issues/46
- https://github.com/lmoroney/dlaicourse/issues/34
- https://github.com/sergivalverde/nicMSlesions/issues/11
- https://github.com/tensorpack/tensorpack/issues/455
- https://github.com/qubvel/segmentation_models/issues/499
- https://github.com/Sentdex/pygta5/issues/148
- https://github.com/tensorflow/tensorflow/issues/31600
- https://github.com/keras-team/keras/issues/10053
"""

from __future__ import annotations

from typing import Any

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.derive import wrap_data_argument
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._spec import MESSAGES, diagnose_family
from tferrfix.shapes import Shape, show

code = "TFE0101"
name = "missing-batch-axis"
family = "missing-batch-axis"
exceptions = ("ValueError", "Exception")
messages = MESSAGES
examples = (
    "Invalid input shape for input Tensor(\"data:0\", shape=(28, 28), dtype=float32) with name "
    "'keras_tensor' and path ''. Expected shape (None, 28, 28), but input has incompatible "
    "shape (28, 28)",
    'Input 0 of layer "sequential" is incompatible with the layer: expected shape=(None, 9, 4), '
    "found shape=(None, 4)",
    "Input 0 is incompatible with layer model: expected shape=(None, 9, 4), found shape=(9, 4).",
    "Input 0 of layer stem_conv is incompatible with the layer: : expected min_ndim=4, found "
    "ndim=3. Full shape received: (32, 834, 3)",
    "Input 0 of layer sequential is incompatible with the layer: expected ndim=4, found ndim=3. "
    "Full shape received: [32, 270, 3]",
    "Error when checking input: expected flatten_3_input to have 3 dimensions, but got array "
    "with shape (28, 28)",
    "Error when checking input: expected dense_input to have shape (7,) but got array with "
    "shape (1,)",
    "Cannot feed value of shape (224, 224, 3) for Tensor 'input:0', which has shape "
    "'(?, 224, 224, 3)'",
    "Negative dimension size caused by subtracting 3 from 1 for '{{node sequential_1/conv2d_1/"
    "convolution}} = Conv2D[T=DT_FLOAT, data_format=\"NHWC\", dilations=[1, 1, 1, 1], "
    "explicit_paddings=[], padding=\"VALID\", strides=[1, 1, 1, 1], use_cudnn_on_gpu=true]"
    "(sequential_1/ExpandDims, sequential_1/conv2d_1/convolution/ReadVariableOp)' with input "
    "shapes: [28,28,1,1], [3,3,1,32].",
)


# Keras' default batch size: predict/fit cut the first axis of what they get into slices of
# 32, so one image of 480 rows shows up as (32, 834, 3).
_DEFAULT_BATCH = 32


def match(incident: Incident) -> Diagnosis | None:
    found = diagnose_family(__name__, incident, family)
    if found is None:
        return None
    facts = found.facts
    sample, cut = _sample_shape(facts)
    facts.update(sample_shape=sample, batch_cut=cut)
    return found


def _sample_shape(facts: dict[str, Any]) -> tuple[Shape | None, bool]:
    """The one sample as the user had it (None for a size the message no longer shows), and
    whether Keras' batching cut its first axis."""
    if facts.get("subject_shape"):
        return facts["subject_shape"], False
    if facts.get("sample_shape"):  # Keras' padded (H, W, 1, 1): the sample is (H, W, 1)
        return facts["sample_shape"], False
    found, expected = facts.get("found"), facts.get("expected")
    batched = facts.get("wording") in ("ndim", "shape", "axis")
    cut = bool(batched and found and found[0] in (None, _DEFAULT_BATCH))
    if expected is not None and len(expected) >= 2:
        sample = list(expected[1:])
        if found is not None:
            offset = len(found) - len(sample)
            for i in range(1, len(sample)):
                if sample[i] is None and 0 <= offset + i < len(found):
                    sample[i] = found[offset + i]
        return tuple(sample), cut
    if found is None or facts.get("layer_kind") == "dense":
        return None, cut
    return ((None, *found[1:]) if cut else found), cut


def _rows(shape: Shape) -> str:
    """A shape whose first unknown size is the rows of the sample that Keras cut."""
    return show(shape).replace("None", "rows", 1)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    shape = facts.get("sample_shape")
    note = (f"  # {_rows(shape)} -> {_rows((1, *shape))}" if shape
            else "  # one sample -> a batch of one")
    # Safe when the program itself showed the value is one sample of the model's input:
    # a batch of one then changes nothing else. From the message alone it is a reading.
    confirmed = facts.get("subject") is not None and facts.get("live_confirmed", False)
    return [wrap_data_argument(
        incident, "np.expand_dims({}, axis=0)",
        title="Add the batch axis to the one sample",
        applicability=Applicability.SAFE if confirmed else Applicability.UNSAFE,
        fallback=f"x = np.expand_dims(x, axis=0){note}", note=note)]

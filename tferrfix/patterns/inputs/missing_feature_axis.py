"""A 1-D array of scalar samples, or sequences without their feature axis, was given where (samples, features) is expected.

## What it means
Dense and most other layers want at least two axes: (samples, features). A 1-D array
of N numbers has only the sample axis, so the first layer finds `ndim=1`. Recurrent layers
want three, (samples, steps, features per step): a (samples, steps) array of one value per
step lacks the last one.

## Why it happens
A single column taken from a DataFrame (`df["x"].values`), a plain list of numbers, a
`tf.constant` of scalar samples (Keras no longer adds the feature axis itself since TF 2.7),
or a time series windowed as (samples, steps) for an LSTM.

## Example
```python
model = keras.Sequential([keras.layers.Dense(1)])
model.fit(X, y, epochs=1)          # X.shape == (8,)
```
Keras 3 (3.x):
    Input 0 with name 'None' of layer 'dense' is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: (None,)
tf-keras 2.x:
    Input 0 of layer "dense" is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: (None,)
tf-keras 2.x, an LSTM given (1, 60):
    Input 0 of layer sequential is incompatible with the layer: expected ndim=3, found ndim=2. Full shape received: (1, 60)
Keras <= 2.3 / TF1, an LSTM declared from 2-D data:
    Input 0 is incompatible with layer lstm_1: expected ndim=3, found ndim=2

## Fix
```python
model.fit(tf.expand_dims(X, axis=-1), y, epochs=1)   # (8,) -> (8, 1)
x = x[..., np.newaxis]                               # (samples, steps) -> (samples, steps, 1)
```

## Fix safety
Safe when each number is one sample with one feature (or one value per time step). When the
1-D array is really one sample with many features, add the batch axis instead
(missing-batch-axis): the text alone cannot always tell these apart.

## References
- https://github.com/mrdbourke/tensorflow-deep-learning/issues/495
- https://github.com/mrdbourke/tensorflow-deep-learning/issues/293
- https://github.com/tensorflow/tensorflow/issues/48138
- https://github.com/shreyans29/thesemicolon/issues/5
"""

from __future__ import annotations

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._axes import data_fix, live_model_input_shape
from tferrfix.patterns.inputs._spec import MESSAGES, diagnose_family

code = "TFE0103"
name = "missing-feature-axis"
family = "missing-feature-axis"
exceptions = ("ValueError", "Exception")
messages = MESSAGES
examples = (
    "Input 0 with name 'None' of layer 'dense' is incompatible with the layer: expected "
    "min_ndim=2, found ndim=1. Full shape received: (None,)",
    'Input 0 of layer "dense" is incompatible with the layer: expected min_ndim=2, found '
    "ndim=1. Full shape received: (None,)",
    "Input 0 of layer sequential is incompatible with the layer: expected ndim=3, found ndim=2. "
    "Full shape received: (1, 60)",
)


def match(incident: Incident) -> Diagnosis | None:
    return diagnose_family(__name__, incident, family)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    # Safe when the program showed the array and the model's real input shape, and that
    # shape ends in a feature axis of 1: adding it keeps every value where it was.
    model_shape = live_model_input_shape(incident)
    safe = bool(facts.get("live_confirmed") and model_shape and model_shape[-1] == 1)
    return [data_fix(
        incident, "np.expand_dims({}, -1)", title="Add the feature axis at the end",
        applicability=Applicability.SAFE if safe else Applicability.UNSAFE,
        fallback="x = np.expand_dims(x, -1)  # (samples,) -> (samples, 1)")]

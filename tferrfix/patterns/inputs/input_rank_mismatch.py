"""The data's rank does not match the layer's input spec.

## What it means
The number of axes of the data differs from what the layer accepts, in a way that one
missing or extra axis of size 1 does not explain: e.g. (samples, steps) for an LSTM built for
(samples, steps, 8 features), or 2-D data for a Conv2D.

## Why it happens
Flattened data given to a convolutional or recurrent model, sequences without their
feature axis, or a model built for another data layout.

## Example
```python
model = keras.Sequential([keras.Input(shape=(10, 8)), keras.layers.LSTM(4)])
model.predict(x)                   # x.shape == (5, 10)
```
Keras 3 (3.x):
    Invalid input shape for input Tensor("data:0", shape=(5, 10), dtype=float32) with name 'keras_tensor_10' and path ''. Expected shape (None, 10, 8), but input has incompatible shape (5, 10)
tf-keras 2.x:
    Input 0 of layer "lstm" is incompatible with the layer: expected ndim=3, found ndim=2. Full shape received: (None, 10)

## Fix
```python
x = x.reshape(n_samples, n_steps, n_features)   # bring the data to the layer's rank
```

## Fix safety
Display only: which reshape is right depends on how the data is laid out.

## References
"""

from __future__ import annotations

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._spec import MESSAGES, diagnose_family

code = "TFE0105"
name = "input-rank-mismatch"
family = "input-rank-mismatch"
exceptions = ("ValueError",)
messages = MESSAGES
examples = (
    'Invalid input shape for input Tensor("data:0", shape=(5, 10), dtype=float32) with name \'keras_tensor_10\' and path \'\'. Expected shape (None, 10, 8), but input has incompatible shape (5, 10)',
    'Input 0 of layer "lstm" is incompatible with the layer: expected ndim=3, found ndim=2. Full shape received: (None, 10)',
)


def match(incident: Incident) -> Diagnosis | None:
    return diagnose_family(__name__, incident, family)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    return [Fix("Reshape the data to the layer's rank", Applicability.DISPLAY_ONLY, 'x = x.reshape(n_samples, n_steps, n_features)',
                frame.file if frame else None, frame.line if frame else None)]

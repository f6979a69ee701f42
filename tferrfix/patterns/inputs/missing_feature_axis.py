"""A 1-D array of scalar samples was given where (samples, features) is expected.

## What it means
Dense and most other layers want at least two axes: (samples, features). A 1-D array
of N numbers has only the sample axis, so the first layer finds `ndim=1`.

## Why it happens
A single column taken from a DataFrame (`df["x"].values`), a plain list of numbers, or a
time series passed as one flat array.

## Example
```python
model = keras.Sequential([keras.layers.Dense(8), keras.layers.Dense(1)])
model.fit(x, y)                    # x.shape == (100,)
```
Keras 3 (3.x):
    Input 0 with name 'None' of layer 'dense_1' is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: (None,)
tf-keras 2.x:
    Input 0 of layer "dense_2" is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: (None,)

## Fix
```python
model.fit(x.reshape(-1, 1), y)     # (100,) -> (100, 1)
```

## Fix safety
Safe when each number is one sample with one feature. When the 1-D array is really one
sample with many features, add the batch axis instead (missing-batch-axis).

## References
"""

from __future__ import annotations

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.snippets import rewrite_argument
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._spec import MESSAGES, diagnose_family

code = "TFE0103"
name = "missing-feature-axis"
family = "missing-feature-axis"
exceptions = ("ValueError",)
messages = MESSAGES
examples = (
    "Input 0 with name 'None' of layer 'dense_1' is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: (None,)",
    'Input 0 of layer "dense_2" is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: (None,)',
)


def match(incident: Incident) -> Diagnosis | None:
    return diagnose_family(__name__, incident, family)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    new_line = None
    if frame is not None and frame.code:
        new_line = rewrite_argument(frame.code, lambda a: f"{a}.reshape(-1, 1)")
    snippet = new_line or 'x = x.reshape(-1, 1)'
    return [Fix('Reshape the samples to a column (samples, 1)', Applicability.DISPLAY_ONLY, snippet,
                frame.file if frame else None, frame.line if frame else None)]

"""The data has one axis too many for the model.

## What it means
The data has one more axis than the layer's input spec, e.g. (samples, 1, steps,
features) for an LSTM that wants (samples, steps, features).

## Why it happens
Reshaping with an extra 1 (`x.reshape(n, 1, t, f)`), stacking a list of batches, wrapping
each sample in a list, or an image reader that returns (1, h, w, c) per image.

## Example
```python
model = keras.Sequential([keras.Input(shape=(10, 8)), keras.layers.LSTM(4)])
model.predict(x)                   # x.shape == (5, 1, 10, 8)
```
Keras 3 (3.x):
    Invalid input shape for input Tensor("data:0", shape=(5, 1, 10, 8), dtype=float32) with name 'keras_tensor_10' and path ''. Expected shape (None, 10, 8), but input has incompatible shape (5, 1, 10, 8)
tf-keras 2.x:
    Input 0 of layer "sequential_3" is incompatible with the layer: expected shape=(None, 10, 8), found shape=(None, 1, 10, 8)

## Fix
```python
model.predict(np.squeeze(x, axis=1))   # (5, 1, 10, 8) -> (5, 10, 8)
```

## Fix safety
Safe when the extra axis has size 1: squeezing it keeps every value. An extra axis of
another size means the data is organised differently and must be reshaped by hand.

## References
"""

from __future__ import annotations

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.snippets import rewrite_argument
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._spec import MESSAGES, diagnose_family

code = "TFE0104"
name = "extra-axis"
family = "extra-axis"
exceptions = ("ValueError",)
messages = MESSAGES
examples = (
    'Invalid input shape for input Tensor("data:0", shape=(5, 1, 10, 8), dtype=float32) with name \'keras_tensor_10\' and path \'\'. Expected shape (None, 10, 8), but input has incompatible shape (5, 1, 10, 8)',
    'Input 0 of layer "sequential_3" is incompatible with the layer: expected shape=(None, 10, 8), found shape=(None, 1, 10, 8)',
)


def match(incident: Incident) -> Diagnosis | None:
    return diagnose_family(__name__, incident, family)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    new_line = None
    if frame is not None and frame.code:
        new_line = rewrite_argument(frame.code, lambda a: f"np.squeeze({a}, axis=1)")
    snippet = new_line or 'x = np.squeeze(x, axis=1)'
    return [Fix('Remove the extra axis of size 1', Applicability.DISPLAY_ONLY, snippet,
                frame.file if frame else None, frame.line if frame else None)]

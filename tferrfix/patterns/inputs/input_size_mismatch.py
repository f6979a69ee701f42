"""An axis of the data has a different size than the model was built for.

## What it means
The rank is right but one axis (features, height, width, channels, sequence length)
has a different size from the model's input shape. The model's weights were sized for that
shape when it was built, so it cannot take other sizes.

## Why it happens
Different preprocessing at training and prediction time (another image size, other
feature columns, a different vocabulary or sequence length), or `input_shape` written for
another data set.

## Example
```python
model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10)])
model.predict(x)                   # x.shape == (5, 28)
```
Keras 3 (3.x):
    Input 0 with name 'None' of layer 'dense_2' is incompatible with the layer: expected axis -1 of input shape to have value 784, but received input with shape (5, 28)
tf-keras 2.x:
    Input 0 of layer "sequential_2" is incompatible with the layer: expected shape=(None, 784), found shape=(None, 28)

## Fix
```python
x = x.reshape(len(x), -1)          # or resize / select the same features as in training
```

## Fix safety
Display only: whether the data or the model is wrong is the user's call.

## References
"""

from __future__ import annotations

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._spec import MESSAGES, diagnose_family

code = "TFE0106"
name = "input-size-mismatch"
family = "input-size-mismatch"
exceptions = ("ValueError",)
messages = MESSAGES
examples = (
    "Input 0 with name 'None' of layer 'dense_2' is incompatible with the layer: expected axis -1 of input shape to have value 784, but received input with shape (5, 28)",
    'Input 0 of layer "sequential_2" is incompatible with the layer: expected shape=(None, 784), found shape=(None, 28)',
)


def match(incident: Incident) -> Diagnosis | None:
    return diagnose_family(__name__, incident, family)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    return [Fix("Bring the data to the model's input size", Applicability.DISPLAY_ONLY, 'x = x.reshape(len(x), -1)  # or resize/select features to match the model',
                frame.file if frame else None, frame.line if frame else None)]

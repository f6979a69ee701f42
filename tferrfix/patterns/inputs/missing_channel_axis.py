"""Image-like data lacks the channel axis a Conv or pooling layer needs.

## What it means
A `Conv2D` or pooling layer works on (samples, height, width, channels). Grey-scale
images stored as (samples, height, width) have no channel axis, so the layer finds one axis
too few; the same holds for `Conv1D` on (samples, steps) without a feature axis, and for a
`Reshape` inside the model that drops the channel axis before a convolution.

## Why it happens
MNIST-like data loaded as `(60000, 28, 28)`, video frames stacked as (frames, height,
width), images converted to grey-scale with `cv2.cvtColor`, which drops the channel axis,
or a data set that is grey-scale where the model was written for RGB.

## Example
```python
model = keras.Sequential([keras.layers.Conv2D(32, 3, input_shape=(28, 28, 1)), ...])
model.fit(x_train, y_train)        # x_train.shape == (60000, 28, 28)
```
Keras 3 (3.x):
    Input 0 with name 'None' of layer 'conv2d' is incompatible with the layer: expected min_ndim=4, found ndim=3. Full shape received: (32, 28, 28)
tf-keras 2.x:
    Input 0 of layer conv2d is incompatible with the layer: : expected min_ndim=4, found ndim=3. Full shape received: [None, 28, 28]
    Input 0 of layer conv2d is incompatible with the layer:
    expected ndim=4, found ndim=3. Full shape received: [None, 28, 28]
Keras <= 2.3 / TF1:
    Error when checking input: expected conv2d_input to have 4 dimensions, but got array with shape (24946, 50, 50)
Keras 1:
    Input 0 is incompatible with layer convolution2d_2: expected ndim=4, found ndim=3

## Fix
```python
x_train = x_train[..., np.newaxis]     # (60000, 28, 28) -> (60000, 28, 28, 1)
```

## Fix safety
Safe for single-channel data: the values are unchanged, only an axis of size 1 is
added. If the model was built for 3 channels, the data must be converted (or the model
rebuilt) instead.

## References
- https://github.com/tensorflow/tensorflow/issues/28442
- https://e-com-net.com/article/1282004287597068288.htm
- https://devsolus.com/why-do-we-reshape-grayscale-image-to-xy1/
- https://github.com/ChunML/ssd-tf2/issues/27
- https://github.com/keras-team/keras/issues/3385
- https://github.com/keras-team/keras/issues/10053
"""

from __future__ import annotations

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._axes import data_fix, live_model_input_shape
from tferrfix.patterns.inputs._spec import MESSAGES, diagnose_family

code = "TFE0102"
name = "missing-channel-axis"
family = "missing-channel-axis"
exceptions = ("ValueError", "Exception")
messages = MESSAGES
examples = (
    "Input 0 with name 'None' of layer 'conv2d' is incompatible with the layer: expected "
    "min_ndim=4, found ndim=3. Full shape received: (32, 28, 28)",
    "Input 0 of layer conv2d is incompatible with the layer: : expected min_ndim=4, found "
    "ndim=3. Full shape received: [None, 28, 28]",
    "Input 0 of layer conv2d is incompatible with the layer:\nexpected ndim=4, found ndim=3. "
    "Full shape received: [None, 28, 28]",
    "Input 0 of layer conv2d is incompatible with the layer: : expected min_ndim=4, found "
    "ndim=3. Full shape received: [32, 300, 300]",
    "Error when checking input: expected conv2d_input to have 4 dimensions, but got array with "
    "shape (24946, 50, 50)",
    "Input 0 is incompatible with layer convolution2d_2: expected ndim=4, found ndim=3",
)


def match(incident: Incident) -> Diagnosis | None:
    return diagnose_family(__name__, incident, family)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    expected = live_model_input_shape(incident) or facts.get("expected")
    # Channels first, (None, 1, H, W): the channel axis goes after the batch axis.
    first = bool(expected and len(expected) == 4 and expected[1] in (1, 3, 4)
                 and expected[-1] not in (None, 1, 3, 4))
    template = "np.expand_dims({}, 1)" if first else "{}[..., np.newaxis]"
    # Safe when the program showed the array and a model built for one channel: a channel
    # axis of 1 keeps every value. A model of 3 or unknown channels may want RGB data.
    channels = expected[1 if first else -1] if expected and len(expected) == 4 else None
    safe = bool(facts.get("live_confirmed") and channels == 1)
    return [data_fix(
        incident, template,
        title="Add the channel axis " + ("after the batch axis" if first else "at the end"),
        applicability=Applicability.SAFE if safe else Applicability.UNSAFE,
        fallback="x = x[..., np.newaxis]")]

"""A reshape target holds a different number of elements than the tensor being reshaped.

## What it means
A reshape only rearranges values: the product of the target shape must equal the number of
values in the input (a `-1` axis takes up whatever is left). Here the two counts differ, so
there is no way to lay the values out in the requested shape.

## Why it happens
* A hard-coded target: `Reshape((15, 128))` or `tf.reshape(x, [82, 280, 3])` written for one
  image size, then used with another (resized images, a changed input size).
* A fixed batch size baked into a shape (`[1, 1, 1, 768]`), then run with batches of 100.
* An image with another channel count than assumed (an RGBA PNG, 4 channels, reshaped to 3).

## Example
```python
img = np.array(Image.open("a.png"))        # (32, 32, 4): RGBA
img = img.reshape(1, 32, 32, 3)            # 4096 values into 3072 places
```
NumPy:
    cannot reshape array of size 4096 into shape (1,32,32,3)
TensorFlow op:
    Input to reshape is a tensor with 66360 values, but the requested shape has 68880
tf-keras 2.x (Reshape layer):
    total size of new array must be unchanged, input_shape = [50, 50, 64], output_shape = [50, 768]
Keras 3 (Reshape layer):
    The total size of the tensor must be unchanged. Received: input_shape=(50, 50, 64), target_shape=(50, 768)
Keras 2.x:
    total size of new array must be unchanged

## Fix
```python
img = np.array(Image.open("a.png").convert("RGB"))   # (32, 32, 3)
img = img.reshape(1, 32, 32, 3)
x = layers.Reshape((w // 4, (h // 4) * 64))(x)        # compute targets from the real sizes
```

## Fix safety
Computing the target from the real sizes (or `-1` on one axis) is safe when the values really
belong in that layout. Resizing or dropping a channel changes the data: do it the same way in
training and prediction.

## References
- https://github.com/tensorflow/tensorflow/issues/29623
- https://github.com/DreamtaleCore/RaindropRmv/issues/3
- https://github.com/jsalbert/Music-Genre-Classification-with-Deep-Learning/issues/8
- https://github.com/Wongi-Choi1014/Korean-OCR-Model-Design-based-on-Keras-CNN/issues/18
- https://github.com/SparshaSaha/Hand-Gesture-Recognition-Using-Background-Elllimination-and-Convolution-Neural-Network/issues/10
- https://github.com/keras-team/keras-io/issues/610
"""

from __future__ import annotations

import math

import regex

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.incident import Incident
from tferrfix.patterns.layers._ops import SHAPE, op_info, shape_of
from tferrfix.shapes import show

code = "TFE0204"
name = "reshape-size-mismatch"
family = "reshape-size-mismatch"
exceptions = ("ValueError", "InvalidArgumentError")

NUMPY = regex.compile(
    r"cannot reshape array of size (?P<have>\d+) into shape (?P<target>\([^()]*\))")
TF_OP = regex.compile(
    r"Input to reshape is a tensor with (?P<have>\d+) values, but the requested shape "
    r"(?:has (?P<want>\d+)|requires a multiple of (?P<multiple>\d+))")
TF_GRAPH = regex.compile(
    r"Cannot reshape a tensor with (?P<have>\d+) elements to shape (?P<target>\[[^\]]*\]) "
    r"\((?P<want>\d+) elements\)")
KERAS = regex.compile(
    r"[Tt]otal size of (?:new array|the tensor) must be unchanged"
    rf"(?:[.,]? (?:Received: )?input_shape ?= ?(?P<input>{SHAPE}),? "
    rf"(?:output_shape|target_shape) ?= ?(?P<target>{SHAPE}))?")
messages = (NUMPY, TF_OP, TF_GRAPH, KERAS)
examples = (
    "cannot reshape array of size 4096 into shape (1,32,32,3)",
    "Input to reshape is a tensor with 66360 values, but the requested shape has 68880",
    "total size of new array must be unchanged, input_shape = [50, 50, 64], output_shape = [50, 768]",
    "The total size of the tensor must be unchanged. Received: input_shape=(50, 50, 64), "
    "target_shape=(50, 768)",
    "total size of new array must be unchanged",
)


def _count(shape) -> int | None:
    if shape is None or any(d is None or d < 0 for d in shape):
        return None
    return math.prod(shape)


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if found:
                return _diagnose(incident, rx, found, text)
    return None


def _diagnose(incident, rx, found, text) -> Diagnosis:
    groups = found.groupdict()
    input_shape = shape_of(groups.get("input"))
    target = shape_of(groups.get("target"))
    have = int(groups["have"]) if groups.get("have") else _count(input_shape)
    want = int(groups["want"]) if groups.get("want") else _count(target)
    if rx is NUMPY and target is not None and -1 in target:
        want = None
    # what the last axis would have to be for the values to fit the other axes of the target
    fitting_last = None
    if have and target and len(target) > 1:
        rest = _count(target[:-1])
        if rest and have % rest == 0:
            fitting_last = have // rest
    info = op_info(text)
    framework = "numpy" if rx is NUMPY else "keras" if rx is KERAS else "tensorflow"
    facts = {
        "have": have, "want": want, "input_shape": input_shape, "target": target,
        "multiple": int(groups["multiple"]) if groups.get("multiple") else None,
        "fitting_last": fitting_last, "ratio": (have / want) if have and want else None,
        "framework": framework, "node": info["node"], "layer": info["layer"],
    }
    confidence = 0.9 if rx is not KERAS or target is not None else 0.85
    return Diagnosis.of(__name__, confidence=confidence, facts=facts,
                        evidence=[ev for ev in incident.evidence if ev.shape][:1])


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    where = (frame.file, frame.line) if frame else (None, None)
    code_line = frame.code.strip() if frame and frame.code else ""
    target = facts.get("target")
    if facts["framework"] == "numpy" and facts.get("fitting_last") and target:
        fitted = (*target[:-1], facts["fitting_last"])
        snippet = (f"# the data holds {facts['have']} values = {show(fitted)}, not {show(target)}\n"
                   + (f"{code_line}  # resize / convert the data first so that it really is {show(target)}"
                      if code_line else f"x = x.reshape({', '.join(str(d) for d in target)})"))
    elif facts["framework"] == "keras" and code_line:
        snippet = (f"{code_line}\n# compute the target from the incoming shape: it must hold "
                   f"{facts['have'] if facts['have'] else 'as many values as the input'} values per sample, "
                   "e.g. layers.Reshape((-1, last_axis))")
    elif code_line:
        snippet = (f"{code_line}\n# use -1 for the batch axis and sizes computed from the data "
                   "(tf.shape(x)), or tf.image.resize images instead of reshaping them")
    else:
        snippet = ("x = tf.reshape(x, [-1, *fixed_axes])  # -1 for the axis whose size varies; "
                   "resize images with tf.image.resize instead of reshaping")
    return [Fix("Make the reshape target hold as many values as the data",
                Applicability.DISPLAY_ONLY, snippet, *where)]

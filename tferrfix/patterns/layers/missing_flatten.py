"""A Dense layer was applied to a tensor with more than two axes, so the model's output keeps extra axes.

## What it means
`Dense` only acts on the last axis: on a (batch, 28, 28) tensor it returns (batch, 28,
units), on a (batch, 7, 7, 512) feature map (batch, 7, 7, units). Without a `Flatten` (or a
global pooling layer) before it, the model's output keeps the image or time axes, and the
loss cannot compare it with targets of shape (batch,) or (batch, classes).

## Why it happens
- `Dense` stacked directly on images, spectrograms or MFCCs: `Dense(10, input_shape=(28, 28))`.
- A classification head put on a convolutional base (`include_top=False`) without
  `Flatten()` / `GlobalAveragePooling2D()`.
- `Conv1D`/pooling or an LSTM with `return_sequences=True` followed by a Dense head: the time
  axis survives.

The loss reports it in its own words: a rank clash (Keras 3), "Shapes ... are incompatible"
(tf-keras), or - for sparse losses, which flatten the output to (rows, classes) - logits with
a multiple of the number of labels as rows (16 images x 28 rows = 448 logits rows for 16
labels).

## Example
```python
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Dense(10)])
model.compile(loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train)            # output (16, 28, 10), targets (16,)
```
Keras 3 (3.x), sparse loss:
    Argument `output` must have rank (ndim) `target.ndim - 1`. Received: target.shape=(16,), output.shape=(16, 28, 10)
Keras 3 (3.x), categorical loss:
    Arguments `target` and `output` must have the same rank (ndim). Received: target.shape=(128, 10), output.shape=(128, 130, 13, 10)
tf-keras 2.x, categorical loss:
    Shapes (None, 10) and (None, 130, 13, 10) are incompatible
tf-keras 2.x, sparse loss:
    `labels.shape` must equal `logits.shape` except for the last dimension. Received: labels.shape=(16,) and logits.shape=(448, 10)
TensorFlow op (SparseSoftmaxCrossEntropyWithLogits):
    logits and labels must have the same first dimension, got logits shape [448,10] and labels shape [16]
Keras <= 2.3 / TF1:
    Error when checking target: expected dense_1 to have 4 dimensions, but got array with shape (10000, 10)

## Fix
```python
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    keras.layers.Flatten(),            # (None, 28, 28) -> (None, 784)
    keras.layers.Dense(10),
])
```
For convolutional features `keras.layers.GlobalAveragePooling2D()` is the usual alternative.

## Fix safety
Unsafe to apply blindly: adding `Flatten` changes the model (the Dense kernel grows from
(28, units) to (784, units)) and invalidates saved weights. When the extra axis is meant to
be kept (one prediction per time step), the targets must get that axis instead. Display
only.

## References
- https://github.com/google-parfait/tensorflow-federated/issues/303
- https://github.com/IIC2613-Inteligencia-Artificial-2022-1/Syllabus/issues/99
- https://github.com/sohailahmedkhan/Flood-Detection-from-Images-using-Deep-Learning/issues/2
- https://github.com/keras-team/keras-contrib/issues/304
- https://github.com/keras-team/keras/issues/5423
- https://github.com/keras-team/keras/issues/6351
"""

from __future__ import annotations

import math
from typing import Any

import regex

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._spec import layer_kind
from tferrfix.shapes import Shape, fits, parse_shape, show

_S = r"(?:\([^()]*\)|\[[^\[\]]*\])"  # a printed shape
_T = r"`?"  # Keras 3 puts names in backticks, not always

# Keras 3, sparse losses: the output must have one axis more than the targets.
K3_SPARSE_RANK = regex.compile(
    rf"Argument {_T}output{_T} must have rank \(ndim\) {_T}target\.ndim - 1{_T}\.? Received: "
    rf"target\.shape=(?P<target>{_S}),? output\.shape=(?P<output>{_S})"
)
# Keras 3, categorical / binary losses: the same rank.
K3_SAME_RANK = regex.compile(
    rf"Arguments {_T}target{_T} and {_T}output{_T} must have the same rank \(ndim\)\.? Received: "
    rf"target\.shape=(?P<target>{_S}),? output\.shape=(?P<output>{_S})"
)
# tf-keras 2.x categorical_crossentropy: target.shape.assert_is_compatible_with(output.shape).
SHAPES = regex.compile(rf"Shapes (?P<target>{_S}) and (?P<output>{_S}) are incompatible")
# Keras <= 2.3: targets checked against the model's output before training.
CHECK_TARGET = regex.compile(
    r"Error when checking (?:model )?target ?: expected (?P<layer>[\w./-]+) to have "
    rf"(?P<ndim>\d+) dimensions, but got array with shape (?P<target>{_S})"
)
# Sparse softmax cross-entropy, to which Keras' sparse losses hand (rows, classes) logits.
FIRST_DIM = regex.compile(
    r"logits and labels must have the same first dimension, got logits shape "
    rf"(?P<output>{_S}) and labels shape (?P<target>{_S})"
)
EXCEPT_LAST = regex.compile(
    rf"{_T}labels\.shape{_T} must equal {_T}logits\.shape{_T} except for the last dimension\.? "
    rf"Received: labels\.shape=(?P<target>{_S}) and logits\.shape=(?P<output>{_S})"
)

code = "TFE0201"
name = "missing-flatten"
family = "missing-flatten"
exceptions = ("ValueError", "InvalidArgumentError")
messages = (K3_SPARSE_RANK, K3_SAME_RANK, SHAPES, CHECK_TARGET, FIRST_DIM, EXCEPT_LAST)
examples = (
    "Argument `output` must have rank (ndim) `target.ndim - 1`. Received: target.shape=(16,), "
    "output.shape=(16, 28, 10)",
    "Arguments `target` and `output` must have the same rank (ndim). Received: "
    "target.shape=(128, 10), output.shape=(128, 130, 13, 10)",
    "Shapes (None, 10) and (None, 130, 13, 10) are incompatible",
    "Shapes (None, None) and (None, 7, 7, 2) are incompatible",
    "`labels.shape` must equal `logits.shape` except for the last dimension. Received: "
    "labels.shape=(16,) and logits.shape=(448, 10)",
    "logits and labels must have the same first dimension, got logits shape [448,10] and "
    "labels shape [16]",
    "Error when checking target: expected dense_1 to have 4 dimensions, but got array with "
    "shape (10000, 10)",
    "Error when checking model target: expected dense_2 to have 3 dimensions, but got array "
    "with shape (11, 2)",
)

# The user's own tf.nn cross-entropy call: then the logits are theirs, not a Keras output.
_OWN_XENT = regex.compile(r"\btf\.nn\.\w*cross_entropy|\bwith_logits\(")


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if found:
                facts = _read(rx, found, incident)
                if facts is None:
                    return None
                confidence = facts.pop("confidence")
                return Diagnosis.of(__name__, confidence=confidence, facts=facts)
    return None


def _read(rx: regex.Pattern[str], m: regex.Match[str], incident: Incident) -> dict[str, Any] | None:
    target = parse_shape(m["target"])
    if target is None:
        return None
    if rx is CHECK_TARGET:
        # Keras 2 names the output layer and its rank; the targets are (samples, ...).
        ndim, layer = int(m["ndim"]), m["layer"]
        if ndim <= len(target) or layer_kind(layer) in ("conv", "pool", "rnn"):
            return None
        return _facts(None, target, ndim - len(target), "check", 0.85, layer=layer,
                      output_ndim=ndim)
    output = parse_shape(m["output"])
    if output is None or not output:
        return None
    if rx in (FIRST_DIM, EXCEPT_LAST):
        return _folded(output, target, incident)
    # The rank the loss wanted for its output: the targets' (categorical) or one more (sparse).
    sparse = rx is K3_SPARSE_RANK
    wanted = len(target) + (1 if sparse else 0)
    extra = len(output) - wanted
    if extra < 1 or not target or not fits(target[0], output[0]):
        return None  # not more axes on the output side (the targets may have them instead)
    if not sparse and len(target) < 2:
        return None  # (batch,) targets against (batch, classes): integer labels, not axes
    if rx is SHAPES and not fits(target[-1], output[-1]) and target[-1] is not None:
        confidence = 0.75  # the width differs too; still, the extra axes come first
    else:
        confidence = 0.9 if rx is not SHAPES else 0.85
    return _facts(output, target, extra, "keras3" if rx is not SHAPES else "shapes", confidence)


def _folded(logits: Shape, labels: Shape, incident: Incident) -> dict[str, Any] | None:
    """Keras' sparse losses reshape the output to (rows, classes): a (16, 28, 10) output
    becomes 448 rows for 16 labels. Rows an exact multiple of the labels = extra axes."""
    frame = incident.user_frame
    if frame and frame.code and _OWN_XENT.search(frame.code):
        return None  # the user's own tf.nn call: logits-labels-mismatch
    rows = math.prod(d for d in logits[:-1] if d is not None) if len(logits) >= 2 else None
    n_labels = math.prod(d for d in labels if d is not None) if labels else None
    if (not rows or not n_labels or None in logits[:-1] or None in labels
            or rows <= n_labels or rows % n_labels):
        return None
    factor = rows // n_labels
    output = (n_labels, factor, logits[-1])
    return _facts(output, labels, 1, "folded", 0.8, logits=logits, factor=factor)


def _facts(output: Shape | None, target: Shape, extra: int, wording: str, confidence: float,
           **more: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "output": output,
        "target": target,
        "extra_axes": extra,
        "middle": output[1:1 + extra] if output is not None else None,
        "wording": wording,
        "layer": None,
        "output_ndim": len(output) if output is not None else None,
        "logits": None,
        "factor": None,
        "confidence": confidence,
    }
    facts.update(more)
    return facts


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    frame = incident.user_frame
    before = show(facts["output"]) if facts["output"] else "the model's output"
    snippet = (
        "keras.layers.Flatten(),      # or GlobalAveragePooling2D() after convolutions\n"
        f"keras.layers.Dense(...),     # now (batch, units) instead of {before}"
    )
    return [Fix("Flatten before the Dense layer", Applicability.DISPLAY_ONLY, snippet,
                frame.file if frame else None, frame.line if frame else None)]

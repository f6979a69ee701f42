"""A class id in the labels is negative or not smaller than the number of output units.

## What it means
A sparse softmax loss (`sparse_categorical_crossentropy`,
`tf.nn.sparse_softmax_cross_entropy_with_logits`) reads each label as the index of one of the
model's output units: with N units the valid ids are 0 .. N-1. TensorFlow found a label
outside that range, and lists the labels of the batch that failed.

## Why it happens
The output layer has fewer units than there are classes (a hard-coded `Dense(6)` for data that
now has 10 classes; `Dense(1, activation="softmax")` for 0/1 labels, which leaves only id 0);
the labels are numbered 1..N instead of 0..N-1; the labels are not class ids at all (raw
codes, bytes read from the wrong field, regression targets); or they are negative (a -1
"unknown" marker, NaN cast to an integer gives -2147483648).

## Example
```python
model = keras.Sequential([keras.Input(shape=(20,)), keras.layers.Dense(6, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(x, y)                    # y holds the ids 0..9
```
TensorFlow op (every version, eager and graph):
    Received a label value of 9 which is outside the valid range of [0, 6).  Label values: 5 6 9 4 4 8 3 1 2 5 6 9 1 1 9 6 9 3 6 2 2 4 8 8 2 8 5 6 8 2 3 0
The same, with one output unit:
    Received a label value of 1 which is outside the valid range of [0, 1)

## Fix
```python
num_classes = int(y.max()) + 1                      # 10
keras.layers.Dense(num_classes, activation="softmax")
```
For 0/1 labels: `Dense(2, activation="softmax")`, or `Dense(1, activation="sigmoid")` with
`binary_crossentropy`. For labels numbered from 1: `model.fit(x, y - 1)`.

## Fix safety
Widening the output layer changes the model; it is right when the labels really are class ids.
Shifting labels by one changes their meaning and must also be applied at prediction time.
Negative or huge labels mean the data pipeline is broken: fix it there, clipping would hide
the bug. On GPU the same mistake raises no error and gives NaN losses instead.

## References
- https://stackoverflow.com/questions/44151760/received-a-label-value-of-1-which-is-outside-the-valid-range-of-0-1-python
- https://github.com/williamfzc/work_with_stagesepx/issues/5
- https://github.com/tensorflow/tensorflow/issues/54233
- https://github.com/anasmorahhib/3D-CNN-Gesture-recognition/issues/7
- https://github.com/tensorflow/tensorflow/issues/5932
- https://github.com/biarne-a/hm-two-step-reco/issues/3
- https://github.com/azraelkuan/FFTNet/issues/1
"""

from __future__ import annotations

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Fix
from tferrfix.incident import Incident
from tferrfix.patterns.targets import _fix, _read
from tferrfix.patterns.targets._fix import fix, rewrite_keyword, rewrite_targets

code = "TFE0303"
name = "label-out-of-range"
family = "label-out-of-range"
exceptions = ("InvalidArgumentError",)
messages = (_read.LABEL_RANGE,)
examples = (
    "Received a label value of 9 which is outside the valid range of [0, 6).  Label values: 5 6 9 4 4 8 3 1 2 5 6 9 1 1 9 6 9 3 6 2 2 4 8 8 2 8 5 6 8 2 3 0",
    "Received a label value of 1 which is outside the valid range of [0, 1)",
    "Received a label value of -2147483648 which is outside the valid range of [0, 256).  Label values: 328 327 327 326 326 327 326 325 326 327 327 328 331 333",
)


def match(incident: Incident) -> Diagnosis | None:
    return _read.diagnose(__name__, incident, family)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    kind, n = facts["kind"], facts["n_classes"]
    y = facts.get("targets_arg") or "y"
    frame = incident.user_frame
    code_line = frame.code if frame else None
    if kind == "one-unit":
        return [
            _fix.resize_output(incident, fix(
                incident, "Give the softmax one unit per class",
                'keras.layers.Dense(2, activation="softmax")  # was 1 unit: ids 0 and 1 need 2'),
                1, _classes(incident, 2)),
            fix(incident, "Or use a sigmoid output for 0/1 labels",
                'keras.layers.Dense(1, activation="sigmoid")\n'
                'model.compile(loss="binary_crossentropy", optimizer="adam", '
                'metrics=["accuracy"])'),
        ]
    if kind == "negative":
        snippet = ("bad = (y < 0)  # NaN cast to int gives -2147483648; -1 marks 'unknown'\n"
                   "print(bad.sum(), 'labels are negative')\n"
                   "x, y = x[~bad], y[~bad]  # or repair them where the labels are made")
        return [fix(incident, "Find and remove the negative labels", snippet)]
    out: list[Fix] = []
    if kind == "one-based":
        new = rewrite_targets(code_line, lambda a: f"{a} - 1") or \
            rewrite_keyword(code_line, "labels", lambda a: f"{a} - 1")
        out.append(fix(incident, "Number the classes from 0",
                       new if new else f"{y} = {y} - 1  # labels 1..{n} -> 0..{n - 1}"))
    needed = facts.get("needed")
    at_least = f"  # at least {needed}" if needed else ""
    widen = fix(incident, "Give the output layer one unit per class",
                f"num_classes = int({y}.max()) + 1{at_least}\n"
                f'keras.layers.Dense(num_classes, activation="softmax")  # was {n}')
    if kind == "too-few-units":
        widen = _fix.resize_output(incident, widen, n, _classes(incident, needed))
    out.append(widen)
    return out


def _classes(incident: Incident, fallback: int | None) -> int:
    """How many classes the labels hold: the largest id the program's targets show, plus one
    (the message only shows the ids of the batch that failed)."""
    targets = _fix.live_targets(incident)
    high = targets.detail("max") if targets is not None else None
    low = targets.detail("min") if targets is not None else None
    if isinstance(high, (int, float)) and float(high).is_integer() and \
            isinstance(low, (int, float)) and low >= 0:
        return int(high) + 1
    return fallback or 0

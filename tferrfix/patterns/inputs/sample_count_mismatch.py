"""Inputs and targets (or several inputs) have different numbers of samples.

## What it means
Every array given to `fit`/`evaluate` - each input, each target, the sample weights - holds
one row per sample, so all of them must have the same length along the first axis. Keras
checks this before training and lists the lengths it found.

## Why it happens
- Validation images paired with the training labels (`validation_data=(x_val, y_train)`).
- Inputs filtered, sub-sampled or reshaped without doing the same to the targets
  (a wrong `reshape` can also change the number of rows).
- The inputs of a multi-input model taken from data sets of different lengths (two domains,
  two sensors), or sliced with different indices on the last, short batch.

## Example
```python
model.fit([source_x, target_x], source_y)    # 396 and 369 rows in the two inputs
```
Keras 3 (3.x):
    Data cardinality is ambiguous. Make sure all arrays contain the same number of samples.'x' sizes: 396, 369
    'y' sizes: 396
tf-keras 2.x:
    Data cardinality is ambiguous:
      x sizes: 2520
      y sizes: 4575
    Make sure all arrays contain the same number of samples.
tf-keras 2.2:
    Data cardinality is ambiguous:
      x sizes: 9000, 9000
      y sizes: 18000
    Please provide data which shares the same first dimension.
Keras <= 2.3 / TF1:
    Input arrays should have the same number of samples as target arrays. Found 2520 input samples and 4575 target samples.
    All input arrays (x) should have the same number of samples. Got array shapes: [(2, 74), (2, 18), (32, 572)]

## Fix
```python
model.fit(x_train, y_train, validation_data=(x_val, y_val))   # pairs that belong together
n = min(len(source_x), len(target_x))
model.fit([source_x[:n], target_x[:n]], source_y[:n])         # or resample to one length
```

## Fix safety
Display only: which array has the wrong length (and whether to cut, resample or fix the
preprocessing) is the user's decision; cutting arrays drops data.

## References
- https://github.com/MaterialsInformaticsDemo/DAN/issues/1
- https://github.com/AstarLight/Keras-image-classifer-framework/issues/7
- https://github.com/tensorflow/tensorflow/issues/48660
- https://github.com/keras-team/keras-io/issues/828
- https://github.com/mirzaevinom/promise12_segmentation/issues/1
- https://github.com/ruidan/Aspect-level-sentiment/issues/4
- https://github.com/Fritschek/MINE-Mutual-Information-Neural-Estimator/issues/1
"""

from __future__ import annotations

import ast

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._axes import calls_covering, parsed_source
from tferrfix.patterns.inputs._counts import (
    ALL_ARRAYS,
    CARDINALITY,
    INPUT_VS_TARGET,
    read_call,
    read_counts,
)

code = "TFE0108"
name = "sample-count-mismatch"
family = "sample-count-mismatch"
exceptions = ("ValueError",)
messages = (CARDINALITY, INPUT_VS_TARGET, ALL_ARRAYS)
examples = (
    "Data cardinality is ambiguous. Make sure all arrays contain the same number of samples."
    "'x' sizes: 396, 369\n'y' sizes: 396",
    "Data cardinality is ambiguous:\n  x sizes: 2520\n  y sizes: 4575\nMake sure all arrays "
    "contain the same number of samples.",
    "Data cardinality is ambiguous:\n  x sizes: 9000, 9000\n  y sizes: 18000\nPlease provide "
    "data which shares the same first dimension.",
    "Input arrays should have the same number of samples as target arrays. Found 2520 input "
    "samples and 4575 target samples.",
    "All input arrays (x) should have the same number of samples. Got array shapes: [(2, 74), "
    "(2, 18), (32, 572)]",
)


def match(incident: Incident) -> Diagnosis | None:
    counts = read_counts(incident)
    if counts is None or counts.wording not in ("cardinality", "input-vs-target", "all-arrays"):
        return None
    if counts.list_read_as_inputs:
        return None  # a list of samples read as many inputs: input-count-mismatch
    xs, ys = counts.x_sizes, counts.y_sizes
    facts = counts.facts()
    frame = incident.user_frame
    call = read_call(frame.code if frame else "")
    uses_validation = bool(frame and frame.code and "validation_data" in frame.code)
    facts.update(
        inputs_differ=len(set(xs)) > 1,
        targets_differ=len(set(ys)) > 1,
        x_vs_y=bool(xs and ys and set(xs) != set(ys)),
        validation=uses_validation,
        data=call.x,
        data_items=list(call.x_items),
        targets=call.y,
        shortest=min((*xs, *ys), default=None),
    )
    confidence = 0.9 if (xs or ys or counts.wording == "input-vs-target") else 0.8
    return Diagnosis.of(__name__, confidence=confidence, facts=facts)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    frame = incident.user_frame
    items, data, targets = facts["data_items"], facts["data"], facts["targets"]
    code = frame.code.strip() if frame and frame.code else ""
    if facts["inputs_differ"] and len(items) >= 2:
        cut = "[" + ", ".join(f"{item}[:n]" for item in items) + "]"
        line = f"{cut}  # and the targets: y[:n]"
        if data and code.count(data) == 1:
            line = code.replace(data, cut, 1)
            if targets and line.count(targets) == 1 and targets not in cut:
                line = line.replace(targets, f"{targets}[:n]", 1)
        snippet = (f"n = min({', '.join(f'len({i})' for i in items)})  # or resample to one "
                   f"length\n{line}")
        title = "Give every input the same number of samples"
    elif facts["inputs_differ"]:
        snippet = ("n = min(len(x1), len(x2))  # or resample to one length\n"
                   "model.fit([x1[:n], x2[:n]], y[:n])")
        title = "Give every input the same number of samples"
    elif facts["validation"]:
        snippet = "model.fit(x_train, y_train, validation_data=(x_val, y_val))  # x_val and y_val from the same split"
        title = "Pair the validation inputs with their own targets"
        paired = _validation_pair(incident)
        if paired is not None and frame is not None and frame.line is not None:
            index, name = paired
            # Unsafe: the pairing follows the user's own names (trainX/testX -> testY).
            return [Fix(title, Applicability.UNSAFE, snippet, frame.file, frame.line,
                        (edit(frame.file, frame.line, "wrap_element", template=name,
                              method="fit", keyword="validation_data", index=index),))]
    else:
        snippet = ("assert len(x) == len(y), (len(x), len(y))  # find the step that changed "
                   "one of them")
        title = "Make inputs and targets the same length"
    return [Fix(title, Applicability.DISPLAY_ONLY, snippet,
                frame.file if frame else None, frame.line if frame else None)]


def _validation_pair(incident: Incident) -> tuple[int, str] | None:
    """``fit(trainX, trainY, validation_data=(testX, trainY))``: the validation tuple reuses
    one training array. The array to use instead is named the way the other validation array
    was renamed from its training one (train -> test), and must exist in the source:
    (index in the tuple, name)."""
    frame = incident.user_frame
    if frame is None or not frame.file or frame.line is None or incident.source != "live":
        return None
    calls = calls_covering(frame.file, frame.line, "fit")
    if len(calls) != 1:
        return None
    call = calls[0]
    if len(call.args) < 2 or not all(isinstance(a, ast.Name) for a in call.args[:2]):
        return None
    train = [a.id for a in call.args[:2] if isinstance(a, ast.Name)]
    value = next((k.value for k in call.keywords if k.arg == "validation_data"), None)
    if not isinstance(value, (ast.Tuple, ast.List)) or len(value.elts) != 2 or \
            not all(isinstance(e, ast.Name) for e in value.elts):
        return None
    val = [e.id for e in value.elts if isinstance(e, ast.Name)]
    reused = [i for i in (0, 1) if val[i] == train[i]]
    if len(reused) != 1:
        return None
    index = reused[0]
    other = 1 - index
    old, new = _renaming(train[other], val[other])
    if not old or old not in train[index]:
        return None
    name = train[index].replace(old, new, 1)
    tree = parsed_source(frame.file)
    assigned = tree is not None and any(
        isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id == name
        for n in ast.walk(tree))
    return (index, name) if assigned and name != train[index] else None


def _renaming(a: str, b: str) -> tuple[str, str]:
    """The part of ``a`` that became another part in ``b`` (``trainX``, ``testX`` ->
    ``train``, ``test``)."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    # whole lower-case words: trainX/testX -> train/test, not rain/est
    while start > 0 and a[start - 1].islower():
        start -= 1
    while end > 0 and a[len(a) - end].islower():
        end -= 1
    return a[start:len(a) - end], b[start:len(b) - end]

"""A NumPy object array (ragged lists, Python objects, strings) cannot become a tensor.

## What it means
TensorFlow tensors are rectangular blocks of one numeric dtype. A NumPy array of `dtype=object`
holds references to Python objects — floats, lists of different lengths, whole arrays — and
TensorFlow cannot pack those into one block, so the conversion fails before anything runs.

## Why it happens
* `DataFrame.values` (or `np.array(df)`) on a frame with a text or mixed column gives an object
  array even when the numbers look fine: "Unsupported object type float".
* Sequences of different lengths (tokenised sentences, per-sample lists) wrapped in `np.array`:
  "Unsupported object type list", "setting an array element with a sequence".
* A list of images or arrays of different shapes: "Unsupported object type numpy.ndarray".
* Labels or features read as text: Keras 3 says "Invalid dtype: object" or "Invalid dtype: str32".

## Example
```python
train_x = df[["odds", "rank"]].values     # dtype=object because the frame had a text column
model.fit(train_x, train_y)
```
TensorFlow (tf-keras 2.x, TF 2.x):
    Failed to convert a NumPy array to a Tensor (Unsupported object type float).
Keras 3:
    Invalid dtype: object
NumPy (Keras <= 2.3 and ragged lists):
    setting an array element with a sequence.
tf.data:
    Can't convert non-rectangular Python sequence to Tensor.

## Fix
```python
train_x = np.asarray(train_x).astype("float32")                # Python numbers in an object array
sequences = keras.utils.pad_sequences(sequences, padding="post")  # ragged lists -> one length
images = np.stack(images)                                      # same-shaped arrays -> one array
```

## Fix safety
Casting to float32 is safe when every element is a number; it fails loudly on text, which then
needs encoding. Padding changes what the model sees (zeros at the end), so use masking or a
padding value the model can ignore.

## References
- https://github.com/charlesmalafosse/sports-betting-customloss/issues/1
- https://github.com/keras-team/keras/issues/13940
- https://github.com/HOD101s/RockPaperScissor-AI-/issues/1
- https://github.com/zhouchunpong/GCN_Keras/issues/9
- https://github.com/keras-team/keras/issues/20479
"""

from __future__ import annotations

from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.derive import keras_namespace, wrap_data_argument
from tferrfix.fixes.snippets import data_argument
from tferrfix.incident import Evidence, Incident
from tferrfix.shapes import show

code = "TFE0401"
name = "object-array"
family = "object-array"
exceptions = ("ValueError", "TypeError")
messages = (
    lazy_regex.compile(r"Failed to convert a NumPy array to a Tensor \(Unsupported object type "
                  r"(?P<object_type>[\w.]+)\)"),
    lazy_regex.compile(r"Invalid dtype: (?P<dtype>object|str\d*|<U\d+|bytes\d*|U\d+)\b"),
    lazy_regex.compile(r"setting an array element with a sequence"
                  r"(?:\. The requested array has an inhomogeneous shape after (?P<after>\d+) "
                  r"dimensions?\. The detected shape was (?P<detected>\([^)]*\)))?"),
    lazy_regex.compile(r"Can't convert non-rectangular Python sequence to Tensor"),
)
examples = (
    "Failed to convert a NumPy array to a Tensor (Unsupported object type float).",
    "Failed to convert a NumPy array to a Tensor (Unsupported object type list).",
    "Failed to convert a NumPy array to a Tensor (Unsupported object type numpy.ndarray).",
    "Invalid dtype: object",
    "Invalid dtype: str32",
    "setting an array element with a sequence.",
    "Can't convert non-rectangular Python sequence to Tensor.",
)

# What the elements of the object array are, read from the message.
_NUMBERS = ("float", "int", "bool", "decimal.Decimal")
_SEQUENCES = ("list", "tuple")
_ARRAYS = ("numpy.ndarray", "ndarray")
_TEXT = ("str", "bytes")
# Element types read live (type names) that a float32 cast keeps as they are.
_NUMBER_TYPES = {"float", "int", "bool", "Decimal"}
_ROLES = {"model-input": 0, "targets": 1}


def _content(found: regex.Match[str]) -> str:
    groups = found.groupdict()
    kind = groups.get("object_type") or ""
    dtype = groups.get("dtype") or ""
    if kind in _NUMBERS:
        return "numbers"
    if kind in _SEQUENCES or "sequence" in found.group(0):
        return "ragged"
    if kind in _ARRAYS:
        return "arrays"
    if kind in _TEXT or dtype.startswith(("str", "<U", "U", "bytes")):
        return "text"
    return "objects"


def match(incident: Incident) -> Diagnosis | None:
    found = incident.search(messages)
    if found is None:
        return None
    frame = incident.user_frame
    argument = data_argument(frame.code) if frame and frame.code else None
    facts = {
        "content": _content(found),
        "object_type": found.groupdict().get("object_type") or found.groupdict().get("dtype"),
        "argument": argument,
        "numeric_text": False,
        "checked_all": False,
    }
    # The program's own array says what it holds, which "Invalid dtype: object" does not.
    facts.update(_seen_content(incident))
    return Diagnosis.of(__name__, confidence=0.9, facts=facts)


def _seen_content(incident: Incident) -> dict[str, Any]:
    """The name of the first live input or target array that is not a plain numeric block,
    and what it holds; nothing when no such array was read."""
    for _, ev in _live_arrays(incident):
        content = _holds(ev)
        if content == "text":
            return {"argument": ev.subject, "content": content,
                    "numeric_text": bool(ev.detail("numeric_text")),
                    "checked_all": bool(ev.detail("checked_all"))}
        if content is not None:
            return {"argument": ev.subject, "content": content}
    return {}


def _holds(ev: Evidence) -> str | None:
    """What a live array that cannot become a tensor holds, from its sampled elements:
    "numbers", "text", "ragged" (numeric sequences of different lengths) or "arrays"."""
    if _numbers(ev):
        return "numbers"
    if ev.detail("numeric_text") is not None:
        return "text"
    if _ragged(ev):
        return "ragged"
    if ev.detail("item_shapes"):
        return "arrays"
    return None


def _live_arrays(incident: Incident) -> list[tuple[int, Evidence]]:
    """The live arrays passed as the inputs (0) or targets (1) of the failing call."""
    found = []
    for ev in incident.evidence:
        position = _ROLES.get(ev.detail("role") or "")
        if ev.origin == "live" and ev.kind == "array" and position is not None:
            found.append((position, ev))
    return found


def _numbers(ev: Evidence) -> bool:
    """An object array whose sampled elements are all Python numbers."""
    kinds = ev.detail("element_types") or [ev.detail("element_type")]
    return ev.dtype == "object" and all(kind in _NUMBER_TYPES for kind in kinds)


def _ragged(ev: Evidence) -> bool:
    """An object array of sequences of different lengths holding numbers."""
    lengths = ev.detail("item_lengths")
    item = str(ev.detail("item_type") or "")
    numeric = item in _NUMBER_TYPES or regex.fullmatch(r"u?int\d*|float\d*|bool", item)
    # arrays must differ in length only: pad_sequences pads the first axis
    tails = {tuple(shape[1:]) for shape in ev.detail("item_shapes") or []}
    return ev.dtype == "object" and not ev.detail("element_types") and bool(lengths) \
        and lengths[0] != lengths[1] and bool(numeric) and len(tails) <= 1


def _live_fix(incident: Incident, name: str) -> Fix | None:
    """A fix derived from what the program's array holds, read live."""
    frame = incident.user_frame
    for position, ev in _live_arrays(incident):
        holds = _holds(ev)
        if holds == "numbers":
            # Plain numbers in an object container: converting changes no value.
            return wrap_data_argument(
                incident, 'np.asarray({}).astype("float32")',
                title="Convert the object array of numbers to float32",
                applicability=Applicability.SAFE,
                fallback=f'{name} = np.asarray({name}).astype("float32")', position=position)
        if holds == "text" and ev.detail("numeric_text"):
            # Every string is a number: the cast keeps the values. When only a sample was
            # read, a non-number further on would make the cast fail, so it is not safe.
            safe = ev.detail("checked_all") is True
            return wrap_data_argument(
                incident, 'np.asarray({}).astype("float32")',
                title=f"Convert the numbers stored as text in `{ev.subject}` to float32",
                applicability=Applicability.SAFE if safe else Applicability.UNSAFE,
                fallback=f'{ev.subject} = np.asarray({ev.subject}).astype("float32")',
                position=position)
        shapes = ev.detail("item_shapes") or []
        if holds == "arrays" and len(shapes) == 1 and not ev.detail("element_types"):
            # Arrays of one shape in an object container: stacking keeps every value.
            return wrap_data_argument(
                incident, "np.stack(list({}))",
                title=f"Stack the {show(tuple(shapes[0]))} arrays in `{ev.subject}` into one "
                      "array",
                applicability=Applicability.SAFE,
                fallback=f"{ev.subject} = np.stack(list({ev.subject}))", position=position)
        if holds == "ragged":
            keras, imports = keras_namespace(frame.file if frame else None)
            item = str(ev.detail("item_type") or "")
            dtype = ', dtype="float32"' if item.startswith("float") else ""
            low, high = ev.detail("item_lengths")
            # Padding adds zeros the model will see: unsafe (mask them, or reserve id 0).
            return wrap_data_argument(
                incident, f'{keras}.utils.pad_sequences({{}}, padding="post"{dtype})',
                title=f"Pad the sequences in `{ev.subject}` (lengths {low} to {high}) "
                      "to one length",
                applicability=Applicability.UNSAFE,
                fallback=f'{ev.subject} = {keras}.utils.pad_sequences({ev.subject}, '
                         f'padding="post"{dtype})',
                position=position, imports=imports)
    return None


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    name = diagnosis.facts.get("argument") or "x"
    content = diagnosis.facts["content"]
    live = _live_fix(incident, name)
    if live is not None:
        return [live]
    if content == "ragged":
        title = "Pad the sequences to one length"
        snippet = f'{name} = keras.utils.pad_sequences({name}, padding="post")'
    elif content == "arrays":
        title = "Stack the arrays into one numeric array"
        snippet = f"{name} = np.stack(list({name})).astype(\"float32\")  # all items must have one shape"
    elif content == "text":
        title = "Encode the text as numbers before training"
        snippet = (f"{name} = keras.layers.StringLookup(output_mode=\"int\")({name})"
                   "  # or cast numeric strings: np.asarray(x).astype(\"float32\")")
    else:
        title = "Convert the object array to a numeric dtype"
        snippet = f'{name} = np.asarray({name}).astype("float32")'
    return [Fix(title, Applicability.DISPLAY_ONLY, snippet,
                frame.file if frame else None, frame.line if frame else None)]

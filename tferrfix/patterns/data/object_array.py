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

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.derive import wrap_data_argument
from tferrfix.fixes.snippets import data_argument
from tferrfix.incident import Incident

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
    }
    return Diagnosis.of(__name__, confidence=0.9, facts=facts)


def _object_argument(incident: Incident) -> tuple[int, str] | None:
    """Which argument of the failing call is the object array of numbers, from live evidence:
    (position, element type)."""
    for ev in incident.evidence:
        if ev.origin != "live" or ev.kind != "array" or ev.dtype != "object":
            continue
        position = {"model-input": 0, "targets": 1}.get(ev.detail("role"))
        element = ev.detail("element_type")
        if position is not None and element in ("float", "int", "bool", "Decimal"):
            return position, element
    return None


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    name = diagnosis.facts.get("argument") or "x"
    content = diagnosis.facts["content"]
    numbers = _object_argument(incident)
    if numbers is not None:
        # The program showed an object array whose elements are plain numbers: converting it
        # changes no value, only the container's dtype.
        position, _ = numbers
        return [wrap_data_argument(
            incident, 'np.asarray({}).astype("float32")',
            title="Convert the object array of numbers to float32",
            applicability=Applicability.SAFE,
            fallback=f'{name} = np.asarray({name}).astype("float32")', position=position)]
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

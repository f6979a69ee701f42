"""A value cannot be converted to the dtype an op or array requires.

## What it means
Something asked for a value in one dtype and got a value that TensorFlow (or NumPy) will not
convert: text where floats are needed (`Cast string to float is not supported`, `could not
convert string to float`), or a tensor whose dtype differs from the one requested, which
`tf.convert_to_tensor` never changes implicitly (`Tensor conversion requested dtype int32 for
Tensor with dtype int64`).

## Why it happens
* Labels read as text (a CSV column, class names such as speaker names, one-hot values stored
  as the strings `"0"`/`"1"`) are given to `fit`; the loss or the accuracy metric casts
  `y_true` to float and fails.
* A text file parsed by hand (`line.split(" ")` on an embeddings file, a header line, an empty
  field) gives `np.asarray(values, dtype="float32")` a string that is not a number.
* A tensor made as `float64` (Python/NumPy float math such as `tf.sqrt(1. * n)`) or `int64`
  (labels, `tf.data` integers) is passed where a layer, a variable or an op wants `float32` or
  `int32`.

## Example
```python
train_y = np.array(["0", "1", "1", ...])          # text, not numbers
model.compile(loss="categorical_crossentropy")
model.fit(train_x, train_y)
```
TensorFlow 2.4 - 2.x (loss or metric casting y_true):
    Cast string to float is not supported
TensorFlow 1.x / 2.x (an implicit conversion refused):
    Tensor conversion requested dtype float32 for Tensor with dtype float64: 'Tensor("Sqrt:0", shape=(), dtype=float64)'
    Tensor conversion requested dtype int32 for Tensor with dtype int64: <tf.Tensor 'targets:0' shape=(32, 300) dtype=int64>
NumPy (preprocessing before TensorFlow):
    could not convert string to float:

## Fix
```python
train_y = np.asarray(train_y).astype("float32")          # numbers stored as text
train_y = np.unique(train_y, return_inverse=True)[1]     # class names -> ids 0..n-1
targets = tf.cast(targets, tf.int32)                     # a tensor of another dtype
```

## Fix safety
Casting numbers stored as text is safe; it fails loudly on real text, which needs an encoding
(`StringLookup`, `np.unique(..., return_inverse=True)`), and then the number of classes must
match the model's output. Casting `int64` ids to `int32` is safe below 2**31; casting
`float64` to `float32` loses precision that training almost never needs.

## References
- https://github.com/AarohiSingla/VGG-16/issues/1
- https://github.com/ravasconcelos/spoken-digits-recognition/issues/1
- https://github.com/mauriziofilippone/deep_gp_random_features/issues/1
- https://github.com/stanleylsx/entity_extractor_by_ner/issues/11
- https://github.com/bradleypallen/keras-quora-question-pairs/issues/8
"""

from __future__ import annotations

from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.snippets import call_sites, data_argument, data_call, rewrite_argument
from tferrfix.incident import Incident
from tferrfix.patterns.data._dtypes import dtype_name

code = "TFE0403"
name = "dtype-conversion"
family = "dtype-conversion"
exceptions = ("UnimplementedError", "ValueError", "TypeError")

# The Cast kernel (UnimplementedError): text cannot be cast to a number.
CAST = lazy_regex.compile(r"Cast (?P<src>\w+) to (?P<dst>\w+) is not supported")
# tf.convert_to_tensor refusing to change a tensor's dtype.
CONVERSION = lazy_regex.compile(
    r"Tensor conversion requested dtype (?P<dst>\w+) for Tensor with dtype (?P<src>\w+)"
    r"(?::\s*(?P<tensor>[^\n]{1,300}))?"
)
# NumPy / Python: a string that is not a number.
NUMPY = lazy_regex.compile(
    r"could not convert (?P<src>string) to (?P<dst>float|int)(?::[ \t]*(?P<value>[^\n]{0,200}))?"
)
# A Python value given to an op argument of a fixed dtype.
EXPECTED = lazy_regex.compile(
    r"Expected (?P<dst>\w+), got (?P<value>[^\n]{1,200}?) of type '(?P<type>(?!\w*Tensor)[\w.]+)' instead"
)
messages = (CAST, CONVERSION, NUMPY, EXPECTED)
examples = (
    "Cast string to float is not supported",
    "Tensor conversion requested dtype float32 for Tensor with dtype float64: "
    "'Tensor(\"Sqrt:0\", shape=(), dtype=float64)'",
    "Tensor conversion requested dtype int32 for Tensor with dtype int64: "
    "<tf.Tensor 'targets:0' shape=(32, 300) dtype=int64>",
    "could not convert string to float:",
)

# Where a failing Cast sits: "[[{{node categorical_crossentropy/Cast}}]]", "[[node Cast_1
# (defined at ...\\keras\\metrics.py:716)", "Detected at node compile_loss/.../Cast".
_NODE = lazy_regex.compile(r"(?:\[\[(?:\{\{)?node |Detected at node )(?P<node>[\w./-]+)")
_DEFINED = lazy_regex.compile(r"\(defined at (?P<file>[^)\n]{1,300})")
_LOSS = lazy_regex.compile(r"(?i)loss|crossentropy|hinge|mean_squared|mean_absolute")
_METRIC = lazy_regex.compile(r"(?i)metric|accuracy")
_TENSOR_NAME = lazy_regex.compile(r"Tensor\(\"(?P<a>[\w./]+):\d+\"|<tf\.Tensor '(?P<b>[\w./]+):\d+'")
_TENSOR_SHAPE = lazy_regex.compile(r"shape=(?P<shape>\([^()]*\))")


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if found:
                facts = _facts(rx, found, text, incident)
                confidence = 0.9 if rx is CAST else 0.85
                return Diagnosis.of(__name__, confidence=confidence, facts=facts)
    return None


def _facts(rx: regex.Pattern[str], found: regex.Match[str], text: str,
           incident: Incident) -> dict[str, Any]:
    groups = found.groupdict()
    wording = {CAST: "cast", CONVERSION: "conversion", NUMPY: "numpy", EXPECTED: "expected"}[rx]
    src = "string" if rx is NUMPY else dtype_name(groups.get("src") or groups.get("type"))
    facts: dict[str, Any] = {
        "wording": wording,
        "src": src,
        "dst": dtype_name(groups["dst"]),
        "node": None,
        "role": None,
        "loss_kind": None,
        "tensor": None,
        "tensor_shape": None,
        "value": None,
        "targets": None,
        "data": None,
    }
    frame = incident.user_frame
    code = frame.code if frame and frame.code else ""
    if rx is CAST:
        node = _NODE.search(text)
        defined = _DEFINED.search(text)
        where = " ".join(filter(None, (node["node"] if node else None,
                                       defined["file"] if defined else None)))
        facts["node"] = node["node"] if node else None
        if _LOSS.search(where):
            facts["role"] = "targets"
            facts["loss_kind"] = "sparse" if "sparse" in where else (
                "categorical" if "categorical" in where else "other")
        elif _METRIC.search(where):
            facts["role"] = "targets"
            facts["loss_kind"] = "metric"
        if code:
            facts["targets"] = data_argument(code, 1, "y")
            facts["data"] = data_argument(code, 0, "x")
    elif rx is CONVERSION and groups.get("tensor"):
        tensor = groups["tensor"]
        named = _TENSOR_NAME.search(tensor)
        shaped = _TENSOR_SHAPE.search(tensor)
        facts["tensor"] = (named["a"] or named["b"]) if named else None
        facts["tensor_shape"] = shaped["shape"] if shaped else None
    elif rx is NUMPY:
        value = (groups.get("value") or "").strip()
        facts["value"] = value
        facts["argument"] = _converted(code)
    elif rx is EXPECTED:
        facts["value"] = groups["value"]
    facts.setdefault("argument", None)
    return facts


def _converted(code: str) -> str | None:
    """The array being converted on the user's line: ``np.asarray(values[1:], dtype=...)``
    or ``x.astype("float32")``."""
    for site in call_sites(code) if code else []:
        if site.method == "astype" and site.receiver:
            return site.receiver
        if any(k == "dtype" for k, _ in site.keywords) and site.args:
            return site.args[0]
        if site.method in ("float", "int") and site.args:
            return site.args[0]
    return None


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    where = (frame.file, frame.line) if frame else (None, None)
    code = frame.code if frame and frame.code else ""
    dst = facts.get("dst") or "float32"
    wording = facts["wording"]
    if wording == "cast":
        return [_cast_fix(incident, code, facts, where)]
    if wording == "conversion":
        tensor = facts.get("tensor")
        name = tensor.split("/")[-1] if tensor else None
        if name and name[:1].islower():
            snippet = f"{name} = tf.cast({name}, tf.{dst})  # {facts['src']} -> {dst}, before it is used"
        else:
            snippet = (f"value = tf.cast(value, tf.{dst})  # the {facts['src']} tensor"
                       f"{' ' + repr(tensor) if tensor else ''}, before it is used")
        return [Fix(f"Cast the {facts['src']} tensor to {dst}", Applicability.DISPLAY_ONLY,
                    snippet, *where)]
    if wording == "numpy":
        argument = facts.get("argument")
        if argument and code.count(argument) == 1:
            if facts.get("value") in ("", "''", '""'):
                cleaned = f"[v for v in {argument} if v.strip()]"
                note = "  # drop empty fields (or split with .split() instead of .split(' '))"
                snippet = code.strip().split("  #")[0].replace(argument, cleaned, 1) + note
            else:
                snippet = (f"# {facts['value']} is not a number: skip header lines, or encode "
                           f"this text before converting\n{code.strip()}")
        else:
            snippet = ("values = [v for v in values if v.strip()]  # remove empty fields / "
                       "header lines, or encode text columns, before converting")
        return [Fix("Remove or encode the entries that are not numbers",
                    Applicability.DISPLAY_ONLY, snippet, *where)]
    snippet = f"value = tf.constant(value, dtype=tf.{dst})  # or write the literal as a {dst} value"
    return [Fix(f"Pass a {dst} value", Applicability.DISPLAY_ONLY, snippet, *where)]


def _cast_fix(incident: Incident, code: str, facts: dict[str, Any],
              where: tuple[Any, Any]) -> Fix:
    targets = facts.get("targets")
    if facts.get("role") == "targets" or targets:
        name = targets or "y_train"
        if facts.get("loss_kind") == "sparse":
            template = "np.unique(np.asarray({}).astype(str), return_inverse=True)[1]"
            note = "  # class names -> ids 0..n-1"
            title = "Encode the text labels as integer class ids"
        else:
            template = 'np.asarray({}).astype("float32")'
            note = "  # numbers stored as text; class names need an encoding first"
            title = "Convert the text labels to numbers"
        wrap = template.format(name)
        new_line = rewrite_argument(code, template.format, 1, "y") if code and targets else None
        if new_line is None:
            snippet = f"{name} = {wrap}{note}"
        else:
            snippet = new_line.split("  #")[0].rstrip() + note
        site = data_call(code) if new_line else None
        frame = incident.user_frame
        if (incident.source == "live" and site is not None and frame is not None
                and frame.line and len(site.args) > 1):
            # Re-encoding the labels changes what the model learns from: unsafe.
            edits = (Edit(frame.file, 0, "add_import", (("alias", "np"), ("module", "numpy"))),
                     Edit(frame.file, frame.line, "wrap_argument",
                          (("method", site.method), ("position", 1), ("template", template))))
            return Fix(title, Applicability.UNSAFE, snippet, *where, edits)
        return Fix(title, Applicability.DISPLAY_ONLY, snippet, *where)
    name = facts.get("data") or "x"
    snippet = f"{name} = np.asarray({name}).astype(\"float32\")  # text that holds numbers; encode real text first"
    return Fix("Convert the text data to numbers", Applicability.DISPLAY_ONLY, snippet, *where)

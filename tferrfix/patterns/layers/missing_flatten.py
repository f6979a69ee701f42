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

import ast
import math
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.materialize import edit, read_source
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._axes import parsed_source
from tferrfix.patterns.inputs._spec import layer_kind
from tferrfix.shapes import Shape, fits, parse_shape, show

_S = r"(?:\([^()]*\)|\[[^\[\]]*\])"  # a printed shape
_T = r"`?"  # Keras 3 puts names in backticks, not always

# Keras 3, sparse losses: the output must have one axis more than the targets.
K3_SPARSE_RANK = lazy_regex.compile(
    rf"Argument {_T}output{_T} must have rank \(ndim\) {_T}target\.ndim - 1{_T}\.? Received: "
    rf"target\.shape=(?P<target>{_S}),? output\.shape=(?P<output>{_S})"
)
# Keras 3, categorical / binary losses: the same rank.
K3_SAME_RANK = lazy_regex.compile(
    rf"Arguments {_T}target{_T} and {_T}output{_T} must have the same rank \(ndim\)\.? Received: "
    rf"target\.shape=(?P<target>{_S}),? output\.shape=(?P<output>{_S})"
)
# tf-keras 2.x categorical_crossentropy: target.shape.assert_is_compatible_with(output.shape).
SHAPES = lazy_regex.compile(rf"Shapes (?P<target>{_S}) and (?P<output>{_S}) are incompatible")
# Keras <= 2.3: targets checked against the model's output before training.
CHECK_TARGET = lazy_regex.compile(
    r"Error when checking (?:model )?target ?: expected (?P<layer>[\w./-]+) to have "
    rf"(?P<ndim>\d+) dimensions, but got array with shape (?P<target>{_S})"
)
# Sparse softmax cross-entropy, to which Keras' sparse losses hand (rows, classes) logits.
FIRST_DIM = lazy_regex.compile(
    r"logits and labels must have the same first dimension, got logits shape "
    rf"(?P<output>{_S}) and labels shape (?P<target>{_S})"
)
EXCEPT_LAST = lazy_regex.compile(
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
_OWN_XENT = lazy_regex.compile(r"\btf\.nn\.\w*cross_entropy|\bwith_logits\(")


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
    title = "Flatten before the Dense layer"
    file, line = (frame.file, frame.line) if frame else (None, None)
    if incident.source != "live" or not file:
        return [Fix(title, Applicability.DISPLAY_ONLY, snippet, file, line,
                    reason="explained from text: run the program under tferrfix to apply it"
                    if file else None)]
    edits, why_not = _flatten_edits(incident, file)
    if edits is None:
        return [Fix(title, Applicability.DISPLAY_ONLY, snippet, file, line, reason=why_not)]
    # Unsafe: a new layer changes what the model is (its Dense sees every value at once).
    return [Fix(title, Applicability.UNSAFE, snippet, edits[-1].file, edits[-1].line,
                tuple(edits))]


# Layers after which the features are already one vector per sample.
_FLAT = ("Flatten", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
         "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "Reshape", "LSTM",
         "GRU", "SimpleRNN", "Bidirectional")


def _flatten_edits(incident: Incident, file: str) -> tuple[list[Edit] | None, str]:
    """Insert ``Flatten`` before the first Dense of the model that receives more than
    (batch, features): found from the live model (its layers, its input rank) and located in
    the user's source by the order of the Dense calls."""
    model = next((ev for ev in incident.evidence if ev.origin == "live" and ev.kind == "model"
                  and ev.detail("layers")), None)
    if model is None:
        return None, "the program did not show the model's layers"
    inputs = model.detail("input_shapes") or []
    if len(inputs) != 1 or not inputs[0] or len(inputs[0]) <= 2:
        return None, "the model's input is not known to have more than 2 axes"
    classes = [layer.get("class") for layer in model.detail("layers")]
    dense_index = 0
    for cls in classes:
        if cls in _FLAT:
            return None, "the model already flattens before its first Dense"
        if cls == "Dense":
            break
    else:
        return None, "the model has no Dense layer"
    tree = parsed_source(file)
    if tree is None:
        return None, "the source could not be read"
    dense_calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)
                          and _called(n) == "Dense"), key=lambda n: (n.lineno, n.col_offset))
    if dense_calls and classes.count("Dense") != len(dense_calls):
        return None, "the Dense layers in the source do not match the model's"
    if not dense_calls:
        return None, "the Dense layer was not found in the source"
    dense = dense_calls[dense_index]
    prefix = _prefix(dense, tree)
    if prefix is None:
        return None, "Flatten is not imported where Dense is"
    source = read_source(file) or ""
    shape_kw = next((k for k in dense.keywords if k.arg in ("input_shape", "input_dim")), None)
    inner = ""
    edits: list[Edit] = []
    if shape_kw is not None and shape_kw.arg == "input_shape":
        # the declared input moves to the new first layer, as Keras reads it there
        inner = f"input_shape={ast.get_source_segment(source, shape_kw.value)}"
        edits.append(edit(file, dense.lineno, "drop_keyword", call="Dense",
                          keyword="input_shape"))
    layer = f"{prefix}Flatten({inner})"
    parent = _parent(tree, dense)
    if isinstance(parent, ast.List):
        edits.append(edit(file, dense.lineno, "insert_before_call", element=layer,
                          before="Dense"))
    elif isinstance(parent, ast.Call) and _called(parent) == "add" and \
            isinstance(parent.func, ast.Attribute):
        receiver = ast.get_source_segment(source, parent.func.value)
        edits.append(edit(file, parent.lineno, "insert_statement_before",
                          statement=f"{receiver}.add({layer})"))
    elif isinstance(parent, ast.Call) and parent.func is dense and len(parent.args) == 1 \
            and isinstance(parent.args[0], ast.Name) and not inner:
        name = parent.args[0].id
        edits.append(edit(file, parent.lineno, "insert_statement_before",
                          statement=f"{name} = {layer}({name})"))
    else:
        return None, "the Dense layer is not added in a way the fix can follow"
    return edits, ""


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else \
        func.id if isinstance(func, ast.Name) else ""


def _prefix(dense: ast.Call, tree: ast.Module) -> str | None:
    """How Flatten is spelled where Dense is: ``tf.keras.layers.`` or a bare imported name."""
    func = dense.func
    if isinstance(func, ast.Attribute):
        return ast.unparse(func.value) + "."
    imported = {alias.asname or alias.name for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) for alias in node.names}
    return "" if "Flatten" in imported else None


def _parent(tree: ast.Module, child: ast.AST) -> ast.AST | None:
    for node in ast.walk(tree):
        for sub in ast.iter_child_nodes(node):
            if sub is child:
                return node
    return None

"""A symbolic KerasTensor was passed to a raw TensorFlow function while building a model.

## What it means
While a functional model is being built, `keras.Input(...)` and every layer output are
symbolic `KerasTensor`s: placeholders with a shape and a dtype but no values. Only Keras
layers and Keras operations (`keras.ops`, `keras.layers`) know how to record a step on them.
A raw TensorFlow function (`tf.matmul`, `tf.cast`, `tf.map_fn`, a `tf.function`, a
`@tf.custom_gradient` function, a TF-Hub layer), or a NumPy call, needs real values and
fails.

## Why it happens
* TF1 or tf.keras 2.x model code that mixes `tf.*` calls with Keras layers, run under Keras 3
  (TensorFlow >= 2.16), which no longer turns TF calls on KerasTensors into layers.
* tf-keras 2.4+: TF APIs that do not support dispatching (`tf.cond`, `tf.map_fn`,
  `tf.function`, gradient tapes, custom gradients) called on symbolic inputs.
* Standalone Keras 2.x: a backend/TF op result used as a model output or fed to a Keras layer
  without a `Lambda` layer, so it lacks Keras' layer metadata (`_keras_history`).
* A tf-keras layer (TF-Hub's `hub.KerasLayer`) used inside a Keras 3 model.

## Example
```python
features = keras.Input(shape=(32,))
hidden = tf.nn.relu(tf.matmul(features, weights))      # raw TF on a KerasTensor
```
Keras 3 (3.x):
    A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a symbolic placeholder for a shape and dtype, used when constructing Keras Functional models or Keras Functions. You can only use it as input to a Keras layer or a Keras operation (from the namespaces `keras.layers` and `keras.operations`).
    A KerasTensor is symbolic: it's a placeholder for a shape an a dtype. It doesn't have any actual numerical value. You cannot convert it to a NumPy array.
tf-keras 2.x:
    You are passing KerasTensor(type_spec=TensorSpec(shape=(None, 2), dtype=tf.float32, name='input_1'), name='input_1', description="created by layer 'input_1'"), an intermediate TF-Keras symbolic input/output, to a TF API that does not allow registering custom dispatchers, such as `tf.cond`, `tf.function`, gradient tapes, or `tf.map_fn`.
    Cannot convert a symbolic Keras input/output to a numpy array. This error may indicate that you're trying to pass a symbolic value to a NumPy call, which is not supported.
Keras <= 2.3 / TF1:
    Output tensors to a Model must be the output of a Keras `Layer` (thus holding past layer metadata). Found: Tensor("truediv:0", shape=(?, 2048, 1024, 128), dtype=float32)
    'Tensor' object has no attribute '_keras_history'

## Fix
```python
class Projection(keras.layers.Layer):
    def call(self, features):
        return tf.nn.relu(tf.matmul(features, weights))

hidden = Projection()(features)          # or: keras.ops.relu(keras.ops.matmul(features, weights))
```
Standalone Keras 2: `x = keras.layers.Lambda(lambda t: t / 255.0)(x)`.

## Fix safety
Moving the TF calls into a layer's `call` computes the same values. A `tf.Variable` used
inside must become a weight of that layer (`self.add_weight` in `build`) to be trained and
saved with the model. Switching to tf-keras (`TF_USE_LEGACY_KERAS=1`) also works for old code
but keeps it on the legacy API.

## References
- https://github.com/taipingeric/yolo-v4-tf.keras/issues/27
- https://github.com/MPolaris/onnx2tflite/issues/88
- https://github.com/tensorflow/tensorflow/issues/72497
- https://github.com/tensorflow/tensorflow/issues/50155
- https://github.com/NicGian/text_VAE/issues/10
- https://github.com/yalickj/load-forecasting-resnet/issues/8
- https://github.com/keras-team/keras/issues/12880
- https://github.com/QiaoranC/tf_ResNeSt_RegNet_model/issues/16
- https://github.com/XuexiongLuoMQ/ComGA/issues/5
- https://github.com/tensorflow/tensorflow/issues/50741
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import replace
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit, read_source
from tferrfix.fixes.snippets import call_sites
from tferrfix.incident import Incident
from tferrfix.patterns.layers._ops import called_name, calls_named, module_of

code = "TFE0210"
name = "keras-tensor-in-tf-op"
family = "keras-tensor-in-tf-op"
exceptions = ("ValueError", "TypeError", "AttributeError")

# Keras 3: KerasTensor.__tf_tensor__.
KERAS3_TF = lazy_regex.compile(r"(?i)A KerasTensor cannot be used as input to a TensorFlow function")
# Keras 3: KerasTensor.__array__ ("an a dtype" is Keras' own typo).
KERAS3_NUMPY = lazy_regex.compile(
    r"(?i)A KerasTensor is symbolic: it's a placeholder for a shape an?d? an? dtype"
)
# tf-keras 2.4+: KerasTensor.__array__.
TF_KERAS_DISPATCH = lazy_regex.compile(
    r"(?i)You are passing (?P<tensor>KerasTensor\([^\n]{0,600}?\)), an intermediate "
    r"(?:TF-)?Keras symbolic input/output, to a TF API that does not allow registering "
    r"custom dispatchers"
)
TF_KERAS_NUMPY = lazy_regex.compile(r"(?i)Cannot convert a symbolic Keras input/output to a numpy array")
# Standalone Keras 2.x: a TF op result where a layer output is needed.
KERAS2_OUTPUT = lazy_regex.compile(
    r"Output tensors to a (?:Model|Functional) must be the output of a (?:TensorFlow |Keras )?"
    r"`?Layer`? \(thus holding past layer metadata\)\. Found: (?P<tensor>(?:<tf\.)?Tensor[(: ][^\n]{0,400})"
)
KERAS2_HISTORY = lazy_regex.compile(r"'Tensor' object has no attribute '_keras_history'")
messages = (KERAS3_TF, KERAS3_NUMPY, TF_KERAS_DISPATCH, TF_KERAS_NUMPY, KERAS2_OUTPUT,
            KERAS2_HISTORY)
examples = (
    "A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a "
    "symbolic placeholder for a shape and dtype, used when constructing Keras Functional "
    "models or Keras Functions. You can only use it as input to a Keras layer or a Keras "
    "operation (from the namespaces `keras.layers` and `keras.operations`).",
    "A KerasTensor is symbolic: it's a placeholder for a shape an a dtype. It doesn't have "
    "any actual numerical value. You cannot convert it to a NumPy array.",
    "You are passing KerasTensor(type_spec=TensorSpec(shape=(None, 2), dtype=tf.float32, "
    "name='input_1'), name='input_1', description=\"created by layer 'input_1'\"), an "
    "intermediate TF-Keras symbolic input/output, to a TF API that does not allow registering "
    "custom dispatchers, such as `tf.cond`, `tf.function`, gradient tapes, or `tf.map_fn`.",
    "You are passing KerasTensor(type_spec=TensorSpec(shape=(), dtype=tf.float32, name=None), "
    "name='Placeholder:0', description=\"created by layer 'tf.cast_17'\"), an intermediate "
    "Keras symbolic input/output, to a TF API that does not allow registering custom "
    "dispatchers, such as `tf.cond`, `tf.function`, gradient tapes, or `tf.map_fn`.",
    "Cannot convert a symbolic Keras input/output to a numpy array. This error may indicate "
    "that you're trying to pass a symbolic value to a NumPy call, which is not supported.",
    "Output tensors to a Model must be the output of a Keras `Layer` (thus holding past layer "
    "metadata). Found: Tensor(\"truediv:0\", shape=(?, 2048, 1024, 128), dtype=float32)",
    "'Tensor' object has no attribute '_keras_history'",
)

_NAME = lazy_regex.compile(r"(?i)\bname='(?P<name>[^'\n]+)', description")
_CREATED_BY = lazy_regex.compile(r"(?i)created by layer '(?P<layer>[^'\n]+)'")
_SHAPE = lazy_regex.compile(r"(?i)shape=(?P<shape>\([^()]*\))")
_TENSOR_NAME = lazy_regex.compile(r"Tensor\(\"(?P<name>[^\"\n]+)\"")
_WORDING = {KERAS3_TF: "keras3", KERAS3_NUMPY: "keras3-numpy", TF_KERAS_DISPATCH: "dispatch",
            TF_KERAS_NUMPY: "numpy", KERAS2_OUTPUT: "keras2-output",
            KERAS2_HISTORY: "keras2-history"}
# tf.* functions with a keras.ops twin of the same name.
_KERAS_OPS = ("matmul", "relu", "sigmoid", "tanh", "softmax", "concat", "reshape", "transpose",
              "reduce_sum", "reduce_mean", "cast", "exp", "log", "sqrt", "square", "abs",
              "expand_dims", "squeeze", "stack", "maximum", "minimum", "where", "clip_by_value",
              "one_hot", "argmax", "tile", "einsum", "pad", "shape")
_OPS_NAMES = {"concat": "concatenate", "reduce_sum": "sum", "reduce_mean": "mean",
              "clip_by_value": "clip"}


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if found:
                confidence = 0.8 if rx in (KERAS2_HISTORY, TF_KERAS_NUMPY, KERAS3_NUMPY) else 0.9
                return Diagnosis.of(__name__, confidence=confidence,
                                    facts=_facts(rx, found, incident))
    return None


def _facts(rx: regex.Pattern[str], found: regex.Match[str], incident: Incident) -> dict[str, Any]:
    tensor = found.groupdict().get("tensor") or ""
    named = _NAME.search(tensor) or _TENSOR_NAME.search(tensor)
    created = _CREATED_BY.search(tensor)
    shape = _SHAPE.search(tensor)
    frame = incident.user_frame
    code = frame.code.strip() if frame and frame.code else ""
    call = _tf_call(code)
    created_by = created["layer"] if created else None
    return {
        "wording": _WORDING[rx],
        "tensor_name": named["name"] if named else None,
        "tensor_shape": shape["shape"] if shape else None,
        "created_by": created_by,
        # tf-keras wraps TF calls that support dispatch in TFOpLambda layers named after them
        # ("tf.cast_17"): the symbolic tensor came out of such a call.
        "from_tf_call": bool(created_by and created_by.startswith("tf.")),
        "function": call[0] if call else None,
        "argument": call[1] if call else None,
        "target": _assigned(code),
        "layer_class": _layer_class(_assigned(code)),
        "ops_name": _ops_equivalent(call[0]) if call else None,
    }


def _tf_call(code: str) -> tuple[str, str] | None:
    """(function, symbolic argument) of the innermost call on the user's line whose first
    argument is a plain name: ``tf.matmul(features, weights)`` -> ("tf.matmul", "features")."""
    sites = call_sites(code) if code else []
    for site in reversed(sites):
        if site.args and site.args[0].isidentifier():
            function = f"{site.receiver}.{site.method}" if site.receiver else site.method
            return function, site.args[0]
    return None


def _assigned(code: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code)
    except SyntaxError:
        return None
    if len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign):
        targets = tree.body[0].targets
        if len(targets) == 1 and isinstance(targets[0], ast.Name):
            return targets[0].id
    return None


def _layer_class(target: str | None) -> str | None:
    if not target:
        return None
    return "".join(part[:1].upper() + part[1:] for part in target.split("_") if part) + "Layer"


def _ops_equivalent(function: str) -> str | None:
    if not function.startswith("tf."):
        return None
    short = function.split(".")[-1]
    if short not in _KERAS_OPS:
        return None
    return f"keras.ops.{_OPS_NAMES.get(short, short)}"


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    where = (frame.file, frame.line) if frame else (None, None)
    code = frame.code.strip() if frame and frame.code else ""
    if facts["wording"] in ("keras2-output", "keras2-history"):
        snippet = ("x = keras.layers.Lambda(lambda t: tf_function(t))(x)  # wrap every TF/backend "
                   "op applied to Keras tensors in a Lambda (or custom) layer")
        return [Fix("Wrap the TensorFlow op in a Lambda layer", Applicability.DISPLAY_ONLY,
                    snippet, *where)]
    argument = facts.get("argument")
    target = facts.get("target")
    expression = _right_side(code) if target else None
    if argument and target and expression:
        layer = facts.get("layer_class") or "MyLayer"
        snippet = (f"class {layer}(keras.layers.Layer):\n"
                   f"    def call(self, {argument}):\n"
                   f"        return {expression}\n\n"
                   f"{target} = {layer}()({argument})")
        fix = Fix("Move the TensorFlow call into a custom layer", Applicability.DISPLAY_ONLY,
                  snippet, *where)
        return [_in_lambda(incident, fix, argument, expression)]
    snippet = ("class MyLayer(keras.layers.Layer):\n"
               "    def call(self, x):\n"
               "        return tf_fn(x)  # the TensorFlow code that received the KerasTensor\n\n"
               "x = MyLayer()(x)")
    return [Fix("Move the TensorFlow call into a custom layer", Applicability.DISPLAY_ONLY,
                snippet, *where)]


def _right_side(code: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code)
    except SyntaxError:
        return None
    node = tree.body[0]
    if isinstance(node, ast.Assign):
        return ast.get_source_segment(code, node.value)
    return None


def _in_lambda(incident: Incident, fix: Fix, argument: str, expression: str) -> Fix:
    """``fix`` with an edit running the failing line's TensorFlow expression inside a
    ``Lambda`` layer called on the Keras tensor. Unsafe: TensorFlow variables the expression
    uses are not tracked (not trained, not saved) the way a custom layer's weights would be."""
    frame = incident.user_frame
    if frame is None or frame.file is None or frame.line is None:
        return fix
    if incident.source != "live":
        return replace(fix, reason="explained from text: run the program under tferrfix to "
                                   "apply it")
    try:
        node = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return fix
    name = called_name(node)
    if not argument.isidentifier() or name is None or \
            sum(1 for n in ast.walk(node) if called_name(n) == name) != 1:
        return replace(fix, reason="the failing expression is not one call")
    tree = module_of(frame.file)
    source = read_source(frame.file) or ""
    inputs = calls_named(tree, "Input") if tree is not None else []
    prefixes = {_keras_prefix(ast.get_source_segment(source, c.func) or "") for c in inputs}
    if len(prefixes) != 1 or None in prefixes:
        return replace(fix, reason="how the program refers to Keras layers is not clear")
    prefix = prefixes.pop()
    new = f"{prefix}Lambda(lambda {argument}: {expression})({argument})"
    return replace(fix, title="Run the TensorFlow call inside a Lambda layer",
                   applicability=Applicability.UNSAFE,
                   snippet=fix.snippet + f"\n# or, in place: {new}",
                   edits=(edit(frame.file, frame.line, "replace_call", call=name, new=new),))


def _keras_prefix(func: str) -> str | None:
    """``tf.keras.layers.`` for ``tf.keras.Input`` / ``tf.keras.layers.Input``, ``layers.``
    for ``layers.Input``; None for a bare ``Input`` (Lambda may not be imported)."""
    for tail in (".layers.Input", ".Input"):
        if func.endswith(tail):
            base = func[: -len(tail)]
            return "layers." if base == "layers" else f"{base}.layers."
    return None

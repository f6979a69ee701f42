"""A reloaded SavedModel, signature or tf.function got inputs that match none of its traced signatures.

## What it means
A SavedModel does not keep your Python code: it keeps *traced* concrete functions, each fixed
to the dtype, the shape (with `None` where a size may vary), the nesting (list, tuple, dict)
and, for Python arguments, the exact value it was traced with. Calling the reloaded object, one
of its `signatures[...]`, an exported `serve` endpoint, or a `tf.function` with an
`input_signature`, TensorFlow looks for a trace that accepts the inputs *as they are*; when
none does, it raises instead of converting anything.

## Why it happens
* A dtype the export never saw: NumPy's default float64 (`np.random.rand`, `tf.constant` of a
  NumPy array) into a float32 model, raw `uint8` images, float32 into a float64 model.
* A shape the signature fixes: an image that was never resized to the training size, one input
  of several with the wrong last axis.
* The nesting: a tuple of tensors where a list was traced, a dict passed positionally.
* Signature functions (`loaded.signatures["serving_default"]`) take keyword arguments only, named
  after the model's inputs (`inputs`, `inputs_1`, `examples`...), not after your variables.
* A Python argument (`k=10`, `training=True`) with a value that was never traced.

## Example
```python
loaded = tf.saved_model.load("exported")
loaded.serve(tf.constant(np.random.rand(2, 5)))        # float64, exported for float32
```
TensorFlow >= 2.13 (binding a signature):
    Binding inputs to tf.function failed due to `Can not cast TensorSpec(shape=(2, 5), dtype=tf.float64, name='keras_tensor') to TensorSpec(shape=(None, 5), dtype=tf.float32, name='keras_tensor')`. Received args: (<tf.Tensor: shape=(2, 5), dtype=float64, numpy=
TensorFlow 2.x (reloaded SavedModel object):
    Could not find matching concrete function to call loaded from the SavedModel. Got:
      Positional arguments (3 total):
        * <tf.Tensor 'inputs:0' shape=(1, 492, 423, 3) dtype=uint8>
TensorFlow 2.0-2.3:
    Could not find matching function to call loaded from the SavedModel. Got:
TensorFlow 2.0 (`tf.function` with an `input_signature`):
    Python inputs incompatible with input_signature: inputs ((<tf.Tensor 'random_normal:0' shape=(1, 123, 1) dtype=float32>, ...)), input_signature ((TensorSpec(shape=(?, ?, 1), dtype=tf.float32, name=None), ...))
Signature functions (flat signature, keyword arguments only):
    signature_wrapper_serving_default(inputs, inputs_1) missing required arguments: inputs, inputs_1.
    signature_wrapper(*, examples) missing required arguments: examples
    pruned(dense_values, item_indices, sparse_indices, user_indices) takes 0 positional arguments, got 1.
TensorFlow op (the signature function running on a tensor of another dtype):
    cannot compute __inference_signature_wrapper___call___765 as input #0(zero-based) was expected to be a double tensor but is a float tensor [Op:__inference_signature_wrapper___call___765]

## Fix
```python
loaded.serve(tf.constant(new_data, dtype=tf.float32))        # the dtype it was exported for
serving_fn = loaded.signatures["serving_default"]
print(serving_fn.structured_input_signature)                   # the real input names and specs
serving_fn(inputs=tf.constant(a), inputs_1=tf.constant(b))     # keywords, by those names
detect_fn(tf.image.resize(image, (224, 224)))                  # the size it was traced for
```

## Fix safety
Casting to the exported dtype, using the signature's own input names, or passing a list where a
list was traced changes nothing the model computes. Resizing an image is safe only if the model
was trained on resized images of that size, and the pixel scaling (0-255 vs 0-1) must match
training. When the signature itself is too narrow, the remedy is to re-export with a looser
`tf.TensorSpec` (`None` on the axis that varies), which this pattern only shows.

## References
- https://github.com/tensorflow/tensorflow/issues/35888
- https://github.com/AlvaroCavalcante/auto_annotate/issues/72
- https://github.com/tensorflow/tfx/issues/4505
- https://github.com/massquantity/LibRecommender/issues/499
- https://github.com/tensorflow/recommenders/issues/171
- https://github.com/tensorflow/tensorflow/pull/30902
- https://github.com/tensorflow/tensorflow/issues/41288
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.incident import Evidence, Incident
from tferrfix.patterns.saving import _edit
from tferrfix.patterns.saving._signature import MESSAGES, Mismatch, read
from tferrfix.shapes import Shape, fits, show

code = "TFE0501"
name = "savedmodel-signature-mismatch"
family = "savedmodel-signature-mismatch"
exceptions = ("ValueError", "TypeError", "InvalidArgumentError")
messages = MESSAGES
examples = (
    "Binding inputs to tf.function failed due to `Can not cast TensorSpec(shape=(2, 5), "
    "dtype=tf.float64, name='keras_tensor') to TensorSpec(shape=(None, 5), dtype=tf.float32, "
    "name='keras_tensor')`. Received args: (<tf.Tensor: shape=(2, 5), dtype=float64, numpy=",
    "Could not find matching concrete function to call loaded from the SavedModel. Got:\n"
    "  Positional arguments (3 total):\n"
    "    * <tf.Tensor 'inputs:0' shape=(1, 492, 423, 3) dtype=uint8>\n"
    "    * False\n"
    "    * None\n"
    "  Keyword arguments: {}\n\n"
    " Expected these arguments to match one of the following 4 option(s):\n\n"
    "Option 1:\n"
    "  Positional arguments (3 total):\n"
    "    * TensorSpec(shape=(None, 224, 224, 3), dtype=tf.float32, name='input_1')\n"
    "    * False\n"
    "    * None\n"
    "  Keyword arguments: {}",
    "Could not find matching function to call loaded from the SavedModel. Got:",
    "Python inputs incompatible with input_signature: inputs ((<tf.Tensor 'random_normal:0' s"
    "hape=(1, 123, 1) dtype=float32>, <tf.Tensor 'random_normal_1:0' shape=(1, 123, 2) dtype="
    "float32>, <tf.Tensor 'random_normal_2:0' shape=(1, 123, 3) dtype=float32>, <tf.Tensor 'r"
    "andom_normal_3:0' shape=(1, 123, 4) dtype=float32>, <tf.Tensor 'random_normal_4:0' shape"
    "=(1, 123, 5) dtype=float32>, <tf.Tensor 'random_normal_5:0' shape=(1, 123, 6) dtype=floa"
    "t32>, <tf.Tensor 'random_normal_6:0' shape=(1, 123, 7) dtype=float32>, <tf.Tensor 'rando"
    "m_normal_7:0' shape=(1, 123, 8) dtype=float32>, <tf.Tensor 'random_normal_8:0' shape=(1,"
    ' 123, 1) dtype=float32>)), input_signature ((TensorSpec(shape=(?, ?, 1), dtype=tf.float3'
    '2, name=None), TensorSpec(shape=(?, ?, 2), dtype=tf.float32, name=None), TensorSpec(shap'
    'e=(?, ?, 3), dtype=tf.float32, name=None), TensorSpec(shape=(?, ?, 4), dtype=tf.float32,'
    ' name=None), TensorSpec(shape=(?, ?, 5), dtype=tf.float32, name=None), TensorSpec(shape='
    '(?, ?, 6), dtype=tf.float32, name=None), TensorSpec(shape=(?, ?, 7), dtype=tf.float32, n'
    'ame=None), TensorSpec(shape=(?, ?, 8), dtype=tf.float32, name=None), TensorSpec(shape=(?'
    ', ?, 9), dtype=tf.float32, name=None)))',
    "signature_wrapper_serving_default(inputs, inputs_1) missing required arguments: inputs, "
    "inputs_1.",
    "signature_wrapper(*, examples) missing required arguments: examples",
    "pruned(dense_values, item_indices, sparse_indices, user_indices) takes 0 positional "
    "arguments, got 1.",
    "cannot compute __inference_signature_wrapper___call___765 as input #0(zero-based) was "
    "expected to be a double tensor but is a float tensor "
    "[Op:__inference_signature_wrapper___call___765]",
)

# Calls on the user's line that only build the data, never the function that failed.
_BUILDERS = ("print", "constant", "convert_to_tensor", "cast", "len", "list", "dict", "tuple",
             "array", "asarray", "expand_dims", "resize", "ones", "zeros")


def match(incident: Incident) -> Diagnosis | None:
    mismatch = read(incident.messages)
    if mismatch is None:
        return None
    facts = mismatch.facts()
    call = _edit.outer_call(incident.user_frame.code if incident.user_frame else None, _BUILDERS)
    facts["callee"] = call[0] if call else None
    facts["line"] = _edit.complete(incident.user_frame.code if incident.user_frame else None)
    facts["python_arg"] = None
    if mismatch.kind == "unknown" and call:
        literal = _python_literal(call)
        if literal is not None:
            mismatch.kind = facts["kind"] = "python-value"
            facts["python_arg"] = literal
    facts["image"] = _is_image_resize(mismatch)
    facts["mapping"] = _name_mapping(mismatch)
    evidence = [
        Evidence(f"input #{i}", "tensor", spec.shape, spec.dtype, "text")
        for i, spec in enumerate(mismatch.received[:4])
    ]
    return Diagnosis.of(__name__, confidence=mismatch.confidence, facts=facts, evidence=evidence)


def _python_literal(call: tuple[str, list[str], list[tuple[str, str]]]) -> str | None:
    """A plain number or bool among the call's arguments (``loaded(query, 10)``)."""
    _, args, keywords = call
    for text in [*args, *(f"{k}={v}" for k, v in keywords)]:
        value = text.split("=", 1)[-1]
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            continue
        if isinstance(parsed, (bool, int, float)):
            return text
    return None


def _is_image_resize(m: Mismatch) -> bool:
    """An image batch whose height/width differ from a signature with fixed height/width."""
    got, want = m.got_shape, m.want_shape
    if got is None or want is None or len(got) != 4 or len(want) != 4:
        return False
    if want[1] is None or want[2] is None:
        return False
    return not (fits(got[1], want[1]) and fits(got[2], want[2])) and fits(got[3], want[3])


def _name_mapping(m: Mismatch) -> list[tuple[str, str]]:
    """Pair the keyword names the user gave with the signature's names, by matching shapes
    and dtypes when that is unambiguous, else in order."""
    given, wanted = m.given_names, m.expected_names
    if not given or not wanted or len(given) != len(wanted) or set(given) == set(wanted):
        return []
    specs = {s.name: s for s in m.expected if s.name}
    if len(m.received) == len(given) and all(n in specs for n in wanted):
        pairs = []
        for name_given, got in zip(given, m.received, strict=True):
            fitting = [n for n in wanted
                       if specs[n].dtype == got.dtype and _same_shape(specs[n].shape, got.shape)]
            if len(fitting) != 1:
                break
            pairs.append((name_given, fitting[0]))
        else:
            if len({p[1] for p in pairs}) == len(pairs):
                return pairs
    return list(zip(given, wanted, strict=True))


def _same_shape(a: Shape | None, b: Shape | None) -> bool:
    if a is None or b is None or len(a) != len(b):
        return False
    return all(fits(x, y) for x, y in zip(a, b, strict=True))


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    line = frame.code if frame else None
    facts = diagnosis.facts
    title, snippet = _fix(line, facts)
    file, lineno = (frame.file, frame.line) if frame else (None, None)
    edits = _edits(line, facts, file, lineno) if file and lineno else []
    if edits and incident.source != "live":
        return [Fix(title, Applicability.DISPLAY_ONLY, snippet, file, lineno,
                    reason="explained from text: run the program under tferrfix to apply it")]
    # Unsafe: each edit changes the data handed to the traced function (its dtype, its size,
    # the names it is bound to), which the signature demands but the program did not intend.
    return [Fix(title, Applicability.UNSAFE if edits else Applicability.DISPLAY_ONLY, snippet,
                file, lineno, tuple(edits))]


def _edits(line: str | None, facts: dict[str, Any], file: str, lineno: int) -> list[Edit]:
    """The snippet's change as edits of the failing call on the line, when it is one."""
    if _edit.complete(line) is None:
        return []
    call = _edit.outer_call(line, _BUILDERS)
    if call is None:
        return []
    callee, args, keywords = call
    method = callee.rpartition(".")[2]
    if not method.isidentifier():
        method = ""  # a subscripted signature: signatures["serving_default"](...)
    kind, index = facts["kind"], facts["index"] or 0
    target = args[index] if index < len(args) else None
    if kind in ("dtype", "dtype+shape", "shape") and facts["image"] and facts["want_shape"]:
        if target is None or not method:
            return []
        size = f"({facts['want_shape'][1]}, {facts['want_shape'][2]})"
        want = _tf_dtype(facts["want_dtype"])
        template = f"tf.image.resize({{}}, {size})" if want == "tf.float32" else \
            f"tf.cast(tf.image.resize({{}}, {size}), {want})"
        return [edit(file, lineno, "wrap_argument", template=template, method=method,
                     position=index)]
    if kind in ("dtype", "dtype+shape") and facts["want_dtype"] and target is not None:
        want = _tf_dtype(facts["want_dtype"])
        for builder in ("constant", "convert_to_tensor"):
            if target.startswith(f"tf.{builder}(") and "dtype" not in target and \
                    line is not None and line.count(f".{builder}(") == 1:
                return [edit(file, lineno, "set_keyword", call=builder, keyword="dtype",
                             value=want)]
        if method:
            return [edit(file, lineno, "wrap_argument", template=f"tf.cast({{}}, {want})",
                         method=method, position=index)]
        return []
    if kind == "names" and facts["mapping"]:
        given = {name for name, _ in keywords}
        if not all(old in given for old, _ in facts["mapping"]):
            return []
        return [edit(file, lineno, "rename_keyword", call=method, old=old, new=good)
                for old, good in facts["mapping"]]
    return []


def _tf_dtype(dtype: str | None) -> str:
    return f"tf.{dtype}" if dtype else "tf.float32"


def _wrap_input(line: str | None, facts: dict[str, Any], wrap: Callable[[str], str]) -> str | None:
    """The user's line with the failing input (positional or by keyword) rewritten."""
    call = _edit.outer_call(line, _BUILDERS)
    if call is None:
        return None
    _, args, keywords = call
    index = facts["index"] or 0
    target = None
    if index < len(args):
        target = args[index]
    elif keywords and index < len(keywords):
        target = keywords[index][1]
    if target is None:
        return None
    return _edit.replace_source(line, target, wrap(target))


def _cast(arg: str, dtype: str) -> str:
    """``tf.constant(x)`` -> ``tf.constant(x, dtype=tf.float32)``; else ``tf.cast(arg, ...)``."""
    if arg.startswith(("tf.constant(", "tf.convert_to_tensor(")) and "dtype" not in arg:
        added = _edit.add_keyword(arg, arg[3:arg.index("(")], f"dtype={dtype}")
        if added:
            return added
    return f"tf.cast({arg}, {dtype})"


def _fix(line: str | None, facts: dict[str, Any]) -> tuple[str, str]:
    kind = facts["kind"]
    want = _tf_dtype(facts["want_dtype"])
    callee = facts["callee"] or "fn"
    if kind in ("dtype", "dtype+shape", "shape") and facts["image"]:
        size = f"({facts['want_shape'][1]}, {facts['want_shape'][2]})"
        resized = _wrap_input(line, facts, lambda a: f"tf.image.resize({a}, {size})")
        if want != "tf.float32":  # tf.image.resize returns float32
            resized = _wrap_input(line, facts,
                                  lambda a: f"tf.cast(tf.image.resize({a}, {size}), {want})")
        note = f"  # {show(facts['got_shape'])} {facts['got_dtype']} -> {show(facts['want_shape'])} {facts['want_dtype']}"
        return ("Resize the image to the size the model was exported for",
                (resized or f"image = tf.image.resize(image, {size})") + note)
    if kind in ("dtype", "dtype+shape"):
        cast = _wrap_input(line, facts, lambda a: _cast(a, want))
        note = f"  # {facts['got_dtype']} -> {facts['want_dtype']}"
        return (f"Pass {facts['want_dtype']} data, the dtype the function was traced for",
                (cast or f"x = tf.cast(x, {want})") + note)
    if kind == "shape":
        index = facts["index"] or 0
        return ("Give the input the shape of the signature",
                f"# input #{index}: {show(facts['got_shape'])} given, the signature fixes "
                f"{show(facts['want_shape'])}\n"
                f"# bring the data to that shape, or trace/export with None on the axis that varies:\n"
                f"tf.TensorSpec(shape={show(_looser(facts['got_shape'], facts['want_shape']))}, "
                f"dtype={_tf_dtype(facts['got_dtype'] or facts['want_dtype'])})")
    if kind == "structure":
        nesting = facts["expected_nesting"] or "list"
        def wrap(a: str) -> str:
            if nesting == "list" and a.startswith("(") and a.endswith(")"):
                return f"[{a[1:-1]}]"
            return f"{nesting}({a})"
        rewritten = _wrap_input(line, {**facts, "index": 0}, wrap)
        return (f"Pass the inputs as a {nesting}, as they were traced",
                rewritten or f"outputs = {callee}({nesting}(inputs))  # a {nesting}, not a "
                              f"{facts['received_nesting'] or 'different nesting'}")
    if kind == "names":
        new = line
        for old, good in facts["mapping"]:
            new = _edit.rename_keyword(new, old, good) if new else None
        if new and facts["mapping"]:
            return ("Call the signature with its own input names", new.strip())
        names = ", ".join(f"{n}=..." for n in facts["expected_names"]) or "..."
        return ("Call the signature with its own input names",
                f"print({callee}.structured_input_signature)  # the accepted names\n"
                f"outputs = {callee}({names})")
    if kind == "keyword-only":
        names = facts["expected_names"]
        call = _edit.outer_call(line, _BUILDERS)
        if call and len(call[1]) == 1 and not call[2]:
            arg = call[1][0]
            new_arg = f"{names[0]}={arg}" if len(names) == 1 else f"**{arg}"
            rewritten = _edit.replace_source(line, f"({arg})", f"({new_arg})")
            if rewritten:
                return ("Pass the inputs as keyword arguments", rewritten)
        args = ", ".join(f"{n}=..." for n in names) or "name=tensor"
        return ("Pass the inputs as keyword arguments",
                f"outputs = {callee}({args})  # signature functions take keywords only")
    if kind in ("missing", "count"):
        names = ", ".join(f"{n}=..." for n in facts["expected_names"]) or "..."
        return ("Pass exactly the arguments of the signature",
                f"outputs = {callee}({names})")
    if kind == "python-value":
        arg = facts["python_arg"]
        return ("Call with a traced Python value, or re-export with it",
                f"# {arg or 'the Python argument'} was not among the traced values; list them with:\n"
                f"for f in {_object(callee)}.__call__.concrete_functions: print(f.structured_input_signature)\n"
                "# then call with one of them, or trace this value before saving")
    return ("Compare the inputs with the traced signatures",
            f"for f in {_object(callee)}.signatures.values(): print(f.structured_input_signature)\n"
            "# pass tensors with exactly these dtypes, shapes, nesting and names")


def _object(callee: str) -> str:
    base = callee.split(".")[0].split("[")[0]
    return base if base and base != "fn" else "loaded"


def _looser(got: Shape | None, want: Shape | None) -> Shape | None:
    if got is None or want is None or len(got) != len(want):
        return want
    return tuple(w if (w is None or g == w) else None for g, w in zip(got, want, strict=True))

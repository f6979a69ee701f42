"""An op got tensors of different dtypes.

## What it means
A TensorFlow op such as `Mul`, `AddV2`, `MatMul` or `Conv2D` computes in one dtype: all its
inputs must share it. TensorFlow never promotes one operand to the other's dtype (NumPy does,
TensorFlow does not), so `float64 * float32` or `int32 * float32` fails instead of being
converted. The message names the op, which input is off, the dtype the op was set to (from its
first input) and the dtype it got.

## Why it happens
* Data made with NumPy is `float64` by default (`np.array([...])`, `np.random.rand`, pandas
  columns), while Keras layers, weights and `tf.cast(..., tf.float32)` are `float32`.
* Integer labels or masks (`int32`/`int64`) used in arithmetic inside a custom loss or metric
  (`y_true * y_pred`).
* Python integers (`w=1`, `b=0`) turned into `int32` tensors and multiplied with floats.
* A model or layer switched to `float64` (`keras.backend.set_floatx`) while one tensor stays
  `float32`.

## Example
```python
boxes = np.random.rand(8, 4)                        # float64
loss = boxes * tf.cast(boxes < 1, tf.float32)        # float64 * float32
```
TensorFlow 2.x (eager):
    cannot compute Mul as input #1(zero-based) was expected to be a double tensor but is a float tensor [Op:Mul] name: mul/
TensorFlow 2.x, a Conv2D fed float64 images:
    cannot compute Conv2D as input #1(zero-based) was expected to be a double tensor but is a float tensor [Op:Conv2D] name: conv2d_1
TensorFlow 2.x, float32 data into float64 math:
    cannot compute Mul as input #1(zero-based) was expected to be a float tensor but is a double tensor [Op:Mul]
TensorFlow 2.x, a sum:
    cannot compute AddV2 as input #1(zero-based) was expected to be a double tensor but is a float tensor [Op:AddV2]
TensorFlow graph mode (TF1, tf.function, Keras losses):
    Input 'y' of 'Mul' Op has type float32 that does not match type int32 of argument 'x'.
    Input 'y' of 'Mul' Op has type float32 that does not match type int64 of argument 'x'.

## Fix
```python
boxes = boxes.astype("float32")                      # NumPy data: make it float32 once
loss = tf.cast(y_true, tf.float32) * y_pred          # or cast the odd operand where it is used
```

## Fix safety
Casting float64 data to float32 is what Keras does to its own inputs and is safe for almost
all training; keep float64 only when the precision matters, and then cast the float32 side up
instead. Casting integer labels or masks to float changes nothing in their values.

## References
- https://github.com/YunYang1994/TensorFlow2.0-Examples/issues/49
- https://github.com/tensorlayer/SRGAN/issues/151
- https://github.com/sophchoe/Hybrid-Quantum-Classical-MNIST-Classfication-Model/issues/2
- https://github.com/Janghyun1230/Speaker_Verification/issues/16
- https://github.com/tensorflow/probability/issues/1542
- https://github.com/Cooper111/3Dircadb_Use_Unet/issues/4
- https://github.com/google/meridian/issues/1163
- http://www.gsrikar.com/2017/06/how-to-cast-integer-to-float-and-vice.html
"""

from __future__ import annotations

from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.snippets import call_sites
from tferrfix.incident import Incident
from tferrfix.patterns.data._dtypes import cast_operand, common_dtype, dtype_name, operands

code = "TFE0402"
name = "dtype-mismatch"
family = "dtype-mismatch"
exceptions = ("InvalidArgumentError", "TypeError", "ValueError")

# TF 2.x eager kernels: "cannot compute Mul as input #1(zero-based) was expected to be a
# double tensor but is a float tensor [Op:Mul]".
OP_INPUT = lazy_regex.compile(
    r"cannot compute (?P<op>\w+) as input #(?P<index>\d+)\(zero-based\) was expected to be "
    r"an? (?P<want>\w+) tensor but is an? (?P<got>\w+) tensor"
)
# Graph construction (TF1, tf.function, Keras' compiled losses): "Input 'y' of 'Mul' Op has
# type float32 that does not match type int32 of argument 'x'."
OP_ARGUMENT = lazy_regex.compile(
    r"Input '(?P<arg>\w+)' of '(?P<op>\w+)' Op has type (?P<got>\w+) that does not match\s+"
    r"type\s+(?P<want>\w+) of argument '(?P<other>\w+)'"
)
# Graph construction, list inputs (tf.concat, tf.stack, tf.add_n).
OP_LIST = lazy_regex.compile(
    r"Tensors in list passed to '(?P<arg>\w+)' of '(?P<op>\w+)' Op have types "
    r"\[(?P<types>[\w, ]+)\] that (?:don't all match|do not match type (?P<want>\w+) inferred)"
)
# Shared with dtype-conversion: a tensor of one dtype where an op wants another. It is a
# mismatch between two operands only when the user's line combines two (lead's decision:
# dtype-conversion stays first).
_CONVERSION = lazy_regex.compile(
    r"Tensor conversion requested dtype (?P<want>\w+) for Tensor with dtype (?P<got>\w+)"
)
messages = (OP_INPUT, OP_ARGUMENT, OP_LIST)
examples = (
    "cannot compute Mul as input #1(zero-based) was expected to be a double tensor but is a "
    "float tensor [Op:Mul] name: mul/",
    "cannot compute Conv2D as input #1(zero-based) was expected to be a double tensor but is "
    "a float tensor [Op:Conv2D] name: conv2d_1",
    "cannot compute Mul as input #1(zero-based) was expected to be a float tensor but is a "
    "double tensor [Op:Mul]",
    "cannot compute AddV2 as input #1(zero-based) was expected to be a double tensor but is a "
    "float tensor [Op:AddV2]",
    "Input 'y' of 'Mul' Op has type float32 that does not match type int32 of argument 'x'.",
    "Input 'y' of 'Mul' Op has type float32 that does not match type\nint32 of argument 'x'.",
    "Input 'y' of 'Mul' Op has type float32 that does not match type int64 of argument 'x'.",
)

# Ops whose input #0 is the data and input #1 the layer's kernel.
_KERNEL_OPS = ("Conv2D", "Conv3D", "Conv1D", "DepthwiseConv2dNative", "Conv2DBackpropInput",
               "MatMul", "BatchMatMulV2", "BiasAdd")
# Signature functions of a SavedModel belong to savedmodel-signature-mismatch.
_SIGNATURE = lazy_regex.compile(r"signature_wrapper|pruned|restored_function")
_BINARY = lazy_regex.compile(r"[\w\])] *(?:\*|\+|-|/|@) *[\w(\[]")


def match(incident: Incident) -> Diagnosis | None:
    facts = _read(incident)
    if facts is None:
        return None
    confidence = facts.pop("confidence")
    return Diagnosis.of(__name__, confidence=confidence, facts=facts)


def _read(incident: Incident) -> dict[str, Any] | None:
    frame = incident.user_frame
    user = frame.code if frame and frame.code else ""
    for text in incident.messages:
        found = OP_INPUT.search(text, timeout=1.0)
        if found:
            op = found["op"]
            if op.startswith("__") and _SIGNATURE.search(op):
                return None
            index = int(found["index"])
            want, got = dtype_name(found["want"]), dtype_name(found["got"])
            facts = _facts(op, want, got, index, "input", user)
            if op.startswith("__"):
                # A tf.function's argument, not an op: the function was traced for `want`.
                facts.update(kind="function", confidence=0.6)
            return facts
        found = OP_ARGUMENT.search(text, timeout=1.0)
        if found:
            arg, other = found["arg"], found["other"]
            position = {("y", "x"): 1, ("x", "y"): 0}.get((arg, other))
            facts = _facts(found["op"], dtype_name(found["want"]), dtype_name(found["got"]),
                           position, "argument", user)
            facts.update(arg=arg, other=other)
            return facts
        found = OP_LIST.search(text, timeout=1.0)
        if found:
            types = [dtype_name(t) for t in found["types"].split(",") if t.strip()]
            want = dtype_name(found["want"]) or (types[0] if types else None)
            odd = next((t for t in types if t != want), None)
            facts = _facts(found["op"], want, odd, None, "list", user)
            facts.update(arg=found["arg"], types=types)
            return facts
    for text in incident.messages:
        found = _CONVERSION.search(text, timeout=1.0)
        if found and user and _BINARY.search(user):
            facts = _facts(None, dtype_name(found["want"]), dtype_name(found["got"]), None,
                           "conversion", user)
            facts.update(confidence=0.6)
            return facts
    return None


def _facts(op: str | None, want: str | None, got: str | None, index: int | None,
           wording: str, user: str) -> dict[str, Any]:
    """``want`` is the dtype the op settled on (its first operand's), ``got`` the dtype of
    the operand at ``index`` that differs."""
    target = common_dtype(want, got)
    # Which operand to cast: the one whose dtype is not the target.
    cast_index = None
    if index in (0, 1):
        cast_index = index if got != target else 1 - index
    pair = operands(user, op) if user else None
    x_dtype = y_dtype = None
    if index == 1:
        x_dtype, y_dtype = want, got
    elif index == 0:
        x_dtype, y_dtype = got, want
    return {
        "op": op,
        "index": index,
        "want": want,
        "got": got,
        "target": target,
        "wording": wording,
        "kind": "kernel" if op in _KERNEL_OPS else "op",
        "x_code": pair[0] if pair else None,
        "y_code": pair[1] if pair else None,
        "cast_index": cast_index,
        "x_dtype": x_dtype,
        "y_dtype": y_dtype,
        "odd": got if got != target else want,
        "numpy_default": "float64" in (want, got),
        "confidence": 0.9,
    }


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    target = facts.get("target") or "float32"
    odd = facts["got"] if facts.get("got") != target else facts.get("want")
    where = (frame.file, frame.line) if frame else (None, None)
    code = frame.code if frame and frame.code else ""
    if code and facts.get("cast_index") is not None:
        new_line = cast_operand(code, facts.get("op"), facts["cast_index"], target)
        operand = (facts.get("x_code"), facts.get("y_code"))[facts["cast_index"]]
        if new_line and operand:
            title = f"Cast the {odd} operand to {target}"
            if incident.source == "live" and frame and frame.line and operand.isidentifier():
                # Cast the operand once, just before the line: it changes the values'
                # precision or type, so it is unsafe.
                edits = (Edit(frame.file, 0, "add_import",
                              (("alias", "tf"), ("module", "tensorflow"))),
                         Edit(frame.file, frame.line, "insert_statement",
                              (("statement", f"{operand} = tf.cast({operand}, tf.{target})"),)))
                return [Fix(title, Applicability.UNSAFE, new_line, where[0], where[1], edits)]
            return [Fix(title, Applicability.DISPLAY_ONLY, new_line, *where)]
    live = _cast_live_names(incident, odd, target)
    if live is not None:
        return [live]
    if facts.get("kind") == "kernel":
        data = _data_argument(code) or "x"
        snippet = (f"{data} = {data}.astype(\"{target}\")  # NumPy data; for a tensor: "
                   f"tf.cast({data}, tf.{target})")
        return [Fix(f"Give the layer {target} data", Applicability.DISPLAY_ONLY, snippet,
                    *where)]
    if facts.get("numpy_default"):
        snippet = ("x = x.astype(\"float32\")  # every NumPy array that enters the computation"
                   "\n# or, for a tensor made elsewhere: x = tf.cast(x, tf.float32)")
        return [Fix("Make every operand float32", Applicability.DISPLAY_ONLY, snippet, *where)]
    snippet = f"x = tf.cast(x, tf.{target})  # the {odd} operand, before the {facts.get('op') or 'op'}"
    return [Fix(f"Cast the {odd} operand to {target}", Applicability.DISPLAY_ONLY, snippet,
                *where)]


def _cast_live_names(incident: Incident, odd: str | None, target: str) -> Fix | None:
    """When the line holds several ops and the message does not say which operand is which,
    the program does: cast, just before the line, every variable of the line read live with
    the odd dtype (a tensor with ``tf.cast``, a NumPy array with ``astype``). Unsafe: it
    changes the values' precision."""
    frame = incident.user_frame
    if incident.source != "live" or not odd or not frame or not frame.code or not frame.line:
        return None
    casts = []
    for ev in incident.evidence:
        if ev.origin != "live" or ev.dtype is None or dtype_name(ev.dtype) != odd \
                or not ev.subject.isidentifier() \
                or not regex.search(rf"(?<![\w.]){ev.subject}\b", frame.code):
            continue
        if ev.kind == "tensor":
            casts.append(f"{ev.subject} = tf.cast({ev.subject}, tf.{target})")
        elif ev.kind == "array":
            casts.append(f'{ev.subject} = {ev.subject}.astype("{target}")')
    casts = list(dict.fromkeys(casts))
    if not casts:
        return None
    edits = [Edit(frame.file, frame.line, "insert_statement", (("statement", cast),))
             for cast in casts]
    if any("tf.cast" in cast for cast in casts):
        # last: a new import line would shift the lines the other edits point at
        edits.append(Edit(frame.file, 0, "add_import",
                          (("alias", "tf"), ("module", "tensorflow"))))
    names = ", ".join(f"`{cast.partition(' =')[0]}`" for cast in casts)
    return Fix(f"Cast {names} ({odd} in your program) to {target} before the line",
               Applicability.UNSAFE, "\n".join(casts), frame.file, frame.line, tuple(edits))


def _data_argument(code: str) -> str | None:
    for site in call_sites(code) if code else []:
        if site.method in ("fit", "predict", "evaluate", "__call__", "call") and site.args:
            return site.args[0]
    return None

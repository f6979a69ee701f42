"""A reshape target holds a different number of elements than the tensor being reshaped.

## What it means
A reshape only rearranges values: the product of the target shape must equal the number of
values in the input (a `-1` axis takes up whatever is left). Here the two counts differ, so
there is no way to lay the values out in the requested shape.

## Why it happens
* A hard-coded target: `Reshape((15, 128))` or `tf.reshape(x, [82, 280, 3])` written for one
  image size, then used with another (resized images, a changed input size).
* A fixed batch size baked into a shape (`[1, 1, 1, 768]`), then run with batches of 100.
* An image with another channel count than assumed (an RGBA PNG, 4 channels, reshaped to 3).

## Example
```python
img = np.array(Image.open("a.png"))        # (32, 32, 4): RGBA
img = img.reshape(1, 32, 32, 3)            # 4096 values into 3072 places
```
NumPy:
    cannot reshape array of size 4096 into shape (1,32,32,3)
TensorFlow op:
    Input to reshape is a tensor with 66360 values, but the requested shape has 68880
tf-keras 2.x (Reshape layer):
    total size of new array must be unchanged, input_shape = [50, 50, 64], output_shape = [50, 768]
Keras 3 (Reshape layer):
    The total size of the tensor must be unchanged. Received: input_shape=(50, 50, 64), target_shape=(50, 768)
Keras 2.x:
    total size of new array must be unchanged

## Fix
```python
img = np.array(Image.open("a.png").convert("RGB"))   # (32, 32, 3)
img = img.reshape(1, 32, 32, 3)
x = layers.Reshape((w // 4, (h // 4) * 64))(x)        # compute targets from the real sizes
```

## Fix safety
Computing the target from the real sizes (or `-1` on one axis) is safe when the values really
belong in that layout. Resizing or dropping a channel changes the data: do it the same way in
training and prediction.

## References
- https://github.com/tensorflow/tensorflow/issues/29623
- https://github.com/DreamtaleCore/RaindropRmv/issues/3
- https://github.com/jsalbert/Music-Genre-Classification-with-Deep-Learning/issues/8
- https://github.com/Wongi-Choi1014/Korean-OCR-Model-Design-based-on-Keras-CNN/issues/18
- https://github.com/SparshaSaha/Hand-Gesture-Recognition-Using-Background-Elllimination-and-Convolution-Neural-Network/issues/10
- https://github.com/keras-team/keras-io/issues/610
"""

from __future__ import annotations

import ast
import math
from dataclasses import replace
from math import prod
from typing import Any

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit, read_source
from tferrfix.incident import Incident
from tferrfix.patterns.layers._ops import (
    SHAPE,
    assignment_before,
    call_argument,
    calls_named,
    module_of,
    op_info,
    shape_of,
)
from tferrfix.shapes import show

code = "TFE0204"
name = "reshape-size-mismatch"
family = "reshape-size-mismatch"
exceptions = ("ValueError", "InvalidArgumentError")

NUMPY = lazy_regex.compile(
    r"cannot reshape array of size (?P<have>\d+) into shape (?P<target>\([^()]*\))")
TF_OP = lazy_regex.compile(
    r"Input to reshape is a tensor with (?P<have>\d+) values, but the requested shape "
    r"(?:has (?P<want>\d+)|requires a multiple of (?P<multiple>\d+))")
TF_GRAPH = lazy_regex.compile(
    r"Cannot reshape a tensor with (?P<have>\d+) elements to shape (?P<target>\[[^\]]*\]) "
    r"\((?P<want>\d+) elements\)")
KERAS = lazy_regex.compile(
    r"[Tt]otal size of (?:new array|the tensor) must be unchanged"
    rf"(?:[.,]? (?:Received: )?input_shape ?= ?(?P<input>{SHAPE}),? "
    rf"(?:output_shape|target_shape) ?= ?(?P<target>{SHAPE}))?")
messages = (NUMPY, TF_OP, TF_GRAPH, KERAS)
examples = (
    "cannot reshape array of size 4096 into shape (1,32,32,3)",
    "Input to reshape is a tensor with 66360 values, but the requested shape has 68880",
    "total size of new array must be unchanged, input_shape = [50, 50, 64], output_shape = [50, 768]",
    "The total size of the tensor must be unchanged. Received: input_shape=(50, 50, 64), "
    "target_shape=(50, 768)",
    "total size of new array must be unchanged",
)


def _count(shape) -> int | None:
    if shape is None or any(d is None or d < 0 for d in shape):
        return None
    return math.prod(shape)


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if found:
                return _diagnose(incident, rx, found, text)
    return None


def _diagnose(incident, rx, found, text) -> Diagnosis:
    groups = found.groupdict()
    input_shape = shape_of(groups.get("input"))
    target = shape_of(groups.get("target"))
    have = int(groups["have"]) if groups.get("have") else _count(input_shape)
    want = int(groups["want"]) if groups.get("want") else _count(target)
    if rx is NUMPY and target is not None and -1 in target:
        want = None
    # what the last axis would have to be for the values to fit the other axes of the target
    fitting_last = None
    if have and target and len(target) > 1:
        rest = _count(target[:-1])
        if rest and have % rest == 0:
            fitting_last = have // rest
    info = op_info(text)
    framework = "numpy" if rx is NUMPY else "keras" if rx is KERAS else "tensorflow"
    facts = {
        "have": have, "want": want, "input_shape": input_shape, "target": target,
        "multiple": int(groups["multiple"]) if groups.get("multiple") else None,
        "fitting_last": fitting_last, "ratio": (have / want) if have and want else None,
        "framework": framework, "node": info["node"], "layer": info["layer"],
    }
    confidence = 0.9 if rx is not KERAS or target is not None else 0.85
    return Diagnosis.of(__name__, confidence=confidence, facts=facts,
                        evidence=[ev for ev in incident.evidence if ev.shape][:1])


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    where = (frame.file, frame.line) if frame else (None, None)
    code_line = frame.code.strip() if frame and frame.code else ""
    target = facts.get("target")
    if facts["framework"] == "numpy" and facts.get("fitting_last") and target:
        fitted = (*target[:-1], facts["fitting_last"])
        snippet = (f"# the data holds {facts['have']} values = {show(fitted)}, not {show(target)}\n"
                   + (f"{code_line}  # resize / convert the data first so that it really is {show(target)}"
                      if code_line else f"x = x.reshape({', '.join(str(d) for d in target)})"))
    elif facts["framework"] == "keras" and code_line:
        snippet = (f"{code_line}\n# compute the target from the incoming shape: it must hold "
                   f"{facts['have'] if facts['have'] else 'as many values as the input'} values per sample, "
                   "e.g. layers.Reshape((-1, last_axis))")
    elif code_line:
        snippet = (f"{code_line}\n# use -1 for the batch axis and sizes computed from the data "
                   "(tf.shape(x)), or tf.image.resize images instead of reshaping them")
    else:
        snippet = ("x = tf.reshape(x, [-1, *fixed_axes])  # -1 for the axis whose size varies; "
                   "resize images with tf.image.resize instead of reshaping")
    fix = Fix("Make the reshape target hold as many values as the data",
              Applicability.DISPLAY_ONLY, snippet, *where)
    return [_with_edits(incident, facts, fix)]


def _with_edits(incident: Incident, facts: dict[str, Any], fix: Fix) -> Fix:
    frame = incident.user_frame
    if frame is None or frame.file is None or frame.line is None or \
            facts["framework"] not in ("keras", "tensorflow"):
        return fix
    if incident.source != "live":
        return replace(fix, reason="explained from text: run the program under tferrfix to "
                                   "apply it")
    tree = module_of(frame.file)
    source = read_source(frame.file)
    if tree is None or source is None:
        return replace(fix, reason="the source of the failing file is not available")
    if facts["framework"] == "keras":
        return _keras_target(tree, source, frame.file, frame.line, facts, fix)
    if facts["framework"] == "tensorflow":
        return _image_resize(tree, source, frame.file, facts, fix)
    return fix


def _keras_target(tree: ast.Module, source: str, path: str, line: int,
                  facts: dict[str, Any], fix: Fix) -> Fix:
    """A ``Reshape`` target with a hard-coded size: the one number of the target that, replaced
    by one of the module's integer variables the target does not use yet, makes the target
    hold exactly the values of one incoming sample. Unsafe: a reading of the user's intent."""
    have = facts.get("have")  # the values of one sample (the message's shape has no batch)
    if not have:
        return replace(fix, reason="the number of incoming values is not known")
    call = next((c for c in calls_named(tree, "Reshape")
                 if c.lineno <= line <= (c.end_lineno or c.lineno)), None)
    target = call_argument(call, 0, "target_shape") if call else None
    if call is not None and isinstance(target, ast.Name):
        bound = assignment_before(tree, target.id, call.lineno)
        target = bound.value if bound else None
    if not isinstance(target, ast.Tuple | ast.List):
        return replace(fix, reason="the Reshape target is not a tuple in the source")
    env = _int_constants(tree)
    used = {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    literals = [n for n in ast.walk(target) if isinstance(n, ast.Constant)
                and type(n.value) is int]
    found = []
    for literal in literals:
        for name, value in env.items():
            if name in used:
                continue
            sizes = [_evaluate(e, env, literal, value) for e in target.elts]
            if all(s is not None for s in sizes) and \
                    prod(s for s in sizes if s is not None) == have:
                found.append((literal, name))
    if len(found) != 1:
        return replace(fix, reason="no single hard-coded size in the target accounts for the "
                                   "difference")
    literal, name = found[0]
    number = int(literal.value)  # type: ignore[arg-type]  # an int: filtered above
    if sum(1 for n in literals if n.lineno == literal.lineno and n.value == number) != 1:
        return replace(fix, reason=f"{number} appears more than once on its line")
    code = ast.get_source_segment(source, target) or ""
    return replace(fix, title=f"Compute the Reshape target from `{name}`, not {number}",
                   applicability=Applicability.UNSAFE, line=literal.lineno,
                   snippet=fix.snippet + f"\n# {code}: {number} -> {name}",
                   edits=(edit(path, literal.lineno, "replace_number", old=number,
                               new=name),))


def _int_constants(tree: ast.Module) -> dict[str, int]:
    """Module-level names bound once to an integer literal (``h, w = 82, 280`` too)."""
    seen: dict[str, list[int | None]] = {}
    for statement in tree.body:
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target, value = statement.targets[0], statement.value
        pairs: list[tuple[ast.expr, ast.expr]] = [(target, value)]
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and \
                len(target.elts) == len(value.elts):
            pairs = list(zip(target.elts, value.elts, strict=True))
        for name, number in pairs:
            if isinstance(name, ast.Name):
                known = number.value if isinstance(number, ast.Constant) and \
                    isinstance(number.value, int) and not isinstance(number.value, bool) \
                    else None
                seen.setdefault(name.id, []).append(known)
    return {k: v[0] for k, v in seen.items() if len(v) == 1 and v[0] is not None}


def _evaluate(node: ast.expr, env: dict[str, int], swap: ast.AST, value: int) -> int | None:
    """An integer expression of literals and ``env`` names, with ``swap`` read as ``value``."""
    if node is swap:
        return value
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return int(node.value)
    if isinstance(node, ast.Name):
        return env.get(node.id)
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, env, swap, value), \
            _evaluate(node.right, env, swap, value)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.FloorDiv) and right:
            return left // right
    return None


def _image_resize(tree: ast.Module, source: str, path: str, facts: dict[str, Any],
                  fix: Fix) -> Fix:
    """An image reshaped to a fixed ``[H, W, C]``: ``tf.image.resize`` it to ``[H, W]``
    instead, when the data holds whole pixels of C channels. Unsafe: the pixels change."""
    calls = [c for c in calls_named(tree, "reshape") if isinstance(c.func, ast.Attribute)
             and isinstance(c.func.value, ast.Name) and c.func.value.id == "tf"
             and len(c.args) == 2]
    target = calls[0].args[1] if len(calls) == 1 else None
    if not isinstance(target, ast.List | ast.Tuple) or len(target.elts) not in (3, 4):
        return replace(fix, reason="no single tf.reshape(image, [H, W, C]) in the source")
    channels = target.elts[-1]
    have = facts.get("have")
    count = channels.value if isinstance(channels, ast.Constant) and \
        isinstance(channels.value, int) else 0
    if count not in (1, 3, 4) or not have or have % count:
        return replace(fix, reason="the reshape target does not end in a channel count that "
                                   "divides the data")
    image = ast.get_source_segment(source, calls[0].args[0])
    sizes = [ast.get_source_segment(source, e) for e in target.elts[-3:-1]]
    if not image or not all(sizes):
        return fix
    new = f"tf.image.resize({image}, [{sizes[0]}, {sizes[1]}])"
    return replace(fix, title="Resize the image instead of reshaping it",
                   applicability=Applicability.UNSAFE, line=calls[0].lineno,
                   snippet=fix.snippet + f"\n{new}",
                   edits=(edit(path, calls[0].lineno, "replace_call", call="reshape",
                               new=new),))

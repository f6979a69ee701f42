"""A squeeze removes an axis whose size is not 1.

## What it means
`tf.squeeze(x, axis)` / `ops.squeeze` / `K.squeeze` only drop axes of size 1. The axis named
here holds more than one value, so dropping it would lose data and the op refuses.

## Why it happens
* The code assumes a size-1 axis that the data does not have: an `Embedding` fed ids of shape
  `(N, 450)` instead of `(N, 450, 1)` (the squeezed axis is then the embedding axis), RGB
  label masks where single-channel ones were expected.
* A fully-convolutional network fed images larger than its design size: its output map is
  16x16 instead of 1x1, so the final spatial squeeze fails.

## Example
```python
ids = keras.Input((450,))
emb = layers.Embedding(1000, 5)(ids)                   # (None, 450, 5)
emb = layers.Lambda(lambda y: K.squeeze(y, 2))(emb)    # axis 2 has 5 values
```
tf-keras / TensorFlow graph:
    Can not squeeze dim[2], expected a dimension of 1, got 5 for '{{node lambda/Squeeze}} = Squeeze[T=DT_FLOAT, squeeze_dims=[2]](Placeholder)' with input shapes: [?,450,5].
TensorFlow (TF1) / at run time:
    Can not squeeze dim[1], expected a dimension of 1, got 16
Keras 3 (`keras.ops.squeeze`):
    Cannot squeeze axis 2, because the dimension is not 1.
Keras 3 `Lambda` (hides the squeeze error; the squeeze is on the user's line):
    We could not automatically infer the shape of the Lambda's output. Please specify the `output_shape` argument for this Lambda layer.

## Fix
```python
ids = keras.Input((450, 1))                            # the size-1 axis the squeeze expects
label = label[..., 0]                                  # or keep one channel explicitly
```
Resize images to the network's design size before a spatial squeeze.

## Fix safety
Feeding the shape the code was written for is safe. Taking one channel of a label image is
only right when the channels are copies (grayscale saved as RGB); check the masks.

## References
- https://github.com/tensorflow/models/issues/527
- https://github.com/nijianmo/fit-rec/issues/3
- https://github.com/AITTSMD/MTCNN-Tensorflow/issues/17
- https://github.com/ZiyaoGeng/RecLearn/issues/88
- https://github.com/dmolony3/DRN/issues/3
"""

from __future__ import annotations

import ast
from dataclasses import replace

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit, read_source
from tferrfix.incident import Incident
from tferrfix.patterns.layers._ops import (
    assignment_before,
    call_argument,
    called_name,
    calls_named,
    module_of,
    op_info,
    shape_of,
)

code = "TFE0208"
name = "squeeze-dim-mismatch"
family = "squeeze-dim-mismatch"
exceptions = ("ValueError", "InvalidArgumentError", "NotImplementedError")

TF = lazy_regex.compile(
    r"Can ?not squeeze dim\[(?P<axis>-?\d+)\], expected a dimension of 1, got (?P<got>\d+)")
KERAS3 = lazy_regex.compile(r"Cannot squeeze axis (?P<axis>-?\d+), because the dimension is not 1")
LAMBDA = lazy_regex.compile(r"We could not automatically infer the shape of the Lambda's output")
messages = (TF, KERAS3, LAMBDA)
examples = (
    "Can not squeeze dim[2], expected a dimension of 1, got 5 for '{{node lambda/Squeeze}} = "
    "Squeeze[T=DT_FLOAT, squeeze_dims=[2]](Placeholder)' with input shapes: [?,450,5].",
    "Can not squeeze dim[1], expected a dimension of 1, got 16",
    "Cannot squeeze axis 2, because the dimension is not 1.",
)

# TensorFlow's sparse losses squeeze the labels themselves: a failure there is about the labels.
_LABEL_SQUEEZE = lazy_regex.compile(r"remove_squeezable_dimensions")
_SQUEEZE_CALL = lazy_regex.compile(r"\bsqueeze\(\s*(?P<arg>[\w.\[\]]+)\s*,\s*(?:axis\s*=\s*)?(?P<axis>-?\d+)")
_KERAS_TENSOR = lazy_regex.compile(r"KerasTensor shape=(?P<shape>\([^()]*\))")


def match(incident: Incident) -> Diagnosis | None:
    frame = incident.user_frame
    code_line = frame.code if frame and frame.code else ""
    call = _SQUEEZE_CALL.search(code_line)
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if not found:
                continue
            if _LABEL_SQUEEZE.search(text):
                return None
            if rx is LAMBDA and call is None:
                return None  # a Lambda that fails for another reason
            groups = found.groupdict()
            info = op_info(text)
            shape = info["input_shapes"][0] if info["input_shapes"] else None
            if shape is None:
                kt = _KERAS_TENSOR.search(text)
                shape = shape_of(kt["shape"]) if kt else None
            if shape is None:
                for ev in incident.evidence:
                    if ev.shape is not None:
                        shape = ev.shape
                        break
            axis = int(groups["axis"]) if groups.get("axis") else (int(call["axis"]) if call else None)
            got = int(groups["got"]) if groups.get("got") else None
            if got is None and shape is not None and axis is not None and -len(shape) <= axis < len(shape):
                got = shape[axis]
            facts = {
                "axis": axis, "got": got, "shape": shape, "node": info["node"],
                "layer": info["layer"], "argument": call["arg"] if call else None,
                "hidden": rx is LAMBDA,
            }
            return Diagnosis.of(__name__, confidence=0.6 if rx is LAMBDA else 0.9, facts=facts,
                                evidence=[ev for ev in incident.evidence if ev.shape][:1])
    return None


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    where = (frame.file, frame.line) if frame else (None, None)
    code_line = frame.code.strip() if frame and frame.code else ""
    axis, got = facts["axis"], facts["got"]
    if code_line and facts["argument"]:
        arg = facts["argument"]
        snippet = (f"# {code_line}\n# axis {axis} of {arg} has {got if got else 'more than 1'} values: "
                   f"give {arg} the size-1 axis the squeeze expects (e.g. ids of shape (N, T, 1)), "
                   f"or keep one slice explicitly:\n{arg} = {arg}[{', '.join([':'] * axis + ['0']) if axis and axis > 0 else '..., 0'}]")
    else:
        snippet = (f"x = x[..., 0]  # keep one entry of axis {axis} instead of squeezing it, "
                   "or resize/reshape the data so that the axis really has size 1")
    fix = Fix("Squeeze only an axis of size 1", Applicability.DISPLAY_ONLY, snippet, *where)
    return [_with_edits(incident, fix, axis)]


def _with_edits(incident: Incident, fix: Fix, axis: int | None) -> Fix:
    """The edits for ``fix``, derived from the user's source: give the ids an ``Embedding``
    turns into the squeezed tensor the size-1 axis the squeeze expects, or keep one entry of
    the axis instead of squeezing it. Both change what the program computes: unsafe."""
    frame = incident.user_frame
    if frame is None or frame.file is None or frame.line is None or axis is None:
        return fix
    if incident.source != "live":
        return replace(fix, reason="explained from text: run the program under tferrfix to "
                                   "apply it")
    tree = module_of(frame.file)
    if tree is None:
        return replace(fix, reason="the source of the failing file is not available")
    found = _input_axis_edit(tree, frame.file, frame.line, axis)
    if found is not None:
        line, value, where_line = found
        return replace(fix, title="Give the input the size-1 axis the squeeze removes",
                       applicability=Applicability.UNSAFE,
                       snippet=fix.snippet + f"\n# or, at line {line}: Input(shape={value})",
                       edits=(edit(frame.file, where_line, "set_keyword", call="Input",
                                   keyword="shape", value=value, position=0),))
    squeezes = calls_named(tree, "squeeze")
    if len(squeezes) != 1 or not squeezes[0].args or axis < -1:
        return replace(fix, reason="the squeeze to replace is not found exactly once in the "
                                   "source")
    call = squeezes[0]
    source = read_source(frame.file) or ""
    tensor = ast.get_source_segment(source, call.args[0])
    if not tensor:
        return fix
    index = "..., 0" if axis == -1 else ", ".join([":"] * axis + ["0"])
    new = f"{tensor}[{index}]"
    return replace(fix, title=f"Keep one entry of axis {axis} instead of squeezing it",
                   applicability=Applicability.UNSAFE,
                   snippet=fix.snippet + f"\n{new}  # instead of the squeeze",
                   edits=(edit(frame.file, call.lineno, "replace_call", call="squeeze",
                               new=new),))


def _input_axis_edit(tree: ast.Module, path: str, line: int,
                     axis: int) -> tuple[int, str, int] | None:
    """(line, new shape, line) of the ``Input`` whose ids an ``Embedding`` turned into the
    tensor squeezed on ``line``, with a size-1 axis inserted where the squeeze looks."""
    statement = next((n for n in ast.walk(tree) if isinstance(n, ast.Assign)
                      and n.lineno <= line <= (n.end_lineno or n.lineno)), None)
    if statement is None or not isinstance(statement.value, ast.Call):
        return None
    value = statement.value
    # x = ops.squeeze(t, 2)  or  x = Lambda(lambda y: K.squeeze(y, 2))(t)
    tensor = value.args[0] if value.args else None
    if not isinstance(tensor, ast.Name):
        return None
    embedded = assignment_before(tree, tensor.id, statement.lineno)
    if embedded is None or not isinstance(embedded.value, ast.Call) or \
            called_name(embedded.value.func) != "Embedding" or not embedded.value.args or \
            not isinstance(embedded.value.args[0], ast.Name):
        return None
    ids = assignment_before(tree, embedded.value.args[0].id, embedded.lineno)
    if ids is None or called_name(ids.value) != "Input":
        return None
    assert isinstance(ids.value, ast.Call)
    shape = call_argument(ids.value, 0, "shape")
    if not isinstance(shape, ast.Tuple | ast.List):
        return None
    sizes = [ast.get_source_segment(read_source(path) or "", e) or "" for e in shape.elts]
    # Embedding output: (batch, *sizes, dim); a size-1 sample axis i lands at axis i + 1.
    if not all(sizes) or not 1 <= axis <= len(sizes) + 1:
        return None
    sizes.insert(axis - 1, "1")
    return ids.lineno, f"({', '.join(sizes)}{',' if len(sizes) == 1 else ''})", ids.lineno

"""The data has one axis too many for the model.

## What it means
The data has one more axis than the layer's input spec, e.g. (samples, 1, steps,
features) for an LSTM that wants (samples, steps, features), or (1, 1, 224, 224, 3) for a
model of (None, 224, 224, 3). Keras sometimes hides it: Keras 3 squeezes a trailing axis of
size 1 and then complains about a channel count, tf-keras lets a 5-D tensor through the first
Conv2D and fails at the pooling layer with unknown sizes.

## Why it happens
Windows appended as `w.reshape(1, steps, features)` and then stacked, a channel axis of 1
added for a CNN when the model is an LSTM, `np.expand_dims` applied to an array that already
has its batch axis, or `X[..., np.newaxis]` on RGB images that already have their channels.

## Example
```python
model = keras.Sequential([keras.Input(shape=(60, 2)), keras.layers.LSTM(32), ...])
model.fit(x_train, y_train)        # x_train.shape == (N, 1, 60, 2)
```
Keras 3 (3.x):
    Invalid input shape for input Tensor("data:0", shape=(None, 1, 60, 2), dtype=float32) with name 'keras_tensor' and path ''. Expected shape (None, 60, 2), but input has incompatible shape (None, 1, 60, 2)
    Input 0 with name 'input_layer' of layer 'functional' is incompatible with the layer: expected shape=(None, 256, 256, 3), found shape=(None, 256, 256, 1, 3)
tf-keras 2.x:
    Input 0 of layer "sequential" is incompatible with the layer: expected shape=(None, 60, 2), found shape=(None, 1, 60, 2)
    Input 0 of layer sequential is incompatible with the layer: expected ndim=3, found ndim=4. Full shape received: [None, 240, 94, 1]
Keras <= 2.3 / TF1:
    Error when checking input: expected lstm_1_input to have 3 dimensions, but got array with shape (844, 240, 94, 1)
    Error when checking input: expected conv2d_21_input to have 4 dimensions, but got array with shape (1, 1, 224, 224, 3)

## Fix
```python
model.fit(np.squeeze(x_train, axis=1), y_train)    # (N, 1, 60, 2) -> (N, 60, 2)
```

## Fix safety
Safe when the extra axis has size 1: squeezing it keeps every value. An extra axis of
another size means the data is organised differently and must be reshaped by hand.

## References
- https://github.com/molson194/LSTM-Stock-Prediction/issues/1
- https://github.com/SidiLu001/disk_failure_prediction/issues/1
- https://github.com/tensorflow/tensorflow/issues/50142
- https://github.com/keras-team/keras/issues/12596
"""

from __future__ import annotations

import ast

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit, read_source
from tferrfix.fixes.snippets import data_argument
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._axes import (
    data_fix,
    extra_axis,
    live_input,
    live_model_input_shape,
    parsed_source,
    wrappable,
)
from tferrfix.patterns.inputs._spec import MESSAGES, diagnose_family
from tferrfix.shapes import Shape, same, show

code = "TFE0104"
name = "extra-axis"
family = "extra-axis"
exceptions = ("ValueError", "Exception")
messages = MESSAGES
examples = (
    'Invalid input shape for input Tensor("data:0", shape=(None, 1, 60, 2), dtype=float32) with '
    "name 'keras_tensor' and path ''. Expected shape (None, 60, 2), but input has incompatible "
    "shape (None, 1, 60, 2)",
    "Input 0 with name 'input_layer' of layer 'functional' is incompatible with the layer: "
    "expected shape=(None, 256, 256, 3), found shape=(None, 256, 256, 1, 3)",
    'Input 0 of layer "sequential" is incompatible with the layer: expected shape=(None, 60, 2), '
    "found shape=(None, 1, 60, 2)",
    "Input 0 of layer sequential is incompatible with the layer: expected ndim=3, found ndim=4. "
    "Full shape received: [None, 240, 94, 1]",
    "Error when checking input: expected lstm_1_input to have 3 dimensions, but got array with "
    "shape (844, 240, 94, 1)",
    "Error when checking input: expected conv2d_21_input to have 4 dimensions, but got array "
    "with shape (1, 1, 224, 224, 3)",
)


def match(incident: Incident) -> Diagnosis | None:
    found = diagnose_family(__name__, incident, family)
    if found is None:
        return None
    facts = found.facts
    shape = facts["subject_shape"] or facts["data_shape"] or facts["found"]
    index = extra_axis(shape, facts["expected"], facts["layer_kind"])
    squeezed = None
    if shape is not None and index is not None:
        squeezed = (*shape[:index], *shape[index + 1:])
    facts.update(data=shape, extra_index=index, squeezed=squeezed)
    return found


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    index = facts["extra_index"]
    code = frame.code if frame and frame.code else ""
    argument = data_argument(code) if code else None
    file, line = (frame.file, frame.line) if frame else (None, None)
    if index is None:
        title = "Remove the extra axis"
        snippet = ("x = np.squeeze(x, axis=...)  # the axis of size 1 that was added; or "
                   "x.reshape(...) to the layer's rank")
        # The sizes are unknown (batches from a generator): the one place the user's
        # generator adds an axis to the inputs it yields is where the extra axis comes from.
        found = _added_in_generator(file, argument, None, None) \
            if argument and not wrappable(argument) and incident.source == "live" else None
        if found is None:
            return [Fix(title, Applicability.DISPLAY_ONLY, snippet, file, line)]
        return [_generator_fix(file, argument or "", found, "Do not add the extra axis", "")]
    title = f"Remove the extra axis {index} (of size 1)"
    note = f"  # {show(facts['data'])} -> {show(facts['squeezed'])}"
    if argument and not wrappable(argument):
        snippet = (f"x = np.squeeze(x, axis={index}){note}, where the batches are built "
                   f"(`{argument}` yields them)")
        added = _added_in_generator(file, argument, index, facts["data"]) \
            if incident.source == "live" else None
        if added is not None:
            return [_generator_fix(file, argument, added,
                                   f"Do not add the axis {index} in `{argument}`", note)]
        return [Fix(title, Applicability.DISPLAY_ONLY, snippet, file, line,
                    reason=f"`{argument}` builds the batches: the axis is added there")]
    # Safe when the program showed the array itself and the axis removed has size 1 and
    # leaves the model's input shape: squeezing it keeps every value.
    live = live_input(incident)
    model_shape = live_model_input_shape(incident)
    data = live.shape if live is not None else None
    safe = bool(facts.get("live_confirmed") and data and model_shape
                and 0 <= index < len(data) and data[index] == 1
                and same(model_shape, (*data[:index], *data[index + 1:])))
    return [data_fix(incident, f"np.squeeze({{}}, axis={index})", title=title,
                     applicability=Applicability.SAFE if safe else Applicability.UNSAFE,
                     fallback=f"x = np.squeeze(x, axis={index})", note=note)]


def _generator_fix(file: str | None, argument: str, added: tuple[int, str, str], title: str,
                   note: str) -> Fix:
    """Remove the indexing that adds the axis in the user's generator. Unsafe: the
    generator's code changes, read from the source, not run."""
    at, expression, name = added
    lines = (read_source(file or "") or "").splitlines()
    text = lines[at - 1].strip() if 0 < at <= len(lines) else expression
    return Fix(title, Applicability.UNSAFE, text.replace(expression, name, 1) + note, file, at,
               (edit(file or "", at, "replace_expression", old=expression, new=name),))


def _added_in_generator(path: str | None, argument: str, index: int | None,
                        data: Shape | None
                        ) -> tuple[int, str, str] | None:
    """``fit(Generator())`` where the generator, defined in the user's file, yields
    ``X, y`` and adds the extra axis to ``X`` by indexing (``X[:, :, :, np.newaxis]``):
    (line, the indexing expression, ``X``) when exactly one such indexing is found."""
    try:
        call = ast.parse(argument.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        return None
    tree = parsed_source(path)
    source = read_source(path) if path else None
    if tree is None or source is None:
        return None
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)
                 and n.name == call.func.id]
    if len(functions) != 1:
        return None
    function = functions[0]
    yielded = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Yield) and node.value is not None:
            value = node.value.elts[0] if isinstance(node.value, ast.Tuple) and \
                node.value.elts else node.value
            yielded.add(value.id if isinstance(value, ast.Name) else None)
    if len(yielded) != 1 or None in yielded:
        return None
    name = yielded.pop()
    assert name is not None
    rank = len(data) if data else None
    found = []
    for node in ast.walk(function):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
                node.value.id == name and _adds_axis_at(node.slice, index, rank):
            segment = ast.get_source_segment(source, node)
            if segment:
                found.append((node.lineno, segment, name))
    return found[0] if len(found) == 1 else None


def _adds_axis_at(index_node: ast.expr, axis: int | None, rank: int | None) -> bool:
    """``[:, :, :, np.newaxis]`` adds axis 3; ``[..., None]`` adds the last one. ``axis``
    None: adds exactly one axis, anywhere."""
    elts = index_node.elts if isinstance(index_node, ast.Tuple) else [index_node]

    def new(e: ast.expr) -> bool:
        return (isinstance(e, ast.Attribute) and e.attr == "newaxis") or \
            (isinstance(e, ast.Constant) and e.value is None)

    if axis is None:
        return sum(1 for e in elts if new(e)) == 1 and all(
            new(e) or isinstance(e, ast.Slice) or
            (isinstance(e, ast.Constant) and e.value is Ellipsis) for e in elts)
    if len(elts) >= 2 and isinstance(elts[0], ast.Constant) and elts[0].value is Ellipsis:
        return new(elts[-1]) and len(elts) == 2 and rank is not None and axis == rank - 1
    return (axis < len(elts) and new(elts[axis])
            and all(isinstance(e, ast.Slice) for i, e in enumerate(elts) if i != axis))

"""Tensors being concatenated differ on an axis other than the join axis, or in rank.

## What it means
`Concatenate` / `tf.concat` glue tensors together along one axis. Every other axis must have
the same size in all of them, and they must all have the same rank. Here two of them differ on
an axis that is not the join axis.

## Why it happens
* A U-Net/FPN skip connection: an image whose height or width is not divisible by the total
  down-sampling factor comes back from up-sampling one pixel larger or smaller (134 vs 135).
* The wrong join axis: channels-first tensors concatenated on the last axis, or the reverse.
* Tensors of different rank, e.g. `(batch,)` with `(batch, 2)`, or 5-D YOLO heads that need a
  reshape to `(batch, -1, 4)` before they can be joined.

## Example
```python
a = keras.Input((1024,))[:, 0]              # (None,)   rank 1
merged = keras.layers.Concatenate()([a, b]) # b: (None, 2)
```
Keras 3 (3.x):
    A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=[(1024,), (1024, 2)]
tf-keras / Keras 2.x:
    A `Concatenate` layer requires inputs with matching shapes except for the concat axis. Got inputs shapes: [(1, 256, 16, 2048), (1, 16, 16, 512)]
Keras 1.x (`merge(..., mode="concat", concat_axis=1)` on channels-last tensors):
    "concat" mode can only merge layers with matching output shapes except for the concat axis. Layer shapes: [(None, 73, 73, 64), (None, 73, 73, 96)]
TensorFlow graph (shape inference):
    Dimension 1 in both shapes must be equal, but are 256 and 16. Shapes are [1,256,256] and [1,16,16]. for 'concat_1' (op: 'ConcatV2') with input shapes: [1,256,256,4], [1,16,16,3], [] and wi
TensorFlow op at run time (TF1):
    ConcatOp : Dimensions of inputs should match: shape[0] = [1,16,20,256] vs. shape[1] = [1,15,20,256]
TensorFlow op at run time (TF2 eager):
    ConcatOp : Dimension 1 in both shapes must be equal: shape[0] = [1,134,240,32] vs. shape[1] = [1,135,240,16] [Op:ConcatV2] name: concat

## Fix
```python
a = keras.layers.Reshape((1,))(a)                     # (None,) -> (None, 1)
merged = keras.layers.Concatenate(axis=-1)([a, b])    # (None, 3)
```
For skip connections, pad or resize images to a multiple of the down-sampling factor (e.g. 32).

## Fix safety
Padding/resizing inputs or reshaping a tensor to add an axis keeps the model's meaning;
changing the join axis or cropping a feature map changes what the model computes.

## References
- https://github.com/fupiao1998/res2net-keras/issues/1
- https://github.com/penny4860/tf2-eager-yolo3/issues/10
- https://github.com/ellisdg/3DUnetCNN/issues/42
- https://github.com/12dmodel/deep_motion_mag/issues/12
- https://github.com/halimacc/DenseHumanBodyCorrespondences/issues/1
- https://github.com/kvfrans/deepcolor/issues/11
- https://github.com/hunglc007/tensorflow-yolov4-tflite/issues/133
- https://github.com/qubvel/segmentation_models/issues/273
- https://github.com/keras-team/keras/issues/12975
- https://github.com/titu1994/Inception-v4/issues/3
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.fixes.snippets import call_sites
from tferrfix.incident import Incident
from tferrfix.patterns.layers._ops import (
    call_taking,
    model_layers,
    op_info,
    shape_of,
    shapes_in,
)
from tferrfix.shapes import Shape, show

code = "TFE0205"
name = "concat-shape-mismatch"
family = "concat-shape-mismatch"
# Keras 1 raised a plain Exception from Merge.
exceptions = ("ValueError", "InvalidArgumentError", "Exception")

KERAS = lazy_regex.compile(
    r"A `?Concatenate`? layer requires inputs with matching shapes except for the "
    r"concat(?:enation)? axis\.? ?(?:Got inputs shapes|Received: input_shape)\s*[:=]\s*"
    r"(?P<shapes>\[[^\[\]]*\])")
KERAS1 = lazy_regex.compile(
    r'"concat" mode can only merge layers with matching output shapes except for the concat '
    r"axis\.? Layer shapes: (?P<shapes>\[[^\[\]]*\])")
CONCAT_OP = lazy_regex.compile(
    r"ConcatOp ?: (?:Dimensions of inputs should match|Dimension (?P<dim>\d+) in both shapes "
    r"must be equal|Ranks of all input tensors should match): shape\[\d+\] = (?P<a>\[[^\]]*\]) "
    r"vs\. shape\[\d+\] = (?P<b>\[[^\]]*\])")
INFERENCE = lazy_regex.compile(
    r"(?:Dimension (?P<dim>\d+) in both shapes must be equal, but are \d+ and \d+|Shape must be "
    r"rank \d+ but is rank \d+)\.? .{0,300}?(?:\(op: '(?:ConcatV2|Concat)'\)|\}\} = (?:ConcatV2|Concat)\[)"
    r"(?: with input shapes: (?P<shapes>\[[^\]]*\](?:, \[[^\]]*\])*))?",
    flags=regex.S)
messages = (KERAS, KERAS1, CONCAT_OP, INFERENCE)
_COMPUTED_AXIS = lazy_regex.compile(r"computed input tensors: input\[\d+\] = <(?P<axis>-?\d+)>")
examples = (
    "A `Concatenate` layer requires inputs with matching shapes except for the concatenation "
    "axis. Received: input_shape=[(1024,), (1024, 2)]",
    "A `Concatenate` layer requires inputs with matching shapes except for the concat axis. "
    "Got inputs shapes: [(1, 256, 16, 2048), (1, 16, 16, 512)]",
    "Dimension 1 in both shapes must be equal, but are 256 and 16. Shapes are [1,256,256] and "
    "[1,16,16]. for 'concat_1' (op: 'ConcatV2') with input shapes: [1,256,256,4], "
    "[1,16,16,3], [] and wi",
    "ConcatOp : Dimensions of inputs should match: shape[0] = [1,16,20,256] vs. "
    "shape[1] = [1,15,20,256]",
    '"concat" mode can only merge layers with matching output shapes except for the concat '
    "axis. Layer shapes: [(None, 73, 73, 64), (None, 73, 73, 96)]",
    "ConcatOp : Dimension 1 in both shapes must be equal: shape[0] = [1,134,240,32] vs. "
    "shape[1] = [1,135,240,16] [Op:ConcatV2] name: concat",
)


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if found:
                return _diagnose(incident, rx, found, text)
    return None


def _differing_axes(shapes) -> list[int]:
    if len(shapes) < 2 or any(len(s) != len(shapes[0]) for s in shapes):
        return []
    return [i for i in range(len(shapes[0]))
            if len({s[i] for s in shapes if s[i] is not None}) > 1]


def _diagnose(incident, rx, found, text) -> Diagnosis:
    groups = found.groupdict()
    printed = ([shape_of(groups["a"]), shape_of(groups["b"])] if rx is CONCAT_OP
               else list(shapes_in(groups.get("shapes"))))
    info = op_info(text)
    shapes: list[Shape] = [s for s in printed if s]
    if not shapes:
        shapes = [s for s in info["input_shapes"] if s]
    ranks = sorted({len(s) for s in shapes})
    differ = _differing_axes(shapes)
    frame = incident.user_frame
    join_axis = None
    if frame and frame.code:
        for site in call_sites(frame.code):
            axis = dict(site.keywords).get("axis")
            if axis is not None and axis.lstrip("-").isdigit():
                join_axis = int(axis)
                break
    computed = _COMPUTED_AXIS.search(text)
    if join_axis is None and computed:
        join_axis = int(computed["axis"])
    rank = len(shapes[0]) if shapes else 0
    join = (join_axis if join_axis is None or join_axis >= 0 else join_axis + rank) if shapes else None
    differ = [i for i in differ if i != (rank - 1 if join is None else join)]
    # a spatial axis off by one or two: a skip connection after an odd-sized image
    off_by_little = []
    for i in differ:
        sizes = [s[i] for s in shapes]
        known = [d for d in sizes if d is not None]
        if 0 < i < rank - 1 and len(known) == len(sizes) and max(known) - min(known) <= 2:
            off_by_little.append(i)
    facts = {
        "shapes": shapes, "ranks": ranks, "differing_axes": differ,
        "dim": int(groups["dim"]) if groups.get("dim") else None,
        "join_axis": join_axis, "odd_size": bool(off_by_little),
        "node": info["node"], "layer": info["layer"],
    }
    return Diagnosis.of(__name__, confidence=0.9, facts=facts,
                        evidence=[ev for ev in incident.evidence if ev.shape][:1])


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    where = (frame.file, frame.line) if frame else (None, None)
    shapes = facts["shapes"]
    if len(facts["ranks"]) > 1:
        low = min(shapes, key=len)
        snippet = (f"t = tf.reshape(t, (-1, {', '.join(str(d) for d in low[1:]) + ', ' if len(low) > 1 else ''}1))"
                   f"  # {show(low)} -> same rank as the others, then concatenate")
    elif facts["odd_size"]:
        snippet = ("image = tf.image.resize_with_pad(image, h32, w32)  # pad to a multiple of the "
                   "down-sampling factor, e.g. h32 = -(-h // 32) * 32")
    else:
        snippet = "merged = layers.Concatenate(axis=channel_axis)([a, b])  # join on the axis that differs"
        code_line = frame.code.strip() if frame and frame.code else ""
        if code_line and facts["differing_axes"] and facts["join_axis"] is not None:
            axis = facts["differing_axes"][0] if len(facts["differing_axes"]) == 1 else None
            if axis is not None:
                snippet = regex.sub(r"axis\s*=\s*-?\d+", f"axis={axis}", code_line, count=1)
    fix = Fix("Make the tensors agree on every axis except the join axis",
              Applicability.DISPLAY_ONLY, snippet, *where)
    if facts["odd_size"] and len(facts["ranks"]) <= 1:
        fix = _padded(incident, fix)
    elif len(facts["ranks"]) == 2:
        fix = _trailing_axis(incident, shapes, fix)
    return [fix]


def _trailing_axis(incident: Incident, shapes: list[Shape], fix: Fix) -> Fix:
    """Give each tensor one axis short of the others (its shape is theirs without the last
    axis) a trailing axis of size 1, in the list concatenated on the failing line. Unsafe:
    a reading of which axis the user meant to join on (the last)."""
    frame = incident.user_frame
    if frame is None or frame.file is None or frame.line is None or not frame.code:
        return fix
    if incident.source != "live":
        return replace(fix, reason="explained from text: run the program under tferrfix to "
                                   "apply it")
    try:
        tree = ast.parse(frame.code.strip())
    except SyntaxError:
        return fix
    lists = [n for n in ast.walk(tree) if isinstance(n, ast.List | ast.Tuple)
             and len(n.elts) == len(shapes) and all(isinstance(e, ast.Name) for e in n.elts)]
    high = max(len(s) for s in shapes)
    tall = [s for s in shapes if len(s) == high]
    if len(lists) != 1 or any(tuple(t[:-1]) != tuple(tall[0][:-1]) for t in tall):
        return replace(fix, reason="the concatenated list is not found on the line")
    names = [e.id for e in lists[0].elts if isinstance(e, ast.Name)]
    short = [name for name, shape in zip(names, shapes, strict=True) if len(shape) < high]
    if len(set(names)) != len(names) or any(
            tuple(s) != tuple(tall[0][:-1]) for s in shapes if len(s) < high):
        return replace(fix, reason="the tensors differ by more than a trailing axis")
    edits = tuple(edit(frame.file, frame.line, "wrap_name", name=name,
                       template="{}[..., None]") for name in short)
    return replace(fix, title="Give the lower-rank tensor a trailing axis of size 1",
                   applicability=Applicability.UNSAFE,
                   snippet=fix.snippet + "\n" + "\n".join(
                       f"{n} = {n}[..., None]  # -> the same rank as the others" for n in short),
                   edits=edits)


def _padded(incident: Incident, fix: Fix) -> Fix:
    """The image given to the model padded (bottom and right) up to a multiple of the
    model's down-sampling factor, read from the live model's strided layers. Unsafe: the
    model sees extra zero rows/columns and its output grows by as much."""
    frame = incident.user_frame
    if frame is None or frame.file is None or frame.line is None:
        return fix
    if incident.source != "live":
        return replace(fix, reason="explained from text: run the program under tferrfix to "
                                   "apply it")
    image = next((ev for ev in incident.evidence if ev.origin == "live"
                  and ev.detail("role") == "model-input" and ev.shape and len(ev.shape) == 4),
                 None)
    factor = _downsampling(model_layers(incident.evidence))
    if image is None or factor is None:
        return replace(fix, reason="the image or the model's down-sampling is not known")
    method = call_taking(frame.code or "", image.subject)
    if method is None:
        return replace(fix, reason=f"no single call on the line takes `{image.subject}`")
    height, width = factor
    template = (f"np.pad({{0}}, ((0, 0), (0, -{{0}}.shape[1] % {height}), "
                f"(0, -{{0}}.shape[2] % {width}), (0, 0)))")
    padded = template.format(image.subject)
    return replace(fix, title=f"Pad the image to a multiple of the down-sampling factor "
                              f"{factor[0]}x{factor[1]}",
                   applicability=Applicability.UNSAFE,
                   snippet=f"{image.subject} = {padded}",
                   # the import last: it shifts the lines below it
                   edits=(edit(frame.file, frame.line, "wrap_argument", template=template,
                               method=method, position=0),
                          edit(frame.file, 0, "add_import", module="numpy", alias="np")))


def _downsampling(layers: list[dict[str, Any]]) -> tuple[int, int] | None:
    """The product of the strides of the model's 2-D layers (the down-sampling factor)."""
    if not layers:
        return None
    factor = [1, 1]
    for layer in layers:
        strides = layer.get("strides")
        if strides is None:
            continue
        if len(strides) != 2 or layer.get("data_format") == "channels_first":
            return None
        factor = [factor[0] * strides[0], factor[1] * strides[1]]
    return (factor[0], factor[1]) if factor != [1, 1] else None

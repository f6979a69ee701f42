"""The elements of a tf.data dataset have inconsistent shapes.

## What it means
`Dataset.batch()` stacks consecutive elements into one tensor, so every element must have the
same shape in every component. When one element differs — an image of another size, an RGBA
image among RGB ones, a sequence of another length — the batch cannot be built and the
iterator fails when it reaches that element (often inside `model.fit`, so the line shown is
the `fit` call, not the pipeline). `Dataset.from_generator` checks each yielded element
against the declared `output_shapes` / `output_signature` in the same way.

## Why it happens
* Images of different sizes decoded from files and batched without `tf.image.resize`.
* PNGs decoded with `decode_png`/`decode_image` without `channels=3`: an RGBA or grayscale
  file gives 4 or 1 channels next to 3-channel images.
* Object-detection pipelines that keep each image's aspect ratio (resize by the short side)
  with a batch size above 1.
* Variable-length sequences batched with `batch` instead of `padded_batch`.
* A generator that yields a scalar or an array of another rank than its declared shape.

## Example
```python
dataset = tf.data.Dataset.from_generator(load_images, output_signature=...)  # sizes differ
model.fit(dataset.batch(4))
```
TensorFlow (tf.data batching):
    Cannot batch tensors with different shapes in component 0. First element had shape [220,195,3] and element 1 had shape [339,460,3].
    Cannot batch tensors with different shapes in component 0. First element had shape [738,1126,3] and element 1 had shape [770,1076,3]. [Op:IteratorGetNext]
    Cannot batch tensors with different shapes in component 1. First element had shape [900,600,3] and element 1 had shape [757,600,3].
TensorFlow (parallel / fused batching):
    Cannot add tensor to the batch: number of elements does not match. Shapes are: [tensor]: [576,1024,3], [batch]: [800,600,3]
    Cannot add tensor to the batch: number of elements does not match. Shapes are: [tensor]: [310,310,4], [batch]: [310,310,3]
TensorFlow (Dataset.from_generator):
    `generator` yielded an element of shape () where an element of shape (None, None) was expected.

## Fix
```python
dataset = dataset.map(lambda image, label: (tf.image.resize(image, (224, 224)), label))
image = tf.io.decode_png(data, channels=3)          # one channel count for every file
dataset = dataset.padded_batch(32)                    # sequences: pad to the longest
```

## Fix safety
Resizing changes the images the model sees (use `tf.image.resize_with_pad` to keep the
aspect ratio); models with fixed input sizes need it anyway. `channels=3` drops the alpha
channel and repeats a grayscale channel, which is what a 3-channel model expects. Padding adds
values the model should ignore (masking, or a padding id the loss skips).

## References
- https://github.com/isikdogan/deep_learning_tutorials/issues/2
- https://github.com/google-research/google-research/issues/1447
- https://github.com/Tencent/PocketFlow/issues/321
- https://github.com/Tony607/object_detection_demo/issues/37
- https://github.com/tensorflow/models/issues/10873
- https://github.com/keras-team/keras-io/issues/332
"""

from __future__ import annotations

import ast
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.locate import find_call_lines, parse_source
from tferrfix.incident import Incident
from tferrfix.shapes import Shape, parse_shape, show

code = "TFE0404"
name = "dataset-element-mismatch"
family = "dataset-element-mismatch"
exceptions = ("InvalidArgumentError", "ValueError", "TypeError")

_SHAPE = r"(?:\[[^\[\]]*\]|\([^()]*\))"
BATCH = lazy_regex.compile(
    r"Cannot batch tensors with different shapes in component (?P<component>\d+)\.\s*"
    rf"First element had shape (?P<first>{_SHAPE}) and element (?P<index>\d+) had shape "
    rf"(?P<other>{_SHAPE})"
)
ADD = lazy_regex.compile(
    r"Cannot add tensor to the batch: number of elements does not match\.\s*Shapes are: "
    rf"\[tensor\]: (?P<other>{_SHAPE}),? \[batch\]: (?P<first>{_SHAPE})"
)
GENERATOR = lazy_regex.compile(
    rf"`?generator`? yielded an element of shape (?P<other>{_SHAPE}) where an element of "
    rf"shape (?P<first>{_SHAPE}) was expected"
)
GENERATOR_STRUCTURE = lazy_regex.compile(
    r"`?generator`? yielded an element that did not match the expected structure"
)
messages = (BATCH, ADD, GENERATOR, GENERATOR_STRUCTURE)
examples = (
    "Cannot batch tensors with different shapes in component 0. First element had shape "
    "[220,195,3] and element 1 had shape [339,460,3].",
    "Cannot batch tensors with different shapes in component 0. First element had shape "
    "[738,1126,3] and element 1 had shape [770,1076,3]. [Op:IteratorGetNext]",
    "Cannot batch tensors with different shapes in component 1. First element had shape "
    "[900,600,3] and element 1 had shape [757,600,3].",
    "Cannot add tensor to the batch: number of elements does not match. Shapes are: "
    "[tensor]: [576,1024,3], [batch]: [800,600,3]",
    "Cannot add tensor to the batch: number of elements does not match. Shapes are: "
    "[tensor]: [310,310,4], [batch]: [310,310,3]",
    "`generator` yielded an element of shape () where an element of shape (None, None) was "
    "expected.",
)

_CHANNELS = (1, 2, 3, 4)


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if found:
                facts = _facts(rx, found.groupdict())
                return Diagnosis.of(__name__, confidence=0.9, facts=facts)
    return None


def _facts(rx: regex.Pattern[str], groups: dict[str, Any]) -> dict[str, Any]:
    first = parse_shape(groups.get("first"))
    other = parse_shape(groups.get("other"))
    generator = rx in (GENERATOR, GENERATOR_STRUCTURE)
    return {
        "wording": "generator" if generator else ("batch" if rx is BATCH else "add"),
        "component": int(groups["component"]) if groups.get("component") else None,
        "element": int(groups["index"]) if groups.get("index") else None,
        "first": first,
        "other": other,
        "kind": "generator" if generator else _kind(first, other),
        "axes": _differing_axes(first, other),
        "size": _size(first, other),
    }


def _differing_axes(a: Shape | None, b: Shape | None) -> list[int]:
    if a is None or b is None or len(a) != len(b):
        return []
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


def _kind(first: Shape | None, other: Shape | None) -> str:
    if first is None or other is None:
        return "other"
    if len(first) != len(other):
        return "rank"
    axes = _differing_axes(first, other)
    if len(first) == 3 and axes == [2] and first[2] in _CHANNELS and other[2] in _CHANNELS:
        return "channels"
    if len(first) in (3, 4) and axes and all(i < len(first) - 1 for i in axes) \
            and first[-1] in _CHANNELS:
        return "image-size"
    if len(first) in (1, 2) and axes == [0]:
        return "length"
    return "other"


def _size(first: Shape | None, other: Shape | None) -> tuple[int, int] | None:
    """A size to resize images to: the first element's height and width."""
    if first is not None and len(first) >= 3 and first[0] and first[1]:
        return (first[0], first[1])
    return None


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    code = (frame.code or "").strip() if frame else ""
    kind = facts["kind"]
    # The snippets rewrite the user's line only when it is the pipeline line; otherwise they
    # belong to the code that builds the dataset, which the traceback does not show.
    here = (frame.file, frame.line) if frame else (None, None)
    nowhere = (None, None)
    if kind == "channels":
        channels = facts["first"][-1] if facts["first"][-1] in (1, 3) else 3
        new_line = _with_channels(code, channels)
        where = here if new_line else nowhere
        snippet = new_line or (f"image = tf.io.decode_image(data, channels={channels}, "
                               "expand_animations=False)  # or decode_png/decode_jpeg(..., "
                               f"channels={channels})")
        title = f"Decode every image with {channels} channels"
        located = _decode_call(incident)
        if located is not None:
            # The one decode call of the program, found in its source: set channels= there.
            # Dropping an alpha channel changes the data the model sees: unsafe.
            file, line, call = located
            edit = Edit(file, line, "set_keyword", (("call", call), ("keyword", "channels"),
                                                    ("value", str(channels))))
            return [Fix(title, Applicability.UNSAFE, snippet, file, line, (edit,))]
        return [Fix(title, Applicability.DISPLAY_ONLY, snippet, *where)]
    if kind == "length":
        if ".batch(" in code and code.count(".batch(") == 1:
            snippet, where = code.replace(".batch(", ".padded_batch(", 1), here
        else:
            snippet = "dataset = dataset.padded_batch(batch_size)  # instead of .batch(batch_size)"
            where = nowhere
        return [Fix("Pad the sequences to one length per batch", Applicability.DISPLAY_ONLY,
                    snippet, *where)]
    if kind == "generator":
        other = facts.get("other")
        spec = show(other) if other is not None else "(None, None)"
        snippet = ("dataset = tf.data.Dataset.from_generator(generator, output_signature="
                   f"tf.TensorSpec(shape={spec}, dtype=tf.float32))  # declare what the "
                   "generator really yields, or yield arrays of the declared shape")
        return [Fix("Make the generator and its declared shapes agree",
                    Applicability.DISPLAY_ONLY, snippet, *nowhere)]
    size = facts.get("size") or (224, 224)
    resize = (f"dataset = dataset.map(lambda image, label: (tf.image.resize(image, {size}), "
              "label))  # before .batch(); or tf.image.resize_with_pad to keep the aspect ratio")
    title = "Resize every image to one size before batching"
    if ".batch(" in code and code.count(".batch(") == 1:
        snippet = code.replace(".batch(", f".map(lambda image, label: (tf.image.resize(image, {size}), label)).batch(", 1)
        where = here
    else:
        snippet, where = resize, nowhere
    located = _batch_statement(incident) if kind == "image-size" and \
        facts.get("component") in (0, None) else None
    if located is not None:
        # Resize before the program's one `X = X.batch(...)`: it changes the images the
        # model sees, so it is unsafe.
        file, line, name = located
        statement = (f"{name} = {name}.map(lambda image, *rest: "
                     f"(tf.image.resize(image, {size}), *rest))")
        edits = (Edit(file, 0, "add_import", (("alias", "tf"), ("module", "tensorflow"))),
                 Edit(file, line, "insert_statement_before", (("statement", statement),)))
        return [Fix(title, Applicability.UNSAFE, statement, file, line, edits)]
    return [Fix(title, Applicability.DISPLAY_ONLY, snippet, *where)]


_DECODERS = ("decode_png", "decode_image", "decode_jpeg")


def _decode_call(incident: Incident) -> tuple[str, int, str] | None:
    """The program's one image-decoding call without ``channels=`` (live runs only: the file
    that ran is known)."""
    frame = incident.user_frame
    if incident.source != "live" or frame is None or not frame.file:
        return None
    found = [(line, call) for call in _DECODERS for line in find_call_lines(frame.file, call)]
    if len(found) != 1:
        return None
    tree = parse_source(frame.file)
    for node in ast.walk(tree) if tree is not None else []:
        if isinstance(node, ast.Call) and node.lineno == found[0][0] and any(
                k.arg == "channels" for k in node.keywords):
            return None
    return frame.file, found[0][0], found[0][1]


def _batch_statement(incident: Incident) -> tuple[str, int, str] | None:
    """(file, line, name) of the program's one ``name = name.batch(...)`` (live runs only)."""
    frame = incident.user_frame
    if incident.source != "live" or frame is None or not frame.file:
        return None
    lines = find_call_lines(frame.file, "batch")
    tree = parse_source(frame.file)
    if len(lines) != 1 or tree is None:
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and node.lineno == lines[0] and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and node.value.func.attr == "batch"
                and isinstance(node.value.func.value, ast.Name)
                and node.value.func.value.id == node.targets[0].id):
            return frame.file, node.lineno, node.targets[0].id
    return None


_DECODE = lazy_regex.compile(r"\b(?:tf\.io\.|tf\.image\.)?decode_(?:png|jpeg|image)\((?P<args>[^()]*)\)")


def _with_channels(code: str, channels: int) -> str | None:
    found = _DECODE.search(code) if code else None
    if found is None or "channels" in found["args"]:
        return None
    end = found.end() - 1
    return f"{code[:end]}, channels={channels}{code[end:]}"

"""A convolution or pooling window is larger than the spatial axis it slides over.

## What it means
Every `padding="valid"` convolution shrinks a spatial axis by `kernel - 1` and every pooling
divides it by its stride. When an axis reaching a Conv/Pool layer is already smaller than the
layer's window, the output size would be zero or negative, and TensorFlow refuses to build
(or run) the op.

## Why it happens
* Channels-first data, `(N, C, H, W)` or `input_shape=(3, 224, 224)`, given to channels-last
  layers (the default): the 1 or 3 channels are read as the height.
* The opposite: Keras configured `channels_first` (keras.json) with channels-last images.
* An image smaller than the network was designed for, or too many valid convs/poolings for
  its size (a 16x16 image through a VGG, a 384x384 image with pool sizes computed for 512).

## Example
```python
model = keras.Sequential([keras.Input((1, 128, 128)),      # channels first
                          layers.Conv2D(32, 3, padding="same"),
                          layers.MaxPooling2D((2, 2))])    # height 1 < window 2
```
TensorFlow graph (TF1 / Keras 2):
    Negative dimension size caused by subtracting 3 from 1 for 'conv2d_1/convolution' (op: 'Conv2D') with input shapes: [?,1,200,200], [3,3,200,32].
TensorFlow graph (TF2 / tf-keras):
    Negative dimension size caused by subtracting 2 from 1 for '{{node max_pooling2d_2/MaxPool}} = MaxPool[T=DT_FLOAT, data_format="NCHW", ksize=[1, 1, 2, 2], padding="VALID", strides=[1, 1, 2, 2]](conv2d_6/Identity)' with input shapes: [?,256,1,1].
Keras 3 (3.x):
    Computed output size would be zero or negative. Received: `inputs.shape=[None 1 128 32]`, `pool_size=[2 2]`, `strides=(2, 2)`, `padding=valid`.
TensorFlow op at run time:
    Computed output size would be negative: -1 [input_size: 1, effective_filter_size: 3, stride: 1] [Op:Conv2D]

## Fix
```python
x = np.transpose(x, (0, 2, 3, 1))                          # (N, C, H, W) -> (N, H, W, C)
model = keras.Sequential([keras.Input((128, 128, 1)), ...])  # channels last
```
or resize the images to the size the network was built for, or use `padding="same"` / fewer
pooling layers when the input really is small.

## Fix safety
Transposing the data is safe when it really is channels-first. `padding="same"` or removing a
pooling layer changes the model (and its trained weights no longer fit); resizing images
changes the input, so do it the same way at training and prediction time.

## References
- https://github.com/imatge-upc/detection-2016-nipsws/issues/34
- https://github.com/AstarLight/Satellite-Segmentation/issues/81
- https://github.com/chasingbob/squeezenet-keras/issues/5
- https://github.com/asingh33/CNNGestureRecognizer/issues/56
- https://github.com/naldeborgh7575/brain_segmentation/issues/24
- https://github.com/onnx/onnx-tensorflow/issues/164
- https://github.com/bonlime/keras-deeplab-v3-plus/issues/21
- https://github.com/fchollet/deep-learning-with-python-notebooks/issues/33
- https://github.com/tensorflow/tensorflow/issues/12795
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit, read_source
from tferrfix.fixes.snippets import call_sites
from tferrfix.incident import Incident
from tferrfix.patterns.layers._ops import (
    SHAPE,
    call_argument,
    call_taking,
    calls_named,
    model_layers,
    module_of,
    op_info,
    shape_of,
    shapes_in,
)
from tferrfix.shapes import show

code = "TFE0203"
name = "conv-output-negative"
family = "conv-output-negative"
exceptions = ("ValueError", "InvalidArgumentError")

NEGATIVE = lazy_regex.compile(
    r"Negative dimension size caused by subtracting (?P<kernel>\d+) from (?P<size>-?\d+)")
KERAS3 = lazy_regex.compile(
    r"Computed output size would be zero or negative\. Received: `?inputs\.shape="
    rf"(?P<input>{SHAPE})`?(?:, `?(?:pool_size|kernel_size)=(?P<window>{SHAPE}|\d+))?")
RUNTIME = lazy_regex.compile(
    r"[Cc]omputed output size would be negative(?::\s*(?P<out>-?\d+)\s*\[input_size: "
    r"(?P<size>\d+), effective_filter_size: (?P<kernel>\d+), stride: (?P<stride>\d+)\])?")
messages = (NEGATIVE, KERAS3, RUNTIME)
examples = (
    "Negative dimension size caused by subtracting 3 from 1 for 'conv2d_1/convolution' "
    "(op: 'Conv2D') with input shapes: [?,1,200,200], [3,3,200,32].",
    "Negative dimension size caused by subtracting 2 from 1 for '{{node max_pooling2d_2/MaxPool}} "
    "= MaxPool[T=DT_FLOAT, data_format=\"NCHW\", ksize=[1, 1, 2, 2], padding=\"VALID\", "
    "strides=[1, 1, 2, 2]](conv2d_6/Identity)' with input shapes: [?,256,1,1].",
    "Computed output size would be zero or negative. Received: `inputs.shape=[None 1 128 32]`, "
    "`pool_size=[2 2]`, `strides=(2, 2)`, `padding=valid`.",
    "Computed output size would be negative: -1 [input_size: 1, effective_filter_size: 3, "
    "stride: 1] [Op:Conv2D]",
)

_KSIZE = lazy_regex.compile(r"ksizes?=\[1, (?P<h>\d+), (?P<w>\d+), 1\]")
_WINDOWED = lazy_regex.compile(r"(?:Conv|Pool|pooling|conv)\w*$", flags=regex.I)


def _reading(shape, size, kernel, data_format):
    """How the too-small axis came about: channels-first data in channels-last layers, the
    reverse, a single image padded by Keras, or an input too small for the network."""
    if shape is None or len(shape) != 4:
        return "too-small", None
    nchw = data_format == "NCHW"
    spatial = (2, 3) if nchw else (1, 2)
    if not nchw and shape[2:] == (1, 1):
        return "padded", 1
    axis = None
    for i in spatial:
        if shape[i] is not None and (shape[i] == size or (size is None and kernel and shape[i] < kernel)):
            axis = i
            break
    if axis is None and not nchw and kernel and shape[3] is not None and shape[3] < kernel:
        return "channels-first-layers", 3
    if axis is None:
        return "too-small", None
    other = shape[spatial[1] if axis == spatial[0] else spatial[0]]
    if not nchw and shape[axis] <= 4 and other is not None and other >= 4 * max(shape[axis], 1):
        return "channels-first-data", axis
    return "too-small", axis


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if found:
                return _diagnose(incident, rx, found, text)
    return None


def _diagnose(incident: Incident, rx, found, text) -> Diagnosis:
    info = op_info(text)
    groups = found.groupdict()
    kernel = int(groups["kernel"]) if groups.get("kernel") else None
    size = int(groups["size"]) if groups.get("size") else None
    shapes = list(info["input_shapes"])
    input_shape = shapes[0] if shapes else None
    kernel_shape = shapes[1] if len(shapes) > 1 else None
    if rx is KERAS3:
        input_shape = shape_of(groups["input"])
        window = shapes_in(groups.get("window") or "") if groups.get("window") else []
        if window and window[0]:
            kernel = max(k for k in window[0] if k is not None)
        elif groups.get("window"):
            kernel = int(groups["window"])
    ksize = _KSIZE.search(text)
    if kernel is None and ksize:
        kernel = max(int(ksize["h"]), int(ksize["w"]))
    if input_shape is None:
        for ev in incident.evidence:
            if ev.shape is not None and len(ev.shape) == 4:
                input_shape = ev.shape
                break
    reading, axis = _reading(input_shape, size, kernel, info["data_format"])
    confidence = {"padded": 0.55, "too-small": 0.85}.get(reading, 0.9)
    if rx is RUNTIME and groups.get("size") is None:
        confidence = 0.8
    if size is None and axis is not None and input_shape is not None:
        size = input_shape[axis]
    frame = incident.user_frame
    facts = {
        "kernel": kernel,
        "size": size,
        "axis": axis,
        "input_shape": input_shape,
        "kernel_shape": kernel_shape,
        "op": info["op"],
        "layer": info["layer"],
        "layer_type": info["layer_type"],
        "data_format": info["data_format"],
        "reading": reading,
        "user_layer_call": _layer_call(frame.code) if frame and frame.code else None,
    }
    return Diagnosis.of(__name__, confidence=confidence, facts=facts,
                        evidence=[ev for ev in incident.evidence if ev.shape][:1])


def _layer_call(code: str) -> str | None:
    """The Conv/Pool constructor on the user's line, e.g. ``layers.MaxPooling2D((2, 2))``."""
    for site in call_sites(code):
        if _WINDOWED.search(site.method):
            return code.strip()[site.start:site.end] if site.receiver is None else None
    return None


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    fix = _display(incident, diagnosis)
    frame = incident.user_frame
    reading = diagnosis.facts["reading"]
    if frame is None or frame.file is None or frame.line is None or reading not in (
            "channels-first-layers", "channels-first-data", "too-small"):
        return [fix]
    if incident.source != "live":
        return [replace(fix, reason="explained from text: run the program under tferrfix to "
                                    "apply it")]
    tree = module_of(frame.file)
    if tree is None:
        return [replace(fix, reason="the source of the failing file is not available")]
    if reading == "channels-first-layers":
        return [_channels_last_config(tree, frame.file, fix)]
    if reading == "channels-first-data":
        return [_channels_last_input(tree, frame.file, fix)]
    if reading == "too-small":
        return [_resized(incident, frame.file, frame.line, frame.code or "", fix)]
    return [fix]


def _channels_last_config(tree: ast.Module, path: str, fix: Fix) -> Fix:
    """The one ``set_image_data_format("channels_first")`` switched to channels last. Unsafe:
    every layer's layout changes (channels-first weights no longer fit)."""
    calls = [c for c in calls_named(tree, "set_image_data_format") if c.args
             and isinstance(c.args[0], ast.Constant) and c.args[0].value == "channels_first"]
    if len(calls) != 1:
        return replace(fix, reason="no single set_image_data_format(\"channels_first\") "
                                   "in the source (keras.json?)")
    return replace(fix, applicability=Applicability.UNSAFE, line=calls[0].lineno,
                   edits=(edit(path, calls[0].lineno, "replace_string", old="channels_first",
                               new="channels_last"),))


def _channels_last_input(tree: ast.Module, path: str, fix: Fix) -> Fix:
    """The one ``Input((C, H, W))`` declared ``(H, W, C)``, like the channels-last layers.
    Unsafe: the data fed to the model must be transposed the same way."""
    inputs = calls_named(tree, "Input")
    shape = call_argument(inputs[0], 0, "shape") if len(inputs) == 1 else None
    if not isinstance(shape, ast.Tuple | ast.List) or len(shape.elts) != 3:
        return replace(fix, reason="no single Input((C, H, W)) in the source")
    source = read_source(path) or ""
    sizes = [ast.get_source_segment(source, e) or "" for e in shape.elts]
    if not all(sizes):
        return fix
    value = f"({sizes[1]}, {sizes[2]}, {sizes[0]})"
    return replace(fix, applicability=Applicability.UNSAFE, line=inputs[0].lineno,
                   snippet=fix.snippet + f"\nInput({value})  # channels last, like the layers",
                   edits=(edit(path, inputs[0].lineno, "set_keyword", call="Input",
                               keyword="shape", value=value, position=0),))


def _resized(incident: Incident, path: str, line: int, code: str, fix: Fix) -> Fix:
    """The image given to the model resized to the smallest size its layers accept (from the
    live model's layers). Unsafe: the model sees other pixels."""
    image = next((ev for ev in incident.evidence if ev.origin == "live"
                  and ev.detail("role") == "model-input" and ev.shape and len(ev.shape) == 4),
                 None)
    need = _smallest_input(model_layers(incident.evidence))
    if image is None or need is None or image.shape is None:
        return replace(fix, reason="the image or the model's layers are not known")
    height, width = image.shape[1], image.shape[2]
    if height is None or width is None or (height >= need[0] and width >= need[1]):
        return fix
    size = (max(height, need[0]), max(width, need[1]))
    method = call_taking(code, image.subject)
    if method is None:
        return replace(fix, reason=f"no single call on the line takes `{image.subject}`")
    template = f"tf.image.resize({{}}, {size})"
    return replace(fix, title="Resize the image to a size the network's layers accept",
                   applicability=Applicability.UNSAFE,
                   snippet=f"{image.subject} = tf.image.resize({image.subject}, {size})  "
                           f"# at least {need} for these layers",
                   # the import last: it shifts the lines below it
                   edits=(edit(path, line, "wrap_argument", template=template, method=method,
                               position=0),
                          edit(path, 0, "add_import", module="tensorflow", alias="tf")))


def _smallest_input(layers: list[dict[str, Any]]) -> tuple[int, int] | None:
    """The smallest (height, width) for which every window of the layers fits, walking back
    from an output of 1x1; None when a windowed layer's sizes are unknown."""
    if not layers:
        return None
    need = [1, 1]
    for layer in reversed(layers):
        window = layer.get("kernel_size") or layer.get("pool_size")
        kind = str(layer.get("class", ""))
        if window is None:
            if regex.search(r"(?:Conv|Pool)(?:ing)?[123]D$", kind) and \
                    not kind.startswith("Global"):
                return None
            continue
        strides = layer.get("strides") or window
        if len(window) != 2 or len(strides) != 2 or layer.get("data_format") == "channels_first":
            return None
        for axis in (0, 1):
            if layer.get("padding") == "same":
                need[axis] = (need[axis] - 1) * strides[axis] + 1
            else:
                need[axis] = (need[axis] - 1) * strides[axis] + window[axis]
    return need[0], need[1]


def _display(incident: Incident, diagnosis: Diagnosis) -> Fix:
    frame = incident.user_frame
    facts = diagnosis.facts
    where = (frame.file, frame.line) if frame else (None, None)
    shape = facts.get("input_shape")
    if facts["reading"] == "channels-first-data":
        snippet = ("x = np.transpose(x, (0, 2, 3, 1))  # (N, C, H, W) -> (N, H, W, C)\n"
                   "# and declare the input channels last: keras.Input((H, W, C))")
        return Fix("Put the channel axis last", Applicability.DISPLAY_ONLY, snippet, *where)
    if facts["reading"] == "channels-first-layers":
        snippet = ('keras.backend.set_image_data_format("channels_last")  # or "image_data_format": '
                   '"channels_last" in ~/.keras/keras.json')
        return Fix("Use channels-last layers for channels-last images",
                    Applicability.DISPLAY_ONLY, snippet, *where)
    if facts["reading"] == "padded":
        snippet = "model.predict(np.expand_dims(image, axis=0))  # one image -> a batch of one"
        return Fix("Give the model a batch, not a single image", Applicability.DISPLAY_ONLY,
                    snippet, *where)
    code_line = frame.code.strip() if frame and frame.code else ""
    call = _layer_call(code_line) if code_line and "padding" not in code_line else None
    if call:
        padded = call[:-1] + (", " if not call.endswith("()") else "") + 'padding="same")'
        snippet = code_line.replace(call, padded, 1)
    else:
        snippet = (f"image = tf.image.resize(image, (H, W))  # the size the network was built for; "
                   f"the feature map here is {show(shape) if shape else 'too small'}")
    return Fix("Give the layer a spatial axis at least as large as its window",
                Applicability.DISPLAY_ONLY, snippet, *where)

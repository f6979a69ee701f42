"""An element-wise op gets two tensors whose shapes cannot broadcast.

## What it means
Element-wise ops (`+`, `-`, `*`, `/`, `Add`, `Multiply`, a loss' `y_true - y_pred`) pair the
values of two tensors position by position. Their shapes must be equal, or broadcastable
(each axis equal or 1). Here one axis has two different sizes that are both larger than 1.

## Why it happens
* A batch-size clash: one side has a hard-coded batch size (a constant, a tensor built for
  `batch_size=32`, a whole-dataset array closed over in a custom loss) while the other has the
  real batch (the last, partial batch of an epoch, or another batch size at evaluation).
* Two branches of a model that must be added (a residual shortcut) end with different shapes.
* A custom loss that returns one value per pair or per pixel instead of one per sample,
  multiplied by Keras with the per-sample weights.

## Example
```python
x_true = np.random.rand(1000, 1)
def loss(y_true, y_pred):                 # closes over the whole dataset
    return ops.mean(ops.square(y_pred - y_true) + ops.square(y_true - x_true), axis=-1)
model.fit(x, y, batch_size=10)            # y_true: (10, 1), x_true: (1000, 1)
```
TensorFlow graph (Keras 3 / tf-keras, shape inference):
    Dimensions must be equal, but are 10 and 1000 for '{{node compile_loss/loss/sub_1}} = Sub[T=DT_FLOAT](data_1, compile_loss/loss/sub_1/y)' with input shapes: [10,1], [1000,1].
TensorFlow op at run time:
    Incompatible shapes: [32,1] vs. [4,1]
TensorFlow GPU kernels:
    required broadcastable shapes
Keras 3 merge layers (`Add`, `Multiply`...):
    Inputs have incompatible shapes. Received shapes (56, 56, 64) and (28, 28, 128)

## Fix
```python
def loss(y_true, y_pred):                 # use per-batch tensors only
    return ops.mean(ops.square(y_pred - y_true), axis=-1)
shortcut = layers.Conv2D(128, 1, strides=2)(x)   # project the shortcut to the branch's shape
```
Take batch-dependent sizes from the data (`tf.shape(x)[0]`), never from a constant; or drop
the last partial batch (`drop_remainder=True`) when a fixed batch size is really needed.

## Fix safety
Deriving sizes from the data changes nothing in runs that worked. A projection shortcut adds
weights to the model; `drop_remainder=True` skips the last samples of every epoch.

## References
- https://github.com/keithito/tacotron/issues/16
- https://github.com/dennybritz/chatbot-retrieval/issues/32
- https://github.com/Dimsmary/Ossas_ChatBot/issues/39
- https://github.com/tensorflow/tensorflow/issues/43094
- https://github.com/keras-team/keras/issues/8813
- https://github.com/broadinstitute/keras-resnet/issues/21
- https://github.com/keras-team/keras/issues/11582
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
from tferrfix.incident import Incident
from tferrfix.patterns.layers._ops import op_info, shape_of

code = "TFE0207"
name = "elementwise-shape-mismatch"
family = "elementwise-shape-mismatch"
exceptions = ("ValueError", "InvalidArgumentError")

INFERENCE = lazy_regex.compile(
    r"Dimensions must be equal, but are (?P<x>\d+) and (?P<y>\d+) for '")
RUNTIME = lazy_regex.compile(
    r"Incompatible shapes: (?P<a>\[[^\]]*\]) vs\. (?P<b>\[[^\]]*\])")
GPU = lazy_regex.compile(r"required broadcastable shapes")
KERAS_MERGE = lazy_regex.compile(
    r"Inputs have incompatible shapes\. Received shapes (?P<a>\([^()]*\)) and (?P<b>\([^()]*\))")
OPERANDS = lazy_regex.compile(
    r"[Oo]perands could not be broadcast together with shapes (?P<a>\([^()]*\)) ?(?P<b>\([^()]*\))")
messages = (INFERENCE, RUNTIME, GPU, KERAS_MERGE, OPERANDS)
examples = (
    "Dimensions must be equal, but are 10 and 1000 for '{{node compile_loss/loss/sub_1}} = "
    "Sub[T=DT_FLOAT](data_1, compile_loss/loss/sub_1/y)' with input shapes: [10,1], [1000,1].",
    "Incompatible shapes: [32,1] vs. [4,1]",
    "required broadcastable shapes",
    "Inputs have incompatible shapes. Received shapes (56, 56, 64) and (28, 28, 128)",
)

ELEMENTWISE_OPS = frozenset((
    "Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "DivNoNan", "MulNoNan", "FloorDiv",
    "FloorMod", "Maximum", "Minimum", "SquaredDifference", "Pow", "Equal", "NotEqual",
    "Greater", "GreaterEqual", "Less", "LessEqual", "LogicalAnd", "LogicalOr", "SelectV2",
    "BroadcastTo", "BroadcastArgs", "Atan2", "Xdivy", "Xlogy"))
_NODE = lazy_regex.compile(r"(?:\[\[[Nn]ode:? |Detected at node '?)(?P<node>[\w./-]+)")
_LOSS = lazy_regex.compile(r"loss|crossentropy|sample_weight", flags=regex.I)


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if found:
                return _diagnose(incident, rx, found, text)
    return None


def _diagnose(incident, rx, found, text) -> Diagnosis | None:
    groups = found.groupdict()
    info = op_info(text)
    confidence = 0.85
    if rx is INFERENCE:
        if info["op"] is None:
            confidence = 0.5
        elif info["op"] not in ELEMENTWISE_OPS:
            return None  # MatMul, Concat...: another family's wording
        shapes = list(info["input_shapes"][:2])
    elif rx is GPU:
        shapes = []
        confidence = 0.8
    else:
        shapes = [shape_of(groups["a"]), shape_of(groups["b"])]
    shapes = [s for s in shapes if s is not None]
    node = info["node"]
    if node is None:
        named = _NODE.search(text)
        node = named["node"] if named else None
    op = node.rsplit("/", 1)[-1].split("_")[0] if info["op"] is None and node else info["op"]
    a, b = [*shapes, None, None][:2]
    differ = []
    if a is not None and b is not None and len(a) == len(b):
        differ = [i for i in range(len(a)) if a[i] not in (None, 1) and b[i] not in (None, 1)
                  and a[i] != b[i]]
    if a is not None and b is not None and rx is not KERAS_MERGE:
        # keras merge shapes come without the batch axis; the others carry it first
        batch_clash = differ == [0]
    else:
        batch_clash = False
    sizes = sorted((a[0], b[0])) if batch_clash else None
    facts = {
        "a": a, "b": b, "differing_axes": differ, "op": op, "node": node,
        "batch_clash": batch_clash,
        "batch_ratio": (sizes[1] // sizes[0]) if sizes and sizes[0] and sizes[1] % sizes[0] == 0 else None,
        "small": sizes[0] if sizes else None, "large": sizes[1] if sizes else None,
        "in_loss": bool((node and _LOSS.search(node)) or _LOSS.search(text[:2000])),
        "merge_layer": rx is KERAS_MERGE,
        "gpu": rx is GPU,
    }
    return Diagnosis.of(__name__, confidence=confidence, facts=facts,
                        evidence=[ev for ev in incident.evidence if ev.shape][:1])


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    where = (frame.file, frame.line) if frame else (None, None)
    code_line = frame.code.strip() if frame and frame.code else ""
    if facts["merge_layer"]:
        a, b = facts["a"], facts["b"]
        filters = b[-1] if b else "filters"
        snippet = (f"shortcut = layers.Conv2D({filters}, 1, strides=stride)(shortcut)  "
                   f"# project {a} to {b} before adding")
        if code_line:
            snippet += f"\n{code_line}"
        title = "Bring both branches to the same shape before merging"
    elif facts["batch_clash"]:
        snippet = ("n = tf.shape(y_true)[0]            # size per-batch tensors from the batch\n"
                   "ds = ds.batch(batch_size, drop_remainder=True)  # or drop the partial last batch")
        if code_line:
            snippet = f"# {code_line}\n# every tensor here must have the batch's size, not a fixed one\n" + snippet
        title = "Size batch-dependent tensors from the batch itself"
    else:
        snippet = (f"# {code_line}\n" if code_line else "") + \
            "print(a.shape, b.shape)  # make them equal, or 1 on the axes to broadcast"
        title = "Make the operands' shapes equal or broadcastable"
    fix = Fix(title, Applicability.DISPLAY_ONLY, snippet, *where)
    if facts["merge_layer"]:
        fix = _projected(incident, facts, fix)
    return [fix]


def _projected(incident: Incident, facts: dict[str, Any], fix: Fix) -> Fix:
    """In the merge on the failing line, project the operand with the larger feature map
    onto the other's shape with a strided 1x1 convolution — only where the shapes differ, so
    the same code stays unchanged where they already match (a ResNet projection shortcut).
    Unsafe: it adds a layer with weights to the model."""
    frame = incident.user_frame
    a, b = facts.get("a"), facts.get("b")
    if frame is None or frame.file is None or frame.line is None or not frame.code:
        return fix
    if incident.source != "live":
        return replace(fix, reason="explained from text: run the program under tferrfix to "
                                   "apply it")
    if not a or not b or len(a) != 3 or len(b) != 3 or None in (*a, *b):
        return replace(fix, reason="the operands are not two known feature maps")
    try:
        tree = ast.parse(frame.code.strip())
    except SyntaxError:
        return fix
    merges = [(n, n.args[0]) for n in ast.walk(tree) if isinstance(n, ast.Call) and n.args
              and isinstance(n.args[0], ast.List | ast.Tuple) and len(n.args[0].elts) == 2
              and all(isinstance(e, ast.Name) for e in n.args[0].elts)]
    if len(merges) != 1:
        return replace(fix, reason="the merged list is not found on the line")
    call, operands = merges[0]
    names = [e.id for e in operands.elts if isinstance(e, ast.Name)]
    func = call.func.func if isinstance(call.func, ast.Call) else call.func
    prefix = ast.unparse(func.value) + "." if isinstance(func, ast.Attribute) else None
    big, small = (0, 1) if a[0] > b[0] else (1, 0)
    (hb, wb, _), (hs, ws, _) = (a, b) if big == 0 else (b, a)
    assert None not in (hb, wb, hs, ws)
    if prefix is None or names[0] == names[1] or not hs or not ws or \
            hb % hs or wb % ws or hb // hs != wb // ws or hb == hs:
        return replace(fix, reason="no single strided projection brings one operand to "
                                   "the other's shape")
    other = names[small]
    template = (f"({prefix}Conv2D({other}.shape[-1], 1, strides={{0}}.shape[1] // "
                f"{other}.shape[1])({{0}}) if {{0}}.shape[1:] != {other}.shape[1:] else {{0}})")
    return replace(fix, title="Project the shortcut to the residual branch's shape",
                   applicability=Applicability.UNSAFE,
                   snippet=fix.snippet + f"\n# in place: {template.format(names[big])}",
                   edits=(edit(frame.file, frame.line, "wrap_name", name=names[big],
                               template=template),))

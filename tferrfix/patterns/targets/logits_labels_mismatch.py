"""The logits and labels given to a tf.nn cross-entropy do not line up.

## What it means
`tf.nn.softmax_cross_entropy_with_logits` wants logits and labels of the same shape,
(rows, classes); `tf.nn.sparse_softmax_cross_entropy_with_logits` wants labels with the
logits' shape minus the class axis, (rows,). Here the two disagree on the number of rows, on
their rank, or on their order.

## Why it happens
A hand-written reshape folds the batch into a different number of rows
(`tf.reshape(x, [-1, 7*7*64])` on 14x14x32 maps gives twice as many rows); a decoder fed
`targets[:, :-1]` emits T-1 steps while the loss gets all T target steps; only part of the
batch reaches the logits (a domain-adaptation split) but all labels are passed; labels with an
extra trailing axis of 1; `labels=` and `logits=` swapped; an expectation that the op
broadcasts (it does not).

## Example
```python
logits = decoder(targets[:, :-1])                     # (100, 19, 1000)
loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
    labels=tf.reshape(targets, [-1]), logits=tf.reshape(logits, [-1, 1000]))
```
TensorFlow op (graph or eager):
    logits and labels must have the same first dimension, got logits shape [1900,1000] and labels shape [2000]
TensorFlow 2.x, static shapes:
    `labels.shape` must equal `logits.shape` except for the last dimension. Received: labels.shape=(2000,) and logits.shape=(1900, 1000)
TensorFlow op, dense labels:
    logits and labels must be broadcastable: logits_size=[64,48] labels_size=[32,48]
TensorFlow 0.x:
    logits and labels must be same size: logits_size=[6,20] labels_size=[12,20]
TensorFlow 1.x, static ranks:
    Rank mismatch: Rank of labels (received 2) should equal rank of logits minus 1 (received 1)
TensorFlow 1.x, graph shape inference:
    Dimension 0 in both shapes must be equal, but are 5 and 20 for 'SoftmaxCrossEntropyWithLogits' (op: 'SoftmaxCrossEntropyWithLogits') with input shapes: [5,6], [20,6].
TensorFlow 1.x, shapes known only at run time:
    assertion failed: [] [Condition x == y did not hold element-wise:] [x (losses/fast_rcnn_cls_loss/SparseSoftmaxCrossEntropyWithLogits/Shape_1:0) = ] [101 1] [y (losses/fast_rcnn_cls_loss/SparseSoftmaxCrossEntropyWithLogits/strided_slice:0) = ] [101]

## Fix
```python
loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
    labels=tf.reshape(targets[:, 1:], [-1]), logits=tf.reshape(logits, [-1, 1000]))
```
Flatten per sample with `tf.reshape(x, [tf.shape(x)[0], -1])` (or `Flatten()`), never with a
hard-coded feature size; slice labels like the logits; `tf.squeeze(labels, -1)` for an extra
axis.

## Fix safety
Which side is wrong depends on the model: only the printed shapes are certain. Re-check the
shapes of both tensors right before the loss after the change; never silence the error by
reshaping labels to the logits' row count, that pairs logits with the wrong labels.

## References
- https://github.com/tensorflow/models/issues/6036
- https://github.com/variational-attention/tf-var-attention/issues/2
- https://github.com/xuanjihe/speech-emotion-recognition/issues/23
- https://github.com/pumpikano/tf-dann/issues/4
- https://github.com/talolard/MarketVectors/issues/5
- https://github.com/tensorflow/tensorflow/issues/11534
- https://github.com/kevinjliang/tf-Faster-RCNN/issues/31
"""

from __future__ import annotations

import ast
from dataclasses import replace

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.incident import Incident
from tferrfix.patterns.targets import _fix, _read
from tferrfix.patterns.targets._fix import fix, swap_keywords

code = "TFE0305"
name = "logits-labels-mismatch"
family = "logits-labels-mismatch"
exceptions = ("InvalidArgumentError", "ValueError")
messages = (
    _read.XENT_FIRST_DIM,
    _read.XENT_EXCEPT_LAST,
    _read.XENT_SIZE,
    _read.XENT_RANK,
    _read.XENT_RANK2,
    _read.XENT_DIM,
    _read.XENT_ASSERT,
    _read.SIGMOID_SAME_SHAPE,
)
examples = (
    "logits and labels must have the same first dimension, got logits shape [1900,1000] and labels shape [2000]",
    "`labels.shape` must equal `logits.shape` except for the last dimension. Received: labels.shape=(2000,) and logits.shape=(1900, 1000)",
    "logits and labels must be broadcastable: logits_size=[64,48] labels_size=[32,48]",
    "logits and labels must be same size: logits_size=[6,20] labels_size=[12,20]",
    "Rank mismatch: Rank of labels (received 2) should equal rank of logits minus 1 (received 1)",
    "Dimension 0 in both shapes must be equal, but are 5 and 20 for 'SoftmaxCrossEntropyWithLogits' (op: 'SoftmaxCrossEntropyWithLogits') with input shapes: [5,6], [20,6].",
    "assertion failed: [] [Condition x == y did not hold element-wise:] [x (losses/fast_rcnn_cls_loss/SparseSoftmaxCrossEntropyWithLogits/Shape_1:0) = ] [101 1] [y (losses/fast_rcnn_cls_loss/SparseSoftmaxCrossEntropyWithLogits/strided_slice:0) = ] [101]",
)


def match(incident: Incident) -> Diagnosis | None:
    return _read.diagnose(__name__, incident, family)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    relation = facts.get("relation")
    frame = incident.user_frame
    code_line = frame.code if frame else None
    if relation == "swapped":
        new = swap_keywords(code_line, "labels", "logits")
        snippet = new if new else "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=scores)"
        return [fix(incident, "Pass the class ids as labels= and the scores as logits=", snippet)]
    if relation == "labels-extra-axis":
        return [fix(incident, "Drop the labels' trailing axis of size 1",
                    "labels = tf.squeeze(labels, axis=-1)  # (N, 1) -> (N,)")]
    if relation == "sequence-shift":
        a, b = facts["steps"]
        snippet = (f"labels = targets[:, 1:]  # the logits cover {a} steps per sequence, the "
                   f"labels {b}: predict step t+1 from steps 0..t")
        out = fix(incident, "Shift the targets by one step, like the decoder input", snippet)
        return [_shift_labels(incident, out) if b == a + 1 else out]
    if relation == "logits-more":
        k = facts["factor"]
        snippet = ("x = tf.reshape(x, [tf.shape(x)[0], -1])  # flatten per sample, no "
                   f"hard-coded size\n# the logits have {k}x as many rows as the labels: a "
                   "reshape folded each sample into several rows")
        out = fix(incident, "Flatten each sample into one row before the logits layer", snippet)
        return [_flatten_size(incident, out, k) if isinstance(k, int) and k > 1 else out]
    if relation == "labels-more":
        k = facts["factor"]
        snippet = (f"# the labels have {k}x as many rows as the logits: select the same "
                   "samples for both\nloss = tf.nn.softmax_cross_entropy_with_logits("
                   "labels=tf.gather(labels, kept), logits=logits)")
        return [fix(incident, "Give the loss the labels of exactly the samples in the logits",
                    snippet)]
    snippet = ("print(logits.shape, labels.shape)  # right before the loss\n"
               "# dense op: both (rows, classes); sparse op: labels = logits.shape[:-1]")
    return [fix(incident, "Make logits and labels describe the same rows", snippet)]


_XENT = ("sparse_softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits")


def _shift_labels(incident: Incident, out: Fix) -> Fix:
    """``out`` with the labels of the user's cross-entropy call shifted by one step:
    ``labels=tf.reshape(targets, [-1])`` -> ``tf.reshape(targets[:, 1:], [-1])``, when the
    source feeds the decoder ``targets[:, :-1]`` (teacher forcing) of that same tensor."""
    path, reason = _fix.live_file(incident)
    if path is None:
        return out if out.reason else out.lowered(reason or "")
    sites = [c for name in _XENT for c in _fix.calls(path, name)]
    if len(sites) != 1:
        return out.lowered("the source does not hold exactly one tf.nn cross-entropy call")
    labels = _fix.argument(sites[0], "labels", 99)
    # the labels themselves, or the one tensor a reshape of them flattens
    inner = labels
    method, template = "", "{}[:, 1:]"
    if isinstance(labels, ast.Call) and _fix.called_name(labels.func) == "reshape" \
            and labels.args:
        inner, method = labels.args[0], "reshape"
    if not isinstance(inner, ast.Name) or labels is None:
        return out.lowered("the labels are not one named tensor")
    if not _teacher_forced(path, inner.id):
        return out.lowered(f"the source does not feed `{inner.id}[:, :-1]` to the model")
    if method:
        edits = (edit(path, labels.lineno, "wrap_argument", template=template, method=method,
                      position=0),)
    else:
        call = _fix.called_name(sites[0].func) or ""
        edits = (edit(path, labels.lineno, "wrap_argument", template=template, method=call,
                      keyword="labels"),)
    return replace(out, applicability=Applicability.UNSAFE, file=path, line=labels.lineno,
                   edits=edits)


def _teacher_forced(path: str, name: str) -> bool:
    """The source slices ``name[:, :-1]`` (the decoder's input, one step short)."""
    tree = _fix.module(path)
    if tree is None:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
                and node.value.id == name and isinstance(node.slice, ast.Tuple) \
                and len(node.slice.elts) == 2:
            first, second = node.slice.elts
            if isinstance(first, ast.Slice) and first.lower is None and first.upper is None \
                    and isinstance(second, ast.Slice) and second.lower is None \
                    and ast.unparse(second.upper or ast.Constant(None)) == "-1":
                return True
    return False


def _constant(node: ast.expr) -> int | None:
    """The value of a size written with literals only (``7 * 7 * 64``)."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _constant(node.operand)
        return -inner if inner is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Add, ast.Sub)):
        left, right = _constant(node.left), _constant(node.right)
        if left is None or right is None:
            return None
        return left * right if isinstance(node.op, ast.Mult) else \
            left + right if isinstance(node.op, ast.Add) else left - right
    return None


def _flatten_size(incident: Incident, out: Fix, factor: int) -> Fix:
    """``out`` with the hard-coded size of the user's ``tf.reshape(x, [-1, K])`` made ``factor``
    times larger, wherever the source writes that same size (the weights built for it): the
    reshape folded each sample into ``factor`` rows, so a sample holds ``factor * K`` values."""
    path, reason = _fix.live_file(incident)
    if path is None:
        return out if out.reason else out.lowered(reason or "")
    parsed = _fix.parsed(path)
    if parsed is None:
        return out.lowered("the source is not available")
    source, tree = parsed
    sizes = []
    for call in _fix.calls(path, "reshape"):
        shape = _fix.argument(call, "shape", 1)
        if isinstance(shape, (ast.List, ast.Tuple)) and len(shape.elts) == 2 and \
                _constant(shape.elts[0]) == -1 and _constant(shape.elts[1]) is not None:
            sizes.append(shape.elts[1])
    if len(sizes) != 1:
        return out.lowered("the source does not hold exactly one tf.reshape(x, [-1, size]) "
                           "with a hard-coded size")
    written = ast.get_source_segment(source, sizes[0])
    size = _constant(sizes[0])
    if not written or size is None:
        return out.lowered("the size of the reshape cannot be read")
    lines = sorted({node.lineno for node in ast.walk(tree) if isinstance(node, ast.expr)
                    and ast.get_source_segment(source, node) == written
                    and _constant(node) == size})
    new = f"{size * factor}"
    edits = tuple(edit(path, line, "replace_expression", old=written, new=new)
                  for line in lines)
    return replace(out, applicability=Applicability.UNSAFE, file=path, line=sizes[0].lineno,
                   snippet=out.snippet + f"\n# here: {written} -> {new} ({factor} x {size}), "
                   "in the reshape and in the weights built for it", edits=edits)

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

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Fix
from tferrfix.incident import Incident
from tferrfix.patterns.targets import _read
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
        return [fix(incident, "Shift the targets by one step, like the decoder input", snippet)]
    if relation == "logits-more":
        k = facts["factor"]
        snippet = ("x = tf.reshape(x, [tf.shape(x)[0], -1])  # flatten per sample, no "
                   f"hard-coded size\n# the logits have {k}x as many rows as the labels: a "
                   "reshape folded each sample into several rows")
        return [fix(incident, "Flatten each sample into one row before the logits layer",
                    snippet)]
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

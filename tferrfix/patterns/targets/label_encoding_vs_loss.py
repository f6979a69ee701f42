"""The labels are encoded differently from what the loss expects (one-hot vs integer ids).

## What it means
Keras has two losses for single-label classification that want different targets:
`categorical_crossentropy` wants one one-hot row per sample, shape (N, classes);
`sparse_categorical_crossentropy` (and `tf.nn.sparse_softmax_cross_entropy_with_logits`)
wants one integer class id per sample, shape (N,) or (N, 1). The model's output is
(N, classes) in both cases. Here the labels have the other encoding.

## Why it happens
Integer ids with a categorical loss: `image_dataset_from_directory` (default
`label_mode="int"`), `LabelEncoder`, tokenised next-word targets, or a forgotten
`to_categorical`. One-hot labels with a sparse loss: `to_categorical` / `pd.get_dummies` /
`one_hot=True` applied while the loss is `sparse_categorical_crossentropy`. A sparse loss
flattens one-hot labels of shape (N, C) into N*C ids, which is why TensorFlow reports
"2500 labels" for 250 samples of 10 classes.

## Example
```python
train_ds = keras.utils.image_dataset_from_directory("data/")      # integer labels
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(train_ds)
```
Keras 3 (3.x), integer ids with a categorical loss:
    Arguments `target` and `output` must have the same rank (ndim). Received: target.shape=(None,), output.shape=(None, 5)
Keras 3 (3.x), one-hot labels with a sparse loss:
    Argument `output` must have rank (ndim) `target.ndim - 1`. Received: target.shape=(250, 10), output.shape=(250, 10)
tf-keras 2.x, integer ids with `categorical_crossentropy`:
    Shapes (None, 1) and (None, 5) are incompatible
tf-keras 2.x, one-hot labels with `sparse_categorical_crossentropy`:
    `labels.shape` must equal `logits.shape` except for the last dimension. Received: labels.shape=(2500,) and logits.shape=(250, 10)
TensorFlow op (sparse loss, shapes known only at run time):
    logits and labels must have the same first dimension, got logits shape [250,10] and labels shape [2500]
tf.keras 1.x-2.1:
    You are passing a target array of shape (453, 1) while using as loss `categorical_crossentropy`. `categorical_crossentropy` expects targets to be binary matrices (1s and 0s) of shape (samples, classes).
Keras <= 2.3 / TF1:
    Error when checking target: expected fc1000 to have shape (4,) but got array with shape (1,)
    Error when checking target: expected activation_1 to have shape (None, None, 1) but got array with shape (1, 1, 2)
Keras 1.x / 2.0:
    Error when checking model target: expected dense_42 to have shape (None, 1) but got array with shape (1055, 3570)
TF1 placeholders and losses:
    Cannot feed value of shape (60000,) for Tensor 'Placeholder_1:0', which has shape '(?, 10)'
    Can not squeeze dim[1], expected a dimension of 1, got 10 for 'sparse_softmax_cross_entropy_loss/remove_squeezable_dimensions/Squeeze' (op: 'Squeeze') with input shapes: [100,10].

## Fix
```python
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")   # integer ids
# or keep the loss and one-hot the labels:
model.fit(x, keras.utils.to_categorical(y, num_classes))
```
For one-hot labels the other way round: `loss="categorical_crossentropy"`, or
`np.argmax(y, axis=-1)`.

## Fix safety
Switching between the sparse and the categorical form of the same loss computes the same
values, so it is safe when the labels are single-label class ids or one-hot rows. It is wrong
for multi-label targets (several 1s per row): those need `binary_crossentropy` and a sigmoid
output. Keras 2's "expected ... shape (1,)" can also mean a one-unit output layer (see
output-units-vs-classes).

## References
- https://github.com/nachi-hebbar/Transfer-Learning-ResNet-Keras/issues/1
- https://github.com/tensorflow/privacy/issues/38
- https://github.com/yeLer/cat_kind/issues/1
- https://github.com/tensorflow/tensorflow/issues/30397
- https://github.com/keras-team/keras/issues/3109
- https://www.developerload.com/error-while-using-categoricalcrossentropy
- https://github.com/keras-team/keras/issues/7749
- https://github.com/keras-team/keras/issues/7303
- https://github.com/tensorflow/tensorflow/issues/24831
- https://github.com/esantamariavazquez/EEG-Inception/issues/2
"""

from __future__ import annotations

from dataclasses import replace

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.incident import Incident
from tferrfix.patterns.targets import _fix, _read
from tferrfix.patterns.targets._fix import fix, rewrite_targets
from tferrfix.shapes import show

code = "TFE0302"
name = "label-encoding-vs-loss"
family = "label-encoding-vs-loss"
exceptions = ("ValueError", "InvalidArgumentError")
messages = (
    _read.K3_SAME_RANK,
    _read.K3_SPARSE_RANK,
    _read.K3_SAME_SHAPE,
    _read.SHAPES_INCOMPATIBLE,
    _read.XENT_EXCEPT_LAST,
    _read.XENT_FIRST_DIM,
    _read.XENT_RANK,
    _read.XENT_RANK2,
    _read.XENT_ASSERT,
    _read.PASSING_TARGET,
    _read.TARGET_ARRAY,
    _read.CHECK_TARGET,
    _read.FEED,
    _read.SPARSE_SQUEEZE,
)
examples = (
    "Arguments `target` and `output` must have the same rank (ndim). Received: target.shape=(None,), output.shape=(None, 5)",
    "Argument `output` must have rank (ndim) `target.ndim - 1`. Received: target.shape=(250, 10), output.shape=(250, 10)",
    "Shapes (None, 1) and (None, 5) are incompatible",
    "`labels.shape` must equal `logits.shape` except for the last dimension. Received: labels.shape=(2500,) and logits.shape=(250, 10)",
    "logits and labels must have the same first dimension, got logits shape [250,10] and labels shape [2500]",
    "You are passing a target array of shape (453, 1) while using as loss `categorical_crossentropy`. `categorical_crossentropy` expects targets to be binary matrices (1s and 0s) of shape (samples, classes).",
    "Error when checking target: expected fc1000 to have shape (4,) but got array with shape (1,)",
    "Error when checking target: expected activation_1 to have shape (None, None, 1) but got array with shape (1, 1, 2)",
    "Error when checking model target: expected dense_42 to have shape (None, 1) but got array with shape (1055, 3570)",
    "Error when checking model target: expected activation_2 to have shape (None, 10) but got array with shape (3, 1)",
    "Cannot feed value of shape (60000,) for Tensor 'Placeholder_1:0', which has shape '(?, 10)'",
    "Can not squeeze dim[1], expected a dimension of 1, got 10 for 'sparse_softmax_cross_entropy_loss/remove_squeezable_dimensions/Squeeze' (op: 'Squeeze') with input shapes: [100,10].",
)


# Wordings that only Keras prints: the loss is a compiled Keras loss even without frames.
_KERAS_WORDINGS = ("keras3-sparse-rank", "check-target", "keras3-rank", "passing-target",
                   "target-array")


def match(incident: Incident) -> Diagnosis | None:
    return _read.diagnose(__name__, incident, family)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    kind = facts.get("kind")
    frame = incident.user_frame
    code_line = frame.code if frame else None
    n = facts.get("units") or facts.get("classes") or "num_classes"
    if kind == "int-into-onehot":
        snippet = (f"y_batch = np.eye({n})[y_batch]  # integer ids {show(facts['target'])} "
                   f"-> one-hot rows, as `{facts['tensor']}` expects")
        return [fix(incident, "One-hot the labels before feeding them", snippet)]
    if kind == "onehot-into-int":
        snippet = (f"y_batch = np.argmax(y_batch, axis=-1)  # one-hot {show(facts['target'])} "
                   f"-> class ids, as `{facts['tensor']}` expects")
        return [fix(incident, "Feed class ids instead of one-hot rows", snippet)]
    if kind == "onehot-with-sparse":
        keras = facts.get("keras") or facts.get("wording") in _KERAS_WORDINGS
        if keras:
            first = ('model.compile(loss="categorical_crossentropy", optimizer="adam", '
                     'metrics=["accuracy"])  # was sparse_categorical_crossentropy')
        else:
            first = ('loss = tf.nn.softmax_cross_entropy_with_logits(labels=one_hot_labels, '
                     'logits=logits)\n# Keras: model.compile(loss="categorical_crossentropy", ...)')
        out = [_switch_loss(incident, fix(incident, "Use the categorical loss for one-hot labels",
                                          first), to_sparse=False) if keras else
               fix(incident, "Use the categorical loss for one-hot labels", first)]
        new = rewrite_targets(code_line, lambda a: f"np.argmax({a}, axis=-1)")
        if new is None:
            new = ("y = np.argmax(y, axis=-1)  # one-hot rows -> class ids" if keras else
                   "labels = tf.argmax(one_hot_labels, axis=-1)  # one-hot rows -> class ids")
        out.append(fix(incident, "Or keep the sparse loss and pass class ids", new))
        return out
    out = [_switch_loss(incident, fix(
        incident, "Use the sparse loss for integer class ids",
        'model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", '
        'metrics=["accuracy"])  # was categorical_crossentropy'), to_sparse=True)]
    new = rewrite_targets(code_line, lambda a: f"keras.utils.to_categorical({a}, {n})")
    if new:
        snippet = new
    elif code_line and "fit(" in code_line:
        snippet = (f"train_ds = train_ds.map(lambda x, y: (x, tf.one_hot(y, {n})))  "
                   '# or label_mode="categorical" when loading')
    else:
        snippet = f"y = keras.utils.to_categorical(y, {n})"
    out.append(fix(incident, "Or keep the categorical loss and one-hot the labels", snippet))
    return out


_CATEGORICAL = ("categorical_crossentropy", "CategoricalCrossentropy")
_INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


def _switch_loss(incident: Incident, out: Fix, *, to_sparse: bool) -> Fix:
    """``out`` with the edit switching the compiled loss between its categorical and sparse
    form, where the source names that loss exactly once."""
    path, reason = _fix.live_file(incident)
    if path is None:
        return out if out.reason else out.lowered(reason or "")
    model = _fix.live_model(incident)
    live_loss = str(model.detail("loss") or "") if model is not None else ""
    names = {"categorical_crossentropy": "sparse_categorical_crossentropy",
             "CategoricalCrossentropy": "SparseCategoricalCrossentropy"}
    if not to_sparse:
        names = {new: old for old, new in names.items()}
    if live_loss and live_loss not in names:
        return out.lowered(f"the model's loss is {live_loss}, not a (sparse) categorical "
                           "cross-entropy named in the source")
    pairs = tuple(f"{old}={new}" for old, new in names.items())
    sites = _fix.string_or_name_sites(path, pairs[:1], pairs)
    if len(sites) != 1:
        where = "nowhere" if not sites else f"{len(sites)} times"
        return out.lowered(f"the loss is named {where} in the source, not exactly once")
    line, transform, args = sites[0]
    return replace(out, applicability=_safety(incident, to_sparse), file=path, line=line,
                   edits=(edit(path, line, transform, **args),))


def _safety(incident: Incident, to_sparse: bool) -> Applicability:
    """Sparse and categorical forms of the loss compute the same values. Safe when the program
    shows integer class ids (one per sample) going to the categorical loss: the sparse loss
    reads them as exactly what they are. One-hot rows cannot be told from multi-label rows by
    their range, so the other direction stays unsafe."""
    if not to_sparse:
        return Applicability.UNSAFE
    targets = _fix.live_targets(incident)
    if targets is not None:
        shape = targets.shape or ()
        integer = targets.dtype in _INT_DTYPES
        ranked = len(shape) == 1 or (len(shape) == 2 and shape[-1] == 1)
        low, high = targets.detail("min"), targets.detail("max")
        model = _fix.live_model(incident)
        outputs = model.detail("output_shapes") if model is not None else None
        units = outputs[-1][-1] if outputs and outputs[-1] else None
        in_range = low is not None and low >= 0 and (
            high is None or not isinstance(units, int) or high < units)
        return Applicability.SAFE if integer and ranked and in_range else Applicability.UNSAFE
    for ev in incident.evidence:
        spec = ev.detail("element_spec") if ev.origin == "live" else None
        if ev.detail("role") == "model-input" and isinstance(spec, str):
            found = _LABEL_SPEC.search(spec)
            dims = [d for d in found["shape"].split(",") if d.strip()] if found else []
            if found and found["dtype"] in _INT_DTYPES and len(dims) == 1:
                return Applicability.SAFE
    return Applicability.UNSAFE


# the labels of a (features, labels) dataset: "..., TensorSpec(shape=(None,), dtype=tf.int32"
_LABEL_SPEC = lazy_regex.compile(r"TensorSpec\(shape=\((?P<shape>[^()]*)\), dtype=tf\.(?P<dtype>\w+)"
                            r"[^()]*\)\)$")

"""The model's last layer is not as wide as the targets.

## What it means
A classification loss compares every target row with the model's output row, value by value:
one-hot labels for 4 classes need an output of 4 units, a 0/1 target with
`binary_crossentropy` needs 1 unit. Here the output layer has a different number of units
than the targets have columns, so the loss cannot be computed.

## Why it happens
The model was copied from a tutorial or another project (`Dense(10)` for MNIST, a binary
`Dense(1, activation="sigmoid")` template) and trained on data with another number of classes;
the class count was taken from a folder listing that holds a stray entry (`desktop.ini`,
`.DS_Store`); one output was meant to predict several things at once (4 captcha characters in
one `Dense(4 * 26)`) while each target row holds only one of them.

## Example
```python
model = keras.Sequential([keras.Input(shape=(40,)), keras.layers.Dense(10, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(x_train, y_train)       # y_train: one-hot, shape (N, 4)
```
Keras 3 (3.x):
    Arguments `target` and `output` must have the same shape. Received: target.shape=(16, 4), output.shape=(16, 10)
tf-keras 2.x (categorical_crossentropy):
    Shapes (16, 4) and (16, 10) are incompatible
tf-keras 2.x (binary_crossentropy):
    `logits` and `labels` must have the same shape, received ((16, 1) vs (16, 6)).
tf.keras 1.x-2.1:
    A target array with shape (1080, 6) was passed for an output of shape (None, 10) while using as loss `categorical_crossentropy`. This loss expects targets to have the same shape as the output.
Keras <= 2.3 / TF1:
    Error when checking target: expected dense_1 to have shape (104,) but got array with shape (26,)
TensorFlow op:
    logits and labels must be broadcastable: logits_size=[32,8] labels_size=[32,7]
Keras 2.x graph (the compiled loss multiplies the targets by log(output)):
    Incompatible shapes: [32,29] vs. [32,30] [[{{node loss_3/dense_6_loss/mul}} = Mul[...](_arg_dense_6_target_0_1, loss_3/dense_6_loss/Log)]]

## Fix
```python
keras.layers.Dense(4, activation="softmax")        # one unit per class in y_train
model.compile(loss="categorical_crossentropy", optimizer="adam")
```
For a binary problem with 0/1 targets: `Dense(1, activation="sigmoid")` with
`binary_crossentropy`. Best derive the width from the data: `Dense(y_train.shape[-1])`.

## Fix safety
Changing the number of output units changes the model (and invalidates trained weights of that
layer). It is the right fix when the targets are right; when the targets are wrong (the wrong
label column, a one-hot encoding over a different class list), fix the data instead. When
Keras 2 expects width 1 the loss may also be `sparse_categorical_crossentropy` (see
label-encoding-vs-loss).

## References
- https://github.com/MiteshPuthran/Speech-Emotion-Analyzer/issues/52
- https://github.com/rohanpillai20/Image-Classification-by-Keras-and-Tensorflow/issues/2
- https://github.com/keras-team/keras/issues/12910
- https://github.com/junliangliu/captcha/issues/7
- https://github.com/yongzhuo/Keras-TextClassification/issues/59
- https://github.com/krishnaik06/Deep-Learning-Car-Brand/issues/5
- https://github.com/dfalbel/speech-keras/issues/1
"""

from __future__ import annotations

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Edit, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.incident import Incident
from tferrfix.patterns.targets import _fix, _read
from tferrfix.patterns.targets._fix import fix

code = "TFE0301"
name = "output-units-vs-classes"
family = "output-units-vs-classes"
exceptions = ("ValueError", "InvalidArgumentError")
messages = (
    _read.K3_SAME_SHAPE,
    _read.SHAPES_INCOMPATIBLE,
    _read.SIGMOID_SAME_SHAPE,
    _read.TARGET_ARRAY,
    _read.CHECK_TARGET,
    _read.XENT_SIZE,
    _read.FEED,
    _read.LOSS_ELEMENTWISE,
)
examples = (
    "Arguments `target` and `output` must have the same shape. Received: target.shape=(16, 4), output.shape=(16, 10)",
    "Shapes (16, 4) and (16, 10) are incompatible",
    "`logits` and `labels` must have the same shape, received ((16, 1) vs (16, 6)).",
    "A target array with shape (1080, 6) was passed for an output of shape (None, 10) while using as loss `categorical_crossentropy`. This loss expects targets to have the same shape as the output.",
    "Error when checking target: expected dense_1 to have shape (104,) but got array with shape (26,)",
    "Error when checking target: expected dense_2 to have shape (1,) but got array with shape (6,)",
    "logits and labels must be broadcastable: logits_size=[32,8] labels_size=[32,7]",
    "Incompatible shapes: [32,29] vs. [32,30]\n\t [[{{node loss_3/dense_6_loss/mul}} = "
    'Mul[T=DT_FLOAT, _class=["loc:@training_3/Adadelta/gradients/loss_3/dense_6_loss/mul_grad/'
    'Reshape_1"], _device="/job:localhost/replica:0/task:0/device:CPU:0"]'
    "(_arg_dense_6_target_0_1, loss_3/dense_6_loss/Log)]]",
)


def match(incident: Incident) -> Diagnosis | None:
    return _read.diagnose(__name__, incident, family)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    classes, units, loss = facts.get("classes"), facts.get("units"), facts.get("loss")
    if facts.get("tensor"):
        snippet = (f"y = tf.placeholder(tf.float32, [None, {classes}])  # one column per class "
                   f"in the data, was {units}")
        return [fix(incident, "Make the labels placeholder as wide as the labels", snippet)]
    if classes == 1 and units not in (None, 1):
        # one 0/1 target per sample: a binary head
        snippet = (f'keras.layers.Dense(1, activation="sigmoid")  # was Dense({units})\n'
                   'model.compile(loss="binary_crossentropy", optimizer="adam", '
                   'metrics=["accuracy"])')
        return [fix(incident, "Give the model one sigmoid output for 0/1 targets", snippet)]
    if isinstance(units, int) and isinstance(classes, int) and units > classes > 1 \
            and units % classes == 0:
        k = units // classes
        snippet = (f"# {k} items of {classes} classes per sample: one row of {units} values\n"
                   f"y = np.concatenate([keras.utils.to_categorical(ids[:, i], {classes}) "
                   f"for i in range({k})], axis=-1)  # (N, {units})")
        return [fix(incident, f"Give each sample all {k} one-hot targets side by side",
                    snippet),
                fix(incident, f"Or predict one item per sample with {classes} units",
                    f'keras.layers.Dense({classes}, activation="softmax")  # was Dense({units})')]
    width = classes if classes is not None else "num_classes"
    lines = [f'keras.layers.Dense({width}, activation="softmax")  # was Dense({units}); '
             "one unit per class in the targets"]
    if loss in (None, "binary_crossentropy") or units == 1:
        lines.append('model.compile(loss="categorical_crossentropy", optimizer="adam", '
                     'metrics=["accuracy"])')
    if facts.get("alternative"):
        lines.append("# if the model already has one unit per class and is compiled with\n"
                     '# "sparse_categorical_crossentropy", use "categorical_crossentropy" '
                     "for one-hot targets instead")
    out = fix(incident, f"Give the output layer {width} units, one per class", "\n".join(lines))
    if not (isinstance(units, int) and isinstance(classes, int) and classes > 1):
        return [out]
    return [_fix.resize_output(incident, out, units, classes,
                               _softmax_head(incident) + _categorical_loss(incident, loss))]


def _softmax_head(incident: Incident) -> list[Edit]:
    """A sigmoid on the output (in the Dense or in an Activation after it) becomes a softmax
    when the output gets one unit per class, as the snippet says."""
    path, _ = _fix.live_file(incident)
    layers = _fix.model_layers(_fix.live_model(incident))
    if path is None or not layers:
        return []
    last = layers[-1]
    if last.get("class") == "Dense" and last.get("activation") == "sigmoid":
        dense, _ = _fix.output_layer_call(path, "Dense", last.get("units") or 0)
        if dense is not None and _fix.literal(_fix.argument(dense, "activation", 1)) == "sigmoid":
            return [edit(path, dense.lineno, "set_keyword", call="Dense", keyword="activation",
                         value='"softmax"')]
    if last.get("class") == "Activation" and last.get("activation") == "sigmoid":
        found = [c for c in _fix.calls(path, "Activation")
                 if _fix.literal(_fix.argument(c, "activation")) == "sigmoid"]
        if len(found) == 1:
            return [edit(path, found[0].lineno, "replace_string", old="sigmoid", new="softmax")]
    return []


def _categorical_loss(incident: Incident, loss: str | None) -> list[Edit]:
    """``binary_crossentropy`` -> ``categorical_crossentropy`` where the source names it once."""
    path, _ = _fix.live_file(incident)
    model = _fix.live_model(incident)
    live_loss = model.detail("loss") if model is not None else None
    if path is None or "binary" not in str(live_loss or loss or "").lower():
        return []
    sites = _fix.string_or_name_sites(
        path, ("binary_crossentropy=categorical_crossentropy",),
        ("BinaryCrossentropy=CategoricalCrossentropy",
         "binary_crossentropy=categorical_crossentropy"))
    if len(sites) != 1:
        return []
    line, transform, args = sites[0]
    return [edit(path, line, transform, **args)]

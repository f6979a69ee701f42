"""A Dense layer or MatMul inside the model gets another number of features than its kernel was made for.

## What it means
A Dense kernel (or a hand-made weight matrix) has shape (features in, units): it can only
multiply rows of exactly that many features. Here the tensor reaching it, produced by the
layers before it, has another width. The model's own parts disagree - this is not a matter
of the data given to the model.

## Why it happens
- A width fixed by hand inside the model: `Dense(..., input_dim=160)` or `input_shape=` on an
  inner layer, a sub-model built with `Input(shape=(160,))`, while the layer before it now
  produces 170 (a hyper-parameter such as the capsule size was changed).
- A weight matrix created with a fixed `in_channels`/size (`tf.Variable` of shape
  (784, 500), a custom Dense) while the flattened features fed to `tf.matmul` have another
  size - e.g. after changing the patch or image size, or decoding inputs with another dtype.
- A variant of an architecture (other padding, stride or pooling) whose convolution stack
  flattens to another size than the Dense after it was built for.

## Example
```python
decoder = keras.Sequential([keras.layers.Dense(512, input_dim=16 * n_class), ...])
train_model = keras.Model(x, decoder(masked))   # masked has 17 * n_class features
```
Keras 3 (3.x):
    Input 0 with name 'input_layer_1' of layer 'functional_3' is incompatible with the layer: expected shape=(None, 160), found shape=(None, 170)
tf-keras 2.x:
    Input 0 of layer "dense_1" is incompatible with the layer: expected axis -1 of input shape to have value 160, but received input with shape (None, 170)
tf-keras 2.x (TF <= 2.4):
    Input 0 of layer dense_30 is incompatible with the layer: expected axis -1 of input shape to have value 180 but received input with shape (32, 245)
TensorFlow op (MatMul):
    Matrix size-incompatible: In[0]: [100,170], In[1]: [160,512]
    Matrix size-incompatible: In[0]: [4,2048], In[1]: [512,1] [Op:MatMul] name: MatMul/

## Fix
```python
decoder = keras.Sequential([keras.layers.Dense(512), ...])   # let Keras size the kernel
# or compute the width from what feeds it:
keras.layers.Dense(512, input_dim=dim_capsule * n_class)
W = tf.Variable(tf.random.normal([features.shape[-1], units]))  # a hand-made weight
```

## Fix safety
Display only: re-sizing a layer changes the model (its weights no longer load from old
checkpoints); whether the layer or what feeds it is wrong is the user's call.

## References
- https://github.com/XifengGuo/CapsNet-Keras/issues/30
- https://github.com/MarzioMonticelli/python-cryptonet/issues/4
- https://github.com/caicloud/tensorflow-tutorial/issues/138
- https://github.com/tensorlayer/SRGAN/issues/150
"""

from __future__ import annotations

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.snippets import call_sites
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._spec import AXIS, FULL, MATMUL, diagnose_family

code = "TFE0202"
name = "dense-input-size-mismatch"
family = "dense-input-size-mismatch"
exceptions = ("ValueError", "InvalidArgumentError")
messages = (FULL, AXIS, MATMUL)
examples = (
    "Input 0 of layer dense_30 is incompatible with the layer: expected axis -1 of input shape "
    "to have value 180 but received input with shape (32, 245)",
    "Matrix size-incompatible: In[0]: [100,170], In[1]: [160,512]",
    "Matrix size-incompatible: In[0]: [4,2048], In[1]: [512,1] [Op:MatMul] name: MatMul/",
)


def match(incident: Incident) -> Diagnosis | None:
    found = diagnose_family(__name__, incident, family)
    if found is None:
        return None
    facts = found.facts
    received = facts["features"] if facts["features"] is not None else (
        facts["found"][-1] if facts["found"] else None)
    made_for = facts["kernel_in"] if facts["kernel_in"] is not None else (
        facts["value"] if facts["value"] is not None else (
            facts["expected"][-1] if facts["expected"] else None))
    facts.update(received_features=received, kernel_features=made_for)
    return found


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    frame = incident.user_frame
    got, want = facts["received_features"], facts["kernel_features"]
    if facts["wording"] == "matmul":
        units = facts["units"]
        x, w = "x", "W"
        for site in call_sites(frame.code) if frame and frame.code else []:
            if site.method.split(".")[-1] == "matmul" and len(site.args) == 2:
                x, w = site.args
                break
        snippet = (f"{w} = tf.Variable(tf.random.normal([{x}.shape[-1], {units}]))  "
                   f"# rows = features of {x} ({got}), not a fixed {want}; in a layer's "
                   f"build(), use input_shape[-1]")
        title = "Size the weight matrix from the features it multiplies"
    else:
        snippet = (f"keras.layers.Dense(units)  # no input_dim/input_shape inside the model: "
                   f"Keras sizes the kernel from the {got} features it receives")
        title = f"Let the layer take its input width ({got}) from the layer before it"
    return [Fix(title, Applicability.DISPLAY_ONLY, snippet,
                frame.file if frame else None, frame.line if frame else None)]

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

import ast

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.fixes.snippets import call_sites
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._axes import parsed_source
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
    file, line = (frame.file, frame.line) if frame else (None, None)
    if not file or incident.source != "live" or not isinstance(got, int) or \
            not isinstance(want, int):
        return [Fix(title, Applicability.DISPLAY_ONLY, snippet, file, line)]
    # The argument that made the kernel `want` wide: the one keyword in the source whose
    # value computes to `want` (module constants resolved). Setting it to the width that
    # arrives is unsafe: the layer's weights change size.
    places = _width_arguments(file, want)
    if len(places) != 1:
        why = ("no argument of the source computes to the kernel's input width" if not places
               else "several arguments of the source compute to the kernel's input width")
        return [Fix(title, Applicability.DISPLAY_ONLY, snippet, file, line, reason=why)]
    at, call, keyword, shaped = places[0]
    value = f"({got},)" if shaped else str(got)
    return [Fix(title, Applicability.UNSAFE, snippet, file, at,
                (edit(file, at, "set_keyword", call=call, keyword=keyword, value=value),))]


# Keywords that declare how many features a layer's kernel reads.
_WIDTH_KEYWORDS = ("input_dim", "input_shape", "in_channels", "in_features", "input_size",
                   "n_in", "in_units", "in_dim")


def _width_arguments(path: str, width: int) -> list[tuple[int, str, str, bool]]:
    """(line, call, keyword, as a 1-tuple) of each call argument declaring ``width``."""
    tree = parsed_source(path)
    if tree is None:
        return []
    constants = _module_constants(tree)
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else \
            func.id if isinstance(func, ast.Name) else None
        for keyword in node.keywords:
            if name is None or keyword.arg not in _WIDTH_KEYWORDS:
                continue
            value = keyword.value
            shaped = isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == 1
            if shaped:
                value = value.elts[0]  # type: ignore[attr-defined]
            elif keyword.arg == "input_shape":
                continue
            if _evaluate(value, constants) == width:
                out.append((node.lineno, name, keyword.arg, shaped))
    return sorted(out)


def _module_constants(tree: ast.Module) -> dict[str, int]:
    """Integers assigned once at the top level (``n_class, dim = 10, 16`` too)."""
    found: dict[str, list[int | None]] = {}
    for statement in tree.body:
        if not isinstance(statement, ast.Assign):
            continue
        for target in statement.targets:
            pairs: list[tuple[ast.expr, ast.expr | None]] = []
            if isinstance(target, ast.Name):
                pairs.append((target, statement.value))
            elif isinstance(target, ast.Tuple) and isinstance(statement.value, ast.Tuple) \
                    and len(target.elts) == len(statement.value.elts):
                pairs.extend(zip(target.elts, statement.value.elts, strict=True))
            for name, value in pairs:
                if isinstance(name, ast.Name):
                    number = _evaluate(value, {}) if value is not None else None
                    found.setdefault(name.id, []).append(number)
    return {k: v[0] for k, v in found.items() if len(v) == 1 and v[0] is not None}


def _evaluate(node: ast.expr, constants: dict[str, int]) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and \
            not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Add, ast.Sub)):
        left, right = _evaluate(node.left, constants), _evaluate(node.right, constants)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Mult):
            return left * right
        return left + right if isinstance(node.op, ast.Add) else left - right
    return None

"""An axis of the data has a different size than the model was built for.

## What it means
The rank is right but one axis (features, height, width, channels, sequence length)
has a different size from the model's input shape. The model's weights were sized for that
shape when it was built, so it cannot take other sizes. When the images are flattened inside
the model, the clash only shows up at the first Dense after `Flatten` (65536 features where
16384 were built for), but the cause is still the input size.

## Why it happens
Different preprocessing at training and prediction time (another image size, RGBA instead of
RGB, colour instead of grey-scale, other feature columns), part of the features left out, or
`input_shape`/a placeholder written for another data set (or with a typo).

## Example
```python
model = keras.Sequential([keras.Input(shape=(4396,)), keras.layers.Dense(1000), ...])
model.fit(X_batch, Y_batch)        # X_batch.shape == (32, 4096)
```
Keras 3 (3.x):
    Input 0 with name 'input_layer' of layer 'functional' is incompatible with the layer: expected shape=(None, None, None, 3), found shape=(1, 499, 552, 4)
    Input 0 with name 'None' of layer 'dense' is incompatible with the layer: expected axis -1 of input shape to have value 4396, but received input with shape (32, 4096)
tf-keras 2.x:
    Input 0 of layer "sequential" is incompatible with the layer: expected shape=(None, 4396), found shape=(32, 4096)
    Input 0 is incompatible with layer model_1: expected shape=(None, 224, 224, 3), found shape=(None, 48, 48, 1)
    Input 0 of layer sequential_5 is incompatible with the layer: expected axis -1 of input shape to have value 16039 but received input with shape (None, 439)
Keras <= 2.3 / TF1:
    Error when checking input: expected dense_5_input to have shape (4396,) but got array with shape (4096,)
    Error when checking input: expected input_1 to have shape (10, 200, 200, 3) but got array with shape (10, 128, 160, 3)
TensorFlow (TF1 feed_dict, MatMul):
    Cannot feed value of shape (64, 784) for Tensor 'x_data_2:0', which has shape '(?, 728)'
    Matrix size-incompatible: In[0]: [47,1000], In[1]: [4096,256]

## Fix
```python
x = np.hstack([image_features, question_features])   # the features the model was built for
img = img[..., :3]                                    # RGBA -> RGB
img = tf.image.resize(img, (224, 224))                # the size the model was built for
```

## Fix safety
Display only: whether the data or the model is wrong is the user's call.

## References
- https://github.com/keras-team/keras/issues/10563
- https://github.com/keras-team/keras/issues/19367
- https://github.com/krasserm/super-resolution/issues/74
- https://github.com/MathieuCarriere/perslay/issues/11
- https://github.com/pypower-codes/Emotion-Detection/issues/1
- https://github.com/HasnainRaz/Fast-SRGAN/issues/52
- https://github.com/tensorflow/tensorflow/issues/5751
- https://github.com/Hvass-Labs/TensorFlow-Tutorials/issues/5
- https://github.com/coxlab/prednet/issues/75
- https://github.com/keras-team/keras/issues/19249
- https://github.com/Div-Infinity/Image-Captioning/issues/14
- https://github.com/li-s/Handwriting-recognition/issues/9
"""

from __future__ import annotations

from dataclasses import replace

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.fixes.snippets import data_argument, rewrite_argument
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._axes import (
    advice_for,
    data_fix,
    keyword_literals,
    model_edit_fix,
    size_differences,
    square_scale,
    tf_import,
    wrappable,
)
from tferrfix.patterns.inputs._spec import MESSAGES, diagnose_family
from tferrfix.shapes import Shape, show

code = "TFE0106"
name = "input-size-mismatch"
family = "input-size-mismatch"
exceptions = ("ValueError", "InvalidArgumentError", "Exception")
messages = MESSAGES
examples = (
    "Input 0 with name 'input_layer' of layer 'functional' is incompatible with the layer: "
    "expected shape=(None, None, None, 3), found shape=(1, 499, 552, 4)",
    'Input 0 of layer "sequential" is incompatible with the layer: expected shape=(None, 4396), '
    "found shape=(32, 4096)",
    "Input 0 is incompatible with layer model_1: expected shape=(None, 224, 224, 3), found "
    "shape=(None, 48, 48, 1)",
    "Input 0 of layer sequential_5 is incompatible with the layer: expected axis -1 of input "
    "shape to have value 16039 but received input with shape (None, 439)",
    "Error when checking input: expected dense_5_input to have shape (4396,) but got array with "
    "shape (4096,)",
    "Error when checking input: expected input_1 to have shape (10, 200, 200, 3) but got array "
    "with shape (10, 128, 160, 3)",
    "Cannot feed value of shape (64, 784) for Tensor 'x_data_2:0', which has shape '(?, 728)'",
)


def match(incident: Incident) -> Diagnosis | None:
    found = diagnose_family(__name__, incident, family)
    if found is None:
        return None
    facts = found.facts
    diffs = size_differences(facts["expected"], facts["found"], facts["axis"], facts["value"],
                             facts["layer_kind"])
    built_for = None
    data = facts["model_input"]
    if facts["reason"] == "flattened" and data and len(data) == 4 and diffs:
        # The Dense after Flatten was sized for the images the model was built for; the ratio
        # of the feature counts is the ratio of the image areas.
        scale = square_scale(diffs[0]["got"], diffs[0]["want"])
        if scale and data[1] and data[2]:
            p_, q = scale
            if (data[1] * q) % p_ == 0 and (data[2] * q) % p_ == 0:
                built_for = (data[1] * q // p_, data[2] * q // p_)
    facts.update(diffs=diffs, advice=advice_for(diffs), built_for=built_for,
                 model_input_name=facts.get("model_input_name"))
    return found


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    code = frame.code if frame and frame.code else ""
    argument = data_argument(code) if code else None
    diffs, advice = facts["diffs"], facts["advice"]
    expected = facts["expected"]

    wraps: list[str] = []  # the change made to the data argument, as a template

    def on_data(wrap: str, fallback: str) -> str:
        wraps.append(wrap.replace("{x}", "{}"))
        if argument and wrappable(argument):
            line = rewrite_argument(code, lambda a: wrap.format(x=a))
            if line:
                return line
        return fallback

    if facts["reason"] == "flattened" and facts["model_input"]:
        data = facts["model_input"]
        built = facts["built_for"]
        title = "Build the model for the images you feed (or resize them)"
        snippet = (f"keras.Input(shape={show(data[1:])})  # the first layer's input_shape, "
                   f"instead of the size the model was built for")
        if built:
            snippet += f"\n# or: x = tf.image.resize(x, {built})"
    elif "rgba" in advice:
        title = "Drop the alpha channel"
        snippet = on_data("{x}[..., :3]", "img = img[..., :3]  # RGBA -> RGB")
    elif "grey-to-rgb" in advice:
        title = "Give the grey-scale images 3 channels"
        wrap = "np.repeat({x}, 3, axis=-1)"
        if "resize" in advice and expected is not None and None not in expected[1:3]:
            wrap = f"tf.image.resize({wrap}, ({expected[1]}, {expected[2]}))"
            title += f" and resize them to {expected[1]}x{expected[2]}"
        snippet = on_data(wrap, "x = " + wrap.format(x="x") + "  # 1 -> 3 channels")
    elif "rgb-to-grey" in advice:
        title = "Convert the images to grey-scale"
        snippet = on_data("tf.image.rgb_to_grayscale({x})", "x = tf.image.rgb_to_grayscale(x)")
    elif "resize" in advice and expected is not None and len(expected) == 4 and None not in expected[1:3]:
        size = (expected[1], expected[2])
        title = f"Resize the images to {size[0]}x{size[1]}"
        snippet = on_data(f"tf.image.resize({{x}}, {size})", f"x = tf.image.resize(x, {size})")
        if len(diffs) > 2 or any(d["role"] == "channels" for d in diffs):
            snippet += "  # and convert the channels"
    elif facts["wording"] == "feed" and diffs:
        want, got = diffs[-1]["want"], diffs[-1]["got"]
        title = f"Feed rows of {want} values, or declare the placeholder for {got}"
        snippet = (f"feed_dict={{X: x.reshape(len(x), {want})}}  # only if each row really holds "
                   f"{want} values (e.g. images read grey-scale)\n"
                   f"X = tf.compat.v1.placeholder(tf.float32, shape=(None, {got}))  # or size "
                   f"the placeholder for the data")
    elif diffs and diffs[-1]["role"] == "features":
        want, got = diffs[-1]["want"], diffs[-1]["got"]
        title = f"Give the model the {want} features it was built for"
        snippet = (f"assert x.shape[-1] == {want}, x.shape  # now {got}: compute the same "
                   f"features as for training\n# or build the model for them: "
                   f"keras.Input(shape=({got},))")
    else:
        title = "Bring the data to the model's input size"
        snippet = (f"x = ...  # shape (samples, *{show(expected[1:])})" if expected
                   else "x = ...  # the size the model was built for")
    template = wraps[-1] if wraps else None
    if facts["reason"] == "flattened" and facts["model_input"]:
        return [_declare_input(incident, title, snippet, tuple(facts["model_input"][1:]))]
    if template is not None and argument and wrappable(argument):
        # Unsafe: the data changes (channels dropped or converted, images resized).
        fix = data_fix(incident, template, title=title, applicability=Applicability.UNSAFE,
                       fallback=snippet)
        if fix.edits and "tf." in template and fix.file:
            fix = replace(fix, edits=(tf_import(fix.file), *fix.edits))
        return [replace(fix, snippet=snippet)]
    return [Fix(title, Applicability.DISPLAY_ONLY, snippet,
                frame.file if frame else None, frame.line if frame else None)]


def _declare_input(incident: Incident, title: str, snippet: str, data: Shape) -> Fix:
    """Declare the model's input as the size of the data it is fed: every literal
    ``input_shape=``/``shape=`` in the source equal to the size the model was built for."""
    model = next((ev for ev in incident.evidence if ev.origin == "live" and ev.kind == "model"
                  and ev.detail("input_shapes")), None)
    shapes = model.detail("input_shapes") if model is not None else None
    built = tuple(shapes[0][1:]) if shapes and len(shapes) == 1 and shapes[0] else None
    frame = incident.user_frame
    path = frame.file if frame else None
    edits = None
    if built and None not in data and built != data and len(built) == len(data):
        places = keyword_literals(path, ("input_shape", "shape"), built)
        if places and path:
            value = "(" + ", ".join(str(d) for d in data) + ")"
            edits = [edit(path, line, "set_keyword", call=call, keyword=keyword, value=value)
                     for line, call, keyword in places]
    # Unsafe: the model changes (a bigger input, a bigger Dense after Flatten).
    return model_edit_fix(incident, title, snippet, Applicability.UNSAFE, edits,
                          "the model's declared input shape was not found in the source")

"""The model expects a different number of inputs than it was given.

## What it means
A Keras model has a fixed number of inputs (one per `Input` layer). A Python list or tuple
passed as `x` is read as *one array per input*; a single array is one input. When the count
does not match, Keras stops before running anything.

## Why it happens
- A Python list of samples (images, sequences) passed as `x` instead of one stacked array:
  Keras sees one input per list element.
- A multi-input model (e.g. images + labels for a margin head, token ids + segment ids for
  BERT) called with only some of its inputs, or with the inputs wrapped in one list too many
  (`[[ids], [segments]]` becomes a single integer array).
- `validation_data=[x_val, y_val]` given as a list, which some versions read as two inputs.
- A data generator that yields another number of arrays than the model variant expects.

## Example
```python
model = keras.Model([images_in, labels_in], logits)    # two inputs
logits = model(images, training=True)                  # only one given
```
Keras 3 (3.x):
    Layer "arcface_model" expects 2 named input(s) with keys ['input_image', 'label'], but it received 1 input tensors. Pass inputs as a dict, e.g. `layer({'input_image': ..., 'label': ...})`.
tf-keras 2.x:
    Layer "model" expects 2 input(s), but it received 1 input tensors. Inputs received: [<tf.Tensor 'IteratorGetNext:0' shape=(None, 1, 31) dtype=int64>]
tf-keras 2.x (TF <= 2.6):
    Layer sequential_2 expects 1 inputs, but it received 2 input tensors. Inputs received: [<tf.Tensor 'IteratorGetNext:0' shape=(None, 28, 28) dtype=float32>, <tf.Tensor 'IteratorGetNext:1' shape=(None, 28, 28) dtype=float32>]
Keras <= 2.3 / TF1:
    Error when checking model input: the list of Numpy arrays that you are passing to your model is not the size the model expected. Expected to see 2 array(s), but instead got the following list of 4 arrays
A list of 12 images of 80x80 given as x (Keras 3, then tf-keras):
    Data cardinality is ambiguous. Make sure all arrays contain the same number of samples.'x' sizes: 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80
    Data cardinality is ambiguous:
      x sizes: 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80
      y sizes: 12

## Fix
```python
logits = model((images, labels), training=True)        # every input, in order (or a dict)
model.fit(np.array(image_list), labels)                # a list of samples -> one array
model.predict([np.array([ids]), np.array([segments])]) # one array per input
model.fit(x, y, validation_data=(x_val, y_val))        # a tuple, not a list
```

## Fix safety
Display only: which arrays belong to which input is known to the user, not to the message.
Stacking a list of samples with `np.array` is safe when all samples have the same shape.

## References
- https://github.com/peteryuX/arcface-tf2/issues/7
- https://github.com/bojone/lic2020_baselines/issues/9
- https://github.com/jasmcaus/opencv-course/issues/20
- https://github.com/percent4/keras_bert_multi_label_cls/issues/2
- https://github.com/ageron/handson-ml2/issues/281
- https://github.com/jiexunsee/rudimentary-ai-composer/issues/5
- https://github.com/icarofua/vehicle-rear/issues/4
"""

from __future__ import annotations

from dataclasses import replace

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.derive import wrap_data_argument
from tferrfix.incident import Incident
from tferrfix.patterns.inputs._counts import (
    CARDINALITY,
    EXPECTS,
    LIST_SIZE,
    read_call,
    read_counts,
)

code = "TFE0107"
name = "input-count-mismatch"
family = "input-count-mismatch"
exceptions = ("ValueError",)
messages = (EXPECTS, LIST_SIZE, CARDINALITY)
examples = (
    "Layer \"arcface_model\" expects 2 named input(s) with keys ['input_image', 'label'], but "
    "it received 1 input tensors. Pass inputs as a dict, e.g. `layer({'input_image': ..., "
    "'label': ...})`.",
    "Layer \"model\" expects 2 input(s), but it received 1 input tensors. Inputs received: "
    "[<tf.Tensor 'IteratorGetNext:0' shape=(None, 1, 31) dtype=int64>]",
    "Layer sequential_2 expects 1 inputs, but it received 2 input tensors. Inputs received: "
    "[<tf.Tensor 'IteratorGetNext:0' shape=(None, 28, 28) dtype=float32>, <tf.Tensor "
    "'IteratorGetNext:1' shape=(None, 28, 28) dtype=float32>]",
    "Error when checking model input: the list of Numpy arrays that you are passing to your "
    "model is not the size the model expected. Expected to see 2 array(s), but instead got the "
    "following list of 4 arrays",
    "Data cardinality is ambiguous. Make sure all arrays contain the same number of samples."
    "'x' sizes: 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80\n'y' sizes: 12",
    "Data cardinality is ambiguous:\n  x sizes: 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80\n"
    "  y sizes: 12\nMake sure all arrays contain the same number of samples.",
)


def match(incident: Incident) -> Diagnosis | None:
    counts = read_counts(incident)
    if counts is None:
        return None
    if counts.wording == "cardinality":
        if not counts.list_read_as_inputs:
            return None  # lengths differ for real: sample-count-mismatch
        confidence = 0.85
        facts = counts.facts()
        facts.update(expected_inputs=None, received_inputs=len(counts.x_sizes),
                     list_length=len(counts.x_sizes), sample_rows=counts.x_sizes[0])
    elif counts.wording in ("expects", "list-size"):
        if counts.expected_inputs == counts.received_inputs:
            return None
        confidence = 0.9
        facts = counts.facts()
        facts.update(list_length=None, sample_rows=None)
    else:
        return None
    frame = incident.user_frame
    call = read_call(frame.code if frame else "")
    facts.update(data=call.x, data_kind=call.x_kind, data_items=list(call.x_items),
                 validation_list=call.validation_list, method=call.method,
                 fewer=(facts["expected_inputs"] or 0) > (facts["received_inputs"] or 0))
    return Diagnosis.of(__name__, confidence=confidence, facts=facts)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    frame = incident.user_frame
    code = frame.code.strip() if frame and frame.code else ""
    data, kind, items = facts["data"], facts["data_kind"], facts["data_items"]
    title, snippet = "Pass one array per model input", ""
    if facts["validation_list"] and code.count(facts["validation_list"]) == 1:
        inner = facts["validation_list"].strip()[1:-1]
        title = "Give validation_data as a tuple (x, y)"
        snippet = code.replace(facts["validation_list"], f"({inner})", 1)
    elif data and code.count(data) == 1 and kind == "wrapped-list":
        title = "Remove the extra list around the inputs"
        snippet = code.replace(data, items[0], 1)
    elif data and code.count(data) == 1 and kind == "nested-list":
        title = "Make each input a NumPy array"
        snippet = code.replace(data, "[" + ", ".join(f"np.array({i})" for i in items) + "]", 1)
    elif facts["fewer"]:
        keys = facts["keys"]
        wanted = facts["expected_inputs"]
        if keys:
            parts = ", ".join(f"'{k}': ..." for k in keys)
            replacement = "{" + parts + "}"
        else:
            replacement = "(" + ", ".join(f"input_{i + 1}" for i in range(wanted or 2)) + ")"
        title = f"Pass all {wanted} inputs of the model"
        if data and code.count(data) == 1:
            snippet = code.replace(data, replacement, 1)
        else:
            snippet = f"model({replacement})"
    elif facts["expected_inputs"] not in (None, 1):
        wanted = facts["expected_inputs"]
        title = f"Give the model exactly {wanted} arrays per batch"
        snippet = "x = [" + ", ".join(f"input_{i + 1}" for i in range(wanted)) + "]  # one array per model input, in the order of model.inputs"
    elif data and code.count(data) == 1 and kind in ("name", "list"):
        title = "Stack the list of samples into one array"
        snippet = code.replace(data, f"np.array({data})", 1)
    else:
        snippet = "x = np.array(x)  # a list of samples -> one array (samples, ...)"
    template = _TEMPLATES.get(title)
    if template is not None and data and code.count(data) == 1:
        # The same change as the snippet, made on the data argument of the failing call.
        # Unsafe: which reading of a list (inputs or samples) is right, Keras cannot check.
        return [_with_snippet(wrap_data_argument(
            incident, template, title=title, applicability=Applicability.UNSAFE,
            fallback=snippet), snippet)]
    return [Fix(title, Applicability.DISPLAY_ONLY, snippet,
                frame.file if frame else None, frame.line if frame else None)]


_TEMPLATES = {
    "Remove the extra list around the inputs": "{}[0]",
    "Make each input a NumPy array": "[np.array(i) for i in {}]",
    "Stack the list of samples into one array": "np.array({})",
}


def _with_snippet(fix: Fix, snippet: str) -> Fix:
    """Keep the pattern's own snippet (the person-readable rewrite) on an applicable fix."""
    return replace(fix, snippet=snippet) if snippet else fix

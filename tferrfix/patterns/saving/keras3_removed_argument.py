"""Code passes a keyword argument that older Keras accepted and Keras 3 removed.

## What it means
Keras 3 (the `tf.keras` of TensorFlow >= 2.16) dropped arguments that Keras 2 and `tf.keras`
still took, often silently as deprecated aliases: `lr=` on optimizers, `batch_input_shape=` and
`weights=` on layers, `time_major=` on RNNs, `mask_value=` on `IntegerLookup`, `workers=` on
`fit`. Layers and optimizers collect unknown keywords in `**kwargs` and reject them, naming the
class and the keywords.

## Why it happens
Code, tutorials and libraries written for Keras 2 run under TensorFlow 2.16+, where `tf.keras`
is Keras 3. The argument is the problem, not its value.

## Example
```python
model.add(LSTM(4, batch_input_shape=(1, X_train.shape[1], X_train.shape[2]), stateful=True))
optimizer = optimizers.Adam(lr=lr, clipnorm=1.)
```
Keras 3 (layers):
    Unrecognized keyword arguments passed to LSTM: {'batch_input_shape': (1, 1, 7)}
    Unrecognized keyword arguments passed to Dense: {'weights': [array([[0., 0., 0., 0., 0., 0.],
Keras 3 (optimizers):
    Argument(s) not recognized: {'lr': 0.002}

## Fix
```python
model.add(keras.Input(batch_shape=(1, X_train.shape[1], X_train.shape[2])))
model.add(LSTM(4, stateful=True))
optimizer = optimizers.Adam(learning_rate=lr, clipnorm=1.)
keras.layers.Dense(6, kernel_initializer="zeros",
                   bias_initializer=keras.initializers.Constant(bias))   # instead of weights=
```
Or keep old code on Keras 2: `pip install tf-keras` and set `TF_USE_LEGACY_KERAS=1` before
TensorFlow is imported.

## Fix safety
Renames (`lr` -> `learning_rate`, `mask_value` -> `mask_token`) change nothing. Moving a batch
shape to `keras.Input(batch_shape=...)` builds the same model. Replacing `weights=` by
initializers gives the same starting values only if they encode the same arrays. When the
keyword is not a known Keras 2 argument (confidence below 0.7) it may simply be misspelled.
When the error comes from `load_model` on an old file, the code is not the problem: see
keras3-deserialization.

## References
- https://github.com/faustomorales/keras-ocr/issues/252
- https://github.com/keras-team/keras/issues/20106
- https://github.com/philipperemy/keras-tcn/issues/284
- https://github.com/tensorchiefs/dl_book/issues/18
- https://github.com/tensorflow/recommenders/issues/758
"""

from __future__ import annotations

from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.incident import Incident
from tferrfix.patterns.saving import _edit, _source
from tferrfix.patterns.saving._context import kwarg_names, kwarg_value, rebuild
from tferrfix.patterns.saving._removed import REMOVED

code = "TFE0503"
name = "keras3-removed-argument"
family = "keras3-removed-argument"
exceptions = ("ValueError", "TypeError")

# Keras 3 Layer / Model: "Unrecognized keyword arguments passed to LSTM: {...}".
PASSED_TO = lazy_regex.compile(
    r"Unrecognized keyword arguments? passed to [`'\"]?(?P<cls>\w+)[`'\"]?: ?(?P<kwargs>\{)"
)
# Keras 3 optimizers.
OPTIMIZER = lazy_regex.compile(r"Argument\(s\) not recognized: ?(?P<kwargs>\{)")
# Keras 3 preprocessing lookups (IntegerLookup, StringLookup).
LOOKUP = lazy_regex.compile(r"Unrecognized keyword argument\(s\): ?(?P<kwargs>\{)")
# Keras 3 model.save / save_model with SavedModel-only arguments.
NOT_SUPPORTED = lazy_regex.compile(
    r"The following argument\(s\) are not supported(?: with the native Keras format)?: ?"
    r"(?P<kwargs>\[)"
)
# Plain Python, for functions without **kwargs (fit, compile): only for known removed names.
UNEXPECTED = lazy_regex.compile(
    r"(?:(?P<cls>[\w.]{1,200})\(\) )?got an unexpected keyword argument '(?P<name>\w+)'"
)
messages = (PASSED_TO, OPTIMIZER, LOOKUP, NOT_SUPPORTED, UNEXPECTED)

examples = (
    "Unrecognized keyword arguments passed to LSTM: {'batch_input_shape': (1, 1, 7)}",
    "Unrecognized keyword arguments passed to Dense: {'weights': [array([[0., 0., 0., 0., 0., 0.],\n"
    "       [0., 0., 0., 0., 0., 0.],\n"
    "       [0., 0., 0., 0., 0., 0.],",
    "Argument(s) not recognized: {'lr': 0.002}",
)

# Removed keywords distinctive enough that Python's own "got an unexpected keyword argument"
# names a Keras 2 habit (not `weights`, `init` or `options`, which many functions take).
_DISTINCTIVE = frozenset({
    "lr", "decay", "batch_input_shape", "nb_epoch", "workers", "use_multiprocessing",
    "max_queue_size", "sample_weight_mode", "experimental_run_tf_function", "time_major",
    "input_length", "dim_ordering", "border_mode", "subsample", "nb_filter", "W_regularizer",
    "b_regularizer", "mask_value", "oov_value",
})
_OWNER = {OPTIMIZER: "the optimizer", LOOKUP: "the lookup layer", NOT_SUPPORTED: "save"}


def match(incident: Incident) -> Diagnosis | None:
    found = _find(incident)
    if found is None:
        return None
    rx, hit, text = found
    if rebuild(incident):
        # A saved file is being rebuilt: its stored config, not the code, holds the argument.
        return None
    names = [hit.group("name")] if rx is UNEXPECTED else kwarg_names(text[hit.start("kwargs"):])
    if not names:
        return None
    known = [REMOVED[n] for n in names if n in REMOVED]
    if rx is UNEXPECTED and not (known and known[0].name in _DISTINCTIVE):
        return None  # a plain wrong keyword, nothing Keras removed
    cls = (hit.groupdict().get("cls") or "").rsplit(".", 1)[-1] or _OWNER.get(rx)
    if rx is UNEXPECTED:
        confidence = 0.75
    elif known:
        confidence = 0.9
    else:
        confidence = 0.6
    values = {n: kwarg_value(text[hit.start("kwargs"):], n) for n in names} \
        if rx is not UNEXPECTED else {}
    primary = known[0] if known else None
    facts = {
        "cls": cls,
        "names": names,
        "unknown": [n for n in names if n not in REMOVED],
        "known": [{"name": r.name, "action": r.action, "replacement": r.replacement,
                   "why": r.why, "value": values.get(r.name)} for r in known],
        "primary": primary.name if primary else names[0],
        "action": primary.action if primary else "unknown",
        "replacement": primary.replacement if primary else None,
        "value": values.get(primary.name if primary else names[0]),
        "is_optimizer": rx is OPTIMIZER,
        "line": _edit.complete(incident.user_frame.code if incident.user_frame else None),
    }
    return Diagnosis.of(__name__, confidence=confidence, facts=facts)


def _find(incident: Incident) -> tuple[regex.Pattern[str], regex.Match[str], str] | None:
    for text in incident.messages:
        for rx in messages:
            hit = rx.search(text, timeout=1.0)
            if hit:
                return rx, hit, text
    return None


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    line = frame.code if frame else None
    where = (frame.file, frame.line) if frame else (None, None)
    title, snippet = _fix(line, diagnosis.facts)
    first = Fix(title, Applicability.DISPLAY_ONLY, snippet, *where)
    edits, level = _edits(incident, diagnosis.facts)
    if edits and incident.source == "live":
        first = Fix(title, level, snippet, where[0], where[1], edits=tuple(edits))
    elif edits:
        first = Fix(title, Applicability.DISPLAY_ONLY, snippet, where[0], where[1],
                    reason="explained from text: run the program under tferrfix to apply it")
    out = [first]
    out.append(Fix("Or run this Keras 2 code on tf-keras", Applicability.DISPLAY_ONLY,
                   'import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"  # before importing '
                   "tensorflow; needs `pip install tf-keras`", *where))
    return out


def _fix(line: str | None, facts: dict[str, Any]) -> tuple[str, str]:
    name_, action, cls = facts["primary"], facts["action"], facts["cls"] or "Layer"
    value = facts["value"]
    if action == "rename":
        new = line
        for item in facts["known"]:
            if item["action"] == "rename" and new:
                new = _edit.rename_keyword(new, item["name"], item["replacement"])
        if new:
            return (f"Rename `{name_}=` to `{facts['replacement']}=`", new.strip())
        if facts["is_optimizer"]:
            return (f"Rename `{name_}=` to `{facts['replacement']}=`",
                    f"optimizer = keras.optimizers.Adam({facts['replacement']}={value or '...'})"
                    f"  # any optimizer: {facts['replacement']}= instead of {name_}=")
        if cls.isidentifier():
            return (f"Rename `{name_}=` to `{facts['replacement']}=`",
                    f"{cls}(..., {facts['replacement']}={value or '...'})  # was {name_}=")
        return (f"Rename `{name_}=` to `{facts['replacement']}=`",
                f"{facts['replacement']}={value or '...'}  # instead of {name_}=")
    if action == "input":
        shape = _edit.keyword_value(line, name_) or value or "(batch, ...)"
        dropped = _edit.drop_keyword(line, name_)
        outer = _edit.outer_call(line)
        if dropped and outer and outer[0].endswith(".add"):
            return ("Give the batch shape to `keras.Input`",
                    f"{outer[0]}(keras.Input(batch_shape={shape}))\n{dropped.strip()}")
        return ("Give the batch shape to `keras.Input`",
                f"inputs = keras.Input(batch_shape={shape})  # first in the model\n"
                + (dropped.strip() if dropped else f"{cls}(...)  # without {name_}="))
    if action == "initializer":
        dropped = _edit.drop_keyword(line, name_)
        initializers = ("kernel_initializer=keras.initializers.Constant(kernel), "
                        "bias_initializer=keras.initializers.Constant(bias)")
        added = _edit.add_keyword(dropped, cls, initializers) if dropped else None
        if added:
            return ("Set the initial values with initializers", added.strip())
        return ("Set the initial values with initializers",
                f"layer = keras.layers.{cls}(..., {initializers})\n"
                "# or, once the layer is built: layer.set_weights([kernel, bias])")
    if action == "schedule":
        new = _edit.drop_keyword(line, name_)
        schedule = (f"keras.optimizers.schedules.InverseTimeDecay(initial_learning_rate, "
                    f"decay_steps=1, decay_rate={value or 'decay'})")
        renamed = _edit.rename_keyword(new, "lr", "learning_rate") if new else None
        base = renamed or new
        return ("Use a learning-rate schedule instead of `decay=`",
                f"learning_rate = {schedule}\n" + (base.strip() if base else
                                                   f"{cls}(learning_rate=learning_rate)"))
    if action == "export":
        model = _edit.receiver(line, "save") or "model"
        path = _edit.argument(line, ("save", "save_model"), 0, "filepath") or "export_dir"
        return ("Export a SavedModel with `model.export`", f"{model}.export({path})")
    dropped = _edit.drop_keyword(line, name_)
    note = "removed in Keras 3" if action != "unknown" else "not a Keras 3 argument of " + cls
    if action == "dataset":
        note += "; pass it to your keras.utils.PyDataset instead"
    return (f"Remove `{name_}=`",
            (dropped.strip() if dropped else f"{cls}(...)") + f"  # without {name_}=: {note}")


# --- edits (live incidents only) --------------------------------------------------------------

def _prefix(callee: str, group: str) -> str:
    """``keras`` from ``keras.layers.Dense``, ``tf.keras`` from ``tf.keras.layers.LSTM``;
    "" for a bare name (``Dense`` imported by name)."""
    head, _, _ = callee.rpartition(".")
    for part in (f".{group}", group):
        if head.endswith(part):
            head = head[: -len(part)].rstrip(".")
            break
    else:
        return ""
    return head if head in ("keras", "tf.keras", "tensorflow.keras") else ""


def _edits(incident: Incident, facts: dict[str, Any]) -> tuple[list[Edit], Applicability]:
    """The edits for the removed keyword, derived from the user's call in the file that ran.

    * rename (``lr`` -> ``learning_rate``...): safe, Keras 3 reads the same value under the
      new name;
    * ``batch_input_shape``: unsafe, an ``Input(batch_shape=...)`` before the layer (the same
      thing in Keras 3 when the layer is the model's first, which the file cannot prove);
    * ``weights=[kernel, bias]`` of a Dense/Conv layer: unsafe, ``Constant`` initializers with
      the same values.
    """
    frame = incident.user_frame
    if frame is None or not frame.file or not frame.line:
        return [], Applicability.UNSAFE
    file, line = frame.file, frame.line
    action, name_ = facts["action"], facts["primary"]
    renames = [item for item in facts.get("known", []) if item["action"] == "rename"]
    if action == "rename" and renames:
        edits = []
        for item in renames:
            found = _source.keyword_call(file, line, item["name"])
            if found is None:
                return [], Applicability.UNSAFE
            called = found[0].rpartition(".")[2]
            edits.append(edit(file, line, "rename_keyword", call=called, old=item["name"],
                              new=item["replacement"]))
        return edits, Applicability.SAFE
    found = _source.keyword_call(file, line, name_)
    if found is None:
        return [], Applicability.UNSAFE
    callee, value, elements = found
    called = callee.rpartition(".")[2]
    prefix = _prefix(callee, "layers")
    imports = [] if prefix else [edit(file, 0, "add_import", module="keras")]
    prefix = prefix or "keras"
    if action == "input" and name_ == "batch_input_shape":
        element = f"{prefix}.Input(batch_shape={value})"
        dropped = edit(file, line, "drop_keyword", call=called, keyword=name_)
        outer = _edit.outer_call(frame.code) if frame.code else None
        if outer and outer[0].endswith(".add") and _source.statement_is_call_of(file, line, "add"):
            receiver = outer[0][: -len(".add")]
            # the keyword first, while the line numbers are those of the file; imports last
            return [dropped, edit(file, line, "insert_statement",
                                  statement=f"{receiver}.add({element})"), *imports], \
                Applicability.UNSAFE
        return [dropped, edit(file, line, "insert_before_call", element=element,
                              before=called), *imports], Applicability.UNSAFE
    if action == "initializer" and elements and len(elements) <= 2 and \
            regex.fullmatch(r"Dense|Conv[123]D|Conv[123]DTranspose|SeparableConv[12]D",
                            called):
        keywords = ("kernel_initializer", "bias_initializer")
        edits = [edit(file, line, "set_keyword", call=called, keyword=keyword,
                      value=f"{prefix}.initializers.Constant({element})")
                 for keyword, element in zip(keywords, elements, strict=False)]
        return [*edits, edit(file, line, "drop_keyword", call=called, keyword=name_),
                *imports], Applicability.UNSAFE
    return [], Applicability.UNSAFE

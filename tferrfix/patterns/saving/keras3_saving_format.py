"""A model is saved or loaded in a way Keras 3 no longer supports (file extension, save_format, SavedModel directory).

## What it means
Keras 3 (TensorFlow >= 2.16) picks the file format from the file name alone and knows two
formats for whole models: the native `.keras` zip file and legacy HDF5 (`.h5`). Weight files
must end in `.weights.h5`. It no longer writes or reads TensorFlow SavedModel directories: those
are made with `model.export(path)` and reloaded with `tf.saved_model.load` or
`keras.layers.TFSMLayer`.

## Why it happens
Code written for Keras 2 / `tf.keras` before TF 2.16:
* `model.save("my_model")` (no extension) used to write a SavedModel directory;
* `model.save(path, save_format="tf")` or `save_format="h5"`;
* `ModelCheckpoint("best.hdf5")` saving the full model, `save_weights("w.h5")`;
* `keras.models.load_model("saved_model_dir")` on a directory written by TF 2.x.

## Example
```python
model.save("tfmodel")
```
Keras 3 (3.x):
    Invalid filepath extension for saving. Please add either a `.keras` extension for the native Keras format (recommended) or a `.h5` extension. Use `model.export(filepath)` if you want to export a SavedModel for use with TFLite/TFServing/etc. Received: filepath=tfmodel.
Keras 3.0 (early wording):
    Invalid filepath extension for saving. Please add either a `.keras` extension for the native Keras format (recommended) or a `.h5` extension. Use `tf.saved_model.save()` if you want to export a SavedModel for use with TFLite/TFServing/etc. Received: filepath=/tmp/pytest-of-runner/pytest-0/test_scoring_server_successful1/mod
Keras 3, `save_format=`:
    The `save_format` argument is deprecated in Keras 3. Please remove this argument and pass a file path with either `.keras` or `.h5` extension.Received: save_format=tf
Keras 3, `load_model` on a SavedModel directory:
    File format not supported: filepath=/tmp/tmpea7_jhpo/classifier. Keras 3 only supports V3 `.keras` files and legacy H5 format files (`.h5` extension). Note that the legacy SavedModel format is not supported by `load_model()` in Keras 3.
Keras 3, `ModelCheckpoint` and `save_weights`:
    The filepath provided must end in `.keras` (Keras model format). Received: filepath=/tmp/tmp939vs8n4/best_model.hdf5
    The filename must end in `.weights.h5`. Received: filepath=....model_init.hdf5

## Fix
```python
model.save("tfmodel.keras")                 # a Keras model file
model.export("tfmodel")                      # a SavedModel for TF Serving / TFLite
layer = keras.layers.TFSMLayer("saved_model_dir", call_endpoint="serving_default")  # reload one
ModelCheckpoint(filepath="best_model.keras")  # or save_weights_only=True with "best.weights.h5"
```

## Fix safety
Renaming the file only changes its name and format; code that reloads it must use the new name.
`model.export` writes an inference-only SavedModel (no optimizer state, no `fit`); `TFSMLayer`
reloads one for inference only. To keep loading an old SavedModel as a full Keras model, run
the old code under tf-keras (`pip install tf-keras`, `TF_USE_LEGACY_KERAS=1`) instead.

## References
- https://github.com/menouarazib/eventdetector/issues/3
- https://github.com/mlflow/mlflow/pull/10162
- https://github.com/KichangKim/DeepDanbooru/issues/106
- https://github.com/cbrnr/sleepecg/issues/214
- https://github.com/kr-colab/ReLERNN/issues/53
- https://github.com/hfawaz/dl-4-tsc/issues/53
- https://github.com/nicknochnack/Tensorflow-in-10-Minutes/pull/4
- https://github.com/c2siorg/tensormap/issues/411
- https://github.com/Hrushi11/Real-TIme-Skin-Type-Detection/issues/1
"""

from __future__ import annotations

import ast

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.incident import Incident
from tferrfix.patterns.saving import _edit, _source

code = "TFE0502"
name = "keras3-saving-format"
family = "keras3-saving-format"
exceptions = ("ValueError",)

_PATH = r"(?P<path>[^\n]*)"
SAVE_EXTENSION = lazy_regex.compile(
    r"Invalid filepath extension for saving\. Please add either a `\.keras` extension"
    r"[^\n]*?Received: filepath=" + _PATH
)
SAVE_FORMAT = lazy_regex.compile(
    r"The `save_format` argument is (?:deprecated|no longer supported) in Keras 3\.[^\n]*?"
    r"Received: save_format=(?P<fmt>\w+)"
)
LOAD_SAVEDMODEL = lazy_regex.compile(
    r"File format not supported: filepath=(?P<path>[^\n]*?)\. Keras 3 only supports"
)
CHECKPOINT = lazy_regex.compile(
    r"(?P<weights_only>When using `save_weights_only=True` in `ModelCheckpoint`, )?"
    r"the filepath provided must end in `(?P<want>\.keras|\.weights\.h5)`[^\n]*?"
    r"Received: filepath=" + _PATH,
    flags=regex.I,
)
WEIGHTS = lazy_regex.compile(
    r"The filename must end in `(?P<want>\.weights\.h5|\.weights\.json)`[^\n]*?"
    r"Received: filepath=" + _PATH
)
messages = (SAVE_EXTENSION, SAVE_FORMAT, LOAD_SAVEDMODEL, CHECKPOINT, WEIGHTS)
_KINDS = {SAVE_EXTENSION: "save-extension", SAVE_FORMAT: "save-format", LOAD_SAVEDMODEL:
          "load-savedmodel", CHECKPOINT: "checkpoint", WEIGHTS: "weights"}

examples = (
    "Invalid filepath extension for saving. Please add either a `.keras` extension for the "
    "native Keras format (recommended) or a `.h5` extension. Use `model.export(filepath)` if "
    "you want to export a SavedModel for use with TFLite/TFServing/etc. Received: "
    "filepath=tfmodel.",
    "Invalid filepath extension for saving. Please add either a `.keras` extension for the "
    "native Keras format (recommended) or a `.h5` extension. Use `tf.saved_model.save()` if "
    "you want to export a SavedModel for use with TFLite/TFServing/etc. Received: "
    "filepath=/tmp/pytest-of-runner/pytest-0/test_scoring_server_successful1/mod",
    "The `save_format` argument is deprecated in Keras 3. Please remove this argument and pass "
    "a file path with either `.keras` or `.h5` extension.Received: save_format=tf",
    "The `save_format` argument is deprecated in Keras 3. Please remove this argument and pass "
    "a file path with either `.keras` or `.h5` extension.Received: save_format=h5",
    "File format not supported: filepath=/tmp/tmpea7_jhpo/classifier. Keras 3 only supports V3 "
    "`.keras` files and legacy H5 format files (`.h5` extension). Note that the legacy "
    "SavedModel format is not supported by `load_model()` in Keras 3. In order to reload a "
    "TensorFlow SavedModel as an inference-only layer in Keras 3, use "
    "`keras.layers.TFSMLayer(/tmp/tmpea7_jhpo/classifier, call_endpoint='serving_default')",
    "The filepath provided must end in `.keras` (Keras model format). Received: "
    "filepath=/tmp/tmp939vs8n4/best_model.hdf5",
    "The filename must end in `.weights.h5`. Received: filepath=....model_init.hdf5",
)

_EXT = lazy_regex.compile(r"(?:\.weights)?\.(?:h5|hdf5|keras|tf|pb|ckpt|json)$", flags=regex.I)


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if found:
                return Diagnosis.of(__name__, confidence=0.95,
                                    facts=_facts(_KINDS[rx], found, incident))
    return None


def _facts(kind: str, found: regex.Match[str], incident: Incident) -> dict[str, object]:
    groups = found.groupdict()
    path = (groups.get("path") or "").strip()
    if kind in ("save-extension",) and path.endswith("."):
        path = path[:-1]  # the message ends its sentence after the path
    fmt = (groups.get("fmt") or "").lower() or None
    want = groups.get("want")
    if kind == "save-extension":
        target = ".keras"
    elif kind == "save-format":
        target = ".h5" if fmt in ("h5", "hdf5") else ".keras"
    elif kind == "checkpoint":
        target = want or ".keras"
        if groups.get("weights_only"):
            kind = "checkpoint-weights"
    elif kind == "weights":
        target = want or ".weights.h5"
    else:
        target = None
    frame = incident.user_frame
    return {
        "kind": kind,
        "path": path or None,
        "fmt": fmt,
        "target_ext": target,
        "suggested": _renamed(path, target) if path and target else None,
        "cut": kind == "save-extension" and not found.group(0).rstrip().endswith("."),
        "exported": "model.export" in found.string,
        "user_call": _edit.complete(frame.code if frame else None),
    }


def _renamed(path: str, target: str) -> str:
    base = _EXT.sub("", path)
    return base + target


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    line = frame.code if frame else None
    facts = diagnosis.facts
    kind = facts["kind"]
    where = (frame.file, frame.line) if frame else (None, None)
    out: list[Fix] = []
    if kind in ("save-extension", "weights", "checkpoint", "checkpoint-weights"):
        title = {
            "save-extension": "Save to a `.keras` file",
            "weights": "Name the weights file `*.weights.h5`",
            "checkpoint": "Give the checkpoint a `.keras` file name",
            "checkpoint-weights": "Name the weights checkpoint `*.weights.h5`",
        }[kind]
        out.append(_applied(Fix(title, Applicability.DISPLAY_ONLY, _rename_snippet(line, facts),
                                *where), incident, _rename_edits(incident, facts)))
        if kind == "save-extension":
            model = _edit.receiver(line, "save") or "model"
            path = _edit.argument(line, ("save",), 0, "filepath") or \
                ("path" if facts["cut"] or not facts["path"] else repr(facts["path"]))
            out.append(Fix("Or export a SavedModel for serving", Applicability.DISPLAY_ONLY,
                           f"{model}.export({path})", *where))
        return out
    if kind == "save-format":
        if facts["fmt"] in ("tf", "savedmodel", "saved_model"):
            model = _edit.argument(line, ("save_model",), 0, "model") or \
                _edit.receiver(line, "save") or "model"
            path = _edit.argument(line, ("save_model",), 1, "filepath") or \
                _edit.argument(line, ("save",), 0, "filepath") or "export_dir"
            snippet = f"{model}.export({path})  # a SavedModel, what save_format=\"tf\" wrote"
            called = _save_call(line)
            # Unsafe: the exported SavedModel serves inference only (no optimizer, no fit),
            # which is what save_format="tf" was mostly used for, not all of it.
            edits = [edit(where[0], where[1], "replace_call", call=called,
                          new=f"{model}.export({path})")] \
                if called and where[0] and where[1] and _edit.complete(line) else []
            out.append(_applied(Fix("Export the SavedModel with `model.export`",
                                    Applicability.DISPLAY_ONLY, snippet, *where), incident,
                                edits, Applicability.UNSAFE))
            dropped = _edit.drop_keyword(line, "save_format")
            alt = _with_extension(dropped, ".keras") or 'model.save("model.keras")'
            out.append(Fix("Or save a Keras file and drop `save_format`",
                           Applicability.DISPLAY_ONLY, alt, *where))
            return out
        dropped = _edit.drop_keyword(line, "save_format")
        snippet = _with_extension(dropped, str(facts["target_ext"])) or \
            f'model.save("model{facts["target_ext"]}")  # the extension picks the format'
        called = _save_call(line)
        edits = [edit(where[0], where[1], "drop_keyword", call=called, keyword="save_format")] \
            if called and where[0] and where[1] else []
        renamed = _rename_edits(incident, {**facts, "path": _literal_path(line)})
        return [_applied(Fix("Drop `save_format`; let the file extension pick the format",
                             Applicability.DISPLAY_ONLY, snippet, *where), incident,
                         (edits + renamed[0], renamed[1]) if edits and renamed[0] else [])]
    # load-savedmodel
    path = _edit.argument(line, ("load_model",), 0, "filepath") or repr(facts["path"] or "path")
    replaced = _edit.replace_call(
        line, ("load_model",),
        lambda _: f'keras.layers.TFSMLayer({path}, call_endpoint="serving_default")')
    snippet = (replaced or f'model = keras.layers.TFSMLayer({path}, call_endpoint="serving_default")')
    snippet += "  # inference only: call it, no predict/fit"
    out.append(_applied(Fix("Reload the SavedModel as an inference layer",
                            Applicability.DISPLAY_ONLY, snippet, *where), incident,
                        _tfsm_edits(line, path, where), Applicability.UNSAFE))
    out.append(Fix("Or load it as a Keras 2 model with tf-keras", Applicability.DISPLAY_ONLY,
                   'import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"  # before importing '
                   "tensorflow; needs `pip install tf-keras`\n" + (line.strip() if line else
                                                                  f"model = tf.keras.models.load_model({path})"),
                   *where))
    return out


def _with_extension(line: str | None, target: str) -> str | None:
    """The save call on ``line`` with its path argument given the extension ``target``."""
    for method, position in (("save_model", 1), ("save", 0)):
        argument = _edit.argument(line, (method,), position, "filepath")
        if argument is None or line is None:
            continue
        try:
            value = ast.literal_eval(argument)
        except (ValueError, SyntaxError):
            value = None
        if isinstance(value, str):
            return _edit.replace_string(line, value, _renamed(value, target))
        return _edit.replace_source(line, argument, f'{argument} + "{target}"')
    return None


def _rename_snippet(line: str | None, facts: dict[str, object]) -> str:
    """The user's line with the path literal renamed, else a generic line with the new name."""
    path, suggested, target = facts["path"], facts["suggested"], facts["target_ext"]
    if facts.get("cut"):
        return (_with_extension(line, str(target))
                or f'model.save(path + "{target}")  # the path is cut off in the log')
    if line and path and suggested:
        for old in {str(path), str(path).rsplit("/", 1)[-1]}:
            new = _edit.replace_string(line, old, str(suggested) if old == path else
                                       _renamed(old, str(target)))
            if new:
                return new
        # The name is built from an expression (a variable, os.path.join...): rename the literal
        # part that carries the extension.
        tail = str(path).rsplit("/", 1)[-1]
        for ext in (".hdf5", ".h5", ".keras"):
            if tail.endswith(ext) and line.count(ext) == 1:
                return line.strip().replace(ext, str(target))
        argument = _edit.argument(line, ("save", "save_weights", "ModelCheckpoint", "save_model"),
                                  0, "filepath")
        if argument and not facts.get("cut") and facts["kind"] == "save-extension":
            return line.strip().replace(argument, f'{argument} + "{target}"', 1) \
                if line.count(argument) == 1 else f"# save to {suggested}"
    if suggested:
        kind = facts["kind"]
        if kind in ("checkpoint", "checkpoint-weights"):
            extra = ", save_weights_only=True" if kind == "checkpoint-weights" else ""
            return f'ModelCheckpoint(filepath="{suggested}"{extra}, ...)'
        if kind == "weights":
            return f'model.save_weights("{suggested}")'
        return f'model.save("{suggested}")'
    return f'model.save("model{target or ".keras"}")'


# --- edits (live incidents only) --------------------------------------------------------------

_Edits = tuple[list[Edit], Applicability] | list[Edit]


def _applied(fix: Fix, incident: Incident, found: _Edits,
             applicability: Applicability = Applicability.SAFE) -> Fix:
    """``fix`` carrying ``found`` edits at ``applicability`` when the incident is live."""
    edits, level = found if isinstance(found, tuple) else (found, applicability)
    if not edits:
        return fix
    if incident.source != "live":
        return Fix(fix.title, Applicability.DISPLAY_ONLY, fix.snippet, fix.file, fix.line,
                   reason="explained from text: run the program under tferrfix to apply it")
    return Fix(fix.title, level, fix.snippet, fix.file, fix.line, tuple(edits))


def _rename_edits(incident: Incident, facts: dict[str, object]) -> tuple[list[Edit], Applicability]:
    """Rename the string literal that spells the file name Keras refused. Safe when that
    literal appears once in the program (nothing else refers to the file by its old name);
    else unsafe (another use, a reload say, keeps the old name)."""
    frame = incident.user_frame
    target = facts.get("target_ext")
    if frame is None or not frame.file or not target:
        return [], Applicability.UNSAFE
    found = _source.literal_of_path(frame.file, str(facts.get("path") or "") or None)
    if found is None:
        return [], Applicability.UNSAFE
    value, line, count = found
    new = _renamed(value, str(target))
    if new == value:
        return [], Applicability.UNSAFE
    return ([edit(frame.file, line, "replace_string", old=value, new=new)],
            Applicability.SAFE if count == 1 else Applicability.UNSAFE)


def _save_call(line: str | None) -> str | None:
    """The name of the one save call on the line (``save_model`` or ``save``)."""
    for method in ("save_model", "save"):
        if _edit.argument(line, (method,), 0, "model" if method == "save_model" else "filepath"):
            return method
    return None


def _literal_path(line: str | None) -> str | None:
    """The file name of the save call on the line, when it is a string literal."""
    for method, position in (("save_model", 1), ("save", 0)):
        argument = _edit.argument(line, (method,), position, "filepath")
        try:
            value = ast.literal_eval(argument) if argument else None
        except (ValueError, SyntaxError):
            value = None
        if isinstance(value, str):
            return value
    return None


def _tfsm_edits(line: str | None, path: str, where: tuple[str | None, int | None]
                ) -> list[Edit]:
    """``load_model(d)`` -> a Sequential around ``TFSMLayer(d)``: inference only, but the
    program's later ``predict`` calls keep working. Same Keras prefix as the user's call."""
    file, lineno = where
    callee = _edit.outer_call(line, skip=("print",))
    if not file or not lineno or _edit.complete(line) is None or callee is None:
        return []
    func = callee[0] if callee[0].endswith("load_model") else None
    if func is None:
        calls = [c for c in ("load_model",) if _edit.argument(line, (c,), 0, "filepath")]
        if not calls:
            return []
        func = "load_model"
    prefix = regex.sub(r"\.?(?:models|saving)?\.?load_model$", "", func) or "keras"
    if prefix not in ("keras", "tf.keras", "tensorflow.keras"):
        return []
    new = (f"{prefix}.Sequential([{prefix}.layers.TFSMLayer({path}, "
           f'call_endpoint="serving_default")])')
    edits = [edit(file, lineno, "replace_call", call="load_model", new=new)]
    if prefix == "keras":
        edits.append(edit(file, 0, "add_import", module="keras"))  # last: it shifts lines
    return edits

"""A saved model cannot be rebuilt: a custom object is not registered, or the file was written by another Keras version.

## What it means
Loading a `.keras` or `.h5` file re-creates every layer, loss and metric from its stored config:
the class is looked up by name, then called with the stored arguments. Two things break this.
The name is unknown, because it is your own class or function and the loader was not told
about it (not registered, not passed in `custom_objects`, not imported). Or the stored
arguments are not accepted, because another major version of Keras wrote the file: Keras 2
configs hold arguments Keras 3 removed (`time_major`), Keras 3 configs hold arguments Keras 2
does not know (`batch_shape`).

## Why it happens
* A custom `Layer` subclass, loss or metric used in the model, loaded in a new session or
  script without `@keras.saving.register_keras_serializable()` or `custom_objects=`.
* Keras 3 wraps the failure of one component in "Functional could not be deserialized
  properly"; the real cause is in the chained exception or after "Exception encountered:".
* An `.h5` file trained under TensorFlow <= 2.15 (Keras 2) loaded under TensorFlow >= 2.16
  (Keras 3), or a `.keras` file from Keras 3 loaded with `tf.keras` 2.x.

## Example
```python
model = keras.models.load_model("model.keras")   # the model uses a custom layer
```
Keras 3 (3.x):
    Could not locate class 'TokenAndPositionEmbedding'. Make sure custom classes are decorated with `@keras.saving.register_keras_serializable()`. Full object config: {'module': None, 'class_name': 'TokenAndPositionEmbedding', ...
    Could not locate function 'attention_loss'. Make sure custom classes are decorated with `@keras.saving.register_keras_serializable()`. Full object config: {'module': 'builtins', 'class_name': 'function', 'config': 'attention_loss', 'registered_name': 'function'}
    <class 'keras.src.models.functional.Functional'> could not be deserialized properly. Please ensure that components that are Python object instances (layers, models, etc.) returned by `get_config()` are explicitly deserialized in the model's `from_config()` method.
tf-keras 2.x:
    Unknown layer: 'MyLayer'. Please ensure you are using a `keras.utils.custom_object_scope` and that this object is included in the scope. See https://www.tensorflow.org/guide/keras/save_and_serialize#registering_the_custom_object for details.
Keras <= 2.3 / tf.keras 2.3:
    Unknown layer: ArcFace
Keras 3 loading a Keras 2 `.h5` (raised under `load_model_from_hdf5` / `from_config` frames):
    Unrecognized keyword arguments passed to GRU: {'time_major': False}
tf.keras 2.x loading a Keras 3 `.keras` file (raised under `from_config` frames):
    Unrecognized keyword arguments: ['batch_shape']

## Fix
```python
@keras.saving.register_keras_serializable()
class TokenAndPositionEmbedding(keras.layers.Layer): ...       # imported before loading
model = load_model(model_path, custom_objects={"MyLayer": MyLayer})

# a Keras 2 file under Keras 3: load it with tf-keras
os.environ["TF_USE_LEGACY_KERAS"] = "1"   # before importing tensorflow; pip install tf-keras
```

## Fix safety
Registering a class or passing it in `custom_objects` only tells the loader what the name in the
file means; it must be the same class (same `__init__` arguments, same `get_config`) that was
saved. Loading with tf-keras reads the file as it was written. A shim subclass that drops a
removed argument is safe only when the argument had its default value (`time_major=False`).
`compile=False` skips rebuilding a custom loss, which is fine for inference only.

## References
- https://github.com/keras-team/keras/issues/19899
- https://github.com/keras-team/keras/issues/20806
- https://github.com/tensorflow/tensorflow/issues/100327
- https://github.com/BenWhetton/keras-surgeon/issues/44
- https://github.com/tensorflow/tensorflow/issues/43498
- https://github.com/tensorflow/tensorflow/issues/64685
- https://github.com/jongwon-han/RPNet/issues/1
- https://github.com/keras-team/keras/issues/8612
- https://github.com/keras-team/keras/issues/20750
"""

from __future__ import annotations

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.incident import Incident
from tferrfix.patterns.saving import _edit, _source
from tferrfix.patterns.saving._context import kwarg_names, kwarg_value, rebuild
from tferrfix.patterns.saving._removed import REMOVED

code = "TFE0504"
name = "keras3-deserialization"
family = "keras3-deserialization"
exceptions = ("TypeError", "ValueError")

# Keras 3 and tf-keras 2.13+ (serialization_lib).
LOCATE = lazy_regex.compile(r"Could not locate (?P<what>class|function) '(?P<obj>[^'\n]+)'")
PARENT = lazy_regex.compile(
    r"Could not deserialize (?P<what>class|function) '(?P<obj>[^'\n]+)' because its parent "
    r"module (?P<module>[\w.]+) cannot be imported"
)
# Keras 3 / tf-keras wrapper around any failure while a model's from_config runs.
WRAPPED = lazy_regex.compile(r"could not be deserialized properly")
# Keras 2.x, tf.keras 2.x (legacy serialization).
UNKNOWN = lazy_regex.compile(
    r"Unknown (?P<what>layer|loss function|metric function|activation function|initializer"
    r"|regularizer|constraint|optimizer|object|loss|metric): ?'?(?P<obj>[\w.]+)'?"
)
# Stored arguments the running Keras does not accept (only while a file is rebuilt).
VERSION_PASSED = lazy_regex.compile(
    r"Unrecognized keyword arguments? passed to [`'\"]?(?P<cls>\w+)[`'\"]?: ?(?P<kwargs>\{)"
)
VERSION_LIST = lazy_regex.compile(r"Unrecognized keyword arguments: ?(?P<kwargs>\[)")
VERSION_OPTIMIZER = lazy_regex.compile(r"Argument\(s\) not recognized: ?(?P<kwargs>\{)")
NOT_UNDERSTOOD = lazy_regex.compile(r"Keyword argument not understood:'?,? ?'?(?P<name>\w+)")
messages = (LOCATE, PARENT, WRAPPED, UNKNOWN, VERSION_PASSED, VERSION_LIST, VERSION_OPTIMIZER,
            NOT_UNDERSTOOD)

examples = (
    "Could not locate class 'TokenAndPositionEmbedding'. Make sure custom classes are decorated "
    "with `@keras.saving.register_keras_serializable()`. Full object config: {'module': None, "
    "'class_name': 'TokenAndPositionEmbedding', 'config': {'maxlen': 80, 'vocab_size': 20000, "
    "'embed_dim': 256, 'trainable': True, 'dtype': 'float32'}, 'registered_name': "
    "'TokenAndPositionEmbedding', 'build_config': {'input_shape': [None, 80]}, 'name': "
    "'token_and_position_embedding_11', 'inbound_nodes': [{'args': [{'class_name': "
    "'__keras_tensor__', 'config': {'shape': [None, 80], 'dtype': 'int32', 'keras_history': "
    "['input_layer_8', 0, 0]}}], 'kwargs': {}}]}",
    "Could not locate function 'attention_loss'. Make sure custom classes are decorated with "
    "`@keras.saving.register_keras_serializable()`. Full object config: {'module': 'builtins', "
    "'class_name': 'function', 'config': 'attention_loss', 'registered_name': 'function'}",
    "<class 'keras.src.models.functional.Functional'> could not be deserialized properly. Please "
    "ensure that components that are Python object instances (layers, models, etc.) returned by "
    "`get_config()` are explicitly deserialized in the model's `from_config()` method.",
    "Unknown layer: 'MyLayer'. Please ensure you are using a `keras.utils.custom_object_scope` "
    "and that this object is included in the scope. See "
    "https://www.tensorflow.org/guide/keras/save_and_serialize#registering_the_custom_object "
    "for details.",
    "Unknown layer: ArcFace",
    "Unrecognized keyword arguments: ['batch_shape']",
)

# Arguments that only a Keras 3 config holds: seeing Keras 2 reject one means a Keras 3 file.
_KERAS3_ONLY = frozenset({"batch_shape", "registered_name", "module", "build_config",
                          "quantization_config"})
_FUNCTIONS = ("function", "loss function", "metric function", "activation function")
_INNER = lazy_regex.compile(r"Exception encountered: (?P<inner>[^\n]+)")
_OUTER = lazy_regex.compile(r"<class '(?P<outer>[\w.]+)'>")


def match(incident: Incident) -> Diagnosis | None:
    loading = rebuild(incident)
    facts: dict[str, object] = {
        "kind": None, "what": None, "obj": None, "module": None, "outer": None, "inner": None,
        "cls": None, "names": [], "values": {}, "direction": None,
        "h5": bool(loading and loading.h5),
        "loading": bool(loading),
        "line": _edit.complete(incident.user_frame.code if incident.user_frame else None),
    }
    line = facts["line"] or ""
    facts["custom_objects"] = "custom_objects" in str(line)
    facts["h5"] = facts["h5"] or regex.search(r"\.h(?:df)?5\b", str(line)) is not None
    # An unregistered object, wherever it is named in the chain (the raised message first).
    for rx in (LOCATE, PARENT, UNKNOWN):
        found = incident.search((rx,))
        if found:
            facts.update(kind="unregistered", what=found.group("what"), obj=found.group("obj"),
                         module=found.groupdict().get("module"), legacy=rx is UNKNOWN)
            confidence = 0.95 if rx is not UNKNOWN else _unknown_confidence(found, loading)
            _outer(incident, facts)
            return Diagnosis.of(__name__, confidence=confidence, facts=facts)
    wrapped = incident.search((WRAPPED,))
    if wrapped:
        facts["kind"] = "wrapped"
        _outer(incident, facts)
        return Diagnosis.of(__name__, confidence=0.8, facts=facts)
    return _version(incident, loading, facts)


def _unknown_confidence(found: regex.Match[str], loading: object) -> float:
    if found.group("what") == "layer":
        return 0.9  # layers are only looked up by name when a config is rebuilt
    # "Unknown loss function: foo" also comes from compile(loss="foo") with a typo.
    return 0.85 if loading else 0.6


def _outer(incident: Incident, facts: dict[str, object]) -> None:
    for text in incident.messages:
        if WRAPPED.search(text, timeout=1.0):
            outer = _OUTER.search(text, timeout=1.0)
            inner = _INNER.search(text, timeout=1.0)
            facts["outer"] = outer.group("outer").rsplit(".", 1)[-1] if outer else None
            facts["inner"] = inner.group("inner")[:200] if inner else None
            return


def _version(incident: Incident, loading: object, facts: dict[str, object]) -> Diagnosis | None:
    for text in incident.messages:
        for rx in (VERSION_PASSED, VERSION_LIST, VERSION_OPTIMIZER, NOT_UNDERSTOOD):
            found = rx.search(text, timeout=1.0)
            if not found:
                continue
            if rx is NOT_UNDERSTOOD:
                names = [found.group("name")]
            else:
                names = kwarg_names(text[found.start("kwargs"):])
            keras3_only = [n for n in names if n in _KERAS3_ONLY]
            if not loading and not keras3_only:
                return None  # the user's own call: keras3-removed-argument
            old_reads_new = bool(keras3_only) or rx in (VERSION_LIST, NOT_UNDERSTOOD) or \
                bool(getattr(loading, "tf_keras", False))
            values = {n: kwarg_value(text[found.start("kwargs"):], n)
                      for n in names} if rx is not NOT_UNDERSTOOD else {}
            facts.update(
                kind="version", names=names, values=values,
                cls=found.groupdict().get("cls"),
                direction="keras2-reads-keras3" if old_reads_new else "keras3-reads-keras2",
                removed=[REMOVED[n].why for n in names if n in REMOVED and not old_reads_new],
            )
            confidence = 0.92 if loading else 0.7
            return Diagnosis.of(__name__, confidence=confidence, facts=facts)
    return None


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    out = _fixes(incident, diagnosis)
    facts = diagnosis.facts
    if facts["kind"] == "unregistered":
        ident = _ident(str(facts["obj"]))
        return [_with_edits(f, incident, *(_custom_objects_edits(incident, facts, ident)
                                           if f.title.startswith("Pass ") else
                                           _register_edits(incident, facts, ident)
                                           if f.title.startswith("Register ") else
                                           ([], Applicability.UNSAFE)))
                for f in out]
    if facts["kind"] not in ("wrapped",) and facts.get("direction") == "keras3-reads-keras2":
        return [_with_edits(f, incident, *_legacy_edits(incident))
                if f.title.startswith("Load the Keras 2 file") else f for f in out]
    return out


def _fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    line = frame.code if frame else None
    where = (frame.file, frame.line) if frame else (None, None)
    facts = diagnosis.facts
    kind = facts["kind"]
    out: list[Fix] = []
    if kind == "unregistered":
        obj = str(facts["obj"])
        ident = obj.rsplit(".", 1)[-1]
        decorator = ("@tf.keras.utils.register_keras_serializable()  # Keras 3: "
                     "@keras.saving.register_keras_serializable()"
                     if facts.get("legacy") else "@keras.saving.register_keras_serializable()")
        register = (f"{decorator}\n"
                    + (f"def {ident}(y_true, y_pred): ...\n" if facts["what"] in _FUNCTIONS
                       else f"class {ident}(keras.layers.Layer): ...\n")
                    + f"# define or import {ident} before load_model runs")
        passed = None
        if not facts["custom_objects"]:
            passed = _edit.add_keyword(line, "load_model", f'custom_objects={{"{ident}": {ident}}}')
        custom = passed or (f'model = keras.models.load_model(path, custom_objects={{"{ident}": '
                            f'{ident}}})' + ("  # add it to your dict" if facts["custom_objects"]
                                             else ""))
        legacy = facts["what"] not in ("class", "function") or facts["h5"]
        fixes_ = [Fix(f"Pass `{ident}` to `load_model` in `custom_objects`",
                      Applicability.DISPLAY_ONLY, custom, *where),
                  Fix(f"Register `{ident}` so that every load finds it",
                      Applicability.DISPLAY_ONLY, register, *where)]
        out.extend(fixes_ if legacy else fixes_[::-1])
        if facts["what"] in (*_FUNCTIONS, "loss", "metric"):
            no_compile = _edit.add_keyword(line, "load_model", "compile=False") if line else None
            out.append(Fix("Or skip the training configuration (inference only)",
                           Applicability.DISPLAY_ONLY,
                           no_compile or "model = keras.models.load_model(path, compile=False)",
                           *where))
        return out
    if kind == "wrapped":
        passed = None if facts["custom_objects"] else \
            _edit.add_keyword(line, "load_model", 'custom_objects={"MyLayer": MyLayer}')
        return [Fix("Register the custom objects the model uses", Applicability.DISPLAY_ONLY,
                    "@keras.saving.register_keras_serializable()\n"
                    "class MyLayer(keras.layers.Layer): ...   # every custom layer, loss, metric\n"
                    "# import them before loading, or:\n"
                    + (passed or 'model = keras.models.load_model(path, custom_objects={"MyLayer": MyLayer})'),
                    *where)]
    # version
    load_line = line.strip() if line else "model = tf.keras.models.load_model(path)"
    if facts["direction"] == "keras3-reads-keras2":
        out.append(Fix("Load the Keras 2 file with tf-keras", Applicability.DISPLAY_ONLY,
                       'import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"  # before importing '
                       "tensorflow; needs `pip install tf-keras`\n" + load_line, *where))
        cls = facts["cls"]
        names = [str(n) for n in facts["names"]]
        if cls and names:
            dropped = ", ".join(f"{n}=None" for n in names)
            shim = (f"class {cls}(keras.layers.{cls}):  # accepts the Keras 2 config\n"
                    f"    def __init__(self, *args, {dropped}, **kwargs):\n"
                    f"        super().__init__(*args, **kwargs)\n")
            passed = None if facts["custom_objects"] else \
                _edit.add_keyword(line, "load_model", f'custom_objects={{"{cls}": {cls}}}')
            shim += passed or (f'model = keras.models.load_model(path, custom_objects={{"{cls}": {cls}}})'
                               + ("  # add it to your custom_objects" if facts["custom_objects"] else ""))
            out.append(Fix(f"Or load it in Keras 3 with a `{cls}` that drops "
                           f"{', '.join(f'`{n}`' for n in names)}", Applicability.DISPLAY_ONLY,
                           shim, *where))
        return out
    out.append(Fix("Load the file with Keras 3, the version that saved it",
                   Applicability.DISPLAY_ONLY,
                   "# TensorFlow >= 2.16 (tf.keras is Keras 3), or `pip install -U keras` and:\n"
                   "import keras\n" + (_edit.replace_source(load_line, "tf.keras.models.load_model",
                                                           "keras.saving.load_model")
                                      or load_line), *where))
    return out


# --- edits (live incidents only) --------------------------------------------------------------

def _ident(obj: str) -> str:
    """``MyLayer`` from ``Custom>MyLayer`` or ``package.MyLayer``."""
    return regex.split(r"[.>]", obj)[-1]


def _with_edits(fix: Fix, incident: Incident, edits: list[Edit],
                level: Applicability) -> Fix:
    if not edits:
        return fix
    if incident.source != "live":
        return Fix(fix.title, Applicability.DISPLAY_ONLY, fix.snippet, fix.file, fix.line,
                   reason="explained from text: run the program under tferrfix to apply it")
    return Fix(fix.title, level, fix.snippet, fix.file, fix.line, tuple(edits))


def _custom_objects_edits(incident: Incident, facts: dict[str, object], ident: str
                          ) -> tuple[list[Edit], Applicability]:
    """``load_model(p)`` -> ``load_model(p, custom_objects={"X": X})`` when ``X`` is defined
    once in the program. Safe: the mapping is only consulted for the name that failed."""
    frame = incident.user_frame
    if frame is None or not frame.file or not frame.line or facts.get("custom_objects") or \
            not ident.isidentifier() or len(_source.class_lines(frame.file, ident)) != 1:
        return [], Applicability.UNSAFE
    return [edit(frame.file, frame.line, "set_keyword", call="load_model",
                 keyword="custom_objects", value=f'{{"{ident}": {ident}}}')], Applicability.SAFE


def _register_edits(incident: Incident, facts: dict[str, object], ident: str
                    ) -> tuple[list[Edit], Applicability]:
    """``@keras.saving.register_keras_serializable()`` on the program's own definition of the
    class or function. Unsafe: files saved from now on record it under a registered name."""
    frame = incident.user_frame
    lines = _source.class_lines(frame.file, ident) if frame and frame.file else []
    if frame is None or not frame.file or len(lines) != 1 or facts.get("legacy"):
        return [], Applicability.UNSAFE
    return [edit(frame.file, lines[0], "add_decorator", name=ident,
                 decorator="keras.saving.register_keras_serializable()"),
            edit(frame.file, 0, "add_import", module="keras")], Applicability.UNSAFE


def _legacy_edits(incident: Incident) -> tuple[list[Edit], Applicability]:
    """``os.environ["TF_USE_LEGACY_KERAS"] = "1"`` before the program first imports
    TensorFlow or Keras, so ``tf.keras`` is tf-keras (Keras 2), which reads the Keras 2 file.
    Unsafe: the whole program then runs on Keras 2."""
    frame = incident.user_frame
    if frame is None or not frame.file:
        return [], Applicability.UNSAFE
    first, has_os = _source.first_framework_import(frame.file)
    if first is None:
        return [], Applicability.UNSAFE
    edits = [edit(frame.file, first, "insert_statement",
                  statement='os.environ["TF_USE_LEGACY_KERAS"] = "1"')]
    if not has_os:
        edits.append(edit(frame.file, first, "insert_statement", statement="import os"))
    return edits, Applicability.UNSAFE

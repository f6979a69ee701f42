"""Shared by the saving patterns: what the traceback shows about *where* an error happened
(a model being rebuilt from a saved file, or the user's own constructor call), and the
keyword arguments a Keras message quotes.

Keras raises the same "Unrecognized keyword arguments passed to GRU: {...}" whether new code
passes an argument Keras 3 removed, or an old saved file stores it in a layer config. The
frames tell the two apart: a rebuild goes through ``load_model`` / ``load_model_from_hdf5`` /
``from_config`` / ``deserialize_keras_object``; the user's line may show ``load_model(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from tferrfix import lazy_regex
from tferrfix.incident import Incident

# Functions that only run while a model (or a layer, loss, metric...) is rebuilt from a config.
_REBUILD_FUNCTIONS = frozenset({
    "load_model", "load_model_from_hdf5", "_load_model_from_fileobj", "model_from_config",
    "_model_from_config", "model_from_json", "model_from_yaml", "deserialize_keras_object",
    "deserialize", "from_config", "functional_from_config", "process_layer",
    "reconstruct_from_config", "class_and_config_for_serialized_keras_object",
    "_retrieve_class_or_fn", "load_weights_from_hdf5_group", "compile_from_config",
})
# Legacy HDF5 modules: their load functions rebuild a model (their save functions do not).
_H5_FILES = lazy_regex.compile(r"legacy_h5_format|hdf5_format")
_LOAD_CALL = lazy_regex.compile(
    r"\b(?:load_model|model_from_json|model_from_yaml|model_from_config|from_config"
    r"|deserialize(?:_keras_object)?)\s*\("
)


@dataclass(frozen=True)
class Rebuild:
    """Evidence that the error happened while a saved model was being rebuilt."""

    hints: tuple[str, ...]  # what showed it: frame functions, the user's load call
    h5: bool  # the legacy HDF5 loader was on the way
    tf_keras: bool  # the loader is Keras 2 (tf-keras / keras 2.x), not Keras 3

    def __bool__(self) -> bool:
        return bool(self.hints)


def rebuild(incident: Incident) -> Rebuild:
    """Which frames (and user line) show a saved model being rebuilt; falsy when none do."""
    hints: list[str] = []
    h5 = False
    tf_keras = False
    for error in incident.chain:
        for frame in error.frames:
            if frame.is_user:
                continue
            h5_load = "load" in frame.function and _H5_FILES.search(frame.file) is not None
            if frame.function in _REBUILD_FUNCTIONS or h5_load:
                if frame.function not in hints:
                    hints.append(frame.function)
                h5 = h5 or "h5" in frame.function or "hdf5" in frame.file
                path = frame.file.replace("\\", "/")
                tf_keras = tf_keras or "/tf_keras/" in path or "/keras/src/engine/" in path \
                    or "/tensorflow/python/keras/" in path
    user = incident.user_frame
    if user is not None and user.code and _LOAD_CALL.search(user.code):
        hints.append(user.code.strip())
    return Rebuild(tuple(hints), h5, tf_keras)


def kwarg_names(text: str) -> list[str]:
    """The top-level keys of a printed dict ``{'lr': 0.002, 'weights': [array(...)]}`` or the
    items of a printed list ``['batch_shape']``; tolerant of a value cut off by a log."""
    text = text.strip()
    if not text or text[0] not in "{[":
        return []
    names: list[str] = []
    depth = 0
    quote = ""
    start = -1
    is_dict = text[0] == "{"
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
                if depth == 1 and start >= 0:
                    token = text[start:i]
                    after = text[i + 1:i + 2]
                    if (not is_dict or after == ":") and token.isidentifier():
                        names.append(token)
                    start = -1
            continue
        if ch in "'\"":
            quote = ch
            start = i + 1 if depth == 1 else -1
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth <= 0:
                break
    return names


def kwarg_value(text: str, name: str, limit: int = 60) -> str | None:
    """The printed value of ``name`` in a printed dict, when it is short and complete."""
    found = regex.search(rf"'{regex.escape(name)}': ", text)
    if not found:
        return None
    depth = 0
    out = []
    for ch in text[found.end():found.end() + limit + 1]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            break
        out.append(ch)
    else:
        return None
    value = "".join(out).strip()
    return value or None

"""Describe a live value as ``Evidence``: shape, dtype, length, value range — never its repr.

Everything here is duck-typed on class names and modules, so nothing imports TensorFlow,
Keras or pandas; a value's own properties are read, but no user-defined method is called.
Cost is bounded whatever the size: the value range of a large array is taken on a strided
sample of at most ``SAMPLE`` elements (a view, not a copy).
"""

from __future__ import annotations

import contextlib
from typing import Any

from tferrfix.incident import Evidence

SAMPLE = 1_000_000
MAX_ITEMS = 8
# Elements of an object or text array looked at one by one (Python-level work, so fewer).
ELEMENT_SAMPLE = 256
_SECRET_WORDS = ("key", "token", "password", "passwd", "secret", "credential")


def is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def _type_path(value: Any) -> str:
    cls = type(value)
    return f"{cls.__module__}.{cls.__qualname__}"


def _mro_names(value: Any) -> tuple[str, ...]:
    return tuple(c.__name__ for c in type(value).__mro__)


def _shape_tuple(shape: Any) -> tuple[int | None, ...] | None:
    try:
        if shape is None:
            return None
        dims = getattr(shape, "dims", shape)
        if dims is None:  # TensorShape of unknown rank
            return None
        out: list[int | None] = []
        for d in dims:
            d = getattr(d, "value", d)
            out.append(None if d is None else int(d))
        return tuple(out)
    except Exception:
        return None


def _dtype_name(dtype: Any) -> str | None:
    if dtype is None:
        return None
    name = getattr(dtype, "name", None)
    return str(name if isinstance(name, str) else dtype)


def _numeric_range(array: Any) -> tuple[float, float] | None:
    """(min, max) of a NumPy array, on a bounded strided sample."""
    try:
        import numpy as np

        if array.dtype.kind not in "biuf" or array.size == 0:
            return None
        flat = array.reshape(-1) if array.flags.c_contiguous else array.ravel(order="K")
        step = max(1, flat.size // SAMPLE)
        sample = flat[::step]
        return float(np.nanmin(sample)), float(np.nanmax(sample))
    except Exception:
        return None


def _element_survey(array: Any) -> dict[str, Any]:
    """What an object or text array holds, from a strided sample of its elements: the first
    element's type (all of them when they differ); for sequences their lengths and what they
    hold (``item_lengths``, ``item_type``, ``item_shapes``); for text whether every sampled
    string is a number (``numeric_text``, ``checked_all`` when the sample was the whole
    array). Only builtin sequences and NumPy arrays are measured, so no user ``__len__``
    runs."""
    import numpy as np

    flat = array.reshape(-1) if array.flags.c_contiguous else array.ravel(order="K")
    step = max(1, -(-flat.size // ELEMENT_SAMPLE))
    sample = flat[::step]
    text_kind = {"U": "str", "S": "bytes"}.get(array.dtype.kind)
    out: dict[str, Any] = {"element_type": text_kind or type(sample[0]).__name__}
    lengths: set[int] = set()
    shapes: set[tuple[int, ...]] = set()
    item_types: set[str] = set()
    element_types = {type(item).__name__ for item in sample}
    texts = 0
    numeric = True
    for item in sample:
        if type(item) in (list, tuple):
            lengths.add(len(item))
            if item:
                item_types.add(type(item[0]).__name__)
        elif isinstance(item, np.ndarray):
            shapes.add(tuple(int(d) for d in item.shape))
            if item.ndim:
                lengths.add(int(item.shape[0]))
            item_types.add(item.dtype.name)
        elif type(item) in (str, bytes, np.str_, np.bytes_):  # no subclass's __float__
            texts += 1
            numeric = numeric and _is_number(item)
    if len(element_types) > 1:
        out["element_types"] = sorted(element_types)[:MAX_ITEMS]
    if lengths:
        out["item_lengths"] = [min(lengths), max(lengths)]
    if len(item_types) == 1:
        out["item_type"] = item_types.pop()
    if shapes:
        out["item_shapes"] = [list(s) for s in sorted(shapes)[:MAX_ITEMS]]
    if texts and texts == len(sample):
        out["numeric_text"] = numeric
        out["checked_all"] = step == 1
    return out


def _is_number(text: str | bytes) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def spec_components(spec: Any, path: str = "", out: list[dict[str, Any]] | None = None
                     ) -> list[dict[str, Any]]:
    """A dataset's ``element_spec`` flattened: each component's place in the element
    (``0``, ``1``, ``image``), shape and dtype. Specs are walked as plain containers, so no
    TensorFlow function runs."""
    out = [] if out is None else out
    if len(out) >= MAX_ITEMS:
        return out
    if isinstance(spec, dict):
        for key, part in list(spec.items())[:MAX_ITEMS]:
            spec_components(part, f"{path}[{key!r}]" if path else repr(key), out)
    elif isinstance(spec, (tuple, list)):
        for index, part in enumerate(spec[:MAX_ITEMS]):
            spec_components(part, f"{path}[{index}]" if path else str(index), out)
    else:
        shape = _shape_tuple(getattr(spec, "shape", None))
        out.append({"path": path or "element", "shape": None if shape is None else list(shape),
                    "dtype": _dtype_name(getattr(spec, "dtype", None))})
    return out


def describe(value: Any, subject: str, *, role: str | None = None,
             extra: dict[str, Any] | None = None, depth: int = 0) -> Evidence:
    details: dict[str, Any] = dict(extra or {})
    if role:
        details["role"] = role
    path = _type_path(value)
    mro = _mro_names(value)
    secret = is_secret(subject)

    if path.startswith("numpy.") and hasattr(value, "shape") and hasattr(value, "dtype"):
        if not secret:
            rng = _numeric_range(value)
            if rng is not None:
                details["min"], details["max"] = rng
            if value.dtype.kind in "OUS" and value.size:
                details.update(_element_survey(value))
        return _ev(subject, "array", _shape_tuple(value.shape), str(value.dtype), details)

    if "KerasTensor" in mro or "SymbolicTensor" in path or "keras_tensor" in path:
        return _ev(subject, "keras_tensor", _shape_tuple(getattr(value, "shape", None)),
                   _dtype_name(getattr(value, "dtype", None)), details)

    if "RaggedTensor" in mro:
        return _ev(subject, "ragged_tensor", _shape_tuple(getattr(value, "shape", None)),
                   _dtype_name(getattr(value, "dtype", None)), details)

    if "DatasetV2" in mro or ("Dataset" in mro[0] and path.startswith("tensorflow.")):
        with contextlib.suppress(Exception):
            spec = value.element_spec
            details["element_spec"] = str(spec)[:500]
            details["elements"] = spec_components(spec)
        return _ev(subject, "dataset", None, None, details)

    if path.startswith("tensorflow.") and ("Tensor" in mro[0] or "Variable" in mro[0]
                                           or "EagerTensor" in mro):
        shape = _shape_tuple(getattr(value, "shape", None))
        if not secret and shape is not None and hasattr(value, "numpy") \
                and "EagerTensor" in mro:
            try:
                rng = _numeric_range(value.numpy())
                if rng is not None:
                    details["min"], details["max"] = rng
            except Exception:
                pass
        return _ev(subject, "tensor", shape, _dtype_name(getattr(value, "dtype", None)),
                   details)

    if path.startswith("pandas."):
        shape = _shape_tuple(getattr(value, "shape", None))
        try:
            dtypes = value.dtypes
            if hasattr(dtypes, "items"):
                details["dtypes"] = {str(k): str(v) for k, v in list(dtypes.items())[:50]}
                dtype = None
            else:
                dtype = str(dtypes)
        except Exception:
            dtype = None
        return _ev(subject, "dataframe" if "DataFrame" in mro else "series", shape, dtype,
                   details)

    if isinstance(value, (list, tuple)):
        details["length"] = len(value)
        if depth == 0 and value:
            items = [describe(v, f"{subject}[{i}]", depth=1)
                     for i, v in enumerate(value[:MAX_ITEMS])]
            details["items"] = [item.to_json() for item in items]
        return _ev(subject, type(value).__name__, None, None, details)

    if isinstance(value, dict):
        details["keys"] = [str(k) for k in list(value)[:MAX_ITEMS]]
        if depth == 0:
            details["items"] = [describe(v, f"{subject}[{k!r}]", depth=1).to_json()
                                for k, v in list(value.items())[:MAX_ITEMS]]
        return _ev(subject, "dict", None, None, details)

    if isinstance(value, (int, float, bool, str)) and not secret:
        details["value"] = value if not isinstance(value, str) else value[:200]
        return _ev(subject, type(value).__name__, None, None, details)

    details["type"] = path
    return _ev(subject, "object", None, None, details)


def _ev(subject: str, kind: str, shape: tuple[int | None, ...] | None, dtype: str | None,
        details: dict[str, Any]) -> Evidence:
    return Evidence(subject, kind, shape, dtype, "live", tuple(details.items()))

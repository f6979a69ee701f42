"""Shared by the runtime patterns: what TensorFlow's runtime messages say about *where* an op
failed (the graph node, the op, the device) and how large a tensor is.

All regexes here are linear: single character classes with one quantifier each.
"""

from __future__ import annotations

from math import prod

import regex

from tferrfix import lazy_regex
from tferrfix.incident import Frame, Incident
from tferrfix.shapes import Shape
from tferrfix.tracebacks.paths import frameworks_of

# The graph node an op error names, in the wordings of TF 1.x ("[[Node: name = Op[...]"),
# TF 2.x ("[[{{node name}}]]") and TF >= 2.5 ("Detected at node 'name' defined at").
_NODE = lazy_regex.compile(
    r"\[\[Node: (?P<node>[^\s=\]]+)"
    r"|\{\{node (?P<node>[^\s}]+)\}\}"
    r"|Detected at node '?(?P<node>[^\s']+?)'? defined at"
)
# The eager op: "[Op:StridedSliceGrad]", "{{function_node __wrapped__StatelessRandomUniformV2_device_...}}".
_OP = lazy_regex.compile(r"\[Op:(?P<op>[\w.]+)|\{\{function_node __wrapped__(?P<op>[A-Za-z0-9]+)_device_")
_DEVICE = lazy_regex.compile(r"/device:(?P<device>[A-Za-z_]+:\d+)")


def node_name(text: str) -> str | None:
    """The first graph node an op error names (the failing one comes first)."""
    found = _NODE.search(text, timeout=1.0)
    return found.group("node") if found else None


def op_name(text: str) -> str | None:
    """The op of an eager error (``[Op:StridedSliceGrad]``); graph function names
    (``__inference_train_function_1218``) are not ops and are skipped."""
    for found in _OP.finditer(text, timeout=1.0):
        op = found.group("op")
        if not op.startswith("__"):
            return op
    return None


def device_of(text: str) -> str | None:
    found = _DEVICE.search(text, timeout=1.0)
    return found.group("device") if found else None


# Bytes per element of the dtypes TensorFlow prints ("and type float").
DTYPE_BYTES = {
    "float": 4, "float32": 4, "half": 2, "float16": 2, "bfloat16": 2, "double": 8, "float64": 8,
    "int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "int32": 4, "uint32": 4, "int64": 8,
    "uint64": 8, "bool": 1, "complex64": 8, "complex128": 16, "int": 4,
}


def nbytes(shape: Shape | None, dtype: str | None) -> int | None:
    if not shape or any(d is None for d in shape):
        return None
    size = DTYPE_BYTES.get((dtype or "float").lower())
    if size is None:
        return None
    return prod(d for d in shape if d is not None) * size


def human_bytes(n: int | None) -> str | None:
    if n is None:
        return None
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return None


def is_library_frame(frame: Frame) -> bool:
    """A frame inside TensorFlow, Keras or NumPy (not merely any installed package)."""
    return bool(frameworks_of(frame.file))


def outermost_code(incident: Incident, pattern: regex.Pattern[str]) -> Frame | None:
    """The outermost frame of the raised error whose code matches ``pattern`` (the call the
    user wrote rather than the library's inner calls); then the user's frame, then the
    "in user code" frames of the message."""
    for error in reversed(incident.chain):
        for candidate in error.frames:
            if candidate.code and pattern.search(candidate.code):
                return candidate
    frame = incident.user_frame
    if frame is not None and frame.code and pattern.search(frame.code):
        return frame
    return None


def quote_free(code: str) -> str | None:
    """A quote character that does not occur in ``code`` (for wrapping it in a string)."""
    for quote in ('"', "'"):
        if quote not in code:
            return quote
    return None

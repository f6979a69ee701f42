"""Which framework raised an error, and whether it is ours to explain.

Errors of PyTorch, JAX, scikit-learn and pandas are out of scope: tferrfix says so instead of
dressing them up as a TensorFlow diagnosis. Frames decide first (where the error was raised);
a frameless message is judged by wordings only one framework uses.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

from tferrfix import lazy_regex
from tferrfix.incident import RaisedError
from tferrfix.tracebacks.paths import frameworks_of
from tferrfix.tracebacks.user_code import user_code_frames

_OURS = ("tf_keras", "keras", "tensorflow")
_OTHERS = ("torch", "jax", "sklearn", "pandas")

_QUALIFIED = (
    ("tensorflow", lazy_regex.compile(r"^(?:tensorflow|tf)\.")),
    ("keras", lazy_regex.compile(r"^keras\.")),
    ("torch", lazy_regex.compile(r"^torch\.")),
    ("jax", lazy_regex.compile(r"^(?:jax|jaxlib)\.")),
    ("sklearn", lazy_regex.compile(r"^sklearn\.")),
    ("pandas", lazy_regex.compile(r"^pandas\.")),
)

_MESSAGE_MARKERS: tuple[tuple[str, regex.Pattern[str]], ...] = (
    ("torch", lazy_regex.compile(
        r"mat1 and mat2 shapes cannot be multiplied|Expected \d+-dimensional input for "
        r"\d+-dimensional weight|CUDA out of memory\. Tried to allocate|\btorch\.\w|size mismatch "
        r"for \w+\.weight|Given groups=\d+, weight of size|Expected all tensors to be on the same "
        r"device|expected scalar type \w+ but found|Target \d+ is out of bounds")),
    ("sklearn", lazy_regex.compile(
        r"Found input variables with inconsistent numbers of samples|Expected 2D array, got 1D "
        r"array instead|Reshape your data either using array\.reshape|instance is not fitted "
        r"yet|Input (?:X )?contains NaN, infinity")),
    ("pandas", lazy_regex.compile(
        r"Length of values \(\d+\) does not match length of index|Columns must be same length as "
        r"key|\bDataFrame\b.*\bhas no attribute\b"
        r"|cannot reindex on an axis with duplicate labels")),
    ("jax", lazy_regex.compile(
        r"\bjax\b|XlaRuntimeError|got incompatible shapes for broadcasting|ConcretizationTypeError|"
        r"TracerArrayConversionError")),
)
_TF_MARKERS = lazy_regex.compile(
    r"\bkeras\b|\bKeras\b|tf\.Tensor|KerasTensor|\btensorflow\b|\[Op:\w+\]|Input \d+ of layer"
    r"|Arguments received by|Call arguments received|Error when checking (?:input|target)"
    r"|Graph disconnected|SavedModel|\bnode \w|Cannot feed value of shape|ConcatV2|_with_logits"
    r"|Incompatible shapes: \[|Matrix size-incompatible|\bOpError\b|errors_impl"
)
_KERAS3_WORDING = lazy_regex.compile(r"Arguments received by \w+\.call\(\)|keras_tensor|\.keras\b")


def classify(chain: Iterable[RaisedError]) -> tuple[str | None, bool]:
    """(framework, in_scope) for the chain of one traceback.

    framework is one of ``keras``, ``tf_keras``, ``tensorflow``, ``numpy``, ``other`` or
    ``None`` when nothing tells.
    """
    chain = list(chain)
    seen: set[str] = set()
    for error in chain:
        for frame in (*error.frames, *user_code_frames(error.message)):
            seen.update(frameworks_of(frame.file))
        for name, rx in _QUALIFIED:
            if rx.search(error.qualified):
                seen.add(name)
    for ours in _OURS:
        if ours in seen:
            return ours, True
    if any(other in seen for other in _OTHERS):
        return "other", False
    if "numpy" in seen:
        return "numpy", True
    text = "\n".join(error.message for error in chain)
    for _name, rx in _MESSAGE_MARKERS:
        if rx.search(text, timeout=1.0):
            return "other", False
    if _TF_MARKERS.search(text, timeout=1.0):
        return ("keras" if _KERAS3_WORDING.search(text, timeout=1.0) else "tensorflow"), True
    return None, True

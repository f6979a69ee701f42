"""Shapes as TensorFlow, Keras and NumPy print them, and how two shapes relate.

``parse_shape`` reads ``(None, 28, 28)``, ``[32,10]``, ``(?, 784)``, ``TensorShape([None, 5])``,
``(784,)``; unknown sizes become ``None``. ``relate`` names the way a received shape differs
from an expected one; the input-shape patterns are built on it.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

Shape = tuple[int | None, ...]

_INNER = regex.compile(r"^\s*(?:TensorShape\()?\s*[\[(](?P<body>[^\[\]()]*)[\])]\s*\)?\s*$")
_UNKNOWN = {"none", "?", "-1", "", "unknown"}


def parse_shape(text: str | None) -> Shape | None:
    """``"(None, 28, 28)"`` -> ``(None, 28, 28)``; ``None`` when ``text`` is not a shape."""
    if text is None:
        return None
    found = _INNER.match(text)
    if not found:
        return None
    body = found.group("body").strip()
    if not body:
        return ()
    dims: list[int | None] = []
    for part in body.split(","):
        token = part.strip().lower()
        if token == "" and dims:
            continue  # "(784,)"
        if token.startswith("dimension("):
            token = token[len("dimension("):].rstrip(")")
        if token in _UNKNOWN:
            dims.append(None)
        elif token.isdigit():
            dims.append(int(token))
        else:
            return None
    return tuple(dims)


def show(shape: Sequence[int | None] | None) -> str:
    """Python's spelling of a shape: ``(None, 28, 28)``, ``(784,)``."""
    if shape is None:
        return "(unknown)"
    parts = ["None" if d is None else str(d) for d in shape]
    if len(parts) == 1:
        return f"({parts[0]},)"
    return "(" + ", ".join(parts) + ")"


def fits(a: int | None, b: int | None) -> bool:
    """Two sizes agree when they are equal or either is unknown."""
    return a is None or b is None or a == b


def same(a: Sequence[int | None], b: Sequence[int | None]) -> bool:
    return len(a) == len(b) and all(fits(x, y) for x, y in zip(a, b, strict=True))


# The channel counts images have: grey, RGB, RGBA.
IMAGE_CHANNELS = (1, 3, 4)


def relate(
    expected: Sequence[int | None] | None,
    found: Sequence[int | None] | None,
    *,
    expected_ndim: int | None = None,
    layer_kind: str | None = None,
) -> str:
    """How ``found`` differs from what a layer expects.

    Returns one of the input families of the taxonomy: ``missing-batch-axis``,
    ``missing-channel-axis``, ``missing-feature-axis``, ``extra-axis``,
    ``input-rank-mismatch``, ``input-size-mismatch``, or ``"same"``/``"unknown"``.
    ``expected`` includes the batch axis (usually ``None``); when only its rank is known,
    pass ``expected_ndim`` instead. ``layer_kind`` is ``"conv"``, ``"rnn"``, ``"dense"``... when
    the layer's class is known.
    """
    if found is None:
        return "unknown"
    want = len(expected) if expected is not None else expected_ndim
    if want is None:
        return "unknown"
    got = len(found)
    if got == want:
        if expected is None or same(expected, found):
            return "same"
        return "input-size-mismatch"
    if got == want - 1:
        return _one_axis_short(expected, found, want, layer_kind)
    if got == want + 1:
        removable = _has_removable_axis(expected, found, layer_kind)
        return "extra-axis" if removable else "input-rank-mismatch"
    return "input-rank-mismatch"


def _has_removable_axis(expected: Sequence[int | None] | None,
                        found: Sequence[int | None], layer_kind: str | None = None) -> bool:
    return removable_axis(expected, found, layer_kind) is not None


def removable_axis(expected: Sequence[int | None] | None, found: Sequence[int | None],
                   layer_kind: str | None = None) -> int | None:
    """The index of the axis of ``found`` that is one too many: an axis of size 1 whose
    removal leaves the expected shape. Without the expected sizes, the first size-1 axis after
    the batch axis - except the last axis of what a Conv or pooling layer reads, which is the
    channel axis (one channel is real data: (8, 5, 40, 40, 1) is a sequence of grey images,
    not an image with an axis too many). None when no axis qualifies."""
    if not found:
        return None
    last = len(found) - 1
    # Axis 0 last: for (1, 1, 224, 224, 3) the batch axis is the first one, the extra one next.
    for index in [*range(1, len(found)), 0]:
        if found[index] != 1:
            continue
        rest = [*found[:index], *found[index + 1:]]
        if expected is None:
            if index > 0 and not (index == last and layer_kind in ("conv", "pool")):
                return index
        elif same(expected, rest):
            return index
    return None


def _one_axis_short(
    expected: Sequence[int | None] | None,
    found: Sequence[int | None],
    want: int,
    layer_kind: str | None,
) -> str:
    if expected is not None:
        batch_reading = same(expected[1:], found)
        last_axis_reading = same(expected[:-1], found)
        if batch_reading and found and found[0] is None and not last_axis_reading and any(
                size == 1 and same([*expected[:i], *expected[i + 1:]], found)
                for i, size in enumerate(expected) if i > 0):
            # (None, 3) for (None, 1, 3): the data is batched and lacks an axis of size 1 that
            # the model's input shape has; reading None as a swallowed 1 would be far-fetched.
            return "input-rank-mismatch"
        if batch_reading and (not last_axis_reading or found[0] is not None):
            return "missing-batch-axis"
        if last_axis_reading:
            return "missing-feature-axis" if want == 2 else "missing-channel-axis"
        if len(found) >= 1 and same(expected[2:], found[1:]) and found[0] is not None:
            # One sample whose first axis Keras cut into batches: (384, 384, 3) arrives as
            # (32, 384, 3) for a model of (None, 384, 384, 3).
            return "missing-batch-axis"
        return "input-rank-mismatch"
    if want == 2:
        # (N,) where (N, features) is wanted; a symbolic batch axis means the data is batched.
        return "missing-feature-axis" if len(found) == 1 else "input-rank-mismatch"
    if found and found[0] == 1:
        # A batch of one: the batch axis is there, the last axis is missing - the features
        # per step of (1, steps), the channels of (1, height, width).
        if want == 3 and layer_kind not in ("conv", "pool"):
            return "missing-feature-axis"
        return "missing-channel-axis"
    if layer_kind == "rnn":
        # (samples, steps) or (steps, features)? Only the live array can tell.
        return "input-rank-mismatch"
    if found and found[0] is None:
        # Keras already batched it: the axis that is missing is the last one.
        return "missing-channel-axis"
    if layer_kind not in ("conv", "pool") and found and found[0] is not None:
        # A whole array checked before batching (Keras <= 2.3): outside conv/pool layers a
        # data set rarely lacks its last axis, one sample often lacks its batch axis.
        return "missing-batch-axis"
    if found and found[-1] in IMAGE_CHANNELS:
        return "missing-batch-axis"
    return "missing-channel-axis"

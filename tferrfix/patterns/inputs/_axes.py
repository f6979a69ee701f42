"""Words for the axes of a shape, and small helpers the input patterns share to describe a
clash in the user's terms (which axis, what it holds, what to do about it)."""

from __future__ import annotations

import ast
import math
from typing import Any

from tferrfix.shapes import Shape, removable_axis

_ROLES = {
    2: ("samples", "features"),
    3: ("samples", "steps", "features"),
    4: ("samples", "height", "width", "channels"),
    5: ("samples", "frames", "height", "width", "channels"),
}


def roles(rank: int, layer_kind: str | None = None) -> tuple[str, ...]:
    """What each axis of a tensor of ``rank`` axes usually holds."""
    if rank == 3 and layer_kind in ("conv", "pool"):
        return ("samples", "steps", "channels")
    return _ROLES.get(rank, tuple(f"axis {i}" for i in range(rank)))


def size_differences(expected: Shape | None, found: Shape | None, axis: int | None,
                     value: int | None, layer_kind: str | None) -> list[dict[str, Any]]:
    """The axes (batch axis excluded) whose sizes differ, each with its role."""
    if found is None:
        return []
    names = roles(len(found), layer_kind)
    out = []
    if expected is not None and len(expected) == len(found):
        for i in range(1, len(found)):
            want, got = expected[i], found[i]
            if want is not None and got is not None and want != got:
                out.append({"axis": i, "role": names[i], "want": want, "got": got})
    elif axis is not None and value is not None and -len(found) <= axis < len(found):
        i = axis % len(found)
        out.append({"axis": i, "role": names[i], "want": value, "got": found[i]})
    return out


def advice_for(diffs: list[dict[str, Any]]) -> list[str]:
    """Keys of the remedies that fit the differing axes."""
    keys: list[str] = []
    for d in diffs:
        role, want, got = d["role"], d["want"], d["got"]
        if role == "channels":
            if want == 3 and got == 4:
                keys.append("rgba")
            elif want == 3 and got == 1:
                keys.append("grey-to-rgb")
            elif want == 1 and got in (3, 4):
                keys.append("rgb-to-grey")
            else:
                keys.append("channels")
        elif role in ("height", "width"):
            if "resize" not in keys:
                keys.append("resize")
        elif role in ("steps", "frames"):
            keys.append("length")
        else:
            keys.append("features")
    return keys


def square_scale(received: int | None, built: int | None) -> tuple[int, int] | None:
    """(p, q) when received/built == (p/q)^2 with small integers: images p/q times the size
    per side of those the model was built for."""
    if not received or not built or received == built:
        return None
    g = math.gcd(received, built)
    a, b = received // g, built // g
    p, q = math.isqrt(a), math.isqrt(b)
    if p * p == a and q * q == b and max(p, q) <= 16:
        return p, q
    return None


def wrappable(argument: str | None) -> bool:
    """True for an array expression a fix can wrap (`x`, `data.x`, `x[0]`), false for a
    generator or dataset being created (`Generator()`), which cannot be squeezed."""
    if not argument:
        return False
    try:
        node = ast.parse(argument.strip(), mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, (ast.Name, ast.Attribute, ast.Subscript))


def extra_axis(shape: Shape | None, expected: Shape | None, layer_kind: str | None) -> int | None:
    """Which axis of ``shape`` is one too many (of size 1), when it can be told."""
    if shape is None:
        return None
    return removable_axis(expected, shape, layer_kind)

"""Keras' "Arguments received by ..." / "Call arguments received by layer ..." blocks.

Keras (3 and 2.x) lists the arguments a failing ``call()`` got, one bullet each, with tensors
described by shape and dtype. They are the best evidence a pasted traceback carries.
"""

from __future__ import annotations

import regex

from tferrfix.incident import Evidence
from tferrfix.shapes import parse_shape

_HEADER = regex.compile(
    r"^\s*(?:Call arguments received by layer [\"']?(?P<layer>[^\"'\s]+)[\"']?"
    r"(?: \(type (?P<type>\w+)\))?"
    r"|Arguments received by (?P<owner>[\w.]+?)(?:\.call)?\(\)"
    r"|Call arguments received)\s*:\s*$"
)
_BULLET = regex.compile(r"^\s*[•*-]\s*(?P<name>\w+)=(?P<value>.*)$")
_SHAPE = regex.compile(
    r"shape=(?P<shape>\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\]|TensorShape\(\[[^\]]*\]\))"
)
_DTYPE = regex.compile(r"dtype=(?:tf\.|np\.|<dtype: ')?(?P<dtype>\w+)")
_KIND = regex.compile(
    r"(?P<kind>tf\.Tensor|np\.ndarray|KerasTensor|tf\.RaggedTensor|SparseTensor)"
)


def call_arguments(message: str) -> list[Evidence]:
    """Evidence for every argument listed in the blocks of ``message``."""
    out: list[Evidence] = []
    owner: str | None = None
    for line in message.split("\n"):
        header = _HEADER.match(line)
        if header:
            owner = header.group("layer") or header.group("owner") or ""
            layer_type = header.group("type") or (owner if header.group("owner") else None)
            continue
        if owner is None:
            continue
        bullet = _BULLET.match(line)
        if not bullet:
            if line.strip():
                owner = None
            continue
        out.append(_describe(bullet.group("name"), bullet.group("value"), owner, layer_type))
    return out


def _describe(name: str, value: str, owner: str, layer_type: str | None) -> Evidence:
    details: list[tuple[str, object]] = [("layer", owner)]
    if layer_type:
        details.append(("layer_type", layer_type))
    shapes = [parse_shape(m.group("shape")) for m in _SHAPE.finditer(value)]
    dtypes = [m.group("dtype") for m in _DTYPE.finditer(value)]
    stripped = value.strip()
    if stripped.startswith(("[", "(", "{")) or len(shapes) > 1:
        details.append(("length", len(shapes)))
        details.append(("shapes", [list(s) if s is not None else None for s in shapes]))
        return Evidence(name, "list", None, dtypes[0] if dtypes else None, "text", tuple(details))
    kind = _KIND.search(value)
    if shapes:
        label = {"np.ndarray": "array"}.get(kind.group("kind"), "tensor") if kind else "tensor"
        return Evidence(name, label, shapes[0], dtypes[0] if dtypes else None, "text",
                        tuple(details))
    details.append(("value", stripped[:200]))
    return Evidence(name, "value", None, None, "text", tuple(details))

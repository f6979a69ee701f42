"""The one object every pattern receives.

An ``Incident`` is built either from traceback text (``tferrfix.tracebacks``) or from a live
exception (``tferrfix.capture``). Patterns only read it, so the same pattern works on both;
live evidence only sharpens what the text already says.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import regex


@dataclass(frozen=True)
class Frame:
    file: str
    line: int | None
    function: str
    code: str = ""
    is_user: bool = False


# Evidence kinds that say nothing about shapes: epochs=1, verbose=0, an unreadable object.
SCALAR_KINDS = ("int", "float", "bool", "str", "NoneType", "object")


@dataclass(frozen=True)
class Evidence:
    """What we know of one value: an array, a tensor, a model, a list of arrays...

    ``shape`` uses ``None`` for unknown sizes. ``origin`` is ``"live"`` for values read from
    the running program and ``"text"`` for values read from a traceback (Keras' "Arguments
    received" blocks, messages).
    """

    subject: str
    kind: str
    shape: tuple[int | None, ...] | None = None
    dtype: str | None = None
    origin: str = "text"
    details: tuple[tuple[str, Any], ...] = ()

    def detail(self, key: str, default: Any = None) -> Any:
        for k, v in self.details:
            if k == key:
                return v
        return default

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"subject": self.subject, "kind": self.kind}
        if self.shape is not None:
            out["shape"] = list(self.shape)
        if self.dtype is not None:
            out["dtype"] = self.dtype
        out["origin"] = self.origin
        for k, v in self.details:
            out[k] = v
        return out


@dataclass(frozen=True)
class RaisedError:
    """One exception of the chain, oldest first."""

    type: str  # short name, e.g. "InvalidArgumentError"
    qualified: str  # as shown, e.g. "tensorflow.python.framework.errors_impl.InvalidArgumentError"
    message: str
    frames: tuple[Frame, ...] = ()
    relation: str | None = None  # how the NEXT error relates to this one: "cause" | "context"


@dataclass(frozen=True)
class Incident:
    source: str  # "live" | "text"
    chain: tuple[RaisedError, ...]
    mro: tuple[str, ...]  # names of the raised exception's classes, most specific first
    user_frame: Frame | None = None
    evidence: tuple[Evidence, ...] = ()
    framework: str | None = None
    in_scope: bool = True
    extra: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def error(self) -> RaisedError:
        """The exception that was finally raised (the last of the chain)."""
        return self.chain[-1]

    @property
    def exception_type(self) -> str:
        return self.error.type

    @property
    def message(self) -> str:
        return self.error.message

    @property
    def messages(self) -> tuple[str, ...]:
        """All messages of the chain, the raised one first (it is usually the most specific
        Keras wrapper; causes follow)."""
        return tuple(e.message for e in reversed(self.chain))

    @property
    def frames(self) -> tuple[Frame, ...]:
        return self.error.frames

    def is_a(self, *names: str) -> bool:
        """True when any exception of the chain is (a subclass of) one of ``names``."""
        if any(n in self.mro for n in names):
            return True
        return any(e.type in names for e in self.chain)

    def search(self, patterns: tuple[regex.Pattern[str], ...]) -> regex.Match[str] | None:
        """First match of any of ``patterns`` in any message of the chain."""
        for text in self.messages:
            for pattern in patterns:
                found = pattern.search(text, timeout=1.0)
                if found:
                    return found
        return None

    def evidence_of(self, kind: str | None = None) -> Iterator[Evidence]:
        for ev in self.evidence:
            if kind is None or ev.kind == kind:
                yield ev

"""Fixes are data: what to change, where, and how sure we are that it is safe.

Applicability follows ruff's three levels:

* ``safe`` — follows from the message and the evidence alone, and changes nothing in a run
  that used to succeed (adding the batch axis to the one array passed to ``predict``).
* ``unsafe`` — plausible, but it changes what the model is or learns (switching the loss,
  adding ``Flatten``, changing units): applied only with ``--unsafe-fixes``.
* ``display-only`` — a snippet to copy by hand, never applied automatically.

An edit that cannot be made safely lowers its fix to ``display-only`` and says why in
``reason``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any


class Applicability(str, Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True)
class Edit:
    """One source change: ``transform`` (a name in ``tferrfix.fixes.transforms``) applied at
    ``file``:``line`` with ``args``."""

    file: str
    line: int
    transform: str
    args: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Fix:
    title: str
    applicability: Applicability
    snippet: str
    file: str | None = None
    line: int | None = None
    edits: tuple[Edit, ...] = ()
    diff: str | None = None
    reason: str | None = None  # why the fix was lowered to display-only, when it was
    extra: dict[str, Any] = field(default_factory=dict)

    def lowered(self, reason: str) -> Fix:
        """This fix as display-only, with the reason it could not be applied."""
        return replace(self, applicability=Applicability.DISPLAY_ONLY, reason=reason, edits=())

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": self.title,
            "applicability": self.applicability.value,
            "snippet": self.snippet,
            "file": self.file,
            "line": self.line,
            "diff": self.diff,
        }
        if self.reason:
            out["reason"] = self.reason
        if self.edits:
            out["edits"] = [{"file": e.file, "line": e.line, "transform": e.transform,
                             "args": dict(e.args)} for e in self.edits]
        return out

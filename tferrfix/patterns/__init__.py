"""The knowledge base: one pattern per module, ``tferrfix/patterns/<group>/<name>.py``.

Modules are found by discovery; a module whose name starts with ``_`` holds helpers shared by
the patterns of its group and is not a pattern. The required names of a pattern module are
listed in ``REQUIRED``; the meta-tests check them.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from tferrfix.diagnosis import Diagnosis
    from tferrfix.fixes import Fix
    from tferrfix.incident import Incident

REQUIRED = ("code", "name", "family", "exceptions", "messages", "examples", "match")
SECTIONS = ("What it means", "Why it happens", "Example", "Fix", "Fix safety", "References")


@dataclass(frozen=True)
class Pattern:
    module: ModuleType
    group: str

    @property
    def code(self) -> str:
        return str(self.module.code)

    @property
    def name(self) -> str:
        return str(self.module.name)

    @property
    def family(self) -> str:
        return str(self.module.family)

    @property
    def title(self) -> str:
        doc = (self.module.__doc__ or "").strip()
        return doc.split("\n", 1)[0].strip().rstrip(".")

    @property
    def doc(self) -> str:
        return (self.module.__doc__ or "").strip()

    @property
    def exceptions(self) -> tuple[str, ...]:
        return tuple(self.module.exceptions)

    @property
    def messages(self) -> tuple[regex.Pattern[str], ...]:
        return tuple(self.module.messages)

    @property
    def examples(self) -> tuple[str, ...]:
        return tuple(self.module.examples)

    def applies_to(self, incident: Incident) -> bool:
        # A bare message has no exception name: every pattern may read it.
        return incident.exception_type == "" or incident.is_a(*self.exceptions)

    def match(self, incident: Incident) -> Diagnosis | None:
        result: Diagnosis | None = self.module.match(incident)
        return result

    def fixes(self, incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
        make = getattr(self.module, "fixes", None)
        return list(make(incident, diagnosis)) if make else []


@cache
def all_patterns() -> tuple[Pattern, ...]:
    """Every pattern module, sorted by code."""
    found: list[Pattern] = []
    package = importlib.import_module(__name__)
    for group in pkgutil.iter_modules(package.__path__):
        if not group.ispkg or group.name.startswith("_"):
            continue
        sub = importlib.import_module(f"{__name__}.{group.name}")
        for info in pkgutil.iter_modules(sub.__path__):
            if info.name.startswith("_") or info.ispkg:
                continue
            module = importlib.import_module(f"{sub.__name__}.{info.name}")
            found.append(Pattern(module, group.name))
    return tuple(sorted(found, key=lambda p: p.code))


def by_code(code: str) -> Pattern | None:
    from tferrfix.taxonomy import REDIRECTS

    code = REDIRECTS.get(code.upper(), code.upper())
    for pattern in all_patterns():
        if pattern.code == code or pattern.name == code.lower():
            return pattern
    return None

"""What a pattern concludes: a ``Diagnosis``, with the facts its template renders."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from tferrfix.fixes import Fix
from tferrfix.incident import Evidence


@dataclass
class Diagnosis:
    code: str
    name: str
    family: str
    title: str
    confidence: float
    facts: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    explanation: str = ""

    @classmethod
    def of(
        cls,
        module_name: str,
        *,
        confidence: float,
        facts: dict[str, Any] | None = None,
        evidence: list[Evidence] | None = None,
    ) -> Diagnosis:
        """A diagnosis by the pattern module ``module_name`` (pass ``__name__``); its code,
        name, family and title come from the module, so a pattern cannot misquote itself."""
        module = sys.modules[module_name]
        doc = (module.__doc__ or "").strip()
        return cls(
            code=module.code,
            name=module.name,
            family=module.family,
            title=doc.split("\n", 1)[0].strip().rstrip(".") if doc else module.name,
            confidence=confidence,
            facts=dict(facts or {}),
            evidence=list(evidence or []),
        )

"""docs/patterns.md is generated from the docstrings and must be current."""

from __future__ import annotations

from tferrfix.docs import TARGET, render


def test_patterns_doc_is_current() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), "run: python -m tferrfix.docs"

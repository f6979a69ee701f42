"""Lint the knowledge base itself (DESIGN §3)."""

from __future__ import annotations

from collections import Counter

import pytest
import regex

from tests.corpus import cases
from tferrfix.api import outcomes_from_text
from tferrfix.patterns import REQUIRED, SECTIONS, Pattern, all_patterns
from tferrfix.render.explain import environment
from tferrfix.taxonomy import FAMILIES

PATTERNS = all_patterns()
IDS = [p.name for p in PATTERNS]
CASES = cases()


def test_codes_and_names_are_unique() -> None:
    assert len(PATTERNS) > 0
    for counter in (Counter(p.code for p in PATTERNS), Counter(p.name for p in PATTERNS)):
        assert [k for k, n in counter.items() if n > 1] == []


@pytest.mark.parametrize("pattern", PATTERNS, ids=IDS)
def test_pattern_module_contract(pattern: Pattern) -> None:
    for attribute in REQUIRED:
        assert hasattr(pattern.module, attribute), attribute
    assert regex.fullmatch(r"TFE\d{4}", pattern.code)
    assert regex.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", pattern.name)
    assert pattern.family in FAMILIES
    assert FAMILIES[pattern.family].group == pattern.group
    assert pattern.title and pattern.examples and pattern.messages and pattern.exceptions
    for section in SECTIONS:
        assert f"## {section}\n" in pattern.doc + "\n", f"missing section {section!r}"
    environment().get_template(f"patterns/{pattern.name}.j2")


@pytest.mark.parametrize("pattern", PATTERNS, ids=IDS)
def test_examples_match_their_own_regex(pattern: Pattern) -> None:
    for example in pattern.examples:
        assert any(rx.search(example) for rx in pattern.messages), example


@pytest.mark.parametrize("pattern", PATTERNS, ids=IDS)
def test_examples_rank_their_own_pattern_first(pattern: Pattern) -> None:
    for example in pattern.examples:
        text = f"{pattern.exceptions[0]}: {example}"
        outcome = outcomes_from_text(text)[-1]
        assert outcome.best is not None, example
        assert outcome.best.code == pattern.code, (
            example, [(d.name, d.confidence) for d in outcome.diagnoses])


@pytest.mark.parametrize("pattern", PATTERNS, ids=IDS)
def test_references_are_corpus_cases(pattern: Pattern) -> None:
    urls = regex.findall(r"https?://\S+", pattern.doc.split("## References", 1)[1])
    assert urls, "References must list public reports"
    known = {c.meta.get("source_url") for c in CASES}
    assert set(urls) <= known, sorted(set(urls) - known)


@pytest.mark.parametrize("pattern", PATTERNS, ids=IDS)
def test_pattern_has_positive_and_near_miss_cases(pattern: Pattern) -> None:
    positives = [c for c in CASES if c.meta.get("expect") == pattern.code]
    near = [c for c in CASES if pattern.family in c.meta.get("near_miss_of", [])]
    assert len(positives) >= 3, f"{len(positives)} positive cases"
    assert near, "no near-miss negative case"


def test_every_family_has_a_pattern() -> None:
    covered = {p.family for p in PATTERNS}
    missing = sorted(set(FAMILIES) - covered)
    if missing:
        pytest.xfail(f"families without a pattern yet: {', '.join(missing)}")


def test_patterns_compile_their_expressions_lazily() -> None:
    """Every expression of the knowledge base goes through ``lazy_regex`` (see
    docs/writing-patterns.md): one eager ``regex.compile`` in a pattern module costs every cold
    `tferrfix explain`."""
    from pathlib import Path

    import tferrfix.patterns

    root = Path(tferrfix.patterns.__file__).parent
    eager = [str(path.relative_to(root)) for path in sorted(root.rglob("*.py"))
             if regex.search(r"(?<![\w.])regex\.compile\(", path.read_text(encoding="utf-8"))]
    assert eager == []

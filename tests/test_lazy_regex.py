"""The lazily compiled expressions answer exactly as compiled ones: the literal prefilter may
only skip searches that could not match."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from tferrfix import lazy_regex
from tferrfix.lazy_regex import required_literal
from tferrfix.patterns import all_patterns
from tferrfix.tracebacks.clean import decode

from .corpus import cases


def _every_expression() -> list:
    import tferrfix.scope
    import tferrfix.shapes
    import tferrfix.tracebacks  # noqa: F401

    list(all_patterns())
    return list(lazy_regex.REGISTRY)


def test_prefilter_agrees_with_the_compiled_pattern_on_the_corpus() -> None:
    texts = [decode(case.traceback) for case in cases()]
    # Each line too: patterns anchored with ^/$ are often run line by line.
    texts += [line for text in texts[:60] for line in text.splitlines()]
    expressions = [e for e in _every_expression() if e.literal is not None]
    assert len(expressions) > 150  # the prefilter must actually be in use
    for expression in expressions:
        compiled = regex.compile(*expression._args)
        for text in texts:
            assert (expression.search(text) is None) == (compiled.search(text) is None), (
                expression, text[:200])


def test_every_match_contains_the_required_literal() -> None:
    texts = [decode(case.traceback) for case in cases()]
    for expression in _every_expression():
        if expression.literal is None:
            continue
        compiled = regex.compile(*expression._args)
        for text in texts:
            for found in compiled.finditer(text):
                assert expression.literal in found.group(0), (expression, found.group(0))


def test_literals_are_found_only_where_guaranteed() -> None:
    assert required_literal(r"Shapes (?P<a>\(.*\)) and (?P<b>\(.*\)) are incompatible") == (
        " are incompatible")
    assert required_literal(r"expected (?:axis|dim) -1") == "expected "
    assert required_literal(r"foo|barbaz") is None  # top-level alternation
    assert required_literal(r"(?i)incompatible shapes") is None
    assert required_literal(r"incompatible", regex.IGNORECASE) is None
    assert required_literal(r"colou?r scheme") == "r scheme"  # the optional u is not required
    assert required_literal(r"in\.put [a-z]+ spec") == "in.put "
    assert required_literal(r"ab") is None  # too short to be worth a check


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab(|)?*+.[]{}\\x12 ", max_size=16), st.text(alphabet="abx12 ", max_size=30))
def test_prefilter_never_changes_an_answer(pattern: str, text: str) -> None:
    try:
        compiled = regex.compile(pattern)
    except regex.error:
        return
    literal = required_literal(pattern)
    if literal is not None and compiled.search(text) is not None:
        assert literal in text

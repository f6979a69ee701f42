"""Every real case of the corpus, through the text path (`tferrfix explain`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import Case, cases
from tferrfix.api import outcomes_from_text
from tferrfix.patterns import by_code
from tferrfix.tracebacks.clean import decode

CASES = cases()


def load_gaps(name: str) -> dict[str, str]:
    """Known gaps: ``case-id  reason`` per line; each is an open item, removed when fixed."""
    path = Path(__file__).parent / name
    if not path.exists():
        return {}
    return {line.split("  ", 1)[0]: line.split("  ", 1)[-1].strip()
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


KNOWN_GAPS = load_gaps("known_gaps.txt")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    if case.id in KNOWN_GAPS:
        try:
            _check(case)
        except AssertionError as error:
            pytest.xfail(f"known gap ({KNOWN_GAPS[case.id]}): {error}")
        return
    _check(case)


def _check(case: Case) -> None:
    outcomes = outcomes_from_text(decode(case.traceback))
    if not outcomes and case.meta.get("expect_none"):
        return  # nothing taken for an error at all: no diagnosis, as required
    assert outcomes, "no traceback found"
    outcome = outcomes[-1]
    assert not outcome.internal_errors
    got = outcome.best.code if outcome.best else None
    want = case.meta.get("expect")
    if want and by_code(want) is None:
        # The family's pattern is not written yet (see the open issues): the case waits for it.
        pytest.xfail(f"no pattern for {want} yet")
    if "todo_expect" in case.meta and got != case.meta["todo_expect"]:
        pytest.xfail(f"known gap: want {case.meta['todo_expect']}, got {got}")
    if case.meta.get("in_scope") is False:
        assert not outcome.incident.in_scope
        assert got is None
    elif case.meta.get("expect_none"):
        assert got is None, f"must not match, got {got} {outcome.best and outcome.best.name}"
    else:
        assert got == case.meta["expect"], (
            f"want {case.meta['expect']}, got {got} "
            f"{[(d.code, d.name, d.confidence) for d in outcome.diagnoses]}"
        )
        assert outcome.best is not None and outcome.best.explanation
        assert outcome.best.fixes, "a diagnosis must show a fix"


def test_case_files_are_well_formed() -> None:
    from tferrfix.taxonomy import FAMILIES

    codes = {f.code for f in FAMILIES.values()}
    for case in CASES:
        assert (case.path / "traceback.txt").exists(), case.id
        assert case.meta.get("source_url", "").startswith(("https://", "http://")), case.id
        assert case.family in FAMILIES or case.family == "out-of-scope", case.id
        assert ("expect" in case.meta) != bool(case.meta.get("expect_none")), case.id
        if "expect" in case.meta:
            assert case.meta["expect"] in codes, case.id
        assert case.meta.get("keras") in ("3", "legacy"), case.id

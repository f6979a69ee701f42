"""Every runnable corpus script, run for real under `tferrfix run --fix --unsafe-fixes`
(needs TensorFlow).

One loop per case serves three checks: the first run's live diagnosis must give the case's
expected pattern, its explanation must name one of the user's own values read live (with its
shape/dtype, or the path it holds), and the loop must repair the program (the re-run exits 0)
-- each unless the case is a listed known gap. Each run is a fresh process, as
`python script.py` would be; cases are spread over the cores by pytest-xdist.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus import Case, cases
from tests.live_evidence import names_shaped_value, names_string_value
from tests.test_corpus import KNOWN_GAPS, load_gaps
from tferrfix.patterns import by_code

RUNNABLE = [c for c in cases() if c.script is not None]
HAVE_TF = subprocess.run([sys.executable, "-c", "import tensorflow"], capture_output=True,
                         timeout=300).returncode == 0 if RUNNABLE else False
FIX_GAPS = load_gaps("known_fix_gaps.txt")
NAMING_GAPS = load_gaps("known_naming_gaps.txt")

pytestmark = [pytest.mark.live,
              pytest.mark.skipif(not HAVE_TF, reason="TensorFlow is not installed")]


def fix_case(case: Case, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    report = tmp_path / "report.json"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "tferrfix", "run", "--fix", "--unsafe-fixes", "--timeout", "300",
         "--report", str(report), "script.py"],
        cwd=case.path, capture_output=True, text=True, timeout=900, env=env,
    )
    data = json.loads(report.read_text()) if report.exists() else {}
    return done, data


@pytest.mark.parametrize("case", RUNNABLE, ids=[c.id for c in RUNNABLE])
def test_runnable_case(case: Case, tmp_path: Path) -> None:
    want = case.meta.get("expect")
    if want and by_code(want) is None:
        pytest.xfail(f"no pattern for {want} yet")
    before = (case.path / "script.py").read_bytes()
    done, data = fix_case(case, tmp_path)
    assert (case.path / "script.py").read_bytes() == before, "nothing is written without --write"
    assert data.get("schema") == "tferrfix/run-1", done.stderr[-3000:]
    first = data["attempts"][0]
    assert first["exit_code"] == 1
    assert "Traceback (most recent call last)" in done.stderr  # the original comes first
    diagnosis = first["diagnosis"]
    assert diagnosis is not None and diagnosis["source"] == "live", done.stderr[-3000:]
    got = diagnosis["diagnoses"][0]["code"] if diagnosis["diagnoses"] else None
    problem = None
    if case.meta.get("expect_none"):
        problem = f"must not match, got {got}" if got is not None else None
    elif got != want:
        problem = f"want {want}, got {got}: " + str(
            [(d["code"], d["confidence"]) for d in diagnosis["diagnoses"]])
    if problem and (case.id in KNOWN_GAPS or "todo_expect" in case.meta):
        pytest.xfail(problem)
    assert problem is None, problem
    if case.meta.get("expect_none"):
        return
    # the explanation speaks of the user's own values, read live
    best = diagnosis["diagnoses"][0]
    named = names_shaped_value(best) or names_string_value(best)
    if case.id in NAMING_GAPS:
        assert not named, f"names a live value now: remove {case.id} from known_naming_gaps.txt"
    else:
        assert named, f"no live value of the user's named: {best['explanation']}\n" \
                      f"{[e for e in best['evidence'] if e.get('origin') == 'live']}"
    # the repair
    fixed = data["fixed"] and data["exit_code"] == 0
    fixes_applied = sum(1 for a in data["attempts"] if a["fix_applied"])
    assert len(data["attempts"]) == fixes_applied + 1  # one re-run per applied fix
    if case.id in FIX_GAPS:
        if fixed:
            pytest.fail(f"repaired now: remove {case.id} from tests/known_fix_gaps.txt")
        pytest.xfail(f"known fix gap: {FIX_GAPS[case.id]} ({data.get('stopped_because')})")
    assert fixed, f"not repaired: {data.get('stopped_because')}\n{done.stderr[-2000:]}"

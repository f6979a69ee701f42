"""Every runnable corpus script, run for real under `tferrfix run` (needs TensorFlow).

Each script runs in its own process, as `python script.py` would, with `--report` JSON; the
live diagnosis must give the case's expected pattern, with evidence read from the program.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus import Case, cases
from tests.test_corpus import KNOWN_GAPS
from tferrfix.patterns import by_code

RUNNABLE = [c for c in cases() if c.script is not None]
HAVE_TF = subprocess.run([sys.executable, "-c", "import tensorflow"], capture_output=True,
                         timeout=300).returncode == 0 if RUNNABLE else False

pytestmark = [pytest.mark.live,
              pytest.mark.skipif(not HAVE_TF, reason="TensorFlow is not installed")]


def run_case(case: Case, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    report = tmp_path / "report.json"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "tferrfix", "run", "--report", str(report), "script.py"],
        cwd=case.path, capture_output=True, text=True, timeout=240, env=env,
    )
    data = json.loads(report.read_text()) if report.exists() else {}
    return done, data


@pytest.mark.parametrize("case", RUNNABLE, ids=[c.id for c in RUNNABLE])
def test_runnable_case(case: Case, tmp_path: Path) -> None:
    want = case.meta.get("expect")
    if want and by_code(want) is None:
        pytest.xfail(f"no pattern for {want} yet")
    done, data = run_case(case, tmp_path)
    assert done.returncode == 1, done.stderr[-3000:]
    assert data.get("schema") == "tferrfix/run-1"
    assert "Traceback (most recent call last)" in done.stderr  # the original comes first
    diagnosis = data["attempts"][0]["diagnosis"]
    assert diagnosis is not None, done.stderr[-3000:]
    assert diagnosis["source"] == "live"
    got = diagnosis["diagnoses"][0]["code"] if diagnosis["diagnoses"] else None
    problem = None
    if case.meta.get("expect_none"):
        if got is not None:
            problem = f"must not match, got {got}"
    elif got != want:
        problem = f"want {want}, got {got}: " + str(
            [(d["code"], d["confidence"]) for d in diagnosis["diagnoses"]])
    if problem and (case.id in KNOWN_GAPS or "todo_expect" in case.meta):
        pytest.xfail(problem)
    assert problem is None, problem

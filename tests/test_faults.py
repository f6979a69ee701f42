"""Fault injection: whichever stage of tferrfix breaks (reading the message, capturing live
values, matching, rendering, applying a fix), the user still gets the original traceback, one
line about tferrfix's failure, and the program's own exit code."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .test_fix_loop import PROGRAM as PROGRAM_ON_DISK
from .test_fix_loop import make

MESSAGE = ('Input 0 of layer "sequential_2" is incompatible with the layer: expected '
           'shape=(None, 784), found shape=(784,)')
PROGRAM = f"""import sys
x_test = [0.0] * 784
def predict(x):
    raise ValueError({MESSAGE!r})
predict(x_test)
"""

# (what breaks, the code that breaks it, what the one line says)
STAGES = [
    ("parse", "import tferrfix.capture as c; c.call_arguments = boom",
     "live capture: RuntimeError('boom in tferrfix')"),
    ("capture", "import tferrfix.capture as c; c.evidence_of_call = boom",
     "live capture: RuntimeError('boom in tferrfix')"),
    ("match", "import tferrfix.api as a; a.diagnose_incident = boom",
     "tferrfix: could not diagnose this error (RuntimeError: boom in tferrfix)"),
    ("pattern", "import tferrfix.patterns as p; [object.__setattr__(q, 'match', boom) for q in "
                "p.all_patterns()]",
     "internal failure(s)"),
    ("render", "import tferrfix.render.report as r; r.render = boom",
     "tferrfix: could not diagnose this error (RuntimeError: boom in tferrfix)"),
    ("fix", "import tferrfix.matching as m; m.materialize = boom",
     "internal failure(s)"),
]


def run_broken(breaking: str, script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(f"""
        import sys
        def boom(*args, **kwargs):
            raise RuntimeError("boom in tferrfix")
        {breaking}
        from tferrfix.cli import main
        main(["run", *{list(args)!r}, {str(script)!r}], prog_name="tferrfix")
    """)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=script.parent, stdin=subprocess.DEVNULL,
                          env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})


@pytest.mark.parametrize(("stage", "breaking", "line"), STAGES, ids=[s[0] for s in STAGES])
def test_a_broken_stage_never_hides_the_error(tmp_path: Path, stage: str, breaking: str,
                                              line: str) -> None:
    script = tmp_path / "bug.py"
    script.write_text(PROGRAM)
    done = run_broken(breaking, script)
    assert done.returncode == 1, done.stderr
    err = done.stderr
    original = err.index("Traceback (most recent call last):")
    assert f"ValueError: {MESSAGE}" in err
    assert line in err, err
    assert err.index(line) > original
    assert "boom in tferrfix" in err
    # tferrfix's own traceback is never printed: only the user's.
    assert err.count("Traceback (most recent call last):") == 1


def test_a_broken_fix_transform_ends_the_loop_not_the_run(tmp_path: Path) -> None:
    script = make(tmp_path)
    done = run_broken("import tferrfix.fixes.loop as l; l.edited_from_json = boom", script,
                      "--fix", "--unsafe-fixes")
    assert done.returncode == 1
    assert "ValueError: Input 0 of layer" in done.stderr
    assert "tferrfix failed while applying the fix (RuntimeError: boom in tferrfix)" \
        in done.stderr
    assert script.read_text() == PROGRAM_ON_DISK

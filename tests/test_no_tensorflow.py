"""`import tferrfix` and `tferrfix explain` must never import TensorFlow (DESIGN §8)."""

from __future__ import annotations

import subprocess
import sys

from tests.test_cli import BATCH

PROBE = """
import sys, io
import tferrfix
assert "tensorflow" not in sys.modules and "keras" not in sys.modules, "import tferrfix"
from tferrfix.cli import main
sys.stdin = io.TextIOWrapper(io.BytesIO(sys.argv[1].encode()))
try:
    main(["explain", "-", "--format", "json"])
except SystemExit as stop:
    code = stop.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "tf_keras", "torch", "jax"))
print("HEAVY", heavy, code)
"""


def test_explain_does_not_import_tensorflow() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, BATCH], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "HEAVY [] 0" in done.stdout, done.stdout + done.stderr

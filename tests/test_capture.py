"""Live capture never breaks on hostile values and never calls user code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HOSTILE = '''
class Exploding(list):
    def __len__(self):
        raise RuntimeError("len exploded")
    def __repr__(self):
        raise RuntimeError("repr exploded")

class Shaped:
    calls = 0
    @property
    def shape(self):
        Shaped.calls += 1
        raise RuntimeError("shape exploded")

class Hanging:
    @property
    def dtype(self):
        import time
        time.sleep(3600)

    def __getattr__(self, name):
        import time
        time.sleep(3600)

class Model:
    def predict(self, *args):
        raise ValueError('Input 0 of layer "sequential_2" is incompatible with the layer: '
                         'expected shape=(None, 784), found shape=(784,)')

weird, shaped, hanging, model = Exploding([1, 2]), Shaped(), Hanging(), Model()
try:
    model.predict(weird, shaped, [hanging, weird], {"h": hanging})
finally:
    print("SHAPE_CALLS", Shaped.calls)
'''


def test_hostile_values_do_not_break_capture(tmp_path: Path) -> None:
    (tmp_path / "site-packages").mkdir()
    (tmp_path / "prog.py").write_text(HOSTILE)
    done = subprocess.run([sys.executable, "-m", "tferrfix", "run", "prog.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "ValueError: Input 0 of layer" in done.stderr
    assert "TFE0101 missing-batch-axis" in done.stderr  # the diagnosis still comes
    assert "SHAPE_CALLS 0" in done.stdout  # no user property was run
    assert "exploded" not in done.stderr


def test_recursion_error_is_reported(tmp_path: Path) -> None:
    (tmp_path / "deep.py").write_text("def f(n):\n    return f(n + 1)\nf(0)\n")
    done = subprocess.run([sys.executable, "-m", "tferrfix", "run", "deep.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "RecursionError" in done.stderr
    assert "No pattern matches this RecursionError yet" in done.stderr

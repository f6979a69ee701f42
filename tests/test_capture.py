"""Live capture never breaks on hostile values and never calls user code."""

from __future__ import annotations

import os
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


NESTED = '''import numpy as np

class Model:
    def predict(self, x):
        raise ValueError('Input 0 of layer "sequential_2" is incompatible with the layer: '
                         'expected shape=(None, 784), found shape=(784,)')

pixels = np.zeros((784,), dtype="float32")
model = Model()
model.predict(np.asarray(pixels))
'''

STATEMENT = '''import numpy as np

images = np.zeros((4, 30, 30, 3), dtype="float32")
assert images.shape[1] % 16 == 0, "height must be divisible by 16"
'''


def _live_evidence(tmp_path: Path, source: str) -> tuple[dict, list[dict]]:
    import json

    (tmp_path / "prog.py").write_text(source)
    subprocess.run([sys.executable, "-m", "tferrfix", "run", "--report", "r.json", "prog.py"],
                   cwd=tmp_path, capture_output=True, text=True, timeout=120)
    diagnosis = json.loads((tmp_path / "r.json").read_text())["attempts"][0]["diagnosis"]
    best = (diagnosis["diagnoses"] or [{}])[0]
    return best, [e for e in best.get("evidence", []) if e.get("origin") == "live"]


def test_variables_inside_an_unevaluated_argument_are_described(tmp_path: Path) -> None:
    # np.asarray(pixels) is not called again; `pixels` is read and described under its name.
    best, live = _live_evidence(tmp_path, NESTED)
    assert {"subject": "pixels", "kind": "array", "shape": [784], "dtype": "float32"}.items() \
        <= next(e for e in live if e["subject"] == "pixels").items()
    assert "`pixels` is an array of shape (784,)" in best["explanation"]


def test_a_failing_statement_that_is_not_a_call_names_its_variables(tmp_path: Path) -> None:
    best, live = _live_evidence(tmp_path, STATEMENT)
    assert any(e["subject"] == "images" and e["shape"] == [4, 30, 30, 3] for e in live), live
    assert "`images` is an array of shape (4, 30, 30, 3)" in best["explanation"]


RECEIVED = '''import os

class ModelCheckpoint:
    def __init__(self, filepath, monitor="val_loss"):
        raise ValueError("The filepath provided must end in `.keras` (Keras model format). "
                         f"Received: filepath={filepath}")

network_dir = os.path.join("runs", "net")
ModelCheckpoint(filepath=os.path.join(network_dir, "best_model.hdf5"))
'''


def test_a_computed_argument_is_read_where_the_callee_received_it(tmp_path: Path) -> None:
    # os.path.join(...) is not called again: the callee's `filepath` parameter holds its value.
    best, live = _live_evidence(tmp_path, RECEIVED)
    path = os.path.join("runs", "net", "best_model.hdf5")
    assert {"subject": "os.path.join(network_dir, 'best_model.hdf5')", "kind": "str",
            "value": path}.items() <= live[0].items(), live
    assert f"`os.path.join(network_dir, 'best_model.hdf5')` is {path!r}" in best["explanation"]

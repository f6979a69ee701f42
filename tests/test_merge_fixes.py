"""merge-too-few-inputs: a list that holds one tensor skips the merge (it computes the same).

tf.keras before 2.9 refused a `Concatenate` of one tensor; TensorFlow 2.21 accepts it, so no
runnable corpus case can show this. A stand-in ``keras`` (no TensorFlow import) raises the
old message verbatim (corpus/merge-too-few-inputs/002) and the fix loop re-runs the program.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.diffs import added_lines

FAKE_KERAS = '''class Dense:
    def __init__(self, units):
        self.units = units

    def __call__(self, x):
        return ("dense", self.units)


class Concatenate:
    def __call__(self, inputs):
        if len(inputs) < 2:
            raise ValueError("A `Concatenate` layer should be called on a list of at least 2 inputs")
        return ("concat", len(inputs))
'''

PROGRAM = '''import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from keras import layers

columns = ["color"]                                   # one categorical column this time
outputs = [layers.Dense(3)("input") for column in columns]
x = layers.Concatenate()(outputs)   # one branch per column
print("merged", x)
'''


def _run(tmp_path: Path, *options: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    (tmp_path / "lib" / "keras").mkdir(parents=True, exist_ok=True)
    (tmp_path / "lib" / "keras" / "__init__.py").write_text("")
    (tmp_path / "lib" / "keras" / "layers.py").write_text(FAKE_KERAS)
    (tmp_path / "prog.py").write_text(PROGRAM)
    done = subprocess.run([sys.executable, "-m", "tferrfix", "run", *options, "--report",
                           "r.json", "prog.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    return done, json.loads((tmp_path / "r.json").read_text())


def test_a_one_tensor_list_skips_the_merge_and_the_rerun_passes(tmp_path: Path) -> None:
    done, report = _run(tmp_path, "--fix")
    first = report["attempts"][0]["diagnosis"]["diagnoses"][0]
    assert first["family"] == "merge-too-few-inputs"
    fix = first["fixes"][0]
    assert fix["applicability"] == "safe"
    added = added_lines(fix["diff"])
    assert added == ["x = outputs[0] if len(outputs) == 1 else layers.Concatenate()(outputs)"
                     "   # one branch per column"], fix["diff"]
    assert done.returncode == 0, done.stderr
    assert "merged ('dense', 3)" in done.stdout


def test_an_empty_list_is_not_papered_over(tmp_path: Path) -> None:
    (tmp_path / "lib" / "keras").mkdir(parents=True)
    source = PROGRAM.replace('columns = ["color"]', "columns = []")
    (tmp_path / "lib" / "keras" / "__init__.py").write_text("")
    (tmp_path / "lib" / "keras" / "layers.py").write_text(
        FAKE_KERAS.replace("at least 2 inputs", "at least 1 input. Received: input_shape=()"))
    (tmp_path / "prog.py").write_text(source)
    subprocess.run([sys.executable, "-m", "tferrfix", "run", "--report", "r.json", "prog.py"],
                   cwd=tmp_path, capture_output=True, text=True, timeout=120)
    report = json.loads((tmp_path / "r.json").read_text())
    first = report["attempts"][0]["diagnosis"]["diagnoses"][0]
    assert first["family"] == "merge-too-few-inputs"
    assert [fix["applicability"] for fix in first["fixes"]] == ["display-only"]

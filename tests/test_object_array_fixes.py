"""object-array fixes are derived from what the program's array holds, read live.

The programs call a stand-in ``keras`` package (no TensorFlow import, so these run in the fast
suite) whose ``fit`` refuses object and text arrays with Keras 3's real message; the live
corpus runs the same fixes against TensorFlow (corpus/object-array/01[013]).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.diffs import added_lines

FAKE_KERAS = '''import numpy as np

class Sequential:
    def fit(self, x=None, y=None, **kwargs):
        for value in (x, y):
            if np.asarray(value).dtype.kind in "OUS":
                raise ValueError(f"Invalid dtype: {np.asarray(value).dtype}")
'''

PROGRAM = '''import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
{imports}
import numpy as np

rng = np.random.default_rng(0)
{setup}
labels = np.zeros(len(data))
model = keras.Sequential()
model.fit(data, labels)
'''

RAGGED_INTS = "data = np.array([[1] * n for n in (2, 5, 3)], dtype=object)"
RAGGED_FRAMES = "data = np.array([rng.random((n, 3)) for n in (2, 5, 3)], dtype=object)"
SAME_SHAPE = "data = np.empty(4, dtype=object)\nfor i in range(4):\n    data[i] = rng.random((2, 3))"
NUMERIC_TEXT = 'data = np.array(["1.5", "2", "-3e2"])'
NUMBERS = "data = np.array([1.5, 2, None][:2] + [3], dtype=object)"
MIXED = 'data = np.array([1.5, "x", None], dtype=object)'
DIFFERENT_IMAGES = "data = np.array([rng.random((4, 4, 3)), rng.random((5, 2, 3))], dtype=object)"


def _diagnose(tmp_path: Path, setup: str, imports: str = "import keras") -> dict:
    (tmp_path / "lib" / "keras").mkdir(parents=True)
    (tmp_path / "lib" / "keras" / "__init__.py").write_text(FAKE_KERAS)
    (tmp_path / "prog.py").write_text(PROGRAM.format(imports=imports, setup=setup))
    done = subprocess.run([sys.executable, "-m", "tferrfix", "run", "--report", "r.json",
                           "prog.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    best: dict = report["attempts"][0]["diagnosis"]["diagnoses"][0]
    assert best["family"] == "object-array"
    return best


@pytest.mark.parametrize(("setup", "imports", "line", "applicability"), [
    (RAGGED_INTS, "import keras",
     'model.fit(keras.utils.pad_sequences(data, padding="post"), labels)', "unsafe"),
    (RAGGED_FRAMES, "import keras",
     'model.fit(keras.utils.pad_sequences(data, padding="post", dtype="float32"), labels)',
     "unsafe"),
    (SAME_SHAPE, "import keras", "model.fit(np.stack(list(data)), labels)", "safe"),
    (NUMERIC_TEXT, "import keras", 'model.fit(np.asarray(data).astype("float32"), labels)',
     "safe"),
    (NUMBERS, "import keras", 'model.fit(np.asarray(data).astype("float32"), labels)', "safe"),
])
def test_the_fix_follows_what_the_array_holds(tmp_path: Path, setup: str, imports: str,
                                              line: str, applicability: str) -> None:
    best = _diagnose(tmp_path, setup, imports)
    fix = best["fixes"][0]
    assert fix["applicability"] == applicability, fix
    assert added_lines(fix["diff"]) == [line], fix["diff"]
    assert "`data` is an array" in best["explanation"]


def test_ragged_data_is_explained_with_its_lengths(tmp_path: Path) -> None:
    best = _diagnose(tmp_path, RAGGED_INTS)
    assert "holding `list` items of 2 to 5 `int` values" in best["explanation"]
    assert "sequences of different lengths" in best["explanation"]


@pytest.mark.parametrize("setup", [MIXED, DIFFERENT_IMAGES])
def test_no_edit_when_the_elements_cannot_be_converted_as_they_are(tmp_path: Path,
                                                                   setup: str) -> None:
    # text mixed with numbers, or images of different sizes: a choice the user must make
    best = _diagnose(tmp_path, setup)
    assert [fix["applicability"] for fix in best["fixes"]] == ["display-only"]


def test_keras_is_reached_the_way_the_module_does(tmp_path: Path) -> None:
    from tferrfix.fixes.derive import keras_namespace

    cases = {
        "import tensorflow as tf\n": ("tf.keras", False),
        "from tensorflow import keras\n": ("keras", False),
        "import keras\nimport tensorflow as tf\n": ("keras", False),
        "import tensorflow\n": ("tensorflow.keras", False),
        "import numpy as np\n": ("keras", True),
    }
    for index, (source, (prefix, adds_import)) in enumerate(cases.items()):
        path = tmp_path / f"m{index}.py"
        path.write_text(source)
        found, imports = keras_namespace(str(path))
        assert (found, bool(imports)) == (prefix, adds_import), source

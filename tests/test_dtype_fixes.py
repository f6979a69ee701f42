"""dtype-mismatch: when a line holds several ops of the kind that failed, the operand to cast
is found from the dtypes of the line's variables read live.

A stand-in ``tensorflow`` package (no real import, so this runs in the fast suite) multiplies
like an eager tensor and refuses mixed dtypes with TensorFlow's real kernel message; the
live corpus runs the same fix against TensorFlow (corpus/dtype-mismatch/006).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.diffs import added_lines

FAKE_TF = '''import numpy as np

float32 = "float32"
_NAMES = {"float64": "double", "float32": "float"}


class InvalidArgumentError(Exception):
    pass


class EagerTensor:
    def __init__(self, value):
        self._value = np.asarray(value)
        self.shape = self._value.shape
        self.dtype = self._value.dtype

    def __mul__(self, other):
        other = other if isinstance(other, EagerTensor) else constant(other, self.dtype)
        if other.dtype != self.dtype:
            raise InvalidArgumentError(
                f"cannot compute Mul as input #1(zero-based) was expected to be a "
                f"{_NAMES[self.dtype.name]} tensor but is a {_NAMES[other.dtype.name]} tensor "
                f"[Op:Mul] name: ")
        return EagerTensor(self._value * other._value)

    def __rmul__(self, other):
        return constant(other, self.dtype) * self


def constant(value, dtype=None):
    return EagerTensor(np.asarray(value, dtype=dtype))


def cast(tensor, dtype):
    return EagerTensor(tensor._value.astype(dtype))
'''

PROGRAM = '''import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import numpy as np
import tensorflow as tf


def weighted(errors, mask):
    return 0.5 * errors * errors * mask


errors = tf.constant(np.linspace(0.0, 1.0, 6))            # float64, NumPy's default
mask = tf.constant(np.ones(6), dtype=tf.float32)
print(weighted(errors, mask).dtype)
'''


def test_the_variable_read_live_with_the_odd_dtype_is_cast_and_the_rerun_passes(
        tmp_path: Path) -> None:
    (tmp_path / "lib" / "tensorflow").mkdir(parents=True)
    (tmp_path / "lib" / "tensorflow" / "__init__.py").write_text(FAKE_TF)
    (tmp_path / "prog.py").write_text(PROGRAM)
    done = subprocess.run([sys.executable, "-m", "tferrfix", "run", "--fix", "--unsafe-fixes",
                           "--report", "r.json", "prog.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    report = json.loads((tmp_path / "r.json").read_text())
    first = report["attempts"][0]["diagnosis"]["diagnoses"][0]
    assert first["family"] == "dtype-mismatch"
    fix = first["fixes"][0]
    assert fix["applicability"] == "unsafe"
    added = added_lines(fix["diff"])
    # `mask` is float32 already; only `errors` (float64) is cast, before the failing line
    assert added == ["    errors = tf.cast(errors, tf.float32)"], fix["diff"]
    assert done.returncode == 0, done.stderr
    assert "float32" in done.stdout

"""`tferrfix run` behaves like `python script.py` (no TensorFlow needed here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """\
import os, sys
print("argv", sys.argv)
print("file", __file__)
print("name", __name__)
print("path0", sys.path[0])
print("cwd", os.getcwd())
"""


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_same_environment_as_python(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    script = tmp_path / "sub" / "probe.py"
    script.write_text(PROBE)
    plain = run(["sub/probe.py", "a", "--flag"], tmp_path)
    ours = run(["-m", "tferrfix", "run", "sub/probe.py", "a", "--flag"], tmp_path)
    assert plain.returncode == ours.returncode == 0
    assert ours.stdout == plain.stdout
    assert ours.stderr == ""


def test_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "three.py").write_text("import sys\nsys.exit(3)\n")
    (tmp_path / "text.py").write_text("import sys\nsys.exit('bad input')\n")
    (tmp_path / "none.py").write_text("raise SystemExit\n")
    assert run(["-m", "tferrfix", "run", "three.py"], tmp_path).returncode == 3
    text = run(["-m", "tferrfix", "run", "text.py"], tmp_path)
    assert text.returncode == 1 and "bad input" in text.stderr
    assert run(["-m", "tferrfix", "run", "none.py"], tmp_path).returncode == 0
    missing = run(["-m", "tferrfix", "run", "missing.py"], tmp_path)
    assert missing.returncode == 2 and "can't open file" in missing.stderr


def test_crash_shows_original_traceback_then_diagnosis(tmp_path: Path) -> None:
    (tmp_path / "crash.py").write_text(
        "x_test = [0]\n"
        "def predict(x):\n"
        "    raise ValueError('Input 0 of layer \"sequential_2\" is incompatible with the "
        "layer: expected shape=(None, 784), found shape=(784,)')\n"
        "predict(x_test[0])\n")
    plain = run(["crash.py"], tmp_path)
    report = tmp_path / "report.json"
    ours = run(["-m", "tferrfix", "run", "--report", str(report), "crash.py"], tmp_path)
    assert plain.returncode == ours.returncode == 1
    assert ours.stderr.startswith(plain.stderr)  # byte for byte what Python printed
    assert "runpy" not in ours.stderr and "tferrfix/runner.py" not in ours.stderr
    assert "TFE0101 missing-batch-axis" in ours.stderr[len(plain.stderr):]
    data = json.loads(report.read_text())
    assert data["schema"] == "tferrfix/run-1" and data["exit_code"] == 1
    assert data["argv"] == ["crash.py"] and data["fixed"] is False
    diagnosis = data["attempts"][0]["diagnosis"]
    assert diagnosis["source"] == "live"
    # the innermost frame of the user's own code
    assert (diagnosis["location"]["line"], diagnosis["location"]["function"]) == (3, "predict")
    assert diagnosis["diagnoses"][0]["code"] == "TFE0101"


def test_exception_whose_str_raises(tmp_path: Path) -> None:
    (tmp_path / "weird.py").write_text(
        "class Weird(Exception):\n"
        "    def __str__(self):\n"
        "        raise RuntimeError('no')\n"
        "raise Weird()\n")
    ours = run(["-m", "tferrfix", "run", "weird.py"], tmp_path)
    assert ours.returncode == 1
    assert "Weird" in ours.stderr

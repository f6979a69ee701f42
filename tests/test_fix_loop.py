"""`tferrfix run --fix` mechanics, on small programs without TensorFlow: the loop, the report,
nothing written without --write, refusal when the file changed, bounded attempts and time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

# A stand-in model, installed like a library, whose predict raises the real tf-keras message
# for one sample.
LIBRARY = '''class Model:
    def predict(self, x):
        if x.ndim != 2:
            raise ValueError('Input 0 of layer "sequential_2" is incompatible with the layer: '
                             'expected shape=(None, 784), found shape=(784,)')
        return x
'''
PROGRAM = '''import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "site-packages"))
from fakemodel import Model

model = Model()
x_test = np.zeros((10, 784), dtype="float32")
print("predicted", model.predict(x_test[0]).shape)
'''


def make(tmp_path: Path, program: str = PROGRAM) -> Path:
    (tmp_path / "site-packages").mkdir(exist_ok=True)
    (tmp_path / "site-packages" / "fakemodel.py").write_text(LIBRARY)
    script = tmp_path / "bug.py"
    script.write_text(program)
    return script


def tferrfix(args: list[str], cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tferrfix", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def test_fix_loop_repairs_and_reports(tmp_path: Path) -> None:
    script = make(tmp_path)
    done = tferrfix(["run", "--fix", "--unsafe-fixes", "--report", "r.json", "bug.py"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "predicted (1, 784)" in done.stdout
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["schema"] == "tferrfix/run-1" and data["fixed"] is True
    assert [a["exit_code"] for a in data["attempts"]] == [1, 0]  # one re-run per fix
    assert data["attempts"][0]["fix_applied"]["code"] == "TFE0101"
    assert "+print(\"predicted\", model.predict(np.expand_dims(x_test[0], axis=0)).shape)" \
        in data["patch"]
    assert script.read_text() == PROGRAM  # nothing written without --write
    assert "run again with --write" in done.stderr


def test_unsafe_fix_needs_the_flag(tmp_path: Path) -> None:
    make(tmp_path)
    done = tferrfix(["run", "--fix", "--report", "r.json", "bug.py"], tmp_path)
    assert done.returncode == 1
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["fixed"] is False and len(data["attempts"]) == 1
    assert "--unsafe-fixes" in data["stopped_because"]


def test_write_keeps_a_backup(tmp_path: Path) -> None:
    script = make(tmp_path)
    done = tferrfix(["run", "--fix", "--unsafe-fixes", "--write", "bug.py"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "np.expand_dims(x_test[0], axis=0)" in script.read_text()
    assert (tmp_path / "bug.py.orig").read_text() == PROGRAM
    assert run_python(script).returncode == 0


def run_python(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, script.name], cwd=script.parent, capture_output=True,
                          text=True, timeout=60)


def test_write_refused_when_the_file_changed_meanwhile(tmp_path: Path) -> None:
    # the program edits its own file while it runs (as an editor saving would)
    make(tmp_path, PROGRAM.replace(
        "model = Model()",
        "model = Model()\nopen(__file__, 'a').write('# touched\\n')"))
    done = tferrfix(["run", "--fix", "--unsafe-fixes", "--write", "bug.py"], tmp_path)
    assert "not written: bug.py changed while tferrfix ran" in done.stderr
    assert not (tmp_path / "bug.py.orig").exists()


def test_attempts_and_time_are_bounded(tmp_path: Path) -> None:
    (tmp_path / "slow.py").write_text("import time\ntime.sleep(60)\n")
    done = tferrfix(["run", "--fix", "--timeout", "2", "--report", "r.json", "slow.py"],
                    tmp_path, timeout=60)
    assert "longer than 2 s" in done.stderr
    assert json.loads((tmp_path / "r.json").read_text())["exit_code"] == 124
    (tmp_path / "reads.py").write_text("import sys\nprint(len(sys.stdin.read()))\n")
    assert tferrfix(["run", "--fix", "reads.py"], tmp_path, timeout=60).returncode == 0


def test_a_timeout_stops_what_the_program_spawned(tmp_path: Path) -> None:
    (tmp_path / "spawns.py").write_text(
        "import subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "open('child.pid', 'w').write(str(child.pid))\n"
        "child.wait()\n")
    done = tferrfix(["run", "--fix", "--timeout", "3", "spawns.py"], tmp_path, timeout=60)
    assert "longer than 3 s" in done.stderr
    pid = int((tmp_path / "child.pid").read_text())
    time.sleep(0.5)
    try:
        os.kill(pid, 0)
        # a zombie not yet reaped by init still answers; its state tells
        state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(
            f"/proc/{pid}").exists() else "Z"
        assert state == "Z", "the grandchild outlived the timeout"
    except ProcessLookupError:
        pass


def test_write_without_fix_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("pass\n")
    assert tferrfix(["run", "--write", "ok.py"], tmp_path).returncode == 2

"""``tferrfix run --fix``: run -> diagnose -> apply the best applicable fix to an in-memory
copy -> re-run in a fresh process -> ... until the program passes, a different error appears,
or ``max_attempts`` fixes have been tried.

Each run is a fresh ``python -m tferrfix run`` child in the same working directory, with the
same arguments; the edited source is handed over through a temporary file and runs under the
script's own path, so ``__file__``, ``sys.path[0]`` and tracebacks are those of the real
script. One re-run per applied fix; no search over variants. The script on disk changes only
with ``write=True``, after checking it did not change meanwhile, and a backup is kept.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from tferrfix.fixes import Applicability
from tferrfix.fixes.materialize import edited, read_source, unified_diff
from tferrfix.fixes.transforms import Refused
from tferrfix.runner import RUN_SCHEMA, SOURCE_OVERRIDE_ENV

_ALLOWED = {False: ("safe",), True: ("safe", "unsafe")}


@dataclass
class Attempt:
    exit_code: int
    seconds: float
    diagnosis: dict[str, Any] | None
    fix_applied: dict[str, Any] | None = None


@dataclass
class LoopResult:
    attempts: list[Attempt] = field(default_factory=list)
    patch: str | None = None
    final_source: str = ""
    fixed: bool = False
    stopped_because: str = ""


def _signature(diagnosis: dict[str, Any] | None) -> tuple[Any, ...]:
    """What makes two failures 'the same error': the exception type and the best pattern."""
    if not diagnosis:
        return ()
    best = (diagnosis.get("diagnoses") or [{}])[0]
    return (diagnosis.get("exception", {}).get("type"), best.get("code"))


def _child(script: str, args: list[str], source: str | None, path: str, timeout: float
           ) -> Attempt:
    with tempfile.TemporaryDirectory(prefix="tferrfix-") as tmp:
        report = os.path.join(tmp, "report.json")
        env = dict(os.environ)
        if source is not None:
            edited_file = os.path.join(tmp, "edited.py")
            with open(edited_file, "w", encoding="utf-8") as handle:
                handle.write(source)
            env[SOURCE_OVERRIDE_ENV] = f"{path}{os.pathsep}{edited_file}"
        started = time.perf_counter()
        # Its own process group, so that a timeout also stops what the program spawned.
        child = subprocess.Popen([sys.executable, "-m", "tferrfix", "run", "--report", report,
                                  script, *args], env=env, stdin=subprocess.DEVNULL,
                                 start_new_session=os.name == "posix")
        try:
            code = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(child)
            sys.stderr.write(f"\ntferrfix: the run took longer than {timeout:.0f} s and was "
                             "stopped\n")
            code = 124
        except BaseException:  # Ctrl-C in the loop: leave nothing running behind
            _stop(child)
            raise
        seconds = time.perf_counter() - started
        diagnosis = None
        try:
            with open(report, encoding="utf-8") as handle:
                diagnosis = json.load(handle)["attempts"][0]["diagnosis"]
        except (OSError, ValueError, KeyError, IndexError):
            pass
    return Attempt(code, round(seconds, 3), diagnosis)


def _stop(child: subprocess.Popen[bytes]) -> None:
    """Kill the run and every process it started."""
    try:
        if os.name == "posix":
            os.killpg(child.pid, signal.SIGKILL)
        else:
            child.kill()
    except OSError:
        pass
    child.wait()


def _choose(diagnosis: dict[str, Any] | None, unsafe: bool
            ) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The best diagnosis' first fix that may be applied, with the diagnosis."""
    if not diagnosis:
        return None
    for found in diagnosis.get("diagnoses", [])[:1]:
        for fix in found.get("fixes", []):
            if fix.get("applicability") in _ALLOWED[unsafe] and fix.get("edits"):
                return found, fix
    return None


def fix_loop(script: str, args: list[str], *, unsafe: bool = False, max_attempts: int = 3,
             timeout: float = 600.0) -> LoopResult:
    path = os.path.abspath(script)
    original = read_source(path)
    result = LoopResult()
    if original is None:
        result.stopped_because = f"cannot read {script}"
        return result
    current = original
    previous: tuple[Any, ...] | None = None
    while True:
        attempt = _child(script, args, current if current != original else None, path, timeout)
        result.attempts.append(attempt)
        if attempt.exit_code == 0:
            result.fixed = current != original
            result.stopped_because = "the program ran to the end"
            break
        signature = _signature(attempt.diagnosis)
        if previous is not None and signature != previous:
            result.stopped_because = "a different error appeared after the fix (shown above)"
            break
        previous = signature
        fixes_applied = len(result.attempts) - 1
        if fixes_applied >= max_attempts:
            result.stopped_because = f"{max_attempts} fix attempts reached"
            break
        choice = _choose(attempt.diagnosis, unsafe)
        if choice is None:
            result.stopped_because = _why_no_fix(attempt.diagnosis, unsafe)
            break
        found, fix = choice
        edits = [(e["transform"], e["line"], e["args"]) for e in fix["edits"]
                 if os.path.abspath(e["file"]) == path]
        if len(edits) != len(fix["edits"]):
            result.stopped_because = "the fix edits another file than the script"
            break
        try:
            new = edited_from_json(current, edits)
        except Refused as refusal:
            result.stopped_because = f"the fix could not be applied: {refusal}"
            break
        except Exception as failure:  # a transform bug ends the loop, not the user's run
            result.stopped_because = (f"tferrfix failed while applying the fix "
                                      f"({type(failure).__name__}: {failure})")
            break
        attempt.fix_applied = {"code": found["code"], "title": fix["title"],
                               "applicability": fix["applicability"],
                               "diff": unified_diff(current, new, path)}
        sys.stderr.write(f"\ntferrfix: applying {found['code']} fix \"{fix['title']}\" "
                         f"({fix['applicability']}) and running again\n")
        current = new
    result.final_source = current
    if current != original:
        result.patch = unified_diff(original, current, path)
    result.fixed = result.fixed and result.attempts[-1].exit_code == 0
    return result


def edited_from_json(source: str, edits: list[tuple[str, int, dict[str, Any]]]) -> str:
    from tferrfix.fixes import Edit

    return edited(source, tuple(Edit("", line, transform, tuple(args.items()))
                                for transform, line, args in edits))


def _why_no_fix(diagnosis: dict[str, Any] | None, unsafe: bool) -> str:
    if not diagnosis or not diagnosis.get("diagnoses"):
        return "no diagnosis, so no fix to apply"
    fixes = diagnosis["diagnoses"][0].get("fixes", [])
    if any(f.get("applicability") == "unsafe" and f.get("edits") for f in fixes) and not unsafe:
        return "only unsafe fixes are known (pass --unsafe-fixes to apply them)"
    reasons = [f.get("reason") for f in fixes if f.get("reason")]
    if reasons:
        return "the fix cannot be applied automatically: " + reasons[0]
    return "the diagnosis has no automatic fix (see the snippet to apply by hand)"


def write_back(script: str, original: str, patched: str) -> str:
    """Write ``patched`` over the script if it still holds ``original``; keep a backup.
    Returns what was done, for the report."""
    path = os.path.abspath(script)
    if read_source(path) != original:
        return f"not written: {script} changed while tferrfix ran"
    backup = path + ".orig"
    with open(backup, "w", encoding="utf-8") as handle:
        handle.write(original)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(patched)
    return f"written to {script} (backup: {os.path.basename(backup)})"


def report_json(script: str, argv: list[str], result: LoopResult) -> dict[str, Any]:
    last = result.attempts[-1] if result.attempts else None
    return {
        "schema": RUN_SCHEMA,
        "script": script,
        "argv": argv,
        "exit_code": last.exit_code if last else 2,
        "attempts": [{"exit_code": a.exit_code, "seconds": a.seconds,
                      "diagnosis": a.diagnosis, "fix_applied": a.fix_applied}
                     for a in result.attempts],
        "fixed": result.fixed,
        "patch": result.patch,
        "stopped_because": result.stopped_because,
    }


__all__ = ["Applicability", "LoopResult", "fix_loop", "report_json", "write_back"]

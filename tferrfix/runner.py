"""``tferrfix run script.py [args]``: run a program exactly as ``python script.py`` would, and
diagnose it if it crashes.

Same ``__main__``, ``sys.argv``, ``sys.path[0]`` (the script's folder), ``__file__`` and
working directory; the program's own stdout and stderr pass through untouched. On a crash the
original traceback is printed first, as Python prints it, then the diagnosis. Exit codes are
Python's: 0, the code of ``SystemExit``, 1 for an uncaught exception, 130 for Ctrl-C, and 2
when the script cannot be opened.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib.machinery
import json
import linecache
import os
import sys
import time
import tokenize
import traceback
import types
from dataclasses import dataclass
from types import TracebackType
from typing import Any

RUN_SCHEMA = "tferrfix/run-1"


@dataclass
class RunResult:
    exit_code: int
    seconds: float
    diagnosis: dict[str, Any] | None


def run_script(script: str, args: list[str], *, fmt: str = "text",
               colour: bool | None = None, report: str | None = None) -> int:
    path = os.path.abspath(script)
    if not os.path.isfile(path):
        sys.stderr.write(f"tferrfix run: can't open file {script!r}: "
                         "[Errno 2] No such file or directory\n")
        return 2
    result = _run(path, script, args, fmt, colour)
    if report:
        _write_report(report, script, [script, *args], result)
    return result.exit_code


def _run(path: str, script: str, args: list[str], fmt: str, colour: bool | None) -> RunResult:
    saved_argv, saved_path0 = sys.argv[:], sys.path[0] if sys.path else None
    sys.argv = [script, *args]
    if sys.path:
        sys.path[0] = os.path.dirname(path)
    else:
        sys.path.insert(0, os.path.dirname(path))
    started = time.perf_counter()
    diagnosis = None
    try:
        _execute(path)
        code = 0
    except SystemExit as stop:
        code = _exit_code(stop)
    except KeyboardInterrupt as interrupt:
        _print_original(interrupt, path)
        code = 130
    except BaseException as error:  # the user's crash: shown as Python shows it, then explained
        _print_original(error, path)
        diagnosis = _diagnose(error, fmt, colour)
        code = 1
    finally:
        sys.argv = saved_argv
        if saved_path0 is not None and sys.path:
            sys.path[0] = saved_path0
        _flush()
    return RunResult(code, time.perf_counter() - started, diagnosis)


def _execute(path: str) -> None:
    """Run the file as the ``__main__`` module, the way the interpreter does for
    ``python path``: same globals (``__file__``, ``__spec__ = None``, a source loader), same
    ``sys.modules["__main__"]``, and ``sys.argv[0]`` left as the user typed it."""
    override = _source_override(path)
    if override is not None:
        source = override
        _serve_source(path, source)
    else:
        with tokenize.open(path) as handle:  # honours the file's encoding declaration
            source = handle.read()
    code = compile(source, path, "exec", dont_inherit=True)
    module = types.ModuleType("__main__")
    module.__file__ = path
    module.__loader__ = importlib.machinery.SourceFileLoader("__main__", path)
    module.__spec__ = None
    module.__builtins__ = builtins  # type: ignore[attr-defined]
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = module
    try:
        exec(code, module.__dict__)
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


SOURCE_OVERRIDE_ENV = "TFERRFIX_SOURCE_OVERRIDE"


def _serve_source(path: str, source: str) -> None:
    """Make the edited source what every reader of ``path`` sees in this process: tracebacks,
    ``inspect`` and TensorFlow's autograph (which re-reads function sources through
    ``linecache`` and would otherwise get the file on disk), and tferrfix's own fixes."""
    from tferrfix.fixes.materialize import OVERRIDES

    OVERRIDES[path] = source
    lines = source.splitlines(keepends=True)
    entry = (len(source), None, lines, path)  # no mtime: checkcache() keeps it
    linecache.cache[path] = entry
    original_update = linecache.updatecache

    def updatecache(filename: str, module_globals: Any = None) -> list[str]:
        if filename == path:
            linecache.cache[path] = entry
            return lines
        return original_update(filename, module_globals)

    linecache.updatecache = updatecache


def _source_override(path: str) -> str | None:
    """The fix loop runs an edited copy of the script without touching the file: the edited
    source comes from the file named in this variable, and runs under the script's own path
    (so ``__file__``, ``sys.path[0]`` and tracebacks are those of the real script)."""
    spec = os.environ.pop(SOURCE_OVERRIDE_ENV, None)  # the program must not see it
    if not spec:
        return None
    target, _, source_file = spec.partition(os.pathsep)
    if os.path.abspath(target) != path:
        return None
    with open(source_file, encoding="utf-8") as handle:
        return handle.read()


def _diagnose(error: BaseException, fmt: str, colour: bool | None) -> dict[str, Any] | None:
    """Explain the crash on stderr; the JSON of the diagnosis for ``--report``."""
    try:
        # Imported only now: a program that succeeds never pays for the diagnosis machinery.
        from tferrfix.api import report_exception
        from tferrfix.render.report import to_json

        outcome = report_exception(error, sys.stderr, fmt=fmt, colour=colour,
                                   skip_files=(__file__,))
        return None if outcome is None else to_json(outcome)
    except Exception as failure:  # the user's traceback is already out; ours is one line
        print(f"tferrfix: could not diagnose this crash ({type(failure).__name__}: {failure})",
              file=sys.stderr)
        return None


def _exit_code(stop: SystemExit) -> int:
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code
    sys.stderr.write(f"{stop.code}\n")
    return 1


def _trimmed(tb: TracebackType | None, path: str) -> TracebackType | None:
    """The traceback from the script's first frame on, as Python would print it."""
    start = tb
    while start is not None and start.tb_frame.f_code.co_filename != path:
        start = start.tb_next
    return start or tb


def _print_original(error: BaseException, path: str) -> None:
    _flush()
    error.__traceback__ = _trimmed(error.__traceback__, path)
    try:
        traceback.print_exception(type(error), error, error.__traceback__)
    except Exception:
        sys.stderr.write(f"{type(error).__name__}: <message unavailable>\n")
    sys.stderr.flush()


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _write_report(report: str, script: str, argv: list[str], result: RunResult) -> None:
    data = {
        "schema": RUN_SCHEMA,
        "script": script,
        "argv": argv,
        "exit_code": result.exit_code,
        "attempts": [{"exit_code": result.exit_code, "seconds": round(result.seconds, 3),
                      "diagnosis": result.diagnosis, "fix_applied": None}],
        "fixed": False,
        "patch": None,
    }
    try:
        with open(report, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
    except OSError as error:
        sys.stderr.write(f"tferrfix: could not write the report {report}: {error}\n")

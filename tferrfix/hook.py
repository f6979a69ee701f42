"""``tferrfix.install()``: explain crashes where they happen — scripts, threads, the REPL,
IPython, Jupyter and Colab (``%load_ext tferrfix``).

The hooks chain with whatever was installed before: the previous hook prints the original
traceback first, unchanged, then tferrfix adds its diagnosis. Nothing is traced while the
program runs (no ``sys.settrace``): a program that does not fail pays nothing.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import Any

_saved: dict[str, Any] = {}


def install(*, fmt: str = "text") -> None:
    """Chain tferrfix after the current ``sys.excepthook`` and ``threading.excepthook``;
    inside IPython, register a custom exception handler instead of relying on excepthook."""
    if _saved:
        return
    _saved["format"] = fmt
    _saved["sys"] = sys.excepthook
    _saved["threading"] = threading.excepthook
    sys.excepthook = _sys_hook
    threading.excepthook = _thread_hook
    shell = _ipython()
    if shell is not None:
        load_ipython_extension(shell)


def uninstall() -> None:
    """Put back the hooks that were there before ``install()``."""
    if not _saved:
        return
    if sys.excepthook is _sys_hook:
        sys.excepthook = _saved["sys"]
    if threading.excepthook is _thread_hook:
        threading.excepthook = _saved["threading"]
    shell = _ipython()
    if shell is not None and _saved.get("ipython") is shell:
        unload_ipython_extension(shell)
    _saved.clear()


def installed() -> bool:
    return bool(_saved)


def report_exception(value: BaseException, stream: Any, *, fmt: str) -> Any:
    # Imported at the crash, not at install(): a program that does not fail pays nothing.
    from tferrfix.api import report_exception as report

    return report(value, stream, fmt=fmt)


def _sys_hook(etype: type[BaseException], value: BaseException,
              tb: TracebackType | None) -> None:
    _saved.get("sys", sys.__excepthook__)(etype, value, tb)
    if not issubclass(etype, (KeyboardInterrupt, SystemExit)):
        report_exception(value, sys.stderr, fmt=_saved.get("format", "text"))


def _thread_hook(args: Any) -> None:
    _saved.get("threading", threading.__excepthook__)(args)
    value = args.exc_value
    if value is not None and not isinstance(value, (KeyboardInterrupt, SystemExit)):
        report_exception(value, sys.stderr, fmt=_saved.get("format", "text"))


# -- IPython / Jupyter / Colab ----------------------------------------------------------------
def _ipython() -> Any:
    module = sys.modules.get("IPython")
    if module is None:
        return None
    try:
        return module.get_ipython()
    except Exception:
        return None


def _in_notebook(shell: Any) -> bool:
    return type(shell).__name__ in ("ZMQInteractiveShell", "Shell") or "google.colab" in \
        sys.modules


def _ipython_handler(shell: Any, etype: type[BaseException], value: BaseException,
                     tb: TracebackType | None, tb_offset: int | None = None) -> None:
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    if isinstance(value, KeyboardInterrupt):
        return
    if _in_notebook(shell):
        import io

        buffer = io.StringIO()
        outcome = report_exception(value, buffer, fmt="html")
        if outcome is None:
            sys.stderr.write(buffer.getvalue())
            return
        try:
            from IPython.display import HTML, display

            display(HTML(buffer.getvalue()))
        except Exception:
            report_exception(value, sys.stdout, fmt="text")
    else:
        report_exception(value, sys.stdout, fmt="text")


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext tferrfix``."""
    shell.set_custom_exc((Exception,), _ipython_handler)
    _saved["ipython"] = shell


def unload_ipython_extension(shell: Any) -> None:
    """``%unload_ext tferrfix``: IPython's own handling again."""
    shell.CustomTB = None
    shell.custom_exceptions = ()
    _saved.pop("ipython", None)

"""tferrfix turns TensorFlow/Keras crashes into answers.

Public API: ``explain(text)``, ``diagnose(text_or_exception)``, ``install()``,
``uninstall()``. Importing tferrfix never imports TensorFlow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = [
    "__version__",
    "diagnose",
    "explain",
    "install",
    "load_ipython_extension",
    "uninstall",
    "unload_ipython_extension",
]

if TYPE_CHECKING:
    from tferrfix.matching import Outcome


def explain(text: str, format: str = "text") -> str:
    """The explanation of the last traceback in ``text`` (``format``: text, markdown, html,
    json). Raises ``ValueError`` when ``text`` holds no traceback."""
    from tferrfix.api import outcomes_from_text
    from tferrfix.render.report import render

    outcomes = outcomes_from_text(text)
    if not outcomes:
        raise ValueError("no Python traceback or error message was found in the text")
    return render(outcomes[-1], format)


def diagnose(source: str | BaseException) -> Outcome | None:
    """The outcome (ranked diagnoses or the fallback) for a live exception, or for the last
    traceback in a text."""
    from tferrfix.api import outcome_from_exception, outcomes_from_text

    if isinstance(source, BaseException):
        return outcome_from_exception(source)
    outcomes = outcomes_from_text(source)
    return outcomes[-1] if outcomes else None


def install(*, fmt: str = "text") -> None:
    """Explain uncaught exceptions where they happen (scripts, threads, IPython, Jupyter)."""
    from tferrfix.hook import install as _install

    _install(fmt=fmt)


def uninstall() -> None:
    """Remove the hooks ``install()`` set, restoring the previous ones."""
    from tferrfix.hook import uninstall as _uninstall

    _uninstall()


def load_ipython_extension(shell: object) -> None:
    """``%load_ext tferrfix`` in IPython, Jupyter and Colab."""
    from tferrfix.hook import load_ipython_extension as _load

    _load(shell)


def unload_ipython_extension(shell: object) -> None:
    from tferrfix.hook import unload_ipython_extension as _unload

    _unload(shell)

"""tferrfix turns TensorFlow/Keras crashes into answers.

Public API: ``explain(text)``, ``diagnose(text_or_exception)``, ``install()``,
``uninstall()``. Importing tferrfix never imports TensorFlow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["__version__", "diagnose", "explain"]

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


def diagnose(source: str) -> Outcome | None:
    """The outcome (ranked diagnoses or the fallback) for the last traceback in ``source``."""
    from tferrfix.api import outcomes_from_text

    outcomes = outcomes_from_text(source)
    return outcomes[-1] if outcomes else None

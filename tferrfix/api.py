"""The engine behind the public functions: text or a live exception in, outcomes out."""

from __future__ import annotations

from tferrfix.matching import Outcome, diagnose_incident
from tferrfix.tracebacks import incidents_from_text


def outcomes_from_text(text: str) -> list[Outcome]:
    """One outcome per traceback in ``text``, in order."""
    return [diagnose_incident(incident) for incident in incidents_from_text(text)]

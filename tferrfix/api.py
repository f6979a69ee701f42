"""The engine behind the public functions: text or a live exception in, outcomes out."""

from __future__ import annotations

import os
from typing import TextIO

from tferrfix.matching import Outcome, diagnose_incident
from tferrfix.tracebacks import incident_from_parsed, incidents_from_text
from tferrfix.tracebacks.parse import bare_message


def outcomes_from_text(text: str) -> list[Outcome]:
    """One outcome per traceback in ``text``, in order. Text without any traceback or error
    name is tried as a bare message, and kept only when a pattern recognises it."""
    outcomes = [diagnose_incident(incident) for incident in incidents_from_text(text)]
    if not outcomes:
        bare = bare_message(text)
        if bare is not None:
            outcome = diagnose_incident(incident_from_parsed(bare))
            if outcome.diagnoses:
                outcomes.append(outcome)
    return outcomes


def outcome_from_exception(error: BaseException, *, skip_files: tuple[str, ...] = ()) -> Outcome:
    """The outcome for a live exception, with evidence from the running program."""
    from tferrfix.capture import incident_from_exception

    try:
        incident = incident_from_exception(error, skip_files=skip_files)
    except Exception as failure:
        # Live capture broke: the traceback still says what `tferrfix explain` would read.
        import traceback

        found = outcomes_from_text("".join(traceback.format_exception(error)))
        if not found:
            raise
        found[-1].internal_errors.append(f"live capture: {failure!r}")
        return found[-1]
    return diagnose_incident(incident)


def report_exception(error: BaseException, stream: TextIO, *, fmt: str = "text",
                     colour: bool | None = None, skip_files: tuple[str, ...] = ()
                     ) -> Outcome | None:
    """Write the diagnosis of ``error`` to ``stream``. tferrfix's own failure is reported in
    one line and never raised: the user's traceback has already been shown and stays the
    point."""
    from tferrfix.render.report import render

    try:
        outcome = outcome_from_exception(error, skip_files=skip_files)
        if colour is None:
            colour = fmt == "text" and _is_tty(stream) and "NO_COLOR" not in os.environ
        stream.write("\n" + render(outcome, fmt, colour=colour))
        stream.flush()
        return outcome
    except Exception as failure:
        try:
            stream.write(f"\ntferrfix: could not diagnose this error "
                         f"({type(failure).__name__}: {failure})\n")
            stream.flush()
        except Exception:
            pass
        return None


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:
        return False

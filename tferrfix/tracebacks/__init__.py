"""Traceback text -> Incident. Pure text processing: nothing here imports TensorFlow."""

from __future__ import annotations

from tferrfix.exceptions import mro_of
from tferrfix.incident import Frame, Incident
from tferrfix.tracebacks.keras_args import call_arguments
from tferrfix.tracebacks.parse import ParsedTraceback, parse, parse_last
from tferrfix.tracebacks.user_code import user_code_frames

__all__ = ["ParsedTraceback", "incident_from_parsed", "incidents_from_text", "parse", "parse_last"]


def incident_from_parsed(parsed: ParsedTraceback) -> Incident:
    """The Incident of one parsed traceback (``source="text"``)."""
    from tferrfix.scope import classify  # scope reads paths from this package

    framework, in_scope = classify(parsed.chain)
    evidence = []
    for error in reversed(parsed.chain):
        evidence.extend(call_arguments(error.message))
    return Incident(
        source="text",
        chain=parsed.chain,
        mro=mro_of(parsed.error.type),
        user_frame=_user_frame(parsed),
        evidence=tuple(evidence),
        framework=framework,
        in_scope=in_scope,
    )


def incidents_from_text(text: str) -> list[Incident]:
    return [incident_from_parsed(p) for p in parse(text)]


def _user_frame(parsed: ParsedTraceback) -> Frame | None:
    """The innermost frame of the user's own code. Graph-mode "in user code:" blocks point at
    the user's line inside a tf.function, which is closer to the cause than the call of fit()."""
    for error in reversed(parsed.chain):
        inner = [f for f in user_code_frames(error.message) if f.is_user]
        if inner:
            return inner[-1]
    for error in reversed(parsed.chain):
        users = [f for i, f in enumerate(error.frames) if f.is_user
                 and not _exec_inside_library(error.frames, i)]
        if users:
            return users[-1]
    return None


def _exec_inside_library(frames: tuple[Frame, ...], index: int) -> bool:
    """``File "<string>"`` right after a library frame is code a library exec'd (six's
    ``raise_from``), not the user's."""
    return frames[index].file.startswith("<") and index > 0 and not frames[index - 1].is_user

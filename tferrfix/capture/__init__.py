"""Live exception -> Incident, with evidence from the user's own objects.

Nothing here imports TensorFlow: objects are recognised by their classes' names and modules.
Capture never calls user code and never formats a big tensor; whatever it cannot read safely
it leaves out. It is also never allowed to fail: callers wrap it, and a failure costs only
the evidence.
"""

from __future__ import annotations

import linecache
from types import TracebackType

from tferrfix.capture.expression import evidence_of_call
from tferrfix.capture.keras_objects import library_objects
from tferrfix.incident import SCALAR_KINDS, Evidence, Frame, Incident, RaisedError
from tferrfix.scope import classify
from tferrfix.tracebacks.clean import strip_ansi
from tferrfix.tracebacks.keras_args import call_arguments
from tferrfix.tracebacks.paths import is_user_file
from tferrfix.tracebacks.user_code import user_code_frames

MAX_CHAIN = 16
MAX_MESSAGE = 200_000
_MAX_USER_FRAMES = 3


def safe_message(error: BaseException) -> str:
    """``str(error)``, even when ``__str__`` itself raises."""
    try:
        text = str(error)
    except Exception as failure:
        text = f"<message unavailable: {type(failure).__name__} in __str__>"
    text = text[:MAX_MESSAGE]
    # Keras 3 puts terminal styles (bold) inside its messages.
    return strip_ansi(text) if "\x1b" in text else text


def _chain(error: BaseException) -> list[tuple[BaseException, str | None]]:
    """The exception and its causes/contexts, oldest first, each with how the next one
    relates to it."""
    found: list[tuple[BaseException, str | None]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    relation: str | None = None
    while current is not None and id(current) not in seen and len(found) < MAX_CHAIN:
        seen.add(id(current))
        found.append((current, relation))
        if current.__cause__ is not None:
            current, relation = current.__cause__, "cause"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, relation = current.__context__, "context"
        else:
            current = None
    found.reverse()
    # Each entry must carry how the *next* (newer) error relates to it.
    out: list[tuple[BaseException, str | None]] = []
    for index, (exc, _) in enumerate(found):
        newer_relation = found[index + 1][1] if index + 1 < len(found) else None
        out.append((exc, newer_relation))
    return out


def _frames(tb: TracebackType | None) -> list[tuple[Frame, TracebackType]]:
    out = []
    while tb is not None:
        code = tb.tb_frame.f_code
        file = code.co_filename
        line = tb.tb_lineno
        text = linecache.getline(file, line).strip()
        out.append((Frame(file, line, code.co_name, text, is_user_file(file)), tb))
        tb = tb.tb_next
    return out


def incident_from_exception(error: BaseException, *, skip_files: tuple[str, ...] = ()
                            ) -> Incident:
    """The Incident of a live exception. ``skip_files``: frames of a runner to leave out."""
    chain: list[RaisedError] = []
    for exc, relation in _chain(error):
        cls = type(exc)
        frames = [f for f, _ in _frames(exc.__traceback__) if f.file not in skip_files]
        chain.append(RaisedError(cls.__name__, f"{cls.__module__}.{cls.__qualname__}",
                                 safe_message(exc), tuple(frames), relation))
    raised = _frames(error.__traceback__)
    user = [(f, tb) for f, tb in raised if f.is_user and f.file not in skip_files]
    evidence: list[Evidence] = []
    user_frame = user[-1][0] if user else None
    # The innermost user frame first; when its failing line holds nothing describable (a
    # dataset mapping function that ran as a graph), the calls around it, outward.
    for _, tb in reversed(user[-_MAX_USER_FRAMES:]):
        found = evidence_of_call(tb).evidence
        evidence.extend(found)
        if any(ev.kind not in SCALAR_KINDS for ev in found):
            break
    named = {ev.detail("name") for ev in evidence if ev.kind == "model"}
    # a model already read under the user's own name is not listed again as the library's
    evidence.extend(ev for ev in library_objects([tb.tb_frame for _, tb in raised])
                    if ev.kind != "model" or ev.detail("name") not in named)
    for item in reversed(chain):
        evidence.extend(call_arguments(item.message))
    inner = [f for item in reversed(chain) for f in user_code_frames(item.message) if f.is_user]
    if inner:
        # a tf.function's user code: closer to the cause than the call of fit()
        user_frame = inner[-1]
    framework, in_scope = classify(chain)
    return Incident(
        source="live",
        chain=tuple(chain),
        mro=tuple(c.__name__ for c in type(error).__mro__),
        user_frame=user_frame,
        evidence=tuple(evidence),
        framework=framework,
        in_scope=in_scope,
    )

"""An Outcome rendered as JSON (``tferrfix/diagnosis-1``), text, Markdown or HTML."""

from __future__ import annotations

import html
import json
import textwrap
from typing import Any

from tferrfix import lazy_regex
from tferrfix.matching import Outcome
from tferrfix.render.explain import environment

SCHEMA = "tferrfix/diagnosis-1"
HOW_TO_REPORT = (
    "This is a case tferrfix does not know yet. Please report it with the full traceback "
    "(`tferrfix explain --format json` output helps) so that a pattern can be written for it."
)
_FRAMEWORK_NAMES = {"other": "another framework (not TensorFlow/Keras)"}


def to_json(outcome: Outcome) -> dict[str, Any]:
    incident = outcome.incident
    error = incident.error
    frame = incident.user_frame
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "source": incident.source,
        "in_scope": incident.in_scope,
        "framework": incident.framework,
        "exception": {
            "type": error.type,
            "message": error.message,
            "chain": [{"type": e.type, "message": e.message} for e in incident.chain],
        },
        "location": (
            {"file": frame.file, "line": frame.line, "function": frame.function,
             "code": frame.code}
            if frame else None
        ),
        "diagnoses": [
            {
                "code": d.code,
                "name": d.name,
                "family": d.family,
                "title": d.title,
                "confidence": round(d.confidence, 3),
                "explanation": d.explanation,
                "evidence": [e.to_json() for e in d.evidence],
                "fixes": [f.to_json() for f in d.fixes],
            }
            for d in outcome.diagnoses
        ],
    }
    if outcome.fallback is not None:
        out["fallback"] = {
            "explained_type": outcome.fallback.explained_type,
            "meaning": outcome.fallback.meaning,
            "how_to_report": HOW_TO_REPORT if incident.in_scope else None,
        }
    if outcome.internal_errors:
        out["internal_errors"] = outcome.internal_errors
    return out


def to_json_text(outcome: Outcome) -> str:
    return json.dumps(to_json(outcome), ensure_ascii=False)


def _wrap(text: str, indent: str, width: int = 92) -> str:
    return "\n\n".join(
        textwrap.fill(p, width=width, initial_indent=indent, subsequent_indent=indent,
                      break_on_hyphens=False, break_long_words=False)
        for p in text.split("\n\n")
    )


_CODE = lazy_regex.compile(r"`([^`\n]+)`")


def _html_markup(text: str) -> str:
    escaped = html.escape(text)
    paragraphs = [_CODE.sub(r"<code>\1</code>", p) for p in escaped.split("\n\n")]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _colour(enabled: bool) -> dict[str, str]:
    codes = {"bold": "\x1b[1m", "dim": "\x1b[2m", "red": "\x1b[31m", "green": "\x1b[32m",
             "yellow": "\x1b[33m", "cyan": "\x1b[36m", "reset": "\x1b[0m"}
    return codes if enabled else {k: "" for k in codes}


def render(outcome: Outcome, fmt: str, *, colour: bool = False) -> str:
    """``fmt`` is ``text``, ``markdown``, ``html`` or ``json``."""
    if fmt == "json":
        return to_json_text(outcome)
    env = environment()
    suffix = {"text": "txt", "markdown": "md", "html": "html"}[fmt]
    template = env.get_template(f"report.{suffix}.j2")
    return template.render(
        outcome=outcome,
        incident=outcome.incident,
        frame=outcome.incident.user_frame,
        diagnoses=outcome.diagnoses,
        fallback=outcome.fallback,
        how_to_report=HOW_TO_REPORT,
        framework_name=_FRAMEWORK_NAMES.get(outcome.incident.framework or "", ""),
        wrap=_wrap,
        markup=_html_markup,
        c=_colour(colour),
        esc=html.escape,
    ).rstrip("\n") + "\n"

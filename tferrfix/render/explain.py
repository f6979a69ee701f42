"""Render a pattern's explanation template with the facts of its diagnosis.

Each pattern has one template, ``templates/patterns/<name>.j2``, written in a light markup
(backticks around code, blank lines between paragraphs) that the text, Markdown and HTML
renderers each turn into their format. Undefined names fail loudly (``StrictUndefined``), so a
template cannot silently print an empty shape.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import jinja2

from tferrfix.render.live_context import live_context
from tferrfix.shapes import show

if TYPE_CHECKING:
    from tferrfix.diagnosis import Diagnosis
    from tferrfix.incident import Incident


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tferrfix", "render/templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["shape"] = show
    env.filters["plural"] = lambda n, word: f"{n} {word}" + ("" if n == 1 else "s")
    return env


def context(diagnosis: Diagnosis, incident: Incident) -> dict[str, Any]:
    frame = incident.user_frame
    return {
        **diagnosis.facts,
        "facts": diagnosis.facts,
        "evidence": diagnosis.evidence,
        "incident": incident,
        "user_code": frame.code if frame else "",
        "user_line": frame.line if frame else None,
        "user_file": frame.file if frame else None,
        "live": incident.source == "live",
    }


def explanation(diagnosis: Diagnosis, incident: Incident) -> str:
    template = environment().get_template(f"patterns/{diagnosis.name}.j2")
    text = template.render(context(diagnosis, incident))
    # Collapse the blank lines that template control blocks leave behind.
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    context_paragraph = live_context(incident)
    if context_paragraph:
        paragraphs.append(context_paragraph)
    return "\n\n".join(paragraphs)

"""Render a pattern's explanation template with the facts of its diagnosis.

Each pattern has one template, ``templates/patterns/<name>.j2``, written in a light markup
(backticks around code, blank lines between paragraphs) that the text, Markdown and HTML
renderers each turn into their format. Undefined names fail loudly (``StrictUndefined``), so a
template cannot silently print an empty shape.
"""

from __future__ import annotations

import contextlib
import os
from functools import cache
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.bccache

from tferrfix.render.live_context import live_context
from tferrfix.shapes import show

if TYPE_CHECKING:
    from tferrfix.diagnosis import Diagnosis
    from tferrfix.incident import Incident


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, in the user's private temporary directory: a cold
    `tferrfix explain` then skips compiling its templates (a tenth of its run). Keyed by the
    template's source checksum, so an edited template is recompiled; a cache that cannot be
    read or written is simply not used."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError, ValueError, EOFError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    if os.environ.get("TFERRFIX_NO_CACHE"):
        return None
    try:
        return _QuietBytecodeCache(pattern="tferrfix-%s.cache")
    except (OSError, RuntimeError):  # no private temporary directory could be made
        return None


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tferrfix", "render/templates"),
        bytecode_cache=_bytecode_cache(),
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

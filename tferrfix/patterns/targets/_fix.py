"""Fix snippets shared by the target/loss patterns: the user's own line with the targets
argument rewritten, or the user's ``tf.nn`` call with its arguments put right."""

from __future__ import annotations

from collections.abc import Callable

import regex

from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.snippets import call_sites, rewrite_argument
from tferrfix.incident import Incident


def _complete(code: str) -> tuple[str, str]:
    """A line cut inside a call (``model.fit(x, y, epochs=1,``) completed so that it parses,
    and the suffix that was added to it."""
    stripped = code.strip()
    missing = stripped.count("(") - stripped.count(")")
    if missing <= 0:
        return stripped, ""
    body = stripped.rstrip().rstrip(",").rstrip()
    return body + ")" * missing, ")" * missing


def rewrite_targets(code: str | None, wrap: Callable[[str], str]) -> str | None:
    """The user's ``fit``/``train_on_batch``/``evaluate`` line with its targets argument
    (second positional or ``y=``) replaced by ``wrap(targets)``; None when there is none."""
    if not code:
        return None
    completed, added = _complete(code)
    new = rewrite_argument(completed, wrap, position=1, keyword="y")
    if new is None:
        return None
    if added and new.endswith(added):
        tail = code.strip()
        new = new[: len(new) - len(added)]
        if tail.rstrip().endswith(","):
            new += ","
    return new


def rewrite_keyword(code: str | None, keyword: str, wrap: Callable[[str], str]) -> str | None:
    """The user's line with the value of ``keyword=`` (in any call on it) replaced by
    ``wrap(value)``; None when there is no such keyword."""
    if not code:
        return None
    completed, _ = _complete(code)
    for site in call_sites(completed):
        value = dict(site.keywords).get(keyword)
        if value:
            found = regex.search(rf"\b{keyword}\s*=\s*{regex.escape(value)}", code)
            if found is None:
                return None
            start, end = found.span()
            head = code[start:end][: len(found.group(0)) - len(value)]
            return (code[:start] + head + wrap(value) + code[end:]).strip()
    return None


def swap_keywords(code: str | None, first: str, second: str) -> str | None:
    """``f(labels=a, logits=b)`` -> ``f(labels=b, logits=a)`` on the user's line."""
    if not code:
        return None
    completed, _ = _complete(code)
    for site in call_sites(completed):
        keywords = dict(site.keywords)
        if first not in keywords or second not in keywords:
            continue
        for one, two in ((first, second), (second, first)):
            a, b = keywords[one], keywords[two]
            rx = regex.compile(
                rf"(?P<k1>\b{one}\s*=\s*){regex.escape(a)}(?P<mid>[^=]*?)"
                rf"(?P<k2>\b{two}\s*=\s*){regex.escape(b)}"
            )
            found = rx.search(code)
            if found is not None:
                new = f"{found['k1']}{b}{found['mid']}{found['k2']}{a}"
                return code.strip().replace(found.group(0), new, 1)
    return None


def fix(incident: Incident, title: str, snippet: str, reason: str | None = None) -> Fix:
    frame = incident.user_frame
    return Fix(title, Applicability.DISPLAY_ONLY, snippet, frame.file if frame else None,
               frame.line if frame else None, reason=reason)

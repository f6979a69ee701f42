"""Turn a fix's edits into a concrete diff against the file on disk — or lower the fix to
``display-only`` with the reason it cannot be applied."""

from __future__ import annotations

import difflib
import os
from typing import Any

from tferrfix.fixes import Applicability, Edit, Fix

MAX_SOURCE = 5_000_000
# Sources that ran instead of the file on disk (the fix loop's edited copy), by absolute path.
OVERRIDES: dict[str, str] = {}


def read_source(path: str) -> str | None:
    if path in OVERRIDES:
        return OVERRIDES[path]
    try:
        if os.path.getsize(path) > MAX_SOURCE:
            return None
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def edited(source: str, edits: tuple[Edit, ...]) -> str:
    # LibCST takes a sixth of a second to import: only a live incident with a fix pays it,
    # never `tferrfix explain`.
    from tferrfix.fixes.transforms import apply

    for edit in edits:
        source = apply(source, edit.transform, edit.line, dict(edit.args))
    return source


def unified_diff(old: str, new: str, path: str) -> str:
    name = os.path.basename(path)
    return "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True),
                                        fromfile=f"a/{name}", tofile=f"b/{name}"))


def materialize(fix: Fix, sources: dict[str, str] | None = None) -> Fix:
    """``fix`` with its diff computed, or lowered to display-only (with the reason) when its
    edits cannot be made exactly as described."""
    if not fix.edits or fix.applicability is Applicability.DISPLAY_ONLY:
        return fix
    files = {edit.file for edit in fix.edits}
    if len(files) != 1:
        return fix.lowered("the edits span several files")
    path = files.pop()
    source = (sources or {}).get(path) or read_source(path)
    if source is None:
        return fix.lowered(f"the source of {path} is not available here")
    from tferrfix.fixes.transforms import Refused

    try:
        new = edited(source, fix.edits)
    except Refused as refusal:
        return fix.lowered(str(refusal))
    except Exception as error:  # a transform bug must not hide the diagnosis
        return fix.lowered(f"the edit failed ({type(error).__name__})")
    if new == source:
        return fix.lowered("the edit changes nothing")
    return Fix(fix.title, fix.applicability, fix.snippet, fix.file, fix.line, fix.edits,
               unified_diff(source, new, path), None, dict(fix.extra))


def edit(file: str, line: int, transform: str, **args: Any) -> Edit:
    """Shorthand for patterns: ``edit(frame.file, frame.line, "wrap_argument", ...)``."""
    return Edit(file, line, transform, tuple(sorted(args.items())))

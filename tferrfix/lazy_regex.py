"""Regular expressions compiled on first need.

tferrfix holds close to three hundred expressions (every wording of every message it knows).
Compiling them all costs more than Python's whole start-up, yet one traceback needs only the
few that can match it: a cold ``tferrfix explain`` must not pay for the rest.

Two savings: a pattern is compiled on first use, and a search in a text that lacks a literal
the pattern cannot match without (``"was passed for an output of shape"``) answers "no match"
without compiling at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import regex

# Characters that end a literal run at the pattern's top level.
_META = set("\\.^$*+?{}[]()|")
_QUANTIFIERS = set("*+?{")
_MIN_LITERAL = 4
# (?i) (?x) (?f) (?i:...) anywhere: matching is no longer character for character.
_INLINE_FLAGS = regex.compile(r"\(\?[a-zA-Z]*[ixf]")

REGISTRY: list[_Lazy] = []


def required_literal(pattern: str, flags: int = 0) -> str | None:
    """The longest run of plain characters every match of ``pattern`` contains, or None when
    the pattern does not guarantee one. Conservative: only text outside every group, class and
    escape (but escaped punctuation such as ``\\.``) counts, and a top-level alternation,
    case-insensitive or verbose matching, or inline flags give None."""
    if flags & (regex.IGNORECASE | regex.VERBOSE | regex.FULLCASE) or _INLINE_FLAGS.search(
            pattern):
        return None
    try:
        runs = list(_top_level_runs(pattern))
    except _Alternation:
        return None
    best = max(runs, key=len, default="")
    return best if len(best) >= _MIN_LITERAL else None


def _top_level_runs(pattern: str) -> Iterator[str]:
    """Literal runs at depth 0; raises _Alternation on a top-level ``|``."""
    depth = 0
    run: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\" and i + 1 < n:
            escaped = pattern[i + 1]
            if depth == 0 and not escaped.isalnum() and escaped not in " \t":
                run.append(escaped)
            else:
                yield from _flush(run)
            i += 2
            continue
        if char == "[":
            yield from _flush(run)
            i = _class_end(pattern, i)
            continue
        if char in _QUANTIFIERS and depth == 0:
            # The quantifier binds to the last character only: it is not required.
            if run and char != "+":
                run.pop()
            yield from _flush(run)
            if char == "{":
                close = pattern.find("}", i)
                i = n if close < 0 else close + 1
                continue
            i += 1
            continue
        if char == "(":
            depth += 1
            yield from _flush(run)
        elif char == ")":
            depth = max(depth - 1, 0)
            # A group followed by a quantifier may be absent; its text was never in a run.
        elif char == "|":
            if depth == 0:
                raise _Alternation
        elif char in _META:
            yield from _flush(run)
        elif depth == 0:
            run.append(char)
        i += 1
    yield from _flush(run)


def _flush(run: list[str]) -> Iterator[str]:
    if run:
        yield "".join(run)
        run.clear()


def _class_end(pattern: str, start: int) -> int:
    """Index just past the character class opening at ``start``."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


class _Alternation(Exception):
    pass


_UNKNOWN = object()


class _Lazy:
    __slots__ = ("_args", "_compiled", "_literal")

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: regex.Pattern[str] | None = None
        self._literal: Any = _UNKNOWN

    @property
    def literal(self) -> str | None:
        """The literal every match contains (worked out on first use, like the pattern)."""
        if self._literal is _UNKNOWN:
            self._literal = required_literal(*self._args)
        return cast("str | None", self._literal)

    @property
    def compiled(self) -> regex.Pattern[str]:
        if self._compiled is None:
            self._compiled = regex.compile(*self._args)
        return self._compiled

    def _absent(self, text: str) -> bool:
        literal = self.literal
        return literal is not None and literal not in text

    def search(self, text: str, *args: Any, **kwargs: Any) -> Any:
        return None if self._absent(text) else self.compiled.search(text, *args, **kwargs)

    def match(self, text: str, *args: Any, **kwargs: Any) -> Any:
        return None if self._absent(text) else self.compiled.match(text, *args, **kwargs)

    def fullmatch(self, text: str, *args: Any, **kwargs: Any) -> Any:
        return None if self._absent(text) else self.compiled.fullmatch(text, *args, **kwargs)

    def finditer(self, text: str, *args: Any, **kwargs: Any) -> Any:
        return iter(()) if self._absent(text) else self.compiled.finditer(text, *args, **kwargs)

    def findall(self, text: str, *args: Any, **kwargs: Any) -> Any:
        return [] if self._absent(text) else self.compiled.findall(text, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"lazy_regex.compile({self._args[0]!r})"


def compile(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """``regex.compile``, deferred until the pattern is first needed. The result behaves as the
    compiled pattern (``search``, ``match``, ``finditer``, ``pattern``, ...)."""
    lazy = _Lazy(pattern, flags)
    REGISTRY.append(lazy)
    # The proxy is typed as the pattern it stands for so that callers stay checked by mypy.
    return cast("regex.Pattern[str]", lazy)

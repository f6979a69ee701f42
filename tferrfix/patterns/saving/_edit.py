"""Small, exact rewrites of the user's failing line (as the traceback shows it) for the fix
snippets of the saving patterns: rename or drop one keyword, replace one string literal, wrap
one argument. Uses ``ast`` on that one line; nothing is read from disk or executed. Every
function returns ``None`` when the line cannot be parsed or the target is not found exactly
once, and the caller falls back to a generic snippet built from the facts.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Line:
    source: bytes  # what was parsed (maybe wrapped in parentheses)
    tree: ast.AST
    wrapped: bool

    def text(self, node: ast.AST) -> str:
        start, end = _span(node)
        return self.source[start:end].decode("utf-8")

    def splice(self, start: int, end: int, new: str) -> str:
        out = self.source[:start] + new.encode("utf-8") + self.source[end:]
        text = out.decode("utf-8")
        return text[1:-1] if self.wrapped else text


def _span(node: ast.AST) -> tuple[int, int]:
    start: int = getattr(node, "col_offset", 0)
    end: int | None = getattr(node, "end_col_offset", None)
    return start, end if end is not None else start


def _parse(code: str | None) -> _Line | None:
    if not code:
        return None
    source = code.strip()
    if "\n" in source:
        return None
    for candidate, wrapped in ((source, False), (f"({source})", True)):
        try:
            with warnings.catch_warnings():  # "invalid escape sequence" in a Windows path
                warnings.simplefilter("ignore")
                tree = ast.parse(candidate)
        except SyntaxError:
            continue
        return _Line(candidate.encode("utf-8"), tree, wrapped)
    return None


def _calls(line: _Line) -> list[ast.Call]:
    return [n for n in ast.walk(line.tree) if isinstance(n, ast.Call)]


def callee(line_or_call: ast.Call) -> str:
    func = line_or_call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _keyword(line: _Line, name: str) -> tuple[ast.Call, ast.keyword] | None:
    found = [(call, kw) for call in _calls(line) for kw in call.keywords if kw.arg == name]
    return found[0] if len(found) == 1 else None


def keyword_value(code: str | None, name: str) -> str | None:
    """The source of ``name=<value>`` on the line."""
    line = _parse(code)
    hit = _keyword(line, name) if line else None
    return line.text(hit[1].value) if line and hit else None


def has_keyword(code: str | None, name: str) -> bool:
    line = _parse(code)
    return bool(line and any(kw.arg == name for c in _calls(line) for kw in c.keywords))


def rename_keyword(code: str | None, old: str, new: str) -> str | None:
    """``f(lr=x)`` -> ``f(learning_rate=x)``."""
    line = _parse(code)
    hit = _keyword(line, old) if line else None
    if line is None or hit is None:
        return None
    start, _ = _span(hit[1])
    return line.splice(start, start + len(old.encode("utf-8")), new)


def drop_keyword(code: str | None, name: str) -> str | None:
    """``f(a, name=x, b=1)`` -> ``f(a, b=1)``."""
    line = _parse(code)
    hit = _keyword(line, name) if line else None
    if line is None or hit is None:
        return None
    call, kw = hit
    start, end = _span(kw)
    items: list[ast.AST] = sorted([*call.args, *call.keywords], key=lambda n: _span(n)[0])
    index = items.index(kw)
    src = line.source
    if index + 1 < len(items):  # eat up to the next argument
        end = _span(items[index + 1])[0]
    elif index > 0:  # last one: eat the comma before it
        start = _span(items[index - 1])[1]
    else:  # the only argument: eat a trailing comma too
        while end < len(src) and src[end:end + 1] in (b" ", b","):
            end += 1
    return line.splice(start, end, "")


def add_keyword(code: str | None, method: str, text: str) -> str | None:
    """``f(a)`` -> ``f(a, text)`` for the one call of ``method`` on the line."""
    line = _parse(code)
    if line is None:
        return None
    calls = [c for c in _calls(line) if callee(c) == method]
    if len(calls) != 1:
        return None
    call = calls[0]
    end = _span(call)[1] - 1  # the closing parenthesis
    sep = ", " if call.args or call.keywords else ""
    return line.splice(end, end, f"{sep}{text}")


def replace_string(code: str | None, old: str, new: str) -> str | None:
    """Replace the one string literal whose value is ``old`` by the literal ``new`` (same
    quotes)."""
    line = _parse(code)
    if line is None:
        return None
    nodes = [n for n in ast.walk(line.tree)
             if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value == old]
    if len(nodes) != 1:
        return None
    start, end = _span(nodes[0])
    literal = line.source[start:end].decode("utf-8")
    quote = literal[-1]
    if literal[:1] not in "'\"" or "\\" in literal:
        return None
    return line.splice(start, end, f"{quote}{new}{quote}")


def argument(code: str | None, methods: tuple[str, ...], position: int = 0,
             keyword: str | None = None) -> str | None:
    """The source of an argument of the one call of any of ``methods`` on the line."""
    line = _parse(code)
    if line is None:
        return None
    calls = [c for c in _calls(line) if callee(c) in methods]
    if len(calls) != 1:
        return None
    call = calls[0]
    if len(call.args) > position:
        return line.text(call.args[position])
    if keyword:
        for kw in call.keywords:
            if kw.arg == keyword:
                return line.text(kw.value)
    return None


def receiver(code: str | None, method: str) -> str | None:
    """``model`` in ``model.save(...)``."""
    line = _parse(code)
    if line is None:
        return None
    calls = [c for c in _calls(line) if callee(c) == method and isinstance(c.func, ast.Attribute)]
    if len(calls) != 1:
        return None
    func = calls[0].func
    return line.text(func.value) if isinstance(func, ast.Attribute) else None


def replace_call(code: str | None, methods: tuple[str, ...], new: Callable[[str], str]) -> str | None:
    """Replace the whole call of one of ``methods`` by ``new(<source of the call>)``."""
    line = _parse(code)
    if line is None:
        return None
    calls = [c for c in _calls(line) if callee(c) in methods]
    if len(calls) != 1:
        return None
    start, end = _span(calls[0])
    return line.splice(start, end, new(line.text(calls[0])))


def outer_call(code: str | None, skip: tuple[str, ...] = ()) -> tuple[str, list[str], list[tuple[str, str]]] | None:
    """The outermost call on the line that is not a call of ``skip`` (print, tf.constant...):
    (its callee's source, positional argument sources, keyword (name, source) pairs)."""
    line = _parse(code)
    if line is None:
        return None
    for call in _calls(line):  # breadth-first: outermost first
        if callee(call) in skip:
            continue
        return (line.text(call.func), [line.text(a) for a in call.args],
                [(k.arg or "**", line.text(k.value)) for k in call.keywords])
    return None


def replace_source(code: str | None, old: str, new: str) -> str | None:
    """``code`` with the one occurrence of the source text ``old`` replaced by ``new``."""
    if not code:
        return None
    stripped = code.strip()
    if not old or stripped.count(old) != 1:
        return None
    return stripped.replace(old, new, 1)


def complete(code: str | None) -> str | None:
    """The line, stripped, when it is a complete statement (not the first line of a call that
    goes on over several lines); else None. Templates quote only complete lines."""
    return code.strip() if code and _parse(code) is not None else None

"""Find the lines of the user's source a fix must edit when it is not the failing line: the
layer to resize, the ``compile`` call whose loss must change. Reads the file, runs nothing."""

from __future__ import annotations

import ast
import warnings
from functools import lru_cache

from tferrfix.fixes.materialize import read_source


def parse_source(path: str | None) -> ast.Module | None:
    """The user's file parsed (the edited copy when one is running), or None when it cannot
    be read or parsed. Cached by content: several patterns read one file."""
    source = read_source(path) if path else None
    return None if source is None else _parsed(source)


@lru_cache(maxsize=64)
def _parsed(source: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except SyntaxError:
        return None


def find_call_lines(path: str, name: str) -> list[int]:
    """1-based lines where a call to ``name`` (``Dense``, ``layers.Dense``, ``compile``...)
    starts, in source order."""
    tree = parse_source(path)
    if tree is None:
        return []
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else \
            func.id if isinstance(func, ast.Name) else None
        if called == name:
            lines.append(node.lineno)
    return sorted(lines)


def find_string_lines(path: str, value: str) -> list[int]:
    """1-based lines holding the string literal ``value`` (a loss name, a file name)."""
    tree = parse_source(path)
    if tree is None:
        return []
    return sorted(node.lineno for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and node.value == value)

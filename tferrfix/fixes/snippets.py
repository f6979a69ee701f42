"""Fix snippets in the user's own words: their failing line with one argument rewritten.

Works on the code of the user's frame as the traceback shows it (one line), with ``ast``; no
file is read and nothing is executed. When the line cannot be parsed or holds no suitable call,
callers fall back to a generic snippet built from the facts.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

# Keras entry points whose first argument is the model's input data.
DATA_METHODS = ("predict", "fit", "evaluate", "predict_on_batch", "train_on_batch",
                "test_on_batch", "__call__", "call")


@dataclass(frozen=True)
class CallSite:
    """A call on the user's line: ``receiver.method(args..., kw=...)``."""

    receiver: str | None
    method: str
    args: tuple[str, ...]
    keywords: tuple[tuple[str, str], ...]
    start: int  # character offsets of the call in the line
    end: int


def _calls(code: str) -> list[tuple[ast.Call, str]]:
    source = code.strip()
    for candidate in (source, source.rstrip(":"), f"({source})"):
        try:
            with warnings.catch_warnings():
                # user lines may hold Windows paths: "invalid escape sequence" is not ours
                warnings.simplefilter("ignore")
                tree = ast.parse(candidate)
        except SyntaxError:
            continue
        return [(node, candidate) for node in ast.walk(tree) if isinstance(node, ast.Call)]
    return []


@lru_cache(maxsize=512)
def call_sites(code: str) -> tuple[CallSite, ...]:
    """Every call on ``code``, outermost first (cached: several patterns read one line)."""
    out: list[CallSite] = []
    for node, source in _calls(code):
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver: str | None = ast.get_source_segment(source, func.value)
            method = func.attr
        else:
            receiver = None
            method = ast.get_source_segment(source, func) or ""
        args = tuple(ast.get_source_segment(source, a) or "" for a in node.args)
        keywords = tuple((k.arg or "**", ast.get_source_segment(source, k.value) or "")
                         for k in node.keywords)
        out.append(CallSite(receiver, method, args, keywords, node.col_offset,
                            node.end_col_offset or len(source)))
    return tuple(out)


def data_call(code: str) -> CallSite | None:
    """The call that passed data to the model: ``model.predict(x)``, ``model(x)``..."""
    sites = call_sites(code)
    for site in sites:
        if site.method in DATA_METHODS and (site.args or site.keywords):
            return site
    for site in sites:
        if site.args and site.receiver is None and site.method.split(".")[-1][:1].islower():
            # model(x) written as a plain call of a variable
            return site
    return None


def data_argument(code: str, position: int = 0, keyword: str = "x") -> str | None:
    site = data_call(code)
    if site is None:
        return None
    if len(site.args) > position:
        return site.args[position]
    return dict(site.keywords).get(keyword)


def rewrite_argument(code: str, wrap: Callable[[str], str], position: int = 0,
                     keyword: str = "x") -> str | None:
    """``code`` with the data argument replaced by ``wrap(argument)``; None if not found
    exactly once."""
    argument = data_argument(code, position, keyword)
    stripped = code.strip()
    if argument is None or stripped.count(argument) != 1:
        return None
    return stripped.replace(argument, wrap(argument), 1)


@lru_cache(maxsize=512)
def picks_one_element(expression: str) -> bool:
    """True for ``x_test[5]``, ``images[i]``, ``batch[0]``: indexing that drops the first axis
    (as opposed to slicing, ``x[5:6]``, which keeps it)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            node = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return False
    if not isinstance(node, ast.Subscript):
        return False
    index = node.slice
    if isinstance(index, ast.Tuple):
        return bool(index.elts) and not isinstance(index.elts[0], ast.Slice)
    return isinstance(index, (ast.Constant, ast.Name, ast.UnaryOp, ast.BinOp)) and not (
        isinstance(index, ast.Constant) and isinstance(index.value, str))

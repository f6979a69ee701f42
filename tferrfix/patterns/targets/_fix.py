"""Fix snippets shared by the target/loss patterns: the user's own line with the targets
argument rewritten, or the user's ``tf.nn`` call with its arguments put right."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.locate import parse_source
from tferrfix.fixes.materialize import edit, read_source
from tferrfix.fixes.snippets import call_sites, rewrite_argument
from tferrfix.incident import Evidence, Incident


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
            rx = lazy_regex.compile(
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


# -- real edits ------------------------------------------------------------------------
# The fixes of this group change the model or the loss, which sit elsewhere than the failing
# line: the helpers below find them in the user's source (the file that ran), checked against
# what the live evidence says about the model, and refuse (reason) when it is not one place.

def live_file(incident: Incident) -> tuple[str | None, str | None]:
    """The file that ran, or the reason no edit can be made."""
    frame = incident.user_frame
    if frame is None or not frame.file:
        return None, "the failing line is not in the user's code"
    if incident.source != "live":
        return None, "explained from text: run the program under tferrfix to apply it"
    return frame.file, None


def live_model(incident: Incident) -> Evidence | None:
    return next((e for e in incident.evidence if e.kind == "model" and e.origin == "live"),
                None)


def live_targets(incident: Incident) -> Evidence | None:
    return next((e for e in incident.evidence
                 if e.origin == "live" and e.detail("role") == "targets"), None)


def model_layers(model: Evidence | None) -> list[dict[str, Any]]:
    layers = model.detail("layers") if model is not None else None
    return [layer for layer in layers or () if isinstance(layer, dict)]


def parsed(path: str) -> tuple[str, ast.Module] | None:
    source = read_source(path)
    module = parse_source(path)
    return None if source is None or module is None else (source, module)


def module(path: str) -> ast.Module | None:
    found = parsed(path)
    return found[1] if found else None


def called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def calls(path: str, name: str) -> list[ast.Call]:
    """The calls named ``name`` in the file, in source order."""
    tree = module(path)
    if tree is None:
        return []
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and called_name(n.func) == name]
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


def argument(call: ast.Call, keyword: str, position: int = 0) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    return positional[position] if len(positional) > position else None


def literal(node: ast.expr | None) -> Any:
    return node.value if isinstance(node, ast.Constant) else None


def output_layer_call(path: str, cls: str, units: int) -> tuple[ast.Call | None, str | None]:
    """The ``Dense`` (``cls``) call that builds the model's output layer of ``units`` units:
    the one written with that literal, else the last one when its width is not a literal."""
    found = calls(path, cls)
    if not found:
        return None, f"no {cls}(...) call found in the source"
    literal_hits = [c for c in found if literal(argument(c, "units")) == units]
    if len(literal_hits) == 1:
        return literal_hits[0], None
    if len(literal_hits) > 1:
        return None, f"{len(literal_hits)} {cls}({units}) calls: which one is the output?"
    last = found[-1]
    width = argument(last, "units")
    if width is None or isinstance(width, ast.Constant):
        return None, f"the last {cls}(...) of the source is not the {units}-unit output layer"
    return last, None


def string_or_name_sites(path: str, strings: tuple[str, ...], names: tuple[str, ...]
                         ) -> list[tuple[int, str, dict[str, Any]]]:
    """Where the source names a loss: the string literal (``"categorical_crossentropy"``)
    or the class/function (``CategoricalCrossentropy(...)``, ``losses.categorical_crossentropy``),
    as edits renaming it. ``strings``/``names`` pair old -> new as ``old=new``."""
    tree = module(path)
    if tree is None:
        return []
    string_map = dict(s.split("=", 1) for s in strings)
    name_map = dict(s.split("=", 1) for s in names)
    out: list[tuple[int, str, dict[str, Any]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and node.value in string_map:
            out.append((node.lineno, "replace_string",
                        {"old": node.value, "new": string_map[node.value]}))
        elif isinstance(node, ast.Name) and node.id in name_map:
            out.append((node.lineno, "rename_name", {"old": node.id, "new": name_map[node.id]}))
        elif isinstance(node, ast.Attribute) and node.attr in name_map:
            out.append((node.end_lineno or node.lineno, "rename_name",
                        {"old": node.attr, "new": name_map[node.attr]}))
    return sorted(out, key=lambda site: site[0])


def resize_output(incident: Incident, fix_: Fix, units: int, new_units: int,
                  extra: list[Edit] | None = None) -> Fix:
    """``fix_`` with the edit giving the model's output layer ``new_units`` units (plus
    ``extra`` edits), or lowered with the reason it cannot be made. The live model must
    show a Dense output of ``units`` units."""
    path, reason = live_file(incident)
    if path is None:
        return fix_ if fix_.reason else fix_.lowered(reason or "")
    if new_units < 1 or new_units == units:
        return fix_.lowered("the number of classes does not follow from the evidence")
    layers = model_layers(live_model(incident))
    denses = [layer for layer in layers if layer.get("class") == "Dense"]
    if not denses or denses[-1].get("units") != units:
        return fix_.lowered(f"the program's model has no Dense output layer of {units} units")
    call, reason = output_layer_call(path, "Dense", units)
    if call is None:
        return fix_.lowered(reason or "")
    edits = [edit(path, call.lineno, "set_keyword", call="Dense", keyword="units",
                  value=str(new_units), position=0), *(extra or [])]
    return replace(fix_, applicability=Applicability.UNSAFE, file=path, line=call.lineno,
                   edits=tuple(edits))

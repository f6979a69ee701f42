"""Words for the axes of a shape, and small helpers the input patterns share to describe a
clash in the user's terms (which axis, what it holds, what to do about it)."""

from __future__ import annotations

import ast
import math
from dataclasses import replace
from typing import Any

from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.derive import wrap_data_argument
from tferrfix.fixes.locate import find_call_lines
from tferrfix.fixes.materialize import edit, read_source
from tferrfix.fixes.snippets import data_call
from tferrfix.incident import Evidence, Frame, Incident
from tferrfix.shapes import Shape, removable_axis

_ROLES = {
    2: ("samples", "features"),
    3: ("samples", "steps", "features"),
    4: ("samples", "height", "width", "channels"),
    5: ("samples", "frames", "height", "width", "channels"),
}


def roles(rank: int, layer_kind: str | None = None) -> tuple[str, ...]:
    """What each axis of a tensor of ``rank`` axes usually holds."""
    if rank == 3 and layer_kind in ("conv", "pool"):
        return ("samples", "steps", "channels")
    return _ROLES.get(rank, tuple(f"axis {i}" for i in range(rank)))


def size_differences(expected: Shape | None, found: Shape | None, axis: int | None,
                     value: int | None, layer_kind: str | None) -> list[dict[str, Any]]:
    """The axes (batch axis excluded) whose sizes differ, each with its role."""
    if found is None:
        return []
    names = roles(len(found), layer_kind)
    out = []
    if expected is not None and len(expected) == len(found):
        for i in range(1, len(found)):
            want, got = expected[i], found[i]
            if want is not None and got is not None and want != got:
                out.append({"axis": i, "role": names[i], "want": want, "got": got})
    elif axis is not None and value is not None and -len(found) <= axis < len(found):
        i = axis % len(found)
        out.append({"axis": i, "role": names[i], "want": value, "got": found[i]})
    return out


def advice_for(diffs: list[dict[str, Any]]) -> list[str]:
    """Keys of the remedies that fit the differing axes."""
    keys: list[str] = []
    for d in diffs:
        role, want, got = d["role"], d["want"], d["got"]
        if role == "channels":
            if want == 3 and got == 4:
                keys.append("rgba")
            elif want == 3 and got == 1:
                keys.append("grey-to-rgb")
            elif want == 1 and got in (3, 4):
                keys.append("rgb-to-grey")
            else:
                keys.append("channels")
        elif role in ("height", "width"):
            if "resize" not in keys:
                keys.append("resize")
        elif role in ("steps", "frames"):
            keys.append("length")
        else:
            keys.append("features")
    return keys


def square_scale(received: int | None, built: int | None) -> tuple[int, int] | None:
    """(p, q) when received/built == (p/q)^2 with small integers: images p/q times the size
    per side of those the model was built for."""
    if not received or not built or received == built:
        return None
    g = math.gcd(received, built)
    a, b = received // g, built // g
    p, q = math.isqrt(a), math.isqrt(b)
    if p * p == a and q * q == b and max(p, q) <= 16:
        return p, q
    return None


def wrappable(argument: str | None) -> bool:
    """True for an array expression a fix can wrap (`x`, `data.x`, `x[0]`), false for a
    generator or dataset being created (`Generator()`), which cannot be squeezed."""
    if not argument:
        return False
    try:
        node = ast.parse(argument.strip(), mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, (ast.Name, ast.Attribute, ast.Subscript))


def extra_axis(shape: Shape | None, expected: Shape | None, layer_kind: str | None) -> int | None:
    """Which axis of ``shape`` is one too many (of size 1), when it can be told."""
    if shape is None:
        return None
    return removable_axis(expected, shape, layer_kind)


# --- edits shared by the input patterns' fixes ---------------------------------------------

def live_input(incident: Incident) -> Evidence | None:
    """The user's array passed to the model, read from the running program."""
    for ev in incident.evidence:
        if ev.origin == "live" and ev.detail("role") == "model-input" and ev.shape is not None:
            return ev
    return None


def live_model_input_shape(incident: Incident) -> Shape | None:
    ev = live_input(incident)
    shape = ev.detail("model_input_shape") if ev is not None else None
    return tuple(shape) if shape else None


def parsed_source(path: str | None) -> ast.Module | None:
    source = read_source(path) if path else None
    if source is None:
        return None
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def _name(func: ast.expr) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else \
        func.id if isinstance(func, ast.Name) else None


def calls_covering(path: str | None, line: int, name: str) -> list[ast.Call]:
    """The calls named ``name`` whose span covers ``line``."""
    tree = parsed_source(path)
    if tree is None:
        return []
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and _name(node.func) == name
            and node.lineno <= line <= (node.end_lineno or node.lineno)]


def data_fix(incident: Incident, template: str, *, title: str, applicability: Applicability,
             fallback: str, note: str = "") -> Fix:
    """``wrap_data_argument``; for ``fit(..., validation_data=(x_val, y_val))`` the validation
    inputs get the same change, or the run fails again at the end of the first epoch."""
    fix = wrap_data_argument(incident, template, title=title, applicability=applicability,
                             fallback=fallback, note=note)
    if not fix.edits and incident.source == "live":
        # Raised inside the user's own layer or model code (a subclassed model's call()):
        # the data entered Keras at the user's fit/predict further out.
        feeding = feeding_frame(incident)
        if feeding is not None:
            fix = wrap_data_argument(replace(incident, user_frame=feeding), template,
                                     title=title, applicability=applicability,
                                     fallback=fallback, note=note)
    if not fix.edits or fix.file is None or fix.line is None:
        return fix
    wrap = next((e for e in fix.edits if e.transform == "wrap_argument"), None)
    method = dict(wrap.args).get("method") if wrap is not None else None
    if method != "fit":
        return fix
    for call in calls_covering(fix.file, fix.line, "fit"):
        for keyword in call.keywords:
            if keyword.arg == "validation_data" and isinstance(
                    keyword.value, (ast.Tuple, ast.List)) and keyword.value.elts:
                extra = edit(fix.file, fix.line, "wrap_element", template=template,
                             method="fit", keyword="validation_data", index=0)
                return replace(fix, edits=(*fix.edits, extra),
                               snippet=fix.snippet + "\n# and the same for validation_data's inputs")
    return fix


def model_edit_fix(incident: Incident, title: str, snippet: str, applicability: Applicability,
                   edits: list[Edit] | None, why_not: str) -> Fix:
    """A fix that edits the model's definition (not the failing line). ``edits`` None: the
    place to edit was not found exactly; the fix stays display-only with ``why_not``."""
    frame = incident.user_frame
    file, line = (frame.file, frame.line) if frame else (None, None)
    if edits:
        file, line = edits[-1].file, edits[-1].line
    if not edits:
        return Fix(title, Applicability.DISPLAY_ONLY, snippet, file, line,
                   reason=why_not if incident.source == "live" else None)
    if incident.source != "live":
        return Fix(title, Applicability.DISPLAY_ONLY, snippet, file, line,
                   reason="explained from text: run the program under tferrfix to apply it")
    return Fix(title, applicability, snippet, file, line, tuple(edits))


def one_call_line(path: str | None, names: tuple[str, ...]) -> int | None:
    """The one line where a call to one of ``names`` starts, None if not exactly one."""
    if not path:
        return None
    lines = sorted({n for name in names for n in find_call_lines(path, name)})
    return lines[0] if len(lines) == 1 else None


def keyword_literals(path: str | None, keywords: tuple[str, ...], value: Any
                     ) -> list[tuple[int, str, str]]:
    """(line, call name, keyword) of every call in the source passing one of ``keywords``
    as a literal equal to ``value`` (``input_shape=(128, 128, 3)``), in source order."""
    tree = parsed_source(path)
    if tree is None:
        return []
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        for keyword in node.keywords:
            if keyword.arg not in keywords or name is None:
                continue
            try:
                literal = ast.literal_eval(keyword.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            if isinstance(literal, list):
                literal = tuple(literal)
            if literal == value:
                out.append((node.lineno, name, keyword.arg))
    return sorted(out)


def tf_import(file: str) -> Edit:
    return edit(file, 0, "add_import", module="tensorflow", alias="tf")


def feeding_frame(incident: Incident) -> Frame | None:
    """The user's frame, outside the failing one, that passed data to a Keras model
    (``model.fit(x, ...)``), with its whole statement as code (a call may span lines)."""
    # every error of the chain: a re-raised error may keep only the inner frames
    user = [f for error in incident.chain for f in error.frames
            if f.is_user and f.line is not None and f != incident.user_frame]
    for frame in reversed(user):
        calls = [c for name in _FEEDING for c in calls_covering(frame.file, frame.line or 0,
                                                                    name)]
        if len(calls) != 1:
            continue
        call = calls[0]
        source = read_source(frame.file) or ""
        code = ast.get_source_segment(source, call)
        if code and data_call(code) is not None:
            return Frame(frame.file, call.lineno, frame.function, code, True)
    return None


_FEEDING = ("fit", "predict", "evaluate", "train_on_batch", "predict_on_batch", "test_on_batch")

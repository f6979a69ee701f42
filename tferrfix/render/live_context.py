"""One paragraph, for live incidents, that puts the user's own values next to the diagnosis:
the arguments of the failing call with their shapes, dtypes and value ranges, and the model
they went to. Patterns that already speak of a value keep their wording; this paragraph only
adds what the program held at the moment of the crash."""

from __future__ import annotations

from tferrfix.incident import Evidence, Incident
from tferrfix.shapes import show

_MAX_VALUES = 4
_NOT_VALUES = ("model", "layer", "saved_model", "int", "float", "bool", "str", "NoneType",
               "object")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def _value(ev: Evidence) -> str:
    head = f"`{ev.subject}` is {_article(ev.kind)} {ev.kind.replace('_', ' ')}"
    if ev.shape is not None:
        head += f" of shape {show(ev.shape)}"
    length = ev.detail("length")
    if length is not None:
        head += f" of {length} items"
    parts = [head]
    if ev.dtype:
        parts.append(f"dtype {ev.dtype}")
    low, high = ev.detail("min"), ev.detail("max")
    if low is not None and high is not None:
        parts.append(f"values {_number(low)}..{_number(high)}")
    shapes = [tuple(i["shape"]) for i in ev.detail("items", []) or [] if i.get("shape")]
    if shapes:
        parts.append("shaped " + ", ".join(show(s) for s in shapes[:_MAX_VALUES])
                     + (", ..." if (length or 0) > _MAX_VALUES else ""))
    return ", ".join(parts)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _model(ev: Evidence) -> str:
    name = ev.detail("name") or ev.subject
    text = f"the model `{name}`"
    inputs = ev.detail("input_shapes")
    if inputs:
        text += " takes " + " and ".join(show(tuple(s)) if s else "(unknown)" for s in inputs)
    layers = ev.detail("layers") or []
    if layers:
        last = layers[-1]
        width = last.get("units") or last.get("filters")
        text += f"; its last layer `{last.get('name')}` ({last.get('class')}"
        text += f", {width} unit{'s' if width != 1 else ''}" if width else ""
        text += ")"
    loss = ev.detail("loss")
    if loss:
        text += f"; loss `{loss}`"
    return text


def live_context(incident: Incident) -> str:
    """The paragraph, or "" when there is no live evidence of the failing call."""
    if incident.source != "live":
        return ""
    # Scalars (epochs=1, verbose=0) say nothing about the crash.
    values = [ev for ev in incident.evidence
              if ev.origin == "live" and ev.kind not in _NOT_VALUES]
    models = [ev for ev in incident.evidence if ev.origin == "live" and ev.kind == "model"]
    pieces = [_value(ev) for ev in values[:_MAX_VALUES]]
    if models:
        pieces.append(_model(models[0]))
    if not pieces:
        return ""
    return "In your program at the crash: " + "; ".join(pieces) + "."

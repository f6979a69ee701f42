"""One paragraph, for live incidents, that puts the user's own values next to the diagnosis:
the arguments of the failing call with their shapes, dtypes and value ranges, and the model
they went to. Patterns that already speak of a value keep their wording; this paragraph only
adds what the program held at the moment of the crash."""

from __future__ import annotations

from tferrfix.incident import Evidence, Incident
from tferrfix.shapes import show

_MAX_VALUES = 4
_NOT_VALUES = ("model", "layer", "int", "float", "bool", "str", "NoneType",
               "object")
_MAX_ELEMENTS = 3


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def _value(ev: Evidence) -> str:
    if ev.kind == "str":
        # A path or a name the program chose: what load/save errors turn on.
        return f"`{ev.subject}` is {ev.detail('value')!r}"
    if ev.kind == "saved_model":
        return _saved_model(ev)
    head = f"`{ev.subject}` is {_article(ev.kind)} {ev.kind.replace('_', ' ')}"
    elements = ev.detail("elements") or []
    if elements:
        head += " of elements " + _components(elements)
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
    held = _held(ev)
    if held:
        parts.append(held)
    return ", ".join(parts)


def _held(ev: Evidence) -> str:
    """What an object or text array holds, from its sampled elements."""
    kinds = ev.detail("element_types")
    if kinds:
        return "holding " + ", ".join(f"`{kind}`" for kind in kinds)
    kind, lengths = ev.detail("element_type"), ev.detail("item_lengths")
    if ev.detail("numeric_text") is not None:
        return "strings that are all numbers" if ev.detail("numeric_text") \
            else "strings that are not all numbers"
    if kind and lengths:
        size = f"{lengths[0]}" if lengths[0] == lengths[1] else f"{lengths[0]} to {lengths[1]}"
        item = ev.detail("item_type")
        return f"holding `{kind}` items of {size} " + (f"`{item}` values" if item else "values")
    if kind and ev.dtype == "object":
        return f"holding `{kind}` values"
    return ""


def _components(components: list[dict]) -> str:
    """``(None, 180, 180, 3) float32, (None,) int32``; named parts of a dict keep their key."""
    shown = []
    for part in components[:_MAX_ELEMENTS]:
        text = show(tuple(part["shape"])) if part.get("shape") is not None else "(unknown)"
        if part.get("dtype"):
            text += f" {part['dtype']}"
        if not part.get("path", "").isdigit() and part.get("path") not in (None, "element"):
            text = f"{part['path']}: {text}"
        shown.append(text)
    return ", ".join(shown) + (", ..." if len(components) > _MAX_ELEMENTS else "")


def _saved_model(ev: Evidence) -> str:
    signatures = ev.detail("signature_inputs") or {}
    text = f"`{ev.subject}` is a loaded SavedModel"
    if signatures:
        text += " whose " + "; ".join(
            f"signature `{key}` takes {_components(parts) if parts else 'no inputs'}"
            for key, parts in list(signatures.items())[:2])
    return text


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _model(ev: Evidence) -> str:
    name = ev.detail("name") or ev.subject
    text = f"the model `{name}`"
    if _users(ev) and ev.subject != name:
        text = f"`{ev.subject}` is {text}"
    inputs = ev.detail("input_shapes")
    if inputs:
        text += " taking " + " and ".join(show(tuple(s)) if s else "(unknown)" for s in inputs)
    layers = ev.detail("layers") or []
    if layers:
        last = layers[-1]
        width = last.get("units") or last.get("filters")
        text += f", whose last layer is `{last.get('name')}` ({last.get('class')}"
        text += f", {width} unit{'s' if width != 1 else ''}" if width else ""
        text += ")"
    loss = ev.detail("loss")
    if loss:
        text += f", compiled with loss `{loss}`"
    return text


def _users(ev: Evidence) -> bool:
    """Read under the user's own name or expression, not as ``self`` of a library frame
    (subjects ``model <name>`` / ``layer <name>``)."""
    return not ev.subject.startswith(("model ", "layer "))


def _named_string(ev: Evidence) -> bool:
    """A string the program computed (``model_path``, ``os.path.join(root, "best.h5")``), not
    a literal the user can already read in the call; secrets never carry a value at all."""
    return ev.kind == "str" and not ev.subject.startswith(("'", '"')) \
        and ev.detail("value") is not None


def live_context(incident: Incident) -> str:
    """The paragraph, or "" when there is no live evidence of the failing call."""
    if incident.source != "live":
        return ""
    # Scalars (epochs=1, verbose=0) say nothing about the crash.
    values = [ev for ev in incident.evidence
              if ev.origin == "live" and (ev.kind not in _NOT_VALUES or _named_string(ev))]
    # The user's own variable before a model found in a library frame.
    models = sorted((ev for ev in incident.evidence if ev.origin == "live" and ev.kind == "model"),
                    key=lambda ev: not _users(ev))
    pieces = [_value(ev) for ev in values[:_MAX_VALUES]]
    if models:
        pieces.append(_model(models[0]))
    if not pieces:
        return ""
    return "In your program at the crash: " + "; ".join(pieces) + "."

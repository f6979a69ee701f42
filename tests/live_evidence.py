"""Does a live diagnosis speak in the user's terms? Shared by the live test and the live
benchmark so that both count the same thing."""

from __future__ import annotations

from typing import Any


def shaped(evidence: dict[str, Any]) -> bool:
    """Evidence that carries a live shape or dtype: an array or tensor, a model (its input
    shapes and layers), a dataset (its elements' shapes), a SavedModel (its signatures'
    inputs), a list or dict of shaped items, or an empty list (its length is the structure)."""
    if "shape" in evidence or "dtype" in evidence or evidence.get("kind") == "model":
        return True
    if evidence.get("elements") or evidence.get("signature_inputs"):
        return True
    if evidence.get("length") == 0:
        return True
    return any("shape" in item for item in evidence.get("items") or [])


def live(best: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [e for e in (best or {}).get("evidence", []) if e.get("origin") == "live"]


def names_shaped_value(best: dict[str, Any] | None) -> bool:
    """The explanation names one of the user's own values that has a live shape/dtype."""
    return bool(best) and any(f"`{e['subject']}`" in best["explanation"] and shaped(e)
                              for e in live(best))


def names_string_value(best: dict[str, Any] | None) -> bool:
    """The explanation names a variable of the user's holding a path or name, with its value
    (what load/save errors turn on)."""
    return bool(best) and any(f"`{e['subject']}` is {e['value']!r}" in best["explanation"]
                              for e in live(best) if e.get("kind") == "str" and "value" in e)

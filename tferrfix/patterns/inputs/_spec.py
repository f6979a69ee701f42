"""Shared by the input-shape patterns: read a "data does not fit the layer's input spec"
message, in every wording Keras and TensorFlow have used, into one ``Clash``.

Which family a clash belongs to (a missing batch axis, a missing channel axis, an extra axis,
a wrong size...) is decided from how the received shape relates to the expected one
(``tferrfix.shapes.relate``) and sharpened by live evidence when there is some.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import regex

from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes.snippets import data_argument, picks_one_element
from tferrfix.incident import Evidence, Incident
from tferrfix.shapes import IMAGE_CHANNELS, Shape, parse_shape, relate, same

_S = r"(?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])"  # a printed shape

# Keras 3 and tf-keras 2.x: rank checks of a layer's InputSpec.
NDIM = regex.compile(
    r"Input (?P<index>\d+)(?: with name '[^']*')? of layer [\"']?(?P<layer>[^\"'\s]+?)[\"']? is "
    r"incompatible with the layer: (?::\s*)?expected (?P<kind>min_ndim|max_ndim|ndim)="
    r"(?P<ndim>\d+), found ndim=(?P<found_ndim>\d+)\.?(?: Full shape received: "
    rf"(?P<found>{_S}))?"
)
# Keras 3 and tf-keras 2.x: full-shape checks (model inputs).
FULL = regex.compile(
    r"Input (?P<index>\d+)(?: with name '[^']*')? (?:of layer [\"']?(?P<layer>[^\"'\s]+?)[\"']? )?"
    r"is incompatible with (?:the )?layer(?: [\"']?(?P<layer2>[^\"'\s:]+?)[\"']?)?: "
    rf"expected shape=(?P<expected>{_S}), found shape=(?P<found>{_S})"
)
# Keras 3.x Functional: "Invalid input shape for input Tensor(...). Expected shape (None, 784),
# but input has incompatible shape (32,)".
INVALID = regex.compile(
    rf"Invalid input shape for input .*?Expected shape (?P<expected>{_S}), but input has "
    rf"incompatible shape (?P<found>{_S})",
    flags=regex.S,
)
# Keras 3 and tf-keras 2.x: size of one axis.
AXIS = regex.compile(
    r"Input (?P<index>\d+)(?: with name '[^']*')? of layer [\"']?(?P<layer>[^\"'\s]+?)[\"']? is "
    r"incompatible with the layer: (?::\s*)?expected axis (?P<axis>-?\d+) of input shape to have "
    rf"value (?P<value>\d+),? but received input with shape (?P<found>{_S})"
)
# Keras <= 2.3 / TF1 era: data checked against the model before training.
CHECK_DIMS = regex.compile(
    r"Error when checking(?: model)?(?: input)? ?: expected (?P<layer>\w+) to have (?P<ndim>\d+) "
    rf"dimensions, but got array with shape (?P<found>{_S})"
)
CHECK_SHAPE = regex.compile(
    r"Error when checking(?: model)?(?: input)? ?: expected (?P<layer>\w+) to have shape "
    rf"(?P<expected>{_S}) but got array with shape (?P<found>{_S})"
)
# TF1 graphs: feeding a placeholder.
FEED = regex.compile(
    rf"Cannot feed value of shape (?P<found>{_S}) for Tensor '?(?P<layer>[^',]+)'?, which has "
    rf"shape '?(?P<expected>{_S})'?"
)

MESSAGES = (NDIM, FULL, INVALID, AXIS, CHECK_DIMS, CHECK_SHAPE, FEED)

_KINDS = (
    ("conv", regex.compile(r"conv|separable|depthwise")),
    ("pool", regex.compile(r"pool")),
    ("rnn", regex.compile(r"lstm|gru|rnn|bidirectional")),
    ("dense", regex.compile(r"^dense|^linear")),
    ("model", regex.compile(r"^(?:sequential|functional|model)(?:_\d+)?$")),
)


def layer_kind(layer: str | None) -> str | None:
    if not layer:
        return None
    base = layer.lower().rsplit("/", 1)[-1]
    for kind, rx in _KINDS:
        if rx.search(base):
            return kind
    return None


@dataclass(frozen=True)
class Clash:
    """A tensor that does not fit a layer's input spec."""

    layer: str | None
    index: int
    expected: Shape | None  # with the batch axis
    expected_ndim: int | None
    found: Shape | None
    relation: str  # a family name, "same" or "unknown"
    confidence: float
    wording: str
    axis: int | None = None
    value: int | None = None
    subject: Evidence | None = None  # the user's value, when live evidence names it

    @property
    def kind(self) -> str | None:
        return layer_kind(self.layer)

    def facts(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "layer_kind": self.kind,
            "input_index": self.index,
            "expected": self.expected,
            "expected_ndim": self.expected_ndim,
            "found": self.found,
            "found_ndim": len(self.found) if self.found is not None else None,
            "axis": self.axis,
            "value": self.value,
            "wording": self.wording,
            "subject": self.subject.subject if self.subject else None,
            "subject_shape": self.subject.shape if self.subject else None,
        }


def find_clash(incident: Incident) -> Clash | None:
    """The input-spec clash the incident's messages describe, or None."""
    for text in incident.messages:
        for rx in MESSAGES:
            found = rx.search(text, timeout=1.0)
            if found:
                return _refine(_read(rx, found), incident)
    return None


def _read(rx: regex.Pattern[str], m: regex.Match[str]) -> Clash:
    groups = m.groupdict()
    found = parse_shape(groups.get("found"))
    layer = groups.get("layer") or groups.get("layer2")
    index = int(groups.get("index") or 0)
    if rx is NDIM:
        ndim = int(groups["ndim"])
        if found is None:
            found = tuple([None] * int(groups["found_ndim"]))
            confidence = 0.6
        else:
            confidence = 0.85
        relation = relate(None, found, expected_ndim=ndim, layer_kind=layer_kind(layer))
        if groups["kind"] == "min_ndim" and len(found) > ndim:
            relation = "same"
        return Clash(layer, index, None, ndim, found, relation, confidence, "ndim")
    if rx is AXIS:
        axis, value = int(groups["axis"]), int(groups["value"])
        return Clash(layer, index, None, len(found) if found else None, found,
                     "input-size-mismatch", 0.85, "axis", axis, value)
    expected = parse_shape(groups.get("expected"))
    wording = {FULL: "shape", INVALID: "shape", CHECK_DIMS: "check", CHECK_SHAPE: "check",
               FEED: "feed"}[rx]
    if rx is CHECK_DIMS:
        ndim = int(groups["ndim"])
        relation = relate(None, found, expected_ndim=ndim, layer_kind=layer_kind(layer))
        # Keras 2.3 checks the whole array, so its first axis is the sample count.
        return Clash(layer, index, None, ndim, found, relation, 0.8, wording)
    if rx is CHECK_SHAPE and expected is not None:
        expected = (None, *expected)  # printed without the batch axis
        found_batched = found
        relation = relate(expected, found_batched)
        return Clash(layer, index, expected, len(expected), found, relation, 0.8, wording)
    relation = relate(expected, found, layer_kind=layer_kind(layer))
    return Clash(layer, index, expected, len(expected) if expected else None, found, relation,
                 0.9, wording)


def _refine(clash: Clash, incident: Incident) -> Clash:
    """Settle what the printed shapes leave open, using what Keras did to the data and the
    live values when there are some."""
    found, expected = clash.found, clash.expected
    # Keras' predict/fit slice the first axis into batches: a single sample of F features
    # arrives as (batch,) or (None,), which reads like "no feature axis" but is one sample.
    if (clash.relation == "missing-feature-axis" and expected is not None
            and expected[-1] not in (None, 1) and found is not None and len(found) == 1):
        clash = replace(clash, relation="missing-batch-axis", confidence=0.6)
    # Image rank rule: (N, H, W) where (N, H, W, C) is wanted lacks the channel axis only when
    # a channel axis of 1/3/4 is what is missing; otherwise the rank is simply different.
    if (clash.relation == "missing-channel-axis" and expected is not None
            and expected[-1] not in (None, *IMAGE_CHANNELS)):
        clash = replace(clash, relation="input-rank-mismatch", confidence=clash.confidence - 0.1)
    # The user's own line may show the data is one element of an array: `model.predict(x[5])`.
    frame = incident.user_frame
    argument = data_argument(frame.code) if frame and frame.code else None
    if (argument and picks_one_element(argument) and clash.relation in _ONE_SAMPLE_LOOKALIKES
            and (found is None or expected is None or len(found) <= len(expected))):
        clash = replace(clash, relation="missing-batch-axis", confidence=0.8)
    live = _live_subject(incident, clash)
    if live is not None:
        clash = replace(clash, subject=live, confidence=min(0.97, clash.confidence + 0.08))
        relation = _live_relation(clash, live)
        if relation is not None:
            clash = replace(clash, relation=relation)
    return clash


# What a sample without its batch axis can look like once Keras has batched it.
_ONE_SAMPLE_LOOKALIKES = ("input-size-mismatch", "missing-feature-axis", "missing-channel-axis",
                          "input-rank-mismatch")


def _live_subject(incident: Incident, clash: Clash) -> Evidence | None:
    """The user's array that was passed to the model, when live capture found one."""
    for ev in incident.evidence:
        if ev.origin == "live" and ev.detail("role") == "model-input" and ev.shape is not None:
            return ev
    return None


def _live_relation(clash: Clash, live: Evidence) -> str | None:
    """With the user's real array and the model's real input shape, relate them directly:
    Keras' batching can no longer blur the picture."""
    model_shape = live.detail("model_input_shape")
    if model_shape is None or live.shape is None:
        return None
    expected = tuple(model_shape)
    data = live.shape
    if len(data) == len(expected) - 1 and same(expected[1:], data):
        return "missing-batch-axis"
    relation = relate(expected, data, layer_kind=clash.kind)
    return relation if relation not in ("same", "unknown") else None


def diagnose_family(module_name: str, incident: Incident, family: str) -> Diagnosis | None:
    """The diagnosis of ``module_name`` when the incident's clash belongs to ``family``."""
    clash = find_clash(incident)
    if clash is None or clash.relation != family:
        return None
    evidence = [clash.subject] if clash.subject else list(_text_inputs(incident))
    return Diagnosis.of(module_name, confidence=clash.confidence, facts=clash.facts(),
                        evidence=evidence)


def _text_inputs(incident: Incident) -> list[Evidence]:
    return [ev for ev in incident.evidence if ev.subject in ("inputs", "x", "args")][:1]

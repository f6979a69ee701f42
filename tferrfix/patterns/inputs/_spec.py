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

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes.snippets import data_argument, picks_one_element
from tferrfix.incident import Evidence, Incident
from tferrfix.shapes import IMAGE_CHANNELS, Shape, parse_shape, relate, same

_S = r"(?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])"  # a printed shape

# Keras 3 and tf-keras 2.x: rank checks of a layer's InputSpec.
NDIM = lazy_regex.compile(
    r"Input (?P<index>\d+)(?: with name '[^']*')?(?: of layer [\"']?(?P<layer>[^\"'\s]+?)[\"']?)? is "
    r"incompatible with (?:the )?layer(?: [\"']?(?P<layer2>[^\"'\s:]+?)[\"']?)?:\s*(?::\s*)?"
    r"expected (?P<kind>min_ndim|max_ndim|ndim)=(?P<ndim>\d+), found ndim=(?P<found_ndim>\d+)"
    rf"\.?(?: Full shape received: (?P<found>{_S}))?"
)
# Keras 3 and tf-keras 2.x: full-shape checks (model inputs).
FULL = lazy_regex.compile(
    r"Input (?P<index>\d+)(?: with name '[^']*')? (?:of layer [\"']?(?P<layer>[^\"'\s]+?)[\"']? )?"
    r"is incompatible with (?:the )?layer(?: [\"']?(?P<layer2>[^\"'\s:]+?)[\"']?)?: "
    rf"expected shape=(?P<expected>{_S}), found shape=(?P<found>{_S})"
)
# Keras 3.x Functional: "Invalid input shape for input Tensor(...). Expected shape (None, 784),
# but input has incompatible shape (32,)".
INVALID = lazy_regex.compile(
    rf"Invalid input shape for input .*?Expected shape (?P<expected>{_S}), but input has "
    rf"incompatible shape (?P<found>{_S})",
    flags=regex.S,
)
# Keras 3 and tf-keras 2.x: size of one axis.
AXIS = lazy_regex.compile(
    r"Input (?P<index>\d+)(?: with name '[^']*')? of layer [\"']?(?P<layer>[^\"'\s]+?)[\"']? is "
    r"incompatible with the layer:\s*(?::\s*)?expected axis (?P<axis>-?\d+) of input shape to have "
    rf"value (?P<value>\d+),? but received input with shape (?P<found>{_S})"
)
# Keras <= 2.3 / TF1 era: data checked against the model before training.
CHECK_DIMS = lazy_regex.compile(
    r"Error when checking(?: model)?(?: input)? ?: expected (?P<layer>\w+) to have (?P<ndim>\d+) "
    rf"dimensions, but got array with shape (?P<found>{_S})"
)
CHECK_SHAPE = lazy_regex.compile(
    r"Error when checking(?: model)?(?: input)? ?: expected (?P<layer>\w+) to have shape "
    rf"(?P<expected>{_S}) but got array with shape (?P<found>{_S})"
)
# TF1 graphs: feeding a placeholder.
FEED = lazy_regex.compile(
    rf"Cannot feed value of shape (?P<found>{_S}) for Tensor '?(?P<layer>[^',]+)'?, which has "
    rf"shape '?(?P<expected>{_S})'?"
)

# One image without its batch axis, (H, W, 1): Keras takes H as the batch, then pads the
# missing axis with 1, so a Conv2D sees (H, W, 1, 1) - one pixel wide - and its window no
# longer fits. Real data is never 1 pixel wide with 1 channel. (A symbolic batch "?" means the
# data was batched properly: then it is a pooling stack that ran out of pixels.)
PADDED = lazy_regex.compile(
    r"Negative dimension size caused by subtracting (?P<kernel>\d+) from 1 for .*?"
    r"with input shapes: (?P<found>\[\d+,[^\]]*\])",
    flags=regex.S,
)
# A MatMul (Dense kernel or a raw weight matrix) fed rows of another width:
# "Matrix size-incompatible: In[0]: [100,170], In[1]: [160,512]".
MATMUL = lazy_regex.compile(
    r"Matrix size-incompatible: In\[0\]: \[(?P<rows>\d+|\?), ?(?P<features>\d+)\], "
    r"In\[1\]: \[(?P<kernel_in>\d+), ?(?P<units>\d+)\]"
)

MESSAGES = (NDIM, FULL, INVALID, AXIS, CHECK_DIMS, CHECK_SHAPE, FEED, PADDED, MATMUL)

_KINDS = (
    ("conv", lazy_regex.compile(r"conv|separable|depthwise")),
    ("pool", lazy_regex.compile(r"pool")),
    ("rnn", lazy_regex.compile(r"lstm|gru|rnn|bidirectional")),
    ("dense", lazy_regex.compile(r"^dense|^linear")),
    ("model", lazy_regex.compile(r"^(?:sequential|functional|model)(?:_\d+)?$")),
)
_MODEL_TYPES = ("Sequential", "Functional", "Model")


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
    # the family follows from the user's real array and the model's real input shape
    confirmed: bool = False
    model_input: Shape | None = None  # what the model itself was called with (Keras' bullets)
    data_shape: Shape | None = None  # the data before Keras adjusted its rank, when known
    reason: str | None = None  # which reading settled the family, for the template
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def kind(self) -> str | None:
        return layer_kind(self.layer)

    def facts(self) -> dict[str, Any]:
        facts = {
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
            "live_confirmed": self.confirmed,
            # the sample as the user had it, when the message shows Keras' padded version
            "sample_shape": self.found[:3] if self.wording == "padded" and self.found else None,
            "model_input": self.model_input,
            "data_shape": self.data_shape,
            "reason": self.reason,
            "rows": None,
            "features": None,
            "kernel_in": None,
            "units": None,
        }
        facts.update(dict(self.extra))
        return facts


def find_clash(incident: Incident) -> Clash | None:
    """The input-spec clash the incident's messages describe, or None."""
    for text in incident.messages:
        for rx in MESSAGES:
            found = rx.search(text, timeout=1.0)
            if found:
                return _refine(_read(rx, found, text), incident)
    return None


def _read(rx: regex.Pattern[str], m: regex.Match[str], text: str) -> Clash:
    groups = m.groupdict()
    if rx is MATMUL:
        return _read_matmul(m, text)
    found = parse_shape(groups.get("found"))
    if rx is PADDED:
        padded = (found is not None and len(found) == 4 and found[-2:] == (1, 1)
                  and 'data_format="NCHW"' not in text)
        relation = "missing-batch-axis" if padded else "unknown"
        return Clash(None, 0, None, 4, found, relation, 0.75, "padded")
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
    if rx is CHECK_SHAPE and expected is not None and found is not None:
        # Keras 2.x prints both shapes without the batch axis; Keras 1 / 2.0 print the
        # batch axis too (as None for the model side).
        if not (expected and expected[0] is None and len(found) == len(expected)):
            expected, found = (None, *expected), (None, *found)
        relation = relate(expected, found)
        if (relation == "input-size-mismatch" and len(found) == 2 and found[-1] == 1
                and expected[-1] not in (None, 1)):
            # Keras 2 turns a 1-D array into a column (n, 1) before checking it: the array was
            # one sample of its features, read as as many samples of one value.
            relation = "missing-batch-axis"
            return Clash(layer, index, expected, len(expected), found, relation, 0.6, wording,
                         reason="column")
        return Clash(layer, index, expected, len(expected), found, relation, 0.8, wording)
    relation = relate(expected, found, layer_kind=layer_kind(layer))
    return Clash(layer, index, expected, len(expected) if expected else None, found, relation,
                 0.9, wording)


# The layer of a graph node: "decoder/dense_1/MatMul", "{{node model/dense/Relu}}".
_NODE = lazy_regex.compile(r"\[\[(?:\{\{)?[Nn]ode:? (?P<node>[\w./-]+)")
_KERAS3_CALL = lazy_regex.compile(r"calling (?P<type>\w+)\.call\(\)")
# A model summary pasted with the error: "input_1 (InputLayer)   [(None, 4096)]   0".
_INPUT_LAYER = lazy_regex.compile(r"(?P<name>\w+) \(InputLayer\)\s+\[?\((?:None|\?), (?P<size>\d+)\)")


def _read_matmul(m: regex.Match[str], text: str) -> Clash:
    rows = None if m["rows"] == "?" else int(m["rows"])
    features, kernel_in, units = int(m["features"]), int(m["kernel_in"]), int(m["units"])
    node = _NODE.search(text)
    layer = None
    if node:
        parts = node["node"].split("/")
        layer = parts[-2] if len(parts) >= 2 else None
    if layer is None:
        call = _KERAS3_CALL.search(text)
        layer = call["type"] if call else None
    extra: tuple[tuple[str, Any], ...] = (
        ("rows", rows), ("features", features), ("kernel_in", kernel_in), ("units", units))
    if features == kernel_in:
        return Clash(layer, 0, None, 2, (rows, features), "unknown", 0.0, "matmul", extra=extra)
    model_inputs = {int(i["size"]): i["name"] for i in _INPUT_LAYER.finditer(text)}
    if kernel_in in model_inputs:
        # The kernel is as wide as one of the model's inputs: the layer reads that input
        # directly, so it is the data that has the wrong number of features.
        return Clash(layer, 0, (None, kernel_in), 2, (rows, features), "input-size-mismatch",
                     0.8, "matmul", -1, kernel_in, reason="model-input",
                     extra=(*extra, ("model_input_name", model_inputs[kernel_in])))
    return Clash(layer, 0, (None, kernel_in), 2, (rows, features),
                 "dense-input-size-mismatch", 0.85, "matmul", -1, kernel_in, extra=extra)


def _refine(clash: Clash, incident: Incident) -> Clash:
    """Settle what the printed shapes leave open, using what Keras did to the data and the
    live values when there are some."""
    found, expected = clash.found, clash.expected
    frame = incident.user_frame
    code = frame.code if frame and frame.code else ""
    model_ev = _model_input(incident)
    if model_ev is not None and model_ev.shape is not None:
        clash = replace(clash, model_input=model_ev.shape)
    # Keras' predict/fit slice the first axis into batches: a single sample of F features
    # arrives as (batch,) or (None,), which reads like "no feature axis" but is one sample.
    # (Not for fed placeholders or Keras 2 array checks: those see the whole array.)
    if (clash.relation == "missing-feature-axis" and expected is not None
            and expected[-1] not in (None, 1) and found is not None and len(found) == 1):
        if clash.wording in ("feed", "check"):
            # (N,) where (None, K) is wanted: not one sample (N != K), and a feature axis of
            # size 1 would not make K either. Often labels fed to a one-hot placeholder.
            clash = replace(clash, relation="input-rank-mismatch", confidence=0.45)
        else:
            clash = replace(clash, relation="missing-batch-axis", confidence=0.6)
    # Image rank rule: (N, H, W) where (N, H, W, C) is wanted lacks the channel axis only when
    # a channel axis of 1/3/4 is what is missing; otherwise the rank is simply different.
    if (clash.relation == "missing-channel-axis" and expected is not None
            and expected[-1] not in (None, *IMAGE_CHANNELS)):
        clash = replace(clash, relation="input-rank-mismatch", confidence=clash.confidence - 0.1)
    # The user's own line may show the data is one element of an array: `model.predict(x[5])`.
    argument = data_argument(code) if code else None
    if (argument and picks_one_element(argument) and clash.relation in _ONE_SAMPLE_LOOKALIKES
            and (found is None or expected is None or len(found) <= len(expected))):
        clash = replace(clash, relation="missing-batch-axis", confidence=0.8)
    # A recurrent layer one axis short: the data's (samples, steps) lacks its feature axis,
    # unless the error comes from wiring layers together (a second LSTM after one without
    # return_sequences), which is a rank problem inside the model.
    if (clash.kind == "rnn" and clash.relation == "input-rank-mismatch" and found is not None
            and clash.expected_ndim is not None and len(found) == clash.expected_ndim - 1
            and code and (not BUILDS_MODEL.search(code) or _DECLARES_INPUT.search(code))):
        clash = replace(clash, relation="missing-feature-axis", confidence=0.7)
    clash = _extra_axis_through_keras(clash, model_ev, code)
    clash = _dense_or_model_input(clash, incident, model_ev, code)
    live = _live_subject(incident, clash)
    if live is not None:
        clash = replace(clash, subject=live, confidence=min(0.97, clash.confidence + 0.08))
        relation = _live_relation(clash, live)
        # A symbolic tensor is not data: the clash is between parts of the model.
        if relation is not None and clash.relation != "dense-input-size-mismatch":
            clash = replace(clash, relation=relation, confirmed=True)
    return clash


def _extra_axis_through_keras(clash: Clash, model_ev: Evidence | None, code: str) -> Clash:
    """The data had one axis too many, but Keras changed or hid it before the failing layer."""
    found = clash.found
    data = model_ev.shape if model_ev is not None else None
    if found is None or data is None:
        return clash
    # Keras 3 squeezes a trailing axis of size 1 when the data has one axis more than the
    # model's input: (1, 1, 28, 28, 1) reaches the first Conv2D as (1, 1, 28, 28), whose
    # last axis then looks like a wrong channel count.
    if (clash.wording == "axis" and len(data) == len(found) + 1 and data[-1] == 1
            and same(data[:-1], found)):
        relation = relate(None, data, expected_ndim=len(found), layer_kind=clash.kind)
        if relation == "extra-axis":
            return replace(clash, relation=relation, confidence=0.75, data_shape=data,
                           reason="squeezed")
    # tf-keras lets a tensor of one axis too many through the first layers; a later layer
    # then sees sizes it cannot tell. If the model itself was called with data of that rank
    # while fitting or predicting, the data carries the extra axis.
    if (clash.wording == "ndim" and clash.relation == "input-rank-mismatch"
            and clash.expected_ndim is not None and len(found) == clash.expected_ndim + 1
            and len(data) == len(found) and all(d is None for d in data[1:])
            and FEEDS_DATA.search(code or "")):
        return replace(clash, relation="extra-axis", confidence=0.6, data_shape=data,
                       reason="passed-through")
    return clash


def _dense_or_model_input(clash: Clash, incident: Incident, model_ev: Evidence | None,
                          code: str) -> Clash:
    """A feature-size clash at a Dense: does the model's input not match the data
    (input-size-mismatch), or does a Dense inside the model get another width than its
    kernel was made for (dense-input-size-mismatch)?"""
    if clash.relation != "input-size-mismatch" or clash.wording not in ("axis", "shape"):
        return clash
    found = clash.found
    features = found is not None and len(found) == 2
    # Raised while the model is being put together (symbolic tensors, a line that builds a
    # model): no data is involved, one part of the model feeds another the wrong width.
    building = _symbolic_call(incident) or bool(
        code and BUILDS_MODEL.search(code) and not FEEDS_DATA.search(code)) or any(
        ev.origin == "live" and ev.kind == "keras_tensor" and ev.detail("role") == "model-input"
        for ev in incident.evidence)
    if features and building:
        return replace(clash, relation="dense-input-size-mismatch", confidence=0.8,
                       reason="building")
    if clash.wording != "axis" or clash.kind != "dense":
        return clash
    data = model_ev.shape if model_ev is not None else None
    if data is None:
        # Only the Dense is named and nothing shows what the model was given: the direct
        # reading is that this layer's kernel and its input disagree.
        return replace(clash, relation="dense-input-size-mismatch", confidence=0.6,
                       reason="layer-only")
    if found is not None and len(data) == len(found) and same(data[1:], found[1:]):
        return replace(clash, reason="first-layer")  # the data reaches the Dense as it is
    if found is not None and len(data) > len(found):
        # Images or sequences flattened inside the model: the features reaching the Dense
        # follow the size of the data, and the Dense was sized for the input the model was
        # built for.
        return replace(clash, confidence=0.75, reason="flattened")
    return replace(clash, relation="dense-input-size-mismatch", confidence=0.7,
                   reason="inside")


def _model_input(incident: Incident) -> Evidence | None:
    """What the model (not an inner layer) was called with, from Keras' argument bullets."""
    for ev in incident.evidence:
        if ev.origin != "text" or ev.subject not in ("inputs", "x", "args"):
            continue
        layer_type = ev.detail("layer_type")
        if layer_type not in _MODEL_TYPES and layer_kind(ev.detail("layer")) != "model":
            continue
        if ev.shape is not None:
            return ev
        shapes = ev.detail("shapes")
        if shapes and len(shapes) == 1 and shapes[0] is not None:
            return replace(ev, shape=tuple(shapes[0]))
    return None


_KERAS_TENSOR_ARG = lazy_regex.compile(r"received by [^\n]*\n(?:[^\n]*\n){0,6}?[^\n]*<KerasTensor")


def _symbolic_call(incident: Incident) -> bool:
    """Keras 3 lists KerasTensors as the arguments when a layer is called while a model is
    being built."""
    return any(_KERAS_TENSOR_ARG.search(text, timeout=1.0) for text in incident.messages)


# A line that builds a model rather than feeds it data.
BUILDS_MODEL = lazy_regex.compile(r"\.add\(|\b[A-Z]\w*\([^()]*(?:\([^()]*\)[^()]*)*\)\(|Sequential\(|Model\(")
_DECLARES_INPUT = lazy_regex.compile(r"\binput_shape\s*=|\bInput\(|\binput_dim\s*=")
# A line that runs data through a model.
FEEDS_DATA = lazy_regex.compile(
    r"\.(?:fit|fit_generator|predict|predict_on_batch|evaluate|train_on_batch|test_on_batch)\(")

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
    return Diagnosis.of(module_name, confidence=round(clash.confidence, 2),
                        facts=clash.facts(), evidence=evidence)


def _text_inputs(incident: Incident) -> list[Evidence]:
    return [ev for ev in incident.evidence if ev.subject in ("inputs", "x", "args")][:1]

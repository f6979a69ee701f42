"""Read the messages TensorFlow raises when a traced function (a reloaded SavedModel's
``__call__``, a ``signatures[...]`` function, a ``tf.function`` with an ``input_signature``)
is called with inputs that fit none of its signatures, into one ``Mismatch``.

What was received is printed as tensors (``<tf.Tensor 'inputs:0' shape=(1, 492, 423, 3)
dtype=uint8>``, ``<tf.Tensor: shape=(2, 5), dtype=float64, numpy=...>``), what is accepted as
``TensorSpec(shape=(None, 224, 224, 3), dtype=tf.float32, name='input_1')``. Comparing the
two says which of dtype, shape, nesting or argument names is off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.shapes import Shape, fits, parse_shape

_SHAPE = r"(?:\([^()]*\)|\[[^\]]*\]|<unknown>)"

# tf.saved_model.load(...) objects: TF 2.0-2.x "function", later "concrete function".
RESTORED = lazy_regex.compile(
    r"Could not find matching (?:concrete )?function to call loaded from the SavedModel"
)
# tf.function(input_signature=...) in TF 2.0-2.12; since 2.13 it is a binding error.
INPUT_SIGNATURE = lazy_regex.compile(r"Python inputs incompatible with input_signature")
BINDING = lazy_regex.compile(
    r"Binding inputs to tf\.function(?: `[^`\s]*`)? failed due to `(?P<reason>[^`]*)`"
)
# A concrete function's flat signature (signatures[...] of a SavedModel, TF1 "pruned").
FLAT_MISSING = lazy_regex.compile(
    r"(?P<function>\w{1,200})\((?P<params>[^()]*)\) missing required arguments: (?P<missing>[\w, ]+)"
)
FLAT_POSITIONAL = lazy_regex.compile(
    r"(?P<function>\w{1,200})\((?P<params>[^()]*)\) takes (?P<takes>\d+) positional arguments?, "
    r"got (?P<got>\d+)"
)
FLAT_UNEXPECTED = lazy_regex.compile(
    r"(?P<function>\w{1,200})\((?P<params>[^()]*)\) got unexpected keyword arguments?: "
    r"(?P<unexpected>[\w, ]+)"
)
# The signature function itself refusing a tensor of another dtype when it runs.
SIGNATURE_DTYPE = lazy_regex.compile(
    r"cannot compute (?P<op>__inference_\w+) as input #(?P<index>\d+)\(zero-based\) was "
    r"expected to be a (?P<want>\w+) tensor but is a (?P<got>\w+) tensor"
)

MESSAGES = (RESTORED, INPUT_SIGNATURE, BINDING, FLAT_MISSING, FLAT_POSITIONAL,
            FLAT_UNEXPECTED, SIGNATURE_DTYPE)

_TENSOR = lazy_regex.compile(
    rf"<tf\.Tensor(?::| '[^'\n]*')? shape=(?P<shape>{_SHAPE}),? dtype=(?P<dtype>\w+)"
)
_SPEC = lazy_regex.compile(
    rf"TensorSpec\(shape=(?P<shape>{_SHAPE}), dtype=tf\.(?P<dtype>\w+), "
    r"name=(?:'(?P<name>[^'\n]*)'|None)\)"
)
_KWARG = lazy_regex.compile(r"'(?P<name>\w+)': <tf\.Tensor")
_OPTION = lazy_regex.compile(r"^Option \d+:", flags=regex.M)
_OP_DTYPES = {"float": "float32", "double": "float64", "half": "float16"}
# Ops that are a SavedModel's or a signature's entry point, not a computation in the model.
_ENTRY_OPS = lazy_regex.compile(r"signature_wrapper|pruned|restored_function")


@dataclass(frozen=True)
class Spec:
    shape: Shape | None
    dtype: str | None
    name: str | None = None

    def to_fact(self) -> dict[str, Any]:
        return {"shape": self.shape, "dtype": self.dtype, "name": self.name}


@dataclass
class Mismatch:
    wording: str  # restored | input_signature | binding | flat | op
    # dtype | shape | dtype+shape | structure | names | keyword-only | missing | count
    # | python-value | unknown
    kind: str = "unknown"
    confidence: float = 0.9
    received: list[Spec] = field(default_factory=list)
    expected: list[Spec] = field(default_factory=list)  # the closest accepted signature
    option_count: int | None = None
    index: int | None = None  # which input is off
    got_dtype: str | None = None
    want_dtype: str | None = None
    got_shape: Shape | None = None
    want_shape: Shape | None = None
    given_names: list[str] = field(default_factory=list)
    expected_names: list[str] = field(default_factory=list)
    reason: str | None = None
    received_nesting: str | None = None  # "tuple" | "list" | "dict" | None
    expected_nesting: str | None = None

    def facts(self) -> dict[str, Any]:
        return {
            "wording": self.wording,
            "kind": self.kind,
            "received": [s.to_fact() for s in self.received],
            "expected": [s.to_fact() for s in self.expected],
            "option_count": self.option_count,
            "index": self.index,
            "got_dtype": self.got_dtype,
            "want_dtype": self.want_dtype,
            "got_shape": self.got_shape,
            "want_shape": self.want_shape,
            "given_names": self.given_names,
            "expected_names": self.expected_names,
            "reason": self.reason,
            "received_nesting": self.received_nesting,
            "expected_nesting": self.expected_nesting,
        }


def _tensors(text: str) -> list[Spec]:
    return [Spec(parse_shape(m.group("shape")), m.group("dtype")) for m in _TENSOR.finditer(text)]


def _specs(text: str) -> list[Spec]:
    return [Spec(parse_shape(m.group("shape")), m.group("dtype"), m.group("name"))
            for m in _SPEC.finditer(text)]


def _compatible(a: Shape | None, b: Shape | None) -> bool:
    if a is None or b is None:
        return True
    return len(a) == len(b) and all(fits(x, y) for x, y in zip(a, b, strict=True))


def _compare(m: Mismatch, received: list[Spec], options: list[list[Spec]]) -> None:
    """Fill ``m`` with the differences between ``received`` and the closest option."""
    best: tuple[int, list[Spec], list[tuple[int, bool, bool]]] | None = None
    for option in options:
        if not option:
            continue
        diffs = []
        for i, (got, want) in enumerate(zip(received, option, strict=False)):
            bad_dtype = got.dtype is not None and want.dtype is not None and got.dtype != want.dtype
            bad_shape = not _compatible(got.shape, want.shape)
            if bad_dtype or bad_shape:
                diffs.append((i, bad_dtype, bad_shape))
        score = len(diffs) * 2 + abs(len(option) - len(received))
        if best is None or score < best[0]:
            best = (score, option, diffs)
    if best is None:
        m.received = received
        return
    _, option, diffs = best
    m.received, m.expected = received, option
    if diffs:
        i, bad_dtype, bad_shape = diffs[0]
        m.index = i
        m.got_dtype, m.want_dtype = received[i].dtype, option[i].dtype
        m.got_shape, m.want_shape = received[i].shape, option[i].shape
        m.kind = "dtype+shape" if bad_dtype and bad_shape else "dtype" if bad_dtype else "shape"
    elif len(option) != len(received):
        m.kind = "structure"


def _nesting(text: str) -> str | None:
    first = text.lstrip()[:1]
    return {"(": "tuple", "[": "list", "{": "dict"}.get(first)


def _read_restored(text: str) -> Mismatch:
    m = Mismatch("restored", confidence=0.95)
    got, _, rest = text.partition("Expected these arguments to match")
    got = got.partition("Got:")[2]
    count = regex.search(r"one of the following (\d+) option", rest)
    m.option_count = int(count.group(1)) if count else None
    received = _tensors(got)
    first = regex.search(r"\*\s*(.)", got)
    m.received_nesting = _nesting(first.group(1)) if first else None
    options = []
    for block in _OPTION.split(rest)[1:]:
        options.append(_specs(block))
        if m.expected_nesting is None:
            head = regex.search(r"\*\s*(.)", block)
            m.expected_nesting = _nesting(head.group(1)) if head else None
    _compare(m, received, options)
    if m.kind in ("unknown", "structure") and options and m.received_nesting != m.expected_nesting \
            and m.received_nesting in ("tuple", "list", "dict") and m.expected_nesting:
        m.kind = "structure"
    elif m.kind == "unknown" and options and m.received and m.expected:
        # Tensors fit one option, so a plain Python value must differ (Python arguments are
        # frozen into each trace).
        m.kind = "python-value"
    return m


def _read_input_signature(text: str) -> Mismatch:
    m = Mismatch("input_signature", confidence=0.9)
    received_part, _, spec_part = text.partition("input_signature (")
    if not spec_part:
        received_part, _, spec_part = text.partition("input_signature:")
        received_part, _, spec_part = spec_part.partition("input_signature")
        if not spec_part:
            received_part, spec_part = text, text
    _compare(m, _tensors(received_part), [_specs(spec_part)])
    return m


def _read_binding(text: str, found: regex.Match[str]) -> Mismatch:
    m = Mismatch("binding", confidence=0.8)
    reason = found.group("reason")
    m.reason = reason
    signature = text.partition("for signature:")[2]
    m.expected_names = _param_names(signature.partition("->")[0])
    expected = _specs(signature.partition("->")[0])
    received_part = text[found.end():].partition("for signature:")[0]
    cast = regex.search(r"Can not cast (?P<got>TensorSpec\(.*?\)) to (?P<want>TensorSpec\(.*?\))$"
                        r"|Can not cast (?P<got2>TensorSpec\([^`]*?\)) to (?P<want2>TensorSpec\([^`]*\))",
                        reason)
    if cast:
        got = _specs(cast.group("got") or cast.group("got2"))
        want = _specs(cast.group("want") or cast.group("want2"))
        _compare(m, got, [want])
        m.confidence = 0.9
        if m.kind == "unknown":
            m.kind = "shape"
        return m
    m.given_names = [k.group("name") for k in _KWARG.finditer(received_part.partition("kwargs:")[2])]
    received = _tensors(received_part)
    keyword_only = signature.lstrip().startswith("(*")
    if "missing a required argument" in reason or "unexpected keyword argument" in reason:
        if m.given_names:
            m.kind = "names"
        elif keyword_only:
            m.kind = "keyword-only"
        else:
            m.kind = "missing"
            missing = regex.search(r"'(\w+)'", reason)
            m.given_names = [missing.group(1)] if missing else []
            m.confidence = 0.7
    elif "too many positional arguments" in reason:
        m.kind = "keyword-only" if keyword_only else "count"
        if not keyword_only:
            m.confidence = 0.7
    if m.kind == "unknown":
        _compare(m, received, [expected])
    else:
        m.received, m.expected = received, expected
    if m.expected_names and ("signature_wrapper" in text or "Fallback to flat signature" in text):
        m.confidence = 0.9
    return m


def _param_names(signature: str) -> list[str]:
    """``(*, inputs: TensorSpec(shape=(None, 10), ...), inputs_1: ...)`` or ``(x, y=1)`` ->
    the parameter names."""
    body = signature.strip()
    if not body.startswith("("):
        return []
    names: list[str] = []
    depth = 0
    token: list[str] = []
    for ch in body[1:]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        if ch == "," and depth == 0:
            names.append("".join(token))
            token = []
        else:
            token.append(ch)
    names.append("".join(token))
    out = []
    for item in names:
        head = regex.split(r"[:=]", item, maxsplit=1)[0].strip().lstrip("*")
        if head.isidentifier():
            out.append(head)
    return out


def _read_flat(found: regex.Match[str]) -> Mismatch:
    groups = found.groupdict()
    params = [p.strip() for p in groups["params"].split(",") if p.strip()]
    names = [p.split(":")[0].strip() for p in params if p != "*"]
    m = Mismatch("flat", confidence=0.9 if _ENTRY_OPS.search(groups["function"]) else 0.75)
    m.expected_names = names
    if groups.get("takes") is not None:
        m.kind = "keyword-only"
    elif groups.get("unexpected"):
        m.kind = "names"
        m.given_names = [n.strip() for n in groups["unexpected"].split(",") if n.strip()]
    else:
        keyword_only = bool(params) and params[0] == "*"
        m.kind = "keyword-only" if keyword_only else "names"
    return m


def _read_op(found: regex.Match[str]) -> Mismatch | None:
    if not _ENTRY_OPS.search(found.group("op")):
        return None
    m = Mismatch("op", kind="dtype", confidence=0.95)
    m.index = int(found.group("index"))
    m.want_dtype = _OP_DTYPES.get(found.group("want"), found.group("want"))
    m.got_dtype = _OP_DTYPES.get(found.group("got"), found.group("got"))
    return m


def read(messages: tuple[str, ...]) -> Mismatch | None:
    """The mismatch the messages of a chain describe (the raised one is read first); later
    messages of the chain only add names and specs the first one lacks."""
    result: Mismatch | None = None
    for text in messages:
        found_m = _read_one(text)
        if found_m is None:
            continue
        if result is None:
            result = found_m
            continue
        # Complete the first reading with what the other messages of the chain tell.
        if not result.expected_names and found_m.expected_names:
            result.expected_names = found_m.expected_names
        if not result.given_names and found_m.given_names:
            result.given_names = found_m.given_names
        if not result.expected and found_m.expected:
            result.expected = found_m.expected
        if not result.received and found_m.received:
            result.received = found_m.received
        index = result.index
        if result.kind == "dtype" and index is not None and index < len(result.expected):
            result.want_shape = result.expected[index].shape
        if result.kind == "dtype" and index is not None and index < len(result.received):
            result.got_shape = result.received[index].shape
    return result


def _read_one(text: str) -> Mismatch | None:
    if RESTORED.search(text, timeout=1.0):
        return _read_restored(text)
    if INPUT_SIGNATURE.search(text, timeout=1.0):
        return _read_input_signature(text)
    found = SIGNATURE_DTYPE.search(text, timeout=1.0)
    if found:
        return _read_op(found)
    found = BINDING.search(text, timeout=1.0)
    if found:
        m = _read_binding(text, found)
        fallback = text.partition("Fallback to flat signature also failed due to:")[2]
        flat = _flat(fallback) if fallback else None
        if flat is not None:
            if not m.expected_names:
                m.expected_names = flat.expected_names
            m.confidence = max(m.confidence, flat.confidence)
        return m
    return _flat(text)


def _flat(text: str) -> Mismatch | None:
    for rx in (FLAT_MISSING, FLAT_POSITIONAL, FLAT_UNEXPECTED):
        found = rx.search(text, timeout=1.0)
        if found:
            return _read_flat(found)
    return None

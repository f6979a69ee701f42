"""The device ran out of memory while allocating a tensor.

## What it means
TensorFlow asked the allocator of a device (a GPU's `GPU_0_bfc`, the CPU's `cpu` allocator)
for the memory of one tensor and did not get it: what is already allocated (weights,
optimizer slots, the activations kept for the backward pass, other processes on the same GPU)
plus this tensor exceed the device's memory. The tensor in the message is only the one that
did not fit, not necessarily the largest one.

## Why it happens
* The batch is too large: activations grow linearly with the batch size (and with image
  resolution or sequence length), and training keeps them all for the backward pass.
* A layer is too large: `Flatten` of a big feature map into a `Dense` layer makes a kernel of
  hundreds of MiB; Adam keeps two more slots of the same size per weight.
* The GPU is shared: another process (or an earlier model in the same notebook) holds memory.

## Example
```python
model.fit(x_train, y_train, batch_size=512)    # (512, 48, 48, 64) activations per conv layer
```
TensorFlow 2.x graph (`model.fit`):
    Graph execution error:

    OOM when allocating tensor with shape[16,64,64,64] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc
TensorFlow 2.x eager:
    OOM when allocating tensor with shape[128,768] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc [Op:StridedSliceGrad]
TensorFlow 2.x eager (inside a wrapped function, Keras 3 building a model):
    {{function_node __wrapped__StatelessRandomUniformV2_device_/job:localhost/replica:0/task:0/device:CPU:0}} OOM when allocating tensor with shape[18432,3072] and type float on /job:localhost/replica:0/task:0/device:CPU:0 by allocator bfc_cpu_allocator_for_gpu [Op:StatelessRandomUniformV2] name:
TensorFlow 1.x (`session.run`, several root errors):
    2 root error(s) found.
      (0) Resource exhausted: OOM when allocating tensor with shape[16,112,112,147] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc
TensorFlow 1.x (older wording):
    OOM when allocating tensor of shape [563354,256] and type float

## Fix
```python
model.fit(x_train, y_train, batch_size=64)     # smaller batches: activations shrink with it
```
On a shared GPU, let TensorFlow take memory as it needs it instead of all at once:
`tf.config.experimental.set_memory_growth(gpu, True)` for each GPU, before any op runs.

## Fix safety
A smaller batch changes the optimisation slightly (noisier gradients; scale the learning rate
with the batch size if results matter). Smaller layers, images or sequences change the model
itself. Freeing the GPU from other processes changes nothing in the program.

## References
- https://github.com/hotosm/fAIr/issues/59
- https://github.com/Azure/MachineLearningNotebooks/issues/880
- https://github.com/keras-team/keras/issues/9643
- https://github.com/thtrieu/darkflow/issues/873
- https://github.com/kamalkraj/BERT-NER-TF/issues/20
- https://github.com/isseu/emotion-recognition-neural-networks/issues/48
- https://github.com/dongjun-Lee/text-classification-models-tf/issues/4
"""

from __future__ import annotations

import ast
import warnings
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.locate import find_call_lines
from tferrfix.fixes.materialize import edit, read_source
from tferrfix.fixes.snippets import call_sites
from tferrfix.incident import Incident
from tferrfix.patterns.runtime._common import device_of, human_bytes, nbytes, node_name, op_name
from tferrfix.shapes import parse_shape, show

code = "TFE0604"
name = "resource-exhausted"
family = "resource-exhausted"
exceptions = ("ResourceExhaustedError", "InternalError", "MemoryError")

OOM = lazy_regex.compile(
    r"OOM when allocating tensor (?:with|of) shape ?(?P<shape>\[[^\]\n]*\])"
    r"(?: and type (?P<dtype>\w+))?"
    r"(?: on (?P<device_path>[^\s]+))?"
    r"(?: by allocator (?P<allocator>\w+))?"
)
# Allocation failures worded without a tensor shape (eager kernels, XLA, CUDA).
OUT_OF_MEMORY = lazy_regex.compile(
    r"(?P<what>failed to allocate memory|Out of memory while trying to allocate "
    r"(?P<size>[\d.]+\s*[KMGT]?i?B)|CUDA_ERROR_OUT_OF_MEMORY|out of memory)",
    flags=regex.I,
)
# NumPy inside a TensorFlow program: the host ran out of memory.
NUMPY = lazy_regex.compile(
    r"Unable to allocate (?P<size>[\d.]+ [KMGT]?i?B) for an array with shape "
    r"(?P<shape>\([^()\n]*\)) and data type (?P<dtype>\w+)"
)
messages = (OOM, OUT_OF_MEMORY, NUMPY)
examples = (
    "Graph execution error:\n\nOOM when allocating tensor with shape[16,64,64,64] and type "
    "float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc\n\t "
    "[[{{node model/d",
    "OOM when allocating tensor with shape[128,768] and type float on "
    "/job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc [Op:StridedSliceGrad]",
    "{{function_node __wrapped__StatelessRandomUniformV2_device_/job:localhost/replica:0/task:0"
    "/device:CPU:0}} OOM when allocating tensor with shape[18432,3072] and type float on "
    "/job:localhost/replica:0/task:0/device:CPU:0 by allocator bfc_cpu_allocator_for_gpu "
    "[Op:StatelessRandomUniformV2] name: ",
    "2 root error(s) found.\n  (0) Resource exhausted: OOM when allocating tensor with "
    "shape[16,112,112,147] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by "
    "allocator GPU_0_bfc",
    "OOM when allocating tensor of shape [563354,256] and type float",
)

_ROOT_ERRORS = lazy_regex.compile(r"(?P<n>\d+) root error\(s\) found")
# Ops and nodes that create weights or optimizer state rather than activations.
_WEIGHTS = lazy_regex.compile(
    r"Initializer|Random|Variable|/kernel|/embeddings?\b|Adam|Momentum|RMSProp|zeros|ones|Const\b",
    flags=regex.I,
)
_GRADIENT = lazy_regex.compile(r"Grad\b|Grad(?:Input|Filter)|gradients?/|_grad/|BackpropInput|BackpropFilter")


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        found = OOM.search(text, timeout=1.0)
        if found:
            return _diagnose(incident, text, found, 0.95)
    if incident.is_a("ResourceExhaustedError"):
        for text in incident.messages:
            other = OUT_OF_MEMORY.search(text, timeout=1.0)
            if other:
                return _diagnose(incident, text, other, 0.9)
    if incident.is_a("MemoryError"):
        for text in incident.messages:
            numpy = NUMPY.search(text, timeout=1.0)
            if numpy:
                return _diagnose(incident, text, numpy, 0.8)
    if incident.is_a("InternalError"):
        for text in incident.messages:
            cuda = OUT_OF_MEMORY.search(text, timeout=1.0)
            if cuda and "CUDA" in cuda.group("what").upper():
                return _diagnose(incident, text, cuda, 0.8)
    return None


def _diagnose(incident: Incident, text: str, found: regex.Match[str], confidence: float
              ) -> Diagnosis:
    groups = found.groupdict()
    shape = parse_shape(groups.get("shape"))
    dtype = groups.get("dtype")
    device = device_of(groups.get("device_path") or "") or device_of(text)
    allocator = groups.get("allocator")
    node = node_name(text)
    op = op_name(text)
    where = " ".join(x for x in (node, op) if x)
    if shape is None:
        role = "unknown"
    elif _GRADIENT.search(where):
        role = "gradient"
    elif _WEIGHTS.search(where):
        role = "weights"
    elif len(shape) >= 3:
        role = "activation"
    else:
        role = "unknown"
    roots = _ROOT_ERRORS.search(text)
    size = nbytes(shape, dtype)
    facts: dict[str, Any] = {
        "shape": shape,
        "dtype": dtype,
        "bytes": size,
        "size": human_bytes(size) or groups.get("size"),
        "device": device,
        "on_gpu": bool(device and device.upper().startswith("GPU")) or bool(
            allocator and allocator.upper().startswith("GPU")),
        "allocator": allocator,
        "node": node,
        "op": op,
        "role": role,
        "root_errors": int(roots.group("n")) if roots else None,
        "numpy": found.re is NUMPY,
        **_batch(incident, shape),
    }
    return Diagnosis.of(__name__, confidence=confidence, facts=facts)


def _batch(incident: Incident, shape: tuple[int | None, ...] | None) -> dict[str, Any]:
    """The batch size on the user's line (``batch_size=512``), when it is there."""
    frame = incident.user_frame
    out: dict[str, Any] = {"batch_size": None, "batch_call": None}
    if frame is None or not frame.code:
        return out
    for site in call_sites(frame.code):
        keywords = dict(site.keywords)
        if "batch_size" in keywords:
            out["batch_call"] = site.method
            value = keywords["batch_size"]
            out["batch_size"] = int(value) if value.isdigit() else value
            return out
        if site.method in ("fit", "predict", "evaluate"):
            out["batch_call"] = site.method
    return out


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    frame = incident.user_frame
    file, line = (frame.file, frame.line) if frame else (None, None)
    out: list[Fix] = []
    batch = facts["batch_size"]
    if frame is not None and isinstance(batch, int) and batch > 1:
        smaller = max(1, batch // 4)
        new = _replace_batch(frame.code.strip(), str(batch), str(smaller))
        if new is not None:
            out.append(_unsafe(incident, Fix(
                f"Train with smaller batches ({batch} -> {smaller})",
                Applicability.DISPLAY_ONLY, new, file, line), [edit(
                    str(file), int(line or 0), "set_keyword", call=str(facts["batch_call"]),
                    keyword="batch_size", value=str(smaller))] if facts["batch_call"] else []))
    elif frame is not None and facts["batch_call"] and facts["role"] != "weights":
        code = frame.code.strip()
        if code.endswith(")"):
            new = code[:-1].rstrip() + ", batch_size=8)"
            out.append(_unsafe(incident, Fix("Pass a smaller batch size",
                                             Applicability.DISPLAY_ONLY,
                                             new + "  # the default is 32", file, line),
                               [edit(str(file), int(line or 0), "set_keyword",
                                     call=str(facts["batch_call"]), keyword="batch_size",
                                     value="8")]))
    if facts["role"] == "weights" and facts["shape"]:
        out.append(_unsafe(incident, Fix("Shrink the layer whose weights do not fit",
                                         Applicability.DISPLAY_ONLY, _weights_snippet(facts),
                                         file, line), _shrink_edits(incident, facts)))
    if not out:
        first = facts["shape"][0] if facts["shape"] else None
        smaller = max(1, first // 4) if first else 8
        note = f"  # the tensor that failed has {first} on its first axis" if first else ""
        out.append(Fix("Use smaller batches", Applicability.DISPLAY_ONLY,
                       f"model.fit(x, y, batch_size={smaller}){note}", file, line))
    if facts["on_gpu"]:
        out.append(Fix("Let TensorFlow grow its GPU memory instead of reserving it all",
                       Applicability.DISPLAY_ONLY,
                       "for gpu in tf.config.list_physical_devices(\"GPU\"):  # before any op runs\n"
                       "    tf.config.experimental.set_memory_growth(gpu, True)",
                       None, None))
    return out


def _weights_snippet(facts: dict[str, Any]) -> str:
    shape = facts["shape"]
    head = f"# a {show(shape)} {facts['dtype'] or 'float'} weight needs {facts['size']}"
    where = f"{facts['node'] or ''} {facts['op'] or ''}".lower()
    if "embedding" in where and len(shape) == 2:
        return (f"{head} (x3 with Adam)\n"
                f"layers.Embedding(input_dim=50_000, output_dim=128)  # fewer rows than "
                f"{shape[0]} (keep the most frequent words), a smaller size than {shape[1]}")
    if len(shape) == 2:
        return (f"{head}: a Dense kernel of {shape[0]} inputs x {shape[1]} units\n"
                f"layers.Dense({_fewer_units(shape[1] or 4)}),  # fewer units, and/or fewer "
                "inputs: pool before Flatten\n"
                "layers.GlobalAveragePooling2D(),  # instead of layers.Flatten() on a big map")
    return f"{head}: make this layer smaller (fewer filters/units) or use a larger device"


def _replace_batch(code: str, old: str, new: str) -> str | None:
    found = list(regex.finditer(rf"\bbatch_size\s*=\s*{regex.escape(old)}\b", code))
    if len(found) != 1:
        return None
    m = found[0]
    return code[:m.start()] + f"batch_size={new}" + code[m.end():]


# --- edits (live incidents only) --------------------------------------------------------------
# Both are unsafe: a smaller batch changes the optimisation (steps per epoch, gradient noise),
# a smaller layer changes the model.

def _unsafe(incident: Incident, fix: Fix, edits: list[Edit]) -> Fix:
    if not edits or not fix.file or not fix.line:
        return fix
    if incident.source != "live":
        return Fix(fix.title, Applicability.DISPLAY_ONLY, fix.snippet, fix.file, fix.line,
                   reason="explained from text: run the program under tferrfix to apply it")
    return Fix(fix.title, Applicability.UNSAFE, fix.snippet, fix.file, fix.line, tuple(edits))


def _units_at(source: str, line: int) -> int | None:
    """The units literal of the ``Dense(...)`` call starting on ``line``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno == line:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else \
                func.id if isinstance(func, ast.Name) else None
            if called != "Dense":
                continue
            value = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg == "units"), None)
            if isinstance(value, ast.Constant) and isinstance(value.value, int):
                return value.value
    return None


def _shrink_edits(incident: Incident, facts: dict[str, Any]) -> list[Edit]:
    """A Dense kernel (inputs, units) that does not fit: the one ``Dense(units)`` of the
    program with that many units gets an eighth of them."""
    shape = facts["shape"]
    frame = incident.user_frame
    if frame is None or not frame.file or len(shape) != 2 or not isinstance(shape[1], int) \
            or shape[1] < 8:
        return []
    where = f"{facts['node'] or ''} {facts['op'] or ''}".lower()
    if "embedding" in where:
        return []
    source = read_source(frame.file)
    if source is None:
        return []
    lines = [n for n in find_call_lines(frame.file, "Dense") if _units_at(source, n) == shape[1]]
    if len(lines) != 1:
        return []
    return [edit(frame.file, lines[0], "set_keyword", call="Dense", keyword="units",
                 value=str(_fewer_units(shape[1])), position=0)]


def _fewer_units(units: int) -> int:
    """Units for a kernel that fits where one of ``units`` did not: the kernel alone did not
    fit, and training keeps about four copies of it (weights, gradient, two Adam slots), so
    an eighth of the units leaves room for both."""
    return max(1, units // 8)

"""R's keras and tensorflow packages (through reticulate) print a Python error upside down:

    Error in py_call_impl(callable, dots$args, dots$keywords) :
      InvalidArgumentError: Incompatible shapes: [32,29] vs. [32,30]
         [[{{node loss_3/dense_6_loss/mul}} = Mul[...](_arg_dense_6_target_0_1, ...)]]

    Detailed traceback:
      File ".../keras/engine/training.py", line 1418, in fit_generator
        initial_epoch=initial_epoch)

The message comes first, with every line of it, and the Python frames follow. Rewriting the
block into Python's own order lets the one parser read it, message lines included.
"""

from __future__ import annotations

import regex

_R_ERROR = regex.compile(r"^Error in py_\w+\(.*\)\s*:\s*$")
_DETAILS = regex.compile(r"^\s*Detailed traceback:\s*$")
_END = regex.compile(r"^(?:Run `reticulate::py_last_error\(\)`|Calls: |In addition: |>\s)")
_FIRST = regex.compile(r"^\s{0,4}(?P<line>[\w.]+(?:Error|Exception|Exit|Interrupt)\b.*)$")


def reordered(lines: list[str]) -> list[str]:
    """``lines`` with every R-printed error block put in Python's traceback order; other lines
    are kept as they are."""
    if not any(line.startswith("Error in py_") for line in lines):
        return lines
    out: list[str] = []
    index = 0
    while index < len(lines):
        first = _FIRST.match(lines[index + 1]) if index + 1 < len(lines) else None
        if not _R_ERROR.match(lines[index]) or first is None:
            out.append(lines[index])
            index += 1
            continue
        message = [first["line"]]
        index += 2
        while index < len(lines) and not _DETAILS.match(lines[index]) \
                and not _END.match(lines[index]) and not _R_ERROR.match(lines[index]):
            message.append(lines[index])
            index += 1
        frames: list[str] = []
        if index < len(lines) and _DETAILS.match(lines[index]):
            index += 1
            while index < len(lines) and lines[index][:1] in (" ", "\t") and lines[index].strip():
                frames.append(lines[index])
                index += 1
        while message and not message[-1].strip():
            message.pop()
        out.extend(["Traceback (most recent call last):", *frames, *message, ""])
    return out

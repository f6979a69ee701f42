"""Graph-mode "in user code:" blocks inside a message.

When a ``tf.function`` (``model.fit`` in graph mode) fails, TensorFlow appends the Python frames
of the traced function to the message, marking the user's frames with ``*`` and library frames
with ``**``.
"""

from __future__ import annotations

import regex

from tferrfix.incident import Frame
from tferrfix.tracebacks.paths import is_user_file

_FRAME = regex.compile(
    r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)\s*(?P<mark>\*{1,2})?\s*$'
)


def user_code_frames(message: str) -> list[Frame]:
    if "in user code:" not in message:
        return []
    frames: list[Frame] = []
    lines = message.split("\n")
    for index, line in enumerate(lines):
        found = _FRAME.match(line)
        if not found:
            continue
        code = lines[index + 1].strip() if index + 1 < len(lines) else ""
        file = found.group("file")
        mark = found.group("mark")
        user = mark == "*" if mark else is_user_file(file)
        frames.append(Frame(file, int(found.group("line")), found.group("func"), code,
                            user and is_user_file(file)))
    return frames

"""Traceback text -> ``ParsedTraceback``.

One pass over the cleaned lines with a small state machine. It knows CPython's format
(including chained exceptions and 3.11 carets), IPython 7 and 8 / Jupyter / Colab renderings,
frameless messages (a CI log that only kept the last line), and Keras' multi-line messages
(graph-mode "in user code:" blocks, "Arguments received by ..." lists), which are kept inside
the message they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from tferrfix.incident import Frame, RaisedError
from tferrfix.tracebacks.clean import clean_lines
from tferrfix.tracebacks.paths import is_user_file
from tferrfix.tracebacks.reticulate import reordered

# Issue trackers glue inline-code backticks or quote marks to the header.
_TB_HEADER = regex.compile(r"^[\s`>*]*Traceback \(most recent call last\):\s*$")
_JUPYTER_HEADER = regex.compile(
    r"^(?P<type>[A-Za-z_][\w.]*)\s{2,}Traceback \(most recent call last\)\s*(?P<where>.*)$"
)
_CAUSE = regex.compile(
    r"^\s*The above exception was the direct cause of the following exception:"
)
_CONTEXT = regex.compile(
    r"^\s*During handling of the above exception, another exception occurred:"
)
_CPY_FRAME = regex.compile(
    r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+?))?\s*(?:\*{1,2})?$'
)
_IPY8_FRAME = regex.compile(
    r"^\s*File (?P<file>[^\s\"].*?):(?P<line>\d+)(?:,? in (?P<func>.+))?$"
)
_IPY8_CELL = regex.compile(
    r"^\s*(?:Cell|Input) In\s?\[\s*(?P<cell>\d*)\s*\](?:, line (?P<line>\d+))?"
    r"(?:, in (?P<func>.+))?\s*$"
)
_IPY7_FRAME = regex.compile(
    r"^(?P<file><ipython-input-[^>]+>|<command-\d+>|[^\s<>][^<>]*?\.pyx?) in "
    r"(?P<func>[^\s(]+)(?:\(.*)?$"
)
_WINDOWS_PATH = regex.compile(r"^[A-Za-z]:[\\/]")
_IPY_CONTEXT = regex.compile(r"^\s*(?P<arrow>-*>)?\s*(?P<no>\d+)(?:\s(?P<code>.*))?$")
_EXC_LINE = regex.compile(
    r"^(?P<type>(?:[A-Za-z_]\w*\.){0,8}[A-Za-z_]\w*)(?::[ \t]?(?P<msg>.*))?$"
)
_ERRORISH = regex.compile(
    r"(?:Error|Exception|Exit|Interrupt|Failure|Iteration|Exhausted)$"
)
# Lines that end a message: log lines, shell and REPL prompts, IDE footers.
_NOISE_END = regex.compile(
    r"^(?:\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?:? [IWEF]\w* "
    r"|[IWEF]\d{4} \d\d:\d\d:\d\d"
    r"|>>> |In \[\d+\]: |\$ |Process finished with exit code"
    r"|-{20,}$)"
)


@dataclass
class _Block:
    frames: list[Frame] = field(default_factory=list)
    type: str = ""
    message_lines: list[str] = field(default_factory=list)
    relation: str | None = None
    carried: list[str] = field(default_factory=list)  # the same error's line pasted above


@dataclass(frozen=True)
class ParsedTraceback:
    """One traceback: its chain of exceptions (oldest first)."""

    chain: tuple[RaisedError, ...]
    first_line: int  # 0-based line of the input where it starts, for --all listings

    @property
    def error(self) -> RaisedError:
        return self.chain[-1]


_PROSE_ERROR = regex.compile(
    r"(?<![\w.])(?P<type>(?:[A-Za-z_]\w*\.){0,8}[A-Za-z_]\w*(?:Error|Exception)): (?P<msg>\S.*)$"
)


def parse(text: str) -> list[ParsedTraceback]:
    """Every traceback found in ``text``, in order. Empty when there is none."""
    parser = _Parser(reordered(clean_lines(text)))
    found = parser.run()
    if not found:
        found = _from_prose(parser.lines, parser.orphan_frames)
    if not found:
        found = _from_native_crash(parser.lines)
    return found


# A process killed below Python leaves no exception, only these lines: the CPU lacks an
# instruction set, TensorFlow's fatal log, or a native library that cannot be loaded.
_NATIVE_CRASH = regex.compile(
    r"^(?:.*\$ )?(?P<msg>(?:Illegal instruction|Segmentation fault|Aborted|Bus error)"
    r"(?: \(core dumped\))?)\s*$"
    r"|^(?:F\d{4} [\d:.]+ +\d+ |\d{4}-\d\d-\d\d[ T][\d:.]+: F |F )(?P<fatal>\S+\.cc:\d+\] .*\S)"
    r"|^\S*.*?(?P<dso>Could not load dynamic library .*\S)"
)
NATIVE_CRASH_TYPE = "NativeCrash"


def _from_native_crash(lines: list[str]) -> list[ParsedTraceback]:
    """A crash without a Python exception, as a pseudo-exception ``NativeCrash`` whose
    message holds every such line (the fatal log line usually explains the signal line)."""
    found = []
    first = None
    for index, line in enumerate(lines):
        match = _NATIVE_CRASH.match(line)
        if match:
            first = index if first is None else first
            found.append(line.strip())
    if not found or first is None:
        return []
    error = RaisedError(NATIVE_CRASH_TYPE, NATIVE_CRASH_TYPE, "\n".join(found))
    return [ParsedTraceback((error,), first)]


# TensorFlow's C++ status codes, as they appear in logs of other front ends.
_STATUS = regex.compile(
    r"\b(?P<status>INVALID_ARGUMENT|RESOURCE_EXHAUSTED|FAILED_PRECONDITION|NOT_FOUND|"
    r"UNIMPLEMENTED|OUT_OF_RANGE): (?P<msg>\S.*)$"
)


def _status_class(status: str) -> str:
    return "".join(part.capitalize() for part in status.split("_")) + "Error"


def _from_prose(lines: list[str], frames: list[Frame]) -> list[ParsedTraceback]:
    """Last resort for a report that names the error in a sentence ("I get ValueError: ...")
    and pastes the frames without the final line."""
    for index in range(len(lines) - 1, -1, -1):
        found = _PROSE_ERROR.search(lines[index])
        status = None if found else _STATUS.search(lines[index])
        if status:
            name = _status_class(status.group("status"))
            error = RaisedError(name, name, status.group("msg").strip(), tuple(frames))
            return [ParsedTraceback((error,), index)]
        if found and _is_error_name(found.group("type")):
            qualified = found.group("type")
            error = RaisedError(qualified.split(".")[-1], qualified, found.group("msg").strip(),
                                tuple(frames))
            return [ParsedTraceback((error,), index)]
    return []


def bare_message(text: str) -> ParsedTraceback | None:
    """Input that is only an error message, without an exception name ("A `Concatenate` layer
    requires ..."): one error of unknown type. Callers keep it only if a pattern recognises
    it, so that arbitrary text is not taken for an error."""
    lines = [line for line in clean_lines(text) if line.strip()]
    if not lines or len(lines) > 200:
        return None
    error = RaisedError("", "", "\n".join(lines).strip())
    return ParsedTraceback((error,), 0)


def parse_last(text: str) -> ParsedTraceback | None:
    found = parse(text)
    return found[-1] if found else None


class _Parser:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.out: list[ParsedTraceback] = []
        self.blocks: list[_Block] = []
        self.start = 0
        self.state = "outside"  # outside | frames | message
        self.pending_relation: str | None = None
        self.pending_frame: tuple[str, int | None, str] | None = None
        self.orphan_frames: list[Frame] = []  # frames of a traceback whose error line is lost

    # -- driver ------------------------------------------------------------------------
    def run(self) -> list[ParsedTraceback]:
        for index, line in enumerate(self.lines):
            self.step(index, line)
        self.flush()
        return self.out

    def step(self, index: int, line: str) -> None:
        if _CAUSE.match(line) or _CONTEXT.match(line):
            if self.blocks:
                self.blocks[-1].relation = "cause" if _CAUSE.match(line) else "context"
                self.pending_relation = self.blocks[-1].relation
            self.state = "outside"
            return
        header = _JUPYTER_HEADER.match(line)
        if _TB_HEADER.match(line) or header:
            carried: list[str] = []
            if header and self.pending_relation is None and self.blocks and \
                    not self.blocks[-1].frames and \
                    self.blocks[-1].type.split(".")[-1] == header.group("type").split(".")[-1]:
                # "ValueError: msg" pasted above the notebook's traceback of the same error
                carried = self.blocks.pop().message_lines
            self.begin_block(index)
            if header:
                self.blocks[-1].type = header.group("type")
                self.blocks[-1].carried = carried
            return
        if self.state == "frames":
            self.frame_line(index, line)
        elif self.state == "message":
            self.message_line(index, line)
        else:
            self.outside_line(index, line)

    def begin_block(self, index: int) -> None:
        if self.pending_relation is None:
            self.flush()
            self.start = index
        self.pending_relation = None
        self.blocks.append(_Block())
        self.state = "frames"
        self.pending_frame = None

    # -- states --------------------------------------------------------------------------
    def outside_line(self, index: int, line: str) -> None:
        if _CPY_FRAME.match(line) or _IPY7_FRAME.match(line):
            # Frames pasted without their "Traceback" header (trimmed IPython output).
            self.begin_block(index)
            self.frame_line(index, line)
            return
        found = _EXC_LINE.match(line)
        if found and found.group("msg") is not None and _is_error_name(found.group("type")):
            # A message without its traceback: CI logs and pasted last lines.
            if self.pending_relation is None:
                self.flush()
                self.start = index
            self.pending_relation = None
            self.blocks.append(_Block())
            self.exception_line(found)

    def frame_line(self, index: int, line: str) -> None:
        block = self.blocks[-1]
        if not line.strip():
            return
        for rx in (_CPY_FRAME, _IPY8_CELL, _IPY8_FRAME, _IPY7_FRAME):
            found = rx.match(line)
            if found:
                self.add_frame(found)
                return
        context = _IPY_CONTEXT.match(line)
        if context and self.pending_frame is not None:
            if context.group("arrow"):
                file, _, func = self.pending_frame
                lineno = int(context.group("no"))
                self.pending_frame = (file, lineno, func)
                self.replace_last_frame(lineno, (context.group("code") or "").strip())
            return
        if line[:1].isspace() or line.startswith(("^", "~", "[Previous line", "...")):
            if block.frames and not block.frames[-1].code and line.strip().strip("^~ "):
                last = block.frames[-1]
                block.frames[-1] = Frame(last.file, last.line, last.function,
                                         line.strip(), last.is_user)
            return
        found = _EXC_LINE.match(line)
        if found and not _WINDOWS_PATH.match(line):
            renamed = found.group("type").split(".")[-1] != block.type.split(".")[-1]
            if block.type and renamed and found.group("msg") is None:
                # Jupyter prints the type in the header; a different bare name here is code.
                return
            self.exception_line(found)

    def message_line(self, index: int, line: str) -> None:
        if _NOISE_END.match(line):
            self.state = "outside"
            return
        block = self.blocks[-1]
        if not _is_error_name(block.type):
            # The line taken for the exception was not one ("Node: ...", a footer such as
            # "train_step"); a real exception line further down replaces it.
            found = _EXC_LINE.match(line)
            if found and _is_error_name(found.group("type")):
                self.exception_line(found)
                return
        block.message_lines.append(line)

    # -- pieces --------------------------------------------------------------------------
    def add_frame(self, found: regex.Match[str]) -> None:
        groups = found.groupdict()
        file = f"Cell In[{groups['cell']}]" if "cell" in groups else groups["file"]
        line = int(groups["line"]) if groups.get("line") else None
        func = (groups.get("func") or "<module>").strip()
        if func.startswith("<cell line:"):
            func = "<module>"
        self.blocks[-1].frames.append(Frame(file, line, func, "", is_user_file(file)))
        self.pending_frame = (file, line, func)

    def replace_last_frame(self, lineno: int, code: str) -> None:
        frames = self.blocks[-1].frames
        last = frames[-1]
        frames[-1] = Frame(last.file, lineno, last.function, code, last.is_user)

    def exception_line(self, found: regex.Match[str]) -> None:
        block = self.blocks[-1]
        block.type = found.group("type")
        msg = found.group("msg")
        block.message_lines = [msg] if msg is not None else []
        self.state = "message"

    def flush(self) -> None:
        chain = []
        for block in self.blocks:
            if not block.type:
                self.orphan_frames.extend(block.frames)
                continue
            qualified = block.type
            message = "\n".join(block.message_lines).strip()
            if not _is_error_name(qualified) and "." not in qualified:
                # Not an exception name after all: keep the whole line as the message of an
                # error of unknown type, which every pattern may read.
                first = f"{qualified}: {block.message_lines[0]}" if block.message_lines \
                    else qualified
                message = "\n".join([first, *block.message_lines[1:]]).strip()
                qualified = ""
            carried = "\n".join(block.carried).strip()
            if carried and carried not in message:
                # keep the line the user pasted above a cut-off notebook traceback
                message = f"{message}\n\n{carried}" if message else carried
            if message.endswith("`") and message.count("`") % 2 == 1:
                message = message[:-1].rstrip()  # the closing backtick of inline code
            chain.append(
                RaisedError(
                    type=qualified.split(".")[-1],
                    qualified=qualified,
                    message=message.strip(),
                    frames=tuple(block.frames),
                    relation=block.relation,
                )
            )
        if chain:
            self.out.append(ParsedTraceback(tuple(chain), self.start))
        self.blocks = []
        self.state = "outside"
        self.pending_relation = None


def _is_error_name(name: str) -> bool:
    return bool(_ERRORISH.search(name.split(".")[-1]))

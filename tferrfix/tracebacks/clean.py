"""Undo what terminals, notebooks and issue trackers do to a traceback before we parse it.

Everything here is linear in the input: no regex used here can backtrack catastrophically.
"""

from __future__ import annotations

import regex

# CSI sequences (colours, cursor moves) and OSC sequences (titles, hyperlinks).
_ANSI = regex.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]"
)
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUOTE = regex.compile(r"^[ \t]{0,3}>[ \t]?")
_FENCE = regex.compile(r"^[ \t]*(?:```|~~~)[\w+-]*[ \t]*$")
_BOLD = regex.compile(r"^\*\*(.+?)\*\*[ \t]*$")
# "**InvalidArgumentError:**  message": only the exception name in bold.
_BOLD_NAME = regex.compile(r"^\*\*([A-Za-z_][\w.]*:)\*\*")
# Carriage-return progress bars ("12/100 [==>....] - ETA") leave only their last state.
_CR_REWRITE = regex.compile(r"^.*\r(?!$)")
# pytest prints the exception lines with an "E" gutter.
_PYTEST_E = regex.compile(r"^E(?: {3,}| *$)")
# A traceback flattened onto one line (log shippers, some issue forms): its structure is still
# marked by these phrases, so a line break goes back in before each.
_FLAT_BREAKS = regex.compile(
    r"(?<=\S) +(?=Traceback \(most recent call last\):"
    r"|File \"[^\"]+\", line \d+"
    r"|During handling of the above exception"
    r"|The above exception was the direct cause"
    r"|(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception): )"
)
_MAX_LINE = 100_000
# Colab copies frame paths as Markdown links: "[/usr/.../ops.py](https://localhost:8080/#) in f"
_COLAB_LINK = regex.compile(r"^\[(?P<path>[^\]\n]+)\]\(https?://[^)\s]*\)(?= in )")


def strip_ansi(text: str) -> str:
    """``text`` without terminal colour and style sequences."""
    return _ANSI.sub("", text)


def decode(data: bytes) -> str:
    """Bytes from a file or a pipe, in whatever encoding they came, to text."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")


def looks_binary(data: bytes) -> bool:
    """True for input that is not text at all (an image, a pickle, a zip...)."""
    sample = data[:8192]
    if not sample:
        return False
    if sample[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    nul = sample.count(b"\x00")
    if nul > len(sample) // 100 + 1:
        return True
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") + len(_CONTROL.findall(text))
    return bad > len(text) // 10 + 4


def clean_lines(text: str) -> list[str]:
    """Split ``text`` into lines with colours, CRLF, control bytes, Markdown fences and
    issue-tracker quoting removed."""
    text = text.replace("\r\n", "\n")
    lines = []
    quoted = _mostly_quoted(text)
    # Each step is guarded by a plain-string test: most lines need none of them, and a log of
    # hundreds of thousands of lines must be cleaned at the speed of a str method.
    for raw in text.split("\n"):
        line = raw[:_MAX_LINE]
        if "\x1b" in line:
            line = _ANSI.sub("", line)
        if "\r" in line:
            line = _CR_REWRITE.sub("", line).replace("\r", "")
        if not line.isprintable():
            line = _CONTROL.sub("", line)
        if quoted:
            # Nested quotes ("> > ") come from replies quoting a quote.
            for _ in range(4):
                stripped = _QUOTE.sub("", line, count=1)
                if stripped == line:
                    break
                line = stripped
        if ("```" in line or "~~~" in line) and _FENCE.match(line):
            continue
        if line[:1] == "E" and _PYTEST_E.match(line):
            line = line[1:].strip()
        if "Traceback (most recent call last):" in line and ' File "' in line:
            lines.extend(_unflatten(line))
            continue
        if line[:2] == "**":
            bold = _BOLD.match(line)
            if bold:
                line = bold.group(1)
            line = _BOLD_NAME.sub(r"\1", line)
        if line[:1] == "[":
            line = _COLAB_LINK.sub(r"\g<path>", line)
        lines.append(line.rstrip())
    return _dedent(lines)


def _dedent(lines: list[str]) -> list[str]:
    """Remove an indentation that every line shares (a traceback pasted indented in a
    Markdown list or a code block)."""
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    common = min(indents, default=0)
    if common == 0:
        return lines
    return [line[common:] if line.strip() else "" for line in lines]


def _mostly_quoted(text: str) -> bool:
    """Issue trackers quote a whole pasted block with '> '; strip quoting only then, so that a
    '>' that belongs to the traceback (IPython's '---->' arrows, '>>>' prompts) stays."""
    nonblank = 0
    quoted = 0
    for line in text.split("\n", 20000)[:20000]:
        if not line.strip():
            continue
        nonblank += 1
        if _QUOTE.match(line) and not line.lstrip().startswith((">>>", "-->", ">>")):
            quoted += 1
    return nonblank > 0 and quoted * 2 > nonblank


def _unflatten(line: str) -> list[str]:
    parts = _FLAT_BREAKS.split(line)
    out: list[str] = []
    for part in parts:
        found = regex.match(r'(File "[^"]+", line \d+, in \S+) (.*)$', part)
        if found:
            # the frame's code followed it on the same line
            out.extend(["  " + found.group(1), "    " + found.group(2)])
        else:
            out.append(part.rstrip())
    return out

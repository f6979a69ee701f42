"""Reading a fix's unified diff in tests."""

from __future__ import annotations


def added_lines(diff: str) -> list[str]:
    """The lines a unified diff adds, without their ``+``."""
    return [line[1:] for line in diff.splitlines()
            if line.startswith("+") and not line.startswith("+++")]

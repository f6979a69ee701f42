"""Loading the corpus of real cases (corpus/<family>/<case>/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomllib

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@dataclass(frozen=True)
class Case:
    path: Path
    meta: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    @property
    def family(self) -> str:
        return self.path.parent.name

    @property
    def traceback(self) -> bytes:
        return (self.path / "traceback.txt").read_bytes()

    @property
    def script(self) -> Path | None:
        p = self.path / "script.py"
        return p if p.exists() else None


def cases() -> list[Case]:
    out = []
    for toml in sorted(CORPUS.glob("*/*/case.toml")):
        with toml.open("rb") as handle:
            out.append(Case(toml.parent, tomllib.load(handle)))
    return out

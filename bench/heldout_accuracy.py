"""Top-1 family accuracy on a held-out set of real reports that the corpus did not contain.

    python bench/heldout_accuracy.py            # prints a Markdown report
    python bench/heldout_accuracy.py --write    # also records it in bench/HELDOUT.md

bench/heldout/NNN/ holds `traceback.txt` (the text as posted) and `meta.txt` (`url`,
`expected` family judged from the thread's resolution, not from tferrfix, and `why`). The set
was gathered after the corpus, by someone who did not run tferrfix; cases that later moved
into the corpus (because tferrfix was changed after studying them) are reported apart, since
they no longer measure generalisation.
"""

from __future__ import annotations

import platform
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tferrfix.api import outcomes_from_text  # noqa: E402
from tferrfix.tracebacks.clean import decode  # noqa: E402

HELDOUT = ROOT / "bench" / "heldout"

# The first run, before any change to tferrfix prompted by this set.
BLIND = "2026-11-23, first run (nothing changed yet): 51/60 right (85%)"


def _meta(case: Path) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in (case / "meta.txt").read_text().splitlines()
             if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def _corpus_urls() -> set[str]:
    urls = set()
    for path in (ROOT / "corpus").glob("*/*/case.toml"):
        urls.add(tomllib.loads(path.read_text()).get("source_url", "").rstrip("/"))
    return urls


def _got(case: Path) -> str:
    outcomes = outcomes_from_text(decode((case / "traceback.txt").read_bytes()))
    if not outcomes:
        return "(not read as an error)"
    if not outcomes[-1].incident.in_scope:
        return "out-of-scope"
    best = outcomes[-1].best
    return best.family if best else "none"


def main() -> int:
    in_corpus = _corpus_urls()
    rows = []
    for case in sorted(p for p in HELDOUT.iterdir() if (p / "meta.txt").exists()):
        meta = _meta(case)
        rows.append((case.name, meta["expected"], _got(case), meta["url"],
                     meta["url"].rstrip("/") in in_corpus))
    held = [r for r in rows if not r[4]]
    moved = [r for r in rows if r[4]]
    right = sum(r[1] == r[2] for r in held)
    lines = [
        "# Held-out real reports (text path)",
        "",
        f"Recorded {date.today().isoformat()} with `python bench/heldout_accuracy.py --write` "
        f"on {platform.machine()}, Python {platform.python_version()}.",
        "",
        f"* {BLIND}",
        f"* now, still held out: {right}/{len(held)} right "
        f"({100 * right / max(len(held), 1):.0f}%)",
        f"* moved into the corpus after study (not a measure of generalisation any more): "
        f"{sum(r[1] == r[2] for r in moved)}/{len(moved)} right",
        "",
        "Expected families per case: " + ", ".join(
            f"{family} {count}" for family, count in Counter(r[1] for r in rows).most_common()),
        "",
        "| case | expected | tferrfix | source |",
        "|---|---|---|---|",
    ]
    for name, want, got, url, moved_in in rows:
        mark = "" if want == got else " ✗"
        note = " (now in corpus)" if moved_in else ""
        lines.append(f"| {name} | {want} | {got}{mark} | {url}{note} |")
    report = "\n".join(lines) + "\n"
    print(report)
    if "--write" in sys.argv:
        (ROOT / "bench" / "HELDOUT.md").write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

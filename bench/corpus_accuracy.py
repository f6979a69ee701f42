"""Top-1 family accuracy and the confusion matrix over the corpus (text path).

    python bench/corpus_accuracy.py            # prints a Markdown report
    python bench/corpus_accuracy.py --write    # also records it in bench/CORPUS.md

Known gaps (`todo_expect`) count as misses: the figure is what a user gets today.
"""

from __future__ import annotations

import platform
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.corpus import cases  # noqa: E402
from tferrfix.api import outcomes_from_text  # noqa: E402
from tferrfix.patterns import by_code  # noqa: E402
from tferrfix.taxonomy import FAMILIES  # noqa: E402
from tferrfix.tracebacks.clean import decode  # noqa: E402

_FAMILY_OF_CODE = {f.code: f.name for f in FAMILIES.values()}


def family_of(code: str | None) -> str | None:
    if not code:
        return None
    pattern = by_code(code)
    return pattern.family if pattern else _FAMILY_OF_CODE.get(code)


def main() -> int:
    started = time.perf_counter()
    rows = []
    for case in cases():
        outcomes = outcomes_from_text(decode(case.traceback))
        best = outcomes[-1].best if outcomes else None
        in_scope = outcomes[-1].incident.in_scope if outcomes else True
        want = case.meta.get("expect")
        rows.append((case, family_of(want) if want else None, best.family if best else None,
                     in_scope))
    elapsed = time.perf_counter() - started

    positives = [r for r in rows if r[1] is not None]
    right = [r for r in positives if r[1] == r[2]]
    negatives = [r for r in rows if r[1] is None]
    out_of_scope = [r for r in negatives if r[0].meta.get("in_scope") is False]
    false_alarms = [r for r in negatives if r[2] is not None]
    per_family: dict[str, Counter[str]] = defaultdict(Counter)
    wordings: dict[str, Counter[str]] = defaultdict(Counter)
    confusion: Counter[tuple[str, str]] = Counter()
    for case, want, got, _ in positives:
        per_family[want]["cases"] += 1
        per_family[want]["right"] += want == got
        per_family[want]["runnable"] += case.script is not None
        wordings[want][case.meta.get("wording", "?")] += 1
        if want != got:
            confusion[(want, got or "(none)")] += 1

    lines = [
        "# Corpus accuracy (text path)",
        "",
        f"Recorded {date.today().isoformat()} on {platform.machine()} / Python "
        f"{platform.python_version()}, `python bench/corpus_accuracy.py --write`.",
        "",
        f"* cases: {len(rows)} ({len(positives)} positive, {len(negatives)} must-not-match, "
        f"of which {len(out_of_scope)} out of scope)",
        f"* top-1 family accuracy on positives: {len(right)}/{len(positives)} = "
        f"{100 * len(right) / max(1, len(positives)):.1f}%",
        f"* must-not-match cases that got a diagnosis: {len(false_alarms)}",
        f"* out-of-scope cases wrongly taken as in scope: "
        f"{sum(1 for r in out_of_scope if r[3])}",
        f"* time for the whole corpus: {elapsed:.2f} s",
        "",
        "| family | cases | top-1 right | runnable | wordings |",
        "|---|---|---|---|---|",
    ]
    for family in sorted(per_family):
        c = per_family[family]
        words = ", ".join(f"{w} {n}" for w, n in sorted(wordings[family].items()))
        lines.append(f"| {family} | {c['cases']} | {c['right']} | {c['runnable']} | {words} |")
    lines += ["", "Confusions (expected -> got: count):", ""]
    lines += [f"* {want} -> {got}: {n}" for (want, got), n in confusion.most_common()] or ["* none"]
    if false_alarms:
        lines += ["", "Must-not-match cases that got a diagnosis:", ""]
        lines += [f"* {r[0].id} -> {r[2]}" for r in false_alarms]
    report = "\n".join(lines) + "\n"
    print(report)
    if "--write" in sys.argv:
        (ROOT / "bench" / "CORPUS.md").write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

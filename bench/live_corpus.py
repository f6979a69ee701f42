"""Run every runnable corpus script under `tferrfix run --fix --unsafe-fixes` and record, per
family and Keras flavour: whether the first run's live diagnosis is right, whether it names
the user's own values, whether the loop repaired the program, how many runs it took, and the
loop's time against the plain (first) run.

    python bench/live_corpus.py [--jobs 2]     # writes bench/LIVE.md
"""

from __future__ import annotations

import difflib
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.corpus import Case, cases  # noqa: E402
from tests.live_evidence import live as live_evidence  # noqa: E402
from tests.live_evidence import names_shaped_value, names_string_value  # noqa: E402


def run(case: Case) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "NO_COLOR": "1"}
        subprocess.run([sys.executable, "-m", "tferrfix", "run", "--fix", "--unsafe-fixes",
                        "--report", str(report), "script.py"], cwd=case.path,
                       capture_output=True, text=True, timeout=900, env=env)
        data = json.loads(report.read_text()) if report.exists() else {}
    attempts = data.get("attempts") or [{}]
    diagnosis = attempts[0].get("diagnosis") or {}
    best = (diagnosis.get("diagnoses") or [None])[0]
    named = names_shaped_value(best)
    valued = names_string_value(best)
    reference = case.path / "script.fixed.py"
    same_place = None
    if data.get("fixed") and data.get("patch") and reference.exists():
        original = (case.path / "script.py").read_text(encoding="utf-8")
        same_place = bool(_patched_lines(data["patch"]) & _changed_lines(
            original, reference.read_text(encoding="utf-8")))
    return {"case": case, "got": best["code"] if best else None, "live": bool(live_evidence(best)),
            "named": named, "valued": valued and not named, "fixed": bool(data.get("fixed")),
            "runs": len(attempts), "same_place": same_place,
            "first": attempts[0].get("seconds") or 0.0,
            "total": sum(a.get("seconds") or 0.0 for a in attempts)}


def _changed_lines(old: str, new: str) -> set[int]:
    """Lines of ``old`` (1-based) that ``new`` changes; an insertion counts at the line it
    comes before and the one after."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    out: set[int] = set()
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            out.update(range(i1 + 1, max(i2, i1 + 1) + 1))
            out.add(i1)
    return out


def _patched_lines(patch: str) -> set[int]:
    """Lines of the original that a unified diff changes (same convention)."""
    out: set[int] = set()
    line = 0
    for text in patch.splitlines():
        if text.startswith("@@"):
            line = int(text.split()[1].split(",")[0].lstrip("-")) - 1
        elif text.startswith("-") and not text.startswith("---"):
            line += 1
            out.add(line)
        elif text.startswith("+") and not text.startswith("+++"):
            out.update((line, line + 1))
        elif not text.startswith(("---", "+++")):
            line += 1
    return out


def main() -> int:
    jobs = int(sys.argv[sys.argv.index("--jobs") + 1]) if "--jobs" in sys.argv else 2
    runnable = [c for c in cases() if c.script is not None]
    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(run, runnable))
    table: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses = []
    unnamed: list[str] = []
    elsewhere: list[str] = []
    for r in results:
        case = r["case"]
        key = (case.family, "tf-keras" if case.meta.get("keras") == "legacy" else "keras 3")
        row = table[key]
        row["scripts"] += 1
        want = case.meta.get("expect")
        right = (r["got"] is None) if case.meta.get("expect_none") else r["got"] == want
        row["right"] += right
        row["live"] += r["live"]
        if not case.meta.get("expect_none"):
            row["positives"] += 1
            row["named"] += r["named"]
            row["valued"] += r["valued"]
            if not (r["named"] or r["valued"]):
                unnamed.append(f"* {case.id}")
            row["fixed"] += r["fixed"]
            if r["fixed"]:
                row["same_place"] += bool(r["same_place"])
                if not r["same_place"]:
                    elsewhere.append(f"* {case.id}")
                row["runs_when_fixed"] += r["runs"]
                row["loop_seconds"] += r["total"]
                row["plain_seconds"] += r["first"]
        if not right:
            misses.append(f"* {case.id}: want {want or 'none'}, got {r['got']}")
    total = {k: sum(row[k] for row in table.values())
             for k in ("scripts", "right", "named", "valued", "positives", "fixed", "same_place",
                       "runs_when_fixed", "loop_seconds", "plain_seconds")}
    neither = total["positives"] - total["named"] - total["valued"]
    lines = [
        "# Runnable corpus under `tferrfix run` (live path)",
        "",
        f"Recorded {date.today().isoformat()} with `python bench/live_corpus.py` on "
        f"{platform.machine()}, {os.cpu_count()} cores.",
        "",
        f"* scripts: {total['scripts']} ({total['positives']} that must be diagnosed, the rest "
        f"must not match); top diagnosis right: {total['right']}",
        f"* of the {total['positives']} diagnosed, the explanation names the user's own value "
        f"with its live shape/dtype (an array, tensor, list, dataset, model or SavedModel): "
        f"{total['named']}; names a variable holding a path with its value (saving and loading "
        f"errors): {total['valued']}; neither: {neither}",
        f"* repaired by `--fix --unsafe-fixes`: {total['fixed']}/{total['positives']} "
        f"({100 * total['fixed'] / max(1, total['positives']):.0f}%), "
        f"{total['runs_when_fixed'] / max(1, total['fixed']):.2f} runs per repair on average "
        "(the first run plus one re-run per applied fix)",
        f"* of the repairs, {total['same_place']} edit the same lines as the case's real fix "
        "(`script.fixed.py`); the others are listed below to be read against it",
        f"* fix loop time for the repaired programs: {total['loop_seconds']:.0f} s against "
        f"{total['plain_seconds']:.0f} s for their plain (first) runs — "
        f"{total['loop_seconds'] / max(1e-9, total['plain_seconds']):.2f}×",
        "",
        "| family | Keras | scripts | right | live evidence | names a shaped value | names a path "
        "| repaired |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (family, flavour), row in sorted(table.items()):
        lines.append(f"| {family} | {flavour} | {row['scripts']} | {row['right']} | "
                     f"{row['live']} | {row['named']} | {row['valued']} | "
                     f"{row['fixed']}/{row['positives']} |")
    lines += ["", "Misses:", ""] + (misses or ["* none"])
    lines += ["", "Diagnosed scripts whose explanation names no live value of the user's:", ""]
    lines += unnamed or ["* none"]
    lines += ["", "Repairs that edit other lines than the real fix (`script.fixed.py`):", ""]
    lines += elsewhere or ["* none"]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "bench" / "LIVE.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

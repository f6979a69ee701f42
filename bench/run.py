"""Measure the budgets of DESIGN §8 and record them in bench/RESULTS.md.

    python bench/run.py            # everything (needs the tensorflow extra for capture)
    python bench/run.py --quick    # fewer repetitions

Medians and ratios of repeated runs, never single times. Each figure is printed with how it
was obtained; RESULTS.md keeps the date, the machine and the versions.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUICK = "--quick" in sys.argv
REPEAT = 5 if QUICK else 21


def timed(cmd: list[str], repeat: int = REPEAT, cwd: Path = ROOT) -> float:
    """Median wall time of ``cmd`` over ``repeat`` runs (after one warm-up run)."""
    return timed_pair(cmd, None, repeat, cwd)[0]


def timed_pair(first: list[str], second: list[str] | None, repeat: int = REPEAT,
               cwd: Path = ROOT) -> tuple[float, float]:
    """Median wall times of two commands run alternately (so that a slow patch of the machine
    weighs on both), after one warm-up run of each."""
    commands = [first] if second is None else [first, second]
    times: list[list[float]] = [[] for _ in commands]
    for cmd in commands:
        subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=600)
    for _ in range(repeat):
        for index, cmd in enumerate(commands):
            started = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=600)
            times[index].append(time.perf_counter() - started)
    medians = [statistics.median(t) for t in times]
    return medians[0], medians[-1]


def cold_explain() -> list[str]:
    example = str(ROOT / "examples" / "predict_one_image.traceback.txt")
    base, ours = timed_pair([sys.executable, "-c", "pass"],
                            [sys.executable, "-m", "tferrfix", "explain", example])
    _, uncached = timed_pair(["true"], ["env", "TFERRFIX_NO_CACHE=1", sys.executable, "-m",
                                        "tferrfix", "explain", example])
    install = timed([sys.executable, "-c", "import tferrfix; tferrfix.install()"])
    return [
        "## Cold start",
        "",
        f"* `python -c pass`: median {base * 1000:.0f} ms",
        f"* `python -m tferrfix explain examples/predict_one_image.traceback.txt`: median "
        f"{ours * 1000:.0f} ms — **{ours / base:.1f}×** Python's start-up (templates loaded "
        f"from Jinja's bytecode cache in the user's temporary directory; with "
        f"`TFERRFIX_NO_CACHE=1`, compiled each time: {uncached * 1000:.0f} ms, "
        f"{uncached / base:.1f}×)",
        f"* `python -c 'import tferrfix; tferrfix.install()'`: median {install * 1000:.0f} ms "
        f"— {install / base:.1f}× (what `install()` adds to a program's start)",
        f"* ({REPEAT} runs each after a warm-up)",
    ]


def batch() -> list[str]:
    from tests.corpus import cases
    from tferrfix.api import outcomes_from_text
    from tferrfix.tracebacks.clean import decode

    texts = [decode(c.traceback) for c in cases()]
    noise = ("Epoch 3/10\n100/100 [==============================] - 1s 5ms/step - loss: 0.31\n"
             "2024-01-01 10:00:00.000000: I tensorflow/core/platform/cpu_feature_guard.cc:182]"
             " This TensorFlow binary is optimized to use available CPU instructions\n")
    rows = ["## Batch classification (one core, in-process)", "",
            "| tracebacks in the log | log size | seconds (median of 3) | tracebacks/s |",
            "|---|---|---|---|"]
    rates = []
    outcomes_from_text("".join(texts))  # warm-up: compiles every expression a log can need
    for count in ((500, 1000, 2000) if QUICK else (1000, 2000, 4000, 8000)):
        log = "".join(noise + texts[i % len(texts)] + "\n" for i in range(count))
        runs = []
        for _ in range(1 if QUICK else 3):
            started = time.perf_counter()
            found = outcomes_from_text(log)
            runs.append(time.perf_counter() - started)
        seconds = statistics.median(runs)
        rates.append(len(found) / seconds)
        rows.append(f"| {len(found)} | {len(log) / 1e6:.1f} MB | {seconds:.2f} | "
                    f"{len(found) / seconds:.0f} |")
    rows += ["", f"Rate from the smallest to the largest log: {rates[0]:.0f} → {rates[-1]:.0f} "
             "tracebacks/s (a constant rate means time linear in the log size)."]
    # The whole command, start-up and rendering of every diagnosis included.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "job.log"
        path.write_text(log, encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "tferrfix", "explain", "--all", str(path)],
                              capture_output=True, text=True, timeout=600)
        seconds = time.perf_counter() - started
    rows += ["", f"End to end, `tferrfix explain --all job.log` on the largest log "
             f"({len(found)} tracebacks, every diagnosis rendered): {seconds:.2f} s — "
             f"{len(found) / seconds:.0f} tracebacks/s (exit code {done.returncode})."]
    return rows


def run_vs_python() -> list[str]:
    rows = ["## `tferrfix run` on a program that succeeds", ""]
    programs = [("a 2M-step loop", "total = sum(i * i for i in range(2_000_000))\n"
                 "print(total)\n", REPEAT)]
    try:
        import tensorflow  # noqa: F401

        programs.append(("a program importing TensorFlow and adding two tensors",
                         "import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\n"
                         "import tensorflow as tf\nprint(int(tf.reduce_sum(tf.ones(3))))\n",
                         9))
    except ImportError:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        for label, source, repeat in programs:
            script = Path(tmp) / "ok.py"
            script.write_text(source)
            plain, ours = timed_pair([sys.executable, str(script)],
                                     [sys.executable, "-m", "tferrfix", "run", str(script)],
                                     repeat)
            rows += [f"* {label}: `python ok.py` median {plain * 1000:.0f} ms, "
                     f"`tferrfix run ok.py` median {ours * 1000:.0f} ms — ratio "
                     f"{ours / plain:.2f}, {(ours - plain) * 1000:+.0f} ms ({repeat} runs each)"]
    rows += ["", "The difference is the start of the `tferrfix` command (click and the runner); "
             "nothing is traced while the program runs, and the diagnosis machinery is "
             "imported only after a crash."]
    return rows


CAPTURE = textwrap.dedent("""
    import os, resource, sys, time, json
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import numpy as np
    import keras
    from tferrfix.api import outcome_from_exception

    def rss_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    results = {}
    # a model of hundreds of layers
    layers = [keras.Input(shape=(32,))] + [keras.layers.Dense(32) for _ in range(LAYERS)]
    deep = keras.Sequential(layers)
    # a multi-GB array in the failing frame: one sample too many axes for the small model
    huge = np.ones((GIGS * 256, 1024, 1024), dtype=np.float32)  # GIGS GB
    small = keras.Sequential([keras.Input(shape=(1024,)), keras.layers.Dense(4)])
    for label, fn in (("deep", lambda: deep.predict(np.zeros((2, 31), "float32"), verbose=0)),
                      ("huge", lambda: small.predict(huge, verbose=0))):
        try:
            fn()
        except Exception as error:
            before = rss_mb()
            started = time.perf_counter()
            outcome = outcome_from_exception(error)
            seconds = time.perf_counter() - started
            results[label] = {"seconds": seconds, "extra_peak_mb": rss_mb() - before,
                              "best": outcome.best.name if outcome.best else None,
                              "evidence": len(outcome.incident.evidence)}
    print("RESULT", json.dumps(results))
""")


def capture() -> list[str]:
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        return ["## Capture after a crash", "", "* skipped: TensorFlow is not installed"]
    layers, gigs = (100, 1) if QUICK else (300, 4)
    code = CAPTURE.replace("LAYERS", str(layers)).replace("GIGS", str(gigs))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=1200, cwd=ROOT)
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if not line:
        return ["## Capture after a crash", "", f"* failed: {done.stderr[-500:]}"]
    import json

    data = json.loads(line[0][len("RESULT "):])
    rows = ["## Capture after a crash (in-process, one run each)", ""]
    for label, what in (("deep", f"a Sequential model of {layers} Dense layers"),
                        ("huge", f"a {gigs} GB float32 array passed to predict")):
        r = data.get(label)
        if r:
            rows.append(f"* {what}: capture + diagnosis {r['seconds'] * 1000:.0f} ms, peak "
                        f"memory grew by {r['extra_peak_mb']:.1f} MB, top diagnosis "
                        f"`{r['best']}`, {r['evidence']} evidence items")
    return rows


def main() -> int:
    versions = [f"Python {platform.python_version()}"]
    try:
        import tensorflow as tf

        versions.append(f"TensorFlow {tf.__version__}")
    except ImportError:
        pass
    header = [
        "# Benchmark results",
        "",
        f"Recorded {date.today().isoformat()} with `python bench/run.py"
        f"{' --quick' if QUICK else ''}` on {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.system()}; {', '.join(versions)}.",
        "",
    ]
    # As after a normal install, tferrfix's own modules are byte-compiled (a development
    # checkout under PYTHONDONTWRITEBYTECODE would otherwise compile them on every start).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tferrfix")],
                   check=True, capture_output=True)
    sections = [cold_explain(), batch(), run_vs_python(), capture()]
    text = "\n".join(header + [line for s in sections for line in [*s, ""]]).rstrip() + "\n"
    print(text)
    (ROOT / "bench" / "RESULTS.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The text path survives any input (DESIGN §9): random text, mutated real tracebacks,
binary, huge logs, huge lines, deep tracebacks — never an exception, time linear in size."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.corpus import cases
from tferrfix.api import outcomes_from_text
from tferrfix.tracebacks import parse
from tferrfix.tracebacks.clean import decode

REAL = [decode(c.traceback) for c in cases()[:60]]
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.text())
def test_random_text(text: str) -> None:
    outcomes_from_text(text)


@SETTINGS
@given(st.binary())
def test_random_bytes(data: bytes) -> None:
    outcomes_from_text(decode(data))


@SETTINGS
@given(st.sampled_from(REAL), st.integers(0, 10_000), st.integers(0, 10_000),
       st.sampled_from(["", "\r\n", "\x00", "\x1b[31m", "> ", "**", "```", "\t", "…"]))
def test_mutated_real_tracebacks(text: str, cut: int, where: int, insert: str) -> None:
    truncated = text[: max(1, len(text) - cut)]
    position = where % (len(truncated) + 1)
    outcomes_from_text(truncated[:position] + insert + truncated[position:])


def _timed(text: str) -> float:
    started = time.perf_counter()
    outcomes_from_text(text)
    return time.perf_counter() - started


def test_long_line_is_linear() -> None:
    small = _timed("ValueError: " + "a(" * 50_000)
    large = _timed("ValueError: " + "a(" * 500_000)
    assert large < 40 * max(small, 0.01)  # 10x the input, not 100x the time


def test_fifty_thousand_frames() -> None:
    frames = "".join(f'  File "/x/mod{i}.py", line {i}, in f{i}\n    call{i}()\n'
                     for i in range(50_000))
    text = "Traceback (most recent call last):\n" + frames + "RecursionError: too deep\n"
    [found] = parse(text)
    assert len(found.error.frames) == 50_000


def test_big_log_is_linear() -> None:
    one = REAL[0] + "\nEpoch 1/10 - loss: 0.1\n"
    small = _timed(one * 200)
    large = _timed(one * 2000)
    assert large < 30 * max(small, 0.01)


def test_fifty_megabyte_log() -> None:
    """A CI log of 50 MB: training noise with a traceback every thousand epochs; each one is
    found, none is lost to the size."""
    traceback = next(t for t in REAL if "Traceback (most recent call last)" in t)
    noise = "".join(f"Epoch {i}/100\n{i}/500 [==============================] - 1s 5ms/step"
                    f" - loss: 0.{i % 97:02d}\n" for i in range(1000))
    block = noise + traceback + "\n"
    count = int(50e6 // len(block)) + 1
    assert len(outcomes_from_text(block * count)) == count


def test_secret_values_are_never_shown() -> None:
    from tferrfix.capture.describe import describe

    for name in ("api_key", "TOKEN", "db_password", "client_secret"):
        for value in ("sk-live-123456", 123456789):
            shown = str(describe(value, name).to_json())
            assert "123456" not in shown

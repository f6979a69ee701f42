"""The `tferrfix` command through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tferrfix.cli import EXIT_BAD_INPUT, EXIT_DIAGNOSED, EXIT_NO_MATCH, main

BATCH = (
    "Traceback (most recent call last):\n"
    '  File "/home/u/bug.py", line 12, in <module>\n'
    "    model.predict(x_test[0])\n"
    '  File "/usr/lib/python3.11/site-packages/keras/src/utils/traceback_utils.py", line 122, in error_handler\n'
    "    raise e.with_traceback(filtered_tb) from None\n"
    "ValueError: Input 0 of layer \"sequential_2\" is incompatible with the layer: expected "
    "shape=(None, 784), found shape=(784,)\n"
)
UNKNOWN = "Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\n    f()\nValueError: something nobody has seen\n"


def run(args: list[str], stdin: str | bytes | None = None):
    return CliRunner().invoke(main, args, input=stdin)


def test_explain_stdin_text() -> None:
    result = run(["explain", "-"], BATCH)
    assert result.exit_code == EXIT_DIAGNOSED, result.output
    assert "missing-batch-axis" in result.output
    assert "np.expand_dims(x_test[0], axis=0)" in result.output
    assert "\x1b[" not in result.output  # no colour when not a terminal


def test_explain_file_json(tmp_path: Path) -> None:
    path = tmp_path / "tb.txt"
    path.write_text(BATCH)
    result = run(["explain", str(path), "--format", "json"])
    assert result.exit_code == EXIT_DIAGNOSED
    data = json.loads(result.output)
    assert data["schema"] == "tferrfix/diagnosis-1"
    assert data["source"] == "text"
    assert data["in_scope"] is True
    assert data["framework"] == "keras"
    assert data["exception"]["type"] == "ValueError"
    assert data["location"] == {"file": "/home/u/bug.py", "line": 12, "function": "<module>",
                                "code": "model.predict(x_test[0])"}
    best = data["diagnoses"][0]
    assert best["family"] == "missing-batch-axis"
    assert best["fixes"][0]["applicability"] in ("safe", "unsafe", "display-only")
    assert 0 < best["confidence"] <= 1


def test_explain_markdown_and_html() -> None:
    md = run(["explain", "--format", "markdown"], BATCH)
    assert md.exit_code == 0 and "**TFE0101 missing-batch-axis**" in md.output
    html = run(["explain", "--format", "html"], BATCH)
    assert html.exit_code == 0 and "<code>" in html.output and "<script" not in html.output


def test_explain_all_is_json_lines() -> None:
    result = run(["explain", "--all", "--format", "json"], BATCH + "\nnoise\n" + UNKNOWN)
    lines = result.output.strip().split("\n")
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["diagnoses"] and not second["diagnoses"]
    assert second["fallback"]["explained_type"] == "ValueError"
    assert result.exit_code == EXIT_DIAGNOSED


def test_no_match_is_honest() -> None:
    result = run(["explain"], UNKNOWN)
    assert result.exit_code == EXIT_NO_MATCH
    assert "No pattern matches this ValueError yet" in result.output
    assert "does not know yet" in result.output


def test_bad_input_exit_codes(tmp_path: Path) -> None:
    assert run(["explain"], "").exit_code == EXIT_BAD_INPUT
    assert run(["explain"], "   \n\n").exit_code == EXIT_BAD_INPUT
    assert run(["explain"], b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40).exit_code == EXIT_BAD_INPUT
    result = run(["explain"], "just some words\nno traceback here\n")
    assert result.exit_code == EXIT_BAD_INPUT and "no Python traceback" in result.output
    assert run(["explain", str(tmp_path / "missing.txt")]).exit_code == 2


def test_patterns_list_and_show() -> None:
    listing = run(["patterns"])
    assert listing.exit_code == 0
    assert "TFE0101  missing-batch-axis" in listing.output
    as_json = json.loads(run(["patterns", "--format", "json"]).output)
    assert {"code", "name", "family", "title"} <= set(as_json[0])
    show = run(["patterns", "show", "TFE0101"])
    assert show.exit_code == 0 and "## What it means" in show.output
    assert run(["patterns", "show", "missing-batch-axis"]).exit_code == 0
    assert run(["patterns", "show", "TFE9999"]).exit_code == 2


def test_a_hard_wrapped_message_is_read_unwrapped() -> None:
    # Pasted with a console's line breaks inside a word and after a space.
    text = ('Exception: Graph disconnected: cannot obtain value for tensor input_1 at layer "\n'
            'input_1". The following previous layers were accessed without issue: []\n')
    result = CliRunner().invoke(main, ["explain", "--format", "json", "-"], input=text)
    assert json.loads(result.output)["diagnoses"][0]["family"] == \
        "functional-graph-disconnected"
    # an unrelated multi-line message does not become a diagnosis by being joined
    text = "ValueError: something went\nwrong in the data loader\n"
    result = CliRunner().invoke(main, ["explain", "--format", "json", "-"], input=text)
    assert json.loads(result.output)["diagnoses"] == []

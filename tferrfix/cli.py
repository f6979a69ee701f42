"""The ``tferrfix`` command.

Exit codes of ``tferrfix explain``:

* 0 — at least one diagnosis (with ``--all``: for at least one traceback)
* 1 — a traceback was read but no pattern matched it, or it is another framework's error
* 2 — usage error (unknown option, missing file)
* 3 — bad input: empty, binary, unreadable, or no traceback or error message in it
"""

from __future__ import annotations

import os
import sys

import click

from tferrfix import __version__

EXIT_DIAGNOSED = 0
EXIT_NO_MATCH = 1
EXIT_BAD_INPUT = 3
MAX_INPUT_BYTES = 256 * 1024 * 1024


class BadInput(click.ClickException):
    exit_code = EXIT_BAD_INPUT


def _use_colour(fmt: str, choice: bool | None) -> bool:
    if fmt != "text":
        return False
    if choice is not None:
        return choice
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tferrfix")
def main() -> None:
    """tferrfix turns TensorFlow/Keras crashes into answers."""


@main.command()
@click.argument("source", required=False, default="-")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json"]),
              default="text", show_default=True)
@click.option("--all", "every", is_flag=True, help="Explain every traceback in the input, "
              "not only the last (JSON: one object per line).")
@click.option("--color/--no-color", "colour", default=None,
              help="Colour the text output (default: only on a terminal, unless NO_COLOR).")
def explain(source: str, fmt: str, every: bool, colour: bool | None) -> None:
    """Explain a traceback read from SOURCE (a file, or - for standard input)."""
    from tferrfix.api import outcomes_from_text
    from tferrfix.render.report import render
    from tferrfix.tracebacks.clean import decode, looks_binary

    data = _read(source)
    if not data.strip():
        raise BadInput("the input is empty: pipe or paste a traceback, or pass a file.")
    if looks_binary(data):
        raise BadInput("the input looks binary, not like a traceback or a log.")
    outcomes = outcomes_from_text(decode(data))
    if not outcomes:
        raise BadInput("no Python traceback or error message was found in the input.")
    chosen = outcomes if every else outcomes[-1:]
    use_colour = _use_colour(fmt, colour)
    rendered = [render(o, fmt, colour=use_colour) for o in chosen]
    if fmt == "json":
        click.echo("\n".join(rendered))
    else:
        click.echo("\n".join(rendered), nl=False)
    diagnosed = any(o.diagnoses for o in chosen)
    sys.exit(EXIT_DIAGNOSED if diagnosed else EXIT_NO_MATCH)


def _read(source: str) -> bytes:
    if source == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise click.UsageError("pass a file, or pipe a traceback into `tferrfix explain -`.")
        return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)[:MAX_INPUT_BYTES]
    try:
        with open(source, "rb") as handle:
            return handle.read(MAX_INPUT_BYTES)
    except FileNotFoundError:
        raise click.UsageError(f"no such file: {source}") from None
    except OSError as error:
        raise BadInput(f"cannot read {source}: {error.strerror or error}") from None


@main.command(context_settings={"ignore_unknown_options": True,
                                "allow_interspersed_args": False})
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True, help="Format of the diagnosis on stderr.")
@click.option("--report", type=click.Path(dir_okay=False),
              help="Write the tferrfix/run-1 JSON report to this file.")
@click.option("--color/--no-color", "colour", default=None)
@click.option("--fix", is_flag=True, help="Apply the diagnosis' fix to a copy of the script "
              "and run again, until it passes (nothing on disk changes without --write).")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that change what the "
              "model is or learns.")
@click.option("--max-attempts", default=3, show_default=True, type=click.IntRange(1, 20),
              help="How many fixes to try at most.")
@click.option("--write", is_flag=True, help="With --fix: write the verified patch to the "
              "script (a backup is kept).")
@click.option("--timeout", default=600.0, show_default=True, type=click.FloatRange(1),
              help="With --fix: seconds one run may take.")
@click.argument("script")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def run(fmt: str, report: str | None, colour: bool | None, fix: bool, unsafe_fixes: bool,
        max_attempts: int, write: bool, timeout: float, script: str,
        args: tuple[str, ...]) -> None:
    """Run SCRIPT like `python SCRIPT ARGS...`; if it crashes, explain why.

    The program's output passes through untouched; on a crash the original traceback comes
    first, then the diagnosis (stderr). The exit code is the program's.
    """
    if write and not fix:
        raise click.UsageError("--write goes with --fix.")
    if not fix:
        from tferrfix.runner import run_script

        sys.exit(run_script(script, list(args), fmt=fmt, colour=colour, report=report))
    sys.exit(_fix(script, list(args), unsafe_fixes, max_attempts, write, timeout, report))


def _fix(script: str, args: list[str], unsafe: bool, max_attempts: int, write: bool,
         timeout: float, report: str | None) -> int:
    import json

    from tferrfix.fixes.loop import fix_loop, report_json, write_back
    from tferrfix.fixes.materialize import read_source

    original = read_source(os.path.abspath(script)) if os.path.isfile(script) else None
    if original is None:
        sys.stderr.write(f"tferrfix run: can't open file {script!r}\n")
        return 2
    result = fix_loop(script, args, unsafe=unsafe, max_attempts=max_attempts, timeout=timeout)
    err = sys.stderr
    applied = [a.fix_applied for a in result.attempts if a.fix_applied]
    err.write(f"\ntferrfix --fix: {len(result.attempts)} run(s), {len(applied)} fix(es) "
              f"applied; {result.stopped_because}.\n")
    for number, attempt in enumerate(result.attempts, 1):
        what = attempt.fix_applied["title"] if attempt.fix_applied else "-"
        err.write(f"  run {number}: exit {attempt.exit_code} in {attempt.seconds:.1f} s; "
                  f"fix applied after it: {what}\n")
    if result.patch:
        err.write("\n" + result.patch)
        if result.fixed and write:
            err.write("\n" + write_back(script, original, result.final_source) + "\n")
        elif result.fixed:
            err.write("\nThe patch above made the program pass. Nothing was written: "
                      "run again with --write to apply it.\n")
    data = report_json(script, [script, *args], result)
    if report:
        with open(report, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
    return int(data["exit_code"])


@main.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def patterns(ctx: click.Context, fmt: str) -> None:
    """List the patterns tferrfix knows (code, name, family, title)."""
    if ctx.invoked_subcommand is not None:
        return
    import json

    from tferrfix.patterns import all_patterns

    rows = [(p.code, p.name, p.family, p.title) for p in all_patterns()]
    if fmt == "json":
        click.echo(json.dumps([dict(zip(("code", "name", "family", "title"), r, strict=True))
                               for r in rows]))
        return
    width = max((len(r[1]) for r in rows), default=4)
    fwidth = max((len(r[2]) for r in rows), default=6)
    for code, name, family, title in rows:
        click.echo(f"{code}  {name:<{width}}  {family:<{fwidth}}  {title}")


@patterns.command("show")
@click.argument("code")
def patterns_show(code: str) -> None:
    """Print the documentation of one pattern (by code or name)."""
    from tferrfix.patterns import by_code

    pattern = by_code(code)
    if pattern is None:
        raise click.UsageError(f"no pattern {code!r}; `tferrfix patterns` lists them.")
    click.echo(f"{pattern.code} {pattern.name} (family: {pattern.family})\n")
    click.echo(pattern.doc)

"""``explainer report [TEXT] [--file FILE] [--format text|markdown|rich|json]``.

Reads pathology-report wording from TEXT, a file, or standard input, and prints what each item
means and the factors it adds up to. Bad input (no text, both TEXT and --file, an unreadable
file) is one line on stderr and exit status 2, raised as
:class:`~explainer.errors.InputError` for the CLI to print.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from explainer.errors import ExitCode, InputError

MAX_REPORT_BYTES = 200 * 1024
"""A pathology report is a few pages; anything larger is not one."""

EXAMPLES = """\
examples:
  explainer report "ER 95%, PR 0%, HER2 IHC 2+, FISH not amplified, pT2 pN1a M0, grade 3"
  explainer report --file my-report.txt --format markdown
  pbpaste | explainer report --format json

The text is read on this computer only: nothing is sent or stored. What is not understood is
quoted back, and results that disagree are left unknown; nothing is guessed.
This is education, not medical advice: please check every result with your care team.
"""


def register(commands: Any) -> None:
    """Add the ``report`` command to the CLI's subparsers."""
    parser = commands.add_parser(
        "report", help="read pathology-report wording and say what it means (ER, PR, HER2, "
                       "TNM, stage)",
        description="Read the words of a pathology report (pasted, from a file, or piped in), "
                    "say in plain words what each item means and which guideline it follows, "
                    "and add up the factors it settles (stage, HR, HER2, nodes, BRCA).",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False)
    parser.add_argument("text", metavar="TEXT", nargs="?",
                        help="the report wording (quote it); leave out to use --file or "
                             "standard input")
    parser.add_argument("--file", metavar="FILE", help="read the report wording from FILE "
                                                       "(UTF-8 text)")
    parser.add_argument("--format", choices=["text", "markdown", "rich", "json"],
                        default="rich",
                        help="output format (default: rich; without colour when piped)")
    parser.add_argument("--width", type=int, default=None, metavar="N",
                        help="line width for text and rich output (default: terminal width)")
    parser.add_argument("--knowledge", metavar="DIR",
                        help="use the knowledge base in DIR (a folder holding knowledge/) "
                             "instead of the bundled one")
    parser.set_defaults(handler=handle_report, reports_broken_knowledge=True)


def read_input(text: str | None, file: str | None) -> str:
    """The report text from TEXT, --file or standard input (InputError when there is none)."""
    if text is not None and file is not None:
        raise InputError("give the report either as TEXT or with --file, not both")
    if file is not None:
        path = Path(file)
        try:
            if path.is_dir():
                raise InputError(f"'{path}' is a folder; give a text file with the report")
            with path.open("rb") as handle:
                data = handle.read(MAX_REPORT_BYTES + 1)
        except OSError as error:
            raise InputError(f"cannot read '{path}': {error.strerror}; check the path") \
                from None
        if len(data) > MAX_REPORT_BYTES:
            raise InputError(f"'{path}' is larger than {MAX_REPORT_BYTES // 1024} KB; copy just "
                             "the report's results into a file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"'{path}' is not UTF-8 text; save the report as plain text "
                             "(UTF-8)") from None
    elif text is None:
        if sys.stdin is None:
            raise InputError("no report text: give it as TEXT, with --file FILE, or on "
                             "standard input")
        if sys.stdin.isatty():
            print("Paste the report text, then press Ctrl-D (Ctrl-Z then Enter on Windows).",
                  file=sys.stderr)
        text = sys.stdin.read(MAX_REPORT_BYTES + 1)
        if len(text) > MAX_REPORT_BYTES:
            raise InputError(f"the report text is larger than {MAX_REPORT_BYTES // 1024} KB; "
                             "give just the report's results")
    elif len(text.encode("utf-8", "surrogatepass")) > MAX_REPORT_BYTES:
        raise InputError(f"the report text is larger than {MAX_REPORT_BYTES // 1024} KB; give "
                         "just the report's results")
    if "\x00" in text:
        raise InputError("the report text holds a NUL character; give plain text")
    if not text.strip():
        raise InputError("the report text is empty; paste the report's words as TEXT, or use "
                         "--file FILE")
    return text


def handle_report(args: argparse.Namespace) -> int:
    """Read the report given on the command line and print the reading."""
    from explainer.report.knowledge import load_report_knowledge
    from explainer.report.parse import read_report
    from explainer.report.render import render

    width = args.width or _terminal_width()
    if not 40 <= width <= 400:
        raise InputError(f"--width must be from 40 to 400, got {width}")
    text = read_input(args.text, args.file)
    kb = load_report_knowledge(args.knowledge)
    reading = read_report(text, kb)
    color = args.format == "rich" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    sys.stdout.write(render(reading, kb, args.format, width=width, color=color))
    sys.stdout.flush()
    return ExitCode.OK


def _terminal_width() -> int:
    if not sys.stdout.isatty():
        return 88
    try:
        return max(40, min(120, os.get_terminal_size().columns))
    except OSError:
        return 88


def run_report(argv: Sequence[str]) -> int:
    """Run ``explainer report`` with ``argv`` (its arguments) and return the exit status."""
    from explainer.cli.main import run

    return run(["report", *argv])

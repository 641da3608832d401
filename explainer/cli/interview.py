"""``explainer interview``: a guided questionnaire in the terminal, one factor at a time.

The questions and answers are handled by :class:`explainer.explanation.interview.Interview`;
this module draws them with rich, reads the answers, and prints the explanation.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from explainer.cli.options import (
    EDUCATION_NOTE,
    add_output_options,
    explainer_for,
    render_detail,
    render_for,
    use_pager,
)
from explainer.cli.output import emit
from explainer.errors import ExitCode

if TYPE_CHECKING:
    from explainer.explanation.models import Explanation
    from explainer.explanation.reader import ReaderKind

EXAMPLES = """\
examples:
  explainer interview
  explainer interview --handout my-handout.html
  explainer interview --format markdown --output notes.md
  explainer interview --reader caregiver

Every question can be answered "I don't know". Type < to go back, q or Ctrl-C to stop.
It first asks who is reading (or give --reader): a caregiver reads "the person you care for"
where the questions would say "you".
With a pathology report at hand, answer y to the first question: a few items asked in the
report's own words (HER2 score, ISH, ER, PR, TNM or stage) fill in the answers they settle.
"""


DESCRIPTION = ("A guided questionnaire: one factor at a time, each with why it is asked "
               "and an \"I don't know\" choice; then a summary of the answers, the "
               "explanation, and a printable handout if you want one.")
EPILOG = EXAMPLES + EDUCATION_NOTE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``interview``."""
    parser.add_argument("--handout", metavar="FILE",
                        help="also write the printable HTML handout to FILE (no question "
                             "asked at the end)")
    parser.add_argument("--reader", choices=("self", "caregiver"), default=None,
                        help="who is reading: self (the person with cancer) or caregiver "
                             "(someone helping them); asked first when not given")
    add_output_options(parser, detail=True)


class _Screen:
    """The interview's terminal: rich output, and one line of input at a time."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(highlight=False, markup=False, emoji=False)

    def show(self, text: str, style: str) -> None:
        from rich.text import Text

        self.console.print(Text(text, style=style))

    def read(self, prompt: str) -> str:
        return self.console.input(prompt)

    def option(self, key: str, text: str) -> None:
        # A grid keeps a long answer's wrapped lines under its text, not under its letter.
        from rich.padding import Padding
        from rich.table import Table

        grid = Table.grid(padding=(0, 2))
        grid.add_column(width=1)
        grid.add_column()
        grid.add_row(key, text)
        self.console.print(Padding(grid, (0, 0, 0, 2)))

    def who_reads(self) -> ReaderKind:
        """Asked before anything else, as the web page does; Enter means the person with
        cancer."""
        from explainer.explanation.interview import TEXT, Stop

        self.show(TEXT["reader_ask"], "bold")
        self.option("a", TEXT["reader_self"])
        self.option("b", TEXT["reader_caregiver"])
        while True:
            text = self.read(TEXT["prompt"] + ": ").strip().lower()
            if text in ("", "a"):
                return "self"
            if text == "b":
                return "caregiver"
            if text in ("q", "quit"):
                raise Stop
            self.show(TEXT["reader_bad"], "yellow")


def run(args: argparse.Namespace) -> int:
    """Handle ``explainer interview``."""
    from explainer.explanation.interview import TEXT, Stop

    screen = _Screen()
    try:
        explanation = _interview(args, screen)
        screen.console.print()
        emit(render_for(args, explanation), args.output)
        _offer_more(args, explanation, screen)
    except Stop:
        screen.console.print()
        screen.show(TEXT["stopped"], "")
        return ExitCode.OK
    except KeyboardInterrupt:
        screen.console.print()
        screen.show(TEXT["stopped"], "")
        return ExitCode.INTERRUPTED
    except EOFError:
        screen.console.print()
        screen.show(TEXT["ended"], "")
        return ExitCode.INTERRUPTED
    return ExitCode.OK


def _interview(args: argparse.Namespace, screen: _Screen) -> Explanation:
    """Ask the questions (after the disclaimer and, on a terminal, who is reading) and explain
    the answers, worded for that reader."""
    import sys

    from rich.panel import Panel
    from rich.text import Text

    from explainer.explanation.interview import TEXT, Interview
    from explainer.explanation.reader import load_reader
    from explainer.render.document import important

    explainer = explainer_for(args)
    screen.console.print(Panel(Text(explainer.kb.disclaimer.disclaimer), title=important(),
                               border_style="yellow"))
    # Piped answers (a script) start with the first question, as before; a translation has no
    # caregiver wording yet, so it does not ask.
    asks = sys.stdin.isatty() and explainer.kb.language == "en"
    kind: ReaderKind = args.reader or (screen.who_reads() if asks else "self")
    reader = load_reader(kind, explainer.kb.root, explainer.kb.language)
    # Reading a report explains its items in English only for now (report.yaml is not
    # translated): a translation does not offer it.
    english = explainer.kb.language == "en"
    interview = Interview(explainer.kb, screen.show, screen.read, screen.option,
                          read_report=explainer.read_report if english else None,
                          say=reader.say)
    screen.show(TEXT["title"], "bold underline")
    screen.show(TEXT["intro"].format(count=len(interview.factors)), "")
    screen.show(TEXT["keys"], "dim")
    profile = interview.run()
    return reader.explanation(explainer.explain(profile).model_copy(
        update={"from_report": interview.kept_from_report()}))


def _offer_more(args: argparse.Namespace, explanation: Explanation, screen: _Screen) -> None:
    """On a terminal, after the short answer: offer the full view, then the handout."""
    import sys

    from explainer.explanation.interview import TEXT

    asking = args.output is None and args.format != "html" and sys.stdin.isatty()
    if asking and args.detail is None and render_detail(args) == "brief":
        # The interview ends on the short answer, and offers the rest.
        screen.console.print()
        if screen.read(TEXT["more"] + ": ").strip().lower() in ("f", "full"):
            args.detail = "full"
            emit(render_for(args, explanation), None, pager=use_pager(args))
    handout = args.handout
    if handout is None and asking:
        screen.console.print()
        handout = screen.read(TEXT["handout"] + ": ").strip() or None
    if handout:
        from explainer.render import render

        emit(render(explanation, "html", args.audience), handout, announce=False)
        screen.show(TEXT["saved"].format(path=handout), "green")

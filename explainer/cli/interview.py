"""``explainer interview``: a guided questionnaire in the terminal, one factor at a time.

The questions and answers are handled by :class:`explainer.explanation.interview.Interview`;
this module draws them with rich, reads the answers, and prints the explanation.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from explainer.cli.options import (
    EDUCATION_NOTE,
    add_command,
    add_output_options,
    emit,
    explainer_for,
    render_for,
)
from explainer.errors import ExitCode

if TYPE_CHECKING:
    from rich.console import Console

EXAMPLES = """\
examples:
  explainer interview
  explainer interview --handout my-handout.html
  explainer interview --format markdown --output notes.md

Every question can be answered "I don't know". Type < to go back, q or Ctrl-C to stop.
"""


def register(commands: Any) -> None:
    """Add the ``interview`` command to the CLI's subparsers."""
    parser = add_command(
        commands, "interview", help="answer the questions one at a time, then see the explanation",
        description="A guided questionnaire: one factor at a time, each with why it is asked "
                    "and an \"I don't know\" choice; then a summary of the answers, the "
                    "explanation, and a printable handout if you want one.",
        epilog=EXAMPLES + EDUCATION_NOTE, handler=run_interview)
    parser.add_argument("--handout", metavar="FILE",
                        help="also write the printable HTML handout to FILE (no question "
                             "asked at the end)")
    add_output_options(parser)


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, markup=False, emoji=False)


def run_interview(args: argparse.Namespace) -> int:
    """Handle ``explainer interview``."""
    import sys

    from rich.panel import Panel
    from rich.text import Text

    from explainer.explanation.interview import TEXT, Interview, Stop
    from explainer.render.document import important

    explainer = explainer_for(args)
    console = _console()

    def show(text: str, style: str) -> None:
        console.print(Text(text, style=style))

    def read(prompt: str) -> str:
        return console.input(prompt)

    interview = Interview(explainer.kb, show, read)
    try:
        console.print(Panel(Text(explainer.kb.disclaimer.disclaimer), title=important(),
                            border_style="yellow"))
        show(TEXT["title"], "bold underline")
        show(TEXT["intro"].format(count=len(interview.factors)), "")
        show(TEXT["keys"], "dim")
        profile = interview.run()
        explanation = explainer.explain(profile)
        console.print()
        emit(render_for(args, explanation), args.output)
        handout = args.handout
        if handout is None and args.output is None and args.format != "html" \
                and sys.stdin.isatty():
            console.print()
            handout = read(TEXT["handout"] + ": ").strip() or None
        if handout:
            from explainer.render import render

            emit(render(explanation, "html", args.audience), handout)
            show(TEXT["saved"].format(path=handout), "green")
    except Stop:
        console.print()
        show(TEXT["stopped"], "")
        return ExitCode.OK
    except KeyboardInterrupt:
        console.print()
        show(TEXT["stopped"], "")
        return ExitCode.INTERRUPTED
    except EOFError:
        console.print()
        show(TEXT["ended"], "")
        return ExitCode.INTERRUPTED
    return ExitCode.OK

"""``explainer report [TEXT] [--file FILE] [--format rich|text|markdown|json]``: what the
words of a pathology report mean, and the factors they settle (read in
:mod:`explainer.explanation.report`, drawn by :mod:`explainer.render.report`)."""

from __future__ import annotations

import argparse

from explainer.cli.options import (
    add_knowledge_option,
    knowledge_for,
    language_for,
    output_width,
    read_report_input,
    use_color,
)
from explainer.cli.output import emit
from explainer.errors import ExitCode, InputError
from explainer.render.formats import REPORT_FORMATS

EXAMPLES = """\
examples:
  explainer report "ER 95%, PR 0%, HER2 IHC 2+, FISH not amplified, pT2 pN1a M0, grade 3"
  explainer report --file my-report.txt --format markdown
  pbpaste | explainer report --format json
  explainer explain --report my-report.txt      (the explanation for these factors)

The text is read on this computer only: nothing is sent or stored. What is not understood is
quoted back, and results that disagree are left unknown; nothing is guessed.
This is education, not medical advice: please check every result with your care team.
"""


DESCRIPTION = ("Read the words of a pathology report (pasted, from a file, or piped in), "
               "say in plain words what each item means and which guideline it follows, "
               "and add up the factors it settles (stage, HR, HER2, nodes, BRCA).")
EPILOG = EXAMPLES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``report``."""
    parser.add_argument("text", metavar="TEXT", nargs="?",
                        help="the report wording (quote it); leave out to use --file or "
                             "standard input")
    parser.add_argument("--file", metavar="FILE", help="read the report wording from FILE "
                                                       "(UTF-8 text)")
    parser.add_argument("--format", choices=list(REPORT_FORMATS), default="rich",
                        help="output format (default: rich; without colour when piped)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    parser.add_argument("--width", type=int, default=None, metavar="N",
                        help="line width for text and rich output (default: terminal width)")
    add_knowledge_option(parser)


def run(args: argparse.Namespace) -> int:
    """Read the report given on the command line and print the reading."""
    # Reading a report needs the knowledge base only, not the rules engine.
    from explainer.explanation.report import read_report
    from explainer.render.report import render_report

    if language_for(args) != "en":
        # Its meanings (knowledge/report.yaml) are not translated yet: a Spanish page that
        # reads in English would be a partial result presented as whole.
        raise InputError("explainer report explains in English only for now (its meanings "
                         "are not translated yet); leave out --lang es, or run explain "
                         "--report TEXT --lang es for the explanation in Spanish")
    width = output_width(args)
    text = read_report_input(args.text, args.file)
    kb = knowledge_for(args).report
    reading = read_report(text, kb)
    emit(render_report(reading, kb, args.format, width=width,
                       color=use_color(args)), args.output)
    return ExitCode.OK

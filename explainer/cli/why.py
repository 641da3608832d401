"""``explainer why TARGET [factors]``: why a category or kind has its relevance for a profile
(the answer is worked out in :mod:`explainer.explanation.why`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from explainer.cli.options import (
    EDUCATION_NOTE,
    add_factor_options,
    add_knowledge_option,
    add_report_option,
    explainer_for,
    profile_from_args,
    report_reading,
)
from explainer.cli.output import emit
from explainer.errors import ExitCode
from explainer.render.formats import WHY_FORMATS

if TYPE_CHECKING:
    from explainer.kb.knowledge import KnowledgeBase

DESCRIPTION = ("Explain why a category or kind of treatment has its relevance for the "
               "factors given: the rules that decided it and the values that matched, the "
               "rules that were outranked or did not fire (and which part of their "
               "condition failed), and which change of one factor would change it.")
EPILOG = ("examples:\n  explainer why cdk46_inhibitors --stage IV --hr positive --her2 low\n"
          "  explainer why chemotherapy --stage II --her2 positive --health poor\n"
          "  explainer why \"hormone therapy\" --hr unknown --format json\n"
          "  explainer why targeted_therapy --report \"HER2 IHC 2+, FISH not amplified\"\n\n"
          + EDUCATION_NOTE)


def add_arguments(parser: argparse.ArgumentParser, kb: KnowledgeBase | None) -> None:
    """The options of ``why`` (one flag per factor of ``kb``)."""
    parser.add_argument("target", metavar="CATEGORY",
                        help="a category or kind id or name (e.g. chemotherapy, "
                             "cdk46_inhibitors, \"PARP inhibitors\")")
    parser.add_argument("--profile", metavar="FILE",
                        help="read factors from a YAML or JSON file; flags override it")
    parser.add_argument("--format", choices=list(WHY_FORMATS), default="text",
                        help="output format (default: text)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    add_report_option(parser)
    add_knowledge_option(parser)
    add_factor_options(parser, kb)


def run(args: argparse.Namespace) -> int:
    """Say why a category or kind has its relevance for the factors given."""
    from explainer.explanation.why import explain_why, resolve_target
    from explainer.render.why import render_why

    explainer = explainer_for(args)
    target = resolve_target(explainer.kb, args.target)
    data = profile_from_args(args)
    reading = report_reading(args, explainer)
    from_report: tuple[str, ...] = ()
    if reading is not None:
        data, from_report = explainer.with_report(reading, data)
    answer = explain_why(explainer, target, data, from_report)
    emit(render_why(answer, explainer.kb, args.format), args.output)
    return ExitCode.OK

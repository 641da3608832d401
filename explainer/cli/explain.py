"""``explainer explain``: which treatment categories are often discussed, and why.

With ``--what-if FACTOR=VALUE`` it prints what changes instead (see
:mod:`explainer.explanation.compare`).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from explainer.cli.options import (
    EDUCATION_NOTE,
    add_factor_options,
    add_output_options,
    add_report_option,
    emit_comparison,
    explain_with_report,
    explainer_for,
    input_files,
    profile_from_args,
    render_for,
    report_reading,
    use_pager,
)
from explainer.cli.output import emit
from explainer.errors import ExitCode, InputError

if TYPE_CHECKING:
    from explainer.kb.knowledge import KnowledgeBase

EXAMPLES = """\
examples:
  explainer explain --stage IV --hr positive --her2 negative --menopause postmenopausal
  explainer explain --stage II --her2 positive --format markdown --output notes.md
  explainer explain --profile my-profile.yaml --audience clinician
  explainer explain --stage 0 --concerns fertility,body_image --format json
  explainer explain --stage II --hr positive --her2 negative --what-if her2=positive
  explainer explain --stage IV --format html --output handout.html
  explainer explain --stage IV --format html --handout full --output handout.html
  explainer explain --report "ER 95%, PR 0%, HER2 IHC 2+, FISH not amplified, pT2 pN1a M0"
  explainer explain --report my-report.txt --menopause postmenopausal

Any factor left out is treated as unknown ("I don't know"). Values are not case-sensitive,
and common spellings work (--stage 4 means IV; --hr + means positive).
"""


DESCRIPTION = ("Explain which treatment categories are often discussed for the factors "
               "given, why, and where each statement comes from.")
EPILOG = EXAMPLES + EDUCATION_NOTE


def add_arguments(parser: argparse.ArgumentParser, kb: KnowledgeBase | None) -> None:
    """The options of ``explain`` (one flag per factor of ``kb``)."""
    add_factor_options(parser, kb)
    parser.add_argument("--profile", metavar="FILE",
                         help="read factors from a YAML or JSON file (keys as in the JSON "
                              "profile: stage, hr_status, ...); flags override it")
    parser.add_argument("--what-if", metavar="FACTOR=VALUE", action="append", default=[],
                         dest="what_if",
                         help="show what changes if FACTOR had VALUE (e.g. her2=positive); "
                              "repeat it to change several factors at once")
    parser.add_argument("--handout", choices=("brief", "full"), default=None,
                         help="with --format html: the handout to print; brief (a patient's "
                              "default) fits two pages, full holds everything (a clinician's "
                              "default)")
    add_report_option(parser)
    add_output_options(parser, detail=True)


def run(args: argparse.Namespace) -> int:
    """Explain the profile given (or what changes with --what-if) and print it."""
    explainer = explainer_for(args)
    data = profile_from_args(args)
    reading = report_reading(args, explainer)
    if reading is not None and args.what_if:
        # What-if starts from the report's factors, with what was entered over them.
        data, _ = explainer.with_report(reading, data)
    if args.what_if:
        # Not the explanation but what changes from it: both sides are checked first.
        from explainer.explanation.compare import apply_what_if, compare_what_if

        before = explainer.explain(data)
        after = explainer.explain(apply_what_if(data, args.what_if, explainer.kb.factors))
        comparison = compare_what_if(before, after)
        emit_comparison(args, comparison)
        return ExitCode.OK
    if args.handout is not None and args.format != "html":
        raise InputError(f"--handout {args.handout} is for the printable handout; add "
                         "--format html (or leave --handout out)")
    explanation = explain_with_report(explainer, reading, data)
    if args.format == "html":
        from explainer.render import render

        emit(render(explanation, "html", args.audience, handout=args.handout), args.output,
             input_files(args))
        return ExitCode.OK
    emit(render_for(args, explanation), args.output, input_files(args), pager=use_pager(args))
    return ExitCode.OK

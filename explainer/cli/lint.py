"""The ``explainer lint`` command."""

from __future__ import annotations

import argparse

from explainer.cli.options import add_knowledge_option, language_for
from explainer.cli.output import emit
from explainer.errors import InputError
from explainer.lint.catalog import CATALOG
from explainer.render.formats import LIST_FORMATS

LINT_EPILOG = """\
validators:
{validators}

exit codes:
  0  no warnings or errors (or issues found without --fail-on-issues)
  1  --fail-on-issues, and at least one warning or error
  3  the knowledge base is invalid (it does not load); every problem is listed

examples:
  explainer lint
  explainer lint --knowledge my-kb --fail-on-issues
  explainer lint --format json --exclude reading-level
"""


DESCRIPTION = ("Check every statement of the knowledge base: schema and references, "
               "sources, directive wording, reading level, terms of art, rule cases, "
               "unused entries, what no profile can show, and review metadata. Each issue "
               "has a severity, a file:line and a fix; a summary table ends the report.")
EPILOG = LINT_EPILOG.format(validators="\n".join(f"  {name:<15} {concern}"
                                                 for name, concern in CATALOG))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``lint``."""
    add_knowledge_option(parser)
    parser.add_argument("--format", choices=list(LIST_FORMATS), default="text",
                        help="report format (default: text)")
    parser.add_argument("--fail-on-issues", action="store_true",
                        help="exit 1 when there is any warning or error (for CI)")
    parser.add_argument("--exclude", action="append", default=[], metavar="VALIDATOR",
                        help="skip a validator (repeat, or separate with commas)")
    parser.add_argument("--max-grade", type=float, default=8.0, metavar="N",
                        help="highest reading grade allowed, Flesch-Kincaid and SMOG "
                             "(default: 8; aim for 6-7)")
    parser.add_argument("--stale-days", type=int, default=365, metavar="DAYS",
                        help="a review older than this is stale (default: 365)")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE")
    parser.set_defaults(reports_broken_knowledge=True)


def run(args: argparse.Namespace) -> int:
    """Run the validators and print the report; the exit code follows the report's outcome."""
    from explainer.lint.base import LintOptions
    from explainer.lint.runner import VALIDATOR_NAMES, format_report, run_lint

    excluded = [name.strip() for item in args.exclude for name in item.split(",")
                if name.strip()]
    for name in excluded:
        if name not in VALIDATOR_NAMES:
            raise InputError(f"--exclude: unknown validator '{name}'; use one of "
                             f"{', '.join(VALIDATOR_NAMES)}")
    if not 1 <= args.max_grade <= 20:
        raise InputError(f"--max-grade must be from 1 to 20, got {args.max_grade:g}")
    if args.stale_days < 1:
        raise InputError(f"--stale-days must be at least 1, got {args.stale_days}")
    lang = language_for(args)
    options = LintOptions(max_grade=args.max_grade, stale_days=args.stale_days,
                          languages=(lang,) if lang != "en" else ())
    result = run_lint(args.knowledge, options, excluded)
    emit(format_report(result, args.format, args.fail_on_issues), args.output)
    return result.exit_code(args.fail_on_issues)

"""``explainer compare PROFILE_A PROFILE_B``: what changes between two profile files.

The comparison's models and renderers are imported only when the command runs, so that building
the command line stays light.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from explainer.cli.options import (
    EDUCATION_NOTE,
    add_output_options,
    add_report_option,
    emit_comparison,
    explain_with_report,
    explainer_for,
    profile_from_args,
    report_reading,
)

if TYPE_CHECKING:
    from explainer.explanation.models import Explanation
    from explainer.kb.knowledge import KnowledgeBase

EXAMPLES = """\
examples:
  explainer compare early.yaml metastatic.yaml
  explainer compare before.json after.json --format markdown --output changes.md
  explainer compare a.yaml b.yaml --format html --output changes.html
  explainer compare pre.yaml post.yaml --report my-report.txt

Each file holds factors as in 'explainer explain --profile FILE' (stage: II, hr_status:
positive, ...). Anything left out is unknown. With --report, both sides start from the factors
the report settles, and each file's own values win. To change a factor or two of one profile, see
'explainer explain ... --what-if FACTOR=VALUE'.
"""


DESCRIPTION = ("Show which treatment categories and kinds change how likely they are to "
               "come up between two profiles, from what to what, and why on each side.")
EPILOG = EXAMPLES + EDUCATION_NOTE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``compare``."""
    parser.add_argument("profile_a", metavar="PROFILE_A",
                        help="the first profile (a YAML or JSON file)")
    parser.add_argument("profile_b", metavar="PROFILE_B",
                        help="the second profile (a YAML or JSON file)")
    add_report_option(parser)
    add_output_options(parser)


def _label(path: str, explanation: Explanation, kb: KnowledgeBase) -> str:
    """The side's name: its file, and which factors came from the report (--report)."""
    if not explanation.from_report:
        return path
    names = ", ".join(kb.factors[factor].label for factor in explanation.from_report)
    return f"{path}, with {names} from your report"


def run(args: argparse.Namespace) -> int:
    """Explain both profiles and print what changes between them."""
    from explainer.errors import ExitCode, ProfileError
    from explainer.explanation.compare import compare
    explainer = explainer_for(args)
    reading = report_reading(args, explainer)
    explanations = []
    for path in (args.profile_a, args.profile_b):
        data = profile_from_args(argparse.Namespace(profile=path))
        try:
            explanations.append(explain_with_report(explainer, reading, data))
        except ProfileError as error:
            # Say which of the two files holds the problem.
            raise ProfileError([type(problem)(f"{path}: {problem.field}", problem.message)
                                for problem in error.problems]) from None
    labels = [_label(path, explanation, explainer.kb) for path, explanation
              in zip((args.profile_a, args.profile_b), explanations, strict=True)]
    comparison = compare(*explanations, before_label=labels[0], after_label=labels[1])
    emit_comparison(args, comparison)
    return ExitCode.OK

"""``explainer schema``: the JSON Schema of the profile and of the explanation."""

from __future__ import annotations

import argparse
import json

from explainer.cli.options import add_knowledge_option, knowledge_for
from explainer.cli.output import emit
from explainer.errors import ExitCode

DESCRIPTION = ("Print the JSON Schema of the profile (built from the knowledge base) and "
               "of the explanation (the --format json output).")
EPILOG = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``schema``."""
    parser.add_argument("--only", choices=["profile", "explanation"],
                        help="print just one of the two schemas")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    add_knowledge_option(parser)


def run(args: argparse.Namespace) -> int:
    """Print one or both schemas."""
    from explainer.explanation.models import Explanation
    from explainer.kb.profiles import profile_json_schema

    kb = knowledge_for(args)
    schemas = {"profile": profile_json_schema(kb.factors),
               "explanation": Explanation.model_json_schema(mode="serialization")}
    chosen = schemas if args.only is None else schemas[args.only]
    emit(json.dumps(chosen, indent=2, ensure_ascii=False) + "\n", args.output)
    return ExitCode.OK

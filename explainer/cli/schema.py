"""``explainer schema``: the JSON Schema of the profile and of the explanation."""

from __future__ import annotations

import argparse
import json

from explainer.cli.options import add_command, add_knowledge_option, knowledge_for
from explainer.cli.output import emit
from explainer.errors import ExitCode

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a fast --help)
if TYPE_CHECKING:
    from typing import Any


def register(commands: Any) -> None:
    """Add the ``schema`` command."""
    schema = add_command(
        commands, "schema",
        description="Print the JSON Schema of the profile (built from the knowledge base) and "
                    "of the explanation (the --format json output).",
        handler=run_schema)
    schema.add_argument("--only", choices=["profile", "explanation"],
                        help="print just one of the two schemas")
    schema.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    add_knowledge_option(schema)


def run_schema(args: argparse.Namespace) -> int:
    """Print one or both schemas."""
    from explainer.explanation.models import Explanation
    from explainer.kb.profiles import profile_json_schema

    kb = knowledge_for(args)
    schemas = {"profile": profile_json_schema(kb.factors),
               "explanation": Explanation.model_json_schema(mode="serialization")}
    chosen = schemas if args.only is None else schemas[args.only]
    emit(json.dumps(chosen, indent=2, ensure_ascii=False) + "\n", args.output)
    return ExitCode.OK

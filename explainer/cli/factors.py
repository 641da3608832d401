"""``explainer factors``: the factors a person can enter and their allowed values."""

from __future__ import annotations

import argparse
import json
from typing import Any

from explainer.cli.options import add_command, add_knowledge_option, emit
from explainer.errors import ExitCode


def register(commands: Any) -> None:
    """Add the ``factors`` command."""
    factors = add_command(
        commands, "factors", help="list the factors you can enter and their allowed values",
        description="List every factor, its question, its flag and its allowed values.",
        handler=run_factors)
    factors.add_argument("--format", choices=["text", "json"], default="text",
                         help="output format (default: text)")
    add_knowledge_option(factors)


def run_factors(args: argparse.Namespace) -> int:
    """Print every factor, its flag, question and values."""
    from explainer.explanation.api import get_explainer
    from explainer.kb.profiles import allowed_values

    kb = get_explainer(args.knowledge).kb
    if args.format == "json":
        data = [{"id": factor.id, "flag": f"--{factor.cli_flag}", "label": factor.label,
                 "question": factor.question, "help": factor.help, "core": factor.core,
                 "values": allowed_values(factor)} for factor in kb.factors.values()]
        emit(json.dumps(data, indent=2, ensure_ascii=False) + "\n", None)
        return ExitCode.OK
    lines = []
    for factor in kb.factors.values():
        # Every factor may be left out (it then means unknown); core ones are always asked.
        lines.append(f"--{factor.cli_flag}  ({factor.id}){', always asked' if factor.core else ''}")
        lines.append(f"    {factor.question}")
        if factor.kind == "number":
            lines.append(f"    {allowed_values(factor)[0]}, or leave it out")
        for value in factor.values:
            lines.append(f"    {value.id:<20} {value.label}")
        lines.append("")
    emit("\n".join(lines), None)
    return ExitCode.OK

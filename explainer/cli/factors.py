"""``explainer factors``: the factors a person can enter and their allowed values."""

from __future__ import annotations

import argparse

from explainer.cli.options import add_command, add_knowledge_option, knowledge_for
from explainer.cli.output import emit
from explainer.errors import ExitCode
from explainer.render.formats import LIST_FORMATS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a fast --help)
if TYPE_CHECKING:
    from typing import Any


def register(commands: Any) -> None:
    """Add the ``factors`` command."""
    factors = add_command(
        commands, "factors",
        description="List every factor, its question, its flag and its allowed values.",
        handler=run_factors)
    factors.add_argument("--format", choices=list(LIST_FORMATS), default="text",
                         help="output format (default: text)")
    add_knowledge_option(factors)


def run_factors(args: argparse.Namespace) -> int:
    """Print every factor, its flag, question and values."""
    from explainer.render.listings import render_factors

    emit(render_factors(knowledge_for(args), args.format), None)
    return ExitCode.OK

"""``explainer review``: write the clinician review packet (see :mod:`explainer.lint.packet`)."""

from __future__ import annotations

import argparse
from typing import Any

from explainer.cli.options import add_command, add_knowledge_option, emit
from explainer.errors import ExitCode
from explainer.render.formats import PACKET_FORMATS


def register(subparsers: Any) -> None:
    """Add the ``review`` command."""
    parser = add_command(
        subparsers, "review",
        help="write the clinician review packet (every statement, its source, review status, "
             "rules and coverage)",
        description="Write the review packet a clinician reads and signs: every category and "
                    "kind, every rule as 'When ... then ...' with its reason, sources, review "
                    "status and cases, the factors, care team, glossary, fixed phrases, the "
                    "disclaimer, and a coverage table. CSV gives one row per statement.",
        epilog="examples:\n  explainer review --output packet.md\n"
               "  explainer review --format html --output packet.html\n"
               "  explainer review --format csv --output statements.csv\n"
               "  explainer review --knowledge my-kb --format html --output my-packet.html",
        handler=_run_review)
    parser.add_argument("--format", choices=list(PACKET_FORMATS), default="markdown",
                        help="markdown (default), html, or csv (one row per statement)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    add_knowledge_option(parser)


def _run_review(args: argparse.Namespace) -> int:
    from explainer.kb.loader import load_knowledge
    from explainer.lint.packet import review_packet

    emit(review_packet(load_knowledge(args.knowledge), args.format), args.output)
    return ExitCode.OK

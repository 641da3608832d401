"""``explainer factors``: the factors a person can enter and their allowed values."""

from __future__ import annotations

import argparse

from explainer.cli.options import (
    add_knowledge_option,
    knowledge_for,
    language_for,
)
from explainer.cli.output import emit
from explainer.errors import ExitCode
from explainer.render.formats import LIST_FORMATS

DESCRIPTION = ("List every factor, its question, its flag and its allowed values.")
EPILOG = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``factors``."""
    parser.add_argument("--format", choices=list(LIST_FORMATS), default="text",
                         help="output format (default: text)")
    add_knowledge_option(parser)
    # The listing is drawn with the phrases of the language asked for when the knowledge base is
    # loaded (see run); a cached one needs no knowledge base, in any language.
    parser.set_defaults(own_language=True)


def run(args: argparse.Namespace) -> int:
    """Print every factor, its flag, question and values.

    The listing depends on the knowledge base alone, so the bundled one's is kept in the cache
    (see :func:`explainer.kb.cache.rendering`): a second run need not load the knowledge base.
    """

    def draw() -> str:
        from explainer.render.listings import render_factors

        return render_factors(knowledge_for(args), args.format)

    if args.knowledge is None:
        from explainer.kb import cache
        from explainer.kb.files import bundled_root

        text = cache.rendering(bundled_root(), f"factors.{language_for(args)}.{args.format}",
                               draw)
    else:
        text = draw()
    emit(text, None)
    return ExitCode.OK

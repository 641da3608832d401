"""``explainer serve``: the local web page and JSON API.

Kept light on purpose: FastAPI, Jinja2 and uvicorn are imported only when the command runs, so
that ``explainer --help`` does not pay for them (and works without the ``web`` extra).
"""

from __future__ import annotations

import argparse
import os

from explainer.cli.options import (
    EDUCATION_NOTE,
    add_knowledge_option,
    language_for,
)

EXAMPLES = """\
examples:
  explainer serve                          # http://127.0.0.1:8000/ on this computer only
  explainer serve --port 8080 --workers 2
  explainer serve --knowledge edited-copy/ # serve an edited copy of the knowledge base

Open the address it prints in a browser: a form with every factor ("I don't know" for each),
the explanation with its reasons and sources, a what-if, and a page that prints as a handout.
Programs can use the JSON API (see /docs). Nothing entered is stored or logged.
"""


DESCRIPTION = ("Serve the explainer as a web page and a JSON API. It listens on this "
               "computer only (127.0.0.1) unless --host says otherwise.")
EPILOG = EXAMPLES + EDUCATION_NOTE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``serve``."""
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this computer only; "
                             "0.0.0.0 lets other computers on the network open the page)")
    parser.add_argument("--port", type=int, default=8000,
                        help="port to listen on (default: 8000; 0 picks a free one)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="number of worker processes (default: 1)")
    parser.add_argument("--no-access-log", dest="access_log", action="store_false",
                        help="do not log requests (the log never holds what was entered, "
                             "only the method, path and status)")
    add_knowledge_option(parser)


def run(args: argparse.Namespace) -> int:
    """Check the knowledge base, bind the port, and serve until Ctrl-C."""
    from explainer.errors import ExplainerError

    try:
        from explainer.web.server import serve
    except ImportError as error:
        # ExplainerError's exit status is 4: the installation lacks a part.
        raise ExplainerError(
            f"the web page needs the 'web' extra ({error.name or error} is missing); install it "
            "with: pip install -e '.[web]'") from None
    # The language of a first visit whose browser asks for no language the site has; the
    # worker processes read it from the environment.
    from explainer.kb.language import LANG_ENV

    os.environ[LANG_ENV] = language_for(args)
    return serve(args.host, args.port, args.workers, args.knowledge, args.access_log)

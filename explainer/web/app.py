"""The FastAPI application: the page (plain HTML forms) and the JSON API.

Built from four parts: :mod:`~explainer.web.site` (the shared state and the work of every
route), :mod:`~explainer.web.pages` and :mod:`~explainer.web.api` (the routes),
:mod:`~explainer.web.errors` (error answers), all wrapped in :class:`~explainer.web.guard.Guard`
(body limit, security headers, the access log; see its module for the privacy rules).
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from explainer import __version__
from explainer.errors import InputError
from explainer.explanation.api import get_explainer
from explainer.kb import interface
from explainer.kb.language import LANGUAGES, choose_language
from explainer.kb.loader import load_knowledge
from explainer.kb.paths import resolve_root
from explainer.kb.translation import layer_folder
from explainer.web.api import add_api_routes
from explainer.web.errors import add_error_handlers
from explainer.web.guard import MAX_BODY_BYTES, Guard
from explainer.web.pages import add_page_routes
from explainer.web.site import Site

KNOWLEDGE_ENV = "EXPLAINER_WEB_KNOWLEDGE"
"""How ``explainer serve --knowledge DIR`` reaches the worker processes (see server.py)."""


def create_app(knowledge: str | Path | None = None) -> FastAPI:
    """The web application for a knowledge base (a folder, or None for the bundled one).

    The knowledge base is loaded and its engine built here, before the first request, and one
    explanation warms the caches. Raises :class:`~explainer.errors.KnowledgeBaseError` if it
    does not load.
    """
    site = Site(get_explainer(knowledge))
    sites = {site.language: site}
    # One site per language whose layer the knowledge base has (knowledge/<lang>/).
    root = resolve_root(knowledge)
    for lang in LANGUAGES:
        if lang not in sites and layer_folder(root, lang).is_dir():
            sites[lang] = Site(get_explainer(load_knowledge(root, lang=lang)))
    interface.use(site.kb.interface)  # English stays the process's default
    try:  # the language of a first visit whose browser asks for none of these
        default = choose_language(None)
    except InputError:
        default = site.language
    # Warm up what the first request would otherwise pay for: the engine, the composer's
    # caches, the explanation model's serializer and the templates.
    for each in sites.values():
        each.explain_json({})
        each.localized(each.explain_page)({})
        each.localized(each.views.start)()
    app = FastAPI(
        title="Breast cancer treatment explainer", version=__version__,
        description="Education, not medical advice. Explains which broad kinds of breast "
                    "cancer treatment are often discussed for a set of factors, and why, "
                    "with the source of every statement. Nothing sent is stored or logged.",
        docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    add_page_routes(app, site, sites, default if default in sites else site.language)
    add_api_routes(app, site)
    add_error_handlers(app, site)
    app.state.site = site
    app.state.sites = sites
    return app


def build(knowledge: str | Path | None = None) -> Guard:
    """The application as served (and as the tests use it): :class:`Guard` around
    :func:`create_app`."""
    app = create_app(knowledge)
    return Guard(app, app.state.site)


def from_environment() -> Guard:
    """The application for uvicorn's worker processes (``--knowledge`` via the environment)."""
    return build(os.environ.get(KNOWLEDGE_ENV) or None)


__all__ = ["KNOWLEDGE_ENV", "MAX_BODY_BYTES", "Guard", "build", "create_app", "from_environment"]

"""The routes of the web page: plain HTML forms, each answered by the shared Site."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles

from explainer.web.forms import LANG_FIELD, parse_form
from explainer.web.guard import read_body
from explainer.web.site import Site


def preferred_language(header: str, offered: Sequence[str], default: str = "en") -> str:
    """The language of ``offered`` an ``Accept-Language`` header prefers (by its q-values),
    or ``default``. Only the primary tag counts: ``es-MX`` and ``es-419`` are ``es``."""
    choices = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        choices.append((-weight, position, tag.strip().split("-")[0].lower()))
    for weight, _, code in sorted(choices):
        if weight < 0 and code in offered:
            return code
    return default


# Over 60 lines on purpose: every route is a closure over this app's sites and the choice of
# language among them; apart, each would take the same four values.
def add_page_routes(app: FastAPI, site: Site, sites: Mapping[str, Site] | None = None,
                    default: str | None = None) -> None:
    """The start form, the result, report, change and what-if pages, the stylesheet and the API
    docs.

    ``sites`` holds one :class:`Site` per language (``site``'s alone without it). A page is in
    the language its form carries (``lang``, every form has it), else the one of the address
    (``/?lang=es``, the language link), else the browser's first choice (``Accept-Language``,
    for the first visit), else ``default`` (``explainer serve --lang``; English)."""
    by_language: Mapping[str, Site] = sites or {site.language: site}

    def chosen(request: Request, fields: dict[str, list[str]] | None = None) -> Site:
        sent = (fields or {}).pop(LANG_FIELD, [])
        wanted = (sent[-1] if sent else None) or request.query_params.get(LANG_FIELD)
        if wanted not in by_language:
            wanted = preferred_language(request.headers.get("accept-language", ""),
                                        list(by_language), default or site.language)
        return by_language.get(wanted or "", site)

    def form_page(page_of: Callable[[Site, dict[str, list[str]]], tuple[int, str]]
                  ) -> Callable[[Request], Awaitable[HTMLResponse]]:
        """The route of a page a form posts to, answered by ``page_of`` with the site of the
        form's language."""

        async def route(request: Request) -> HTMLResponse:
            fields = parse_form(await read_body(request.receive))
            chosen_site = chosen(request, fields)
            status, text = await run_in_threadpool(chosen_site.localized(page_of), chosen_site,
                                                   fields)
            return HTMLResponse(text, status_code=status)

        return route

    # Pages answer HEAD too (link checkers, curl -I); uvicorn sends no body for it.
    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def start(request: Request) -> HTMLResponse:
        chosen_site = chosen(request)
        # ?reader=caregiver words the form for someone who cares for the person with cancer.
        reader = request.query_params.get("reader")
        status, text = await run_in_threadpool(
            chosen_site.localized(chosen_site.start_page), reader)
        return HTMLResponse(text, status_code=status,
                            headers={"Content-Language": chosen_site.language,
                                     "Vary": "Accept-Language"})

    # The pages a form posts to, each named (as a route) after the Site method that answers it.
    for path, page_of in (("/explain", Site.explain_page), ("/report", Site.report_page),
                          ("/change", Site.change_page), ("/what-if", Site.what_if_page)):
        app.post(path, include_in_schema=False, name=page_of.__name__)(form_page(page_of))

    @app.api_route("/static/handout.css", methods=["GET", "HEAD"], include_in_schema=False)
    def handout_css(request: Request) -> Response:
        wanted = by_language.get(request.query_params.get(LANG_FIELD) or "", site)
        return Response(wanted.handout_css, media_type="text/css; charset=utf-8")

    app.mount("/static", StaticFiles(packages=[("explainer.web", "static")]), name="static")

    @app.api_route("/docs", methods=["GET", "HEAD"], include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        from explainer.web.api import examples

        base = str(request.base_url).rstrip("/")
        return HTMLResponse(site.views.docs(app.openapi(), examples(base)))

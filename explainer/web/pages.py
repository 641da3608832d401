"""The routes of the web page: plain HTML forms, each answered by the shared Site."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

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

    async def form_fields(request: Request) -> dict[str, list[str]]:
        return parse_form(await read_body(request.receive))

    async def answer(request: Request, work: Callable[[Site], Callable[..., tuple[int, str]]]
                     ) -> HTMLResponse:
        fields = await form_fields(request)
        chosen_site = chosen(request, fields)
        return page(await run_in_threadpool(chosen_site.localized(work(chosen_site)), fields))

    def page(status_and_html: tuple[int, str]) -> HTMLResponse:
        status, text = status_and_html
        return HTMLResponse(text, status_code=status)

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

    @app.post("/explain", include_in_schema=False)
    async def explain_page(request: Request) -> HTMLResponse:
        return await answer(request, lambda chosen_site: chosen_site.explain_page)

    @app.post("/report", include_in_schema=False)
    async def report_page(request: Request) -> HTMLResponse:
        return await answer(request, lambda chosen_site: chosen_site.report_page)

    @app.post("/change", include_in_schema=False)
    async def change_page(request: Request) -> HTMLResponse:
        return await answer(request, lambda chosen_site: chosen_site.change_page)

    @app.post("/what-if", include_in_schema=False)
    async def what_if_page(request: Request) -> HTMLResponse:
        return await answer(request, lambda chosen_site: chosen_site.what_if_page)

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

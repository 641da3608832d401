"""The routes of the web page: plain HTML forms, each answered by the shared Site."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles

from explainer.web.forms import parse_form
from explainer.web.guard import read_body
from explainer.web.site import Site


def add_page_routes(app: FastAPI, site: Site) -> None:
    """The start form, the result, report, change and what-if pages, the stylesheet and the
    API docs."""

    async def form_fields(request: Request) -> dict[str, list[str]]:
        return parse_form(await read_body(request.receive))

    def page(status_and_html: tuple[int, str]) -> HTMLResponse:
        status, text = status_and_html
        return HTMLResponse(text, status_code=status)

    # Pages answer HEAD too (link checkers, curl -I); uvicorn sends no body for it.
    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def start(request: Request) -> HTMLResponse:
        # ?reader=caregiver words the form for someone who cares for the person with cancer.
        reader = request.query_params.get("reader")
        return page(await run_in_threadpool(site.start_page, reader))

    @app.post("/explain", include_in_schema=False)
    async def explain_page(request: Request) -> HTMLResponse:
        return page(await run_in_threadpool(site.explain_page, await form_fields(request)))

    @app.post("/report", include_in_schema=False)
    async def report_page(request: Request) -> HTMLResponse:
        return page(await run_in_threadpool(site.report_page, await form_fields(request)))

    @app.post("/change", include_in_schema=False)
    async def change_page(request: Request) -> HTMLResponse:
        return page(await run_in_threadpool(site.change_page, await form_fields(request)))

    @app.post("/what-if", include_in_schema=False)
    async def what_if_page(request: Request) -> HTMLResponse:
        return page(await run_in_threadpool(site.what_if_page, await form_fields(request)))

    @app.api_route("/static/handout.css", methods=["GET", "HEAD"], include_in_schema=False)
    def handout_css() -> Response:
        return Response(site.handout_css, media_type="text/css; charset=utf-8")

    app.mount("/static", StaticFiles(packages=[("explainer.web", "static")]), name="static")

    @app.api_route("/docs", methods=["GET", "HEAD"], include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        from explainer.web.api import examples

        base = str(request.base_url).rstrip("/")
        return HTMLResponse(site.views.docs(app.openapi(), examples(base)))

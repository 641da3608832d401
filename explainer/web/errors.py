"""What the web application answers for errors: a JSON ``detail`` on the API, a page
elsewhere; never a traceback or an error's message that could repeat what was entered."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from explainer.web import views as pages
from explainer.web.guard import (
    CALLER_ERRORS,
    JSON,
    BodyTooLarge,
    UnsupportedMediaType,
    api_error,
    is_api,
    json_error,
)
from explainer.web.site import Site


def add_error_handlers(app: FastAPI, site: Site) -> None:
    """Handlers for HTTP errors (404, 405), the caller's errors, and anything unexpected."""
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers or {})
        if is_api(request.url.path):
            detail = {404: "no such endpoint; see /docs",
                      405: f"method {request.method} is not allowed here"}.get(
                error.status_code, str(error.detail))
            return json_error(error.status_code, detail, headers=headers)
        title, message = {404: pages.NOT_FOUND, 405: pages.METHOD_NOT_ALLOWED}.get(
            error.status_code, (str(error.detail), str(error.detail)))
        return HTMLResponse(site.views.error(title, message), status_code=error.status_code,
                            headers=headers)

    async def caller_error(request: Request, error: Exception) -> Response:
        if is_api(request.url.path):
            status, body = api_error(error)
            return Response(body, status_code=status, media_type=JSON)
        if isinstance(error, BodyTooLarge):
            return HTMLResponse(site.views.error(*pages.TOO_LARGE), status_code=413)
        status = 415 if isinstance(error, UnsupportedMediaType) else 422
        return HTMLResponse(site.views.error("Please check your answers", str(error)),
                            status_code=status)

    for kind in CALLER_ERRORS:
        app.add_exception_handler(kind, caller_error)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        # No route declares parameters FastAPI checks, but keep any such error one line.
        first = error.errors()[0] if error.errors() else {}
        field = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        return json_error(422, f"{field or 'request'}: {first.get('msg', 'invalid')}")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> Response:
        # Starlette answers with this, then re-raises to Guard, which logs the type only.
        message = "internal error; this is a bug, please report it"
        if is_api(request.url.path):
            return json_error(500, message)
        return HTMLResponse(site.views.error("Something went wrong", message), status_code=500)

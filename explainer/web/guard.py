"""The web application's outer guard and the request checks every route shares.

Privacy and safety, in one place:

* nothing entered is stored or logged: the server keeps no state between requests (the result
  page carries the profile in hidden form fields), sets no cookie, and its access log (see
  :mod:`explainer.web.server`) has the method, path and status only, never a query string or
  a body; an unexpected error is logged by its type alone, since its message could hold input;
* every response carries a strict Content-Security-Policy (scripts and styles only from this
  server, no inline code, no frames, forms post only here), ``nosniff``, ``no-referrer`` and
  frame denial, and pages are not cached (``no-store``);
* bodies are limited to :data:`MAX_BODY_BYTES`, checked on the Content-Length header before
  anything is read, and again while reading a body sent without one;
* every value printed into a page is escaped (Jinja2 autoescape);
* explanations run in the thread pool, so the event loop never waits on the engine, whose
  lock (:mod:`explainer.engine.host`) keeps durable-rules to one evaluation at a time.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import Response
from fastapi.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from explainer.errors import FieldProblem, InputError, ProfileError
from explainer.kb.jsonio import JsonReadError
from explainer.kb.jsonio import parse_json as parse_strict_json
from explainer.web import views as pages

if TYPE_CHECKING:
    from explainer.web.site import Site

MAX_BODY_BYTES = 16 * 1024
"""The largest request body accepted: a profile is a few hundred bytes, a comparison twice that."""

ACCESS_LOG = logging.getLogger("explainer.web.access")
ERROR_LOG = logging.getLogger("explainer.web.error")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)
SERVER_HEADERS = "explainer.server_headers"
"""Scope key: True when the server adds :data:`SECURITY_HEADERS` to every response itself
(see :mod:`explainer.web.protocol`)."""
NO_STORE = (b"cache-control", b"no-store")
STATIC_CACHE = (b"cache-control", b"max-age=3600")

JSON = "application/json"


def is_api(path: str) -> bool:
    """Paths that answer in JSON (errors included); everything else answers with a page."""
    return path.startswith("/api/") or path in ("/api", "/healthz", "/openapi.json")


class BodyTooLarge(Exception):
    """A request body over :data:`MAX_BODY_BYTES`."""


def json_error(status: int, detail: str, headers: Mapping[str, str] | None = None
                ) -> Response:
    return Response(json.dumps({"detail": detail}, ensure_ascii=False), status_code=status,
                    media_type=JSON, headers=dict(headers or {}))


class Guard:
    """Outermost middleware: body limit, security headers, a body-free access log, and a
    last line of defence that answers 500 without logging an error's message."""

    def __init__(self, app: ASGIApp, site: Site) -> None:
        self.app = app
        self.site = site
        self.views = site.views

    async def explain(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``POST /api/explain`` answered here, not through FastAPI's routing and middleware:
        the same checks, errors and JSON as the route, at about 0.2 ms less per request (a
        fifth of the server's time per request, measured with bench/bench_web.py). The
        FastAPI route stays for the OpenAPI description and for the app without Guard."""
        try:
            content_type = next((value.decode("latin-1") for name, value in scope["headers"]
                                 if name == b"content-type"), None)
            body = self.site.explain_json(parse_json(await read_body(receive), content_type))
            status = 200
        except CALLER_ERRORS as error:
            status, body = api_error(error)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", JSON.encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    def _error(self, path: str, status: int, title: str, message: str) -> Response:
        if is_api(path):
            return json_error(status, message)
        return HTMLResponse(self.views.error(title, message), status_code=status)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        # Under `explainer serve` uvicorn adds the security headers to every response itself
        # (its own 400s included; see explainer.web.protocol); elsewhere Guard adds them.
        server_adds_headers = bool(scope.get(SERVER_HEADERS))
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = [(name, value) for name, value in message.get("headers", [])
                           if name.lower() not in (b"set-cookie", b"cache-control")]
                if not server_adds_headers:
                    headers += SECURITY_HEADERS
                headers.append(STATIC_CACHE if path.startswith("/static/") and status == 200
                               else NO_STORE)
                message = {**message, "headers": headers}
            await send(message)

        try:
            length = next((value for name, value in scope["headers"]
                           if name == b"content-length"), None)
            if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
                too_big = length.isdigit()
                response = self._error(
                    path, 413 if too_big else 400,
                    pages.TOO_LARGE[0] if too_big else "Bad request",
                    TOO_LARGE_MESSAGE if too_big
                    else "the Content-Length header is not a number")
                await response(scope, receive, send_with_headers)
            elif path == "/api/explain" and scope["method"] == "POST":
                await self.explain(scope, receive, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        except ClientGone:
            status = 499  # logged as nginx does: the client closed the connection
        except Exception as error:
            # Its message (and a traceback's) could repeat what was entered: log the type only.
            ERROR_LOG.error("internal error (%s) on %s %s", type(error).__name__,
                            scope["method"], path)
            if not response_started:
                response = self._error(path, 500, "Something went wrong",
                                       "internal error; this is a bug, please report it")
                await response(scope, receive, send_with_headers)
        finally:
            ACCESS_LOG.info('"%s %s" %d %.1f ms', scope["method"], loggable_path(path),
                            status, (time.perf_counter() - started) * 1000)


def loggable_path(path: str) -> str:
    """``path`` as the access log shows it: percent-encoded again, so that a decoded newline
    or terminal escape (``%0a``, ``%1b``) cannot forge a log line or drive the terminal."""
    return quote(path[:2000], safe="/:@!$&'()*+,;=-._~")


async def read_body(receive: Receive) -> bytes:
    """The request body, refusing more than :data:`MAX_BODY_BYTES` (also when chunked)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class ClientGone(Exception):
    """The client closed the connection before its request body arrived."""


def parse_json(body: bytes, content_type: str | None) -> Any:
    """A JSON request body, or an :class:`InputError` saying what is wrong with it."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media and media != JSON and not media.endswith("+json"):
        raise UnsupportedMediaType(
            f"the body must be JSON sent with 'Content-Type: {JSON}', not '{media[:60]}'")
    if not body.strip():
        raise InputError("the body is empty; send a JSON object of factor: value, for example "
                         '{"stage": "IV"} ({} means every factor is unknown)')
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the body is not UTF-8 text; send JSON encoded as UTF-8") from None
    try:
        return parse_strict_json(text)
    except JsonReadError as error:
        where = (f" (line {error.line}, column {error.column}: {error.message})"
                 if error.line else f" ({error.message})")
        raise InputError(f"the body is not valid JSON{where}; send a JSON object such as "
                         '{"stage": "IV"}') from None


class UnsupportedMediaType(InputError):
    """A body that is not JSON where JSON is expected (HTTP 415)."""


TOO_LARGE_MESSAGE = (f"the request body is larger than {MAX_BODY_BYTES // 1024} KB; a profile "
                     "needs only a few hundred bytes")


def api_error(error: Exception) -> tuple[int, bytes]:
    """The JSON API's answer to an error of the caller's (status, body); every route and the
    hot path (:meth:`Guard.explain`) answer the same way."""
    problems: list[FieldProblem] | None = None
    if isinstance(error, BodyTooLarge):
        status, detail = 413, TOO_LARGE_MESSAGE
    elif isinstance(error, UnsupportedMediaType):
        status, detail = 415, str(error)
    elif isinstance(error, ProfileError):
        status, detail, problems = 422, str(error), error.problems
    elif isinstance(error, InputError):
        status, detail = 422, str(error)
    else:
        raise TypeError(f"not an error of the caller's: {type(error).__name__}")
    body: dict[str, Any] = {"detail": detail}
    if problems is not None:
        body["problems"] = [{"field": problem.field, "message": problem.message}
                            for problem in problems]
    return status, json.dumps(body, ensure_ascii=False).encode()


CALLER_ERRORS = (BodyTooLarge, InputError, ProfileError)



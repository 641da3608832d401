"""The FastAPI application: the page (plain HTML forms) and the JSON API.

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
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from explainer import __version__
from explainer.errors import FieldProblem, InputError, ProfileError
from explainer.explanation.api import Explainer, get_explainer
from explainer.explanation.compare import Comparison, apply_what_if, compare, compare_what_if
from explainer.explanation.models import Explanation
from explainer.kb.profiles import allowed_values
from explainer.render import html as handout
from explainer.web import views as pages
from explainer.web.forms import WHAT_IF_FIELD, parse_form, profile_from_form

MAX_BODY_BYTES = 16 * 1024
"""The largest request body accepted: a profile is a few hundred bytes, a comparison twice that."""

KNOWLEDGE_ENV = "EXPLAINER_WEB_KNOWLEDGE"
"""How ``explainer serve --knowledge DIR`` reaches the worker processes (see server.py)."""

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
NO_STORE = (b"cache-control", b"no-store")
STATIC_CACHE = (b"cache-control", b"max-age=3600")

JSON = "application/json"


def is_api(path: str) -> bool:
    """Paths that answer in JSON (errors included); everything else answers with a page."""
    return path.startswith("/api/") or path in ("/api", "/healthz", "/openapi.json")


class BodyTooLarge(Exception):
    """A request body over :data:`MAX_BODY_BYTES`."""


def _json_error(status: int, detail: str, headers: Mapping[str, str] | None = None
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
            return _json_error(status, message)
        return HTMLResponse(self.views.error(title, message), status_code=status)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = [(name, value) for name, value in message.get("headers", [])
                           if name.lower() not in (b"set-cookie", b"cache-control")]
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
            ACCESS_LOG.info('"%s %s" %d %.1f ms', scope["method"], path, status,
                            (time.perf_counter() - started) * 1000)


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
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"the body is not valid JSON (line {error.lineno}, column "
                         f"{error.colno}: {error.msg}); send a JSON object such as "
                         '{"stage": "IV"}') from None
    except RecursionError:
        raise InputError("the body is nested too deeply; send a flat JSON object of factor: "
                         "value") from None


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


def _prefixed(error: ProfileError, prefix: str) -> ProfileError:
    return ProfileError([FieldProblem(f"{prefix}.{problem.field}", problem.message)
                         for problem in error.problems])


def _profile_schema(explainer: Explainer) -> dict[str, Any]:
    # The same JSON Schema `explainer schema --only profile` prints, without its $schema key
    # (OpenAPI documents carry their own).
    from explainer.kb.profiles import profile_json_schema

    schema = profile_json_schema(explainer.kb.factors)
    schema.pop("$schema", None)
    return schema


class Site:
    """The routes' shared state: one explainer (one knowledge base) and its pages."""

    def __init__(self, explainer: Explainer) -> None:
        self.explainer = explainer
        self.kb = explainer.kb
        self.views = pages.Views(explainer.kb)
        self.factors_json = json.dumps(self._factors(), ensure_ascii=False).encode()
        self.categories_json = json.dumps(self._categories(), ensure_ascii=False).encode()
        self.handout_css = (handout.STYLE + "\n" + handout.page_rules("auto") + "\n").encode()

    def _factors(self) -> dict[str, Any]:
        factors = []
        for factor in self.kb.factors.values():
            item: dict[str, Any] = {
                "id": factor.id, "label": factor.label, "kind": factor.kind,
                "core": factor.core, "question": factor.question, "help": factor.help,
                "why_it_matters": factor.why_it_matters, "cli_flag": f"--{factor.cli_flag}",
                "allowed": allowed_values(factor),
                "values": [{"id": value.id, "label": value.label, "help": value.help,
                            "exclusive": value.exclusive} for value in factor.values]}
            if factor.kind == "number":
                item.update(min=factor.min, max=factor.max)
            factors.append(item)
        return {"knowledge_version": self.kb.version, "factors": factors}

    def _categories(self) -> dict[str, Any]:
        categories = [{
            "id": category.id, "name": category.name, "kind": category.kind,
            "summary": category.summary, "description": category.description,
            "side_effects": category.side_effects,
            "subtypes": [{"id": sub.id, "name": sub.name, "summary": sub.summary,
                          "description": sub.description} for sub in category.subtypes]}
            for category in self.kb.categories.values()]
        levels = [{"id": level.id, "label": level.label, "meaning": level.meaning}
                  for level in self.kb.relevance_levels.values()]
        return {"knowledge_version": self.kb.version, "categories": categories,
                "relevance_levels": levels}

    # -- pages ----------------------------------------------------------------------------

    def _problem_lines(self, error: ProfileError) -> list[tuple[str, str]]:
        lines = []
        for problem in error.problems:
            factor = self.kb.factors.get(problem.field)
            shown = (factor.label if factor is not None else pages.TEXT["what_if_label"]
                     if problem.field == WHAT_IF_FIELD else problem.field)
            lines.append((problem.field, f"{shown}: {problem.message}"))
        return lines

    def explain_page(self, fields: dict[str, list[str]]) -> tuple[int, str]:
        """The result page for a posted form (or the form again, with what is wrong)."""
        data: dict[str, Any] = {}
        try:
            data = profile_from_form(fields, self.kb.factors)
            profile = self.explainer.parse(data)
        except ProfileError as error:
            return 422, self.views.start(data, self._problem_lines(error))
        explanation = self.explainer.composer.compose(profile, self.explainer.fired(profile))
        return 200, self.views.result(explanation, profile)

    def change_page(self, fields: dict[str, list[str]]) -> tuple[int, str]:
        """The form again, filled in with the answers the result page carried."""
        data: dict[str, Any] = {}
        try:
            data = profile_from_form(fields, self.kb.factors)
            profile = self.explainer.parse(data)
        except ProfileError as error:
            return 422, self.views.start(data, self._problem_lines(error))
        return 200, self.views.start(profile.model_dump())

    def what_if_page(self, fields: dict[str, list[str]]) -> tuple[int, str]:
        """What changes if one answer were different (the what-if select)."""
        data: dict[str, Any] = {}
        try:
            data = profile_from_form(fields, self.kb.factors)
            before_profile = self.explainer.parse(data)
            chosen = fields.get(WHAT_IF_FIELD, [])
            if len(chosen) != 1:
                raise ProfileError([FieldProblem(
                    WHAT_IF_FIELD, "choose one answer to change from the list")])
            try:
                changed = apply_what_if(data, chosen, self.kb.factors)
            except InputError as error:
                raise ProfileError([FieldProblem(WHAT_IF_FIELD, str(error))]) from None
            after_profile = self.explainer.parse(changed)
        except ProfileError as error:
            return 422, self.views.start(data, self._problem_lines(error))
        before = self.explainer.composer.compose(before_profile,
                                                 self.explainer.fired(before_profile))
        after = self.explainer.composer.compose(after_profile,
                                                self.explainer.fired(after_profile))
        comparison = compare_what_if(before, after)
        return 200, self.views.comparison(comparison, before_profile, after_profile)

    # -- API ------------------------------------------------------------------------------

    def explain_json(self, data: Any) -> bytes:
        """POST /api/explain: the explanation JSON (as ``--format json``, compact)."""
        # The same bytes as explain(data).model_dump_json(), with the parts that depend only
        # on the rules that fired serialised once and reused (explainer.compose.compose_json).
        return self.explainer.explain_json(data)

    def compare_json(self, data: Any) -> bytes:
        """POST /api/compare: two profiles, or one profile and what changes."""
        if not isinstance(data, dict):
            raise ProfileError([FieldProblem("body", (
                f"expected a JSON object, got {type(data).__name__}; send {{\"before\": "
                "{...}, \"after\": {...}} or {\"profile\": {...}, \"what_if\": {...}}"))])
        keys = set(data)
        if keys == {"before", "after"}:
            before = self._explain_side(data["before"], "before")
            after = self._explain_side(data["after"], "after")
            comparison = compare(before, after)
        elif keys == {"profile", "what_if"}:
            profile, changes = data["profile"], data["what_if"]
            before = self._explain_side(profile, "profile")
            if not isinstance(changes, dict) or not changes:
                raise ProfileError([FieldProblem(
                    "what_if", "expected a JSON object with at least one factor: new value, "
                               'for example {"her2_status": "positive"}')])
            unknown = [key for key in changes if key not in self.kb.factors]
            if unknown:
                raise ProfileError([FieldProblem(
                    f"what_if.{key}", f"unknown field; known fields: {', '.join(self.kb.factors)}")
                    for key in unknown])
            merged = {**(profile or {}), **changes} if isinstance(profile, dict) else changes
            after = self._explain_side(merged, "what_if")
            comparison = compare_what_if(before, after)
        else:
            extra = sorted(keys - {"before", "after", "profile", "what_if"})
            hint = f"unknown field '{extra[0]}'; " if extra else ""
            raise ProfileError([FieldProblem("body", (
                f"{hint}send either \"before\" and \"after\" (two profiles) or \"profile\" and "
                "\"what_if\" (a profile and the factors to change)"))])
        result: Comparison = comparison
        return result.model_dump_json().encode()

    def _explain_side(self, data: Any, side: str) -> Explanation:
        try:
            return self.explainer.explain(data)
        except ProfileError as error:
            raise _prefixed(error, side) from None

    def health(self) -> dict[str, Any]:
        """GET /healthz."""
        return {"status": "ok", "version": __version__, "knowledge_version": self.kb.version,
                "rules": len(self.kb.rules)}


PROFILE_EXAMPLE = {"stage": "IV", "hr_status": "positive", "her2_status": "low",
                   "menopausal_status": "postmenopausal"}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"description": f"The body is larger than {MAX_BODY_BYTES // 1024} KB."},
    415: {"description": "The body is not sent as application/json."},
    422: {"description": "Bad input: `detail` is one line naming each bad field, its allowed "
                         "values and the likely intended one (the same message as the command "
                         "line); `problems` lists them one by one."},
}


def _examples(base: str) -> dict[str, str]:
    curl = f"curl -s -H 'Content-Type: {JSON}'"
    return {
        "post /api/explain": f"{curl} -d '{json.dumps(PROFILE_EXAMPLE)}' {base}/api/explain",
        "post /api/compare": f"{curl} -d '{json.dumps({'profile': PROFILE_EXAMPLE, 'what_if': {'her2_status': 'negative'}})}' {base}/api/compare",  # noqa: E501
        "get /api/factors": f"curl -s {base}/api/factors",
        "get /api/categories": f"curl -s {base}/api/categories",
        "get /healthz": f"curl -s {base}/healthz",
    }


def create_app(knowledge: str | Path | None = None) -> FastAPI:
    """The web application for a knowledge base (a folder, or None for the bundled one).

    The knowledge base is loaded and its engine built here, before the first request, and one
    explanation warms the caches. Raises :class:`~explainer.errors.KnowledgeBaseError` if it
    does not load.
    """
    explainer = get_explainer(knowledge)
    site = Site(explainer)
    # Warm up what the first request would otherwise pay for: the engine, the composer's
    # caches, the explanation model's serializer and the templates.
    site.explain_json({})
    site.explain_page({})
    site.views.start()
    app = FastAPI(
        title="Breast cancer treatment explainer", version=__version__,
        description="Education, not medical advice. Explains which broad kinds of breast "
                    "cancer treatment are often discussed for a set of factors, and why, "
                    "with the source of every statement. Nothing sent is stored or logged.",
        docs_url=None, redoc_url=None, openapi_url="/openapi.json")

    async def form_fields(request: Request) -> dict[str, list[str]]:
        return parse_form(await read_body(request.receive))

    def page(status_and_html: tuple[int, str]) -> HTMLResponse:
        status, text = status_and_html
        return HTMLResponse(text, status_code=status)

    # Pages answer HEAD too (link checkers, curl -I); uvicorn sends no body for it.
    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def start() -> HTMLResponse:
        return HTMLResponse(await run_in_threadpool(site.views.start))

    @app.post("/explain", include_in_schema=False)
    async def explain_page(request: Request) -> HTMLResponse:
        return page(await run_in_threadpool(site.explain_page, await form_fields(request)))

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
        base = str(request.base_url).rstrip("/")
        return HTMLResponse(site.views.docs(app.openapi(), _examples(base)))

    profile_body = {"required": True, "content": {JSON: {
        "schema": _profile_schema(explainer), "example": PROFILE_EXAMPLE}}}

    @app.post("/api/explain", operation_id="explain", summary="Explain a profile",
              description="The body is a profile: factor: value, as `explainer explain "
                          "--profile FILE` reads (any factor left out is unknown). The answer "
                          "is the explanation JSON, the same as `explainer explain --format "
                          "json`.",
              responses={200: {"model": Explanation, "description": "The explanation."},
                         **ERROR_RESPONSES},
              openapi_extra={"requestBody": profile_body})
    async def api_explain(request: Request) -> Response:
        data = parse_json(await read_body(request.receive), request.headers.get("content-type"))
        return Response(site.explain_json(data), media_type=JSON)

    compare_body = {"required": True, "content": {JSON: {"schema": {
        "oneOf": [
            {"type": "object", "additionalProperties": False, "required": ["before", "after"],
             "properties": {"before": _profile_schema(explainer),
                            "after": _profile_schema(explainer)}},
            {"type": "object", "additionalProperties": False,
             "required": ["profile", "what_if"],
             "properties": {"profile": _profile_schema(explainer),
                            "what_if": {"type": "object",
                                        "description": "factor: new value, for each factor "
                                                       "to change"}}}]},
        "example": {"profile": PROFILE_EXAMPLE, "what_if": {"her2_status": "negative"}}}}}

    @app.post("/api/compare", operation_id="compare", summary="What changes between profiles",
              description="Send two profiles (`before`, `after`), or one `profile` and "
                          "`what_if` (the factors to change). The answer is the comparison "
                          "JSON, the same as `explainer compare --format json`.",
              responses={200: {"model": Comparison, "description": "The comparison."},
                         **ERROR_RESPONSES},
              openapi_extra={"requestBody": compare_body})
    async def api_compare(request: Request) -> Response:
        data = parse_json(await read_body(request.receive), request.headers.get("content-type"))
        return Response(site.compare_json(data), media_type=JSON)

    @app.get("/api/factors", operation_id="factors", summary="The factors",
             description="Every factor of the knowledge base: its question, help text and "
                         "allowed values (each can be unknown).")
    def api_factors() -> Response:
        return Response(site.factors_json, media_type=JSON)

    @app.get("/api/categories", operation_id="categories", summary="The treatment categories",
             description="Every treatment category and kind of the knowledge base, and what "
                         "each relevance means.")
    def api_categories() -> Response:
        return Response(site.categories_json, media_type=JSON)

    @app.get("/healthz", operation_id="healthz", summary="Health check",
             description="`ok` with the versions, once the knowledge base is loaded.")
    def healthz() -> dict[str, Any]:
        return site.health()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers or {})
        if is_api(request.url.path):
            detail = {404: "no such endpoint; see /docs",
                      405: f"method {request.method} is not allowed here"}.get(
                error.status_code, str(error.detail))
            return _json_error(error.status_code, detail, headers=headers)
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
        return _json_error(422, f"{field or 'request'}: {first.get('msg', 'invalid')}")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> Response:
        # Starlette answers with this, then re-raises to Guard, which logs the type only.
        message = "internal error; this is a bug, please report it"
        if is_api(request.url.path):
            return _json_error(500, message)
        return HTMLResponse(site.views.error("Something went wrong", message), status_code=500)

    app.state.site = site
    return app


def build(knowledge: str | Path | None = None) -> Guard:
    """The application as served (and as the tests use it): :class:`Guard` around
    :func:`create_app`."""
    app = create_app(knowledge)
    return Guard(app, app.state.site)


def from_environment() -> Guard:
    """The application for uvicorn's worker processes (``--knowledge`` via the environment)."""
    return build(os.environ.get(KNOWLEDGE_ENV) or None)

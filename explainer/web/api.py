"""The routes of the JSON API, each answered by :class:`~explainer.web.site.Site`, with the
OpenAPI description of their bodies and errors."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from explainer.explanation.compare import Comparison
from explainer.explanation.models import Explanation
from explainer.web.guard import JSON, MAX_BODY_BYTES, parse_json, read_body
from explainer.web.site import Site, profile_schema

PROFILE_EXAMPLE = {"stage": "IV", "hr_status": "positive", "her2_status": "low",
                   "menopausal_status": "postmenopausal"}
REPORT_EXAMPLE = "ER 95%, PR 0%, HER2 IHC 2+, FISH not amplified, pT2 pN1a M0, grade 3"
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"description": f"The body is larger than {MAX_BODY_BYTES // 1024} KB."},
    415: {"description": "The body is not sent as application/json."},
    422: {"description": "Bad input: `detail` is one line naming each bad field, its allowed "
                         "values and the likely intended one (the same message as the command "
                         "line); `problems` lists them one by one."},
}


def examples(base: str) -> dict[str, str]:
    """Ready-to-run curl commands for each endpoint, against ``base``."""
    curl = f"curl -s -H 'Content-Type: {JSON}'"
    return {
        "post /api/explain": f"{curl} -d '{json.dumps(PROFILE_EXAMPLE)}' {base}/api/explain",
        "post /api/compare": f"{curl} -d '{json.dumps({'profile': PROFILE_EXAMPLE, 'what_if': {'her2_status': 'negative'}})}' {base}/api/compare",  # noqa: E501
        "post /api/report": f"{curl} -d '{json.dumps({'text': REPORT_EXAMPLE})}' {base}/api/report",
        "get /api/factors": f"curl -s {base}/api/factors",
        "get /api/categories": f"curl -s {base}/api/categories",
        "get /healthz": f"curl -s {base}/healthz",
    }


def post_routes(site: Site) -> dict[str, dict[str, Any]]:
    """The OpenAPI description of each POST route (summary, description, answers, body), by
    operation id: the route of ``explain`` is POST /api/explain."""
    profile_body = {"required": True, "content": {JSON: {
        "schema": profile_schema(site.explainer), "example": PROFILE_EXAMPLE}}}
    compare_body = {"required": True, "content": {JSON: {"schema": {
        "oneOf": [
            {"type": "object", "additionalProperties": False, "required": ["before", "after"],
             "properties": {"before": profile_schema(site.explainer),
                            "after": profile_schema(site.explainer)}},
            {"type": "object", "additionalProperties": False,
             "required": ["profile", "what_if"],
             "properties": {"profile": profile_schema(site.explainer),
                            "what_if": {**profile_schema(site.explainer), "minProperties": 1,
                                        "title": "What if",
                                        "description": "factor: new value, for each factor "
                                                       "to change"}}}]},
        "example": {"profile": PROFILE_EXAMPLE, "what_if": {"her2_status": "negative"}}}}}
    report_body = {"required": True, "content": {JSON: {"schema": {
        "type": "object", "additionalProperties": False, "required": ["text"],
        "properties": {"text": {"type": "string", "pattern": "^[^\\u0000]*\\S[^\\u0000]*$",
                                "description": "The words of a pathology report (not "
                                               "blank; plain text)."}}},
        "example": {"text": REPORT_EXAMPLE}}}}
    return {
        "explain": _described(
            "Explain a profile",
            "The body is a profile: factor: value, as `explainer explain --profile FILE` reads "
            "(any factor left out is unknown). The answer is the explanation JSON, the same as "
            "`explainer explain --format json`.",
            {"model": Explanation, "description": "The explanation."}, profile_body),
        "compare": _described(
            "What changes between profiles",
            "Send two profiles (`before`, `after`), or one `profile` and `what_if` (the "
            "factors to change). The answer is the comparison JSON, the same as `explainer "
            "compare --format json`.",
            {"model": Comparison, "description": "The comparison."}, compare_body),
        "report": _described(
            "Read a pathology report's words",
            "The body is `{\"text\": ...}`: the words of a pathology report. The answer is "
            "what `explainer report --format json` prints: each item found and what it means, "
            "the factors it settles (`profile`), what was not understood, and results that "
            "disagree. Nothing is kept.",
            {"description": "The reading (schema_version, disclaimer, profile, findings, "
                            "not_understood, conflicts)."}, report_body),
    }


def _described(summary: str, description: str, answer: dict[str, Any],
               body: dict[str, Any]) -> dict[str, Any]:
    """One POST route's OpenAPI description: its answer (200) with the errors every route
    shares, and its body."""
    return {"summary": summary, "description": description,
            "responses": {200: answer, **ERROR_RESPONSES},
            "openapi_extra": {"requestBody": body}}


def json_route(answer: Callable[[Any], bytes], threaded: bool
               ) -> Callable[[Request], Awaitable[Response]]:
    """A route that reads a JSON body and answers with the JSON ``answer`` writes for it, in a
    worker thread when ``threaded``."""

    async def route(request: Request) -> Response:
        data = parse_json(await read_body(request.receive), request.headers.get("content-type"))
        written = await run_in_threadpool(answer, data) if threaded else answer(data)
        return Response(written, media_type=JSON)

    return route


def add_api_routes(app: FastAPI, site: Site) -> None:
    """POST /api/explain, /api/compare and /api/report, GET /api/factors, /api/categories and
    /healthz."""
    described = post_routes(site)
    # Each POST route reads a JSON body and answers with the JSON a Site method writes for it
    # (reading a report takes longer, so it runs in a worker thread).
    for operation_id, answer, threaded in (("explain", site.explain_json, False),
                                           ("compare", site.compare_json, False),
                                           ("report", site.report_json, True)):
        app.post(f"/api/{operation_id}", operation_id=operation_id, name=f"api_{operation_id}",
                 **described[operation_id])(json_route(answer, threaded))

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

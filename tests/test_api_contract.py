"""/openapi.json is a contract: what it allows the server accepts, what it forbids the server
refuses (issue 13). Schemathesis fuzzes the live server from its own description with every
check, and the disagreements it once found are pinned here as plain cases."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_web_serve import serving

from explainer.web.app import build


@pytest.fixture(scope="module")
def client() -> Any:
    with TestClient(build(), base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


# (path, body, whether /openapi.json allows it): each one a disagreement found once, or its
# neighbour. Schemathesis (below) checks the same against the description itself.
BODIES: list[tuple[str, Any, bool]] = [
    ("/api/explain", None, False),
    ("/api/explain", [], False),
    ("/api/explain", {"stage": "IV"}, True),
    ("/api/explain", {"stage": None, "side_effect_concerns": None}, True),
    ("/api/explain", {"stage": 4}, False),
    ("/api/explain", {"stage": "iv"}, False),
    ("/api/explain", {"hr_status": ""}, False),
    ("/api/explain", {"her2_status": 0}, False),
    ("/api/explain", {"age": "58"}, False),
    ("/api/explain", {"age": 58.0}, True),
    ("/api/explain", {"age": 58.5}, False),
    ("/api/explain", {"side_effect_concerns": ["none"]}, True),
    ("/api/explain", {"side_effect_concerns": ["none", "unknown", None]}, True),
    ("/api/explain", {"side_effect_concerns": ["none", "fatigue"]}, False),
    ("/api/explain", {"side_effect_concerns": ["fatigue", "fatigue"]}, True),
    ("/api/explain", {"side_effect_concerns": "fatigue"}, False),
    ("/api/explain", {"side_effect_concerns": ["Fatigue"]}, False),
    ("/api/compare", {"profile": None, "what_if": {"stage": "IV"}}, False),
    ("/api/compare", {"profile": 5, "what_if": {"stage": "IV"}}, False),
    ("/api/compare", {"profile": {}, "what_if": {}}, False),
    ("/api/compare", {"profile": {}, "what_if": {"stage": "IV"}}, True),
    ("/api/compare", {"before": {}, "after": {"stage": "iv"}}, False),
    ("/api/compare", {"before": {"stage": "I"}, "after": {"stage": "IV"}}, True),
    ("/api/report", {"text": "ER 95%, HER2 IHC 2+"}, True),
    ("/api/report", {"text": "nothing a report would say"}, True),
    ("/api/report", {"text": "   "}, False),
    ("/api/report", {"text": "ER\u0000 95%"}, False),
    ("/api/report", {"text": 95}, False),
    ("/api/report", {"text": "ER 95%", "stage": "IV"}, False),
    ("/api/report", {}, False),
]


@pytest.mark.parametrize(("path", "body", "allowed"), BODIES)
def test_the_server_accepts_exactly_what_the_description_allows(client: Any, path: str,
                                                                body: Any,
                                                                allowed: bool) -> None:
    response = client.post(path, json=body)
    assert response.status_code == (200 if allowed else 422), (body, response.text[:300])


def test_a_near_miss_in_the_api_names_the_exact_value(client: Any) -> None:
    response = client.post("/api/explain", json={"stage": "iv", "her2_status": 0})
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "stage: 'iv' is not a value id (the API takes them exactly: 'IV'); allowed: 0, I, II, "
        "III, IV, unknown; her2_status: expected text, got a whole number (the API takes "
        "'negative'); allowed: positive, low, ultralow, negative, unknown")


@pytest.mark.skipif(shutil.which("st", path=str(Path(sys.executable).parent)) is None,
                    reason="schemathesis is in the test extra: pip install -e .[test]")
def test_schemathesis_finds_no_disagreement_with_the_live_server(tmp_path: Path) -> None:
    """`st run URL/openapi.json -c all` against `explainer serve` on loopback, bounded and
    seeded so that a run is repeatable (CI runs it with the rest of the suite)."""
    st = str(Path(sys.executable).parent / "st")
    with serving("--no-access-log") as served:
        done = subprocess.run(
            [st, "run", f"{served.url}/openapi.json", "--checks", "all", "--max-examples", "60",
             "--seed", "13", "--generation-deterministic", "--no-color", "--workers", "1",
             "--phases", "examples,coverage,fuzzing"],
            capture_output=True, text=True, timeout=900, check=False,
            cwd=tmp_path)  # its own files (.schemathesis/) stay out of the checkout
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "passed" in done.stdout

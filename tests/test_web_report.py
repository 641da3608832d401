"""The web page's "From my report" box and POST /api/report, through Starlette's TestClient:
the box fills the form and shows the findings beside it, the result marks the answers read from
the report, nothing is logged, and the body limit and bad input get clear 4xx answers."""

from __future__ import annotations

import json
import logging
import re

import pytest

pytest.importorskip("fastapi", reason="the web extra is needed: pip install -e .[web]")

from starlette.testclient import TestClient

from explainer.web.app import MAX_BODY_BYTES

EXAMPLE = "ER 95%, PR 0%, HER2 IHC 2+, FISH not amplified, pT2 pN1a M0, grade 3"
SECRET = "zqxsecretreport"


def _checked(page: str) -> dict[str, str]:
    """The radio buttons checked on a page: field name -> value."""
    found = {}
    for tag in re.findall(r"<input [^>]*>", page):
        if 'type="radio"' in tag and " checked" in tag:
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]+)"', tag)
            assert name and value
            found[name.group(1)] = value.group(1)
    return found


def test_the_start_page_has_the_report_box_without_script(client: TestClient) -> None:
    page = client.get("/").text
    assert "From my report" in page
    assert re.search(r'<form method="post" action="/report"', page)
    assert re.search(r'<textarea id="report-text" name="report"', page)
    assert '<label for="report-text">' in page
    assert "report-findings" not in page  # nothing read yet


def test_the_box_fills_the_form_and_shows_the_findings_beside_it(client: TestClient) -> None:
    response = client.post("/report", data={"report": EXAMPLE})
    assert response.status_code == 200
    page = response.text
    checked = _checked(page)
    assert checked["stage"] == "II"
    assert checked["hr_status"] == "positive"
    assert checked["her2_status"] == "low"
    assert checked["menopausal_status"] == "unknown"  # not in a report: left as not known
    # The findings, in plain words, with their sources, beside the form.
    findings = page[page.index('<aside class="report-findings"'):page.index("</aside>")]
    for words in ("HR-positive", "HER2-low", "Lymph nodes positive", "IIB",
                  "ASCO/CAP 2018 (affirmed 2023)", "AJCC 8th edition", "Grade 3"):
        assert words in findings, words
    assert "&ldquo;pT2 pN1a M0" in findings or "pT2" in findings
    assert "not medical advice" in findings
    # The words stay in the box (to edit), and the filled answers travel as hidden fields.
    assert "HER2 IHC 2+, FISH not amplified" in page[page.index("<textarea"):]
    assert '<input type="hidden" name="from_report__her2_status" value="low">' in page
    assert "Answers filled in from your report: Stage of the cancer" in page
    # Both disclaimers of the site are still first and last.
    assert page.count("Please talk with your doctor about your own case.") == 2


def test_the_result_marks_the_answers_from_the_report(client: TestClient) -> None:
    form = {"stage": "II", "menopausal_status": "postmenopausal", "hr_status": "positive",
            "her2_status": "positive", "general_health": "unknown", "brca_mutation": "unknown",
            "age__known": "unknown",
            "from_report__stage": "II", "from_report__hr_status": "positive",
            "from_report__her2_status": "low"}
    page = client.post("/explain", data=form).text
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Stage II (early) (from your report)" in text
    # Stage and HR are marked; the person changed HER2 to positive, so that answer is theirs.
    # What was entered is one compact list, an item per factor.
    rows = re.findall(r"<li[^>]*>(.*?)</li>", page, re.DOTALL)
    marked = [re.sub(r"<[^>]+>", " ", row) for row in rows if "(from your report)" in row]
    assert len(marked) == 2
    assert any("Stage II (early) (from your report)" in row for row in marked)
    assert any("Hormone receptor" in row for row in marked)
    assert not any("HER2-positive (from your report)" in row for row in marked)


def test_a_report_with_a_conflict_fills_nothing_for_that_factor(client: TestClient) -> None:
    page = client.post("/report", data={"report": "HER2 IHC 3+. HER2 FISH not amplified."}).text
    assert _checked(page)["her2_status"] == "unknown"
    assert "Results that disagree" in page
    assert "No answers could be filled in" in page


def test_an_empty_box_is_a_422_with_the_form(client: TestClient) -> None:
    response = client.post("/report", data={"report": "   "})
    assert response.status_code == 422
    assert "Paste some words from your report first." in response.text


def test_a_report_over_the_body_limit_is_refused(client: TestClient) -> None:
    response = client.post("/report", data={"report": "ER 95% " * (MAX_BODY_BYTES // 6)})
    assert response.status_code == 413


def test_the_words_are_escaped(client: TestClient) -> None:
    page = client.post("/report", data={"report": "<script>alert(1)</script> ER 95%"}).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_api_report_returns_the_report_json(client: TestClient) -> None:
    response = client.post("/api/report", json={"text": EXAMPLE})
    assert response.status_code == 200
    data = response.json()
    assert list(data) == ["schema_version", "disclaimer", "profile", "findings",
                          "not_understood", "conflicts"]
    assert data["profile"] == {"stage": "II", "hr_status": "positive", "her2_status": "low",
                               "nodes": "positive"}
    stage = [finding for finding in data["findings"] if finding["item"] == "stage"]
    assert stage and "IIB" in json.dumps(stage)


@pytest.mark.parametrize("body", [{"text": ""}, {"text": 3}, {"words": EXAMPLE}, [EXAMPLE],
                                  {"text": EXAMPLE, "extra": 1}])
def test_api_report_bad_input_is_a_422_with_one_line(client: TestClient, body: object) -> None:
    response = client.post("/api/report", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and "text" in detail


def test_api_report_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/report" in spec["paths"]
    assert "/api/report" in client.get("/docs").text


def test_nothing_from_the_report_is_logged(client: TestClient,
                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client.post("/report", data={"report": f"ER 95% {SECRET}"})
    client.post("/api/report", json={"text": f"HER2 3+ {SECRET}"})
    assert not any(SECRET in record.getMessage() for record in caplog.records)

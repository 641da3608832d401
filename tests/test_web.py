"""The web page and JSON API, called in-process with Starlette's TestClient.

Every endpoint, every kind of bad input, the body limit, the security headers, 404/405, the
page's content against the shared layout, escaping, and that nothing entered reaches the log.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any, ClassVar

import pytest
from conftest import CliResult

pytest.importorskip("fastapi", reason="the web extra is needed: pip install -e .[web]")
pytest.importorskip("httpx2", reason="the test extra is needed: pip install -e .[test]")

from starlette.testclient import TestClient

from explainer import Explainer
from explainer.explanation.compare import compare, compare_what_if
from explainer.render.layout import build_document
from explainer.web.app import MAX_BODY_BYTES, Guard

Cli = Callable[..., CliResult]

MIXED_FORM: dict[str, Any] = {  # known and "I don't know" answers, as the browser posts them
    "stage": "IV", "menopausal_status": "unknown", "age__known": "known", "age": "58",
    "hr_status": "positive", "her2_status": "low", "general_health": "unknown",
    "brca_mutation": "unknown", "side_effect_concerns": ["fatigue", "daily_life"]}
MIXED_PROFILE: dict[str, Any] = {
    "stage": "IV", "age": 58, "hr_status": "positive", "her2_status": "low",
    "side_effect_concerns": ["fatigue", "daily_life"]}
SECRET = "zqxsecretvalue"


class _Page(HTMLParser):
    """The parts of a page the tests look at: visible text, tags and their attributes."""

    # A term's meaning in place and its number are not part of the sentence.
    SKIPPED: ClassVar[frozenset[str]] = frozenset({"tip", "mark"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.script_text: list[str] = []
        self._skip_depth: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        classes = set(values.get("class", "").split())
        if self._skip_depth or tag == "title" or classes & self.SKIPPED:
            self._skip_depth.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            self._skip_depth.pop()
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text.append(data)
        elif not self._skip_depth:
            self.text.append(data)

    def visible(self) -> str:
        return " ".join("".join(self.text).split())


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def _norm(text: str) -> str:
    return " ".join(text.split())


# -- the page ---------------------------------------------------------------------------


def test_start_page_asks_every_factor_with_help_and_i_dont_know(client: TestClient,
                                                                explainer: Explainer) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = parse(response.text)
    text = page.visible()
    assert '<html lang="en">' in response.text
    disclaimer = _norm(explainer.kb.disclaimer.disclaimer)
    assert text.count(disclaimer) == 2  # first and last
    inputs = [attrs for tag, attrs in page.tags if tag == "input"]
    labels = {attrs.get("for") for tag, attrs in page.tags if tag == "label"}
    for factor in explainer.kb.factors.values():
        assert _norm(factor.question) in text
        assert _norm(factor.help) in text
        names = {attrs["name"] for attrs in inputs}
        if factor.kind == "number":
            unknown = [a for a in inputs if a["name"] == f"{factor.id}__known"
                       and a["value"] == "unknown"]
        else:
            assert factor.id in names
            unknown = [a for a in inputs if a["name"] == factor.id and a["value"] == "unknown"]
        assert len(unknown) == 1, factor.id
        # "I don't know" is the answer until the person picks another one.
        assert "checked" in unknown[0], factor.id
        for value in factor.values:
            if value.id != "unknown":
                assert _norm(value.label) in text
    # Every field has a label (hidden ones, like the page's language, are not fields a person
    # fills in); every group is a fieldset with a legend.
    for attrs in inputs:
        if attrs.get("type") == "hidden":
            continue
        assert attrs["id"] in labels, attrs
    fieldsets = [attrs for tag, attrs in page.tags if tag == "fieldset"]
    legends = [tag for tag, _ in page.tags if tag == "legend"]
    assert len(fieldsets) == len(legends) == len(explainer.kb.factors)


def _sections(page: str) -> dict[str, str]:
    """Each section of a result page by its heading: the visible text under it."""
    found: dict[str, str] = {}
    for match in re.finditer(r'<section class="([\w -]+)"[^>]*>\s*<h2[^>]*>(.*?)</h2>(.*?)'
                             r"</section>", page, re.S):
        found[html.unescape(match.group(2))] = parse(match.group(3)).visible()
    return found


def test_result_page_has_the_same_content_as_the_cli(client: TestClient,
                                                     explainer: Explainer) -> None:
    response = client.post("/explain", data=MIXED_FORM)
    assert response.status_code == 200, response.text[:500]
    explanation = explainer.explain(MIXED_PROFILE)
    document = build_document(explanation, "patient")
    page = parse(response.text)
    text = page.visible()
    # The disclaimer first and last.
    disclaimer = _norm(explanation.disclaimer)
    assert text.startswith(f"Skip to the main content Breast cancer treatment explainer "
                           "En español "
                           f"Important: {disclaimer}")
    assert text.endswith(disclaimer)
    # Every line of the shared layout is on the page (what the CLI prints, too).
    sections = _sections(response.text)
    for section in document.sections:
        assert section.title in sections, section.title
        body = sections[section.title]
        if section.intro:
            assert _norm(section.intro) in body
        for entry in section.entries:
            if not entry.bare:
                assert _norm(entry.title) in body, entry.title
            for line in entry.lines:
                assert _norm(line.text) in body, line.text
            for child in entry.children:
                assert _norm(child.title) in body
                for line in child.lines:
                    assert _norm(line.text) in body, line.text
        if section.table is not None:
            for row in section.table.rows:
                for cell in row:
                    assert _norm(cell) in body, cell
    # Categories under the heading of their relevance.
    headings = {"often_discussed": "Usually part of the talk",
                "may_be_discussed": "Sometimes part of the talk",
                "less_likely": "Not usually used for results like these, and why",
                "needs_more_information": "Can't say yet"}
    for category in explanation.categories:
        assert category.name in sections[headings[category.relevance]]
        for other, heading in headings.items():
            if other != category.relevance and heading in sections:
                assert f"{category.name} (" not in sections[heading]
    # What was entered, known and not known.
    entered = sections["What you entered"]
    assert "Stage IV (metastatic)" in entered and "58" in entered and "HER2-low" in entered
    unknown = sections["Not known yet, and what it could change"]
    assert "Periods and menopause" in unknown and "General health" in unknown


def test_glossary_terms_are_explained_in_place(client: TestClient, explainer: Explainer) -> None:
    response = client.post("/explain", data=MIXED_FORM)
    explanation = explainer.explain(MIXED_PROFILE)
    definitions = {entry.term: entry.definition for entry in explanation.glossary}
    marks = re.findall(r'<a href="#term-(\d+)" aria-label="\1: what &#34;([^"]+?)&#34; means[^>]*'
                       r'aria-describedby="tip-\1">\1</a></sup><span class="tip" '
                       r'role="tooltip" id="tip-\1"><strong>([^<]+):</strong> ([^<]+)</span>',
                       response.text)
    assert len(marks) >= 5
    for number, label_term, shown_term, meaning in marks:
        term = html.unescape(label_term)
        assert html.unescape(shown_term) == term
        assert html.unescape(meaning) == definitions[term]
        # The number leads to the term in "Words used here".
        assert f'<dt id="term-{number}"><span class="num">{number}</span>' in response.text
    # A category's name is the summary of a <details>, where no link may go: its terms carry
    # their number and meaning (title) without a link.
    plain = re.findall(r'<span class="term" title="([^"]+)">([^<]+)</span>'
                       r'<sup class="mark plain">(\d+)</sup>', response.text)
    assert plain
    for meaning, _shown, _number in plain:
        assert html.unescape(meaning) in definitions.values()
    numbers = [int(number) for number in re.findall(
        r'<sup class="mark(?: plain)?">(?:<a [^>]*>)?(\d+)<', response.text)]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) == len(marks) + len(plain)


def test_result_page_order_and_nothing_chosen_in_the_what_if(client: TestClient) -> None:
    page = client.post("/explain", data=MIXED_FORM).text
    # The answer comes first: what was entered, at a glance, the categories (collapsed), the
    # questions; the what-if form only after them.
    order = [page.index(marker) for marker in (
        '<section class="entered compact"', '<section class="glance"',
        '<details class="entry often_discussed">', '<section class="questions"',
        '<section class="what-if')]
    assert order == sorted(order)
    assert "<details class=\"entry\" open" not in page and " open>" not in page
    select = page[page.index('<select id="what-if-select"'):page.index("</select>")]
    assert " required" in select.split(">", 1)[0]
    options = re.findall(r"<option ([^>]*)>", select)
    assert options[0] == 'value=""'
    assert not any("selected" in option for option in options)


def test_what_if_page_shows_what_changes(client: TestClient, explainer: Explainer) -> None:
    form = {**MIXED_FORM, "what_if": "her2_status=negative"}
    response = client.post("/what-if", data=form)
    assert response.status_code == 200, response.text[:500]
    before = explainer.explain(MIXED_PROFILE)
    after = explainer.explain({**MIXED_PROFILE, "her2_status": "negative"})
    comparison = compare_what_if(before, after)
    assert comparison.changes
    text = parse(response.text).visible()
    assert "HER2-low → HER2-negative (HER2-zero)" in text
    for change in comparison.changes:
        assert change.name in text
        assert f"{change.before_label} → {change.after_label}" in text
    for question in comparison.questions_added:
        assert _norm(question) in text
    assert _norm(comparison.unchanged_summary) in text
    assert text.count(_norm(before.disclaimer)) == 2
    # Ways on: the full explanation with the change, or back, carry the profiles in the form.
    assert 'name="her2_status" value="negative"' in response.text
    assert 'name="her2_status" value="low"' in response.text


def test_change_my_answers_fills_the_form_in(client: TestClient) -> None:
    response = client.post("/change", data=MIXED_FORM)
    assert response.status_code == 200
    for name, value in (("stage", "IV"), ("hr_status", "positive"), ("her2_status", "low"),
                        ("menopausal_status", "unknown"), ("side_effect_concerns", "fatigue")):
        assert re.search(rf'name="{name}" value="{value}" checked', response.text), name
    assert 'id="age" name="age" value="58"' in response.text
    assert 'name="side_effect_concerns" value="unknown" checked' not in response.text


@pytest.mark.parametrize(("form", "message"), [
    ({"stage": "IV", "age": "200"}, "Age: 200 is out of range"),
    ({"stage": "IV", "age__known": "known", "age": ""}, "Age: type a whole number from 1 to "
                                                        "120"),
    ({"stage": ["IV", "II"]}, "Stage of the cancer: choose one answer, not several"),
    ({"stage": "V"}, "Stage of the cancer: &#39;V&#39; is not allowed (did you mean "
                     "&#39;IV&#39;?)"),
    ({"side_effect_concerns": ["none", "fatigue"]}, "&#39;none&#39; cannot be combined"),
    ({"favourite_colour": "blue"}, "favourite_colour: unknown field"),
])
def test_form_errors_show_the_form_again_with_the_problem(client: TestClient,
                                                          form: dict[str, Any],
                                                          message: str) -> None:
    response = client.post("/explain", data=form)
    assert response.status_code == 422
    assert "Please check your answers" in response.text
    assert message in response.text
    assert '<form method="post" action="/explain"' in response.text


def test_what_if_errors(client: TestClient) -> None:
    assert client.post("/what-if", data={"stage": "IV"}).status_code == 422
    # The select's first choice is empty (nothing chosen yet; the browser asks for a choice).
    response = client.post("/what-if", data={"stage": "IV", "what_if": ""})
    assert response.status_code == 422
    assert "Change one answer: choose one answer to change from the list" in parse(
        response.text).visible()
    response = client.post("/what-if", data={"stage": "IV", "what_if": "colour=blue"})
    assert response.status_code == 422 and "is not a factor" in response.text
    response = client.post("/what-if", data={"stage": "IV", "what_if": "stage=VI"})
    assert response.status_code == 422 and "&#39;VI&#39; is not allowed" in response.text


def test_every_value_printed_is_escaped(client: TestClient) -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    for path, form in (("/explain", {"stage": attack}),
                       ("/explain", {attack: "IV"}),
                       ("/change", {"stage": attack}),
                       ("/what-if", {"stage": "IV", "what_if": f"stage={attack}"})):
        response = client.post(path, data=form)
        assert response.status_code == 422
        assert "<script>alert" not in response.text and "<img src=x" not in response.text
        assert "&lt;script&gt;" in response.text or "&lt;script" in response.text


def test_pages_have_no_inline_script_or_style_and_load_only_local_files(
        client: TestClient) -> None:
    pages = [client.get("/"), client.post("/explain", data=MIXED_FORM),
             client.post("/what-if", data={**MIXED_FORM, "what_if": "stage=II"}),
             client.get("/docs"), client.get("/nowhere"), client.post("/explain", data={
                 "stage": "V"})]
    for response in pages:
        page = parse(response.text)
        assert not "".join(page.script_text).strip(), response.url
        for tag, attrs in page.tags:
            assert tag != "style" and "style" not in attrs, (response.url, tag)
            assert not any(name.startswith("on") for name in attrs), (response.url, tag)
            if tag == "script":
                assert attrs["src"].startswith("/static/")
            if tag in ("link", "img", "iframe", "source", "audio", "video", "embed", "object"):
                assert (attrs.get("href") or attrs.get("src", "")).startswith("/static/"), tag
            if tag == "form":
                assert attrs["action"].startswith("/")
            if tag == "a":
                href = attrs["href"]
                # Only the cited sources link away, and only when a person follows them.
                assert href.startswith(("/", "#", "https://www.", "https://ascopubs.org/")), href
    for asset in ("/static/web.css", "/static/handout.css", "/static/web.js",
                  "/static/icon.svg"):
        response = client.get(asset)
        assert response.status_code == 200
        content = response.text.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "http://" not in content and "https://" not in content
        assert "@import" not in response.text and "url(" not in response.text


# -- the JSON API -----------------------------------------------------------------------


def test_api_explain_is_the_cli_json(client: TestClient, cli: Cli) -> None:
    response = client.post("/api/explain", json=MIXED_PROFILE)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    result = cli("explain", "--stage", "IV", "--age", "58", "--hr", "positive", "--her2", "low",
                 "--concerns", "fatigue,daily_life", "--format", "json")
    assert result.code == 0
    assert response.json() == json.loads(result.out)
    assert response.json()["schema_version"] == 1


def test_api_explain_empty_object_means_all_unknown(client: TestClient,
                                                   explainer: Explainer) -> None:
    response = client.post("/api/explain", json={})
    assert response.json() == json.loads(explainer.explain({}).model_dump_json())


@pytest.mark.parametrize(("body", "cli_args"), [
    ({"stage": "V"}, ["--stage", "V"]),
    ({"her2_status": "postive"}, ["--her2", "postive"]),
    ({"age": 200}, ["--age", "200"]),
    ({"side_effect_concerns": ["none", "fatigue"]}, ["--concerns", "none,fatigue"]),
])
def test_api_errors_are_the_cli_messages(client: TestClient, cli: Cli, body: dict[str, Any],
                                         cli_args: list[str]) -> None:
    response = client.post("/api/explain", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    result = cli("explain", *cli_args)
    assert result.code == 2
    assert result.err.strip() == f"explainer: error: {detail}"
    assert response.json()["problems"][0]["field"] == next(iter(body))


@pytest.mark.parametrize(("content", "headers", "status", "expected"), [
    (b'{"stage": "IV", "hr": "positive"}', {}, 422, "hr: unknown field (did you mean "
                                                    "'hr_status'?)"),
    (b'{"stage": ["IV"]}', {}, 422, "stage: expected text, got a list"),
    (b'{"stage": true}', {}, 422, "stage: expected text, got true/false"),
    (b'{"age": "old"}', {}, 422, "age: 'old' is not a whole number"),
    (b'{"age": 4.5}', {}, 422, "age: expected a whole number, got a number"),
    (b'["stage", "IV"]', {}, 422, "profile: expected a mapping of factor: value, got a list"),
    (b'"IV"', {}, 422, "profile: expected a mapping of factor: value, got text"),
    (b"null", {}, 422, "profile: expected a mapping of factor: value, got nothing (null); "
                       "send {} when every factor is unknown"),
    (b'{"stage": "IV"', {}, 422, "the body is not valid JSON (line 1, column 15"),
    (b"", {}, 422, "the body is empty"),
    (b"\xff\xfe{}", {}, 422, "the body is not UTF-8 text"),
    (b"[" * 5000 + b"]" * 5000, {}, 422, "nested too deeply"),
    (b'{"stage": "IV"}', {"content-type": "text/plain"}, 415, "Content-Type: application/json"),
    (b"stage=IV", {"content-type": "application/x-www-form-urlencoded"}, 415, "must be JSON"),
    (json.dumps({f"f{i}": 1 for i in range(41)}).encode(), {}, 422,
     "profile: has 41 fields; at most 40"),
])
def test_api_explain_bad_input(client: TestClient, content: bytes, headers: dict[str, str],
                               status: int, expected: str | None) -> None:
    response = client.post("/api/explain", content=content,
                           headers={"content-type": "application/json", **headers})
    assert response.status_code == status, response.text
    if expected is not None:
        detail = response.json()["detail"]
        assert expected in detail
        assert "\n" not in detail and "Traceback" not in detail


def test_api_compare_two_profiles_and_what_if(client: TestClient, explainer: Explainer) -> None:
    before = {"stage": "II", "hr_status": "positive", "her2_status": "negative"}
    after = {"stage": "II", "hr_status": "positive", "her2_status": "positive"}
    response = client.post("/api/compare", json={"before": before, "after": after})
    assert response.status_code == 200
    expected = compare(explainer.explain(before), explainer.explain(after))
    assert response.json() == json.loads(expected.model_dump_json())
    assert {change["id"] for change in response.json()["changes"]} >= {"chemotherapy",
                                                                      "her2_targeted_therapy"}
    response = client.post("/api/compare", json={"profile": before,
                                                  "what_if": {"her2_status": "positive"}})
    expected = compare_what_if(explainer.explain(before), explainer.explain(after))
    assert response.json() == json.loads(expected.model_dump_json())
    assert response.json()["what_if"] is True


@pytest.mark.parametrize(("body", "expected"), [
    ({"before": {"stage": "V"}, "after": {}}, "before.stage: 'V' is not allowed"),
    ({"before": {}, "after": {"hr_status": "maybe"}}, "after.hr_status: 'maybe' is not "
                                                      "allowed"),
    ({"profile": {}, "what_if": {"colour": "blue"}}, "what_if.colour: unknown field"),
    ({"profile": {}, "what_if": {"stage": "VI"}}, "what_if.stage: 'VI' is not allowed"),
    ({"profile": {}, "what_if": {}}, "what_if: expected a JSON object with at least one"),
    ({"profile": {}, "what_if": ["stage=IV"]}, "what_if: expected a JSON object"),
    ({"before": {}}, "body: send either"),
    ({"before": {}, "after": {}, "extra": 1}, "body: unknown field 'extra'"),
    ([1, 2], "body: expected a JSON object, got a list"),
])
def test_api_compare_bad_input(client: TestClient, body: Any, expected: str) -> None:
    response = client.post("/api/compare", json=body)
    assert response.status_code == 422
    assert expected in response.json()["detail"]


def test_api_factors_and_categories_come_from_the_knowledge_base(
        client: TestClient, explainer: Explainer) -> None:
    factors = client.get("/api/factors").json()
    assert [factor["id"] for factor in factors["factors"]] == list(explainer.kb.factors)
    stage = factors["factors"][0]
    assert stage["question"] == explainer.kb.factors["stage"].question
    assert "unknown" in [value["id"] for value in stage["values"]]
    age = next(factor for factor in factors["factors"] if factor["id"] == "age")
    assert (age["min"], age["max"]) == (1, 120)
    categories = client.get("/api/categories").json()
    assert [category["id"] for category in categories["categories"]] == [
        "surgery", "radiation_therapy", "chemotherapy", "hormone_therapy", "targeted_therapy",
        "immunotherapy", "tissue_agnostic_therapy", "palliative_care", "clinical_trials"]
    targeted = categories["categories"][4]
    assert [sub["id"] for sub in targeted["subtypes"]] == [
        "her2_targeted_therapy", "cdk46_inhibitors", "parp_inhibitors", "mtor_inhibitors",
        "pi3k_inhibitors", "antibody_drug_conjugates"]
    assert {level["id"] for level in categories["relevance_levels"]} == {
        "often_discussed", "may_be_discussed", "less_likely", "needs_more_information"}
    assert factors["knowledge_version"] == categories["knowledge_version"] == explainer.kb.version


def test_healthz(client: TestClient, explainer: Explainer) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["rules"] == len(explainer.kb.rules)


def test_openapi_and_local_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {"/api/explain", "/api/compare", "/api/report",
                                    "/api/factors", "/api/categories", "/healthz"}
    explain = schema["paths"]["/api/explain"]["post"]
    body = explain["requestBody"]["content"]["application/json"]["schema"]
    # null means unknown, as an omitted factor does
    assert body["properties"]["stage"]["enum"] == ["0", "I", "II", "III", "IV", "unknown", None]
    assert "Explanation" in schema["components"]["schemas"]
    assert set(explain["responses"]) >= {"200", "413", "415", "422"}
    docs = client.get("/docs")
    assert docs.status_code == 200
    text = parse(docs.text).visible()
    for path in schema["paths"]:
        assert path in text
    assert "curl -s -H 'Content-Type: application/json'" in text
    assert "cdn" not in docs.text.lower() and "swagger" not in docs.text.lower()
    assert client.get("/redoc").status_code == 404


# -- limits, errors, headers ------------------------------------------------------------


def test_bodies_over_the_limit_get_413_before_being_read(client: TestClient) -> None:
    big = b'{"stage": "' + b"I" * MAX_BODY_BYTES + b'"}'
    response = client.post("/api/explain", content=big,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "larger than 16 KB" in response.json()["detail"]
    response = client.post("/explain", content=b"stage=" + b"I" * MAX_BODY_BYTES,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert "Too much data" in response.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        for _ in range(20):
            yield b" " * 1024

    response = client.post("/api/explain", content=chunks(),
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    response = client.post("/api/explain", content=b"{}",
                           headers={"content-type": "application/json",
                                    "content-length": "abc"})
    assert response.status_code == 400


def test_404_and_405_are_pages_or_json(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Page not found" in response.text and 'href="/"' in response.text
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.json() == {"detail": "no such endpoint; see /docs"}
    response = client.get("/explain")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "This address does not accept that request" in response.text
    response = client.delete("/api/explain")
    assert response.status_code == 405
    assert response.json()["detail"] == "method DELETE is not allowed here"
    response = client.post("/api/factors", json={})
    assert response.status_code == 405
    assert client.get("/static/nothing.css").status_code == 404
    for path in ("/", "/docs", "/static/handout.css", "/static/web.css"):
        response = client.head(path)
        assert response.status_code == 200 and not response.content, path


def test_security_headers_on_every_kind_of_response(client: TestClient) -> None:
    responses = [client.get("/"), client.post("/explain", data=MIXED_FORM),
                 client.post("/api/explain", json={}), client.get("/api/factors"),
                 client.get("/nowhere"), client.put("/api/explain"),
                 client.post("/api/explain", json={"stage": "V"}),
                 client.post("/api/explain", content=b"x" * (MAX_BODY_BYTES + 1)),
                 client.get("/static/web.css"), client.get("/docs"),
                 client.get("/openapi.json"), client.get("/healthz")]
    for response in responses:
        headers = response.headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
        assert "set-cookie" not in headers
        assert "server" not in headers
        if not response.url.path.startswith("/static/"):
            assert headers["cache-control"] == "no-store"
    assert not client.cookies


def test_nothing_entered_is_logged(client: TestClient, app: Guard,
                                   caplog: pytest.LogCaptureFixture,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    client.post("/api/explain", json={"stage": SECRET})
    client.post("/explain", data={"stage": SECRET})
    client.get(f"/?q={SECRET}")
    client.get(f"/api/factors?{SECRET}=1")
    paths = [record.getMessage() for record in caplog.records
             if record.name == "explainer.web.access"]
    # Method, path and status (and the time taken): no query string, no body.
    assert [line.split(" ms")[0].rsplit(" ", 1)[0] for line in paths] == [
        '"POST /api/explain" 422', '"POST /explain" 422', '"GET /" 200',
        '"GET /api/factors" 200']
    # An unexpected error is answered without its message, and logged by its type alone.
    site = app.app.state.site  # type: ignore[attr-defined]

    def broken(data: Any) -> bytes:
        raise RuntimeError(f"failed on {SECRET}")

    monkeypatch.setattr(site, "explain_json", broken)
    response = client.post("/api/explain", json={"stage": SECRET})
    assert response.status_code == 500
    assert SECRET not in response.text
    assert response.json()["detail"].startswith("internal error")
    server_log = [record.getMessage() for record in caplog.records
                  if record.name.startswith(("explainer", "uvicorn"))]
    assert "internal error (RuntimeError) on POST /api/explain" in server_log
    assert not [line for line in server_log if SECRET in line]


def test_the_fastapi_route_answers_like_the_hot_path(client: TestClient, app: Guard) -> None:
    # Guard answers POST /api/explain itself; the FastAPI route (documented in the OpenAPI
    # description) must give the same answers when the app runs without Guard.
    with TestClient(app.app) as plain:
        for body in (MIXED_PROFILE, {"stage": "V"}, {}):
            fast, routed = client.post("/api/explain", json=body), plain.post(
                "/api/explain", json=body)
            assert (fast.status_code, fast.json()) == (routed.status_code, routed.json())
        too_big = b"{" + b" " * MAX_BODY_BYTES + b"}"
        for target in (client, plain):
            response = target.post("/api/explain", content=too_big,
                                   headers={"content-type": "application/json",
                                            "transfer-encoding": "chunked"})
            assert response.status_code == 413
        for target in (client, plain):
            response = target.post("/api/explain", content=b"{}",
                                   headers={"content-type": "text/plain"})
            assert response.status_code == 415


def test_docs_show_backquoted_names_as_code_and_escape_the_rest(client: TestClient) -> None:
    from explainer.web.views import inline_code

    assert str(inline_code("run `explainer <x>` & see")) == (
        "run <code>explainer &lt;x&gt;</code> &amp; see")
    assert str(inline_code("an ` unpaired <b>")) == "an ` unpaired &lt;b&gt;"
    docs = client.get("/docs").text
    assert "<code>explainer explain --format json</code>" in docs


@pytest.mark.parametrize(("body", "expected"), [
    (b'{"stage": "IV", "age": ' + b"9" * 5000 + b"}", "a number has 5000 digits"),
    (b'{"stage": "IV", "stage": "I"}', "duplicate key 'stage'"),
])
@pytest.mark.parametrize("path", ["/api/explain", "/api/compare"])
def test_api_refuses_huge_numbers_and_duplicate_keys(client: TestClient, path: str,
                                                     body: bytes, expected: str) -> None:
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert expected in response.json()["detail"]


def test_result_page_claims_no_review(client: TestClient) -> None:
    """The page says how much a clinician reviewed (none yet) and nothing else about review."""
    for path, form in (("/explain", MIXED_FORM), ("/what-if", {**MIXED_FORM,
                                                               "what_if": "stage=IV"})):
        response = client.post(path, data=form)
        assert response.status_code == 200, response.text[:300]
        text = parse(response.text).visible()
        assert "A clinician has not yet reviewed these explanations." in text
        rest = text.replace("A clinician has not yet reviewed these explanations.", "")
        assert not re.search(r"review", rest, re.IGNORECASE), path


def test_the_page_asks_who_is_reading_and_words_itself_for_a_caregiver(
        client: TestClient, explainer: Explainer) -> None:
    start = client.get("/")
    assert 'href="/?reader=caregiver&amp;lang=en"' in start.text and "Who is reading?" in start.text
    assert "How old are you?" in start.text
    page = client.get("/?reader=caregiver")
    text = parse(page.text).visible()
    assert "How old is the person you care for?" in text and "How old are you?" not in text
    assert "Which of these fits the person you care for best?" in text
    assert '<input type="hidden" name="reader" value="caregiver">' in page.text
    assert "It does not tell you what the person you care for has" in text
    # The result, the what-if and "change my answers" keep the wording.
    result = client.post("/explain", data={**MIXED_FORM, "reader": "caregiver"})
    assert result.status_code == 200
    shown = parse(result.text).visible()
    assert "Side effects that worry the person you care for" in shown
    assert "Questions you could ask their doctor" in shown
    assert "It does not tell you what the person you care for has" in shown
    assert "Do their periods, or menopause, change" in shown and "Do my periods" not in shown
    assert '<input type="hidden" name="reader" value="caregiver">' in result.text
    for path in ("/change", "/what-if"):
        again = client.post(path, data={**MIXED_FORM, "reader": "caregiver",
                                        "what_if": "stage=II"})
        assert again.status_code == 200, path
        assert "the person you care for" in parse(again.text).visible(), path
    # The person with cancer reads "you".
    plain = parse(client.post("/explain", data=MIXED_FORM).text).visible()
    assert "Side effects that worry you" in plain and "the person you care for" not in plain
    # An unknown reader is named, with the allowed ones.
    for bad in (client.get("/?reader=boss"),
                client.post("/explain", data={**MIXED_FORM, "reader": "boss"})):
        assert bad.status_code == 422
        assert "Who is reading?: &#39;boss&#39; is not allowed; use one of: self, caregiver" in (
            bad.text)


def test_glossary_numbers_follow_the_page_order_for_every_golden_profile(
        client: TestClient) -> None:
    # The page shows "In short" and the table before "Start here": the terms are numbered in
    # the order a person reads them, whatever the layout's order.
    from explainer.lint.reading import REPRESENTATIVE_PROFILES

    for name, profile in REPRESENTATIVE_PROFILES.items():
        form: dict[str, Any] = {}
        for key, value in profile.items():
            if key == "age":
                form.update(age__known="known", age=str(value))
            else:
                form[key] = value
        page = client.post("/explain", data=form).text
        numbers = [int(number) for number in re.findall(
            r'<sup class="mark(?: plain)?">(?:<a [^>]*>)?(\d+)<', page)]
        assert numbers == list(range(1, len(numbers) + 1)), name
        assert len(numbers) > 10, name
        order = [page.index(f'<section class="{key}') for key in (
            "entered", "in_short", "glance", "start_here", "questions")]
        assert order == sorted(order), name

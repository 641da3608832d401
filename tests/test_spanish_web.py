"""The web page and the printed handout in Spanish (issue 15): Accept-Language on the first visit,
the language link, forms that carry the language, <html lang="es">, Chromium, the PDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from test_handout_browser import _find_browser, _page_text, print_to_pdf
from test_web_browser import Visit, browser, server  # noqa: F401 (fixtures)
from test_web_serve import Served

from explainer import Explainer, get_explainer
from explainer.kb.files import bundled_root
from explainer.kb.interface import using
from explainer.kb.loader import load_knowledge
from explainer.kb.translation import NOTICE_ID, read_layer
from explainer.render.html import render_html
from explainer.web.app import build
from explainer.web.pages import preferred_language

NOTICE = " ".join((read_layer(bundled_root(), "es").text(NOTICE_ID) or "").split())
ENGLISH_PAGE_WORDS = ("What you entered", "Often discussed", "At a glance", "I don't know",
                      "Important:", "Why:", "Source:", "Questions to ask")


# Loading the Spanish knowledge base makes its phrases the process's: put the English ones back
# after each test (conftest.english_phrases_after).
pytestmark = pytest.mark.usefixtures("english_phrases_after")


@pytest.fixture(scope="module")
def es() -> Explainer:
    return get_explainer(load_knowledge(lang="es"))


def _visible(page: str) -> str:
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", page).replace("&#39;", "'").split())


@pytest.mark.parametrize("header,expected", [
    ("es-MX,es;q=0.9,en;q=0.8", "es"), ("en-US,en;q=0.9,es;q=0.8", "en"),
    ("fr-FR,es;q=0.5", "es"), ("de", "en"), ("", "en"), ("es;q=0,en;q=0.1", "en"),
    ("es;q=abc", "en"), ("*", "en")])
def test_accept_language(header: str, expected: str) -> None:
    assert preferred_language(header, ["en", "es"]) == expected


def test_first_visit_follows_accept_language(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert page.status_code == 200
    assert '<html lang="es">' in page.text
    assert page.headers["content-language"] == "es"
    text = _visible(page.text)
    assert NOTICE in text
    assert text.count(NOTICE) == 2  # with the disclaimer, first and last
    for words in ENGLISH_PAGE_WORDS:
        assert words not in text, words
    # The link to the same page in English.
    assert 'href="/?lang=en" lang="en"' in page.text and "In English" in text
    # Every form carries the language.
    assert page.text.count('<input type="hidden" name="lang" value="es">') == page.text.count(
        '<form method="post"')
    english = client.get("/", headers={"Accept-Language": "en-GB"})
    assert '<html lang="en">' in english.text and 'href="/?lang=es"' in english.text


def test_the_address_wins_over_the_browser(client: TestClient) -> None:
    page = client.get("/?lang=es", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in page.text
    page = client.get("/?lang=en", headers={"Accept-Language": "es"})
    assert '<html lang="en">' in page.text
    # An unknown language is the browser's choice, never an error.
    assert client.get("/?lang=xx").status_code == 200


def test_result_page_in_spanish(client: TestClient, es: Explainer) -> None:
    form = {"lang": "es", "stage": "IV", "hr_status": "positive", "her2_status": "low",
            "menopausal_status": "unknown", "general_health": "unknown",
            "age__known": "unknown"}
    page = client.post("/explain", data=form, headers={"Accept-Language": "en"})
    assert page.status_code == 200, page.text[:300]
    assert '<html lang="es">' in page.text
    text = _visible(page.text)
    explanation = es.explain({"stage": "IV", "hr_status": "positive", "her2_status": "low"})
    for category in explanation.categories:
        assert category.name in text
    assert "Terapia hormonal" in text and NOTICE in text
    for words in ENGLISH_PAGE_WORDS:
        assert words not in text, words
    # The language link keeps the answers: the same explanation, in English.
    switch = re.search(r'<nav class="language[^>]*>(.*?)</nav>', page.text, re.S)
    assert switch is not None
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', switch.group(1)))
    assert fields["lang"] == "en" and fields["stage"] == "IV" and fields["her2_status"] == "low"
    english = client.post("/explain", data=fields)
    assert '<html lang="en">' in english.text and "Hormone therapy" in english.text
    # What-if and change stay in Spanish.
    what_if = client.post("/what-if", data={**form, "what_if": "her2_status=positive"})
    assert what_if.status_code == 200 and '<html lang="es">' in what_if.text
    change = client.post("/change", data=form)
    assert '<html lang="es">' in change.text


def test_both_languages_at_once(client: TestClient, es: Explainer) -> None:
    """Requests in English and Spanish interleaved: each page stays in its own language."""
    import concurrent.futures

    titles = {"en": get_explainer().kb.interface.texts("web")["start_title"],
              "es": es.kb.interface.texts("web")["start_title"]}
    assert titles["en"] != titles["es"]

    def fetch(lang: str) -> tuple[str, str]:
        return lang, client.get(f"/?lang={lang}").text

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(fetch, ["en", "es"] * 10))
    for lang, page in results:
        assert f'<html lang="{lang}">' in page
        assert f"<h1>{titles[lang]}</h1>" in page
        if lang == "en":
            assert NOTICE not in _visible(page)
        else:
            assert NOTICE in _visible(page)


# --- in Chromium ---------------------------------------------------------------------------------


def test_web_page_in_spanish_in_chromium(browser: Any, server: Served, tmp_path: Path,  # noqa: F811
                                         es: Explainer) -> None:
    visit = Visit(browser, server, viewport={"width": 1000, "height": 900}, locale="es-MX")
    try:
        page = visit.page
        visit.goto("/")
        assert page.locator("html").get_attribute("lang") == "es"
        page.locator("#stage-IV").check()
        page.locator("#hr_status-positive").check()
        page.locator("#her2_status-low").check()
        page.locator("form.factors button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "es"
        explanation = es.explain({"stage": "IV", "hr_status": "positive", "her2_status": "low"})
        assert page.locator("h1").inner_text() == es.kb.interface.texts("document")["title"]
        body = " ".join(page.locator("body").inner_text().split())
        assert body.count(NOTICE) == 2
        for category in explanation.categories:
            assert category.name in body
        for words in ENGLISH_PAGE_WORDS:
            assert words not in body, words
        page.screenshot(path=str(tmp_path / "es-result.png"), full_page=False)
        # The language link: the same answers in English.
        page.locator("nav.language button").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Hormone therapy" in page.locator("body").inner_text()
        visit.check_stayed_local()
    finally:
        visit.close()


def test_handout_in_spanish_prints_to_pdf(es: Explainer, tmp_path: Path) -> None:
    chromium = _find_browser()
    explanation = es.explain({"stage": "IV", "hr_status": "positive", "her2_status": "low"})
    with using(es.kb.interface):
        page = render_html(explanation, paper="letter")
    assert '<html lang="es">' in page
    reader = print_to_pdf(chromium, page, tmp_path, "folleto")
    pages = len(reader.pages)
    assert 3 <= pages <= 12, pages
    first = _page_text(reader, 0)
    assert "Esto es educación, no consejo médico" in first
    everything = " ".join(_page_text(reader, index) for index in range(pages))
    assert NOTICE in everything
    for index in range(pages):
        assert f"Página {index + 1} de {pages}" in _page_text(reader, index), index
    for category in explanation.categories:
        assert category.name in everything
    for words in ENGLISH_PAGE_WORDS:
        assert words not in everything, words


def test_printed_page_footer_in_spanish(client: TestClient) -> None:
    page = client.get("/?lang=es").text
    assert 'href="/static/handout.css?lang=es"' in page
    css = client.get("/static/handout.css?lang=es").text
    assert "Página" in css and "Page " not in css
    assert "Page " in client.get("/static/handout.css").text


def test_serve_lang_sets_the_default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """explainer serve --lang es: a browser that asks for no language the site has gets
    Spanish (serve passes it to the workers as EXPLAINER_LANG)."""
    monkeypatch.setenv("EXPLAINER_LANG", "es")
    with TestClient(build(), base_url="http://127.0.0.1:8000") as spanish_first:
        assert '<html lang="es">' in spanish_first.get(
            "/", headers={"Accept-Language": "fr"}).text
        assert '<html lang="en">' in spanish_first.get(
            "/", headers={"Accept-Language": "en-US"}).text


def test_the_spanish_page_has_no_report_box_and_says_why(client: TestClient) -> None:
    # Reading a report explains its items in English only for now (report.yaml is not
    # translated): the Spanish page does not offer it, and a posted report is refused in
    # Spanish rather than read back in English.
    page = client.get("/?lang=es").text
    assert 'action="/report"' not in page and "caregiver" not in page
    assert 'action="/report"' in client.get("/?lang=en").text
    refused = client.post("/report", data={"report": "ER 95%", "lang": "es"})
    assert refused.status_code == 422
    assert "Por ahora, la lectura del informe solo funciona en inglés." in _visible(refused.text)
    assert "ER-positive" not in refused.text

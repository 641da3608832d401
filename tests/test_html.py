"""The printable HTML handout: complete, escaped, self-contained and well-formed.

What a browser makes of it (PDF pages, a screenshot) is checked in test_handout_browser.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from htmlcheck import check_self_contained, text_of, tree_of

from explainer import Explainer, get_explainer, load_knowledge
from explainer.render import render
from explainer.render.html import render_html
from explainer.render.layout import build_document

PROFILES: dict[str, dict[str, Any]] = {
    "early-hr-positive": {"stage": "II", "hr_status": "positive", "her2_status": "negative",
                          "side_effect_concerns": ["fertility"]},
    "metastatic-her2-low": {"stage": "IV", "hr_status": "positive", "her2_status": "low",
                            "menopausal_status": "postmenopausal", "general_health": "good"},
    "all-unknown": {},
}
@pytest.mark.parametrize("name", list(PROFILES))
def test_handout_is_complete_and_self_contained(explainer: Explainer, name: str) -> None:
    explanation = explainer.explain(PROFILES[name])
    page = render(explanation, "html")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    check_self_contained(page)
    root = tree_of(page)
    body = root.find("body")
    assert body is not None
    children = list(body)
    # The disclaimer is the first and the last thing on the page.
    assert children[0].tag == "header" and children[-1].tag == "footer"
    for box in (children[0], children[-1]):
        assert text_of(box) == f"Important: {explanation.disclaimer}"
    sections = {element.get("class"): element for element in root.iter("section")}
    for key in ("entered", "glance", "questions", "care_team", "sources"):
        assert key in sections, key
    entered = text_of(sections["entered"])
    for item in explanation.entered:
        if item.core or item.known:
            assert item.value_label in entered
    for category in explanation.categories:
        assert category.name in text_of(root)
    # Questions: every one, numbered, with lines to write on.
    questions = sections["questions"]
    items = [li for ol in questions.iter("ol") for li in ol.findall("li")]
    assert [text_of(li) for li in items] == list(explanation.questions_for_doctor)
    assert all(li.find("div[@class='write']") is not None for li in items)
    # The care team, the words used, and the source with its review date.
    for member in explanation.care_team:
        assert member.role in text_of(sections["care_team"])
    # "Words used here": the terms the page uses (a term found only in a text the page leaves
    # out, such as a less likely category's description, is not listed).
    used = [entry.title for section in build_document(explanation).sections
            if section.key == "glossary" for entry in section.entries]
    assert set(used) <= {entry.term for entry in explanation.glossary}
    if used:
        assert "glossary" in sections
        for term in used:
            assert term in text_of(sections["glossary"])
    sources = text_of(sections["sources"])
    assert "How Is Breast Cancer Treated?" in sources
    assert "(2023-06)" in sources
    # No wording a reader could take for a clinical review of these explanations.
    assert "HU Medical Review Board" not in sources
    assert "A clinician has not yet reviewed these explanations." in sources
    # Every reason shown is in the handout (provenance survives the layout).
    text = text_of(root)
    for category in explanation.categories:
        for reason in category.reasons:
            assert " ".join(reason.text.split()) in text


def test_handout_groups_questions_by_topic(explainer: Explainer) -> None:
    explanation = explainer.explain(PROFILES["early-hr-positive"])
    root = tree_of(render_html(explanation))
    section = next(element for element in root.iter("section")
                   if element.get("class") == "questions")
    headings = [text_of(h3) for h3 in section.iter("h3")]
    assert headings == ["About what is not known yet", "About what worries you",
                        "About the treatments that come up", "Good to ask in any case"]
    starts = [int(ol.get("start", "0")) for ol in section.iter("ol")]
    assert starts[0] == 1 and starts == sorted(starts)


def test_clinician_handout_traces_each_line(explainer: Explainer) -> None:
    explanation = explainer.explain(PROFILES["metastatic-her2-low"])
    page = render(explanation, "html", "clinician")
    assert "rule cdk46-metastatic (priority" in page
    assert "from category:hormone_therapy" in page
    check_self_contained(page)


def test_paper_size_is_fixed_only_on_request(explainer: Explainer) -> None:
    explanation = explainer.explain({})
    assert "size: A4" not in render_html(explanation)
    assert "size: A4;" in render_html(explanation, paper="a4")
    assert "size: letter;" in render_html(explanation, paper="letter")


def test_knowledge_text_is_escaped(kb_copy: Path) -> None:
    hostile = 'Surgery <script>alert("x")</script> & <b onclick="y">more</b>'
    categories = kb_copy / "knowledge" / "categories.yaml"
    text = categories.read_text(encoding="utf-8")
    text = text.replace("summary: An operation to take out the cancer, and sometimes nearby "
                        "lymph nodes.", f"summary: '{hostile}'", 1)
    categories.write_text(text, encoding="utf-8")
    factors = kb_copy / "knowledge" / "factors.yaml"
    factors.write_text(factors.read_text(encoding="utf-8").replace(
        "label: Stage II (early)", "label: 'Stage II <i>early</i> & \"more\"'", 1),
        encoding="utf-8")
    explanation = get_explainer(load_knowledge(kb_copy)).explain({"stage": "II"})
    assert explanation.category("surgery").summary == hostile
    page = render(explanation, "html")
    check_self_contained(page)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b onclick=" in page
    assert "Stage II &lt;i&gt;early&lt;/i&gt; &amp; &quot;more&quot;" in page
    assert "<b " not in page and "<i>" not in page
    root = tree_of(page)
    assert hostile in text_of(root)


def test_cli_writes_the_handout_to_a_file(cli: Callable[..., Any], tmp_path: Path) -> None:
    target = tmp_path / "handout.html"
    result = cli("explain", "--stage", "0", "--hr", "positive", "--format", "html",
                 "--output", str(target))
    assert result.code == 0 and result.out == ""
    page = target.read_text(encoding="utf-8")
    check_self_contained(page)
    assert "Stage 0 (DCIS)" in text_of(tree_of(page))


def test_terms_are_explained_at_first_use(explainer: Explainer) -> None:
    explanation = explainer.explain(PROFILES["metastatic-her2-low"])
    root = tree_of(render_html(explanation))
    links = [a.get("href", "") for a in root.iter("a") if a.get("href", "").startswith("#")]
    anchors = {element.get("id") for element in root.iter() if element.get("id")}
    assert links, "no term is marked"
    # Each term is marked once, where it is first used, and points at its meaning.
    assert len(links) == len(set(links))
    assert {link[1:] for link in links} <= anchors
    terms = [span for span in root.iter("span") if span.get("class") == "term"]
    definitions = {entry.term.lower(): entry.definition for entry in explanation.glossary}
    assert all(span.get("title") in definitions.values() for span in terms)
    glossary = next(section for section in root.iter("section")
                    if section.get("class") == "glossary")
    numbered = [dt for dt in glossary.iter("dt") if dt.get("id")]
    assert [dt.get("id") for dt in numbered] == [f"term-{n}" for n in range(1, len(numbered) + 1)]

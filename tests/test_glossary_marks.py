"""Every glossary term is explained at its first use, in every human format."""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_golden import PROFILES

from explainer import Explainer
from explainer.render import render
from explainer.render.document import (
    Document,
    Entry,
    Line,
    TermMark,
    apply_marks,
)
from explainer.render.layout import build_document


def _texts_in_reading_order(document: Document) -> list[tuple[str, tuple[TermMark, ...]]]:
    """Every text that can carry a mark, in the order a person reads them."""
    found: list[tuple[str, tuple[TermMark, ...]]] = []

    def entry(item: Entry) -> None:
        found.append((item.title, item.title_marks))
        # Citations and clinician traces are not running text: nothing is marked there.
        found.extend((line.text, line.marks) for line in item.lines
                     if line.kind not in ("source", "trace"))
        for child in item.children:
            entry(child)

    for section in document.sections:
        if section.key == "glossary":
            break
        if section.intro:
            found.append((section.intro, section.intro_marks))
        if section.table:
            for row_index, row in enumerate(section.table.rows):
                found.extend((cell, section.table.marks_of(row_index, column))
                             for column, cell in enumerate(row))
        for item in section.entries:
            entry(item)
    return found


@pytest.mark.parametrize("name", list(PROFILES))
def test_each_term_is_marked_once_at_its_first_use(explainer: Explainer, name: str) -> None:
    explanation = explainer.explain(PROFILES[name])
    document = build_document(explanation)
    texts = _texts_in_reading_order(document)
    marks = [mark for _, text_marks in texts for mark in text_marks]
    assert [mark.number for mark in marks] == list(range(1, len(marks) + 1))
    assert len({mark.term for mark in marks}) == len(marks)
    spellings = {entry.term: (entry.term, *entry.aliases) for entry in explanation.glossary}
    for mark in marks:
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(
            re.escape(spelling) for spelling in spellings[mark.term]) + r")(?![\w-])",
            re.IGNORECASE)
        # No text before the marked one uses the term (outside a longer term that holds it,
        # such as "antibodies" inside "monoclonal antibodies": the longer term is marked).
        own = [spelling.lower() for spelling in spellings[mark.term]]
        longer = sorted({spelling for term, names in spellings.items() if term != mark.term
                         for spelling in names
                         if any(name in spelling.lower() and name != spelling.lower()
                                for name in own)}, key=len, reverse=True)
        outside = re.compile("|".join(map(re.escape, longer)), re.IGNORECASE) if longer else None
        position = next(index for index, (_, text_marks) in enumerate(texts)
                        if mark in text_marks)
        assert not any(pattern.search(outside.sub(" ", text) if outside else text)
                       for text, _ in texts[:position]), mark.term
        text = texts[position][0]
        assert pattern.fullmatch(text[mark.start:mark.end])
        assert mark.definition == next(entry.definition for entry in explanation.glossary
                                       if entry.term == mark.term)
    # "Words used here" lists exactly the terms the document uses, by number: a term found only
    # in a text the layout leaves out (a less likely category's description) is not listed.
    glossary = next(section for section in document.sections if section.key == "glossary")
    assert [(entry.term_number, entry.title) for entry in glossary.entries] == [
        (mark.number, mark.term) for mark in marks]
    assert {entry.title for entry in glossary.entries} <= {
        entry.term for entry in explanation.glossary}


def test_renderers_draw_the_marks(explainer: Explainer) -> None:
    explanation = explainer.explain(PROFILES["metastatic-hr-positive"])
    document = build_document(explanation)
    marks = [mark for _, text_marks in _texts_in_reading_order(document)
             for mark in text_marks]
    assert len(marks) > 10
    text = render(explanation, "text", width=400, detail="full")
    markdown = render(explanation, "markdown", detail="full")
    rich = render(explanation, "rich", width=400, detail="full")
    for mark in marks:
        assert text.count(f"[{mark.number}]") == 2  # at the first use and under the words
        assert f"[{mark.number}] {mark.term}" in text
        assert f"\\[{mark.number}\\]" in markdown
        assert f"[{mark.number}]" in rich
    body = text[:text.index("WORDS USED HERE")]
    assert "metastatic[" in body and body.count("HR-positive[") == 1


def test_apply_marks_is_a_hook_for_any_format() -> None:
    line = Line("HER2-low cancer is not HER2-positive.", marks=(
        TermMark(3, "HER2-low", "A little HER2.", 0, 8),
        TermMark(4, "HER2-positive", "A lot of HER2.", 23, 36)))
    drawn = apply_marks(line.text, line.marks,
                        lambda shown, mark: f'<abbr title="{mark.definition}">{shown}</abbr>',
                        lambda plain: plain.upper())
    assert drawn == ('<abbr title="A little HER2.">HER2-low</abbr> CANCER IS NOT '
                     '<abbr title="A lot of HER2.">HER2-positive</abbr>.')


def _explain(explainer: Explainer, profile: dict[str, Any]) -> Any:
    return explainer.explain(profile)


def test_terms_found_through_an_alias_are_marked(explainer: Explainer) -> None:
    explanation = _explain(explainer, {"stage": "II", "her2_status": "negative",
                                       "hr_status": "negative"})
    document = build_document(explanation)
    marks = {mark.term: mark for _, text_marks in _texts_in_reading_order(document)
             for mark in text_marks}
    # "lumpectomy" is a spelling of breast-conserving surgery; "breast-conserving surgery"
    # comes first in the surgery description, so that use carries the mark.
    assert "breast-conserving surgery" in marks
    assert "lumpectomy" not in marks


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.usefixtures("english_phrases_after")
def test_term_search_without_patterns_matches_the_pattern(lang: str) -> None:
    """The composer finds glossary terms with plain string search (explanation.terms.mentions);
    over every text of the knowledge base, in both languages, it finds exactly what the
    whole-word pattern finds."""
    from explainer.explanation.terms import mentions
    from explainer.kb.loader import load_knowledge
    from explainer.kb.reviews import entries

    kb = load_knowledge(lang=lang)
    texts = [text for entry in entries(kb) for _, text in entry.fields]
    texts += ["HER2-low cancer", "a HER2 test.", "(HER2)", "her2", "HER2s", "xHER2", "HER2_",
              "hormone therapy's", "Chemotherapy", "chemotherapy-free", "", "ductal carcinoma"]
    checked = 0
    for term in kb.glossary:
        spellings = (term.term, *term.aliases)
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(
            re.escape(spelling) for spelling in sorted(spellings, key=len, reverse=True))
            + r")(?![\w-])", re.IGNORECASE)
        lowered = tuple(spelling.lower() for spelling in spellings)
        for text in texts:
            expected = pattern.search(text) is not None
            assert mentions(text.lower(), lowered) is expected, (term.term, text)
            checked += expected
    assert checked > 200  # the texts do hold many of the terms

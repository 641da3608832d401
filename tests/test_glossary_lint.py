"""The glossary validator: aliases must be declared synonyms; a term only definitions use is
never shown (explainer/lint/glossary.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from explainer.kb.models import GlossaryTerm, SourceRef
from explainer.kb.review_meta import Review
from explainer.lint.glossary import declared
from explainer.lint.runner import VALIDATOR_NAMES, run_lint

_SOURCES = (SourceRef(source="article", section="overview"),)
_DRAFT = Review(status="draft")


def _term(term: str, definition: str) -> GlossaryTerm:
    return GlossaryTerm(term=term, definition=definition, sources=_SOURCES, review=_DRAFT)


@pytest.mark.parametrize(("alias", "term", "definition"), [
    ("genetic testing", "genetic counseling", "A talk with an expert about genes."),
    ("antibody", "monoclonal antibodies", "Lab-made proteins that attach to one target."),
    ("gene changes", "mutation", "A change in a gene."),
    ("systemic", "systemic treatment", "Treatment that travels through the blood."),
])
def test_aliases_that_name_something_else_are_not_declared(alias: str, term: str,
                                                           definition: str) -> None:
    assert not declared(alias, _term(term, definition))


@pytest.mark.parametrize(("alias", "term", "definition"), [
    ("lymph node", "lymph nodes", "Small glands."),
    ("antibodies", "antibody", "A protein."),
    ("metastasis", "metastatic", "Cancer that has spread."),
    ("HR+", "HR-positive", "The cells have receptors."),
    ("HR-", "HR-negative", "The cells have no receptors."),
    ("HR", "hormone receptor", "A spot on a cell."),
    ("hormone receptor-positive", "HR-positive", "The cells have receptors."),
    ("local therapy", "local treatment", "Treatment aimed at one part of the body."),
    ("hospice care", "hospice", "Care for comfort."),
    ("lumpectomy", "breast-conserving surgery", "Keeps most of the breast. Also called "
     "lumpectomy."),
    ("mutations", "gene change", "A change in a gene, also called a mutation."),
])
def test_forms_narrower_names_and_names_in_the_definition_are_declared(
        alias: str, term: str, definition: str) -> None:
    assert declared(alias, _term(term, definition))


def _glossary_issues(root: Path) -> list[str]:
    result = run_lint(root, exclude=[name for name in VALIDATOR_NAMES if name != "glossary"])
    return [issue.message for issue in result.issues]


def test_the_bundled_glossary_passes(kb_copy: Path) -> None:
    assert _glossary_issues(kb_copy) == []


def test_an_undeclared_alias_is_reported(kb_copy: Path) -> None:
    path = kb_copy / "knowledge" / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace("  - term: genetic counseling\n", "  - term: genetic counseling\n"
                          "    aliases: [genetic testing]\n", 1)
    # Keep the term list valid: the separate entry for genetic testing goes.
    start = broken.index("  - term: genetic testing\n")
    end = broken.index("  - term: PD-L1\n")
    path.write_text(broken[:start] + broken[end:], encoding="utf-8")
    issues = _glossary_issues(kb_copy)
    assert any("'genetic testing' of 'genetic counseling' is not a declared synonym" in message
               for message in issues), issues


def test_a_term_only_definitions_use_is_reported(kb_copy: Path) -> None:
    path = kb_copy / "knowledge" / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n  - term: zorbine\n"
                    "    definition: A made-up word no statement uses.\n"
                    "    sources: [{source: article, section: overview}]\n"
                    "    review: {status: draft}\n"
                    "  - term: quuxase\n"
                    "    definition: A made-up protein that turns zorbine on.\n"
                    "    sources: [{source: article, section: overview}]\n"
                    "    review: {status: draft}\n", encoding="utf-8")
    issues = _glossary_issues(kb_copy)
    assert any("'zorbine' is used only inside other definitions" in message
               for message in issues), issues

"""Golden outputs: five profiles a reader should find accurate, in every format, in the full
view and in the brief one.

Regenerate after an intended change with ``pytest tests/test_golden.py --update-goldens`` and
review the diff like any other change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from explainer import Explainer
from explainer.lint.reading import REPRESENTATIVE_PROFILES
from explainer.render import render

# The same five profiles the reading-level lint scores as whole explanations.
PROFILES: dict[str, dict[str, Any]] = REPRESENTATIVE_PROFILES
SUFFIX = {"text": "txt", "markdown": "md", "rich": "rich.txt", "json": "json"}


@pytest.mark.parametrize("fmt", ["text", "markdown", "rich"])
@pytest.mark.parametrize("name", list(PROFILES))
def test_patient_outputs(explainer: Explainer, golden: Callable[[str, str], None], name: str,
                         fmt: str) -> None:
    explanation = explainer.explain(PROFILES[name])
    golden(f"{name}.{SUFFIX[fmt]}", render(explanation, fmt, width=100, detail="full"))


@pytest.mark.parametrize("fmt", ["text", "markdown", "rich"])
@pytest.mark.parametrize("name", list(PROFILES))
def test_brief_outputs(explainer: Explainer, golden: Callable[[str, str], None], name: str,
                       fmt: str) -> None:
    """The brief view (a patient's default on a screen) at 88 columns."""
    explanation = explainer.explain(PROFILES[name])
    golden(f"{name}.brief.{SUFFIX[fmt]}", render(explanation, fmt, width=88, detail="brief"))


@pytest.mark.parametrize("name", ["metastatic-hr-positive", "all-unknown"])
def test_json_and_clinician_outputs(explainer: Explainer, golden: Callable[[str, str], None],
                                    name: str) -> None:
    explanation = explainer.explain(PROFILES[name])
    golden(f"{name}.json", render(explanation, "json"))
    golden(f"{name}.clinician.txt", render(explanation, "text", "clinician", width=100))


def test_key_statements_in_the_golden_profiles(explainer: Explainer) -> None:
    """What a careful reader checks first, asserted directly (not only through goldens)."""
    metastatic = explainer.explain(PROFILES["metastatic-hr-positive"])
    assert metastatic.relevance_of("cdk46_inhibitors") == "often_discussed"
    assert metastatic.relevance_of("hormone_therapy") == "often_discussed"
    assert metastatic.relevance_of("chemotherapy") == "may_be_discussed"
    assert metastatic.relevance_of("surgery") == "may_be_discussed"
    assert metastatic.relevance_of("parp_inhibitors") == "needs_more_information"
    # 63 years old: within ASCO-SSO 2024's "65 or younger", so the gene-test note shows.
    assert [note.rule_id for note in metastatic.notes] == ["age-younger-genetic-testing"]

    her2 = explainer.explain(PROFILES["early-her2-positive"])
    assert her2.relevance_of("her2_targeted_therapy") == "often_discussed"
    assert her2.relevance_of("chemotherapy") == "often_discussed"
    assert her2.relevance_of("hormone_therapy") == "less_likely"
    assert her2.relevance_of("antibody_drug_conjugates") == "may_be_discussed"
    assert [note.rule_id for note in her2.notes] == ["age-younger-genetic-testing"]

    tnbc = explainer.explain(PROFILES["triple-negative"])
    assert tnbc.relevance_of("monoclonal_antibodies") == "often_discussed"
    assert tnbc.relevance_of("chemotherapy") == "often_discussed"
    assert tnbc.relevance_of("clinical_trials") == "often_discussed"
    # Triple-negative: a gene test is offered at any age (ASCO-SSO 2024).
    assert [note.rule_id for note in tnbc.notes] == ["concern-fertility", "concern-hair-loss",
                                                      "genetic-testing-other-reasons"]
    assert "genetic_counselor" in [member.id for member in tnbc.care_team]
    assert "Could I talk with a fertility specialist before treatment starts?" in (
        tnbc.questions_for_doctor)

    dcis = explainer.explain(PROFILES["dcis"])
    assert [c.id for c in dcis.categories if c.relevance == "often_discussed"] == [
        "surgery", "radiation_therapy", "hormone_therapy"]

    unknown = explainer.explain(PROFILES["all-unknown"])
    assert {c.relevance for c in unknown.categories} == {"needs_more_information",
                                                         "may_be_discussed"}
    assert [item.factor for item in unknown.unknown_factors] == [
        "stage", "menopausal_status", "hr_status", "her2_status", "general_health",
        "brca_mutation"]
    assert unknown.questions_for_doctor[0] == (
        "What is the stage of my cancer, and what does it mean for my choices?")


def test_main_handout(explainer: Explainer, golden: Callable[[str, str], None]) -> None:
    """The printable handout (compared without its stylesheet, which has a golden of its own)."""
    explanation = explainer.explain(PROFILES["metastatic-hr-positive"])
    golden("metastatic-hr-positive.html", render(explanation, "html"))


def test_handout_stylesheet(golden: Callable[[str, str], None]) -> None:
    from explainer.render.html import page_rules
    from explainer.render.style import STYLE

    golden("handout-style.css", f"{STYLE}\n{page_rules('auto')}\n")


def test_goldens_are_kept_without_their_stylesheet() -> None:
    from conftest import GOLDEN, STYLE_PLACEHOLDER, orphan_goldens, without_style

    page = "<html><head>\n<style>\nbody { color: red }\n</style>\n</head></html>"
    assert without_style("page.html", page) == (
        f"<html><head>\n{STYLE_PLACEHOLDER}\n</head></html>")
    assert without_style("page.md", page) == page
    for path in GOLDEN.glob("*.html"):
        assert "<style>\n" not in path.read_text(encoding="utf-8"), path.name
    every = {path.name for path in GOLDEN.iterdir()}
    assert orphan_goldens(every) == []
    assert orphan_goldens(every - {"dcis.md"}) == ["dcis.md"]

"""Round-two content of issue #9 that is not one rule: what each stage means, support, care
roles brought in by notes, questions that fit the person (HER2 for DCIS, menopause from 70),
and the pregnancy factor."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from explainer import Explainer, KnowledgeBase
from explainer.render import render


def _roles(explainer: Explainer, profile: dict[str, Any]) -> list[str]:
    return [member.id for member in explainer.explain(profile).care_team]


def test_every_stage_value_has_one_meaning(kb: KnowledgeBase) -> None:
    assert list(kb.stage_meanings) == [value.id for value in kb.factors["stage"].values]
    for meaning in kb.stage_meanings.values():
        assert meaning.review.status == "draft" and meaning.sources
        # General words only: no numbers (no survival figures) and never "cure".
        assert not any(character.isdigit() for character in meaning.meaning.replace(
            "Stage 0", "").replace("stages I", ""))
        assert "cure" not in meaning.meaning.lower()


@pytest.mark.parametrize(("stage", "words"), [
    ("0", "non-invasive"), ("II", "get rid of the cancer for good"),
    ("IV", "treatable, often for years"), ("unknown", "not possible to say yet"),
])
def test_the_stage_meaning_is_shown(explainer: Explainer, stage: str, words: str) -> None:
    explanation = explainer.explain({"stage": stage})
    assert explanation.stage_meaning is not None and words in explanation.stage_meaning.text
    text = render(explanation, "text", width=400, detail="full")
    assert "WHAT THIS STAGE MEANS, IN GENERAL" in text and words in text
    assert text.index("WHAT THIS STAGE MEANS") < text.index("AT A GLANCE")


def test_support_is_in_every_explanation(explainer: Explainer) -> None:
    explanation = explainer.explain({})
    ids = [item.id for item in explanation.support]
    assert ids == ["time_to_decide", "second_opinion", "bring_someone", "peer_support",
                   "costs_and_work", "helplines"]
    helplines = next(item for item in explanation.support if item.id == "helplines")
    assert "1-800-227-2345" in helplines.text and "1-800-4-CANCER" in helplines.text
    markdown = render(explanation, "markdown", detail="full")
    assert "Support and help" in markdown and "A second opinion" in markdown
    data = json.loads(explainer.explain_json({}))
    assert [item["id"] for item in data["support"]] == ids
    assert data["stage_meaning"]["stage"] == "unknown"


def test_dcis_gets_support_not_a_palliative_care_doctor(explainer: Explainer) -> None:
    for health in ("good", "poor"):
        explanation = explainer.explain({"stage": "0", "general_health": health})
        assert "palliative_care_doctor" not in [m.id for m in explanation.care_team]
        reasons = " ".join(reason.text for reason in explanation.category(
            "palliative_care").reasons)
        assert "support" in reasons and "hospice" not in reasons.lower()
    assert "palliative_care_doctor" in _roles(explainer, {"stage": "II"})
    assert "palliative_care_doctor" in _roles(explainer, {"stage": "IV"})


def test_her2_is_not_asked_about_for_dcis(explainer: Explainer) -> None:
    dcis = explainer.explain({"stage": "0"})
    assert "her2_status" not in [item.factor for item in dcis.unknown_factors]
    assert not any("HER2" in question for question in dcis.questions_for_doctor)
    early = explainer.explain({"stage": "I"})
    assert "her2_status" in [item.factor for item in early.unknown_factors]


def test_menopause_is_not_asked_about_from_70(explainer: Explainer) -> None:
    older = explainer.explain({"age": 84, "general_health": "poor", "stage": "II",
                               "hr_status": "positive"})
    assert "menopausal_status" not in [item.factor for item in older.unknown_factors]
    assert "What could happen if I choose less treatment, or none?" in \
        older.questions_for_doctor
    younger = explainer.explain({"age": 60, "stage": "II", "hr_status": "positive"})
    assert "menopausal_status" in [item.factor for item in younger.unknown_factors]


def test_genetic_counselor_and_fertility_specialist_come_with_their_notes(
        explainer: Explainer) -> None:
    assert "genetic_counselor" in _roles(explainer, {"age": 38})
    assert "genetic_counselor" in _roles(explainer, {"menopausal_status": "not_applicable"})
    # ASCO-SSO 2024: a gene test is offered to everyone found at 65 or younger, and after that
    # for triple-negative cancer or when a PARP inhibitor could be an option. The PARP note
    # (parp-genetic-testing), shown whenever BRCA is not known, no longer brings it in alone.
    assert "genetic_counselor" in _roles(explainer, {"age": 62, "stage": "II"})
    assert "genetic_counselor" in _roles(explainer, {"age": 65, "stage": "II"})
    assert "genetic_counselor" not in _roles(explainer, {"age": 66, "stage": "II"})
    assert "genetic_counselor" not in _roles(explainer, {"age": 62, "brca_mutation": "negative"})
    assert "genetic_counselor" not in _roles(explainer, {"age": 62, "stage": "0"})
    assert "genetic_counselor" not in _roles(explainer, {
        "age": 84, "general_health": "poor", "stage": "II", "hr_status": "positive",
        "her2_status": "negative"})
    assert "genetic_counselor" in _roles(explainer, {
        "age": 84, "stage": "II", "hr_status": "negative", "her2_status": "negative"})
    assert "genetic_counselor" in _roles(explainer, {
        "age": 75, "stage": "III", "hr_status": "positive", "her2_status": "negative",
        "nodes": "positive"})
    for profile in ({"side_effect_concerns": ["fertility"]}, {"pregnancy": "pregnant"},
                    {"pregnancy": "breastfeeding"}):
        assert "fertility_specialist" in _roles(explainer, profile), profile
    assert "fertility_specialist" not in _roles(explainer, {"pregnancy": "neither"})


def test_the_fertility_note_says_what_ends_fertility(explainer: Explainer) -> None:
    notes = explainer.explain({"side_effect_concerns": ["fertility"]}).notes
    text = " ".join(note.text for note in notes)
    assert "Taking out both ovaries ends it for good" in text
    assert "before treatment starts" in text


def test_pregnancy_through_the_cli(cli: Callable[..., Any]) -> None:
    result = cli("explain", "--stage", "II", "--pregnancy", "pregnant", "--format", "json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["profile"]["pregnancy"] == "pregnant"
    note = next(note for note in data["notes"] if note["rule_id"] == "pregnancy-now")
    assert "after the birth" in note["text"]
    bad = cli("explain", "--pregnancy", "maybe")
    assert bad.code == 2 and "pregnancy" in bad.err and len(bad.err.strip().splitlines()) == 1


def test_the_menopause_question_fits_everyone(kb: KnowledgeBase) -> None:
    factor = kb.factors["menopausal_status"]
    assert "menopause" not in factor.question.lower()
    ids = [value.id for value in factor.values]
    # The value ids are part of the CLI and JSON contract: unchanged.
    assert ids == ["premenopausal", "perimenopausal", "postmenopausal", "not_applicable",
                   "unknown"]
    unknown = next(value for value in factor.values if value.id == "unknown")
    assert "rather not say" in unknown.label

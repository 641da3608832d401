"""What a person enters: accepted spellings, and a clear message for everything else."""

from __future__ import annotations

from typing import Any

import pytest

from explainer import KnowledgeBase, Profile, ProfileError, parse_profile
from explainer.errors import ExitCode
from explainer.kb.profiles import to_fact


def _error(kb: KnowledgeBase, data: Any) -> str:
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, kb)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_omitted_factors_are_unknown(kb: KnowledgeBase) -> None:
    profile = parse_profile({}, kb)
    assert profile.stage == "unknown"
    assert profile.hr_status == "unknown"
    assert profile.age is None
    assert profile.value("side_effect_concerns") == ()
    assert profile.value("brca_mutation") == "unknown"


@pytest.mark.parametrize(("field", "typed", "canonical"), [
    ("stage", "iv", "IV"), ("stage", "4", "IV"), ("stage", 4, "IV"), ("stage", "DCIS", "0"),
    ("stage", "metastatic", "IV"), ("stage", "Stage 2", "II"),
    ("hr_status", "+", "positive"), ("hr_status", "ER-positive", "positive"),
    ("hr_status", "Negative", "negative"), ("her2_status", "HER2-low", "low"),
    ("her2_status", "0", "negative"), ("her2_status", "3+", "positive"),
    ("menopausal_status", "post", "postmenopausal"),
    ("menopausal_status", "N/A", "not_applicable"),
    ("general_health", "frail", "poor"), ("brca_mutation", "yes", "positive"),
    ("stage", "I don't know", "unknown"), ("hr_status", "not sure", "unknown"),
    ("her2_status", None, "unknown"), ("stage", "", "unknown"),
])
def test_spellings_people_use(kb: KnowledgeBase, field: str, typed: Any, canonical: str) -> None:
    assert parse_profile({field: typed}, kb).value(field) == canonical


def test_age_and_concerns(kb: KnowledgeBase) -> None:
    profile = parse_profile({"age": "45", "side_effect_concerns": "nausea, hair loss,Fatigue"},
                            kb)
    assert profile.age == 45
    # Stored in the knowledge base's order, without repeats.
    assert profile.value("side_effect_concerns") == ("fatigue", "hair_loss", "nausea")
    assert parse_profile({"age": 45.0}, kb).age == 45
    assert parse_profile({"age": "unknown"}, kb).age is None


def test_typo_in_a_value_suggests_the_nearest(kb: KnowledgeBase) -> None:
    assert _error(kb, {"stage": "V"}) == (
        "stage: 'V' is not allowed (did you mean 'IV'?); allowed: 0, I, II, III, IV, unknown")
    assert _error(kb, {"hr_status": "postive"}) == (
        "hr_status: 'postive' is not allowed (did you mean 'positive'?); allowed: positive, "
        "low, negative, unknown")


def test_typo_in_a_field_name_suggests_the_field(kb: KnowledgeBase) -> None:
    message = _error(kb, {"hr_stauts": "positive"})
    assert message.startswith("hr_stauts: unknown field (did you mean 'hr_status'?); known "
                              "fields: stage, menopausal_status, age, hr_status")
    assert "did you mean 'her2_status'?" in _error(kb, {"her2": "positive"})
    assert "did you mean 'menopausal_status'?" in _error(kb, {"menopause": "pre"})


def test_out_of_range_and_wrong_types(kb: KnowledgeBase) -> None:
    assert _error(kb, {"age": 130}) == (
        "age: 130 is out of range; allowed: a whole number from 1 to 120, unknown")
    assert _error(kb, {"age": True}).startswith("age: expected a whole number, got true/false")
    assert _error(kb, {"age": "forty"}).startswith("age: 'forty' is not a whole number")
    assert _error(kb, {"age": 4.5}).startswith("age: expected a whole number, got a number")
    assert _error(kb, {"stage": ["IV"]}).startswith("stage: expected text, got a list")
    assert _error(kb, {"stage": {"value": "IV"}}).startswith(
        "stage: expected text, got a mapping (factor: value pairs)")
    assert _error(kb, {"hr_status": True}).startswith("hr_status: expected text, got true/false")
    assert _error(kb, {"side_effect_concerns": 3}).startswith(
        "side_effect_concerns: expected a list, got a whole number")
    assert _error(kb, ["stage", "IV"]).startswith("profile: expected a mapping of factor: value")
    assert _error(kb, {"stage": "x" * 500}).startswith(
        "stage: the value is longer than 100 characters")


def test_none_cannot_be_combined(kb: KnowledgeBase) -> None:
    assert _error(kb, {"side_effect_concerns": ["none", "fatigue"]}).startswith(
        "side_effect_concerns: 'none' cannot be combined with other answers")


def test_every_problem_is_listed_on_one_line(kb: KnowledgeBase) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"stage": "V", "hr": "+", "age": -3}, kb)
    assert caught.value.fields == ["hr", "stage", "age"]
    assert str(caught.value).count("; allowed:") == 2


def test_huge_profiles_are_refused(kb: KnowledgeBase) -> None:
    assert _error(kb, {f"field{i}": "x" for i in range(1000)}) == (
        "profile: has 1000 fields; at most 40 are accepted")
    assert "more than 20 items" in _error(kb, {"side_effect_concerns": ["fatigue"] * 50})


def test_profile_objects_are_checked_too(kb: KnowledgeBase) -> None:
    profile = parse_profile(Profile(stage="iv", hr_status="pos"), kb)
    assert (profile.stage, profile.hr_status) == ("IV", "positive")
    with pytest.raises(ProfileError):
        parse_profile(Profile(stage="nine"), kb)


def test_fact_is_all_strings_with_marker(kb: KnowledgeBase) -> None:
    fact = to_fact(parse_profile({"stage": "II", "age": 72,
                                  "side_effect_concerns": ["fertility"]}, kb), kb.factors)
    assert all(isinstance(value, str) for value in fact.values())
    assert fact["_kind"] == "profile"
    assert fact["stage"] == "II"
    assert fact["age"] == "70_or_older"
    assert fact["side_effect_concerns__fertility"] == "yes"
    assert fact["side_effect_concerns__nausea"] == "no"
    assert fact["side_effect_concerns__unknown"] == "no"
    assert to_fact(parse_profile({}, kb), kb.factors)["side_effect_concerns__unknown"] == "yes"


def test_parsed_profile_equals_a_validated_one(kb: KnowledgeBase) -> None:
    # A checked profile is built without validating it again (model_construct): it must be
    # exactly what validation would give, fields set included.
    parsed = parse_profile({"stage": "4", "hr_status": "+", "age": "47", "brca_mutation": "yes"},
                           kb)
    validated = Profile.model_validate(parsed.model_dump())
    assert parsed == validated
    assert parsed.model_fields_set == validated.model_fields_set
    assert (parsed.stage, parsed.hr_status, parsed.age) == ("IV", "positive", 47)

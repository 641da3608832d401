"""The Python API: explain(), load_knowledge(), Profile, Explanation and the documented errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import explainer
from explainer import (
    Explanation,
    KnowledgeBaseError,
    Profile,
    ProfileError,
    explain,
    get_explainer,
    load_knowledge,
)


def test_explain_a_dict() -> None:
    result = explain({"stage": "IV", "hr_status": "positive"})
    assert isinstance(result, Explanation)
    assert result.category("hormone_therapy").relevance == "often_discussed"
    assert result.profile["stage"] == "IV"
    assert result.profile["her2_status"] == "unknown"


def test_keyword_factors_and_profile_objects() -> None:
    by_keywords = explain(stage="II", her2_status="positive")
    by_profile = explain(Profile(stage="II", her2_status="positive"))
    assert by_keywords == by_profile
    assert by_keywords.relevance_of("her2_targeted_therapy") == "often_discussed"
    merged = explain({"stage": "II"}, her2_status="positive")
    assert merged == by_keywords


def test_bad_value_raises_documented_error() -> None:
    with pytest.raises(ProfileError) as caught:
        explain({"stage": "IV", "hr_status": "maybe"})
    assert str(caught.value) == ("hr_status: 'maybe' is not allowed; allowed: positive, "
                                 "low, negative, unknown")
    assert caught.value.fields == ["hr_status"]
    with pytest.raises(ValueError, match="did you mean 'her2_status'"):
        explain({"her2_stat": "low"})


def test_explanation_round_trips_through_json() -> None:
    result = explain({"stage": "III", "hr_status": "negative", "her2_status": "low"})
    again = Explanation.model_validate_json(result.model_dump_json())
    assert again == result
    assert again.questions_for_doctor == result.questions_for_doctor


def test_explanations_are_immutable() -> None:
    result = explain({"stage": "I"})
    with pytest.raises(Exception, match="frozen"):
        result.disclaimer = "changed"  # type: ignore[misc]


def test_load_knowledge_and_explain_with_it(kb_copy: Path) -> None:
    kb = load_knowledge(kb_copy)
    assert get_explainer(kb) is get_explainer(kb_copy)  # built once per knowledge base
    assert explain({"stage": "0"}, knowledge=kb).relevance_of("chemotherapy") == "less_likely"


def test_broken_knowledge_raises(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="not a knowledge base folder"):
        explain({}, knowledge=tmp_path)


def test_public_names_have_docstrings() -> None:
    for name in explainer.__all__:
        if name.startswith("__"):
            continue
        item = getattr(explainer, name)
        assert item.__doc__ and item.__doc__.strip(), name

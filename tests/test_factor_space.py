"""Every combination of the core factor values, unknowns included (6 x 5 x 4 x 5 x 4 = 2,400:
round two added hr_status low and her2_status ultralow)."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from explainer import Explainer, Explanation, KnowledgeBase
from explainer.engine.oracle import oracle_fired
from explainer.explanation.models import explanation_json, json_data
from explainer.kb.conditions import holds, parse_condition
from explainer.kb.models import RELEVANCE_ORDER
from explainer.kb.profiles import parse_profile, to_fact
from explainer.lint.factor_space import decision_factors, factor_space, space_problems

CATEGORY_IDS = ["surgery", "radiation_therapy", "chemotherapy", "hormone_therapy",
                "targeted_therapy", "immunotherapy", "tissue_agnostic_therapy", "palliative_care",
                "clinical_trials"]
SUBTYPE_IDS = {
    "targeted_therapy": ["her2_targeted_therapy", "cdk46_inhibitors", "parp_inhibitors",
                         "mtor_inhibitors", "pi3k_inhibitors", "antibody_drug_conjugates"],
    "immunotherapy": ["monoclonal_antibodies", "adoptive_cell_transfer"],
}
INVASIVE = {"I", "II", "III", "IV"}


@pytest.fixture(scope="module")
def space(explainer: Explainer) -> list[tuple[dict[str, str], Explanation, list[str]]]:
    results = []
    for raw in factor_space(explainer.kb):
        profile = explainer.parse(raw)
        fired = explainer.fired(profile)
        results.append((raw, explainer.composer.compose(profile, fired), fired))
    return results


def test_space_has_every_combination(space: list[tuple[dict[str, str], Explanation, list[str]]],
                                     kb: KnowledgeBase) -> None:
    assert len(space) == 6 * 5 * 4 * 5 * 4
    assert list(space[0][0]) == ["stage", "menopausal_status", "hr_status", "her2_status",
                                 "general_health"]
    assert {factor.id for factor in kb.factors.values() if factor.core} == set(space[0][0])


def test_engine_and_oracle_fire_the_same_rules(
        space: list[tuple[dict[str, str], Explanation, list[str]]], explainer: Explainer) -> None:
    kb = explainer.kb
    for raw, _, fired in space:
        assert fired == oracle_fired(kb, to_fact(explainer.parse(raw), kb.factors)), raw
    assert all(fired for _, _, fired in space)


def test_every_category_and_subtype_once_with_a_reason(
        space: list[tuple[dict[str, str], Explanation, list[str]]], kb: KnowledgeBase) -> None:
    for raw, explanation, _ in space:
        assert [category.id for category in explanation.categories] == CATEGORY_IDS, raw
        for category in explanation.categories:
            assert category.relevance in RELEVANCE_ORDER
            assert category.reasons, (raw, category.id)
            assert all(reason.text and reason.sources for reason in category.reasons)
            assert category.sources
            assert [sub.id for sub in category.subtypes] == SUBTYPE_IDS.get(category.id, [])
            for sub in category.subtypes:
                assert sub.relevance in RELEVANCE_ORDER
                assert sub.reasons and sub.sources, (raw, sub.id)
        assert explanation.disclaimer == kb.disclaimer.disclaimer
        assert "not medical advice" in explanation.disclaimer
        assert explanation.questions_for_doctor
        assert explanation.schema_version == 1


def test_composed_explanations_are_valid_models(
        space: list[tuple[dict[str, str], Explanation, list[str]]]) -> None:
    # Compose builds its objects without validation (model_construct); every one of them must
    # still be exactly what validation would accept and produce.
    for raw, explanation, _ in space:
        assert Explanation.model_validate(explanation.model_dump()) == explanation, raw
        assert Explanation.model_validate_json(explanation.model_dump_json()) == explanation


def test_fast_json_is_byte_for_byte_model_dump_json(explainer: Explainer) -> None:
    composer = explainer.composer
    extras = [{}, {"age": 44, "brca_mutation": "positive"},
              {"side_effect_concerns": ["fertility", "nausea"], "age": 80}]
    for number, raw in enumerate(factor_space(explainer.kb)):
        profile = explainer.parse({**raw, **extras[number % len(extras)]})
        fired = explainer.fired(profile)
        expected = composer.compose(profile, fired).model_dump_json().encode()
        assert composer.compose_json(profile, fired) == expected, raw
        # A second call is served from the cached fragments and must not differ either.
        assert composer.compose_json(profile, fired) == expected
    assert explainer.explain_json({"stage": "IV"}) == explainer.explain(
        {"stage": "IV"}).model_dump_json().encode()


def test_json_output_is_model_dump_json(explainer: Explainer) -> None:
    # explanation_json writes the models' JSON without building their schemas (json_data).
    extras = [{}, {"age": 44, "brca_mutation": "positive"},
              {"side_effect_concerns": ["fertility", "nausea"], "age": 80}]
    for number, raw in enumerate(factor_space(explainer.kb)):
        explanation = explainer.explain({**raw, **extras[number % len(extras)]})
        assert explanation_json(explanation) == explanation.model_dump_json(indent=2) + "\n"
        assert json_data(explanation) == explanation.model_dump(mode="json")
    reported = explainer.explain({"stage": "II"}).model_copy(
        update={"from_report": ("stage", "hr_status")})
    assert json.loads(explanation_json(reported)) == {
        **reported.model_dump(mode="json"), "from_report": ["stage", "hr_status"]}


def test_explanation_models_have_no_alias_or_serializer() -> None:
    # What json_data relies on to equal model_dump.
    from explainer.explanation import models

    found = [value for value in vars(models).values()
             if isinstance(value, type) and issubclass(value, BaseModel)
             and value.__module__ == models.__name__]
    assert len(found) > 15
    for model in found:
        decorators = model.__pydantic_decorators__
        assert not decorators.field_serializers and not decorators.model_serializers, model
        for name, field in model.model_fields.items():
            assert field.alias is None and field.serialization_alias is None, (model, name)
        assert model.model_config.get("alias_generator") is None, model


def test_category_relevance_is_the_strongest_subtype(
        space: list[tuple[dict[str, str], Explanation, list[str]]]) -> None:
    for _, explanation, _ in space:
        for category in explanation.categories:
            if category.subtypes:
                strongest = min((sub.relevance for sub in category.subtypes),
                                key=RELEVANCE_ORDER.index)
                assert category.relevance == strongest
                assert {reason.subtype for reason in category.reasons} == {
                    sub.id for sub in category.subtypes if sub.relevance == strongest}


def test_unknowns_are_explained_not_guessed(
        space: list[tuple[dict[str, str], Explanation, list[str]]], kb: KnowledgeBase) -> None:
    not_asked = {factor.id: parse_condition(factor.not_asked_when, kb.factors)
                 for factor in kb.factors.values() if factor.not_asked_when is not None}
    for raw, explanation, _ in space:
        listed = {item.factor: item for item in explanation.unknown_factors}
        fact = to_fact(parse_profile(raw, kb.factors), kb.factors)
        # An unknown factor is listed unless the knowledge base says it is not asked about for
        # this profile (HER2 for DCIS).
        skipped = {factor_id for factor_id, condition in not_asked.items()
                   if holds(condition, fact)}
        unknown = {key for key, value in raw.items() if value == "unknown"}
        assert unknown - skipped <= set(listed), raw
        assert not skipped & set(listed), raw
        affected = {target for item in explanation.unknown_factors for target in item.affects}
        # Whatever is undecided names the unknown factor that could decide it. (A category with
        # subtypes is undecided through its subtypes, which are checked themselves.)
        undecided = [category.id for category in explanation.categories
                     if not category.subtypes and category.relevance == "needs_more_information"]
        undecided += [sub.id for category in explanation.categories for sub in category.subtypes
                      if sub.relevance == "needs_more_information"]
        assert set(undecided) <= affected, raw


def test_hormone_therapy_follows_hr_status(
        space: list[tuple[dict[str, str], Explanation, list[str]]]) -> None:
    # ER-low (1-10%) counts as positive (ASCO/CAP 2020) but the benefit is uncertain.
    expected = {"positive": "often_discussed", "low": "may_be_discussed",
                "negative": "less_likely", "unknown": "needs_more_information"}
    for raw, explanation, _ in space:
        assert explanation.relevance_of("hormone_therapy") == expected[raw["hr_status"]], raw


def test_her2_targeted_therapy_follows_her2_status(
        space: list[tuple[dict[str, str], Explanation, list[str]]]) -> None:
    for raw, explanation, _ in space:
        relevance = explanation.relevance_of("her2_targeted_therapy")
        if raw["stage"] == "0" or raw["her2_status"] in {"negative", "low", "ultralow"}:
            assert relevance == "less_likely", raw
        elif raw["her2_status"] == "positive":
            assert relevance == "often_discussed", raw
        else:
            assert relevance == "needs_more_information", raw


def test_stage_zero_keeps_systemic_treatment_less_likely_except_hormones(
        space: list[tuple[dict[str, str], Explanation, list[str]]]) -> None:
    for raw, explanation, _ in space:
        if raw["stage"] == "0":
            for category_id in ("chemotherapy", "targeted_therapy", "immunotherapy",
                                "tissue_agnostic_therapy"):
                assert explanation.relevance_of(category_id) == "less_likely", raw
            assert explanation.relevance_of("surgery") in {"often_discussed", "may_be_discussed"}


def test_metastatic_cancer_brings_palliative_care_and_trials_forward(
        space: list[tuple[dict[str, str], Explanation, list[str]]]) -> None:
    for raw, explanation, _ in space:
        if raw["stage"] == "IV":
            assert explanation.relevance_of("palliative_care") == "often_discussed"
            assert explanation.relevance_of("clinical_trials") == "often_discussed"
            assert explanation.relevance_of("surgery") == "may_be_discussed"
        assert explanation.relevance_of("palliative_care") != "less_likely"
        assert explanation.relevance_of("clinical_trials") != "less_likely"


def test_poor_health_means_gentler_plans_and_comfort_care(
        space: list[tuple[dict[str, str], Explanation, list[str]]]) -> None:
    for raw, explanation, _ in space:
        if raw["general_health"] == "poor":
            assert explanation.relevance_of("palliative_care") == "often_discussed", raw
            assert explanation.relevance_of("chemotherapy") != "often_discussed", raw
            chemo = explanation.category("chemotherapy")
            if raw["stage"] in INVASIVE:
                assert [reason.rule_id for reason in chemo.reasons] == ["chemo-poor-health"]


def test_menopause_changes_what_hormone_therapy_says(
        space: list[tuple[dict[str, str], Explanation, list[str]]]) -> None:
    expected = {"premenopausal": "hormone-before-menopause",
                "perimenopausal": "hormone-before-menopause",
                "postmenopausal": "hormone-after-menopause",
                "not_applicable": "hormone-men", "unknown": "hormone-menopause-unknown"}
    for raw, explanation, _ in space:
        notes = [note.rule_id for note in explanation.category("hormone_therapy").notes]
        expect = expected[raw["menopausal_status"]]
        if expect == "hormone-before-menopause" and raw["stage"] == "IV":
            expect = "hormone-before-menopause-metastatic"
        if raw["hr_status"] == "positive" and not (
                raw["stage"] == "0" and expect == "hormone-before-menopause"):
            assert expect in notes, raw
        else:
            assert not any(note.startswith("hormone-") and "menopause" in note
                           for note in notes), raw
    before = next(exp for raw, exp, _ in space
                  if raw["hr_status"] == "positive" and raw["menopausal_status"] == "premenopausal"
                  and raw["stage"] == "II")
    text = " ".join(note.text for note in before.category("hormone_therapy").notes)
    assert "ovarian suppression" in text
    assert any("ovarian suppression" in question for question in before.questions_for_doctor)
    surgery_notes = [note.rule_id for note in before.category("surgery").notes]
    assert surgery_notes == ["surgery-ovaries-before-menopause"]


def test_full_decision_space_has_no_gap_or_conflict(explainer: Explainer) -> None:
    # Adds the optional BRCA and lymph node factors: 6 x 4 x 5 x 3 x 4 x 3 = 4,320 profiles.
    factors = decision_factors(explainer.kb)
    assert set(factors) == {"stage", "hr_status", "her2_status", "nodes", "general_health",
                            "brca_mutation"}
    assert space_problems(explainer, factors) == []


def test_space_check_finds_a_gap(explainer: Explainer, kb_copy: object) -> None:
    from pathlib import Path

    from explainer import get_explainer, load_knowledge

    root = Path(str(kb_copy))
    (root / "rules" / "hormone_therapy" / "hormone-hr-unknown.yaml").unlink()
    (root / "rules" / "hormone_therapy" / "hormone-hr-unknown.cases.yaml").unlink()
    problems = space_problems(get_explainer(load_knowledge(root)), ["hr_status"])
    assert [problem.code.value for problem in problems] == ["decision-gap"]
    assert [str(problem) for problem in problems] == [
        "everything unknown: no rule decides 'hormone_therapy'"]


OVARY_RULES = {"surgery-ovaries-before-menopause", "hormone-before-menopause",
               "hormone-before-menopause-metastatic"}


def test_ovary_content_only_where_it_can_apply(
        space: list[tuple[dict[str, str], Explanation, list[str]]]) -> None:
    # Round two: DCIS care does not include ovarian suppression, and a person without ovaries
    # (men: menopausal_status not_applicable) or after menopause is never told about removing them.
    for raw, explanation, fired in space:
        shown = set(fired) & OVARY_RULES
        if (raw["stage"] == "0" or raw["hr_status"] != "positive"
                or raw["menopausal_status"] not in {"premenopausal", "perimenopausal"}):
            assert not shown, raw
        else:
            assert "surgery-ovaries-before-menopause" in shown, raw
            surgery = explanation.category("surgery")
            text = " ".join(note.text for note in surgery.notes)
            assert "cannot get pregnant with your own eggs" in text


def test_poor_health_lowers_what_goes_with_chemotherapy_and_surgery(
        space: list[tuple[dict[str, str], Explanation, list[str]]]) -> None:
    # The round-two blocking errors: the checkpoint inhibitor (given with chemotherapy), the
    # antibody-drug conjugates (they carry a chemotherapy drug) and radiation (it follows
    # breast-conserving surgery) must come down with chemotherapy and surgery.
    order = list(RELEVANCE_ORDER)
    for raw, explanation, _ in space:
        if raw["general_health"] != "poor":
            continue
        chemo = order.index(explanation.relevance_of("chemotherapy"))
        for companion in ("monoclonal_antibodies", "antibody_drug_conjugates"):
            assert explanation.relevance_of(companion) != "often_discussed", (raw, companion)
            if raw["stage"] != "unknown":
                assert order.index(explanation.relevance_of(companion)) >= chemo, raw
        if raw["stage"] in {"0", "I", "II", "III"}:
            assert explanation.relevance_of("radiation_therapy") == "may_be_discussed", raw
            assert explanation.relevance_of("surgery") == "may_be_discussed", raw


def test_new_values_get_their_own_rules(
        space: list[tuple[dict[str, str], Explanation, list[str]]]) -> None:
    for raw, explanation, fired in space:
        if raw["hr_status"] == "low" and raw["stage"] in INVASIVE and raw["her2_status"] in {
                "negative", "low", "ultralow"}:
            # ER-low is treated much like triple-negative cancer.
            assert "chemo-er-low" in fired, raw
            assert explanation.relevance_of("cdk46_inhibitors") == "less_likely"
            if raw["stage"] != "I":
                assert explanation.relevance_of("monoclonal_antibodies") == (
                    "may_be_discussed"), raw
        if raw["stage"] == "IV" and raw["her2_status"] in {"low", "ultralow"} and (
                raw["hr_status"] == "positive" and raw["general_health"] != "poor"):
            assert explanation.relevance_of("antibody_drug_conjugates") == "often_discussed"
            reasons = [reason.rule_id for reason in
                       explanation.category("targeted_therapy").subtypes[-1].reasons]
            assert reasons == ["adc-metastatic-hr-positive-her2-low"], raw
        if raw["stage"] == "IV" and raw["hr_status"] == "negative" and raw[
                "her2_status"] == "low" and raw["general_health"] != "poor":
            # HER2-low triple-negative keeps the TROP2 ADC beside the HER2 one.
            assert {"adc-metastatic-triple-negative", "adc-metastatic-her2-low"} <= set(fired)


HER2_NOT_POSITIVE = {"negative", "low", "ultralow"}


def test_genetic_counselor_comes_where_a_gene_test_is_likely(explainer: Explainer) -> None:
    # ASCO-SSO 2024: a BRCA test is offered to everyone with invasive cancer found at 65 or
    # younger; after 65 (or age not given) for triple-negative cancer or when a PARP inhibitor
    # could be an option (metastatic HER2-negative here, lymph nodes not being entered); and to
    # every man. Elsewhere the counselor would only add noise to the care team.
    for raw in factor_space(explainer.kb):
        for age in (None, 40, 65, 66, 84):
            profile = {**raw, **({} if age is None else {"age": age})}
            # An unknown stage is most likely invasive cancer: only DCIS is left out.
            invasive = raw["stage"] != "0"
            expected = raw["menopausal_status"] == "not_applicable" or (invasive and (
                (age is not None and age <= 65)
                or (raw["hr_status"] == "negative" and raw["her2_status"] in HER2_NOT_POSITIVE)
                or (raw["stage"] == "IV" and raw["her2_status"] in HER2_NOT_POSITIVE)))
            roles = [member.id for member in explainer.explain(profile).care_team]
            assert ("genetic_counselor" in roles) == expected, profile

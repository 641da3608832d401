"""Questions for the doctor: tailored to the profile, ordered, traceable, never about a drug."""

from __future__ import annotations

import re
from itertools import product

import pytest

from explainer import Explainer, Explanation, KnowledgeBase
from explainer.explanation.models import QUESTION_TOPICS, Question
from explainer.lint.factor_space import factor_space

# Drug names a question must never suggest (brand and generic names of common breast cancer
# medicines across every category the knowledge base covers).
DRUG_NAMES = (
    "tamoxifen", "letrozole", "anastrozole", "exemestane", "fulvestrant", "goserelin",
    "leuprolide", "trastuzumab", "pertuzumab", "herceptin", "lapatinib", "neratinib",
    "tucatinib", "palbociclib", "ribociclib", "abemaciclib", "olaparib", "talazoparib",
    "everolimus", "alpelisib", "capivasertib", "sacituzumab", "deruxtecan", "emtansine",
    "pembrolizumab", "atezolizumab", "doxorubicin", "cyclophosphamide", "paclitaxel",
    "docetaxel", "capecitabine", "carboplatin", "larotrectinib", "entrectinib",
)
LESS_TREATMENT = "What could happen if I choose less treatment, or none?"
CONCERNS = ["fatigue", "hair_loss", "nausea", "fertility", "menopause_symptoms", "nerve_damage",
            "body_image", "daily_life"]


def _origin_texts(kb: KnowledgeBase, question: Question) -> set[str]:
    """Every text the question's origin could have produced (its traceability)."""
    kind, _, ident = question.origin.partition(":")
    if kind == "factor":
        return {kb.factors[ident].if_unknown_question or ""}
    if kind == "rule":
        return set(kb.rule(ident).rule.questions)
    if kind == "category":
        return set(kb.categories[ident].questions)
    if kind == "subtype":
        return set(kb.subtypes[ident][1].questions)
    assert kind == "general", question.origin
    general = next(item for item in kb.disclaimer.general_questions if item.id == ident)
    texts = {general.text}
    if general.tailored is not None:
        texts.add(general.tailored.text)
    return texts


def _matches(template: str, text: str) -> bool:
    pattern = re.escape(template).replace(re.escape("{treatments}"), ".+")
    return re.fullmatch(pattern, text) is not None


def _explanations(explainer: Explainer) -> list[Explanation]:
    results = []
    for index, raw in enumerate(factor_space(explainer.kb)):
        # Every worry in turn, BRCA in turn: the whole space with its optional factors.
        extra = {"side_effect_concerns": [CONCERNS[index % len(CONCERNS)]],
                 "brca_mutation": ("positive", "negative", "unknown")[index % 3]}
        results.append(explainer.explain({**raw, **extra}))
    return results


@pytest.fixture(scope="module")
def space(explainer: Explainer) -> list[Explanation]:
    return _explanations(explainer)


def test_every_question_is_traceable_and_never_names_a_drug(space: list[Explanation],
                                                            kb: KnowledgeBase) -> None:
    for explanation in space:
        assert explanation.questions
        for question in explanation.questions:
            assert any(_matches(text, question.text)
                       for text in _origin_texts(kb, question)), question
            assert question.sources, question
            lowered = question.text.lower()
            assert not [name for name in DRUG_NAMES if name in lowered], question.text
        origins = [question.origin for question in explanation.questions]
        if explanation.profile["general_health"] == "poor":
            # Poor health: the goal, the side effects and the choice of less treatment lead
            # (disclaimer.yaml's question_order); a BRCA test question closes the list.
            assert origins[:2] == ["general:goal", "general:side_effects"], origins
            assert explanation.questions[2].text == LESS_TREATMENT, origins
            if "factor:brca_mutation" in origins:
                assert origins[-1] == "factor:brca_mutation"
        else:
            # Topics come in order: what is unknown first, general questions last.
            order = [QUESTION_TOPICS.index(question.topic) for question in explanation.questions]
            assert order == sorted(order)
        texts = [question.text for question in explanation.questions]
        assert len(texts) == len(set(texts))


def test_tailored_questions_name_the_treatments_often_discussed(space: list[Explanation]
                                                                ) -> None:
    for explanation in space:
        named = [category for category in explanation.categories
                 if category.relevance == "often_discussed"
                 and category.kind in ("local", "systemic")]
        goal = next(q for q in explanation.questions if q.origin == "general:goal")
        assert goal.about == tuple(category.id for category in named)
        if named:
            for category in named:
                assert category.name.lower() in goal.text.lower(), goal.text
        else:
            assert goal.text == "What is the goal of each treatment we talk about?"
        # Clinical trials are always worth a question, from the category or in general.
        assert "Is there a clinical trial that could fit my situation?" in (
            explanation.questions_for_doctor)


def test_tailored_wording_for_two_profiles(explainer: Explainer) -> None:
    metastatic = explainer.explain({"stage": "IV", "hr_status": "positive",
                                    "her2_status": "negative"})
    assert "What is the goal of hormone therapy and targeted therapy for me?" in (
        metastatic.questions_for_doctor)
    assert ("How would hormone therapy and targeted therapy fit with my work, family and daily "
            "life?") in metastatic.questions_for_doctor
    dcis = explainer.explain({"stage": "0", "hr_status": "positive"})
    assert ("What side effects could surgery, radiation therapy and hormone therapy have, and "
            "how are they managed?") in dcis.questions_for_doctor


def test_unknown_receptors_ask_whether_the_tumor_was_tested(explainer: Explainer) -> None:
    explanation = explainer.explain({"stage": "II"})
    unknown = [q for q in explanation.questions if q.topic == "unknown"]
    assert [q.origin for q in unknown[:4]] == [
        "factor:menopausal_status", "factor:hr_status", "factor:her2_status",
        "factor:general_health"]
    texts = " ".join(q.text for q in unknown)
    assert "tested for hormone receptors" in texts
    assert "tested for HER2" in texts
    # The unknowns come before anything else.
    assert explanation.questions[0].topic == "unknown"


@pytest.mark.parametrize(("concern", "expected"), [
    ("fertility", "fertility specialist"),
    ("hair_loss", "hair loss"),
    ("nerve_damage", "numbness or tingling"),
    ("daily_life", "practical matters"),
])
def test_side_effect_worries_bring_their_questions(explainer: Explainer, concern: str,
                                                   expected: str) -> None:
    explanation = explainer.explain({"stage": "II", "hr_status": "positive",
                                     "side_effect_concerns": [concern]})
    concern_questions = [q for q in explanation.questions if q.topic == "concern"]
    assert len(concern_questions) == 1
    assert expected in concern_questions[0].text
    assert concern_questions[0].origin.startswith("rule:concern-")
    # A worry entered is asked about before the treatments.
    topics = [q.topic for q in explanation.questions]
    assert topics.index("concern") < topics.index("treatment")


def test_the_list_stays_short_enough_to_use(explainer: Explainer) -> None:
    """Even with every factor unknown or every worry ticked, the list stays readable."""
    longest = 0
    for stage, hr, her2 in product(["0", "II", "IV", "unknown"], ["positive", "negative",
                                   "unknown"], ["positive", "low", "unknown"]):
        explanation = explainer.explain({"stage": stage, "hr_status": hr, "her2_status": her2,
                                         "side_effect_concerns": CONCERNS[:3]})
        longest = max(longest, len(explanation.questions))
    assert 8 <= longest <= 18


def test_a_tailored_question_without_its_placeholder_is_a_located_error(kb_copy: object) -> None:
    from pathlib import Path

    from explainer import KnowledgeBaseError, load_knowledge

    path = Path(str(kb_copy)) / "knowledge" / "disclaimer.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("What is the goal of {treatments} for me?",
                                 "What is the goal of {treatment} for me?"), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge(Path(str(kb_copy)))
    (line,) = caught.value.lines()
    assert "disclaimer.yaml:" in line and "'{treatments}' once" in line


OLDER_AND_FRAIL = {"age": 84, "general_health": "poor", "stage": "II", "hr_status": "positive",
                   "her2_status": "negative", "menopausal_status": "postmenopausal"}


def test_an_older_frail_person_is_first_asked_about_goals_side_effects_and_less_treatment(
        explainer: Explainer) -> None:
    # Issue 9's profile: an 84-year-old in poor health with early HR-positive cancer.
    texts = explainer.explain(OLDER_AND_FRAIL).questions_for_doctor
    assert texts[:4] == [
        "What is the goal of hormone therapy for me?",
        "What side effects could hormone therapy have, and how are they managed?",
        LESS_TREATMENT,
        "How would hormone therapy fit with my work, family and daily life?",
    ]
    assert texts[-1] == "Could genetic testing for an inherited BRCA change be useful for me?"
    assert not any("menopause" in text.lower() for text in texts)
    # Age alone (good health) and poor health alone bring the same order; a younger person
    # in good health keeps the usual one (what is not known yet first).
    for changed in ({"general_health": "good"}, {"age": 55}):
        texts = explainer.explain({**OLDER_AND_FRAIL, **changed}).questions_for_doctor
        assert texts[2] == LESS_TREATMENT, changed
        assert texts[-1].startswith("Could genetic testing"), changed
    usual = explainer.explain({**OLDER_AND_FRAIL, "age": 55, "general_health": "good"})
    assert usual.questions[0].topic == "unknown"
    assert LESS_TREATMENT not in usual.questions_for_doctor


def test_grouped_views_keep_the_older_frail_order(explainer: Explainer) -> None:
    from explainer.render.html import render_html

    html = render_html(explainer.explain(OLDER_AND_FRAIL), handout="full")
    goal = html.index("What is the goal of hormone therapy for me?")
    assert goal < html.index(LESS_TREATMENT) < html.index("Could genetic testing for an")


def test_the_short_view_starts_with_the_older_frail_order(explainer: Explainer) -> None:
    from explainer.render import render

    explanation = explainer.explain(OLDER_AND_FRAIL)
    assert explanation.question_order == "older_or_frail"
    text = render(explanation, "text", width=200, detail="brief")
    start = text[text.index("START HERE"):text.index("AT A GLANCE")]
    assert [line[2:] for line in start.splitlines() if line.startswith("* ")] == [
        "What is the goal of hormone therapy for me?",
        "What side effects could hormone therapy have, and how are they managed?",
        LESS_TREATMENT]
    assert "BRCA" not in start
    assert explainer.explain({**OLDER_AND_FRAIL, "age": 55,
                              "general_health": "good"}).question_order is None


def test_a_question_order_naming_an_unknown_question_is_a_located_error(kb_copy: object
                                                                        ) -> None:
    from pathlib import Path

    from explainer import KnowledgeBaseError, load_knowledge

    path = Path(str(kb_copy)) / "knowledge" / "disclaimer.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("last: [factor:brca_mutation]", "last: [factor:brca]"),
                    encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge(Path(str(kb_copy)))
    (line,) = caught.value.lines()
    assert "disclaimer.yaml:" in line and "'factor:brca' names no question" in line

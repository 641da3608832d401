"""Who is reading: a caregiver reads "the person you care for" where the person with cancer
reads "you", in questions and interface phrases, from knowledge/readers.yaml."""

from __future__ import annotations

import re

import yaml

from explainer import Explainer
from explainer.explanation.reader import Reader, load_reader
from explainer.render import document, html
from explainer.web import views

PROFILE = {"stage": "II", "hr_status": "unknown", "side_effect_concerns": ["body_image"]}


def _texts_of(explainer: Explainer) -> set[str]:
    """Every text a reader can meet that readers.yaml may reword."""
    kb = explainer.kb
    found = {kb.disclaimer.disclaimer, *document.TEXT.values(), *html.TEXT.values(),
             *views.TEXT.values()}
    for factor in kb.factors.values():
        found.update(text for text in (factor.question, factor.help, factor.label) if text)
        for value in factor.values:
            found.update(text for text in (value.label, value.help) if text)
    return found


def test_every_phrase_is_one_the_tool_says(explainer: Explainer) -> None:
    # A phrase reworded in the knowledge base must be reworded for caregivers too.
    raw = yaml.safe_load((explainer.kb.root / "knowledge" / "readers.yaml").read_text())
    texts = _texts_of(explainer)
    missing = [phrase for phrase in raw["caregiver"]["phrases"] if phrase not in texts]
    assert not missing


def test_no_form_question_says_you_to_a_caregiver(explainer: Explainer) -> None:
    caregiver = load_reader("caregiver", explainer.kb.root)
    for factor in explainer.kb.factors.values():
        # The question asks about the person cared for; help may still speak to the reader
        # ("your care team can tell you"), but never of "your" health, periods or report.
        assert not re.search(r"\byou(?! care for)\b", caregiver.say(factor.question), re.I)
        for text in (factor.question, factor.help, factor.label,
                     *(value.help for value in factor.values if value.help)):
            said = caregiver.say(text or "")
            assert not re.search(r"\byour\b", said, re.I), said
            assert not re.search(r"\b(my|me|I)\b", said), said


def test_a_caregiver_reads_their_and_the_person_you_care_for(explainer: Explainer) -> None:
    caregiver = load_reader("caregiver", explainer.kb.root)
    plain = explainer.explain(PROFILE)
    said = caregiver.explanation(plain)
    assert "the person you care for" in said.disclaimer
    assert said.disclaimer != plain.disclaimer
    assert len(said.questions_for_doctor) == len(plain.questions_for_doctor)
    for before, after in zip(plain.questions_for_doctor, said.questions_for_doctor, strict=True):
        assert not re.search(r"\b(my|me|I)\b", after), after
        if re.search(r"\b(my|me|I)\b", before):
            assert after != before and re.search(r"\b(their|them|they)\b", after, re.I)
    worries = next(item for item in said.entered if item.factor == "side_effect_concerns")
    assert worries.label == "Side effects that worry the person you care for"
    assert worries.value_label == "Changes to how their body looks"
    # Everything else is the same explanation.
    assert said.categories == plain.categories and said.profile == plain.profile


def test_first_person_words_keep_sentence_case() -> None:
    reader = Reader("caregiver", {}, {"am I": "are they", "I": "they", "my": "their",
                                      "me": "them"})
    assert reader.ask("Am I able to work? I hope so.") == "Are they able to work? They hope so."
    assert reader.ask("What does my result mean for me?") == (
        "What does their result mean for them?")
    assert reader.ask("Immunotherapy, menopause") == "Immunotherapy, menopause"
    assert reader.ask("Is stage I treated with surgery?") == "Is stage I treated with surgery?"
    # Labels change only as whole phrases: "Stage I (early)" stays.
    assert reader.say("Stage I (early)") == "Stage I (early)"
    assert reader.say("My periods") == "My periods"
    assert Reader().ask("What does my result mean?") == "What does my result mean?"


def test_labels_and_stages_are_kept(explainer: Explainer) -> None:
    caregiver = load_reader("caregiver", explainer.kb.root)
    for factor in explainer.kb.factors.values():
        for value in factor.values:
            said = caregiver.say(value.label)
            # Reworded only as a whole phrase, about them ("They are pregnant").
            assert said == value.label or re.search(r"\b(their|they|them)\b", said, re.I), said
    stage_one = caregiver.explanation(explainer.explain({"stage": "I"}))
    assert stage_one.entered[0].value_label == "Stage I (early)"


def test_the_person_with_cancer_reads_it_unchanged(explainer: Explainer) -> None:
    plain = explainer.explain(PROFILE)
    assert load_reader("self", explainer.kb.root).explanation(plain) is plain

"""Laying a translation layer (see :mod:`explainer.kb.translation`) over the English knowledge
base: every patient-facing text by id, ids, values and rules unchanged; the translation's own
review states; the status line added to the disclaimer."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from explainer.kb.interface import SCREENS, InterfaceFile
from explainer.kb.models import TailoredQuestion
from explainer.kb.review_meta import StatementReview, slug
from explainer.kb.reviews import RELEVANCE_MANY, SUPPORT_INTRO, text_hash
from explainer.kb.translation import (
    NOT_KNOWN_ID,
    NOTICE_ID,
    NOTICE_INCOMPLETE_ID,
    NOTICE_REVIEWED_ID,
    Layer,
    english_texts,
    is_stale,
    phrase_id,
    placeholders,
)


class _Overlay:
    """Looks up the translation of each id, remembering what was missing."""

    def __init__(self, layer: Layer) -> None:
        self.layer = layer
        self.missing: list[str] = []

    def __call__(self, ident: str, english: str) -> str:
        found = self.layer.text(ident)
        if found is None or placeholders(found) != placeholders(english):
            # Missing, or unusable: a text whose {placeholders} differ would fail when filled
            # in. Shown in English, said so by the status line, reported by the lint.
            self.missing.append(ident)
            return english
        return found

    def maybe(self, ident: str, english: str | None) -> str | None:
        return None if english is None else self(ident, english)

    def questions(self, prefix: str, questions: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self(f"{prefix}/question.{number}", text)
                     for number, text in enumerate(questions, 1))


def _treatment(t: _Overlay, kind: str, item: Any) -> dict[str, Any]:
    prefix = f"{kind}:{item.id}"
    update = {"name": t(f"{prefix}/name", item.name),
              "summary": t(f"{prefix}/summary", item.summary),
              "description": t(f"{prefix}/description", item.description),
              "questions": t.questions(prefix, item.questions),
              "never_discussed": t.maybe(f"{prefix}/never_discussed", item.never_discussed)}
    if kind == "category":
        update["side_effects"] = t(f"{prefix}/side_effects", item.side_effects)
    return update


def _factors(t: _Overlay, kb: Any) -> dict[str, Any]:
    found = {}
    for factor in kb.factors.values():
        prefix = f"factor:{factor.id}"
        values = tuple(value.model_copy(update={
            "label": t(f"{prefix}/value.{value.id}/label", value.label),
            "help": t.maybe(f"{prefix}/value.{value.id}", value.help),
            # Spanish words are accepted besides the English ones (ids never change).
            "aliases": (*value.aliases, *t.layer.words(f"{prefix}/value.{value.id}/aliases")),
        }) for value in factor.values)
        bands = tuple(band.model_copy(update={
            "label": t(f"{prefix}/band.{band.id}/label", band.label)}) for band in factor.bands)
        found[factor.id] = factor.model_copy(update={
            "label": t(f"{prefix}/label", factor.label),
            "question": t(f"{prefix}/question", factor.question),
            "help": t(f"{prefix}/help", factor.help),
            "why_it_matters": t(f"{prefix}/why_it_matters", factor.why_it_matters),
            "if_unknown_question": t.maybe(f"{prefix}/if_unknown_question",
                                           factor.if_unknown_question),
            "values": values, "bands": bands})
    return found


def _reviews(kb: Any, layer: Layer, texts: Mapping[str, str]) -> dict[str, StatementReview]:
    """The state of every statement in the translated knowledge base: the translation's own
    state while its English is unchanged, else draft (stale); draft when not translated."""
    found: dict[str, StatementReview] = {}
    for ident in kb.statement_reviews:
        item = layer.strings.get(ident)
        english = texts.get(ident, "")
        if item is None or not isinstance(item.es, str):
            found[ident] = StatementReview("draft", text_hash(english))
        elif is_stale(item, english):
            found[ident] = StatementReview(
                "draft", text_hash(item.es),
                changed_since=item.state if item.state != "draft" else "")
        else:
            found[ident] = StatementReview(item.state, text_hash(item.es))
    return found


def notice(layer: Layer, texts: Mapping[str, str], missing: bool) -> str:
    """The translation's status line (in the layer's language), or "" when the layer has none.

    "Not reviewed by a professional" unless every string is clinician_reviewed and current;
    plus a sentence when some strings are not translated yet."""
    current_reviewed = all(
        (item := layer.strings.get(ident)) is not None and item.state == "clinician_reviewed"
        and not is_stale(item, english) for ident, english in texts.items())
    ident = NOTICE_REVIEWED_ID if current_reviewed and not missing else NOTICE_ID
    parts = [layer.text(ident) or layer.text(NOTICE_ID) or ""]
    if missing:
        parts.append(layer.text(NOTICE_INCOMPLETE_ID) or "")
    return " ".join(part for part in parts if part)


def fingerprint(english: str, lang: str) -> str:
    """The cache key of the ``lang`` knowledge base built on the English one ``english`` (whose
    fingerprint covers every file under knowledge/, the layers included)."""
    return hashlib.sha256(f"{english}\0{lang}".encode()).hexdigest()


# Over 60 lines on purpose: one place lists every kind of text a translation replaces, so a
# kind left out shows here as a gap, beside the others.
def translate(kb: Any, layer: Layer) -> Any:
    """The knowledge base ``kb`` with every patient-facing text taken from ``layer``.

    Ids, values, conditions, sources and the rules' logic are the English ones; only words
    change. Strings the layer lacks stay English and are listed in ``untranslated``.
    """
    t = _Overlay(layer)
    disclaimer = kb.disclaimer
    general = tuple(question.model_copy(update={
        "text": t(f"general:{question.id}/text", question.text),
        "tailored": None if question.tailored is None else TailoredQuestion.model_construct(
            text=t(f"general:{question.id}/tailored", question.tailored.text),
            kinds=question.tailored.kinds)})
        for question in disclaimer.general_questions)
    relevance = {key: level.model_copy(update={
        "label": t(f"relevance:{level.id}/label", level.label),
        "meaning": t(f"relevance:{level.id}/meaning", level.meaning),
        "label_with_factors": t.maybe(f"relevance:{level.id}/label_with_factors",
                                      level.label_with_factors),
        "in_short": t.maybe(f"relevance:{level.id}/in_short", level.in_short)})
        for key, level in kb.relevance_levels.items()}
    relevance_many = t.maybe(f"relevance:{RELEVANCE_MANY}/text", kb.relevance_many)
    categories = {key: category.model_copy(update={
        **_treatment(t, "category", category),
        "subtypes": tuple(subtype.model_copy(update=_treatment(t, "subtype", subtype))
                          for subtype in category.subtypes)})
        for key, category in kb.categories.items()}
    rules = tuple(replace(loaded, rule=loaded.rule.model_copy(update={
        "reason": t(f"rule:{loaded.id}/reason", loaded.rule.reason),
        "questions": t.questions(f"rule:{loaded.id}", loaded.rule.questions)}))
        for loaded in kb.rules)
    care_team = tuple(role.model_copy(update={
        "role": t(f"care_team:{role.id}/name", role.role),
        "why": t(f"care_team:{role.id}/why", role.why)}) for role in kb.care_team)
    glossary = []
    term_keys = {}
    for term in kb.glossary:
        key = slug(term.term)
        name = t(f"glossary:{key}/term", term.term)
        term_keys[name] = key
        glossary.append(term.model_copy(update={
            "term": name, "definition": t(f"glossary:{key}/definition", term.definition),
            "aliases": layer.words(f"glossary:{key}/aliases")
            if name != term.term else term.aliases}))
    stage_meanings = {key: meaning.model_copy(update={
        "meaning": t(f"stage:{meaning.stage}/meaning", meaning.meaning),
        "short": t.maybe(f"stage:{meaning.stage}/short", meaning.short)})
        for key, meaning in kb.stage_meanings.items()}
    support = kb.support
    if support is not None:
        support = support.model_copy(update={
            "intro": t(f"support:{SUPPORT_INTRO}/text", support.intro),
            "items": tuple(item.model_copy(update={
                "title": t(f"support:{item.id}/title", item.title),
                "text": t(f"support:{item.id}/text", item.text)}) for item in support.items)})
    interface = InterfaceFile.model_validate({
        "language": layer.lang,
        **{screen: {key: t(phrase_id(screen, key), text)
                    for key, text in kb.interface.texts(screen).items()}
           for screen in SCREENS}})
    factors = _factors(t, kb)
    not_known = t(NOT_KNOWN_ID, kb.not_known_label)
    texts = english_texts(kb)
    status = notice(layer, texts, bool(t.missing))
    disclaimer_text = t("disclaimer:disclaimer/text", disclaimer.disclaimer)
    disclaimer = disclaimer.model_copy(update={
        "disclaimer": f"{disclaimer_text} {status}".strip(), "general_questions": general})
    return replace(
        kb, factors=factors, not_known_label=not_known, categories=categories,
        relevance_levels=relevance, relevance_many=relevance_many, care_team=care_team,
        glossary=tuple(glossary),
        disclaimer=disclaimer, interface=interface, rules=rules,
        fingerprint=fingerprint(kb.fingerprint, layer.lang), stage_meanings=stage_meanings,
        support=support, language=layer.lang, translation_notice=status,
        untranslated=tuple(dict.fromkeys(t.missing)), term_keys=term_keys,
        statement_reviews=_reviews(kb, layer, texts))


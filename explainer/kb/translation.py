"""A second language for everything a person reads: the layer ``knowledge/<lang>/*.yaml``.

English stays the source. The layer gives, for the same ids, the words shown in another
language; :func:`translate` lays them over a loaded English :class:`KnowledgeBase` and returns
a knowledge base whose every patient-facing text is in that language, while every id, value,
condition and rule stays the English one (so the same rules fire).

Each file holds ``strings:``, a mapping from an id to its translation::

    strings:
      rule:surgery-before-spread/reason:
        es: >-
          Texto en español ...
        en_hash: 1a2b3c4d5e6f   # text_hash() of the English text it translates
        state: draft             # draft | source_checked | clinician_reviewed

The ids are the statement ids of the review packet (``rule:<id>/reason``,
``factor:stage/value.IV``, ``phrase:document.title/text``...) and, for the names and labels
that are not statements, the ids listed by :func:`label_texts` (``category:surgery/name``,
``factor:stage/value.IV/label``, ``glossary:her2/term``, ``care_team:surgeon/name``...).
``factor:<id>/value.<value>/aliases`` and ``glossary:<slug>/aliases`` hold lists: the words a
person may type for a value (``--hr positivo``), the other spellings marked as a term.

Honest status: a translation whose ``en_hash`` no longer matches the English is *stale*. It is
still shown (an older Spanish wording is closer to the truth than no Spanish), but its state
counts as ``draft`` and ``explainer lint`` reports it. A string with no translation at all is
shown in English -- never silently: the lint reports it, and the translation notice (a phrase
of the layer, added to the disclaimer, so that it is first and last in every output and cannot
be switched off) says that part of the text is not translated yet.

Citations (the titles, publishers and section titles of the sources) are names of documents
and are shown as published.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StrictStr, field_validator

from explainer.errors import InputError, KnowledgeBaseError
from explainer.kb.interface import SCREENS, InterfaceFile
from explainer.kb.models import (
    Frozen,
    ReviewState,
    TailoredQuestion,
    TextHash,
)
from explainer.kb.reviews import (
    RELEVANCE_MANY,
    SUPPORT_INTRO,
    StatementReview,
    entries,
    slug,
    text_hash,
)

LANGUAGES: tuple[str, ...] = ("en", "es")
"""The languages the tool speaks: English (the source) and the layers under knowledge/."""
SOURCE_LANGUAGE = "en"
LANG_ENV = "EXPLAINER_LANG"
"""The environment variable that sets the default of ``--lang``."""

NOTICE_ID = "translation:notice/text"
"""The layer's own status line: the translation has not been reviewed by a professional."""
NOTICE_REVIEWED_ID = "translation:notice_reviewed/text"
"""The status line when every string of the layer is clinician_reviewed and current."""
NOTICE_INCOMPLETE_ID = "translation:notice_incomplete/text"
"""Added to the status line when some strings are not translated yet (shown in English)."""
NOT_KNOWN_ID = "factor:_not_known/label"
"""How an unknown factor is shown under "what you entered" (``not_known_label``)."""
LAYER_IDS = (NOTICE_ID, NOTICE_REVIEWED_ID, NOTICE_INCOMPLETE_ID)
"""Ids that exist only in a translation (no English counterpart)."""


def choose_language(value: str | None) -> str:
    """The language asked for: ``value`` (from ``--lang``), else ``$EXPLAINER_LANG``, else
    English. Raises :class:`InputError` (one line, exit 2) for a language the tool lacks."""
    chosen = value if value is not None else os.environ.get(LANG_ENV) or SOURCE_LANGUAGE
    wanted = chosen.strip().lower()
    if wanted not in LANGUAGES:
        where = "--lang" if value is not None else LANG_ENV
        raise InputError(f"{where}: '{chosen[:40]}' is not a language this tool speaks; "
                         f"use one of: {', '.join(LANGUAGES)}")
    return wanted


# --- the layer's files -------------------------------------------------------------------------


class Translation(Frozen):
    """One translated string: the words, the hash of the English they translate, its state."""

    es: Annotated[StrictStr, Field(min_length=1, max_length=2000)] | tuple[
        Annotated[StrictStr, Field(min_length=1, max_length=200)], ...]
    en_hash: TextHash | None = None
    """None only for the layer's own strings (the notices), which translate no English."""
    state: ReviewState = "draft"

    @field_validator("en_hash", mode="before")
    @classmethod
    def _digits_only(cls, value: Any) -> Any:
        # A hash of twelve decimal digits, unquoted, is read by YAML as a number.
        return f"{value:012d}" if isinstance(value, int) and not isinstance(value, bool) else value


LayerId = Annotated[StrictStr, Field(
    pattern=r"^[a-z_]+:[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){1,2}$", max_length=200)]
"""A statement id (``kind:key/field``) or a label id (``factor:stage/value.IV/label``)."""


class LayerFile(Frozen):
    """``knowledge/<lang>/<kind>.yaml``: translations by id."""

    strings: dict[LayerId, Translation] = Field(default_factory=dict)


@dataclass(frozen=True)
class Layer:
    """Every translated string of one language, with the file each comes from."""

    lang: str
    strings: dict[str, Translation]
    files: dict[str, Path] = field(default_factory=dict)
    """The file each id is written in."""
    raw: dict[Path, Any] = field(default_factory=dict)
    """The parsed files (with line numbers, for the lint)."""

    def text(self, ident: str) -> str | None:
        """The translated text of ``ident`` (None when missing or a list)."""
        found = self.strings.get(ident)
        return found.es if found is not None and isinstance(found.es, str) else None

    def words(self, ident: str) -> tuple[str, ...]:
        """The translated list of ``ident`` (aliases), empty when missing."""
        found = self.strings.get(ident)
        if found is None:
            return ()
        return found.es if isinstance(found.es, tuple) else (found.es,)


def layer_folder(root: Path, lang: str) -> Path:
    """Where the layer of ``lang`` lives: ``knowledge/<lang>/``."""
    return root / "knowledge" / lang


def read_layer(root: Path, lang: str) -> Layer:
    """Read and validate ``knowledge/<lang>/*.yaml``. An id given twice, a file that is not
    valid YAML or not of the expected shape is a :class:`KnowledgeBaseError` with file:line.
    A missing folder is an empty layer (the lint reports every string as missing)."""
    from explainer.kb.validation import FAILED, Collector, read, validate
    from explainer.kb.yamlio import line_for

    issues = Collector()
    strings: dict[str, Translation] = {}
    files: dict[str, Path] = {}
    raws: dict[Path, Any] = {}
    folder = layer_folder(root, lang)
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    for path in paths:
        raw = read(path, issues)
        if raw is FAILED or raw is None:
            continue
        raws[path] = raw
        model = validate(LayerFile, raw, path, issues)
        if model is None:
            continue
        for ident, item in model.strings.items():
            if ident in strings:
                issues.add(path, line_for(raw, ("strings", ident)),
                           f"'{ident}' is translated twice (also in {files[ident].name})",
                           "keep one of the two")
                continue
            strings[ident] = item
            files[ident] = path
    if issues.issues:
        raise KnowledgeBaseError(issues.issues, root)
    return Layer(lang, strings, files, raws)


# --- what there is to translate ----------------------------------------------------------------


def phrase_id(screen: str, key: str) -> str:
    """The id of a fixed phrase of the interface: ``phrase:<screen>.<key>/text``."""
    return f"phrase:{screen}.{key}/text"


def statement_texts(kb: Any) -> dict[str, str]:
    """Every statement of the English ``kb`` (normalised text) and every fixed phrase (as
    written), by id: the same ids as the review packet."""
    found = {entry.statement_id(name): text for entry in entries(kb) for name, text in entry.fields}
    for screen in SCREENS:
        for key, text in kb.interface.texts(screen).items():
            found[phrase_id(screen, key)] = text
    return found


def label_texts(kb: Any) -> dict[str, str]:
    """The names and labels shown that are not statements, by id: category and kind names,
    factor labels, value labels, age band labels, glossary terms, care-team roles, how an
    unknown factor is shown."""
    found: dict[str, str] = {}
    for category in kb.categories.values():
        found[f"category:{category.id}/name"] = category.name
        for subtype in category.subtypes:
            found[f"subtype:{subtype.id}/name"] = subtype.name
    for factor in kb.factors.values():
        found[f"factor:{factor.id}/label"] = factor.label
        for value in factor.values:
            found[f"factor:{factor.id}/value.{value.id}/label"] = value.label
        for band in factor.bands:
            found[f"factor:{factor.id}/band.{band.id}/label"] = band.label
    found[NOT_KNOWN_ID] = kb.not_known_label
    for role in kb.care_team:
        found[f"care_team:{role.id}/name"] = role.role
    for term in kb.glossary:
        found[f"glossary:{slug(term.term)}/term"] = term.term
    return found


def english_texts(kb: Any) -> dict[str, str]:
    """Every id of the knowledge base a translation must give, with its English text
    (statements, phrases, labels; the teaching scenarios' are
    :func:`explainer.kb.scenarios.scenario_texts`)."""
    return {**statement_texts(kb), **label_texts(kb)}


def optional_ids(kb: Any) -> set[str]:
    """Ids a translation may give but need not: the lists of words typed or marked."""
    found = {f"factor:{factor.id}/value.{value.id}/aliases"
             for factor in kb.factors.values() for value in factor.values}
    found |= {f"glossary:{slug(term.term)}/aliases" for term in kb.glossary}
    return found | set(LAYER_IDS)


_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def placeholders(text: str) -> list[str]:
    """The ``{placeholders}`` of a text, sorted (a translation must keep the English ones)."""
    return sorted(_PLACEHOLDER.findall(text))


def is_stale(item: Translation, english: str) -> bool:
    """Whether the English changed since ``item`` was translated (or it does not say which
    English it translates)."""
    return item.en_hash is None or item.en_hash != text_hash(english)


# --- laying a translation over the English knowledge base -------------------------------------


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
        translated_reviews=_reviews(kb, layer, texts))


"""Review states pinned to the words: which statements were checked, by whom, and whether the
words are still the ones checked.

A *statement* is one text a person can read (a rule's reason, a category's summary, a glossary
definition...). Its id names the entry and the field it comes from, for example
``rule:chemo-stage-unknown/reason``, ``rule:chemo-stage-unknown/question.1``,
``glossary:her2/definition`` or ``factor:stage/question``; ids are derived from the knowledge
base, so the same text keeps the same id from one run (and one packet) to the next.

Three states, from the least to the most checked:

- ``draft``: written, not checked (or changed since its check);
- ``source_checked``: a maintainer checked the entry against its cited sources. The entry's YAML
  says who and when, and ``text_hash``, the hash of the texts they checked;
- ``clinician_reviewed``: a named clinician, with a role and a date, approved these exact words.
  Approvals are records in ``knowledge/reviews/clinician.yaml`` (written by ``explainer review
  apply``), beside the content, each with the hash of the text it approved.

A check or an approval whose hash no longer matches the current text does not count: the
statement is shown as a draft and ``explainer lint`` reports it as changed since review.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.review_meta import (
    ClinicianReview,
    Review,
    ReviewComment,
    StatementReview,
    slug,
)

SUPPORT_INTRO = "_intro"
"""The key of the support section's intro (``support:_intro/text``): an item id cannot start
with ``_``, so it never clashes with one."""
RELEVANCE_MANY = "_many"
"""The key of relevance.yaml's ``many`` phrase: its statement id is ``relevance:_many/text``."""


def normalise(text: str) -> str:
    """``text`` with every run of whitespace folded to one space (YAML folding and line
    breaks do not change the words a reader sees)."""
    return " ".join(text.split())


def text_hash(text: str) -> str:
    """The first 12 hex digits of the SHA-256 of the normalised ``text``."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:12]


def entry_hash(fields: Iterable[tuple[str, str]]) -> str:
    """The hash of an entry's texts: one ``field: text`` line per statement, in order. Any
    change of wording, and any text added or moved, changes it."""
    return text_hash("\n".join(f"{name}: {normalise(text)}" for name, text in fields))


@dataclass(frozen=True)
class Entry:
    """One entry of the knowledge base that carries review fields, and its texts."""

    kind: str
    """``disclaimer``, ``relevance``, ``category``, ``subtype``, ``rule``, ``factor``,
    ``care_team``, ``glossary``, ``general`` (a general question), ``stage`` (what a stage
    value means) or ``support`` (a support item; ``support:_intro`` is the section's intro)."""
    key: str
    review: Review | None
    """None for the relevance wording (relevance.yaml has no review fields)."""
    fields: tuple[tuple[str, str], ...]
    """(field id, normalised text), e.g. ``("question.1", "...")``."""

    @property
    def id(self) -> str:
        """``kind:key``."""
        return f"{self.kind}:{self.key}"

    def statement_id(self, field: str) -> str:
        """``kind:key/field``."""
        return f"{self.kind}:{self.key}/{field}"

    @property
    def text_hash(self) -> str:
        """The hash of the entry's current texts (compared with ``review.text_hash``)."""
        return entry_hash(self.fields)


def _get(item: object, name: str) -> Any:
    """A field of a model or of raw YAML data (the models' field names are the YAML keys)."""
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def entry_fields(kind: str, item: object) -> tuple[tuple[str, str], ...]:
    """The statements of one entry as (field id, normalised text), from its model or from
    its raw YAML mapping (the migration reads files the models no longer accept)."""
    fields: list[tuple[str, object]] = []
    if kind == "disclaimer":
        fields = [("text", _get(item, "disclaimer"))]
    elif kind == "relevance":
        fields = [("label", _get(item, "label")), ("meaning", _get(item, "meaning")),
                  ("label_with_factors", _get(item, "label_with_factors")),
                  ("in_short", _get(item, "in_short"))]
    elif kind == "relevance_many":
        fields = [("text", item)]
    elif kind in ("category", "subtype"):
        fields = [("summary", _get(item, "summary")), ("description", _get(item, "description"))]
        if kind == "category":
            fields.append(("side_effects", _get(item, "side_effects")))
        fields += [(f"question.{number}", text)
                   for number, text in enumerate(_get(item, "questions") or (), 1)]
        fields.append(("never_discussed", _get(item, "never_discussed")))
    elif kind == "rule":
        fields = [("reason", _get(item, "reason")),
                  *((f"question.{number}", text)
                    for number, text in enumerate(_get(item, "questions") or (), 1))]
    elif kind == "factor":
        fields = [(name, _get(item, name)) for name in
                  ("question", "help", "why_it_matters", "if_unknown_question")]
        fields += [(f"value.{_get(value, 'id')}", _get(value, "help"))
                   for value in _get(item, "values") or ()]
    elif kind == "care_team":
        fields = [("why", _get(item, "why"))]
    elif kind == "glossary":
        fields = [("definition", _get(item, "definition"))]
    elif kind == "general":
        tailored = _get(item, "tailored")
        fields = [("text", _get(item, "text")),
                  ("tailored", _get(tailored, "text") if tailored is not None else None)]
    elif kind == "stage":
        fields = [("meaning", _get(item, "meaning")), ("short", _get(item, "short"))]
    elif kind == "support":
        fields = [("title", _get(item, "title")), ("text", _get(item, "text"))]
    elif kind == "support_intro":
        fields = [("text", _get(item, "intro"))]
    elif kind == "scenario":
        fields = [("teaching_point", _get(item, "teaching_point")),
                  ("ask_the_room", _get(item, "ask_the_room"))]
    else:
        raise ValueError(f"unknown kind of entry {kind!r}")
    return tuple((name, normalise(text)) for name, value in fields
                 if (text := _text(value)) is not None)


def entry_key(kind: str, item: object) -> str:
    """The key of an entry within its kind: its id, a glossary term's slug, a stage
    meaning's stage value."""
    if kind == "glossary":
        return slug(str(_get(item, "term")))
    if kind == "stage":
        return str(_get(item, "stage"))
    if kind == "disclaimer":
        return "disclaimer"
    return str(_get(item, "id"))


def _entry(kind: str, item: object, review: Review | None) -> Entry:
    return Entry(kind, entry_key(kind, item), review, entry_fields(kind, item))


def entries(kb: KnowledgeBase) -> Iterator[Entry]:
    """Every entry of ``kb`` with its texts, in the order of the review packet."""
    yield _entry("disclaimer", kb.disclaimer, kb.disclaimer.review)
    for level in kb.relevance_levels.values():
        yield _entry("relevance", level, None)
    if kb.relevance_many:
        # How "In short" counts many treatments ("many" in relevance.yaml): a draft always.
        yield Entry("relevance", RELEVANCE_MANY, None,
                    entry_fields("relevance_many", kb.relevance_many))
    for category in kb.categories.values():
        yield _entry("category", category, category.review)
        for subtype in category.subtypes:
            yield _entry("subtype", subtype, subtype.review)
    for loaded in kb.rules:
        yield _entry("rule", loaded.rule, loaded.rule.review)
    for factor in kb.factors.values():
        yield _entry("factor", factor, factor.review)
    for role in kb.care_team:
        yield _entry("care_team", role, role.review)
    for term in kb.glossary:
        yield _entry("glossary", term, term.review)
    for question in kb.disclaimer.general_questions:
        yield _entry("general", question, question.review)
    for meaning in kb.stage_meanings.values():
        yield _entry("stage", meaning, meaning.review)
    if kb.support is not None:
        # The intro has no review fields of its own: always a draft, like the relevance words.
        yield Entry("support", SUPPORT_INTRO, None, entry_fields("support_intro", kb.support))
        for item in kb.support.items:
            yield _entry("support", item, item.review)


def _latest(records: Iterable[ClinicianReview]) -> ClinicianReview | None:
    return max(records, key=lambda record: record.date, default=None)


def statement_reviews(kb: KnowledgeBase,
                      texts: Iterable[tuple[str, str, Entry | None]] = ()
                      ) -> dict[str, StatementReview]:
    """The effective state of every statement of ``kb``, by statement id.

    ``clinician_reviewed`` when the ledger holds an approval of the current words; else
    ``source_checked`` when the entry says so and its texts are the ones checked; else
    ``draft``. ``texts`` adds statements that are not in the YAML entries (the fixed phrases
    of the layout): (statement id, text, None).
    """
    approvals: dict[str, list[ClinicianReview]] = {}
    for record in kb.clinician_reviews:
        approvals.setdefault(record.statement, []).append(record)
    comments: dict[str, list[ReviewComment]] = {}
    for comment in kb.review_comments:
        comments.setdefault(comment.statement, []).append(comment)

    found: dict[str, StatementReview] = {}
    items = [(entry.statement_id(name), text, entry) for entry in entries(kb)
             for name, text in entry.fields]
    for statement_id, text, entry in [*items, *texts]:
        current = text_hash(text)
        records = approvals.get(statement_id, [])
        approved = _latest(record for record in records if record.text_hash == current)
        open_comments = tuple(
            comment for comment in comments.get(statement_id, ())
            if comment.text_hash == current
            and (approved is None or comment.date > approved.date))
        stale_approval = _latest(record for record in records if record.text_hash != current)
        review = entry.review if entry is not None else None
        checked = (review is not None and review.status == "source_checked"
                   and review.text_hash == entry.text_hash if entry is not None else False)
        changed = ""
        if stale_approval is not None and (approved is None
                                           or stale_approval.date > approved.date):
            changed = "clinician_reviewed"
        elif (review is not None and review.status == "source_checked" and not checked):
            changed = "source_checked"
        if approved is not None:
            found[statement_id] = StatementReview(
                "clinician_reviewed", current, approved.reviewer, approved.role, approved.date,
                changed, open_comments)
        elif checked and review is not None:
            found[statement_id] = StatementReview(
                "source_checked", current, review.checked_by or "", "", review.checked_on,
                changed, open_comments)
        else:
            found[statement_id] = StatementReview("draft", current, changed_since=changed,
                                                  open_comments=open_comments)
    return found

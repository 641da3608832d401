"""The Explanation: everything any renderer prints, and the JSON contract (schema_version 1).

Composed from the rules that fired and the knowledge base; holds no text of its own making.
"""

# No `from __future__ import annotations`: pydantic would then evaluate each field's
# annotation from its text when a class is made, a few ms of every start (docs/performance.md).

from collections.abc import Iterator, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from explainer.kb.models import CategoryKind, Relevance
from explainer.kb.review_meta import ReviewState, ReviewStatus


class Model(BaseModel):
    """Base for explanation models: immutable and strict about keys."""

    # defer_build: a schema is built on first validation, not at import, so a command that
    # never validates (the knowledge base comes from the cache) does not pay for it.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Citation(Model):
    """Where a statement comes from: a source, the title of its section, its markers."""

    source: str
    section: str
    refs: tuple[str, ...]
    section_id: str
    source_title: str


class Reason(Model):
    """Why a category or subtype has its relevance (or a note about it), from one rule."""

    rule_id: str
    text: str
    factors: tuple[str, ...]
    """The factors the rule's condition looks at."""
    condition: str
    """The rule's exact condition, in compact words (shown to clinicians)."""
    priority: int
    status: ReviewStatus
    """What the rule's YAML says: ``draft`` or ``source_checked`` (see ``review_state``)."""
    review_state: ReviewState = "draft"
    """The effective review state of the reason's words: ``clinician_reviewed`` (a clinician
    approved them), ``source_checked`` (checked against the sources, words unchanged since) or
    ``draft``."""
    sources: tuple[Citation, ...]
    subtype: str | None = None
    """For a category's reasons rolled up from its subtypes: which subtype."""


class Considered(Model):
    """A deciding rule that fired but was outranked by one of higher priority (clinician view)."""

    rule_id: str
    relevance: Relevance
    priority: int


class SubtypeResult(Model):
    """A kind of treatment within a category, with its relevance for this profile."""

    id: str
    name: str
    relevance: Relevance
    summary: str
    description: str
    reasons: tuple[Reason, ...]
    notes: tuple[Reason, ...]
    sources: tuple[Citation, ...]
    considered: tuple[Considered, ...]
    draft: bool


class CategoryResult(Model):
    """A treatment category with its relevance, reasons, sources and subtypes."""

    id: str
    name: str
    kind: CategoryKind
    relevance: Relevance
    summary: str
    description: str
    side_effects: str
    reasons: tuple[Reason, ...]
    notes: tuple[Reason, ...]
    sources: tuple[Citation, ...]
    subtypes: tuple[SubtypeResult, ...]
    considered: tuple[Considered, ...]
    draft: bool


class EnteredFactor(Model):
    """One factor as entered, in plain words."""

    factor: str
    label: str
    value: Any
    value_label: str
    known: bool
    core: bool


class UnknownFactor(Model):
    """A factor that was not given, why it matters, and what it could change."""

    factor: str
    label: str
    why_it_matters: str
    question: str | None
    affects: tuple[str, ...]
    """Ids of the categories and subtypes whose relevance depends on it for this profile."""


QuestionTopic = Literal["unknown", "concern", "treatment", "general"]
"""What a question is about: a factor not known yet, a worry entered (side effects, age), a
treatment that comes up, or something worth asking whatever was entered."""

QUESTION_TOPICS: tuple[QuestionTopic, ...] = ("unknown", "concern", "treatment", "general")
"""Question topics in the order questions are listed (what matters most first)."""


class Question(Model):
    """A question to ask the doctor, and where it comes from."""

    text: str
    origin: str
    """``rule:<id>``, ``category:<id>``, ``subtype:<id>``, ``factor:<id>`` or ``general:<id>``."""
    sources: tuple[Citation, ...]
    topic: QuestionTopic = "general"
    about: tuple[str, ...] = ()
    """Ids of the categories a tailored question names (empty for the others)."""


def topics_in_order(questions: Sequence[Question]) -> tuple[QuestionTopic, ...]:
    """The topics of ``questions`` in the order their first question comes: the order in which
    grouped views (the handout, the web page) show them, so that a profile's question order
    (older age, poor health...) holds there too."""
    return tuple(dict.fromkeys(question.topic for question in questions))


class CareTeamMember(Model):
    """A care team role relevant to the categories shown."""

    id: str
    role: str
    why: str
    categories: tuple[str, ...]


class GlossaryEntry(Model):
    """A term of art used in this explanation, in plain words."""

    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    """Other spellings of the term found in text (renderers mark its first use with them)."""


class LegendEntry(Model):
    """What a relevance value means, in plain words."""

    relevance: Relevance
    label: str
    meaning: str
    label_with_factors: str | None = None
    """The label next to one treatment when the missing results it waits for are known:
    ``{factors}`` becomes them (see :func:`explainer.explanation.brief.badge`)."""


class SourceInfo(Model):
    """A source the knowledge base rests on."""

    id: str
    title: str
    publisher: str | None
    reviewer: str | None
    last_reviewed: str | None
    url: str | None
    primary: bool


class StageMeaningInfo(Model):
    """What the entered stage means, in general words (no prediction for the person)."""

    stage: str
    text: str
    sources: tuple[Citation, ...]
    draft: bool
    short: str | None = None
    """The same in one or two short sentences (the brief view shows it; None: use ``text``)."""


class SupportEntry(Model):
    """One kind of support (second opinions, peer support, costs, helplines...)."""

    id: str
    title: str
    text: str
    sources: tuple[Citation, ...]
    draft: bool


class ReviewCounts(Model):
    """How many statements are in each review state (see :mod:`explainer.kb.reviews`)."""

    clinician_reviewed: int = 0
    """A named clinician approved these exact words."""
    source_checked: int = 0
    """The maintainers checked them against the cited sources; no clinician yet."""
    draft: int = 0
    """Not checked yet, or changed since their check."""


class KnowledgeInfo(Model):
    """Which knowledge base produced the explanation."""

    version: str
    last_reviewed: str
    """Kept for compatibility: the date the maintainers last checked the knowledge base's
    content against its sources (``last_reviewed`` in source.yaml). It is not a clinical
    review; ``review_states`` says how much of what is shown a clinician has reviewed."""
    sources: tuple[SourceInfo, ...]
    draft_statements: int
    """How many statements shown here are drafts (not checked, or changed since)."""
    drafts: tuple[str, ...] = ()
    """Which ones, by statement id (``rule:<id>/reason``, ``glossary:<term>/definition``,
    ``stage:<id>/meaning``, ``support:<id>/text``...; the clinician audience lists them)."""
    statements_shown: int = 0
    """How many distinct statements of the knowledge base this explanation shows."""
    review_states: ReviewCounts = ReviewCounts()
    """How many of them are in each review state."""


class Explanation(Model):
    """An educational explanation of treatment categories for one profile."""

    schema_version: Literal[1] = 1
    disclaimer: str
    profile: dict[str, Any]
    entered: tuple[EnteredFactor, ...]
    categories: tuple[CategoryResult, ...]
    unknown_factors: tuple[UnknownFactor, ...]
    notes: tuple[Reason, ...]
    """General notes that belong to no single category (side-effect concerns, age)."""
    questions: tuple[Question, ...]
    care_team: tuple[CareTeamMember, ...]
    glossary: tuple[GlossaryEntry, ...]
    legend: tuple[LegendEntry, ...]
    knowledge: KnowledgeInfo
    stage_meaning: StageMeaningInfo | None = None
    """What the entered stage means in general words (None for a knowledge base without it)."""
    support: tuple[SupportEntry, ...] = ()
    """Support worth knowing about, whatever was entered."""
    in_short: tuple[str, ...] = ()
    """The short answer: two to four plain sentences built from the relevance of each
    category (the rules that fired) and what is not known yet, one per relevance shown."""
    question_order: str | None = None
    """The id of the knowledge base's question order that applied (``question_order`` in
    disclaimer.yaml, e.g. ``older_or_frail``), or None: with one, ``questions`` are in its
    order and the short view's first questions follow it."""
    language: str = "en"
    """The language of every text (``en`` or ``es``); ids and values are the same in all.
    (After the first keys, so that the contract's documents begin as they always did.)"""
    from_report: tuple[str, ...] = Field(default=(), exclude=True)
    """The factors taken from a pathology report (``explain --report``). Left out of
    ``model_dump``, so the contract's shape never changes; the JSON output adds it as the key
    ``from_report`` when there are some (see :func:`explanation_json`)."""

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        # questions_for_doctor is derived from questions; accept it back when reading JSON.
        if isinstance(data, dict) and "questions_for_doctor" in data:
            data = {key: value for key, value in data.items() if key != "questions_for_doctor"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def questions_for_doctor(self) -> list[str]:
        """The questions' texts (the JSON contract's list of strings)."""
        return [question.text for question in self.questions]

    def category(self, category_id: str) -> CategoryResult:
        """The result for one category id (KeyError if absent)."""
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    def results(self) -> Iterator[tuple[CategoryResult | SubtypeResult, CategoryResult | None]]:
        """Every category and kind of treatment in order, each with its category (None for a
        category itself)."""
        for category in self.categories:
            yield category, None
            for subtype in category.subtypes:
                yield subtype, category

    def result_of(self, target_id: str) -> CategoryResult | SubtypeResult:
        """The result for a category or subtype id (KeyError if absent)."""
        for result, _ in self.results():
            if result.id == target_id:
                return result
        raise KeyError(target_id)

    def relevance_of(self, target_id: str) -> Relevance:
        """The relevance of a category or subtype id."""
        return self.result_of(target_id).relevance


def waiting_for(results: Sequence[CategoryResult | SubtypeResult],
                unknown: Sequence[UnknownFactor]) -> list[str]:
    """The labels of the unknown factors that the relevance of ``results`` (or of their
    subtypes) depends on, in the order of the factors."""
    ids = {result.id for result in results}
    ids.update(sub.id for result in results if isinstance(result, CategoryResult)
               for sub in result.subtypes)
    return [item.label for item in unknown if ids.intersection(item.affects)]


def explanation_json(explanation: Explanation) -> str:
    """The JSON output of an explanation: the contract's document, plus ``from_report`` (the
    factors read from a pathology report) when there are some."""
    from pydantic_core import to_json

    data = json_data(explanation)
    if explanation.from_report:
        data["from_report"] = list(explanation.from_report)
    return to_json(data, indent=2).decode() + "\n"


def json_data(value: Any) -> Any:
    """``value.model_dump(mode="json")`` for the explanation's models, which hold only text,
    numbers, None, tuples, dicts and other such models, with no alias or serializer of their
    own: fields in order, computed ones after them, excluded ones left out. It does not build
    the models' schemas, which pydantic puts off until first use and which took a few
    milliseconds of every ``--format json`` start. (tests/test_factor_space.py checks it
    equals model_dump over every combination of the core factors, and that no model gains an
    alias or a serializer.)"""
    if isinstance(value, BaseModel):
        model = type(value)
        fields = model.model_fields
        data = {name: json_data(item) for name, item in value.__dict__.items()
                if not fields[name].exclude}
        for name in model.model_computed_fields:
            data[name] = json_data(getattr(value, name))
        return data
    if isinstance(value, (tuple, list)):
        return [json_data(item) for item in value]
    if isinstance(value, dict):
        return {key: json_data(item) for key, item in value.items()}
    return value

"""Pydantic models of the YAML knowledge base and rules.

Every model is frozen and forbids unknown keys, so a typo in a YAML key is an error with its
file and line rather than a silently ignored setting. Cross-references between files (a rule
naming a category, a factor value, a source section) are checked by :mod:`explainer.kb.loader`.
The base model and the id and text types are in :mod:`explainer.kb.base`; the review metadata
each entry carries, and the review ledger's records, in :mod:`explainer.kb.review_meta`.
"""

# No `from __future__ import annotations`: pydantic would then evaluate each field's
# annotation from its text when a class is made, a few ms of every start (docs/performance.md).

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import Field, StrictInt, StrictStr, model_validator

from explainer.kb.base import Frozen, Id, RuleId, ShortText, Text, ValueId
from explainer.kb.review_meta import (
    Review,
    ReviewStatus,
    SelfChecked,
    TextHash,
)

Relevance = Literal["often_discussed", "may_be_discussed", "less_likely", "needs_more_information"]
RELEVANCE_ORDER: tuple[Relevance, ...] = (
    "often_discussed",
    "may_be_discussed",
    "needs_more_information",
    "less_likely",
)
"""Relevance values from strongest to weakest, used to roll subtypes up into their category."""

CategoryKind = Literal["local", "systemic", "supportive", "research"]


class SourceRef(Frozen):
    """A citation: a source id from source.yaml, one of its section ids, optional markers."""

    source: Id
    section: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    refs: tuple[StrictStr, ...] | None = None


Sources = Annotated[tuple[SourceRef, ...], Field(min_length=1)]


class SourceSection(Frozen):
    """One section of a source, with the reference markers the source prints in it."""

    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: ShortText
    refs: tuple[StrictStr, ...] = ()


class Source(Frozen):
    """A document the knowledge base rests on."""

    id: Id
    title: ShortText
    publisher: ShortText | None = None
    reviewer: ShortText | None = None
    last_reviewed: StrictStr | None = Field(default=None, pattern=r"^\d{4}-\d{2}(-\d{2})?$")
    url: ShortText | None = None
    primary: bool = False
    note: Text | None = None
    sections: Annotated[tuple[SourceSection, ...], Field(min_length=1)]


class SourceFile(Frozen):
    """knowledge/source.yaml: the knowledge base's own version and the sources it cites."""

    knowledge_version: Annotated[StrictStr, Field(pattern=r"^\d+\.\d+\.\d+$")]
    last_reviewed: dt.date
    sources: Annotated[tuple[Source, ...], Field(min_length=1)]


class FactorValue(Frozen):
    """One allowed answer to a factor's question."""

    id: ValueId
    label: ShortText
    help: Text | None = None
    aliases: tuple[StrictStr, ...] = ()
    exclusive: bool = False
    """For a multi-choice factor: this answer cannot be combined with others (e.g. "none")."""


class AgeBand(Frozen):
    """A named range of a number factor that rules can test, both ends inclusive."""

    id: ValueId
    label: ShortText
    min: StrictInt
    max: StrictInt


class Factor(Frozen):
    """Something a person enters that shapes which treatments are discussed."""

    id: Id
    label: ShortText
    kind: Literal["choice", "multi", "number"] = "choice"
    core: bool = False
    """Core factors are always asked and always shown; the others are optional extras."""
    cli_flag: Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    question: Text
    help: Text
    why_it_matters: Text
    if_unknown_question: Text | None = None
    not_asked_when: dict[StrictStr, object] | None = None
    """A rule-style condition: when the profile matches it, an unknown value of this factor is
    not listed or asked about (for example HER2 for DCIS, which is not usually tested)."""
    values: tuple[FactorValue, ...] = ()
    min: StrictInt | None = None
    max: StrictInt | None = None
    bands: tuple[AgeBand, ...] = ()
    sources: Sources
    review: Review

    @model_validator(mode="after")
    def _shape_matches_kind(self) -> "Factor":
        if self.kind == "number":
            if self.min is None or self.max is None or not self.bands:
                raise ValueError("a number factor needs min, max and bands")
            if self.values:
                raise ValueError("a number factor has bands, not values")
        elif not self.values:
            raise ValueError(f"a {self.kind} factor needs values")
        return self


class Treatment(Frozen):
    """What a category and a kind of treatment both have: names, texts, sources, review."""

    id: Id
    name: ShortText
    summary: Text
    description: Text
    questions: tuple[Text, ...] = ()
    sources: Sources
    review: Review
    never_discussed: Text | None = None
    """Why no profile shows this as often or may be discussed, when that is deliberate (for
    example a kind only given in clinical trials). ``explainer lint`` checks that it holds."""


class Subtype(Treatment):
    """A kind of treatment within a category (for example CDK4/6 inhibitors)."""


class Category(Treatment):
    """A broad treatment category of the source article."""

    kind: CategoryKind
    side_effects: Text
    subtypes: tuple[Subtype, ...] = ()


class RelevanceLevel(Frozen):
    """Plain wording for one relevance value."""

    id: Relevance
    label: ShortText
    meaning: Text
    in_short: Text | None = None
    """One sentence of the "In short" paragraph: ``{names}`` becomes the treatments with this
    relevance, and (for ``needs_more_information``) ``{factors}`` what is not known yet."""
    label_with_factors: ShortText | None = None
    """The label next to one treatment when the missing results it waits for are known
    (``{factors}`` becomes them)."""


class CareTeamRole(Frozen):
    """A member of the care team and what brings them in: one of ``categories`` often or may
    be discussed, one of ``rules`` shown (for example the note about a fertility worry), or
    ``always``."""

    id: Id
    role: ShortText
    why: Text
    categories: tuple[Id, ...] = ()
    rules: tuple[RuleId, ...] = ()
    always: bool = False
    sources: Sources
    review: Review


class GlossaryTerm(Frozen):
    """A term of art and its plain meaning; ``aliases`` are other spellings found in text."""

    term: ShortText
    definition: Text
    aliases: tuple[StrictStr, ...] = ()
    sources: Sources
    review: Review


class StageMeaning(Frozen):
    """What a stage means in general words (never a prediction for the person)."""

    stage: ValueId
    """A value id of the ``stage`` factor."""
    meaning: Text
    short: Text | None = None
    """The same in one or two short sentences, for the brief view (the long one when absent)."""
    sources: Sources
    review: Review


class SupportItem(Frozen):
    """One kind of support: second opinions, peer support, help with costs, helplines..."""

    id: Id
    title: ShortText
    text: Text
    sources: Sources
    review: Review


class SupportFile(Frozen):
    """knowledge/support.yaml: support shown with every explanation."""

    intro: Text
    items: Annotated[tuple[SupportItem, ...], Field(min_length=1)]


class TailoredQuestion(Frozen):
    """A general question's wording that names the treatments often discussed.

    ``text`` holds ``{treatments}``, filled with the names of the categories of ``kinds`` that
    are often discussed for a profile; when there are none the general wording is used.
    """

    text: Text
    kinds: Annotated[tuple[CategoryKind, ...], Field(min_length=1)] = ("local", "systemic")

    @model_validator(mode="after")
    def _has_one_placeholder(self) -> "TailoredQuestion":
        rest = self.text.replace("{treatments}", "")
        if "{treatments}" not in self.text or "{" in rest or "}" in rest:
            raise ValueError("the text needs '{treatments}' once and no other braces")
        return self


class GeneralQuestion(Frozen):
    """A question worth asking whatever was entered."""

    id: Id
    text: Text
    tailored: TailoredQuestion | None = None
    """A wording naming the treatments often discussed (used when there are any)."""
    sources: Sources
    review: Review


QuestionOrigin = Annotated[StrictStr, Field(
    pattern=r"^(rule|category|subtype|factor|general):[A-Za-z0-9_.-]+$", max_length=120)]
"""Where a question comes from, as ``Question.origin`` writes it (``general:goal``,
``rule:age-older``, ``factor:brca_mutation``...)."""


class QuestionOrder(Frozen):
    """Which questions lead the list and which close it, for the profiles ``when`` matches.

    ``when`` is a rule-style condition. Questions named in ``first`` come first, in that order;
    those named in ``last`` come last, in that order; the others keep their usual order (by
    topic) between them. A named question that a profile does not bring is simply skipped.
    """

    id: Id
    when: dict[StrictStr, object]
    first: tuple[QuestionOrigin, ...] = ()
    last: tuple[QuestionOrigin, ...] = ()
    sources: Sources

    @model_validator(mode="after")
    def _names_each_once(self) -> "QuestionOrder":
        named = (*self.first, *self.last)
        if not named:
            raise ValueError("name at least one question in 'first' or 'last'")
        if len(set(named)) != len(named):
            raise ValueError("a question is named twice in 'first' and 'last'")
        return self


class DisclaimerFile(Frozen):
    """knowledge/disclaimer.yaml: shown first and last in every output."""

    disclaimer: Text
    general_questions: tuple[GeneralQuestion, ...] = ()
    question_order: tuple[QuestionOrder, ...] = ()
    """Orders of the questions for some profiles (older age, poor health...); first match wins."""
    review: Review


ConditionValue = StrictStr | tuple[StrictStr, ...]


class Rule(SelfChecked):
    """One declarative rule (rules/<category>/<id>.yaml).

    ``when`` maps factor ids to a value, a list of values (any of them), or ``{not: ...}``;
    the extra key ``any`` holds a list of such mappings of which at least one must hold.
    A rule with ``target`` and ``relevance`` decides; with a target but no relevance it adds a
    note to that category or subtype; with neither it adds a general note.
    """

    id: RuleId
    target: Id | None = None
    relevance: Relevance | None = None
    priority: StrictInt = 0
    when: dict[StrictStr, object]
    reason: Text
    questions: tuple[Text, ...] = ()
    sources: Sources
    status: ReviewStatus
    checked_by: ShortText | None = None
    checked_on: dt.date | None = None
    text_hash: TextHash | None = None
    checked_noun: ClassVar[str] = "rule"

    def check_other_fields(self) -> None:
        """A relevance needs a target, and ``when`` at least one condition."""
        if self.relevance is not None and self.target is None:
            raise ValueError("a rule with a relevance needs a target")
        if not self.when:
            raise ValueError("'when' needs at least one condition")

    @property
    def review(self) -> Review:
        """The rule's review metadata as a :class:`Review`."""
        return Review(status=self.status, checked_by=self.checked_by,
                      checked_on=self.checked_on, text_hash=self.text_hash)

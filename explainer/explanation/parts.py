"""The parts of an Explanation that do not decide relevance: what was entered, what unknowns
could change, the questions to ask, the care team, the review states of the statements
shown, and the short answer ("In short") built from the relevance each category got.

:class:`Parts` is used by the :class:`~explainer.explanation.compose.Composer`, whose cache of
shared instances (``intern``) and citations it borrows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from explainer.explanation.models import (
    QUESTION_TOPICS,
    CareTeamMember,
    CategoryResult,
    Citation,
    EnteredFactor,
    GlossaryEntry,
    Question,
    QuestionTopic,
    ReviewCounts,
    StageMeaningInfo,
    SupportEntry,
    UnknownFactor,
    waiting_for,
)
from explainer.kb.conditions import UNKNOWN
from explainer.kb.knowledge import KnowledgeBase, LoadedRule
from explainer.kb.models import RELEVANCE_ORDER, QuestionOrder, SourceRef
from explainer.kb.phrases import phrases
from explainer.kb.profiles import Profile

MAX_NAMED = 5
"""The most treatments one sentence of "In short" names; more are counted."""

SHOWN: frozenset[str] = frozenset({"often_discussed", "may_be_discussed"})
"""Relevances for which a category counts as part of the picture (care team, questions)."""


class Parts:
    """Builds the profile-specific parts of an explanation for one knowledge base."""

    def __init__(self, kb: KnowledgeBase, intern: Callable[[Any], Any],
                 citations: Callable[[Iterable[SourceRef]], tuple[Citation, ...]]) -> None:
        self.kb = kb
        self._intern = intern
        self.citations = citations
        # The entries with a draft statement: a statement id is ``<entry id>/<field>``, and an
        # entry id holds no "/" (see explainer.kb.reviews).
        self._with_draft = frozenset(ident.partition("/")[0]
                                     for ident, state in kb.statement_reviews.items()
                                     if state.state == "draft")

    def review_counts(self, shown_rules: Sequence[LoadedRule],
                      unknown: Sequence[UnknownFactor], questions: Sequence[Question],
                      care_team: Sequence[CareTeamMember], glossary: Sequence[GlossaryEntry],
                      stage_meaning: StageMeaningInfo | None = None,
                      support: Sequence[SupportEntry] = ()) -> dict[str, Any]:
        """The distinct statements shown (by statement id, see :mod:`explainer.kb.reviews`)
        and their review states: how many there are in each state (``review_states``), how
        many are drafts (``draft_statements``) and which (``drafts``)."""
        kb = self.kb
        shown: list[str] = ["disclaimer:disclaimer/text"]
        shown += [f"relevance:{level}/{name}" for level in kb.relevance_levels
                  for name in ("label", "meaning")]
        for category in kb.categories.values():
            shown += [f"category:{category.id}/{name}"
                      for name in ("summary", "description", "side_effects")]
            shown += [f"subtype:{subtype.id}/{name}" for subtype in category.subtypes
                      for name in ("summary", "description")]
        shown += [f"rule:{loaded.id}/reason" for loaded in shown_rules]
        shown += [f"factor:{item.factor}/why_it_matters" for item in unknown]
        shown += [self._question_id(question) for question in questions]
        shown += [f"care_team:{member.id}/why" for member in care_team]
        shown += [f"glossary:{kb.term_key(entry.term)}/definition" for entry in glossary]
        if stage_meaning is not None:
            shown.append(f"stage:{stage_meaning.stage}/meaning")
        shown += [f"support:{item.id}/{name}" for item in support for name in ("title", "text")]
        states = kb.statement_reviews
        ids = [ident for ident in dict.fromkeys(shown) if ident in states]
        counts = Counter(states[ident].state for ident in ids)
        drafts = tuple(ident for ident in ids if states[ident].state == "draft")
        return {"statements_shown": len(ids),
                "review_states": self._intern(ReviewCounts.model_construct(
                    clinician_reviewed=counts["clinician_reviewed"],
                    source_checked=counts["source_checked"], draft=counts["draft"])),
                "draft_statements": len(drafts), "drafts": drafts}

    def has_draft(self, entry_id: str) -> bool:
        """Whether any statement of the entry is a draft (effective state)."""
        return entry_id in self._with_draft

    def _question_id(self, question: Question) -> str:
        """The statement id of a question shown (its origin and its place in the entry)."""
        kind, _, key = question.origin.partition(":")
        kb = self.kb
        if kind == "factor":
            return f"factor:{key}/if_unknown_question"
        if kind == "general":
            return f"general:{key}/{'tailored' if question.about else 'text'}"
        texts: tuple[str, ...] = ()
        if kind == "rule":
            texts = kb.rule(key).rule.questions
        elif kind == "category":
            texts = kb.categories[key].questions
        elif kind == "subtype":
            texts = kb.subtypes[key][1].questions
        number = texts.index(question.text) + 1 if question.text in texts else 0
        return f"{kind}:{key}/question.{number}"

    def entered(self, profile: Profile) -> tuple[EnteredFactor, ...]:
        entered = []
        for factor in self.kb.factors.values():
            value = profile.value(factor.id)
            labels = {option.id: option.label for option in factor.values}
            if factor.kind == "number":
                known = value is not None
                label = str(value) if known else self.kb.not_known_label
            elif factor.kind == "multi":
                known = bool(value)
                label = ", ".join(labels[item] for item in value) if known else \
                    self.kb.not_known_label
            else:
                known = value != UNKNOWN
                label = labels[value] if known else self.kb.not_known_label
            entered.append(EnteredFactor.model_construct(
                factor=factor.id, label=factor.label, value=plain_value(value), value_label=label,
                known=known, core=factor.core))
        return tuple(entered)

    def unknown_factors(self, unknown_ids: Sequence[str], categories: Sequence[CategoryResult],
                         shown_rules: Sequence[LoadedRule]) -> tuple[UnknownFactor, ...]:
        affects: dict[str, list[str]] = {}
        for loaded in shown_rules:
            for factor_id in loaded.condition.unknown_factor_ids():
                bucket = affects.setdefault(factor_id, [])
                if loaded.rule.target is not None and loaded.rule.target not in bucket:
                    bucket.append(loaded.rule.target)
        result = []
        order = _target_order(categories)
        for factor_id in unknown_ids:
            factor = self.kb.factors[factor_id]
            if not (factor.core or factor.id in affects):
                continue
            targets = sorted(affects.get(factor.id, []), key=order.index)
            result.append(self._intern(UnknownFactor.model_construct(
                factor=factor.id, label=factor.label, why_it_matters=factor.why_it_matters,
                question=factor.if_unknown_question, affects=tuple(targets))))
        return tuple(result)

    def questions(self, categories: Sequence[CategoryResult], shown_rules: Sequence[LoadedRule],
                  unknown: Sequence[UnknownFactor], order: QuestionOrder | None = None
                  ) -> tuple[Question, ...]:
        """The questions to ask the doctor, without repeats: by topic, or as ``order`` (the
        profile's question order from disclaimer.yaml, if any) puts them."""
        kb = self.kb
        questions: list[Question] = []
        seen: set[str] = set()

        def add(text: str, origin: str, refs: Iterable[SourceRef], topic: QuestionTopic,
                about: tuple[str, ...] = ()) -> None:
            if text not in seen:
                seen.add(text)
                questions.append(self._intern(Question.model_construct(
                    text=text, origin=origin, topic=topic, about=about,
                    sources=self.citations(refs))))

        for item in unknown:
            if item.question:
                add(item.question, f"factor:{item.factor}", kb.factors[item.factor].sources,
                    "unknown")
        for loaded in shown_rules:
            # A rule without a target is a general note about what the person entered (a
            # side-effect worry, their age); the others are about one treatment.
            topic: QuestionTopic = "concern" if loaded.rule.target is None else "treatment"
            for text in loaded.rule.questions:
                add(text, f"rule:{loaded.id}", loaded.rule.sources, topic)
        for result in categories:
            category = kb.categories[result.id]
            # Category questions only where the category is often discussed: a list of every
            # possible question would bury the ones that matter.
            if result.relevance == "often_discussed":
                for text in category.questions:
                    add(text, f"category:{category.id}", category.sources, "treatment")
            for sub_result, subtype in zip(result.subtypes, category.subtypes, strict=True):
                if sub_result.relevance == "often_discussed":
                    for text in subtype.questions:
                        add(text, f"subtype:{subtype.id}", subtype.sources, "treatment")
        for general in kb.disclaimer.general_questions:
            tailored = general.tailored
            named = [result for result in categories if tailored is not None
                     and result.relevance == "often_discussed" and result.kind in tailored.kinds]
            if tailored is not None and named:
                # Naming the treatments that come up makes "the goal", "the side effects" and
                # "daily life" concrete, without adding a question per treatment.
                text = tailored.text.replace("{treatments}", _name_list(
                    [result.name for result in named]))
                add(text, f"general:{general.id}", general.sources, "general",
                    tuple(result.id for result in named))
            else:
                add(general.text, f"general:{general.id}", general.sources, "general")
        return _in_order(questions, order)

    def in_short(self, categories: Sequence[CategoryResult],
                 unknown: Sequence[UnknownFactor]) -> tuple[str, ...]:
        """The short answer: one sentence per relevance that some category has, from the
        knowledge base's ``in_short`` wording (none for a level without one). They come in
        the order of relevance, except that without the stage what cannot be said yet comes
        first."""
        order = list(RELEVANCE_ORDER)
        if any(item.factor == "stage" for item in unknown):
            order.remove("needs_more_information")
            order.insert(0, "needs_more_information")
        sentences = []
        for relevance in order:
            template = self.kb.relevance_levels[relevance].in_short
            members = [result for result in categories if result.relevance == relevance]
            if template is None or not members:
                continue
            names = [result.name for result in members]
            many = self.kb.relevance_many
            if many is not None and len(names) > MAX_NAMED:
                # The table at a glance names them all; a sentence names only a few.
                counted = many.replace("{count}", str(len(names)))
                text = template.replace("{names_or}", counted).replace("{names}", counted)
            else:
                text = template.replace("{names_or}", _name_list(names, _OR)).replace(
                    "{names}", _name_list(names))
            if "{factors}" in text:
                text = text.replace("{factors}", _name_list(
                    waiting_for(members, unknown) or [item.label for item in unknown]))
            sentences.append(text)
        return tuple(sentences)

    def care_team(self, categories: Sequence[CategoryResult],
                  shown_rules: Sequence[LoadedRule]) -> tuple[CareTeamMember, ...]:
        shown = [category.id for category in categories if category.relevance in SHOWN]
        rule_ids = {loaded.id for loaded in shown_rules}
        members = []
        for role in self.kb.care_team:
            linked = tuple(category for category in role.categories if category in shown)
            if role.always or linked or rule_ids.intersection(role.rules):
                members.append(self._intern(CareTeamMember.model_construct(
                    id=role.id, role=role.role, why=role.why, categories=linked)))
        return tuple(members)


_AND = "list_and"
"""Joins the last two names of a list in a tailored question."""


_OR = "list_or"
"""Joins the last two names of a list after a negative ("do not usually call for ...")."""


def _name_list(names: Sequence[str], last: str = _AND) -> str:
    """Names as they read inside a sentence: "surgery, radiation therapy and chemotherapy"."""
    words = [name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name
             for name in names]
    if len(words) == 1:
        return words[0]
    # The joining word is an interface phrase (document.list_and, list_or): " and ", " y ".
    return ", ".join(words[:-1]) + phrases("document")[last] + words[-1]


def _target_order(categories: Sequence[CategoryResult]) -> list[str]:
    order: list[str] = []
    for category in categories:
        order.append(category.id)
        order.extend(subtype.id for subtype in category.subtypes)
    return order


def plain_value(value: object) -> object:
    """A profile value as JSON writes it (a tuple of a multi factor becomes a list)."""
    return list(value) if isinstance(value, tuple) else value


def _in_order(questions: list[Question], order: QuestionOrder | None) -> tuple[Question, ...]:
    """``questions`` by topic, then as ``order`` (if any) puts a few first and a few last."""
    # What matters most first: what is not known yet, then the worries entered, then the
    # treatments that come up, then what anyone could ask (a stable sort keeps the order
    # within each topic).
    questions.sort(key=lambda question: QUESTION_TOPICS.index(question.topic))
    if order is not None:
        # For some profiles (older age, poor health) a few questions lead and a few close
        # the list; the others keep the order above, between them.
        first = {origin: index for index, origin in enumerate(order.first)}
        last = {origin: index for index, origin in enumerate(order.last)}
        questions.sort(key=lambda question: (
            (0, first[question.origin]) if question.origin in first
            else (2, last[question.origin]) if question.origin in last else (1, 0)))
    return tuple(questions)

"""Composing an Explanation from the rules that fired and the knowledge base.

Deciding which relevance a category or subtype gets is deterministic:

* every rule that targets it and fired is a candidate;
* the candidates of the highest ``priority`` decide, and they must agree (the tests check this
  over the whole factor space, and a disagreement is reported as a knowledge-base error);
* a category with subtypes takes the strongest relevance among them (often discussed, then may
  be discussed, then needs more information, then less likely), and shows the reasons of the
  subtypes that gave it.

Every text comes from the knowledge base; everything that does not depend on the profile is
prepared once per knowledge base, so composing is mostly picking. Objects are built with
``model_construct``: their inputs are the validated knowledge base, and skipping validation
spares every command the cost of building validators (the tests validate the results of every
profile against the models instead).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

from explainer.errors import DecisionGap, KnowledgeIssue
from explainer.explanation.memo import PartsCache
from explainer.explanation.models import (
    CategoryResult,
    Citation,
    Considered,
    Explanation,
    KnowledgeInfo,
    LegendEntry,
    Reason,
    SourceInfo,
    StageMeaningInfo,
    SubtypeResult,
    SupportEntry,
)
from explainer.explanation.parts import Parts, plain_value
from explainer.explanation.terms import TermFinder
from explainer.kb.conditions import UNKNOWN, Condition, describe, holds, parse_condition
from explainer.kb.knowledge import KnowledgeBase, LoadedRule
from explainer.kb.models import RELEVANCE_ORDER, QuestionOrder, Relevance, SourceRef
from explainer.kb.profiles import Profile, describe_profile, to_fact

_CACHE_LIMIT = 4096
M = TypeVar("M")


class _ReasonsByRule(dict[str, Reason]):
    """Each rule's Reason, made the first time an explanation needs it: a command explains one
    profile, and making all of them up front cost more than that explanation."""

    def __init__(self, make: Callable[[str], Reason]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, rule_id: str) -> Reason:
        made = self[rule_id] = self._make(rule_id)
        return made


class _Decision(NamedTuple):
    relevance: Relevance
    reasons: tuple[Reason, ...]
    considered: tuple[Considered, ...]
    rules: tuple[LoadedRule, ...]


class Composer:
    """Turns fired rule ids into an :class:`Explanation` for one knowledge base."""

    # Long on purpose: it prepares, once per knowledge base, everything that does not depend
    # on a profile (a flat list of independent tables), so that composing is mostly picking.
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._citation_cache: dict[tuple[SourceRef, ...], tuple[Citation, ...]] = {}
        # One shared instance per distinct question, care-team line, unknown factor... keeps the
        # cached parts of many explanations small.
        self._interned: dict[Any, Any] = {}
        self.parts = Parts(kb, self._intern, self.citations)
        self._reasons = _ReasonsByRule(lambda rule_id: self._reason(kb.rule(rule_id)))
        self._deciders: dict[str | None, list[LoadedRule]] = {}
        self._notes: dict[str | None, list[LoadedRule]] = {}
        for loaded in kb.rules:
            bucket = self._deciders if loaded.decides else self._notes
            bucket.setdefault(loaded.rule.target, []).append(loaded)
        self._legend = tuple(
            LegendEntry.model_construct(relevance=level.id, label=level.label,
                                        meaning=level.meaning,
                                        label_with_factors=level.label_with_factors)
            for relevance in RELEVANCE_ORDER
            for level in [kb.relevance_levels[relevance]]
        )
        self._terms = TermFinder(kb.glossary)
        # Bounded by bytes (EXPLAINER_MEMORY_CACHE_MB): see explainer.explanation.memo.
        self._parts_cache = PartsCache()
        # A category's result depends only on which of its own rules fired: keep it by that.
        owned: dict[str, set[str]] = {category_id: set() for category_id in kb.categories}
        for loaded in kb.rules:
            if loaded.rule.target is not None:
                owned[kb.category_of(loaded.rule.target)].add(loaded.id)
        self._category_rules = {category_id: frozenset(ids) for category_id, ids in owned.items()}
        self._category_cache: dict[tuple[str, frozenset[str]],
                                   tuple[CategoryResult, list[LoadedRule]]] = {}
        self._own_citations = {category.id: self.citations(category.sources)
                               for category in kb.categories.values()}
        self._own_citations.update({subtype_id: self.citations(subtype.sources)
                                    for subtype_id, (_, subtype) in kb.subtypes.items()})
        # Factors not asked about for some profiles (HER2 for DCIS...): their conditions.
        self._not_asked: dict[str, Condition] = {
            factor.id: parse_condition(factor.not_asked_when, kb.factors)
            for factor in kb.factors.values() if factor.not_asked_when is not None}
        # Question orders for some profiles (older age, poor health...): their conditions.
        self._question_orders: tuple[tuple[Condition, QuestionOrder], ...] = tuple(
            (parse_condition(order.when, kb.factors), order)
            for order in kb.disclaimer.question_order)
        self._stage_meanings = {
            stage: StageMeaningInfo.model_construct(
                stage=stage, text=meaning.meaning, sources=self.citations(meaning.sources),
                draft=self.parts.has_draft(f"stage:{stage}"), short=meaning.short)
            for stage, meaning in kb.stage_meanings.items()}
        items = kb.support.items if kb.support is not None else ()
        self._support = tuple(
            SupportEntry.model_construct(id=item.id, title=item.title, text=item.text,
                                         sources=self.citations(item.sources),
                                         draft=self.parts.has_draft(f"support:{item.id}"))
            for item in items)
        self._knowledge_sources = tuple(
            SourceInfo.model_construct(id=source.id, title=source.title, publisher=source.publisher,
                                       reviewer=source.reviewer, last_reviewed=source.last_reviewed,
                                       url=source.url, primary=source.primary)
            for source in kb.source_file.sources
        )

    # -- preparation -------------------------------------------------------------------------

    def citations(self, refs: Iterable[SourceRef]) -> tuple[Citation, ...]:
        """Citations for source references, with section titles and markers filled in."""
        key = tuple(refs)
        cached = self._citation_cache.get(key)
        if cached is None:
            cached = self._citation_cache[key] = self._make_citations(key)
        return cached

    def _make_citations(self, refs: tuple[SourceRef, ...]) -> tuple[Citation, ...]:
        result = []
        for ref in refs:
            section = self.kb.section(ref)
            result.append(Citation.model_construct(
                source=ref.source, section=section.title,
                refs=ref.refs if ref.refs is not None else section.refs,
                section_id=section.id, source_title=self.kb.sources[ref.source].title))
        return tuple(result)

    def _reason(self, loaded: LoadedRule) -> Reason:
        rule = loaded.rule
        subtype = rule.target if rule.target in self.kb.subtypes else None
        return Reason.model_construct(
            rule_id=rule.id, text=rule.reason, factors=tuple(loaded.condition.factor_ids()),
            condition=describe(loaded.condition), priority=rule.priority, status=rule.status,
            review_state=self.kb.statement_reviews[f"rule:{rule.id}/reason"].state,
            sources=self.citations(rule.sources), subtype=subtype)

    # -- deciding ----------------------------------------------------------------------------

    def _intern(self, item: M) -> M:
        """The shared instance equal to ``item`` (frozen models are hashable)."""
        if len(self._interned) >= _CACHE_LIMIT * 4:
            self._interned.clear()
        return self._interned.setdefault(item, item)  # type: ignore[no-any-return]

    def _decide(self, target: str, fired: frozenset[str], profile: Profile) -> _Decision:
        candidates = [loaded for loaded in self._deciders.get(target, ()) if loaded.id in fired]
        if not candidates:
            entered = describe_profile(profile.model_dump(), skip_unknown=False)
            raise DecisionGap(KnowledgeIssue(
                self.kb.root / "rules", None,
                f"no rule decides '{target}' for the profile {entered}",
                f"add a rule for {target} that covers this profile"), self.kb.root,
                summary=f"no rule decides '{target}'")
        top = max(loaded.rule.priority for loaded in candidates)
        winners = tuple(loaded for loaded in candidates if loaded.rule.priority == top)
        relevances = {loaded.rule.relevance for loaded in winners}
        if len(relevances) > 1:
            names = ", ".join(f"{loaded.id} ({loaded.rule.relevance})" for loaded in winners)
            disagree = f"rules of equal priority {top} disagree about '{target}': {names}"
            raise DecisionGap(KnowledgeIssue(
                self.kb.root / "rules", None, disagree,
                "give one of them a higher priority or narrow its condition"), self.kb.root,
                summary=disagree)
        considered = []
        for loaded in candidates:
            # Deciding rules always carry a relevance (self._deciders holds only those).
            if loaded.rule.priority != top and loaded.rule.relevance is not None:
                considered.append(Considered.model_construct(
                    rule_id=loaded.id, relevance=loaded.rule.relevance,
                    priority=loaded.rule.priority))
        relevance = winners[0].rule.relevance
        assert relevance is not None
        return _Decision(
            relevance=relevance,
            reasons=tuple(self._reasons[loaded.id] for loaded in winners),
            considered=tuple(considered), rules=winners)

    def _notes_for(self, target: str | None, fired: frozenset[str]) -> list[LoadedRule]:
        return [loaded for loaded in self._notes.get(target, ()) if loaded.id in fired]

    # -- composing ---------------------------------------------------------------------------

    def compose(self, profile: Profile, fired_ids: Sequence[str]) -> Explanation:
        """The explanation for ``profile`` given the ids of the rules that fired for it."""
        return self._parts_cache.explanation(*self._assemble(profile, fired_ids))

    def compose_json(self, profile: Profile, fired_ids: Sequence[str]) -> bytes:
        """``compose(profile, fired_ids).model_dump_json()``, faster.

        The parts of an explanation that depend only on the rules that fired are serialised
        once and kept with them; only the fields that depend on the profile are serialised on
        each call. The tests check that the bytes are identical to ``model_dump_json()``.
        """
        return self._parts_cache.json(*self._assemble(profile, fired_ids))

    def _assemble(self, profile: Profile, fired_ids: Sequence[str]
                  ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The cached parts for these fired rules, and the fields that depend on the profile."""
        kb = self.kb
        fired = frozenset(fired_ids)
        unknown_ids = tuple(factor_id for factor_id, factor in kb.factors.items()
                            if _is_unknown(factor.kind, profile.value(factor_id)))
        fact = to_fact(profile, kb.factors) if self._not_asked or self._question_orders \
            else None
        if self._not_asked and unknown_ids and fact is not None:
            unknown_ids = tuple(factor_id for factor_id in unknown_ids
                                if factor_id not in self._not_asked
                                or not holds(self._not_asked[factor_id], fact))
        order = next((order for condition, order in self._question_orders
                      if fact is not None and holds(condition, fact)), None)
        stage = profile.value("stage")
        # Everything but the profile itself depends only on which rules fired, which factors
        # are unknown, the stage (its meaning) and the question order, so it is kept for reuse
        # (bounded, and cleared when full).
        key = (fired, unknown_ids, (stage, order.id if order is not None else None))
        cached = self._parts_cache.get(key)
        if cached is None:
            cached = self._parts(profile, fired, unknown_ids, order)
            self._parts_cache.keep(key, cached)
        entered = self.parts.entered(profile)
        term_ids = set(cached["term_ids"])
        for item in entered:
            term_ids |= self._terms.terms_in(item.value_label)
        stage_meaning = self._stage_meanings.get(stage) if isinstance(stage, str) else None
        fields = {
            "schema_version": 1,
            "language": kb.language,
            "disclaimer": kb.disclaimer.disclaimer,
            "profile": {factor_id: plain_value(profile.value(factor_id))
                        for factor_id in kb.factors},
            "entered": entered,
            "legend": self._legend,
            "glossary": self._terms.entries(term_ids),
            "stage_meaning": stage_meaning,
            "support": self._support,
            "question_order": order.id if order is not None else None,
        }
        return cached, fields

    def _parts(self, profile: Profile, fired: frozenset[str], unknown_ids: tuple[str, ...],
               order: QuestionOrder | None = None) -> dict[str, Any]:
        kb = self.kb
        stage = profile.value("stage")
        stage_meaning = self._stage_meanings.get(stage) if isinstance(stage, str) else None
        texts: list[str] = [kb.disclaimer.disclaimer]
        texts.extend(item.text for item in self._support)
        if stage_meaning is not None:
            texts.append(stage_meaning.text)
        shown_rules: list[LoadedRule] = []
        categories: list[CategoryResult] = []
        for category in kb.categories.values():
            result, rules = self._category(category.id, fired, profile)
            categories.append(result)
            shown_rules.extend(rules)
            texts.extend((category.summary, category.description, category.side_effects))
            texts.extend(text for subtype in category.subtypes
                         for text in (subtype.summary, subtype.description))
        general_notes = self._notes_for(None, fired)
        shown_rules.extend(general_notes)
        texts.extend(loaded.rule.reason for loaded in shown_rules)

        unknown = self.parts.unknown_factors(unknown_ids, categories, shown_rules)
        questions = self.parts.questions(categories, shown_rules, unknown, order)
        care_team = self.parts.care_team(categories, shown_rules)
        texts.extend(question.text for question in questions)
        texts.extend(item.why_it_matters for item in unknown)
        texts.extend(member.why for member in care_team)
        term_ids: set[int] = set()
        for text in texts:
            term_ids |= self._terms.terms_in(text)
        glossary = list(self._terms.entries(term_ids))
        return {
            "categories": tuple(categories),
            "in_short": self.parts.in_short(categories, unknown),
            "unknown_factors": unknown,
            "notes": tuple(self._reasons[loaded.id] for loaded in general_notes),
            "questions": questions,
            "care_team": care_team,
            "term_ids": frozenset(term_ids),
            "knowledge": self._intern(KnowledgeInfo.model_construct(
                version=kb.version, last_reviewed=kb.source_file.last_reviewed.isoformat(),
                sources=self._knowledge_sources,
                **self.parts.review_counts(shown_rules, unknown, questions, care_team,
                                           glossary, stage_meaning, self._support))),
        }

    def _category(self, category_id: str, fired: frozenset[str],
                  profile: Profile) -> tuple[CategoryResult, list[LoadedRule]]:
        key = (category_id, fired & self._category_rules[category_id])
        cached = self._category_cache.get(key)
        if cached is None:
            cached = self._category_cache[key] = self._make_category(category_id, fired, profile)
        return cached

    def _make_category(self, category_id: str, fired: frozenset[str],
                       profile: Profile) -> tuple[CategoryResult, list[LoadedRule]]:
        category = self.kb.categories[category_id]
        shown_rules: list[LoadedRule] = list(self._notes_for(category.id, fired))
        subtypes: list[SubtypeResult] = []
        for subtype in category.subtypes:
            decision = self._decide(subtype.id, fired, profile)
            sub_notes = self._notes_for(subtype.id, fired)
            shown_rules.extend((*decision.rules, *sub_notes))
            reasons = decision.reasons
            note_reasons = tuple(self._reasons[loaded.id] for loaded in sub_notes)
            subtypes.append(SubtypeResult.model_construct(
                id=subtype.id, name=subtype.name, relevance=decision.relevance,
                summary=subtype.summary, description=subtype.description,
                reasons=reasons, notes=note_reasons,
                sources=_merge(self._own_citations[subtype.id], reasons, note_reasons),
                considered=decision.considered,
                draft=self.parts.has_draft(f"subtype:{subtype.id}")
                or _any_draft(reasons, note_reasons),
            ))
        considered: tuple[Considered, ...] = ()
        if subtypes:
            relevance = min((sub.relevance for sub in subtypes), key=RELEVANCE_ORDER.index)
            reasons = tuple(reason for sub in subtypes if sub.relevance == relevance
                            for reason in sub.reasons)
        else:
            decision = self._decide(category.id, fired, profile)
            shown_rules.extend(decision.rules)
            relevance, reasons, considered = (
                decision.relevance, decision.reasons, decision.considered)
        note_reasons = tuple(self._reasons[loaded.id] for loaded in self._notes_for(
            category.id, fired))
        result = CategoryResult.model_construct(
            id=category.id, name=category.name, kind=category.kind, relevance=relevance,
            summary=category.summary, description=category.description,
            side_effects=category.side_effects, reasons=reasons, notes=note_reasons,
            sources=_merge(self._own_citations[category.id], reasons, note_reasons),
            subtypes=tuple(subtypes), considered=considered,
            draft=(self.parts.has_draft(f"category:{category.id}")
                   or _any_draft(reasons, note_reasons)
                   or any(sub.draft for sub in subtypes)),
        )
        return result, shown_rules

def _merge(base: tuple[Citation, ...], *groups: tuple[Reason, ...]) -> tuple[Citation, ...]:
    merged = {_citation_key(citation): citation for citation in base}
    for group in groups:
        for reason in group:
            for citation in reason.sources:
                merged.setdefault(_citation_key(citation), citation)
    return tuple(merged.values())


def _citation_key(citation: Citation) -> tuple[str, str, tuple[str, ...]]:
    return citation.source, citation.section_id, citation.refs


def _any_draft(*groups: tuple[Reason, ...]) -> bool:
    return any(reason.review_state == "draft" for group in groups for reason in group)


def _is_unknown(kind: str, value: object) -> bool:
    if kind == "multi":
        return not value
    return value is None or value == UNKNOWN

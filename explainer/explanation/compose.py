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

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import TypeAdapter

from explainer.errors import KnowledgeBaseError, KnowledgeIssue
from explainer.explanation.models import (
    QUESTION_TOPICS,
    CareTeamMember,
    CategoryResult,
    Citation,
    Considered,
    EnteredFactor,
    Explanation,
    GlossaryEntry,
    KnowledgeInfo,
    LegendEntry,
    Question,
    QuestionTopic,
    Reason,
    ReviewCounts,
    SourceInfo,
    SubtypeResult,
    UnknownFactor,
)
from explainer.kb.conditions import UNKNOWN, describe
from explainer.kb.knowledge import KnowledgeBase, LoadedRule
from explainer.kb.models import RELEVANCE_ORDER, Relevance, SourceRef
from explainer.kb.profiles import Profile
from explainer.kb.reviews import slug

_CACHE_LIMIT = 4096
# Fields of an Explanation that come from the cached parts (the rest depend on the profile).
_PART_FIELDS = ("categories", "unknown_factors", "notes", "questions", "care_team", "knowledge")
# The order model_dump_json() writes the fields in: the model's fields, then computed ones.
_JSON_ORDER = (*Explanation.model_fields, *Explanation.model_computed_fields)
M = TypeVar("M")

SHOWN: frozenset[str] = frozenset({"often_discussed", "may_be_discussed"})
"""Relevances for which a category counts as part of the picture (care team, questions)."""


@dataclass(frozen=True)
class _Decision:
    relevance: Relevance
    reasons: tuple[Reason, ...]
    considered: tuple[Considered, ...]
    rules: tuple[LoadedRule, ...]


class Composer:
    """Turns fired rule ids into an :class:`Explanation` for one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._citation_cache: dict[tuple[SourceRef, ...], tuple[Citation, ...]] = {}
        # One shared instance per distinct question, care-team line, unknown factor... keeps the
        # cached parts of many explanations small.
        self._interned: dict[Any, Any] = {}
        self._adapters: dict[str, TypeAdapter[Any]] | None = None
        self._reasons = {loaded.id: self._reason(loaded) for loaded in kb.rules}
        self._deciders: dict[str | None, list[LoadedRule]] = {}
        self._notes: dict[str | None, list[LoadedRule]] = {}
        for loaded in kb.rules:
            bucket = self._deciders if loaded.decides else self._notes
            bucket.setdefault(loaded.rule.target, []).append(loaded)
        self._legend = tuple(
            LegendEntry.model_construct(relevance=level.id, label=level.label,
                                        meaning=level.meaning)
            for relevance in RELEVANCE_ORDER
            for level in [kb.relevance_levels[relevance]]
        )
        self._glossary_patterns = [
            (GlossaryEntry.model_construct(term=term.term, definition=term.definition,
                                           aliases=term.aliases),
             re.compile(r"(?<![\w-])(?:" + "|".join(
                 re.escape(spelling) for spelling in sorted(
                     (term.term, *term.aliases), key=len, reverse=True)
             ) + r")(?![\w-])", re.IGNORECASE))
            for term in kb.glossary
        ]
        self._terms_cache: dict[str, frozenset[int]] = {}
        self._parts_cache: dict[tuple[frozenset[str], tuple[str, ...]], dict[str, Any]] = {}
        # A category's result depends only on which of its own rules fired: keep it by that.
        self._category_rules = {
            category.id: frozenset(
                loaded.id for loaded in kb.rules
                if loaded.rule.target is not None and kb.category_of(loaded.rule.target)
                == category.id)
            for category in kb.categories.values()}
        self._category_cache: dict[tuple[str, frozenset[str]],
                                   tuple[CategoryResult, list[LoadedRule]]] = {}
        self._own_citations = {category.id: self.citations(category.sources)
                               for category in kb.categories.values()}
        self._own_citations.update({subtype_id: self.citations(subtype.sources)
                                    for subtype_id, (_, subtype) in kb.subtypes.items()})
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

    def _terms_in(self, text: str) -> frozenset[int]:
        found = self._terms_cache.get(text)
        if found is None:
            found = frozenset(index for index, (_, pattern) in enumerate(self._glossary_patterns)
                              if pattern.search(text))
            self._terms_cache[text] = found
        return found

    # -- deciding ----------------------------------------------------------------------------

    def _intern(self, item: M) -> M:
        """The shared instance equal to ``item`` (frozen models are hashable)."""
        if len(self._interned) >= _CACHE_LIMIT * 4:
            self._interned.clear()
        return self._interned.setdefault(item, item)  # type: ignore[no-any-return]

    def _decide(self, target: str, fired: frozenset[str], profile: Profile) -> _Decision:
        candidates = [loaded for loaded in self._deciders.get(target, ()) if loaded.id in fired]
        if not candidates:
            raise KnowledgeBaseError([KnowledgeIssue(
                self.kb.root / "rules", None,
                f"no rule decides '{target}' for the profile {_describe_profile(profile)}",
                f"add a rule for {target} that covers this profile")], self.kb.root)
        top = max(loaded.rule.priority for loaded in candidates)
        winners = tuple(loaded for loaded in candidates if loaded.rule.priority == top)
        relevances = {loaded.rule.relevance for loaded in winners}
        if len(relevances) > 1:
            names = ", ".join(f"{loaded.id} ({loaded.rule.relevance})" for loaded in winners)
            raise KnowledgeBaseError([KnowledgeIssue(
                self.kb.root / "rules", None,
                f"rules of equal priority {top} disagree about '{target}': {names}",
                "give one of them a higher priority or narrow its condition")], self.kb.root)
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
        cached, fields = self._assemble(profile, fired_ids)
        return Explanation.model_construct(
            **fields, **{name: cached[name] for name in _PART_FIELDS})

    def compose_json(self, profile: Profile, fired_ids: Sequence[str]) -> bytes:
        """``compose(profile, fired_ids).model_dump_json()``, faster.

        The parts of an explanation that depend only on the rules that fired are serialised
        once and kept with them; only the fields that depend on the profile are serialised on
        each call. The tests check that the bytes are identical to ``model_dump_json()``.
        """
        cached, fields = self._assemble(profile, fired_ids)
        adapters = self._json_adapters()
        fragments = cached.get("json")
        if fragments is None:
            fragments = {name: adapters[name].dump_json(cached[name]) for name in _PART_FIELDS}
            fragments["questions_for_doctor"] = adapters["questions_for_doctor"].dump_json(
                [question.text for question in cached["questions"]])
            cached["json"] = fragments
        fragments = {**fragments, **{name: adapters[name].dump_json(value)
                                     for name, value in fields.items()}}
        return b"{" + b",".join(b'"' + name.encode() + b'":' + fragments[name]
                                for name in _JSON_ORDER) + b"}"

    def _json_adapters(self) -> dict[str, TypeAdapter[Any]]:
        if self._adapters is None:
            adapters: dict[str, TypeAdapter[Any]] = {}
            for name, field in Explanation.model_fields.items():
                assert field.annotation is not None
                adapters[name] = TypeAdapter(field.annotation)
            adapters["questions_for_doctor"] = TypeAdapter(list[str])
            self._adapters = adapters
        return self._adapters

    def _assemble(self, profile: Profile, fired_ids: Sequence[str]
                  ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The cached parts for these fired rules, and the fields that depend on the profile."""
        kb = self.kb
        fired = frozenset(fired_ids)
        unknown_ids = tuple(factor_id for factor_id, factor in kb.factors.items()
                            if _is_unknown(factor.kind, profile.value(factor_id)))
        # Everything but the profile itself depends only on which rules fired and which
        # factors are unknown, so it is kept for reuse (bounded, and cleared when full).
        key = (fired, unknown_ids)
        cached = self._parts_cache.get(key)
        if cached is None:
            cached = self._parts(profile, fired, unknown_ids)
            if len(self._parts_cache) >= _CACHE_LIMIT:
                self._parts_cache.clear()
            self._parts_cache[key] = cached
        entered = self._entered(profile)
        term_ids = set(cached["term_ids"])
        for item in entered:
            term_ids |= self._terms_in(item.value_label)
        fields = {
            "schema_version": 1,
            "disclaimer": kb.disclaimer.disclaimer,
            "profile": {factor_id: _plain(profile.value(factor_id)) for factor_id in kb.factors},
            "entered": entered,
            "legend": self._legend,
            "glossary": tuple(self._glossary_patterns[index][0] for index in sorted(term_ids)),
        }
        return cached, fields

    def _parts(self, profile: Profile, fired: frozenset[str],
               unknown_ids: tuple[str, ...]) -> dict[str, Any]:
        kb = self.kb
        texts: list[str] = [kb.disclaimer.disclaimer]
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

        unknown = self._unknown_factors(unknown_ids, categories, shown_rules)
        questions = self._questions(categories, shown_rules, unknown)
        care_team = self._care_team(categories)
        texts.extend(question.text for question in questions)
        texts.extend(item.why_it_matters for item in unknown)
        texts.extend(member.why for member in care_team)
        term_ids: set[int] = set()
        for text in texts:
            term_ids |= self._terms_in(text)
        glossary = [self._glossary_patterns[index][0] for index in sorted(term_ids)]
        return {
            "categories": tuple(categories),
            "unknown_factors": unknown,
            "notes": tuple(self._reasons[loaded.id] for loaded in general_notes),
            "questions": questions,
            "care_team": care_team,
            "term_ids": frozenset(term_ids),
            "knowledge": self._intern(KnowledgeInfo.model_construct(
                version=kb.version, last_reviewed=kb.source_file.last_reviewed.isoformat(),
                sources=self._knowledge_sources,
                **self._review_counts(shown_rules, unknown, questions, care_team, glossary))),
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
                draft=self._has_draft(f"subtype:{subtype.id}") or _any_draft(reasons,
                                                                                note_reasons),
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
            draft=(self._has_draft(f"category:{category.id}") or _any_draft(reasons,
                                                                             note_reasons)
                   or any(sub.draft for sub in subtypes)),
        )
        return result, shown_rules

    def _review_counts(self, shown_rules: Sequence[LoadedRule],
                       unknown: Sequence[UnknownFactor], questions: Sequence[Question],
                       care_team: Sequence[CareTeamMember],
                       glossary: Sequence[GlossaryEntry]) -> dict[str, Any]:
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
        shown += [f"glossary:{slug(entry.term)}/definition" for entry in glossary]
        states = kb.statement_reviews
        ids = [ident for ident in dict.fromkeys(shown) if ident in states]
        counts = Counter(states[ident].state for ident in ids)
        drafts = tuple(ident for ident in ids if states[ident].state == "draft")
        return {"statements_shown": len(ids),
                "review_states": self._intern(ReviewCounts.model_construct(
                    clinician_reviewed=counts["clinician_reviewed"],
                    source_checked=counts["source_checked"], draft=counts["draft"])),
                "draft_statements": len(drafts), "drafts": drafts}

    def _has_draft(self, entry_id: str) -> bool:
        """Whether any statement of the entry is a draft (effective state)."""
        prefix = f"{entry_id}/"
        return any(state.state == "draft" for ident, state in self.kb.statement_reviews.items()
                   if ident.startswith(prefix))

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

    def _entered(self, profile: Profile) -> tuple[EnteredFactor, ...]:
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
                factor=factor.id, label=factor.label, value=_plain(value), value_label=label,
                known=known, core=factor.core))
        return tuple(entered)

    def _unknown_factors(self, unknown_ids: Sequence[str], categories: Sequence[CategoryResult],
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

    def _questions(self, categories: Sequence[CategoryResult], shown_rules: Sequence[LoadedRule],
                   unknown: Sequence[UnknownFactor]) -> tuple[Question, ...]:
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
        # What matters most first: what is not known yet, then the worries entered, then the
        # treatments that come up, then what anyone could ask (a stable sort keeps the order
        # within each topic).
        questions.sort(key=lambda question: QUESTION_TOPICS.index(question.topic))
        return tuple(questions)

    def _care_team(self, categories: Sequence[CategoryResult]) -> tuple[CareTeamMember, ...]:
        shown = [category.id for category in categories if category.relevance in SHOWN]
        members = []
        for role in self.kb.care_team:
            linked = tuple(category for category in role.categories if category in shown)
            if role.always or linked:
                members.append(self._intern(CareTeamMember.model_construct(
                    id=role.id, role=role.role, why=role.why, categories=linked)))
        return tuple(members)


def _merge(base: tuple[Citation, ...], *groups: tuple[Reason, ...]) -> tuple[Citation, ...]:
    merged = {_citation_key(citation): citation for citation in base}
    for group in groups:
        for reason in group:
            for citation in reason.sources:
                merged.setdefault(_citation_key(citation), citation)
    return tuple(merged.values())


def _citation_key(citation: Citation) -> tuple[str, str, tuple[str, ...]]:
    return citation.source, citation.section_id, citation.refs


_AND = " and "
"""Joins the last two names of a list in a tailored question."""


def _name_list(names: Sequence[str]) -> str:
    """Names as they read inside a sentence: "surgery, radiation therapy and chemotherapy"."""
    words = [name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name
             for name in names]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + _AND + words[-1]


def _any_draft(*groups: tuple[Reason, ...]) -> bool:
    return any(reason.review_state == "draft" for group in groups for reason in group)


def _target_order(categories: Sequence[CategoryResult]) -> list[str]:
    order: list[str] = []
    for category in categories:
        order.append(category.id)
        order.extend(subtype.id for subtype in category.subtypes)
    return order


def _is_unknown(kind: str, value: object) -> bool:
    if kind == "multi":
        return not value
    return value is None or value == UNKNOWN


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def _describe_profile(profile: Profile) -> str:
    return ", ".join(f"{key}={value}" for key, value in profile.model_dump().items())

"""Why a category or kind has its relevance for a profile (``explainer why``).

The answer names the rules that decided it (with the factor values that matched), the rules
that fired but were outranked, the rules for it that did not fire and which part of their
condition failed, and which change of a single factor would change the relevance. Like an
expert system's "why", for clinicians and curious readers alike.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from explainer.errors import InputError
from explainer.explanation.plain import plain_condition, plain_profile, plain_test, value_label
from explainer.kb.conditions import Condition, holds
from explainer.kb.knowledge import KnowledgeBase, LoadedRule
from explainer.kb.profiles import Profile, to_fact

if TYPE_CHECKING:
    from explainer.explanation.api import Explainer
    from explainer.explanation.models import Explanation


@dataclass(frozen=True)
class RuleNote:
    """A rule for the target, and what happened to it for this profile."""

    rule_id: str
    relevance: str | None
    priority: int
    condition: str
    """The condition in plain words."""
    reason: str
    detail: str
    """Matched values (fired), or the parts of the condition that failed (did not fire)."""


Value = str | int | None
"""A value a single factor could take instead: a choice's id, a number (None: not known)."""


@dataclass(frozen=True)
class Change:
    """What the relevance would be if one factor had another value."""

    factor: str
    value: Value
    value_label: str
    relevance: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class WhyAnswer:
    """The whole answer (``--format json`` prints it as is)."""

    target: str
    name: str
    category: str
    relevance: str
    profile: str
    decided_by: tuple[RuleNote, ...]
    outranked: tuple[RuleNote, ...]
    not_fired: tuple[RuleNote, ...]
    kinds: tuple[tuple[str, str, str], ...]
    """For a category with kinds: (kind name, its relevance, the rules that decided it)."""
    changes: tuple[Change, ...]
    unchanged_by: tuple[str, ...]
    """Factors no single change of which changes the relevance."""
    from_report: tuple[str, ...] = ()
    """The factors taken from a pathology report (``why --report``)."""


def resolve_target(kb: KnowledgeBase, text: str) -> str:
    """The category or subtype id ``text`` names (id or name, any case); InputError if none."""
    wanted = text.strip().lower().replace("-", "_").replace(" ", "_")
    names: dict[str, str] = {}
    for category in kb.categories.values():
        names[category.id] = category.id
        names[category.name.lower().replace("-", "_").replace(" ", "_")] = category.id
        for subtype in category.subtypes:
            names[subtype.id] = subtype.id
            names[subtype.name.lower().replace("-", "_").replace(" ", "_")] = subtype.id
    if wanted in names:
        return names[wanted]
    ids = [*kb.categories, *kb.subtypes]
    near = [name for name in names if name.startswith(wanted)][:1] or difflib.get_close_matches(
        wanted, list(names), n=1, cutoff=0.6)
    hint = f" (did you mean '{names[near[0]]}'?)" if near else ""
    raise InputError(f"'{text}' is not a category or kind{hint}; allowed: {', '.join(ids)}")


def _failed_parts(condition: Condition, fact: Mapping[str, str], profile: Profile
                  ) -> list[str]:
    failed = []
    for test in condition.tests:
        if not holds(Condition((test,)), fact):
            entered = profile.value(test.factor.id)
            if test.factor.kind == "multi":
                shown = ", ".join(value_label(test.factor, item) for item in entered or []) \
                    or "none"
            elif test.factor.kind == "number":
                shown = str(entered) if entered is not None else "not known"
            else:
                shown = value_label(test.factor, str(entered))
            failed.append(f"needs {plain_test(test)} (entered: {shown})")
    if condition.any_of and not any(holds(branch, fact) for branch in condition.any_of):
        failed.append("needs at least one of: " + "; or ".join(
            plain_condition(branch) for branch in condition.any_of))
    return failed


def _matched(loaded: LoadedRule, profile: Profile) -> str:
    values = []
    for factor_id in loaded.condition.factor_ids():
        value = profile.value(factor_id)
        if isinstance(value, (list, tuple)):
            value = ", ".join(value) or "none"
        values.append(f"{factor_id}={'unknown' if value is None else value}")
    return "matched " + "; ".join(values)


def _relevance_of(explanation: Explanation, target: str) -> tuple[str, tuple[str, ...]]:
    result = explanation.result_of(target)
    return result.relevance, tuple(reason.rule_id for reason in result.reasons)


def _alternatives(kb: KnowledgeBase, factor_id: str, current: object) -> list[Value]:
    """The other values of one factor worth trying: every other choice; for a number, one
    value in each other band, and not known."""
    factor = kb.factors[factor_id]
    if factor.kind == "multi":
        return []  # side-effect worries add notes; they never change a relevance
    if factor.kind != "number":
        return [value.id for value in factor.values if value.id != current]

    def band_of(number: int) -> str | None:
        return next((b.id for b in factor.bands if b.min <= number <= b.max), None)

    band = band_of(current) if isinstance(current, int) else None
    options: list[Value] = [b.min for b in factor.bands if band is None or b.id != band]
    if current is not None:
        options.append(None)
    return options


def explain_why(explainer: Explainer, target: str, data: Mapping[str, Any],
                from_report: Sequence[str] = ()) -> WhyAnswer:
    """Answer why ``target`` has its relevance for the profile ``data`` (``from_report``: the
    factors of ``data`` that were read from a pathology report)."""
    kb = explainer.kb
    profile = explainer.parse(data)
    explanation = explainer.explain(profile)
    relevance, deciders = _relevance_of(explanation, target)
    # Deciding rules for the target that fired but lost to a higher priority.
    outranked_ids = {rule.rule_id for rule in explanation.result_of(target).considered}
    fact = to_fact(profile, kb.factors)
    levels = {level.id: level.label for level in kb.relevance_levels.values()}
    category_id = kb.category_of(target)
    kinds: tuple[tuple[str, str, str], ...] = ()
    rolled_up = target in kb.categories and bool(kb.categories[target].subtypes)
    if rolled_up:
        # A category with kinds takes the strongest relevance among them: the kinds that
        # gave it decide, and each kind has its own answer (explainer why KIND).
        result = explanation.category(target)
        kinds = tuple((sub.name, levels[sub.relevance],
                       ", ".join(reason.rule_id for reason in sub.reasons))
                      for sub in result.subtypes)
    decided, outranked, not_fired = [], [], []
    for loaded in kb.rules:
        rule = loaded.rule
        if not loaded.decides or (rule.id not in deciders and (
                rolled_up or rule.target != target)):
            continue
        note = RuleNote(rule.id, rule.relevance, rule.priority,
                        plain_condition(loaded.condition), " ".join(rule.reason.split()), "")
        if rule.id in deciders:
            decided.append(_with(note, _matched(loaded, profile)))
        elif rule.id in outranked_ids:
            outranked.append(_with(note, _matched(loaded, profile)))
        else:
            not_fired.append(_with(note, "; ".join(_failed_parts(loaded.condition, fact,
                                                                  profile))))
    changes, unchanged = [], []
    raw = {factor_id: profile.value(factor_id) for factor_id in kb.factors}
    for factor_id, factor in kb.factors.items():
        found = False
        for option in _alternatives(kb, factor_id, raw[factor_id]):
            other = explainer.explain({**raw, factor_id: option})
            new_relevance, rules = _relevance_of(other, target)
            if new_relevance != relevance:
                found = True
                shown = ("not known" if option is None else str(option)
                         if factor.kind == "number" else value_label(factor, str(option)))
                changes.append(Change(factor_id, option, shown, new_relevance, rules))
        if not found:
            unchanged.append(factor_id)
    return WhyAnswer(
        target=target, name=kb.target_name(target), category=category_id, relevance=relevance,
        profile=plain_profile(kb, raw),
        decided_by=tuple(decided), outranked=tuple(outranked), not_fired=tuple(not_fired),
        kinds=kinds, changes=tuple(changes), unchanged_by=tuple(unchanged),
        from_report=tuple(from_report))


def _with(note: RuleNote, detail: str) -> RuleNote:
    return RuleNote(note.rule_id, note.relevance, note.priority, note.condition, note.reason,
                    detail)



"""The factor space, enumerated in one place: every combination of (representative) values of
some factors, which relevance every category and subtype gets for how many of them, which rules
ever fire and ever decide, and whether durable-rules and the plain-Python oracle agree on them.

Only the factors that deciding rules look at can change a relevance, so those are the space
(for the project's knowledge base: stage, HR, HER2, general health and BRCA status; menopause,
age and side-effect concerns only add notes). Rules are evaluated with the plain-Python oracle,
which the tests hold equal to durable-rules over the same space, so no engine is built here.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from explainer.errors import DecisionGap
from explainer.kb.conditions import Condition, holds
from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.models import RELEVANCE_ORDER, Factor
from explainer.kb.profiles import describe_profile, parse_profile, to_fact
from explainer.lint.base import Problem, ProblemCode

if TYPE_CHECKING:
    from explainer.explanation.api import Explainer


def _choices(factor: Factor) -> list[Any]:
    """Representative raw values of a factor: every value; a number's bands; a multi's single
    answers and the empty answer."""
    if factor.kind == "number":
        return [band.min for band in factor.bands] + [None]
    if factor.kind == "multi":
        return [[value.id] for value in factor.values] + [[]]
    return [value.id for value in factor.values]


def deciding_factor_ids(kb: KnowledgeBase) -> list[str]:
    """The factors any deciding rule looks at, in knowledge-base order."""
    used = {factor_id for loaded in kb.rules if loaded.decides
            for factor_id in loaded.condition.factor_ids()}
    return [factor_id for factor_id in kb.factors if factor_id in used]


def decision_factors(kb: KnowledgeBase) -> list[str]:
    """The choice factors among :func:`deciding_factor_ids`: the space that decides relevance."""
    return [factor_id for factor_id in deciding_factor_ids(kb)
            if kb.factors[factor_id].kind == "choice"]


def profiles(kb: KnowledgeBase, factor_ids: list[str]) -> Iterator[dict[str, Any]]:
    """Every combination of representative values of ``factor_ids`` (others unknown)."""
    lists = [_choices(kb.factors[factor_id]) for factor_id in factor_ids]
    for combination in itertools.product(*lists):
        yield dict(zip(factor_ids, combination, strict=True))


def factor_space(kb: KnowledgeBase, factor_ids: list[str] | None = None
                 ) -> Iterator[dict[str, Any]]:
    """Every combination of the values of ``factor_ids`` (default: the core choice factors)."""
    if factor_ids is None:
        factor_ids = [factor_id for factor_id, factor in kb.factors.items()
                      if factor.core and factor.kind == "choice"]
    return profiles(kb, factor_ids)


def satisfiable(kb: KnowledgeBase, condition: Condition) -> bool:
    """Whether any profile at all satisfies ``condition`` (enumerating only its factors)."""
    for raw in profiles(kb, condition.factor_ids()):
        if holds(condition, to_fact(parse_profile(raw, kb.factors), kb.factors)):
            return True
    return False


@dataclass
class Coverage:
    """What the factor space leads to."""

    factor_ids: list[str]
    total: int = 0
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    """target id -> relevance -> number of combinations."""
    examples: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(target, relevance) -> the first combination that leads there."""
    fired: set[str] = field(default_factory=set)
    decided: set[str] = field(default_factory=set)
    """Ids of rules that were among the deciding (highest-priority) rules at least once."""
    shown_roles: set[str] = field(default_factory=set)
    gaps: list[str] = field(default_factory=list)
    """Problems composing some combination (no rule decides, or rules disagree)."""

    def relevances(self, target: str) -> list[str]:
        """The relevances ``target`` can get, strongest first."""
        return [level for level in RELEVANCE_ORDER if self.counts.get(target, Counter())[level]]


def coverage(kb: KnowledgeBase) -> Coverage:
    """Enumerate the deciding factors of ``kb`` and record what every combination leads to."""
    # Imported here: `explainer lint --help` (and so `explainer --help`) imports this module.
    from explainer.engine.oracle import oracle_fired
    from explainer.explanation.compose import Composer

    composer = Composer(kb)
    factor_ids = deciding_factor_ids(kb)
    result = Coverage(factor_ids=factor_ids)
    for raw in profiles(kb, factor_ids):
        profile = parse_profile(raw, kb.factors)
        fact = to_fact(profile, kb.factors)
        fired = oracle_fired(kb, fact)
        result.fired.update(fired)
        result.total += 1
        try:
            explanation = composer.compose(profile, fired)
        except DecisionGap as gap:
            if gap.summary not in result.gaps:
                result.gaps.append(gap.summary)
            continue
        for target, _ in explanation.results():
            result.counts.setdefault(target.id, Counter())[target.relevance] += 1
            result.examples.setdefault((target.id, target.relevance), raw)
            result.decided.update(reason.rule_id for reason in target.reasons)
        result.shown_roles.update(member.id for member in explanation.care_team)
    return result


def space_problems(explainer: Explainer, factor_ids: list[str] | None = None,
                   compare_oracle: bool = True) -> list[Problem]:
    """Check every profile of the factor space: a decision for every target, no conflicts,
    and (optionally) the same fired rules from durable-rules and the plain-Python oracle."""
    from explainer.engine.oracle import oracle_fired

    problems: list[Problem] = []
    kb = explainer.kb
    seen: set[str] = set()
    for raw in factor_space(kb, factor_ids):
        profile = explainer.parse(raw)
        shown = describe_profile(raw)
        if compare_oracle:
            fired = explainer.fired(profile)
            expected = oracle_fired(kb, to_fact(profile, kb.factors))
            if fired != expected:
                problems.append(Problem(
                    ProblemCode.ENGINE_DIFFERS, shown,
                    f"engine fired {sorted(set(fired) - set(expected))} the oracle did not, "
                    f"and missed {sorted(set(expected) - set(fired))}"))
        try:
            explainer.explain(profile)
        except DecisionGap as gap:
            if gap.summary not in seen:  # one report per gap, not one per profile
                seen.add(gap.summary)
                problems.append(Problem(ProblemCode.DECISION_GAP, shown, gap.summary))
    return problems

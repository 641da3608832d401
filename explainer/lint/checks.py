"""Whole-knowledge-base checks: rule cases, and the factor space enumerated in full.

The tests run these on the project's knowledge base and on deliberately broken copies, and
``explainer lint`` reports what they find.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from explainer.engine.host import oracle_fired
from explainer.errors import KnowledgeBaseError
from explainer.explanation.api import Explainer
from explainer.kb.conditions import UNKNOWN
from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.profiles import to_fact


@dataclass(frozen=True)
class Problem:
    """One failed check: which rule or profile, and what is wrong."""

    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


def case_file_problems(kb: KnowledgeBase) -> list[Problem]:
    """Rules without a cases file, without a firing case, or without a silent case."""
    problems = []
    for loaded in kb.rules:
        cases = loaded.cases
        if cases is None:
            problems.append(Problem(loaded.id, f"no cases file ({loaded.id}.cases.yaml)"))
            continue
        if not cases.fires:
            problems.append(Problem(loaded.id, "no case under fires: (a profile it must fire on)"))
        if not cases.silent:
            problems.append(Problem(loaded.id, "no case under silent: (a profile it must not "
                                               "fire on)"))
        if cases.overridden and not loaded.decides:
            problems.append(Problem(loaded.id, "a note cannot be overridden; move those cases "
                                               "to fires:"))
    return problems


def run_rule_cases(explainer: Explainer, rule_ids: Collection[str] | None = None
                   ) -> list[Problem]:
    """Run the cases of every rule (or of ``rule_ids``); return those that do not behave as
    their file says."""
    problems = []
    kb = explainer.kb
    for loaded in kb.rules:
        if loaded.cases is None or (rule_ids is not None and loaded.id not in rule_ids):
            continue
        groups: list[tuple[str, tuple[Mapping[str, Any], ...]]] = [
            ("fires", loaded.cases.fires), ("overridden", loaded.cases.overridden),
            ("silent", loaded.cases.silent)]
        for group, profiles in groups:
            for raw in profiles:
                profile = explainer.parse(raw)
                fired = explainer.fired(profile)
                shown = dict(raw) or "{} (everything unknown)"
                if (loaded.id in fired) != (group != "silent"):
                    verb = "did not fire" if group != "silent" else "fired"
                    problems.append(Problem(loaded.id, f"{group} case {shown}: {verb}"))
                    continue
                if group == "silent" or not loaded.decides:
                    continue
                explanation = explainer.composer.compose(profile, fired)
                target = loaded.rule.target
                assert target is not None
                reasons = _reason_ids(explanation, target)
                if group == "fires" and loaded.id not in reasons:
                    problems.append(Problem(loaded.id, f"fires case {shown}: fired but did not "
                                                       f"decide {target} (decided by "
                                                       f"{', '.join(reasons)})"))
                if group == "overridden" and loaded.id in reasons:
                    problems.append(Problem(loaded.id, f"overridden case {shown}: it decided "
                                                       f"{target}"))
    return problems


def _reason_ids(explanation: Any, target: str) -> list[str]:
    for category in explanation.categories:
        if category.id == target and not category.subtypes:
            return [reason.rule_id for reason in category.reasons]
        for subtype in category.subtypes:
            if subtype.id == target:
                return [reason.rule_id for reason in subtype.reasons]
    raise KeyError(target)


def decision_factors(kb: KnowledgeBase) -> list[str]:
    """Choice factors that any deciding rule looks at: the space that decides relevance."""
    used = {factor_id for loaded in kb.rules if loaded.decides
            for factor_id in loaded.condition.factor_ids()}
    return [factor_id for factor_id, factor in kb.factors.items()
            if factor_id in used and factor.kind == "choice"]


def factor_space(kb: KnowledgeBase, factor_ids: list[str] | None = None
                 ) -> Iterator[dict[str, str]]:
    """Every combination of the values of ``factor_ids`` (default: the core choice factors)."""
    if factor_ids is None:
        factor_ids = [factor_id for factor_id, factor in kb.factors.items()
                      if factor.core and factor.kind == "choice"]
    value_lists = [[value.id for value in kb.factors[factor_id].values]
                   for factor_id in factor_ids]
    for combination in itertools.product(*value_lists):
        yield dict(zip(factor_ids, combination, strict=True))


def space_problems(explainer: Explainer, factor_ids: list[str] | None = None,
                   compare_oracle: bool = True) -> list[Problem]:
    """Check every profile of the factor space: a decision for every target, no conflicts,
    and (optionally) the same fired rules from durable-rules and the plain-Python oracle."""
    problems: list[Problem] = []
    kb = explainer.kb
    seen: set[str] = set()
    for raw in factor_space(kb, factor_ids):
        profile = explainer.parse(raw)
        fired = explainer.fired(profile)
        shown = ", ".join(f"{key}={value}" for key, value in raw.items()
                          if value != UNKNOWN) or "everything unknown"
        if compare_oracle:
            expected = oracle_fired(kb, to_fact(profile, kb.factors))
            if fired != expected:
                problems.append(Problem(shown, f"engine fired {sorted(set(fired) - set(expected))}"
                                               f" the oracle did not, and missed "
                                               f"{sorted(set(expected) - set(fired))}"))
        try:
            explainer.composer.compose(profile, fired)
        except KnowledgeBaseError as error:
            message = error.issues[0].message.split(" for the profile")[0]
            if message not in seen:  # one report per gap, not one per profile
                seen.add(message)
                problems.append(Problem(shown, message))
    return problems

"""Treatments that go together (``knowledge/companions.yaml``), checked over the factor space.

A companion is given with, carries, or follows another treatment (a checkpoint inhibitor before
surgery goes with chemotherapy; radiation in early cancer follows breast-conserving surgery). No
profile may show the companion as more likely than the treatment it goes with: that is the class
of error where poor health lowered chemotherapy but left the checkpoint inhibitor given with it
often discussed. The check enumerates every combination of the factors that deciding rules use
(as :mod:`explainer.lint.factor_space` does), with the plain-Python oracle, so no engine is built.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StrictStr, ValidationError

from explainer.errors import DecisionGap
from explainer.kb.base import Frozen, Id, Text
from explainer.kb.conditions import Condition, ConditionError, holds, parse_condition
from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.models import RELEVANCE_ORDER, Sources
from explainer.kb.profiles import describe_profile, parse_profile, to_fact
from explainer.kb.yamlio import line_for
from explainer.lint.base import LintContext, LintIssue, Severity, Validator
from explainer.lint.factor_space import deciding_factor_ids, profiles

COMPANIONS_FILE = "companions.yaml"


class Companion(Frozen):
    """``treatment`` goes with ``goes_with`` (in the situations of ``when``, if given)."""

    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
    treatment: Id
    goes_with: Id
    when: dict[StrictStr, object] | None = None
    why: Text
    sources: Sources


class CompanionsFile(Frozen):
    """knowledge/companions.yaml."""

    companions: tuple[Companion, ...]


def _rank(relevance: str) -> int:
    return RELEVANCE_ORDER.index(relevance)


class CompanionsValidator(
        Validator, name="companions", needs_kb=True,
        concern="a treatment shown as more likely than the treatment it is given with"):
    """A companion treatment shown as more likely than the treatment it goes with."""

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        kb = context.knowledge
        path = context.root / "knowledge" / COMPANIONS_FILE
        raw = context.raw.get(path)
        if raw is None:
            return
        try:
            data = CompanionsFile.model_validate(raw)
        except ValidationError as error:
            for problem in error.errors():
                yield self.issue(Severity.ERROR, path, line_for(raw, problem["loc"]),
                                 f"{'.'.join(str(step) for step in problem['loc'])}: "
                                 f"{problem['msg']}", "see the comment at the top of the file")
            return
        checked: list[tuple[int, Companion, Condition | None]] = []
        for position, pair in enumerate(data.companions):
            line = line_for(raw, ("companions", position))
            wrong = self._reference_problem(kb, pair, context.raw, path, position)
            if wrong is not None:
                yield wrong
                continue
            condition = None
            if pair.when is not None:
                try:
                    condition = parse_condition(pair.when, kb.factors)
                except ConditionError as error:
                    yield self.issue(Severity.ERROR, path, line,
                                     f"companion {pair.id}: when: {error.message}",
                                     "use the syntax of a rule's when:")
                    continue
            checked.append((position, pair, condition))
        for position, message in companion_breaks(kb, [(pair, condition)
                                                       for _, pair, condition in checked]):
            index = checked[position][0]
            yield self.issue(Severity.ERROR, path, line_for(raw, ("companions", index)), message,
                             "add a rule of higher priority that lowers the companion in that "
                             "situation, or narrow the pair's when: if they do not go together "
                             "there")

    def _reference_problem(self, kb: KnowledgeBase, pair: Companion, raw: Mapping[Path, Any],
                           path: Path, position: int) -> LintIssue | None:
        targets = set(kb.categories) | set(kb.subtypes)
        for key in ("treatment", "goes_with"):
            value = getattr(pair, key)
            if value not in targets:
                return self.issue(Severity.ERROR, path,
                                  line_for(raw.get(path), ("companions", position, key)),
                                  f"companion {pair.id}: '{value}' is not a category or kind "
                                  "of treatment", f"use one of {', '.join(sorted(targets))}")
        for ref in pair.sources:
            if ref.source not in kb.sources:
                return self.issue(Severity.ERROR, path,
                                  line_for(raw.get(path), ("companions", position, "sources")),
                                  f"companion {pair.id}: unknown source '{ref.source}'",
                                  "cite a source of knowledge/source.yaml")
        return None


def companion_breaks(kb: KnowledgeBase, pairs: list[tuple[Companion, Condition | None]]
                     ) -> list[tuple[int, str]]:
    """(index into ``pairs``, message) for each pair some profile breaks: the companion is shown
    as more likely than what it goes with. One message per pair, with a count and an example."""
    # Imported here, as in explainer.lint.factor_space: `explainer lint --help` imports this
    # module.
    from explainer.engine.oracle import oracle_fired
    from explainer.explanation.compose import Composer

    composer = Composer(kb)
    factor_ids = deciding_factor_ids(kb)
    for _, condition in pairs:
        for factor_id in condition.factor_ids() if condition is not None else ():
            if factor_id not in factor_ids:
                factor_ids.append(factor_id)
    broken: dict[int, tuple[int, dict[str, Any], str, str]] = {}
    for raw in profiles(kb, factor_ids):
        profile = parse_profile(raw, kb.factors)
        fact = to_fact(profile, kb.factors)
        fired = oracle_fired(kb, fact)
        try:
            explanation = composer.compose(profile, fired)
        except DecisionGap:
            continue  # a gap or a conflict: the reachability validator reports it
        for index, (pair, condition) in enumerate(pairs):
            if condition is not None and not holds(condition, fact):
                continue
            shown = explanation.relevance_of(pair.treatment)
            partner = explanation.relevance_of(pair.goes_with)
            if _rank(shown) < _rank(partner):
                count, example, first_shown, first_partner = broken.get(
                    index, (0, raw, shown, partner))
                broken[index] = (count + 1, example, first_shown, first_partner)
    return [(index, f"companion {pairs[index][0].id}: '{pairs[index][0].treatment}' is "
                    f"{shown} but '{pairs[index][0].goes_with}', which it goes with, is "
                    f"{partner} ({count} combination{'s' if count != 1 else ''}, e.g. "
                    f"{describe_profile(example)})")
            for index, (count, example, shown, partner) in sorted(broken.items())]

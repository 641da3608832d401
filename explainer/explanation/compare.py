"""What changes between two explanations: the what-if view and ``explainer compare``.

:func:`compare` turns two explanations into a :class:`Comparison` (a frozen pydantic model, also
the JSON of ``--format json``): which factors differ, which categories and subtypes change
relevance (from what to what, with the reasons on each side), which keep their relevance for
other reasons, which do not change at all (summarised in one line), and the questions that
appear or drop out. :func:`explainer.render.compare.render_comparison` prints it in every
output format.

    >>> from explainer import explain
    >>> from explainer.explanation.compare import compare
    >>> before = explain(stage="II", hr_status="positive", her2_status="negative")
    >>> after = explain(stage="II", hr_status="positive", her2_status="positive")
    >>> comparison = compare(before, after, before_label="As entered", after_label="What if")
    >>> [change.id for change in comparison.changes][:2]
    ['chemotherapy', 'targeted_therapy']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from explainer.errors import InputError
from explainer.explanation.models import (
    Citation,
    Explanation,
    KnowledgeInfo,
    Reason,
)
from explainer.kb.models import Factor, Relevance
from explainer.kb.phrases import phrases

# The fixed phrases of this screen live in knowledge/interface.yaml (compare:).
TEXT = phrases("compare")

class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class FactorChange(_Model):
    """A factor whose value differs between the two sides."""

    factor: str
    label: str
    before: str
    """The value on the first side, in plain words."""
    after: str


class RelevanceChange(_Model):
    """A category or subtype on both sides: its relevance and the reasons for it."""

    id: str
    name: str
    category: str | None
    """For a subtype, the id of its category; None for a category."""
    category_name: str | None
    before: Relevance
    after: Relevance
    before_label: str
    after_label: str
    reasons_before: tuple[Reason, ...]
    """Why it has its relevance on the first side (and its notes)."""
    reasons_after: tuple[Reason, ...]
    sources: tuple[Citation, ...]
    """The sources of the reasons on both sides, each once."""


class Comparison(_Model):
    """What changes between two explanations (``--what-if`` and ``explainer compare``)."""

    schema_version: Literal[1] = 1
    disclaimer: str
    what_if: bool
    """True when the second side is the first with some factors changed (``--what-if``)."""
    before_label: str
    after_label: str
    before_profile: dict[str, Any]
    after_profile: dict[str, Any]
    factor_changes: tuple[FactorChange, ...]
    changes: tuple[RelevanceChange, ...]
    """Categories and subtypes whose relevance differs, in the contract's order."""
    reasons_changed: tuple[RelevanceChange, ...]
    """Same relevance on both sides, but for other reasons (or with other notes)."""
    unchanged: tuple[str, ...]
    """Ids of the categories and subtypes with the same relevance on both sides."""
    unchanged_summary: str
    """The unchanged ones in one line of plain words."""
    questions_added: tuple[str, ...]
    questions_removed: tuple[str, ...]
    knowledge: KnowledgeInfo


def _targets(explanation: Explanation) -> dict[str, tuple[str, Any, Any]]:
    """Every category and subtype by id: (name, its category or None, its result)."""
    return {result.id: (result.name, parent, result) for result, parent in explanation.results()}


def _rule_ids(reasons: Sequence[Reason]) -> list[str]:
    return [reason.rule_id for reason in reasons]


def _sources(*groups: Sequence[Reason]) -> tuple[Citation, ...]:
    merged: dict[tuple[str, str, tuple[str, ...]], Citation] = {}
    for group in groups:
        for reason in group:
            for citation in reason.sources:
                merged.setdefault((citation.source, citation.section_id, citation.refs),
                                  citation)
    return tuple(merged.values())


def _names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + TEXT["and"] + names[-1]


def _unchanged_summary(before: Explanation, unchanged: set[str]) -> str:
    categories = [category.name for category in before.categories if category.id in unchanged]
    kinds = sum(1 for category in before.categories for subtype in category.subtypes
                if subtype.id in unchanged)
    if categories and kinds:
        return TEXT["unchanged_kinds"].format(names=_names(categories), count=kinds)
    if categories:
        return TEXT["unchanged_names"].format(names=_names(categories))
    if kinds:
        return TEXT["unchanged_only_kinds"].format(count=kinds)
    return TEXT["nothing_unchanged"]


def compare(before: Explanation, after: Explanation, *, before_label: str = "A",
            after_label: str = "B", what_if: bool = False) -> Comparison:
    """What changes from ``before`` to ``after`` (two explanations of one knowledge base).

    ``before_label`` and ``after_label`` name the two sides in every output (for example
    "As entered" and "What if HER2 status is HER2-positive").
    """
    labels = {entry.relevance: entry.label for entry in before.legend}
    after_targets = _targets(after)
    changes: list[RelevanceChange] = []
    reasons_changed: list[RelevanceChange] = []
    unchanged: list[str] = []
    for target_id, (name, parent, old) in _targets(before).items():
        new = after_targets[target_id][2]
        category_id = parent.id if parent is not None else None
        # A category with kinds takes its reasons from them; the kinds are compared one by one,
        # so only its own notes count for it here.
        has_kinds = category_id is None and bool(old.subtypes)
        old_reasons = tuple(old.notes) if has_kinds else (*old.reasons, *old.notes)
        new_reasons = tuple(new.notes) if has_kinds else (*new.reasons, *new.notes)
        if has_kinds and old.relevance != new.relevance:
            old_reasons, new_reasons = (*old.reasons, *old.notes), (*new.reasons, *new.notes)
        change = RelevanceChange(
            id=target_id, name=name, category=category_id,
            category_name=parent.name if parent is not None else None, before=old.relevance,
            after=new.relevance, before_label=labels[old.relevance],
            after_label=labels[new.relevance], reasons_before=old_reasons,
            reasons_after=new_reasons, sources=_sources(old_reasons, new_reasons))
        if old.relevance != new.relevance:
            changes.append(change)
        else:
            unchanged.append(target_id)
            if _rule_ids(old_reasons) != _rule_ids(new_reasons):
                reasons_changed.append(change)
    factor_changes = tuple(
        FactorChange(factor=old.factor, label=old.label, before=old.value_label,
                     after=new.value_label)
        for old, new in zip(before.entered, after.entered, strict=True)
        if old.value != new.value)
    # General questions name the treatments often discussed, so their wording follows the
    # changes already listed; only the other questions are compared.
    old_questions = [q.text for q in before.questions if q.topic != "general"]
    new_questions = [q.text for q in after.questions if q.topic != "general"]
    return Comparison(
        disclaimer=before.disclaimer, what_if=what_if, before_label=before_label,
        after_label=after_label, before_profile=before.profile, after_profile=after.profile,
        factor_changes=factor_changes, changes=tuple(changes),
        reasons_changed=tuple(reasons_changed), unchanged=tuple(unchanged),
        unchanged_summary=_unchanged_summary(before, set(unchanged)),
        questions_added=tuple(text for text in new_questions if text not in old_questions),
        questions_removed=tuple(text for text in old_questions if text not in new_questions),
        knowledge=after.knowledge)


# -- what-if --------------------------------------------------------------------------------

_WHAT_IF = re.compile(r"^\s*([A-Za-z][\w-]*)\s*=\s*(.*?)\s*$", re.DOTALL)


def _factor_for(name: str, factors: Mapping[str, Factor]) -> Factor:
    import difflib

    wanted = name.strip().lower().replace("-", "_")
    for factor in factors.values():
        if wanted in (factor.id, factor.cli_flag.replace("-", "_")):
            return factor
    names = [factor.cli_flag for factor in factors.values()]
    near = difflib.get_close_matches(name.lower(), names + list(factors), n=1)
    hint = f" (did you mean '{near[0]}'?)" if near else ""
    raise InputError(f"--what-if: '{name}' is not a factor{hint}; factors: {', '.join(names)}")


def apply_what_if(data: Mapping[str, Any], changes: Sequence[str],
                  factors: Mapping[str, Factor]) -> dict[str, Any]:
    """``data`` with each ``FACTOR=VALUE`` of ``changes`` applied (all together).

    FACTOR is a factor id or its flag (``her2`` or ``her2_status``); VALUE is checked later like
    any entered value. Raises :class:`~explainer.errors.InputError` for a malformed change or an
    unknown factor.
    """
    result = dict(data)
    given: dict[str, str] = {}
    for change in changes:
        match = _WHAT_IF.match(change)
        if match is None:
            raise InputError(f"--what-if: '{change}' is not FACTOR=VALUE (for example "
                             "--what-if her2=positive)")
        factor = _factor_for(match.group(1), factors)
        if factor.id in given:
            raise InputError(f"--what-if: {factor.id} is changed twice ('{given[factor.id]}' "
                             f"and '{change}'); give each factor once (for several values of "
                             "a list, separate them with commas)")
        given[factor.id] = change
        value: Any = match.group(2)
        if factor.kind == "multi":
            value = [part for part in re.split(r"[,;]", value) if part.strip()]
        result[factor.id] = value
    return result


def compare_what_if(before: Explanation, after: Explanation) -> Comparison:
    """A what-if comparison: "As entered" against "What if" (the changes are in the table)."""
    return compare(before, after, before_label=TEXT["as_entered"],
                   after_label=TEXT["what_if"], what_if=True)

"""Rule conditions: parsed once from YAML, then turned into durable-rules form, evaluated in
plain Python (the test oracle), and described in words.

A profile is first flattened into a *fact*: a dict of strings only (durable-rules matches
strings exactly and never matches missing fields). Choice factors map to their value id,
number factors to the id of the band the number falls in, and multi-choice factors to one
``<factor>__<value>`` field per value, ``"yes"`` or ``"no"``. Every fact carries
``_kind: profile`` and every compiled condition tests it, so a rule can never match the
engine's own state fact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from explainer.kb.models import Factor

MARKER_FIELD = "_kind"
MARKER_VALUE = "profile"
UNKNOWN = "unknown"


class ConditionError(ValueError):
    """A rule condition that cannot be understood; ``path`` locates it inside ``when``."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


# Records are NamedTuples: immutable, pickled compactly with the knowledge base, and made in a
# fifth of the time of a frozen dataclass at import (every command's start pays for it).
class FactorTest(NamedTuple):
    """``factor`` has one of ``values`` (or, when ``negate``, none of them)."""

    factor: Factor
    values: tuple[str, ...]
    negate: bool = False

    def fields(self) -> list[tuple[str, str]]:
        """The (fact field, expected value) pairs this test looks at, one per value."""
        if self.factor.kind == "multi":
            return [(multi_field(self.factor.id, value), "yes") for value in self.values]
        return [(self.factor.id, value) for value in self.values]


class Condition(NamedTuple):
    """All ``tests`` hold and, if ``any_of`` is not empty, at least one of its conditions."""

    tests: tuple[FactorTest, ...]
    any_of: tuple[Condition, ...] = ()

    def factor_ids(self) -> list[str]:
        """Every factor the condition mentions, in first-mention order, without repeats."""
        seen: dict[str, None] = {}
        for test in self.tests:
            seen.setdefault(test.factor.id, None)
        for branch in self.any_of:
            for factor_id in branch.factor_ids():
                seen.setdefault(factor_id, None)
        return list(seen)

    def unknown_factor_ids(self) -> list[str]:
        """Factors the condition requires to be unknown (directly or in a branch)."""
        found: dict[str, None] = {}
        for test in self.tests:
            if not test.negate and UNKNOWN in test.values:
                found.setdefault(test.factor.id, None)
        for branch in self.any_of:
            for factor_id in branch.unknown_factor_ids():
                found.setdefault(factor_id, None)
        return list(found)


def multi_field(factor_id: str, value: str) -> str:
    """The fact field that says whether a multi-choice factor includes ``value``."""
    return f"{factor_id}__{value}"


def condition_values(factor: Factor) -> list[str]:
    """The values a condition may test for ``factor``."""
    if factor.kind == "number":
        return [band.id for band in factor.bands] + [UNKNOWN]
    values = [value.id for value in factor.values]
    if factor.kind == "multi" and UNKNOWN not in values:
        values.append(UNKNOWN)
    return values


def parse_condition(
    when: Mapping[str, Any], factors: Mapping[str, Factor], path: tuple[str | int, ...] = ()
) -> Condition:
    """Parse a rule's ``when`` mapping. Raises :class:`ConditionError` on the first problem."""
    tests: list[FactorTest] = []
    branches: list[Condition] = []
    if not isinstance(when, Mapping):
        raise ConditionError(path, "a condition must be a mapping of factor: value")
    if not when:
        raise ConditionError(path, "a condition needs at least one factor")
    for key, spec in when.items():
        here = (*path, key)
        if key == "any":
            if not isinstance(spec, Sequence) or isinstance(spec, str) or len(spec) < 2:
                raise ConditionError(here, "'any' needs a list of two or more conditions")
            branches.extend(
                parse_condition(item, factors, (*here, index)) for index, item in enumerate(spec)
            )
            continue
        factor = factors.get(key)
        if factor is None:
            raise ConditionError(
                here, f"unknown factor '{key}'; known factors: {', '.join(factors)}"
            )
        negate = isinstance(spec, Mapping)
        if isinstance(spec, Mapping) and set(spec) != {"not"}:
            raise ConditionError(here, "use a value, a list of values, or {not: value}")
        values = _as_values(spec["not"] if negate else spec, here)
        allowed = condition_values(factor)
        for value in values:
            if value not in allowed:
                raise ConditionError(
                    here,
                    f"'{value}' is not a value of {key}; allowed: {', '.join(allowed)}",
                )
        if len(set(values)) != len(values):
            raise ConditionError(here, "a value is listed twice")
        tests.append(FactorTest(factor, tuple(values), negate))
    return Condition(tuple(tests), tuple(branches))


def _as_values(spec: Any, path: tuple[str | int, ...]) -> list[str]:
    items = list(spec) if isinstance(spec, (list, tuple)) else [spec]
    if not items:
        raise ConditionError(path, "the list of values is empty")
    for item in items:
        if not isinstance(item, str):
            # PyYAML reads unquoted 0, no, off, null as numbers, booleans or None; durable-rules
            # would then silently never match the string in the fact.
            raise ConditionError(
                path, f"{item!r} is not text; put the value in quotes, e.g. \"{item}\""
            )
    return items


# --- durable-rules form ---------------------------------------------------------------------


def to_durable(condition: Condition) -> dict[str, Any]:
    """The durable-rules expression for ``condition``, including the profile marker."""
    return {"$and": [{MARKER_FIELD: MARKER_VALUE}, *_durable_parts(condition)]}


def _durable_parts(condition: Condition) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for test in condition.tests:
        fields = test.fields()
        if test.factor.kind == "multi" and test.negate:
            parts.extend({field: "no"} for field, _ in fields)
        elif test.negate:
            parts.extend({"$neq": {field: value}} for field, value in fields)
        elif len(fields) == 1:
            parts.append({fields[0][0]: fields[0][1]})
        else:
            parts.append({"$or": [{field: value} for field, value in fields]})
    if condition.any_of:
        parts.append(
            {"$or": [{"$and": _durable_parts(branch)} for branch in condition.any_of]}
        )
    return parts


# --- plain-Python evaluation (the oracle) -----------------------------------------------------


def holds(condition: Condition, fact: Mapping[str, str]) -> bool:
    """Whether ``condition`` holds for ``fact``, evaluated in plain Python."""
    if not all(_test_holds(test, fact) for test in condition.tests):
        return False
    return not condition.any_of or any(holds(branch, fact) for branch in condition.any_of)


def _test_holds(test: FactorTest, fact: Mapping[str, str]) -> bool:
    fields = test.fields()
    if not test.negate:
        return any(fact.get(field) == value for field, value in fields)
    if test.factor.kind == "multi":
        return all(fact.get(field) == "no" for field, _ in fields)
    # Mirrors durable-rules' $neq, which never matches a missing field.
    return all(field in fact and fact[field] != value for field, value in fields)


# --- words ----------------------------------------------------------------------------------


def describe(condition: Condition) -> str:
    """The exact condition in compact words, for clinicians: ``stage is IV and hr_status ...``."""
    parts = [_describe_test(test) for test in condition.tests]
    if condition.any_of:
        branches = "; or ".join(describe(branch) for branch in condition.any_of)
        parts.append(f"at least one of ({branches})")
    return " and ".join(parts)


def _describe_test(test: FactorTest) -> str:
    name = test.factor.id
    values = list(test.values)
    if test.factor.kind == "multi":
        if test.negate:
            return f"{name} includes none of {', '.join(values)}"
        return f"{name} includes {' or '.join(values)}"
    if len(values) == 1:
        return f"{name} {'is not' if test.negate else 'is'} {values[0]}"
    joined = ", ".join(values)
    return f"{name} {'is none of' if test.negate else 'is one of'} {joined}"

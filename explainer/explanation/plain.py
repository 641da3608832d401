"""Rule conditions and profiles in plain words, for clinicians reading the review packet and
for ``explainer why``: factor and value labels instead of ids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from explainer.kb.conditions import UNKNOWN, Condition, FactorTest
from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.models import Factor

NOT_KNOWN = "not known"


def lower_first(text: str) -> str:
    """The label with a small first letter, unless it starts with an acronym."""
    # "Stage of the cancer" -> "stage of the cancer"; "HER2 status" stays as it is.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def value_label(factor: Factor, value: str) -> str:
    """The label of one value of ``factor`` (bands for a number factor)."""
    if value == UNKNOWN:
        return NOT_KNOWN
    for option in factor.values:
        if option.id == value:
            return option.label
    for band in factor.bands:
        if band.id == value:
            return band.label
    return value


def _either(labels: list[str], joiner: str = "or") -> str:
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + f" {joiner} " + labels[-1]


def plain_test(test: FactorTest) -> str:
    """One part of a condition: ``hormone receptor (HR) status is HR-positive``."""
    factor = test.factor
    name = lower_first(factor.label)
    labels = [value_label(factor, value) for value in test.values]
    if factor.kind == "multi":
        return (f"{name} include none of {_either(labels)}" if test.negate
                else f"{name} include {_either(labels)}")
    if test.negate:
        return f"{name} is not {_either(labels, 'or')}"
    return f"{name} is {_either(labels)}"


def plain_condition(condition: Condition) -> str:
    """A whole condition in words (all parts must hold; ``any`` as "at least one of")."""
    parts = [plain_test(test) for test in condition.tests]
    if condition.any_of:
        branches = "; or ".join(plain_condition(branch) for branch in condition.any_of)
        parts.append(branches if not parts and len(condition.any_of) == 1
                     else f"at least one of: {branches}")
    if not parts:
        return "always"
    # Value lists use commas, so the parts are set apart with semicolons.
    return parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + "; and " + parts[-1]


def plain_profile(kb: KnowledgeBase, raw: Mapping[str, Any]) -> str:
    """A profile (or a rule case) in words: ``Stage IV (metastatic), HR-positive``."""
    shown = []
    for factor_id, value in raw.items():
        factor = kb.factors.get(factor_id)
        if factor is None or value in (None, UNKNOWN, "", [], ()):
            continue
        if factor.kind == "number":
            shown.append(f"{lower_first(factor.label)} {value}")
        elif factor.kind == "multi":
            values = value if isinstance(value, (list, tuple)) else [value]
            shown.append(f"{lower_first(factor.label)}: "
                         + ", ".join(value_label(factor, str(item)) for item in values))
        else:
            shown.append(_value_with_factor(factor, str(value)))
    return ", ".join(shown) or "everything unknown"


def _value_with_factor(factor: Factor, value: str) -> str:
    label = value_label(factor, value)
    # "Stage IV", "HR-positive", "HER2-low" name their factor; "Good" or "Yes, ..." do not.
    if label.split()[0].split("-")[0].lower() == factor.cli_flag:
        return label
    return f"{lower_first(factor.label)}: {lower_first(label)}"

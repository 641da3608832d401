"""``explainer why TARGET [factors]``: why a category or kind has its relevance for a profile.

The answer names the rules that decided it (with the factor values that matched), the rules
that fired but were outranked, the rules for it that did not fire and which part of their
condition failed, and which change of a single factor would change the relevance. Like an
expert system's "why", for clinicians and curious readers alike.
"""

from __future__ import annotations

import argparse
import difflib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from explainer.errors import InputError
from explainer.explanation.plain import (
    lower_first,
    plain_condition,
    plain_profile,
    plain_test,
    value_label,
)
from explainer.kb.conditions import Condition, holds
from explainer.kb.knowledge import KnowledgeBase, LoadedRule


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


@dataclass(frozen=True)
class Change:
    """What the relevance would be if one factor had another value."""

    factor: str
    value: Any
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


def _fact(explainer: Any, profile: Any) -> dict[str, str]:
    from explainer.kb.profiles import to_fact

    return to_fact(profile, explainer.kb.factors)


def _failed_parts(condition: Condition, fact: Mapping[str, str], kb: KnowledgeBase,
                  profile: Any) -> list[str]:
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


def _matched(loaded: LoadedRule, profile: Any) -> str:
    values = []
    for factor_id in loaded.condition.factor_ids():
        value = profile.value(factor_id)
        if isinstance(value, (list, tuple)):
            value = ", ".join(value) or "none"
        values.append(f"{factor_id}={'unknown' if value is None else value}")
    return "matched " + "; ".join(values)


def _relevance_of(explanation: Any, target: str) -> tuple[str, tuple[str, ...]]:
    for category in explanation.categories:
        if category.id == target:
            return category.relevance, tuple(reason.rule_id for reason in category.reasons)
        for subtype in category.subtypes:
            if subtype.id == target:
                return subtype.relevance, tuple(reason.rule_id for reason in subtype.reasons)
    raise KeyError(target)


def _alternatives(kb: KnowledgeBase, factor_id: str, current: Any) -> list[Any]:
    factor = kb.factors[factor_id]
    if factor.kind == "number":
        options: list[Any] = [band.min for band in factor.bands] + [None]
        band = next((b.id for b in factor.bands if current is not None
                     and b.min <= current <= b.max), None)
        return [option for option in options
                if (option is None and current is not None) or (
                    option is not None and not (band and next(
                        b.id for b in factor.bands if b.min <= option <= b.max) == band))]
    if factor.kind == "multi":
        return []  # side-effect worries add notes; they never change a relevance
    return [value.id for value in factor.values if value.id != current]


def explain_why(explainer: Any, target: str, data: Mapping[str, Any]) -> WhyAnswer:
    """Answer why ``target`` has its relevance for the profile ``data``."""
    kb = explainer.kb
    profile = explainer.parse(data)
    fired = explainer.fired(profile)
    explanation = explainer.composer.compose(profile, fired)
    relevance, deciders = _relevance_of(explanation, target)
    fact = _fact(explainer, profile)
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
        elif rule.id in fired:
            outranked.append(_with(note, _matched(loaded, profile)))
        else:
            not_fired.append(_with(note, "; ".join(_failed_parts(loaded.condition, fact, kb,
                                                                  profile))))
    changes, unchanged = [], []
    raw = {factor_id: profile.value(factor_id) for factor_id in kb.factors}
    for factor_id, factor in kb.factors.items():
        found = False
        for option in _alternatives(kb, factor_id, raw[factor_id]):
            changed = explainer.parse({**raw, factor_id: option})
            other = explainer.composer.compose(changed, explainer.fired(changed))
            new_relevance, rules = _relevance_of(other, target)
            if new_relevance != relevance:
                found = True
                shown = ("not known" if option is None else str(option)
                         if factor.kind == "number" else value_label(factor, option))
                changes.append(Change(factor_id, option, shown, new_relevance, rules))
        if not found:
            unchanged.append(factor_id)
    return WhyAnswer(
        target=target, name=kb.target_name(target), category=category_id, relevance=relevance,
        profile=plain_profile(kb, raw),
        decided_by=tuple(decided), outranked=tuple(outranked), not_fired=tuple(not_fired),
        kinds=kinds, changes=tuple(changes), unchanged_by=tuple(unchanged))


def _with(note: RuleNote, detail: str) -> RuleNote:
    return RuleNote(note.rule_id, note.relevance, note.priority, note.condition, note.reason,
                    detail)


def format_why(answer: WhyAnswer, kb: KnowledgeBase) -> str:
    """The answer as plain text, the disclaimer first and last."""
    levels: dict[str, str] = {level.id: level.label for level in kb.relevance_levels.values()}
    label = levels[answer.relevance].lower()
    lines = [f"IMPORTANT: {kb.disclaimer.disclaimer}", "",
             f"Why is {answer.name} \"{label}\" for this profile?",
             f"Profile: {answer.profile}", ""]
    if answer.kinds:
        lines.append(f"{answer.name} takes the strongest relevance among its kinds:")
        lines += [f"  {name}: {relevance} (rule {rules})" for name, relevance, rules
                  in answer.kinds]
        lines.append("  (explainer why KIND explains one kind in full.)")
        lines.append("")
    if answer.decided_by:
        lines.append("Decided by:")
        for note in answer.decided_by:
            lines += _note_lines(note, levels)
    if answer.outranked:
        lines.append("Also fired, but outranked by a higher priority:")
        for note in answer.outranked:
            lines += _note_lines(note, levels)
    if answer.not_fired:
        lines.append("Did not fire:")
        for note in answer.not_fired:
            lines.append(f"  rule {note.rule_id} -> {levels[note.relevance or '']} "
                         f"(priority {note.priority})")
            lines.append(f"    {note.detail}")
    lines.append("")
    lines.append("What a change of one factor would do:")
    if answer.changes:
        for change in answer.changes:
            factor = kb.factors[change.factor]
            lines.append(f"  If {lower_first(factor.label)} were {change.value_label}: "
                         f"{levels[change.relevance].lower()} (rule {', '.join(change.rules)})")
    else:
        lines.append("  No change of a single factor changes it.")
    if answer.unchanged_by:
        names = ", ".join(kb.factors[factor_id].label for factor_id in answer.unchanged_by)
        lines.append(f"  No single change of these changes it: {names}.")
    lines += ["", f"IMPORTANT: {kb.disclaimer.disclaimer}"]
    return "\n".join(lines) + "\n"


def _note_lines(note: RuleNote, levels: Mapping[str, str]) -> list[str]:
    return [f"  rule {note.rule_id} -> {levels[note.relevance or '']} (priority {note.priority})",
            f"    when {note.condition}",
            f"    {note.detail}",
            f"    reason shown: {note.reason}"]


def register(subparsers: Any, kb: KnowledgeBase | None = None) -> None:
    """Add the ``why`` command (its factor flags come from ``kb``)."""
    from explainer.cli.options import add_factor_options, add_knowledge_option

    parser = subparsers.add_parser(
        "why", help="why a category or kind has its relevance for a profile",
        description="Explain why a category or kind of treatment has its relevance for the "
                    "factors given: the rules that decided it and the values that matched, the "
                    "rules that were outranked or did not fire (and which part of their "
                    "condition failed), and which change of one factor would change it.",
        epilog="examples:\n  explainer why cdk46_inhibitors --stage IV --hr positive --her2 low\n"
               "  explainer why chemotherapy --stage II --her2 positive --health poor\n"
               "  explainer why \"hormone therapy\" --hr unknown --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    parser.add_argument("target", metavar="CATEGORY",
                        help="a category or kind id or name (e.g. chemotherapy, "
                             "cdk46_inhibitors, \"PARP inhibitors\")")
    parser.add_argument("--profile", metavar="FILE",
                        help="read factors from a YAML or JSON file; flags override it")
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="output format (default: text)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    add_knowledge_option(parser)
    add_factor_options(parser, kb)
    parser.set_defaults(handler=_run_why)


def _run_why(args: argparse.Namespace) -> int:
    from explainer.cli.options import emit, profile_from_args
    from explainer.errors import ExitCode
    from explainer.explanation.api import get_explainer

    explainer = get_explainer(args.knowledge)
    target = resolve_target(explainer.kb, args.target)
    answer = explain_why(explainer, target, profile_from_args(args))
    if args.format == "json":
        data = asdict(answer)
        data["disclaimer"] = explainer.kb.disclaimer.disclaimer
        emit(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", args.output)
    else:
        emit(format_why(answer, explainer.kb), args.output)
    return ExitCode.OK

"""Drawing the answer of ``explainer why`` (see :mod:`explainer.explanation.why`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict

from explainer.explanation.plain import lower_first
from explainer.explanation.why import RuleNote, WhyAnswer
from explainer.kb.knowledge import KnowledgeBase
from explainer.render.dispatch import dispatch
from explainer.render.document import important
from explainer.render.formats import WHY_FORMATS


def render_why(answer: WhyAnswer, kb: KnowledgeBase, fmt: str = "text") -> str:
    """The answer as ``fmt`` (one of :data:`~explainer.render.formats.WHY_FORMATS`), with the
    disclaimer in both."""

    def data() -> str:
        found = asdict(answer)
        if not answer.from_report:
            del found["from_report"]  # the key appears only with --report
        found["disclaimer"] = kb.disclaimer.disclaimer
        return json.dumps(found, indent=2, ensure_ascii=False, default=str) + "\n"

    writers = {"text": lambda: format_why(answer, kb), "json": data}
    return dispatch(fmt, {name: writers[name] for name in WHY_FORMATS})


def format_why(answer: WhyAnswer, kb: KnowledgeBase) -> str:
    """The answer as plain text, the disclaimer first and last."""
    levels: dict[str, str] = {level.id: level.label for level in kb.relevance_levels.values()}
    label = levels[answer.relevance].lower()
    lines = [f"{important().upper()}: {kb.disclaimer.disclaimer}", "",
             f"Why is {answer.name} \"{label}\" for this profile?",
             f"Profile: {answer.profile}"]
    if answer.from_report:
        names = ", ".join(kb.factors[factor].label for factor in answer.from_report
                          if factor in kb.factors)
        lines.append(f"From your report: {names}")
    lines.append("")
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
    lines += ["", f"{important().upper()}: {kb.disclaimer.disclaimer}"]
    return "\n".join(lines) + "\n"


def _note_lines(note: RuleNote, levels: Mapping[str, str]) -> list[str]:
    return [f"  rule {note.rule_id} -> {levels[note.relevance or '']} (priority {note.priority})",
            f"    when {note.condition}",
            f"    {note.detail}",
            f"    reason shown: {note.reason}"]

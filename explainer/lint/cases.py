"""Rule cases: every rule's ``.cases.yaml`` lists profiles it must fire on, be outranked on,
and stay silent on. The tests run these checks on the project's knowledge base and on broken
copies, and ``explainer lint`` (the rule-cases validator) reports what they find.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from explainer.explanation.api import Explainer
from explainer.kb.knowledge import KnowledgeBase
from explainer.lint.base import Problem, ProblemCode


def case_file_problems(kb: KnowledgeBase) -> list[Problem]:
    """Rules without a cases file, without a firing case, or without a silent case."""
    problems = []
    for loaded in kb.rules:
        cases = loaded.cases
        if cases is None:
            problems.append(Problem(ProblemCode.NO_CASES_FILE, loaded.id,
                                    f"no cases file ({loaded.id}.cases.yaml)"))
            continue
        if not cases.fires:
            problems.append(Problem(ProblemCode.NO_FIRING_CASE, loaded.id,
                                    "no case under fires: (a profile it must fire on)"))
        if not cases.silent:
            problems.append(Problem(ProblemCode.NO_SILENT_CASE, loaded.id,
                                    "no case under silent: (a profile it must not fire on)"))
        if cases.overridden and not loaded.decides:
            problems.append(Problem(ProblemCode.NOTE_OVERRIDDEN, loaded.id,
                                    "a note cannot be overridden; move those cases to fires:"))
    return problems


def run_rule_cases(explainer: Explainer, rule_ids: Collection[str] | None = None
                   ) -> list[Problem]:
    """Run the cases of every rule (or of ``rule_ids``); return those that do not behave as
    their file says."""
    problems = []
    for loaded in explainer.kb.rules:
        if loaded.cases is None or (rule_ids is not None and loaded.id not in rule_ids):
            continue
        groups: list[tuple[str, tuple[Mapping[str, Any], ...]]] = [
            ("fires", loaded.cases.fires), ("overridden", loaded.cases.overridden),
            ("silent", loaded.cases.silent)]
        for group, profiles in groups:
            for raw in profiles:
                problem = _case_problem(explainer, loaded.id, group, raw)
                if problem is not None:
                    problems.append(problem)
    return problems


def _case_problem(explainer: Explainer, rule_id: str, group: str, raw: Mapping[str, Any]
                  ) -> Problem | None:
    """What is wrong with one case of a rule (None when it behaves as its group says)."""
    loaded = explainer.kb.rule(rule_id)
    profile = explainer.parse(raw)
    shown = dict(raw) or "{} (everything unknown)"
    if (rule_id in explainer.fired(profile)) != (group != "silent"):
        code, verb = ((ProblemCode.CASE_DID_NOT_FIRE, "did not fire") if group != "silent"
                      else (ProblemCode.CASE_FIRED, "fired"))
        return Problem(code, rule_id, f"{group} case {shown}: {verb}")
    if group == "silent" or not loaded.decides:
        return None
    target = loaded.rule.target
    assert target is not None
    # A rule targets a kind, or a category without kinds: its reasons are the deciders.
    reasons = [reason.rule_id for reason in explainer.explain(profile).result_of(target).reasons]
    if group == "fires" and rule_id not in reasons:
        return Problem(ProblemCode.CASE_DID_NOT_DECIDE, rule_id,
                       f"fires case {shown}: fired but did not decide {target} (decided by "
                       f"{', '.join(reasons)})")
    if group == "overridden" and rule_id in reasons:
        return Problem(ProblemCode.CASE_DECIDED, rule_id,
                       f"overridden case {shown}: it decided {target}")
    return None

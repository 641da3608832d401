"""Every rule's cases, and the checks that make sure every rule has meaningful cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from explainer import Explainer, KnowledgeBase, get_explainer, load_knowledge
from explainer.kb.files import bundled_root
from explainer.kb.paths import CASES_SUFFIX
from explainer.lint.base import ProblemCode
from explainer.lint.cases import case_file_problems, run_rule_cases

RULE_IDS = sorted(loaded.id for loaded in load_knowledge().rules)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_cases(explainer: Explainer, rule_id: str) -> None:
    """The rule fires on its 'fires' cases (and decides its target there), is outranked on its
    'overridden' cases, and stays silent on its 'silent' cases."""
    assert explainer.kb.rule(rule_id).cases is not None
    assert run_rule_cases(explainer, {rule_id}) == []


def test_every_rule_has_firing_and_silent_cases(kb: KnowledgeBase) -> None:
    assert case_file_problems(kb) == []
    assert len(kb.rules) >= 80


def test_case_file_check_catches_missing_and_empty_cases(kb_copy: Path) -> None:
    rules = kb_copy / "rules"
    (rules / "hormone_therapy" / f"hormone-hr-negative{CASES_SUFFIX}").unlink()
    (rules / "hormone_therapy" / f"hormone-hr-positive{CASES_SUFFIX}").write_text(
        "fires:\n  - {hr_status: positive}\n", encoding="utf-8")
    found = case_file_problems(load_knowledge(kb_copy))
    problems = [str(problem) for problem in found]
    assert "hormone-hr-negative: no cases file (hormone-hr-negative.cases.yaml)" in problems
    assert any(p.startswith("hormone-hr-positive: no case under silent:") for p in problems)
    # Callers (the lint) branch on the code, not on the words.
    codes = {(problem.subject, problem.code) for problem in found}
    assert ("hormone-hr-negative", ProblemCode.NO_CASES_FILE) in codes
    assert ("hormone-hr-positive", ProblemCode.NO_SILENT_CASE) in codes


def test_wrong_case_expectations_are_reported(kb_copy: Path) -> None:
    cases = kb_copy / "rules" / "hormone_therapy" / f"hormone-hr-positive{CASES_SUFFIX}"
    cases.write_text("fires:\n  - {hr_status: negative}\nsilent:\n  - {hr_status: positive}\n"
                     "overridden:\n  - {hr_status: positive}\n", encoding="utf-8")
    found = run_rule_cases(get_explainer(load_knowledge(kb_copy)), {"hormone-hr-positive"})
    assert [problem.code for problem in found] == [
        ProblemCode.CASE_DID_NOT_FIRE, ProblemCode.CASE_DECIDED, ProblemCode.CASE_FIRED]
    problems = [str(p) for p in found]
    assert problems == [
        "hormone-hr-positive: fires case {'hr_status': 'negative'}: did not fire",
        "hormone-hr-positive: overridden case {'hr_status': 'positive'}: it decided "
        "hormone_therapy",
        "hormone-hr-positive: silent case {'hr_status': 'positive'}: fired",
    ]


def test_fires_case_that_is_outranked_is_reported(kb_copy: Path) -> None:
    # chemo-her2-positive fires for a frail person but chemo-poor-health (priority 30) decides.
    cases = kb_copy / "rules" / "chemotherapy" / f"chemo-her2-positive{CASES_SUFFIX}"
    cases.write_text("fires:\n  - {stage: II, her2_status: positive, general_health: poor}\n"
                     "silent:\n  - {stage: II, her2_status: negative}\n", encoding="utf-8")
    problems = [str(p) for p in run_rule_cases(get_explainer(load_knowledge(kb_copy)),
                                               {"chemo-her2-positive"})]
    assert len(problems) == 1
    assert "fired but did not decide chemotherapy (decided by chemo-poor-health)" in problems[0]


def test_rule_files_are_named_after_their_ids() -> None:
    for path in (bundled_root() / "rules").rglob("*.yaml"):
        if path.name.endswith(CASES_SUFFIX):
            assert path.with_name(path.name.removesuffix(CASES_SUFFIX) + ".yaml").exists()
        else:
            assert path.read_text(encoding="utf-8").startswith(f"id: {path.stem}\n"), path

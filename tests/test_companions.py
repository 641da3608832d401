"""Round two (issue #9): treatments that go together, and the new factor values.

knowledge/companions.yaml declares which treatments go together; the ``companions`` lint
validator walks the whole factor space and fails when a companion is shown as more likely than
what it goes with. The tests feed it broken rules and a broken file. The rest checks that the
new values (hr_status low, her2_status ultralow, nodes) are accepted everywhere and decide what
they should.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from explainer import Explainer, explain
from explainer.lint.base import LintIssue, Severity
from explainer.lint.runner import VALIDATOR_NAMES, run_lint


def _companion_issues(root: Path) -> list[LintIssue]:
    result = run_lint(root, exclude=[name for name in VALIDATOR_NAMES if name != "companions"])
    assert result.validators == ("companions",)
    return list(result.issues)


def test_project_knowledge_base_keeps_every_companion(explainer: Explainer) -> None:
    assert _companion_issues(explainer.kb.root) == []


def test_a_rule_that_lifts_a_companion_is_reported(kb_copy: Path) -> None:
    # The round-one error: poor health lowered chemotherapy but not the checkpoint inhibitor
    # given with it. Removing the rule that fixed it must make the lint fail again.
    for path in (kb_copy / "rules" / "immunotherapy").glob("checkpoint-poor-health*"):
        path.unlink()
    issues = _companion_issues(kb_copy)
    assert len(issues) == 1
    issue = issues[0]
    assert issue.severity == Severity.ERROR
    assert issue.path == kb_copy / "knowledge" / "companions.yaml"
    assert issue.line == 10
    assert issue.message.startswith(
        "companion checkpoint-inhibitor-with-chemotherapy: 'monoclonal_antibodies' is "
        "often_discussed but 'chemotherapy', which it goes with, is may_be_discussed (")
    assert "general_health=poor" in issue.message


def test_a_new_broken_rule_is_reported(kb_copy: Path) -> None:
    # A rule that brings radiation up in poor health, above the surgery it follows.
    folder = kb_copy / "rules" / "radiation_therapy"
    (folder / "radiation-frail-broken.yaml").write_text(
        "id: radiation-frail-broken\ntarget: radiation_therapy\nrelevance: often_discussed\n"
        "priority: 40\nwhen:\n  stage: II\n  general_health: poor\n"
        "reason: Radiation is often part of care.\n"
        "sources:\n  - {source: article, section: radiation-therapy}\nstatus: draft\n",
        encoding="utf-8")
    (folder / "radiation-frail-broken.cases.yaml").write_text(
        "fires:\n  - {stage: II, general_health: poor}\nsilent:\n  - {stage: I}\n",
        encoding="utf-8")
    issues = _companion_issues(kb_copy)
    assert [issue.message.split(":")[0] for issue in issues] == [
        "companion radiation-follows-breast-conserving-surgery"]
    assert "'radiation_therapy' is often_discussed but 'surgery'" in issues[0].message
    # stage II x poor health x every value of hr, her2, nodes and BRCA: 4 x 5 x 3 x 3.
    assert "(180 combinations, e.g. stage=II" in issues[0].message


def test_when_limits_a_pair(kb_copy: Path) -> None:
    # Outside poor health an ADC may be more likely than chemotherapy (HR-positive HER2-low
    # cancer that has spread): without its when: the pair is reported, with it it is not.
    path = kb_copy / "knowledge" / "companions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    when: {general_health: poor}\n", ""), encoding="utf-8")
    issues = _companion_issues(kb_copy)
    assert len(issues) == 1
    assert issues[0].message.startswith("companion adc-carries-chemotherapy:")
    assert "hr_status=positive" in issues[0].message


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("treatment: monoclonal_antibodies", "treatment: immunotherapies",
     "companion checkpoint-inhibitor-with-chemotherapy: 'immunotherapies' is not a category"),
    ("when: {general_health: poor}", "when: {general_health: awful}",
     "companion adc-carries-chemotherapy: when: 'awful' is not a value of general_health"),
    ("    goes_with: surgery\n", "    goes_with: surgery\n    colour: red\n",
     "companions.2.colour: Extra inputs are not permitted"),
])
def test_a_broken_companions_file_is_reported(kb_copy: Path, old: str, new: str,
                                              expected: str) -> None:
    path = kb_copy / "knowledge" / "companions.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    issues = _companion_issues(kb_copy)
    assert [issue.severity for issue in issues] == [Severity.ERROR]
    assert issues[0].message.startswith(expected), issues[0].message


def test_a_knowledge_base_without_companions_is_fine(kb_copy: Path) -> None:
    (kb_copy / "knowledge" / "companions.yaml").unlink()
    assert _companion_issues(kb_copy) == []


# --- the new values, through every interface ----------------------------------------------


def test_cli_and_json_accept_the_new_values(cli: Callable[..., Any]) -> None:
    result = cli("explain", "--stage", "IV", "--hr", "low", "--her2", "ultralow", "--nodes",
                 "positive", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["profile"]["hr_status"] == "low"
    assert data["profile"]["her2_status"] == "ultralow"
    assert data["profile"]["nodes"] == "positive"
    bad = cli("explain", "--nodes", "maybe")
    assert bad.code == 2
    assert "nodes" in bad.err and "positive" in bad.err and "Traceback" not in bad.err


@pytest.mark.parametrize(("typed", "value"), [
    ("her2-negative", "negative"), ("HER2-zero", "negative"), ("her2-ultralow", "ultralow"),
    ("ultra-low", "ultralow"), ("her2-low", "low")])
def test_her2_negative_typed_by_a_person_means_zero(typed: str, value: str) -> None:
    # design.md, round two: "HER2-negative" still means zero unless low or ultralow is said.
    assert explain({"her2_status": typed}).profile["her2_status"] == value


def test_her2_help_and_glossary_agree_with_the_alias(explainer: Explainer) -> None:
    factor = explainer.kb.factors["her2_status"]
    assert "HER2-negative, this tool reads it as HER2-zero" in " ".join(factor.help.split())
    entry = next(term for term in explainer.kb.glossary if term.term == "HER2-negative")
    assert "HER2-negative on its own means HER2-zero" in " ".join(entry.definition.split())


def test_nodes_decide_where_they_matter(explainer: Explainer) -> None:
    base = {"stage": "I", "hr_status": "positive", "her2_status": "negative"}
    assert explain({**base, "nodes": "positive"}).relevance_of(
        "cdk46_inhibitors") == "may_be_discussed"
    assert explain({**base, "nodes": "negative"}).relevance_of(
        "cdk46_inhibitors") == "less_likely"
    # Stage II-III: node-negative does not rule CDK4/6 inhibitors out (ribociclib, 2024).
    stage_two = {**base, "stage": "II"}
    for nodes in ("positive", "negative", "unknown"):
        assert explain({**stage_two, "nodes": nodes}).relevance_of(
            "cdk46_inhibitors") == "may_be_discussed"
    # Adjuvant PARP for HR-positive BRCA carriers (OlympiA) needs nodes or residual disease.
    carrier = {**stage_two, "brca_mutation": "positive"}
    assert explain({**carrier, "nodes": "positive"}).relevance_of(
        "parp_inhibitors") == "may_be_discussed"
    assert explain({**carrier, "nodes": "negative"}).relevance_of(
        "parp_inhibitors") == "less_likely"
    # Unknown asks the question.
    unknown = explain(carrier)
    assert "nodes" in [item.factor for item in unknown.unknown_factors]
    assert "Has cancer been found in my lymph nodes, and how many had it?" in (
        unknown.questions_for_doctor)
    known = explain({**carrier, "nodes": "negative"})
    assert "nodes" not in [item.factor for item in known.unknown_factors]


def test_radiation_can_be_left_out_for_some_older_people() -> None:
    older = explain({"stage": "I", "hr_status": "positive", "her2_status": "negative",
                     "age": 76, "nodes": "negative"})
    notes = [note.rule_id for note in older.category("radiation_therapy").notes]
    assert "radiation-omission-older" in notes
    younger = explain({"stage": "I", "hr_status": "positive", "her2_status": "negative",
                       "age": 60, "nodes": "negative"})
    assert "radiation-omission-older" not in [
        note.rule_id for note in younger.category("radiation_therapy").notes]


def test_web_form_and_api_offer_and_accept_the_new_values() -> None:
    from fastapi.testclient import TestClient

    from explainer.web.app import build

    with TestClient(build()) as client:
        page = client.get("/").text
        for value in ('value="low"', 'value="ultralow"', 'name="nodes"'):
            assert value in page
        response = client.post("/explain", data={"stage": "II", "hr_status": "low",
                                                 "her2_status": "ultralow", "nodes": "negative"})
        assert response.status_code == 200
        assert "ER-low positive" in response.text
        api = client.post("/api/explain", json={"stage": "IV", "hr_status": "positive",
                                                "her2_status": "ultralow", "nodes": "positive"})
        assert api.status_code == 200
        assert api.json()["profile"]["nodes"] == "positive"
        bad = client.post("/api/explain", json={"nodes": "several"})
        assert bad.status_code == 422


def test_interview_asks_about_lymph_nodes(explainer: Explainer) -> None:
    from explainer.explanation.interview import Interview

    shown: list[str] = []
    interview = Interview(explainer.kb, lambda text, style: shown.append(text),
                          lambda prompt: "")
    assert "nodes" in [factor.id for factor in interview.factors]
    hr = explainer.kb.factors["hr_status"]
    interview._present(hr, 3)
    assert any("ER-low positive" in line for line in shown)
    answer = interview._parse(hr, "er-low")
    assert answer is not None and answer.value == "low"

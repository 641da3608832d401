"""How and why: the clinician trace names the rules behind each line; explainer why."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import CliResult

from explainer import Explainer
from explainer.errors import ExitCode
from explainer.explanation.why import explain_why
from explainer.render.document import Entry
from explainer.render.layout import build_document

Cli = Callable[..., CliResult]


def _entries(entries: tuple[Entry, ...]) -> list[Entry]:
    found = []
    for entry in entries:
        found.append(entry)
        found.extend(_entries(entry.children))
    return found


def _trace(explainer: Explainer, profile: dict[str, Any], title: str) -> list[str]:
    document = build_document(explainer.explain(profile), "clinician")
    for section in document.sections:
        for entry in _entries(section.entries):
            if entry.title == title or entry.title.startswith(f"{title} ("):
                return [line.text for line in entry.lines if line.kind == "trace"]
    raise KeyError(title)


@pytest.mark.parametrize(("profile", "title", "expected"), [
    ({"stage": "IV", "hr_status": "positive", "her2_status": "negative"}, "CDK4/6 inhibitors",
     ["rule cdk46-metastatic (priority 20, draft): when stage is IV "
      "and hr_status is positive and her2_status is one of negative, low, ultralow; matched "
      "stage=IV; hr_status=positive; her2_status=negative"]),
    ({"stage": "IV", "hr_status": "positive", "her2_status": "negative"}, "Hormone therapy",
     ["rule hormone-hr-positive (priority 20, checked against its sources, no clinician "
      "yet): when hr_status is positive; matched hr_status=positive"]),
    ({"stage": "II", "her2_status": "positive", "general_health": "poor"}, "Chemotherapy",
     ["rule chemo-poor-health (priority 30, draft): when stage is "
      "one of I, II, III, IV and general_health is poor; matched stage=II; "
      "general_health=poor",
      "also fired, outranked: rule chemo-her2-positive -> Often discussed (priority 20)"]),
    ({"stage": "0", "hr_status": "positive"}, "Radiation therapy",
     ["rule radiation-dcis (priority 20, draft): when stage is 0; "
      "matched stage=0"]),
    ({}, "Surgery",
     ["rule surgery-stage-unknown (priority 10, checked against its sources, no clinician "
      "yet): when stage is unknown; matched stage=unknown"]),
    ({"stage": "III", "hr_status": "negative", "her2_status": "low"},
     "Monoclonal antibodies (checkpoint inhibitors)",
     ["rule checkpoint-early-triple-negative (priority 20, draft): "
      "when stage is one of II, III and hr_status is negative and her2_status is one of "
      "negative, low, ultralow; matched stage=III; hr_status=negative; her2_status=low"]),
])
def test_clinician_trace_names_the_rules(explainer: Explainer, profile: dict[str, Any],
                                         title: str, expected: list[str]) -> None:
    trace = _trace(explainer, profile, title)
    # Notes about the same entry may add their own traces; these must be there.
    assert [line for line in trace if line in expected] == expected


def test_clinician_audience_lists_the_drafts_shown(explainer: Explainer) -> None:
    explanation = explainer.explain({"stage": "IV", "hr_status": "positive"})
    knowledge = explanation.knowledge
    drafts = knowledge.drafts
    assert len(drafts) == knowledge.draft_statements == knowledge.review_states.draft > 0
    assert "rule:cdk46-unknown/reason" in drafts
    assert "subtype:parp_inhibitors/summary" in drafts
    assert "glossary:brca/definition" in drafts
    assert (knowledge.review_states.clinician_reviewed + knowledge.review_states.source_checked
            + knowledge.review_states.draft == knowledge.statements_shown)
    document = build_document(explanation, "clinician")
    lines = [line.text for section in document.sections if section.key == "sources"
             for entry in section.entries for line in entry.lines]
    assert (f"Statements shown: {knowledge.statements_shown}. Approved by a clinician: 0. "
            f"Checked against the sources by the tool's makers: "
            f"{knowledge.review_states.source_checked}. Drafts: {len(drafts)}.") in lines
    assert f"Drafts shown: {'; '.join(drafts)}." in lines
    patient = build_document(explanation, "patient")
    patient_lines = [line.text for section in patient.sections if section.key == "sources"
                     for entry in section.entries for line in entry.lines]
    assert "A clinician has not yet reviewed these explanations." in patient_lines
    assert not any("Drafts" in line or "Statements shown" in line for line in patient_lines)


def test_why_names_deciding_failing_and_changing(explainer: Explainer) -> None:
    answer = explain_why(explainer, "cdk46_inhibitors",
                         {"stage": "IV", "hr_status": "positive", "her2_status": "low"})
    assert answer.relevance == "often_discussed"
    assert [note.rule_id for note in answer.decided_by] == ["cdk46-metastatic"]
    assert answer.decided_by[0].detail == "matched stage=IV; hr_status=positive; her2_status=low"
    failed = {note.rule_id: note.detail for note in answer.not_fired}
    assert failed["cdk46-lower-stage"] == (
        "needs stage of the cancer is Stage 0 (DCIS) or Stage I (early) (entered: Stage IV "
        "(metastatic))")
    assert failed["cdk46-other-types"].startswith("needs at least one of: hormone receptor (HR) "
                                                  "status is HR-negative")
    changes = {(change.factor, change.value): (change.relevance, change.rules)
               for change in answer.changes}
    assert changes[("her2_status", "positive")] == ("less_likely", ("cdk46-other-types",))
    assert changes[("stage", "II")] == ("may_be_discussed", ("cdk46-early-higher-risk",))
    assert "general_health" in answer.unchanged_by
    assert "menopausal_status" in answer.unchanged_by


def test_why_for_chemotherapy_shows_the_outranked_rule(explainer: Explainer) -> None:
    answer = explain_why(explainer, "chemotherapy",
                         {"stage": "II", "her2_status": "positive", "general_health": "poor"})
    assert [note.rule_id for note in answer.decided_by] == ["chemo-poor-health"]
    assert [note.rule_id for note in answer.outranked] == ["chemo-her2-positive",
                                                           "chemo-receptors-unknown"]
    changes = {(change.factor, change.value): change.relevance for change in answer.changes}
    assert changes[("general_health", "good")] == "often_discussed"
    assert changes[("stage", "0")] == "less_likely"


def test_why_through_the_cli(cli: Cli) -> None:
    result = cli("why", "PARP inhibitors", "--stage", "IV", "--her2", "negative")
    assert result.code == ExitCode.OK
    out = result.out
    assert out.startswith("IMPORTANT: This is education, not medical advice.")
    assert out.rstrip().splitlines()[-1].startswith("IMPORTANT: This is education")
    assert 'Why is PARP inhibitors "depends on information not known yet"' in out
    assert "rule parp-unknown -> Depends on information not known yet (priority 10)" in out
    assert ("If inherited BRCA gene change were Yes, a BRCA1 or BRCA2 change was found: often "
            "discussed (rule parp-brca-metastatic)") in out
    data = json.loads(cli("why", "targeted_therapy", "--stage", "II", "--her2", "positive",
                          "--format", "json").out)
    assert data["relevance"] == "often_discussed"
    assert [note["rule_id"] for note in data["decided_by"]] == ["her2-targeted-her2-positive"]
    assert ["HER2-targeted therapy", "Often discussed", "her2-targeted-her2-positive"] in \
        data["kinds"]


def test_why_bad_target_is_one_line(cli: Cli) -> None:
    result = cli("why", "chemo", "--stage", "II")
    assert result.code == ExitCode.BAD_INPUT
    assert result.err.startswith("explainer: error: 'chemo' is not a category or kind (did you "
                                 "mean 'chemotherapy'?); allowed: surgery, ")
    assert len(result.err.splitlines()) == 1

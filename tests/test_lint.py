"""explainer lint: each validator on a failing and a passing copy, the summary, exit codes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult

from explainer.errors import ExitCode
from explainer.kb.loader import load_knowledge
from explainer.lint.base import LintIssue, LintOptions, Severity
from explainer.lint.runner import VALIDATOR_NAMES, run_lint
from explainer.lint.wording import wording_problems

Cli = Callable[..., CliResult]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _only(root: Path, name: str, options: LintOptions | None = None) -> list[LintIssue]:
    """Issues of one validator (the others excluded, so each test stays fast)."""
    result = run_lint(root, options, exclude=[other for other in VALIDATOR_NAMES
                                              if other != name])
    assert result.validators == (name,)
    return list(result.issues)


def _failing(issues: list[LintIssue]) -> list[LintIssue]:
    return [issue for issue in issues if issue.severity >= Severity.WARNING]


def _located(issue: LintIssue, root: Path) -> str:
    return issue.location(root)


def _line_of(path: Path, key: str) -> int:
    """The line of ``key:`` in a YAML file (where issues about its value point)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(f"{key}:"))


# --- the project's own knowledge base ---------------------------------------------------------


def test_the_project_knowledge_base_passes_every_check(cli: Cli) -> None:
    result = cli("lint", "--fail-on-issues")
    assert result.code == ExitCode.OK, result.out
    assert "No issues: the knowledge base passes every check." in result.out
    assert re.search(r"^total\s+0\s+0\s+\d+$", result.out, re.MULTILINE)


def test_clean_copy_has_no_warnings_for_any_validator(kb_copy: Path) -> None:
    result = run_lint(kb_copy)
    assert result.valid
    assert _failing(list(result.issues)) == []
    assert result.exit_code(fail_on_issues=True) == ExitCode.OK


# --- knowledge-base (schema and cross-references) ---------------------------------------------


def test_knowledge_base_errors_are_issues_not_a_crash(kb_copy: Path) -> None:
    _edit(kb_copy / "rules" / "hormone_therapy" / "hormone-hr-positive.yaml",
          "target: hormone_therapy", "target: hormone_therapie")
    _edit(kb_copy / "knowledge" / "glossary.yaml", "  - term: stage\n", "  - term: mastectomy\n")
    result = run_lint(kb_copy)
    assert not result.valid
    assert result.exit_code(fail_on_issues=False) == ExitCode.INVALID_KNOWLEDGE
    shown = {(_located(issue, kb_copy), issue.message) for issue in result.issues
             if issue.validator == "knowledge-base"}
    assert ("rules/hormone_therapy/hormone-hr-positive.yaml:2",
            "unknown target 'hormone_therapie'") in shown
    assert any(location.startswith("knowledge/glossary.yaml:") and "duplicate term id "
               "'mastectomy'" in message for location, message in shown)
    assert all(issue.severity == Severity.ERROR for issue in result.issues
               if issue.validator == "knowledge-base")
    # Checks that need a loaded knowledge base are skipped, the others still run.
    assert set(result.skipped) == {"cases", "unused", "glossary", "reachability", "review",
                                   "companions", "translation"}


def test_knowledge_base_passing(kb_copy: Path) -> None:
    assert _only(kb_copy, "knowledge-base") == []


def test_broken_knowledge_base_through_the_cli_exits_3_with_the_table(cli: Cli,
                                                                       kb_copy: Path) -> None:
    _edit(kb_copy / "rules" / "surgery" / "surgery-metastatic.yaml", "stage: IV", "stage: XI")
    _edit(kb_copy / "rules" / "surgery" / "surgery-metastatic.yaml", "reason: >-\n",
          "reason: >-\n  You should have surgery.\n")
    result = cli("lint", "--knowledge", str(kb_copy))
    assert result.code == ExitCode.INVALID_KNOWLEDGE
    assert ("rules/surgery/surgery-metastatic.yaml:6: error [knowledge-base] when: 'XI' is not a "
            "value of stage") in result.out
    # Wording still checked on the raw YAML of a base that does not load.
    assert "error [wording] reason: 'You should' tells the reader what to do" in result.out
    assert re.search(r"^cases\s+0\s+0\s+0  \(skipped: the knowledge base did not load\)$",
                     result.out, re.MULTILINE)
    assert "does not load (exit 3)" in result.out


# --- citations ----------------------------------------------------------------------------------


def test_citations_failing(kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "radiation_therapy" / "radiation-metastatic.yaml"
    _edit(rule, "sources:\n  - {source: article, section: radiation-therapy}\n", "sources: []\n")
    other = kb_copy / "rules" / "surgery" / "surgery-metastatic.yaml"
    _edit(other, "section: surgery}", "section: surgeries}")
    issues = _only(kb_copy, "citations")
    messages = {(_located(issue, kb_copy), issue.message) for issue in issues}
    assert ("rules/radiation_therapy/radiation-metastatic.yaml:9",
            "rule radiation-metastatic cites no source") in messages
    assert ("rules/surgery/surgery-metastatic.yaml:12", "rule surgery-metastatic cites section "
            "'surgeries', which source 'article' does not define") in messages
    # With both validators, the loader's report of the same problem is not repeated.
    both = run_lint(kb_copy, exclude=[name for name in VALIDATOR_NAMES
                                      if name not in ("citations", "knowledge-base")])
    assert not [issue for issue in both.issues if issue.validator == "knowledge-base"
                and "surgeries" in issue.message]


def test_citations_passing(kb_copy: Path) -> None:
    assert _only(kb_copy, "citations") == []


# --- wording ------------------------------------------------------------------------------------


def test_wording_failing(kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "chemotherapy" / "chemo-dcis.yaml"
    _edit(rule, "reason: >-\n", "reason: >-\n  You should avoid chemotherapy. Surgery will cure "
                                "it. Take 20 mg twice a day. It is the best treatment for you.\n")
    issues = _only(kb_copy, "wording")
    found = {issue.message.split("'")[1]: issue for issue in issues}
    assert set(found) == {"You should", "will cure", "20 mg", "twice a day", "is the best"}
    line = _line_of(rule, "reason")
    assert all(_located(issue, kb_copy) == f"rules/chemotherapy/chemo-dcis.yaml:{line}"
               for issue in issues)
    assert "you could ask your doctor whether" in found["You should"].hint
    assert found["20 mg"].severity == Severity.ERROR


def test_wording_passing(kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "chemotherapy" / "chemo-dcis.yaml"
    _edit(rule, "reason: >-\n", "reason: >-\n  Your doctor can tell you whether it could fit. "
                                "It does not say which treatment is right for you.\n")
    assert _only(kb_copy, "wording") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("You should ask about surgery.", ["you-should"]),
    ("You need to start soon.", ["you-must"]),
    ("This is recommended for you.", ["recommended"]),
    ("It is given every 3 weeks for five years.", ["schedule", "schedule"]),
    ("A dose of 100 mg/m2.", ["dose-word", "dose"]),
    ("It guarantees a good result.", ["guarantee"]),
    ("You have stage IV cancer.", ["diagnosis"]),
    ("Most people take tamoxifen.", ["drug-name"]),
    ("Your doctor can tell you what to expect.", []),
    ("Could I talk with a fertility specialist before treatment starts?", []),
    ("Should I ask about genetic testing?", []),
    ("It does not diagnose anything or say which treatment is right for you.", []),
    ("There is no guarantee that it works, and no cure yet.", []),
    ("How would treatment fit with my work, family and daily life?", []),
])
def test_wording_patterns_and_false_positives(text: str, expected: list[str]) -> None:
    assert sorted(rule.id for rule, _ in wording_problems(text)) == sorted(expected)


# --- reading level ------------------------------------------------------------------------------


def test_reading_level_failing(kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "chemotherapy" / "chemo-dcis.yaml"
    _edit(rule, "reason: >-\n", "reason: >-\n  Notwithstanding considerable interindividual "
                                "variability, systematic administration of cytotoxic "
                                "chemotherapeutic combinations is conventionally considered "
                                "unnecessary for noninvasive intraductal disease.\n")
    # One issue on the text itself; a whole explanation that shows it may cross the limit too.
    issues = [issue for issue in _failing(_only(kb_copy, "reading-level"))
              if not issue.message.startswith("the explanation for")]
    assert len(issues) == 1
    line = _line_of(rule, "reason")
    assert _located(issues[0], kb_copy) == f"rules/chemotherapy/chemo-dcis.yaml:{line}"
    assert re.match(r"reason: reading grade FK \d+\.\d, SMOG \d+\.\d is above 8$",
                    issues[0].message)


def test_reading_level_passing_and_the_limit(kb_copy: Path) -> None:
    assert _failing(_only(kb_copy, "reading-level")) == []
    strict = _failing(_only(kb_copy, "reading-level", LintOptions(max_grade=4)))
    assert any("the explanation for the profile 'metastatic-hr-positive' reads at" in issue.message
               for issue in strict)
    assert any("short 'question' texts read together" in issue.message for issue in strict)


def test_reading_grades_are_reported(kb_copy: Path) -> None:
    result = run_lint(kb_copy, exclude=["cases", "unused", "reachability", "review"])
    assert result.reading is not None
    summaries = result.reading.summaries()
    # The five reference profiles, and the scenarios of knowledge/scenarios.yaml.
    assert summaries["whole explanations"].count >= 5
    assert [name for name, _ in result.reading.explanations][:5] == [
        "metastatic-hr-positive", "early-her2-positive", "triple-negative", "dcis",
        "all-unknown"]
    assert summaries["strings of 20+ words"].fk_worst <= 8
    assert summaries["strings of 20+ words"].smog_worst <= 8


# --- terms --------------------------------------------------------------------------------------


def test_terms_failing(kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "targeted_therapy" / "pi3k-unknown.yaml"
    _edit(rule, "reason: >-\n", "reason: >-\n  Tests may look for ESR1 changes.\n")
    issues = _only(kb_copy, "terms")
    assert [(issue.message, _located(issue, kb_copy)) for issue in issues] == [
        ("reason: the term of art 'ESR1' is not explained",
         f"rules/targeted_therapy/pi3k-unknown.yaml:{_line_of(rule, 'reason')}")]


def test_terms_passing_when_explained_in_place_or_in_the_glossary(kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "targeted_therapy" / "pi3k-unknown.yaml"
    _edit(rule, "reason: >-\n", "reason: >-\n  Tests may look for a gene called ESR1, and for "
                                "DNA changes.\n")
    assert _only(kb_copy, "terms") == []


# --- cases --------------------------------------------------------------------------------------


def test_cases_failing(kb_copy: Path) -> None:
    folder = kb_copy / "rules" / "surgery"
    (folder / "surgery-metastatic.cases.yaml").unlink()
    (folder / "surgery-stage-unknown.cases.yaml").write_text(
        "fires:\n  - {stage: unknown}\n", encoding="utf-8")
    (folder / "surgery-before-spread.cases.yaml").write_text(
        "fires:\n  - {stage: IV}\nsilent:\n  - {stage: unknown}\n", encoding="utf-8")
    messages = sorted(issue.message for issue in _only(kb_copy, "cases"))
    assert messages == [
        "rule surgery-before-spread: fires case {'stage': 'IV'}: did not fire",
        "rule surgery-metastatic: no cases file (surgery-metastatic.cases.yaml)",
        "rule surgery-stage-unknown: no case under silent: (a profile it must not fire on)"]


def test_cases_passing(kb_copy: Path) -> None:
    assert _only(kb_copy, "cases") == []


# --- unused entries -----------------------------------------------------------------------------


def test_unused_failing(kb_copy: Path) -> None:
    _edit(kb_copy / "knowledge" / "glossary.yaml", "terms:\n", "terms:\n"
          "  - term: sentinel node\n    definition: The first lymph node cancer may reach.\n"
          "    sources: [{source: article, section: surgery}]\n    review: {status: draft}\n")
    _edit(kb_copy / "knowledge" / "source.yaml", "      - id: overview\n",
          "      - id: unused-section\n        title: Nothing cites this\n"
          "      - id: overview\n")
    warnings = _failing(_only(kb_copy, "unused"))
    assert sorted(issue.message for issue in warnings) == [
        "glossary term 'sentinel node' is used by no text, so no output ever shows it",
        "section 'unused-section' of source 'article' is cited by nothing"]
    assert {_located(issue, kb_copy) for issue in warnings} == {
        "knowledge/glossary.yaml:5", "knowledge/source.yaml:18"}


def test_unused_passing(kb_copy: Path) -> None:
    issues = _only(kb_copy, "unused")
    assert _failing(issues) == []
    # A default value no rule names is worth knowing, not a failure.
    assert [issue.message for issue in issues] == [
        "no rule names general_health=good; rules treat it only as 'none of the values they "
        "name'",
        "no rule names pregnancy=neither; rules treat it only as 'none of the values they "
        "name'"]


# --- reachability -------------------------------------------------------------------------------


def test_reachability_failing(kb_copy: Path) -> None:
    categories = kb_copy / "knowledge" / "categories.yaml"
    text = categories.read_text(encoding="utf-8")
    start = text.index("        # Deliberate: explainer lint checks")
    end = text.index("where it stands.", start) + len("where it stands.\n")
    categories.write_text(text[:start] + text[end:], encoding="utf-8")
    _edit(categories, "      - id: cdk46_inhibitors\n", "      - id: cdk46_inhibitors\n"
          "        never_discussed: Said on purpose, but not true.\n")
    _edit(categories, "  - id: targeted_therapy\n", "  - id: targeted_therapy\n"
          "    never_discussed: Belongs on the kinds.\n")
    (kb_copy / "rules" / "surgery" / "surgery-never.yaml").write_text(
        "id: surgery-never\ntarget: surgery\nrelevance: less_likely\npriority: 20\nwhen:\n"
        "  stage: IV\n  any:\n    - {stage: '0'}\n    - {stage: I}\nreason: Never shown.\n"
        "sources:\n  - {source: article, section: surgery}\nstatus: draft\n", encoding="utf-8")
    messages = sorted(issue.message for issue in _failing(_only(kb_copy, "reachability")))
    assert messages == [
        "'cdk46_inhibitors' is marked never_discussed, but the profile stage=IV, "
        "hr_status=positive, her2_status=low, nodes=positive, general_health=good, "
        "brca_mutation=positive shows it as often_discussed",
        "'targeted_therapy' takes its relevance from its kinds, so never_discussed there has "
        "no effect",
        "no profile shows 'adoptive_cell_transfer' as often or may be discussed (less_likely "
        "for 4320 of 4320 combinations)",
        "rule surgery-never can never fire: no profile meets its condition"]


def test_reachability_passing_reports_the_acknowledged_exception(kb_copy: Path) -> None:
    issues = _only(kb_copy, "reachability")
    assert [(issue.severity, issue.message) for issue in issues] == [
        (Severity.INFO, "'adoptive_cell_transfer' is never often or may be discussed "
                        "(less_likely for 4320 of 4320 combinations), as its entry acknowledges")]


# --- review metadata ----------------------------------------------------------------------------


def test_review_metadata_failing(kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "radiation_therapy" / "radiation-metastatic.yaml"
    _edit(rule, "checked_on: 2026-11-28", "checked_on: 2024-01-10")
    early = kb_copy / "rules" / "radiation_therapy" / "radiation-early.yaml"
    _edit(early, "checked_on: 2026-11-28", "checked_on: 2023-05-02")
    future = kb_copy / "rules" / "surgery" / "surgery-stage-unknown.yaml"
    _edit(future, "checked_on: 2026-11-28", "checked_on: 2031-01-01")
    import datetime as dt

    options = LintOptions(today=dt.date(2026, 11, 28), stale_days=365)
    issues = {(issue.severity, issue.message) for issue in _failing(_only(kb_copy, "review",
                                                                          options))}
    assert issues == {
        (Severity.WARNING, "rule radiation-metastatic was checked against its sources 1053 "
                           "days ago (2024-01-10); checks older than 365 days are stale"),
        (Severity.WARNING, "rule radiation-early was checked against its sources 1306 days "
                           "ago (2023-05-02); checks older than 365 days are stale"),
        (Severity.WARNING, "rule radiation-early was checked on 2023-05-02, before its source "
                           "'article' was last revised (2023-06)"),
        (Severity.ERROR, "rule surgery-stage-unknown was checked on 2031-01-01, which is in "
                         "the future")}
    relaxed = _failing(_only(kb_copy, "review", LintOptions(today=dt.date(2026, 11, 28),
                                                            stale_days=5000)))
    assert len(relaxed) == 2  # the stale ones pass with a longer limit


def test_review_metadata_passing(kb_copy: Path) -> None:
    issues = _only(kb_copy, "review")
    assert [issue.severity for issue in issues] == [Severity.INFO]
    assert re.match(r"\d+ statements: 0 reviewed by a clinician, \d+ checked against their "
                    r"sources, \d+ drafts", issues[0].message)


def test_changed_since_source_check_is_an_error(kb_copy: Path) -> None:
    """A source-checked entry reworded after its check counts as a draft and fails lint."""
    rule = kb_copy / "rules" / "radiation_therapy" / "radiation-early.yaml"
    text = rule.read_text(encoding="utf-8")
    _edit(rule, "reason: >-\n", "reason: >-\n  Reworded.\n")
    issues = _failing(_only(kb_copy, "review"))
    assert [(issue.severity, issue.path, issue.message.split(": ")[0]) for issue in issues] == [
        (Severity.ERROR, rule, "rule:radiation-early changed since review")]
    assert "set its status to draft" in issues[0].hint
    kb = load_knowledge(kb_copy)
    assert kb.statement_reviews["rule:radiation-early/reason"].state == "draft"
    assert kb.statement_reviews["rule:radiation-early/reason"].changed_since == "source_checked"
    rule.write_text(text.replace("status: source_checked", "status: draft"), encoding="utf-8")
    assert _failing(_only(kb_copy, "review")) == []


# --- the report, the summary and the exit codes -------------------------------------------------


def test_summary_table_and_exit_codes(cli: Cli, kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "chemotherapy" / "chemo-dcis.yaml"
    _edit(rule, "reason: >-\n", "reason: >-\n  You must ask about ESR1.\n")
    line = _line_of(rule, "reason")
    plain = cli("lint", "--knowledge", str(kb_copy))
    assert plain.code == ExitCode.OK
    lines = plain.out.splitlines()
    header = lines.index("validator       error  warning  info")
    table = lines[header + 2:header + 2 + len(VALIDATOR_NAMES) + 1]
    assert [row.split()[0] for row in table] == [*VALIDATOR_NAMES, "total"]
    rows = {row.split()[0]: row.split()[1:4] for row in table}
    assert rows["wording"] == ["1", "0", "0"]
    assert rows["terms"] == ["0", "1", "0"]
    # The unexplained term counts against the reading grade too.
    assert rows["reading-level"] == ["0", "1", "0"]
    assert rows["total"][:2] == ["1", "2"]
    assert "3 issues to fix (exit 0; add --fail-on-issues to fail on them)." in plain.out
    failing = cli("lint", "--knowledge", str(kb_copy), "--fail-on-issues")
    assert failing.code == ExitCode.LINT_ISSUES
    assert "3 issues to fix (exit 1)." in failing.out
    data = json.loads(cli("lint", "--knowledge", str(kb_copy), "--format", "json",
                          "--fail-on-issues").out)
    assert data["exit_code"] == 1 and data["valid"] is True
    assert {(item["validator"], item["severity"], item["file"], item["line"])
            for item in data["issues"] if item["severity"] != "info"} == {
        ("wording", "error", "rules/chemotherapy/chemo-dcis.yaml", line),
        ("reading-level", "warning", "rules/chemotherapy/chemo-dcis.yaml", line),
        ("terms", "warning", "rules/chemotherapy/chemo-dcis.yaml", line)}
    assert {"validator": "wording", "error": 1, "warning": 0, "info": 0} in data["summary"]
    assert set(data["reading_grades"]) == {"strings of 20+ words", "pools of short strings",
                                           "every string, alone", "whole explanations",
                                           "brief views, with labels",
                                           "full views, with labels"}
    excluded = cli("lint", "--knowledge", str(kb_copy), "--exclude", "wording,terms",
                   "--exclude", "reading-level", "--fail-on-issues")
    assert excluded.code == ExitCode.OK


@pytest.mark.parametrize(("args", "expected"), [
    (["--exclude", "spelling"], "--exclude: unknown validator 'spelling'; use one of "
                                "knowledge-base, citations"),
    (["--max-grade", "0"], "--max-grade must be from 1 to 20, got 0"),
    (["--stale-days", "0"], "--stale-days must be at least 1, got 0"),
])
def test_bad_lint_options_are_one_line(cli: Cli, args: list[str], expected: str) -> None:
    result = cli("lint", *args)
    assert result.code == ExitCode.BAD_INPUT
    assert result.err.startswith(f"explainer: error: {expected}")
    assert len(result.err.splitlines()) == 1


def test_the_help_catalog_lists_every_validator() -> None:
    from explainer.lint.catalog import CATALOG
    from explainer.lint.runner import VALIDATORS

    assert tuple((validator.name, validator.concern) for validator in VALIDATORS) == CATALOG

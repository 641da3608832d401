"""Loading: every problem of a broken knowledge base at once, with file:line and a fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explainer import KnowledgeBaseError, explain, load_knowledge
from explainer.errors import ExitCode


def _issues(root: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge(root)
    assert caught.value.exit_code == ExitCode.INVALID_KNOWLEDGE
    return caught.value.lines()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_bundled_knowledge_loads(kb_copy: Path) -> None:
    kb = load_knowledge(kb_copy)
    assert list(kb.categories)[:2] == ["surgery", "radiation_therapy"]
    assert kb.version == "1.0.0"
    assert kb.sources["article"].primary
    # Short reprs (a field-by-field one would print the whole knowledge base).
    assert repr(kb) == (f"KnowledgeBase(root={str(kb.root)!r}, language='en', "
                        f"fingerprint={kb.fingerprint[:12]!r})")
    assert repr(kb.rules[0]) == "LoadedRule('surgery-before-spread')"


def test_yaml_syntax_error_names_file_and_line(kb_copy: Path) -> None:
    path = kb_copy / "knowledge" / "relevance.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = "    label: [Often discussed"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    issues = _issues(kb_copy)
    assert len(issues) == 1
    assert re.match(r"knowledge/relevance\.yaml:\d+: .*fix: fix the YAML syntax", issues[0])


def test_many_problems_are_reported_together(kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "hormone_therapy" / "hormone-hr-positive.yaml"
    _edit(rule, "target: hormone_therapy", "target: hormone_therapie")
    other = kb_copy / "rules" / "surgery" / "surgery-metastatic.yaml"
    _edit(other, "  stage: IV", "  stag: IV")
    third = kb_copy / "rules" / "radiation_therapy" / "radiation-dcis.yaml"
    _edit(third, "priority: 20", "priorty: 20")
    issues = _issues(kb_copy)
    assert len(issues) == 3
    joined = "\n".join(issues)
    assert ("rules/hormone_therapy/hormone-hr-positive.yaml:2: unknown target "
            "'hormone_therapie'") in joined
    assert "rules/surgery/surgery-metastatic.yaml:6: when: unknown factor 'stag'" in joined
    assert ("rules/radiation_therapy/radiation-dcis.yaml:4: unknown key 'priorty' (fix: did "
            "you mean 'priority'?") in joined


def test_unquoted_yaml_value_that_is_not_text_is_an_error(kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "chemotherapy" / "chemo-dcis.yaml"
    _edit(rule, 'stage: "0"', "stage: 0")
    issues = _issues(kb_copy)
    assert issues == [
        "rules/chemotherapy/chemo-dcis.yaml:6: when: 0 is not text; put the value in quotes, "
        'e.g. "0" (fix: fix the condition (factor: value, [values] or {not: value}))']


def test_rule_naming_an_unknown_value(kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "hormone_therapy" / "hormone-hr-negative.yaml"
    _edit(rule, "hr_status: negative", "hr_status: negatve")
    issues = _issues(kb_copy)
    assert "'negatve' is not a value of hr_status; allowed: positive, low, negative, unknown" in (
        issues[0])
    assert issues[0].startswith("rules/hormone_therapy/hormone-hr-negative.yaml:6:")


def test_rule_id_must_match_file_and_be_unique(kb_copy: Path) -> None:
    source = kb_copy / "rules" / "palliative_care" / "palliative-metastatic.yaml"
    copy = kb_copy / "rules" / "palliative_care" / "palliative-copy.yaml"
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    issues = _issues(kb_copy)
    assert any("rule id 'palliative-metastatic' differs from the file name" in issue
               for issue in issues)
    assert any("duplicate rule id 'palliative-metastatic'" in issue for issue in issues)


def test_rule_in_the_wrong_folder_and_bad_source(kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "surgery" / "surgery-metastatic.yaml"
    rule.rename(kb_copy / "rules" / "chemotherapy" / "surgery-metastatic.yaml")
    (kb_copy / "rules" / "surgery" / "surgery-metastatic.cases.yaml").rename(
        kb_copy / "rules" / "chemotherapy" / "surgery-metastatic.cases.yaml")
    cited = kb_copy / "rules" / "surgery" / "surgery-before-spread.yaml"
    _edit(cited, "section: surgery}", "section: surgeries}")
    issues = _issues(kb_copy)
    assert any("lives in rules/chemotherapy/ but its target belongs in rules/surgery/" in issue
               for issue in issues)
    assert any("source 'article' has no section 'surgeries'" in issue for issue in issues)


def test_missing_file_and_unknown_key_in_knowledge(kb_copy: Path) -> None:
    (kb_copy / "knowledge" / "glossary.yaml").unlink()
    _edit(kb_copy / "knowledge" / "categories.yaml", "    kind: local\n", "    knd: local\n")
    issues = _issues(kb_copy)
    assert "knowledge/glossary.yaml: glossary.yaml is missing (fix: copy it from the project's " \
           "knowledge/ folder)" in issues
    assert any(issue.startswith("knowledge/categories.yaml:9: categories[surgery]: unknown key "
                                "'knd' (fix: did you mean 'kind'?") for issue in issues)
    assert ("knowledge/categories.yaml:7: categories[surgery]: 'kind' is missing (fix: add the "
            "key 'kind')") in issues


def test_bad_case_profile(kb_copy: Path) -> None:
    cases = kb_copy / "rules" / "surgery" / "surgery-metastatic.cases.yaml"
    cases.write_text("fires:\n  - {stage: IV}\nsilent:\n  - {stage: V}\n", encoding="utf-8")
    issues = _issues(kb_copy)
    assert issues == [
        "rules/surgery/surgery-metastatic.cases.yaml:4: silent case: stage: 'V' is not allowed "
        "(did you mean 'IV'?); allowed: 0, I, II, III, IV, unknown (fix: use factor ids and "
        "allowed values)"]


def test_factor_without_unknown_and_duplicate_flag(kb_copy: Path) -> None:
    path = kb_copy / "knowledge" / "factors.yaml"
    _edit(path, "      - id: unknown\n        label: I don't know\n    sources:\n"
                "      - {source: article, section: how-treatment-is-chosen}\n"
                "      - {source: article, section: overview}", "    sources:\n"
                "      - {source: article, section: how-treatment-is-chosen}\n"
                "      - {source: article, section: overview}")
    _edit(path, "cli_flag: menopause", "cli_flag: stage")
    issues = _issues(kb_copy)
    assert any("factor 'stage' has no 'unknown' value" in issue for issue in issues)
    assert any("duplicate cli_flag id 'stage'" in issue for issue in issues)


def test_a_profile_field_of_the_wrong_kind_is_reported(kb_copy: Path) -> None:
    # Profiles take the checked values of their own fields as they are, so age must be a number.
    path = kb_copy / "knowledge" / "factors.yaml"
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index("    kind: number") + 1
    _edit(path, "    kind: number\n", "    kind: choice\n    values:\n"
                "      - {id: unknown, label: I don't know}\n")
    issues = _issues(kb_copy)
    assert f"knowledge/factors.yaml:{line}: the factor 'age' must be of kind number, not " \
           "choice (fix: set kind: number)" in issues


def test_not_a_knowledge_folder(tmp_path: Path) -> None:
    issues = _issues(tmp_path)
    assert issues == [f"{tmp_path}: not a knowledge base folder (fix: point at a folder that "
                      "holds knowledge/ and rules/ (copy both from the project))"]


def test_knowledge_folder_itself_is_accepted(kb_copy: Path) -> None:
    assert load_knowledge(kb_copy / "knowledge").root == kb_copy.resolve()


def test_yaml_only_change_new_value_and_rule_show_up(kb_copy: Path) -> None:
    """A new factor value and a new rule, added in YAML only, appear in the explanation."""
    _edit(kb_copy / "knowledge" / "factors.yaml",
          "      - id: poor\n", "      - id: very_poor\n        label: Very poor\n"
          "        help: Most daily tasks need help.\n      - id: poor\n")
    (kb_copy / "rules" / "notes" / "very-poor-health.yaml").write_text(
        "id: very-poor-health\nwhen:\n  general_health: very_poor\nreason: >-\n"
        "  A test note written only in YAML.\nsources:\n"
        "  - {source: article, section: palliative-care}\nstatus: draft\n", encoding="utf-8")
    (kb_copy / "rules" / "notes" / "very-poor-health.cases.yaml").write_text(
        "fires:\n  - {general_health: very_poor}\nsilent:\n  - {}\n", encoding="utf-8")
    explanation = explain({"general_health": "very poor", "stage": "I"}, knowledge=kb_copy)
    assert [note.rule_id for note in explanation.notes] == ["very-poor-health"]
    assert explanation.notes[0].text == "A test note written only in YAML."
    entered = {item.factor: item.value_label for item in explanation.entered}
    assert entered["general_health"] == "Very poor"


def test_yaml_only_change_new_category_shows_up(kb_copy: Path) -> None:
    _edit(kb_copy / "knowledge" / "categories.yaml", "  - id: clinical_trials\n",
          "  - id: exercise\n    name: Exercise programs\n    kind: supportive\n"
          "    summary: Planned activity that can help with tiredness.\n"
          "    description: A test category added only in YAML.\n"
          "    side_effects: Ask what suits you.\n"
          "    sources: [{source: article, section: palliative-care}]\n"
          "    review: {status: draft}\n  - id: clinical_trials\n")
    folder = kb_copy / "rules" / "exercise"
    folder.mkdir()
    (folder / "exercise-any.yaml").write_text(
        "id: exercise-any\ntarget: exercise\nrelevance: may_be_discussed\npriority: 20\n"
        "when:\n  stage: {not: unknown}\nreason: A YAML-only reason.\nsources:\n"
        "  - {source: article, section: palliative-care}\nstatus: draft\n", encoding="utf-8")
    (folder / "exercise-unknown.yaml").write_text(
        "id: exercise-unknown\ntarget: exercise\nrelevance: needs_more_information\n"
        "priority: 20\nwhen:\n  stage: unknown\nreason: Depends on the stage.\nsources:\n"
        "  - {source: article, section: palliative-care}\nstatus: draft\n", encoding="utf-8")
    explanation = explain({"stage": "II"}, knowledge=kb_copy)
    exercise = explanation.category("exercise")
    assert exercise.relevance == "may_be_discussed"
    assert [reason.text for reason in exercise.reasons] == ["A YAML-only reason."]
    assert [category.id for category in explanation.categories][-2:] == [
        "exercise", "clinical_trials"]

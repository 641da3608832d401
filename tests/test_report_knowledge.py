"""knowledge/report.yaml and report_stage.yaml: they load, every problem is reported with
file:line, and every word a person reads is plain (FK grade 7.5 or lower, terms explained)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from explainer.errors import KnowledgeBaseError
from explainer.explanation.report.parse import read_report
from explainer.kb.files import bundled_root
from explainer.kb.loader import load_report_knowledge
from explainer.kb.reportfiles import REQUIRED_MEANINGS
from explainer.kb.yamlio import read_yaml_file
from explainer.lint.grades import Vocabulary, grade, grade_passage, unexplained_terms

MAX_GRADE = 7.5
KNOWLEDGE = bundled_root() / "knowledge"


def vocabulary() -> Vocabulary:
    """Terms the project's glossary and the report reader's terms explain."""
    spellings: list[str] = []
    for path, key in ((KNOWLEDGE / "glossary.yaml", "terms"), (KNOWLEDGE / "report.yaml",
                                                              "terms")):
        for term in read_yaml_file(path)[key]:
            spellings.append(term["term"])
            spellings.extend(term.get("aliases", []))
    return Vocabulary.of(spellings)


def test_the_bundled_knowledge_loads_and_is_a_draft_with_named_sources() -> None:
    kb = load_report_knowledge()
    assert kb.report.status == "draft" and kb.stage.status == "draft"
    shorts = {source.short for source in kb.report.sources}
    assert {"ASCO/CAP 2020", "ASCO/CAP 2018 (affirmed 2023)", "AJCC 8th edition",
            "DESTINY-Breast06 and FDA label 2025", "CAP breast biomarker template"} <= shorts
    for source in kb.report.sources:
        assert source.url.startswith("https://") and 2017 <= source.year <= 2026


def test_the_thresholds_are_the_guidelines() -> None:
    thresholds = load_report_knowledge().thresholds
    assert thresholds.receptor_positive_min_percent == 1
    assert thresholds.er_low_max_percent == 10
    assert (thresholds.allred_negative_max, thresholds.allred_positive_min) == (2, 6)
    assert (thresholds.ish_ratio_min, thresholds.ish_copies_low,
            thresholds.ish_copies_high) == (2.0, 4.0, 6.0)


def test_every_meaning_is_plain() -> None:
    words = vocabulary()
    kb = load_report_knowledge()
    for item, values in kb.report.meanings.items():
        texts = [meaning.means for meaning in values.values()]
        assert grade_passage(texts, words).fk <= MAX_GRADE, item
        for value, meaning in values.items():
            grades = grade(meaning.means, words)
            if grades.words >= 20:
                assert grades.fk <= MAX_GRADE, (item, value, grades)
            assert unexplained_terms(meaning.means, words) == [], (item, value)


def test_every_phrase_and_definition_is_plain() -> None:
    words = vocabulary()
    kb = load_report_knowledge()
    texts = [" ".join(text.split()) for text in kb.report.phrases.values()]
    texts += [term.definition for term in kb.report.terms]
    texts.append(" ".join(kb.report.disclaimer.split()))
    assert grade_passage(texts, words).fk <= MAX_GRADE
    for text in texts:
        assert unexplained_terms(text, words) == [], text


def test_no_directive_wording() -> None:
    kb = load_report_knowledge()
    texts = [meaning.means for values in kb.report.meanings.values()
             for meaning in values.values()] + list(kb.report.phrases.values())
    for text in texts:
        lowered = text.lower()
        for phrase in ("you should", "you need", "best treatment", "recommended for you",
                       "cure", "guarantee"):
            assert phrase not in lowered, (phrase, text)


def _copy(tmp_path: Path) -> Path:
    """The knowledge/ folder of a full copy of the bundled knowledge base (the report files are
    loaded, checked and cached with the rest of it)."""
    target = tmp_path / "kb"
    shutil.copytree(bundled_root() / "knowledge", target / "knowledge")
    shutil.copytree(bundled_root() / "rules", target / "rules")
    return target / "knowledge"


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1)
                if text in line)


def test_an_unknown_source_is_reported_with_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "report.yaml"
    text = path.read_text()
    path.write_text(text.replace("      source: acs_pathology\n", "      source: nowhere\n", 1))
    with pytest.raises(KnowledgeBaseError) as caught:
        load_report_knowledge(folder)
    issue = caught.value.issues[0]
    assert issue.path == path and "nowhere" in issue.message
    assert issue.line == _line_of(path, "source: nowhere")


def test_a_missing_meaning_is_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "report.yaml"
    text = path.read_text()
    start = text.index("    needs_ish:")
    end = text.index("    needs_score:")
    path.write_text(text[:start] + text[end:])
    with pytest.raises(KnowledgeBaseError) as caught:
        load_report_knowledge(folder)
    assert any("needs_ish" in issue.message and issue.line for issue in caught.value.issues)


def test_a_wrong_type_and_bad_yaml_are_reported_with_lines(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "report.yaml"
    path.write_text(path.read_text().replace("er_low_max_percent: 10",
                                             "er_low_max_percent: ten"))
    with pytest.raises(KnowledgeBaseError) as caught:
        load_report_knowledge(folder)
    issue = caught.value.issues[0]
    assert "er_low_max_percent" in issue.message
    assert issue.line == _line_of(path, "er_low_max_percent: ten")
    stage = folder / "report_stage.yaml"
    stage.write_text(stage.read_text() + "\n  - {group: IIA, t: [T2\n")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_report_knowledge(folder)
    assert any(issue.path == stage and issue.line for issue in caught.value.issues)


def test_an_unknown_class_in_the_stage_table_is_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    stage = folder / "report_stage.yaml"
    stage.write_text(stage.read_text().replace("{group: IIB, t: [T3]", "{group: IIB, t: [T5]"))
    with pytest.raises(KnowledgeBaseError) as caught:
        load_report_knowledge(folder)
    issue = caught.value.issues[0]
    assert "T5" in issue.message and issue.line == _line_of(stage, "t: [T5]")


def test_an_edited_threshold_changes_the_reading(tmp_path: Path) -> None:
    # Knowledge is data: moving the ER-low line moves the reading, with no code change.
    folder = _copy(tmp_path)
    path = folder / "report.yaml"
    path.write_text(path.read_text().replace("er_low_max_percent: 10", "er_low_max_percent: 20"))
    kb = load_report_knowledge(folder)
    assert [f.value for f in read_report("ER 15%", kb).findings if f.item == "er"] == ["low"]
    assert [f.value for f in read_report("ER 15%").findings if f.item == "er"] == ["positive"]


def test_the_required_meanings_cover_what_the_reader_shows() -> None:
    kb = load_report_knowledge()
    for item, values in REQUIRED_MEANINGS.items():
        for value in values:
            assert kb.meaning(item, value).means


def test_patient_texts_list_every_string_with_its_line() -> None:
    from explainer.kb.reportfiles import patient_texts

    texts = patient_texts(KNOWLEDGE)
    kb = load_report_knowledge()
    wheres = {where for _, _, where, _ in texts}
    for item, values in kb.report.meanings.items():
        for value in values:
            assert f"meanings.{item}.{value}.means" in wheres
    assert {f"phrases.{key}" for key in kb.report.phrases} <= wheres
    lines = (KNOWLEDGE / "report.yaml").read_text(encoding="utf-8").splitlines()
    for path, line, where, text in texts:
        assert path.name == "report.yaml" and line is not None
        first_words = " ".join(text.split()[:2]).rstrip(",")
        window = " ".join(lines[line - 1:line + 2])
        assert first_words.split()[0] in window, (where, line)

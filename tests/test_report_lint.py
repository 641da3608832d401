"""The report reader's YAML is checked by `explainer lint` (wording, reading level, terms,
sources) and shown in the review packet (each notation, meaning and stage row with its source)."""

from __future__ import annotations

from pathlib import Path

from explainer.kb.loader import load_knowledge
from explainer.lint.base import LintOptions
from explainer.lint.packet import review_packet
from explainer.lint.runner import run_lint
from explainer.lint.texts import read_raw, report_texts

REPORT = Path("knowledge") / "report.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1)
                if text in line)


def _issues(kb_copy: Path, validator: str) -> list[tuple[str, str]]:
    result = run_lint(kb_copy, LintOptions())
    return [(issue.location(kb_copy), issue.message) for issue in result.issues
            if issue.validator == validator and issue.path is not None
            and issue.path.name == "report.yaml"]


def test_every_report_string_is_in_the_lint_inventory(kb_copy: Path) -> None:
    path = kb_copy / REPORT
    texts = report_texts(path, read_raw(kb_copy)[path])
    wheres = {item.where for item in texts}
    kb = load_knowledge(kb_copy).report
    for item, values in kb.report.meanings.items():
        for value in values:
            assert f"meanings.{item}.{value}.means" in wheres
            assert f"meanings.{item}.{value}.label" in wheres
    assert {f"phrases.{key}" for key in kb.report.phrases} <= wheres
    assert "disclaimer" in wheres
    assert all(item.line is not None for item in texts)
    # Placeholders are filled with a plain word before scoring.
    assert not any("{" in item.text for item in texts)


def test_the_bundled_report_wording_passes_the_lint(kb_copy: Path) -> None:
    for validator in ("wording", "reading-level", "terms", "knowledge-base", "citations"):
        assert _issues(kb_copy, validator) == [], validator


def test_directive_wording_in_a_meaning_is_reported_with_its_line(kb_copy: Path) -> None:
    path = kb_copy / REPORT
    _edit(path, "Estrogen can help these cells grow, so hormone therapy may work on them.",
          "You should have hormone therapy.")
    found = _issues(kb_copy, "wording")
    lines = path.read_text().splitlines()
    text_line = _line_of(path, "You should have hormone therapy.")
    # The line of its `means:` key (the text itself follows the key in the block).
    key_line = max(number for number in range(1, text_line + 1)
                   if "means:" in lines[number - 1])
    assert (f"knowledge/report.yaml:{key_line}", "meanings.er.positive.means: 'You should' "
            "tells the reader what to do") in found


def test_a_hard_meaning_and_an_unexplained_term_are_reported(kb_copy: Path) -> None:
    path = kb_copy / REPORT
    hard = ("Immunohistochemical quantification demonstrates heterogeneous intracellular "
            "expression, necessitating comprehensive interdisciplinary interpretation "
            "considering multifactorial prognostication methodologies.")
    _edit(path, "calls this not amplified.", f"calls this not amplified. {hard}")
    assert any("meanings.ish.group_5.means" in message
               for _, message in _issues(kb_copy, "reading-level"))
    _edit(path, "Only one of the two BRCA genes", "By MLPA, only one of the two BRCA genes")
    assert any("meanings.brca.partial.means" in message and "'MLPA'" in message
               for _, message in _issues(kb_copy, "terms"))


def test_an_unknown_source_is_reported_by_the_citations_check(kb_copy: Path) -> None:
    path = kb_copy / REPORT
    _edit(path, "      source: acs_pathology\n", "      source: nowhere\n")
    result = run_lint(kb_copy)
    assert not result.valid
    assert any(issue.validator == "citations" and "meanings.ki67.value cites an unknown "
               "source 'nowhere'" in issue.message and issue.location(kb_copy) ==
               f"knowledge/report.yaml:{_line_of(path, 'source: nowhere')}"
               for issue in result.issues)


def test_the_review_packet_lists_notations_meanings_and_the_stage_table() -> None:
    kb = load_knowledge()
    packet = review_packet(kb, "markdown")
    start = packet.index("## Reading a pathology report")
    section = packet[start:packet.index("\n## ", start + 1)]
    assert "report.yaml: draft: the whole file awaits clinician review" in section
    assert "ER-low positive up to:** 10% of cells" in section
    # Every notation kind, every meaning (with its source's short name), every stage row.
    assert "| HER2 gene test (ISH) | FISH, CISH" in section
    for item, values in kb.report.report.meanings.items():
        for value, meaning in values.items():
            short = kb.report.sources[meaning.source].short
            assert f"| {item.replace('_', chr(92) + '_')} | " in section
            assert short in section, (item, value)
    assert section.count("| IIB |") >= 1 and "AJCC" in section
    for cited in kb.report.sources.values():
        assert cited.url in section

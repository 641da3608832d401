"""explainer review: the packet in each format (golden), edits showing up, its content."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult

from explainer import KnowledgeBase, load_knowledge
from explainer.errors import ExitCode
from explainer.lint.packet import review_packet
from explainer.lint.statements import CSV_COLUMNS, statements, when_then

Cli = Callable[..., CliResult]
SUFFIX = {"markdown": "md", "html": "html", "csv": "csv"}


@pytest.mark.parametrize("fmt", ["markdown", "html", "csv"])
def test_review_packet_golden(kb: KnowledgeBase, golden: Callable[[str, str], None],
                              fmt: str) -> None:
    golden(f"review-packet.{SUFFIX[fmt]}", review_packet(kb, fmt))


def test_packet_through_the_cli_and_to_a_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "packet.html"
    result = cli("review", "--format", "html", "--output", str(target))
    assert result.code == ExitCode.OK
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    markdown = cli("review").out
    assert markdown.startswith("> **Important:** This is education, not medical advice.")
    assert markdown.rstrip().endswith("Please talk with your doctor about your own case.")


def test_a_wording_change_in_a_copy_shows_up_in_every_format(kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "radiation_therapy" / "radiation-metastatic.yaml"
    old = "When cancer has spread, radiation can shrink tumors and ease symptoms such as pain."
    new = "EDITED: radiation can ease pain from tumors that have spread."
    rule.write_text(rule.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    kb = load_knowledge(kb_copy)
    for fmt in ("markdown", "html", "csv"):
        packet = review_packet(kb, fmt)
        assert "EDITED: radiation can ease pain from tumors that have spread." in packet
        assert "radiation can shrink tumors and ease symptoms such as pain" not in packet


def test_every_category_subtype_rule_and_term_is_in_the_packet(kb: KnowledgeBase) -> None:
    packet = review_packet(kb, "markdown")
    for category in kb.categories.values():
        assert f"### {category.name} (" in packet
        for subtype in category.subtypes:
            assert f"#### {subtype.name}" in packet
    for loaded in kb.rules:
        assert f"#### {loaded.id}\n" in packet
        assert when_then(kb, loaded).replace("_", "\\_") in packet
    for term in kb.glossary:
        assert f"| {term.term} |" in packet
    states = {item.id: item.state for item in statements(kb)}
    for loaded in kb.rules:
        state = states[f"rule:{loaded.id}/reason"]
        assert state.state == ("draft" if loaded.rule.status == "draft" or loaded.id in {
            "chemo-fair-health", "chemo-receptors-unknown", "chemo-stage-unknown",
            "surgery-metastatic"} else "source_checked")
    counts = Counter(state.state for state in states.values())
    assert ("| clinician\\_reviewed | 0 |" in packet
            and f"| source\\_checked | {counts['source_checked']} |" in packet
            and f"| draft | {counts['draft']} |" in packet)
    assert packet.count("- **Review:** source\\_checked by Project maintainers") > 10
    for meaning in kb.stage_meanings.values():
        assert " ".join(meaning.meaning.split()) in packet
        assert states[f"stage:{meaning.stage}/meaning"].state == "draft"
    for item in kb.support.items if kb.support else ():
        assert states[f"support:{item.id}/text"].state == "draft"


def test_rules_read_as_when_then(kb: KnowledgeBase) -> None:
    assert when_then(kb, kb.rule("chemo-poor-health")) == (
        "When stage of the cancer is Stage I (early), Stage II (early), Stage III (locally "
        "advanced) or Stage IV (metastatic); and general health is Poor, then Chemotherapy: "
        "may be discussed (priority 30).")
    assert when_then(kb, kb.rule("concern-fertility")) == (
        "When side effects that worry you include Being able to have children, then add this "
        "general note.")
    assert when_then(kb, kb.rule("hormone-after-menopause")).endswith(
        "then add this note to Hormone therapy.")


def test_coverage_table_counts_every_combination(kb: KnowledgeBase) -> None:
    packet = review_packet(kb, "markdown")
    table = packet[packet.index("| Category or kind |"):].split("\n\n")[0].splitlines()[2:]
    rows = {row.split(" | ")[0].strip("| "): [int(cell) for cell in
                                             row.strip("| ").split(" | ")[1:]]
            for row in table}
    assert all(sum(counts) == 4320 for counts in rows.values())  # 6 x 4 x 5 x 3 x 4 x 3
    assert rows["— Adoptive cell transfer"] == [0, 0, 0, 4320]
    assert rows["Palliative care"][3] == 0  # never less likely: it helps at any stage


def test_csv_has_one_row_per_statement(kb: KnowledgeBase) -> None:
    text = review_packet(kb, "csv")
    assert text.startswith("\ufeff")  # so that spreadsheets read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    found = statements(kb)
    assert len(rows) == len(found) > 250
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row["number"] for row in rows] == [str(number) for number in range(1, len(rows) + 1)]
    reason = next(row for row in rows if row["entry"] == "cdk46-metastatic")
    assert reason["section"] == "rule" and reason["field"] == "reason"
    assert reason["state"] == "draft"
    assert reason["statement_id"] == "rule:cdk46-metastatic/reason"
    assert re.fullmatch(r"[0-9a-f]{12}", reason["text_hash"])
    assert reason["verdict"] == reason["comment"] == ""
    assert reason["location"] == "rules/targeted_therapy/cdk46-metastatic.yaml:9"
    assert reason["detail"].startswith("When stage of the cancer is Stage IV (metastatic)")
    assert "Targeted drug therapy for breast cancer" in reason["sources"]
    assert {row["state"] for row in rows} == {"draft", "source_checked"}
    checked = next(row for row in rows
                   if row["statement_id"] == "rule:surgery-stage-unknown/reason")
    assert (checked["state"], checked["reviewer"], checked["date"]) == (
        "source_checked", "Project maintainers (checked against the source article)",
        "2026-11-28")
    assert len({row["statement_id"] for row in rows}) == len(rows)
    phrase = next(row for row in rows if row["entry"] == "document.title")
    assert phrase["section"] == "fixed phrase" and phrase["state"] == "draft"
    assert phrase["statement_id"] == "phrase:document.title/text"
    assert phrase["location"].startswith("knowledge/interface.yaml:")
    assert all(row["text"] for row in rows)

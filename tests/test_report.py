"""`explainer report`: the guideline rules (ASCO/CAP ER/PR and HER2, AJCC stage), conflicts and
partial results, the output formats and the command line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult, run_process

from explainer.errors import ExitCode
from explainer.explanation.report.model import ReportReading
from explainer.explanation.report.parse import read_report
from explainer.kb.loader import load_report_knowledge
from explainer.render.report import render_report as render

Cli = Callable[..., CliResult]
EXAMPLE = "ER 95%, PR 0%, HER2 IHC 2+, FISH not amplified, pT2 pN1a M0, grade 3"


def values(reading: ReportReading, item: str) -> list[str]:
    """The values of the findings of ``item``."""
    return [finding.value for finding in reading.findings if finding.item == item]


# --- the issue's example ------------------------------------------------------------------

def test_the_issues_example_gives_hr_positive_her2_low_node_positive_stage_iib() -> None:
    reading = read_report(EXAMPLE)
    assert reading.profile == {"stage": "II", "hr_status": "positive", "her2_status": "low",
                               "nodes": "positive"}
    assert values(reading, "stage") == ["IIB"]
    assert values(reading, "er") == ["positive"]
    assert values(reading, "pr") == ["negative"]
    assert values(reading, "her2_ihc") == ["2+"]
    assert values(reading, "ish") == ["not_amplified"]
    assert values(reading, "grade") == ["3"]
    assert values(reading, "t") == ["pT2"] and values(reading, "n") == ["pN1a"]
    assert reading.conflicts == () and reading.not_understood == ()
    labels = {finding.item: finding.label for finding in reading.findings}
    assert labels["hr_status"] == "HR-positive" and labels["her2_status"] == "HER2-low"
    assert "Anatomic stage IIB" in labels["stage"]


def test_the_issues_example_in_plain_words_in_every_human_format() -> None:
    kb = load_report_knowledge()
    reading = read_report(EXAMPLE)
    for output_format in ("text", "markdown", "rich"):
        rendered = render(reading, kb, output_format, width=100)
        shown = " ".join(re.sub(r"[\u2500-\u257f]", " ", rendered).split())
        for words in ("HR-positive", "HER2-low", "Lymph nodes positive", "Stage II",
                      "Anatomic stage IIB", kb.phrase("title"), "ASCO/CAP 2020",
                      "AJCC 8th edition"):
            assert words in shown, (output_format, words)
        # The disclaimer opens and closes the output.
        disclaimer = " ".join(kb.report.disclaimer.split())
        assert shown.count(disclaimer) == 2, output_format


def test_json_has_exactly_the_contract_keys() -> None:
    # The issue's keys, and the disclaimer that every output carries.
    data = json.loads(render(read_report(EXAMPLE), load_report_knowledge(), "json"))
    assert list(data) == ["schema_version", "disclaimer", "profile", "findings",
                          "not_understood", "conflicts"]
    assert data["schema_version"] == 1
    assert data["profile"] == {"stage": "II", "hr_status": "positive", "her2_status": "low",
                               "nodes": "positive"}
    for finding in data["findings"]:
        assert list(finding) == ["item", "text", "value", "means", "source"]
        assert all(isinstance(value, str) and value for value in finding.values())


# --- ER / PR: ASCO/CAP 2020 boundaries -------------------------------------------------------

@pytest.mark.parametrize(("percent", "er", "pr"), [
    ("0", "negative", "negative"),
    ("0.5", "negative", "negative"),
    ("1", "low", "positive"),
    ("5", "low", "positive"),
    ("10", "low", "positive"),
    ("11", "positive", "positive"),
    ("10.5", "positive", "positive"),
    ("100", "positive", "positive"),
])
def test_receptor_percent_boundaries(percent: str, er: str, pr: str) -> None:
    assert values(read_report(f"ER {percent}%"), "er") == [er]
    assert values(read_report(f"PR: {percent}%"), "pr") == [pr]


@pytest.mark.parametrize(("text", "er"), [
    ("ER negative (<1%)", "negative"),
    ("ER: less than 1%", "negative"),
    ("ER low positive (1-10%)", "low"),
    ("ER positive (greater than 10%)", "positive"),
    ("ER >10%", "positive"),
    ("ER 1-10%", "low"),
    ("ER 10-20%", "needs_percent"),   # the range spans the 10% line: not guessed
    ("ER <5%", "needs_percent"),      # could be negative or low
])
def test_receptor_comparators_and_ranges(text: str, er: str) -> None:
    reading = read_report(text)
    assert values(reading, "er") == [er]
    assert "hr_status" not in reading.profile or er != "needs_percent"


@pytest.mark.parametrize(("score", "er"), [
    (0, "negative"), (1, "negative"), (2, "negative"),
    (3, "needs_percent"), (4, "needs_percent"), (5, "needs_percent"),
    (6, "positive"), (7, "positive"), (8, "positive"),
])
def test_allred_scores(score: int, er: str) -> None:
    reading = read_report(f"ER Allred score {score}/8, PR negative")
    assert values(reading, "er") == [er]
    expected = {"negative": "negative", "positive": "positive"}.get(er)
    assert reading.profile.get("hr_status") == expected


def test_allred_3_to_5_with_the_percent_uses_the_percent() -> None:
    assert values(read_report("ER: Allred 5/8, 8% of cells"), "er") == ["low"]
    assert values(read_report("ER: Allred 5/8, 40% of cells"), "er") == ["positive"]


@pytest.mark.parametrize(("text", "hr"), [
    ("ER positive, PR positive", "positive"),
    ("ER 95%, PR 0%", "positive"),
    ("ER 0%, PR 20%", "positive"),
    ("ER 5%, PR 0%", "low"),
    ("ER 5%, PR 30%", "positive"),
    ("ER 0%, PR 0%", "negative"),
    ("ER negative, PR negative", "negative"),
    ("ER 95%", "positive"),
    ("ER 5%", None),          # ER-low alone: low or positive depends on PR
    ("ER 0%", None),          # PR unknown
    ("PR 0%", None),
    ("PR 40%", "positive"),
])
def test_hr_rule(text: str, hr: str | None) -> None:
    assert read_report(text).profile.get("hr_status") == hr


# --- HER2: ASCO/CAP 2018 (affirmed 2023), ultralow ---------------------------------------------

@pytest.mark.parametrize(("ihc", "ish", "her2"), [
    ("0", None, "negative"),
    ("0", "not amplified", "negative"),
    ("0", "amplified", "positive"),
    ("0+", None, "ultralow"),
    ("0+", "not amplified", "ultralow"),
    ("1+", None, "low"),
    ("1+", "not amplified", "low"),
    ("1+", "amplified", "positive"),
    ("2+", None, None),                # needs the ISH result
    ("2+", "not amplified", "low"),
    ("2+", "amplified", "positive"),
    ("3+", None, "positive"),
    ("3+", "amplified", "positive"),
    ("3+", "not amplified", None),     # discordant: a conflict, left unknown
])
def test_her2_each_score_with_and_without_ish(ihc: str, ish: str | None,
                                              her2: str | None) -> None:
    text = f"HER2 IHC {ihc}" + (f", FISH {ish}" if ish else "")
    reading = read_report(text)
    assert reading.profile.get("her2_status") == her2, text
    assert values(reading, "her2_ihc") == [ihc]
    if ihc == "2+" and ish is None:
        assert values(reading, "her2_status") == ["needs_ish"]
    if ihc == "3+" and ish == "not amplified":
        assert [conflict.item for conflict in reading.conflicts] == ["her2_status"]


@pytest.mark.parametrize(("text", "group", "her2"), [
    ("HER2 IHC 2+. HER2/CEP17 ratio 2.3, average HER2 copy number 5.1", "group_1", "positive"),
    ("HER2 IHC 2+. HER2/CEP17 ratio 2.3, average HER2 copy number 3.2", "group_2", None),
    ("HER2 IHC 2+. HER2/CEP17 ratio 1.5, average HER2 copy number 6.4", "group_3", None),
    ("HER2 IHC 2+. HER2/CEP17 ratio 1.5, average HER2 copy number 4.6", "group_4", None),
    ("HER2 IHC 2+. HER2/CEP17 ratio 1.2, average HER2 copy number 2.1", "group_5", "low"),
    ("HER2 IHC 2+. HER2/CEP17 ratio 2.0, average HER2 copy number 4.0", "group_1", "positive"),
    ("HER2 IHC 2+. HER2/CEP17 ratio 1.99, average HER2 copy number 3.99", "group_5", "low"),
])
def test_ish_groups(text: str, group: str, her2: str | None) -> None:
    reading = read_report(text)
    assert group in values(reading, "ish")
    assert reading.profile.get("her2_status") == her2


def test_a_ratio_alone_is_not_enough() -> None:
    reading = read_report("HER2 IHC 2+, HER2/CEP17 ratio 2.3")
    assert "her2_status" not in reading.profile
    assert "numbers_only" in values(reading, "ish")
    assert "needs_ish" in values(reading, "her2_status")


def test_group_2_with_the_labs_conclusion_takes_the_conclusion() -> None:
    reading = read_report("HER2 IHC 2+. FISH: HER2/CEP17 ratio 2.2, average HER2 copy number "
                          "3.5; result: not amplified (ASCO/CAP group 2)")
    assert reading.profile.get("her2_status") == "low"


# --- TNM, stage lines, nodes ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "stage", "nodes"), [
    ("pT2N1aM0", "II", "positive"),
    ("pT1c pN0 cM0", "I", "negative"),
    ("pT1c pN0(i+) M0", "I", "negative"),
    ("pT1b pN1mi M0", "I", "positive"),
    ("pT2 pN1mi M0", "II", "positive"),
    ("pTis pN0 M0", "0", "negative"),
    ("pT3 pN2a M0", "III", "positive"),
    ("pT4d N0 M0", "III", "negative"),
    ("T2 N3c M0", "III", "positive"),
    ("pT2 pN1a cM0(i+)", "II", "positive"),
    ("cT2 cN1 M1", "IV", "positive"),
    ("M1", "IV", None),
])
def test_tnm_gives_stage_and_nodes(text: str, stage: str, nodes: str | None) -> None:
    reading = read_report(text)
    assert reading.profile.get("stage") == stage, text
    assert reading.profile.get("nodes") == nodes, text


def test_t_and_n_without_m_leave_the_stage_unknown_but_say_what_m0_would_give() -> None:
    reading = read_report("pT2 pN1a")
    assert "stage" not in reading.profile
    assert reading.profile["nodes"] == "positive"
    finding = next(f for f in reading.findings if f.value == "needs_m")
    assert "IIB" in finding.means


def test_an_unlabelled_stage_that_differs_is_shown_beside_the_anatomic_one() -> None:
    reading = read_report("Stage IIA. pT3 N1 M0")
    assert reading.profile["stage"] == "III"
    assert reading.conflicts == ()
    assert set(values(reading, "stage")) == {"IIIA", "IIA"}
    unlabelled = next(f for f in reading.findings if f.value == "IIA")
    assert "prognostic" in unlabelled.means and "IIIA" in unlabelled.means


def test_an_anatomic_stage_that_disagrees_with_the_tnm_is_a_conflict() -> None:
    reading = read_report("Anatomic stage IIA. pT3 N1 M0")
    assert "stage" not in reading.profile
    assert [conflict.item for conflict in reading.conflicts] == ["stage"]
    assert read_report("Anatomic stage IIIA. pT3 N1 M0").profile["stage"] == "III"


def test_a_prognostic_stage_is_shown_and_never_conflicts() -> None:
    reading = read_report("pT3 pN1a M0. Pathological prognostic stage group: IB")
    assert reading.profile["stage"] == "III" and reading.conflicts == ()
    reading = read_report("Prognostic stage IB")
    assert reading.profile["stage"] == "I"
    assert any("anatomic stage may differ" in f.means for f in reading.findings)


@pytest.mark.parametrize(("text", "stage"), [
    ("Stage IIA", "II"), ("stage 2a", "II"), ("Stage: IIIC", "III"), ("Stage IV", "IV"),
    ("Stage 0", "0"), ("AJCC anatomic stage group: IB", "I"), ("stage II", "II"),
])
def test_stage_lines_alone(text: str, stage: str) -> None:
    assert read_report(text).profile.get("stage") == stage


def test_two_different_stage_lines_conflict() -> None:
    reading = read_report("Anatomic stage IIA\nAnatomic stage IIIB")
    assert "stage" not in reading.profile
    assert reading.conflicts


def test_post_treatment_stage() -> None:
    reading = read_report("ypT0 ypN0")
    assert "stage" not in reading.profile and "nodes" not in reading.profile
    assert "no_group" in values(reading, "stage")
    reading = read_report("ypT1c ypN1a M0")
    assert reading.profile == {"stage": "II", "nodes": "positive"}
    # The clinical stage before treatment wins over the stage after it.
    reading = read_report("cT3 cN1 M0. After chemotherapy: ypT1a ypN0")
    assert reading.profile == {"stage": "III", "nodes": "positive"}
    # ypN0 alone does not say the nodes were free before treatment.
    assert "nodes" not in read_report("ypT1 ypN0").profile


# --- conflicts and partial results stay unknown ----------------------------------------------

@pytest.mark.parametrize(("text", "factor"), [
    ("ER negative (5%)", "hr_status"),
    ("ER low positive (50%), PR 0%", "hr_status"),
    ("ER 0%, ER 90%, PR 0%", "hr_status"),
    ("HER2 1+ (core biopsy). HER2 3+ (excision)", "her2_status"),
    ("HER2 IHC 1+. HER2: Positive", "her2_status"),
    ("HER2 FISH amplified. HER2 FISH not amplified", "her2_status"),
    ("HER2 IHC 2+; HER2/CEP17 ratio 2.5, average HER2 copy number 7.0; FISH not amplified",
     "her2_status"),
    ("pT2 pT3 pN0 M0", "stage"),
    ("pT2 pN0 M0 pM1", "stage"),
    ("Germline BRCA1 pathogenic variant. Germline BRCA1 negative", "brca_mutation"),
])
def test_conflicts_leave_the_factor_unknown(text: str, factor: str) -> None:
    reading = read_report(text)
    assert factor not in reading.profile, text
    assert reading.conflicts, text


@pytest.mark.parametrize("text", [
    "HER2 IHC 2+", "HER2 equivocal", "HER2: see comment", "HER2: pending",
    "HER2 negative", "ER: Allred 4", "HER2/CEP17 ratio 2.3", "pT2", "pN1a",
    "BRCA1 negative", "BRCA2 variant of uncertain significance", "ER 5%",
])
def test_partial_results_set_no_factor_they_cannot_settle(text: str) -> None:
    profile = read_report(text).profile
    assert not {"her2_status", "brca_mutation", "stage"} & set(profile), (text, profile)
    if text.startswith("ER"):
        assert "hr_status" not in profile


# --- BRCA and other genes ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "brca"), [
    ("Germline testing: BRCA1 pathogenic variant detected", "positive"),
    ("Germline BRCA2 likely pathogenic variant (c.5946delT)", "positive"),
    ("Germline genetic testing: no pathogenic variants in BRCA1 or BRCA2", "negative"),
    ("Hereditary cancer panel: BRCA1/2 negative", "negative"),
    ("Germline BRCA2 variant of uncertain significance (VUS)", None),
    ("Germline BRCA1 negative", None),                      # BRCA2 not reported
    ("Tumor NGS: somatic BRCA2 mutation detected", None),   # not inherited
    ("BRCA1 mutation detected", None),                      # test type not stated
    ("Germline PALB2 pathogenic variant; BRCA1/2 negative", "negative"),
    ("Germline PALB2 pathogenic variant", None),
])
def test_brca(text: str, brca: str | None) -> None:
    reading = read_report(text)
    assert reading.profile.get("brca_mutation") == brca, text


def test_palb2_is_reported_but_does_not_set_brca() -> None:
    reading = read_report("Germline PALB2 pathogenic variant")
    assert values(reading, "other_gene") == ["PALB2: positive"]
    assert "brca_mutation" not in reading.profile


# --- other items, explained without becoming factors -------------------------------------------

def test_other_items_are_findings_only() -> None:
    text = ("Invasive ductal carcinoma, Nottingham grade 2. Ki-67: 25%. Margins negative. "
            "Lymphovascular invasion: present. DCIS, high nuclear grade.")
    reading = read_report(text)
    assert reading.profile == {}
    assert values(reading, "histology") == ["ductal", "dcis"]
    assert values(reading, "grade") == ["2", "3"]
    assert values(reading, "ki67") == ["25%"]
    assert values(reading, "margins") == ["negative"]
    assert values(reading, "lvi") == ["present"]


# --- the command ------------------------------------------------------------------------------

def test_cli_text_argument_and_json(cli: Cli) -> None:
    result = cli("report", EXAMPLE, "--format", "json")
    assert result.code == ExitCode.OK
    assert json.loads(result.out)["profile"]["her2_status"] == "low"


def test_cli_reads_a_file(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("FINAL DIAGNOSIS\nER: Positive (90%)\nPR: Negative (0%)\n", encoding="utf-8")
    result = cli("report", "--file", str(path), "--format", "json")
    assert result.code == ExitCode.OK
    assert json.loads(result.out)["profile"] == {"hr_status": "positive"}


def test_cli_reads_standard_input() -> None:
    result = run_process("report", "--format", "json", stdin=EXAMPLE)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["profile"]["stage"] == "II"


@pytest.mark.parametrize("args", [
    ("report", ""),
    ("report", "   \n "),
    ("report", "ER 95%", "--file", "x.txt"),
    ("report", "--file", "/nonexistent/report.txt"),
    ("report", "ER 95%", "--format", "html"),
    ("report", "ER 95%", "--width", "5"),
])
def test_cli_bad_input_is_one_line_and_exit_2(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.code == ExitCode.BAD_INPUT
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_cli_rejects_a_file_that_is_not_text(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4\xff\xfe\x00binary")
    result = cli("report", "--file", str(path))
    assert result.code == ExitCode.BAD_INPUT
    assert "UTF-8" in result.err


def test_the_json_carries_the_disclaimer(cli: Cli) -> None:
    result = cli("report", EXAMPLE, "--format", "json")
    data = json.loads(result.out)
    assert list(data)[:3] == ["schema_version", "disclaimer", "profile"]
    assert "not medical advice" in data["disclaimer"]


def test_a_new_line_about_something_else_does_not_feed_the_item_before() -> None:
    reading = read_report("ER: positive\n5% of core involved by carcinoma")
    assert values(reading, "er") == ["positive"]
    assert reading.not_understood == ("5% of core involved by carcinoma",)
    # An indented or labelled detail line still belongs to the item (the CAP template).
    assert values(read_report("ER: positive\n  5% of cells"), "er") == ["low"]
    assert values(read_report("ER: positive\nPercent of cells: 5%"), "er") == ["low"]
    assert values(read_report("ER:\nPositive (95%)"), "er") == ["positive"]


@pytest.mark.parametrize(("output_format", "name"), [
    ("text", "report-example.txt"), ("markdown", "report-example.md"),
    ("json", "report-example.json")])
def test_golden_output_of_the_example(output_format: str, name: str,
                                      golden: Callable[[str, str], None]) -> None:
    golden(name, render(read_report(EXAMPLE), load_report_knowledge(), output_format,
                        width=88))

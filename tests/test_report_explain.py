"""`explain`, `why` and `compare` with --report: factors come from pathology-report wording,
flags and profile files override them, and every format says which came from the report."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult

from explainer import Explainer
from explainer.errors import ExitCode

Cli = Callable[..., CliResult]
EXAMPLE = "ER 95%, PR 0%, HER2 IHC 2+, FISH not amplified, pT2 pN1a M0, grade 3"
FROM_REPORT = ["stage", "hr_status", "her2_status", "nodes"]


def test_the_issue_example_gives_an_explanation_with_its_factors(cli: Cli) -> None:
    result = cli("explain", "--report", EXAMPLE, "--format", "json")
    assert result.code == ExitCode.OK, result.err
    data = json.loads(result.out)
    assert data["profile"]["stage"] == "II"
    assert data["profile"]["hr_status"] == "positive"
    assert data["profile"]["her2_status"] == "low"
    assert data["profile"]["nodes"] == "positive"
    assert data["from_report"] == FROM_REPORT
    assert "not medical advice" in data["disclaimer"]
    # The existing shape stays: every contract key is still there, in its place.
    assert list(data)[:3] == ["schema_version", "disclaimer", "profile"]
    assert data["categories"][0]["id"] == "surgery"


def test_without_report_the_json_has_no_new_key(cli: Cli) -> None:
    data = json.loads(cli("explain", "--stage", "II", "--format", "json").out)
    assert "from_report" not in data


def test_a_flag_overrides_the_report(cli: Cli) -> None:
    data = json.loads(cli("explain", "--report", EXAMPLE, "--her2", "positive", "--stage",
                          "unknown", "--format", "json").out)
    assert data["profile"]["her2_status"] == "positive"
    assert data["profile"]["stage"] == "unknown"  # an explicit "I don't know" wins too
    assert data["from_report"] == ["hr_status", "nodes"]


def test_a_profile_file_overrides_the_report(cli: Cli, tmp_path: Path) -> None:
    profile = tmp_path / "me.yaml"
    profile.write_text("hr_status: negative\nmenopausal_status: postmenopausal\n")
    data = json.loads(cli("explain", "--report", EXAMPLE, "--profile", str(profile),
                          "--format", "json").out)
    assert data["profile"]["hr_status"] == "negative"
    assert data["profile"]["menopausal_status"] == "postmenopausal"
    assert data["from_report"] == ["stage", "her2_status", "nodes"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "rich", "html"])
def test_every_human_format_marks_the_values_from_the_report(cli: Cli, fmt: str) -> None:
    # The short view says it once ("From your report: ..."); the full view marks each value.
    brief = cli("explain", "--report", EXAMPLE, "--menopause", "postmenopausal",
                "--format", fmt, "--width", "100")
    assert brief.code == ExitCode.OK, brief.err
    shown = re.sub(r"<sup.*?</sup>|<[^>]+>", " ", brief.out)  # HTML: no tags, no marks
    assert "From your report: Stage II;" in " ".join(shown.split())
    full = ("--handout", "full") if fmt == "html" else ("--detail", "full")
    result = cli("explain", "--report", EXAMPLE, "--menopause", "postmenopausal",
                 "--format", fmt, "--width", "100", *full)
    assert result.code == ExitCode.OK, result.err
    # Three values are marked; the menopause, typed by the person, is not.
    assert result.out.count("from your report") >= 4
    rows = result.out.replace("<tr", "\n<tr").splitlines()  # a table row per line in HTML too
    marked = [line for line in rows if "(from your report)" in line]
    assert len(marked) == 4  # stage, HR, HER2, nodes
    assert not any("menopause" in line.lower() for line in marked)
    plain = cli("explain", "--stage", "II", "--format", fmt).out
    assert "from your report" not in plain


def test_the_report_may_be_a_file(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("FINAL DIAGNOSIS\nER: positive (90%)\nHER2 (IHC): 3+\n", encoding="utf-8")
    data = json.loads(cli("explain", "--report", str(path), "--format", "json").out)
    assert data["profile"]["hr_status"] == "positive"
    assert data["profile"]["her2_status"] == "positive"
    assert data["from_report"] == ["hr_status", "her2_status"]


def test_bad_report_input_is_one_line_and_exit_2(cli: Cli, tmp_path: Path) -> None:
    missing = cli("explain", "--report", str(tmp_path / "nope.txt"))
    assert missing.code == ExitCode.BAD_INPUT
    assert "no file" in missing.err and len(missing.err.strip().splitlines()) == 1
    empty = cli("explain", "--report", "   ")
    assert empty.code == ExitCode.BAD_INPUT and "empty" in empty.err


def test_a_report_that_settles_nothing_says_so(cli: Cli) -> None:
    result = cli("explain", "--report", "see comment", "--format", "json")
    assert result.code == ExitCode.OK
    assert "settled none of the factors" in result.err
    assert "from_report" not in json.loads(result.out)


def test_a_conflict_stays_unknown(cli: Cli) -> None:
    # The stain says 3+, the gene test says not amplified: HER2 is left unknown, not guessed.
    data = json.loads(cli("explain", "--report", "HER2 IHC 3+. HER2 FISH not amplified.",
                          "--format", "json").out)
    assert data["profile"]["her2_status"] == "unknown"
    assert "from_report" not in data


def test_what_if_starts_from_the_report(cli: Cli) -> None:
    data = json.loads(cli("explain", "--report", EXAMPLE, "--what-if", "her2=positive",
                          "--format", "json").out)
    assert data["before_profile"]["her2_status"] == "low"
    assert data["after_profile"]["her2_status"] == "positive"
    assert data["before_profile"]["stage"] == "II"


def test_why_says_which_factors_came_from_the_report(cli: Cli) -> None:
    text = cli("why", "targeted_therapy", "--report", EXAMPLE).out
    assert ("From your report: Stage of the cancer, Hormone receptor (HR) status, HER2 status, "
            "Lymph nodes") in text
    data = json.loads(cli("why", "targeted_therapy", "--report", EXAMPLE, "--her2", "positive",
                          "--format", "json").out)
    assert data["from_report"] == ["stage", "hr_status", "nodes"]
    plain = json.loads(cli("why", "targeted_therapy", "--format", "json").out)
    assert "from_report" not in plain


def test_compare_fills_both_sides_from_the_report(cli: Cli, tmp_path: Path) -> None:
    before, after = tmp_path / "a.yaml", tmp_path / "b.yaml"
    before.write_text("menopausal_status: premenopausal\n")
    after.write_text("menopausal_status: postmenopausal\nstage: IV\n")
    data = json.loads(cli("compare", str(before), str(after), "--report", EXAMPLE,
                          "--format", "json").out)
    assert data["before_profile"]["her2_status"] == "low"
    assert data["after_profile"]["stage"] == "IV"  # the file's own value wins
    assert ("Stage of the cancer, Hormone receptor (HR) status, HER2 status, Lymph nodes from "
            "your report") in data["before_label"]
    assert data["after_label"].endswith(
        "with Hormone receptor (HR) status, HER2 status, Lymph nodes from your report")


def test_the_api_merges_and_marks(explainer: Explainer) -> None:
    reading = explainer.read_report(EXAMPLE)
    explanation = explainer.explain_report(reading, {"menopausal_status": "postmenopausal"})
    assert explanation.from_report == tuple(FROM_REPORT)
    assert explanation.profile["menopausal_status"] == "postmenopausal"
    # A factor the knowledge base does not know (nodes, before issue 7's factor) is left out.
    assert set(explainer.report_factors(reading)) <= set(explainer.kb.factors)

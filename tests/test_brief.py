"""The short answer first (issue #10): the brief view, the pieces both views share, paging."""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest
from conftest import CliResult

from explainer import Explainer
from explainer.lint.factor_space import factor_space
from explainer.lint.reading import (
    BRIEF_MAX_FK,
    FULL_MAX_FK,
    REPRESENTATIVE_PROFILES,
)
from explainer.lint.runner import run_lint
from explainer.render import build_document, render
from explainer.render.brief import MAX_QUESTIONS, TEXT

Cli = Callable[..., CliResult]

MAX_LINES = 60
MAX_WORDS = 450
WIDTH = 88


def words(text: str) -> int:
    """Words a person reads: tokens with a letter (not rules, box lines or "[1, 2]" marks)."""
    return sum(1 for token in text.split() if any(char.isalpha() for char in token))


@pytest.mark.parametrize("fmt", ["text", "rich"])
def test_brief_fits_one_screen_for_every_combination_of_the_core_factors(
        explainer: Explainer, fmt: str) -> None:
    worst_lines = worst_words = 0
    count = 0
    for raw in factor_space(explainer.kb):
        out = render(explainer.explain(raw), fmt, width=WIDTH)
        lines, read = len(out.splitlines()), words(out)
        assert lines <= MAX_LINES, (raw, lines)
        assert read <= MAX_WORDS, (raw, read)
        worst_lines, worst_words = max(worst_lines, lines), max(worst_words, read)
        count += 1
    assert count >= 1000  # the whole space, not a sample


def test_brief_fits_with_worries_and_an_age(explainer: Explainer) -> None:
    """The entered line and the questions grow with what else is entered (three worries, an
    age): still one screen."""
    concerns = ["fertility", "hair_loss", "nerve_damage"]
    for raw in factor_space(explainer.kb):
        out = render(explainer.explain({**raw, "side_effect_concerns": concerns, "age": 84}),
                     "text", width=WIDTH)
        assert len(out.splitlines()) <= MAX_LINES, raw
        assert words(out) <= MAX_WORDS, raw


def test_brief_holds_the_short_answer_in_order(explainer: Explainer) -> None:
    explanation = explainer.explain(REPRESENTATIVE_PROFILES["triple-negative"])
    out = render(explanation, "text", width=WIDTH)
    lines = out.splitlines()
    assert lines[0].startswith("IMPORTANT: This is education")
    assert out.rstrip().endswith(explanation.disclaimer.split()[-1])
    order = ["You entered: Stage II;", "IN SHORT", "START HERE", "AT A GLANCE",
             "WHY THESE COME UP", "WHAT IS NOT KNOWN YET", "--detail full", "WHERE THIS COMES"]
    positions = [out.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert " ".join(explanation.in_short)[:40] in " ".join(out.split())
    assert TEXT["time_to_decide"] in " ".join(out.split())
    # Sources once: numbered notes, no "Source:" line under each item.
    assert "Source:" not in out
    assert re.search(r"\[1\] How Is Breast Cancer Treated\?", out)
    assert "[1, 2, 3]" in out or "[1, 2]" in out


def test_brief_asks_at_most_six_questions(explainer: Explainer) -> None:
    for raw in [*REPRESENTATIVE_PROFILES.values(), *factor_space(explainer.kb)][:400]:
        document = build_document(explainer.explain(raw), "patient", "brief")
        start = document.section("start_here")
        assert start is not None
        asked = [entry.title for entry in start.entries if not entry.bare]
        unknown = document.section("unknown")
        if unknown is not None:
            asked += [line.text for entry in unknown.entries for line in entry.lines
                      if line.text.startswith("Ask:")]
        assert 1 <= len(asked) <= MAX_QUESTIONS
        assert len(set(asked)) == len(asked)


def test_in_short_is_built_from_the_relevance_of_each_category(explainer: Explainer) -> None:
    metastatic = explainer.explain(REPRESENTATIVE_PROFILES["metastatic-hr-positive"])
    assert metastatic.in_short[0] == ("For what you entered, talks about treatment usually "
                                      "cover hormone therapy, targeted therapy, palliative care "
                                      "and clinical trials.")
    assert metastatic.in_short[-1] == ("Results like these do not usually call for "
                                       "immunotherapy.")
    her2 = explainer.explain(REPRESENTATIVE_PROFILES["early-her2-positive"])
    assert "hormone therapy, immunotherapy or tissue-agnostic treatment" in her2.in_short[-1]
    for raw in factor_space(explainer.kb):
        explanation = explainer.explain(raw)
        assert 2 <= len(explanation.in_short) <= 4, raw
        shown = {category.relevance for category in explanation.categories}
        assert len(explanation.in_short) == len(shown)


def test_unknown_stage_says_cant_say_yet_first_and_never_opens_on_palliative_care(
        explainer: Explainer) -> None:
    for raw in factor_space(explainer.kb):
        if raw["stage"] != "unknown":
            continue
        explanation = explainer.explain(raw)
        assert explanation.in_short[0].startswith("We can't say yet")
        for detail in ("brief", "full"):
            document = build_document(explanation, "patient", detail)
            start = document.section("start_here")
            assert start is not None and start.intro is not None
            assert start.intro.startswith("Can't say yet")
            cards = [entry for section in document.sections
                     if section.key in ("why", "often_discussed", "may_be_discussed",
                                        "needs_more_information") for entry in section.entries]
            assert "palliative" not in cards[0].title.lower()


def test_supportive_care_before_stage_iv_and_palliative_care_at_stage_iv(
        explainer: Explainer) -> None:
    early = render(explainer.explain(REPRESENTATIVE_PROFILES["dcis"]), "text", width=WIDTH,
                   detail="full")
    assert "Supportive care (palliative care)" in early and "hospice" not in early.split(
        "WORDS USED HERE")[0]
    brief = " ".join(render(explainer.explain(REPRESENTATIVE_PROFILES["dcis"]), "text",
                            width=WIDTH).split())
    assert "supportive care (palliative care)" in brief
    assert not re.search(r"(?<!\()palliative care", brief, re.IGNORECASE)
    late = render(explainer.explain(REPRESENTATIVE_PROFILES["metastatic-hr-positive"]), "text",
                  width=WIDTH, detail="full")
    assert "Supportive care" not in late
    assert re.search(r"\* Palliative care \(supportive care(\[\d+\])?\)", late)
    assert "hospice" in late


def test_worries_come_first_among_the_notes_and_before_the_treatments(
        explainer: Explainer) -> None:
    explanation = explainer.explain({"stage": "II", "age": 38,
                                     "side_effect_concerns": ["hair_loss"]})
    document = build_document(explanation, "patient", "full")
    keys = [section.key for section in document.sections]
    assert keys.index("notes") < keys.index("often_discussed")
    notes = document.section("notes")
    assert notes is not None
    assert notes.entries[0].lines[0].text.startswith("You mentioned hair loss")


def test_labels_cannot_be_misread(explainer: Explainer) -> None:
    labels = {entry.relevance: entry.label for entry in explainer.explain({}).legend}
    assert labels == {"often_discussed": "Usually part of the talk",
                      "may_be_discussed": "Sometimes part of the talk",
                      "needs_more_information": "Can't say yet",
                      "less_likely": "Not usually used for results like these"}
    parp = render(explainer.explain({"stage": "IV", "hr_status": "negative",
                                     "her2_status": "negative"}), "text", width=200,
                  detail="full")
    assert re.search(r"PARP inhibitors(\[\d+\])? -- Can't say yet: depends on inherited BRCA gene "
                     r"change", parp)


def test_reading_level_of_both_views_over_the_golden_profiles() -> None:
    """Measured by the lint (the same scoring as every other text), over the golden
    profiles, headings and labels included."""
    reading = run_lint().reading
    assert reading is not None
    briefs = [grades.fk for detail, _, grades in reading.views if detail == "brief"]
    fulls = [grades.fk for detail, _, grades in reading.views if detail == "full"]
    assert len(briefs) == len(fulls) == len(REPRESENTATIVE_PROFILES)
    assert statistics.median(briefs) <= BRIEF_MAX_FK
    assert statistics.median(fulls) <= FULL_MAX_FK


def test_clinicians_see_the_draft_count_beside_the_disclaimer(cli: Cli) -> None:
    out = cli("explain", "--stage", "IV", "--audience", "clinician", "--format", "text").out
    head = out.splitlines()[:14]
    assert any("of the statements shown are drafts" in line for line in head), head
    assert "WORDS USED HERE" in out  # clinicians get the full view by default


def test_detail_defaults_and_json_unchanged_apart_from_additions(cli: Cli) -> None:
    brief = cli("explain", "--stage", "II", "--format", "text").out
    full = cli("explain", "--stage", "II", "--format", "text", "--detail", "full").out
    assert "WORDS USED HERE" not in brief and "WORDS USED HERE" in full
    assert len(brief.splitlines()) <= MAX_LINES < len(full.splitlines())
    markdown = cli("explain", "--stage", "II", "--format", "markdown").out
    assert "## In short" in markdown and "## Words used here" not in markdown
    data = json.loads(cli("explain", "--stage", "II", "--format", "json",
                          "--detail", "brief").out)
    assert {"categories", "unknown_factors", "questions_for_doctor", "care_team", "knowledge",
            "in_short"} <= set(data)
    assert data["in_short"][0].startswith("For what you entered")
    bad = cli("explain", "--detail", "short")
    assert bad.code == 2 and "--detail" in bad.err


def _spawn(*args: str, env: dict[str, str]) -> pexpect.spawn[str]:
    return pexpect.spawn(sys.executable, ["-m", "explainer", *args], env=env,
                         dimensions=(24, WIDTH), encoding="utf-8", timeout=60)


def test_paging_like_git(tmp_path: Path) -> None:
    seen = tmp_path / "paged.txt"
    pager = f"sh -c 'cat > {seen}; echo PAGED'"
    env = {**os.environ, "PAGER": pager, "NO_COLOR": "1"}
    child = _spawn("explain", "--stage", "II", "--detail", "full", env=env)
    child.expect_exact("PAGED")
    child.expect(pexpect.EOF)
    assert "WORDS USED HERE" in seen.read_text(encoding="utf-8").upper()
    # --no-pager prints straight to the terminal.
    child = _spawn("explain", "--stage", "II", "--detail", "full", "--no-pager", env=env)
    out = child.read()
    assert "PAGED" not in out and "Words used here" in out


def test_compare_pages_like_explain(tmp_path: Path) -> None:
    # compare takes --no-pager as every command with long output does, and pages the same way.
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("stage: II\n", encoding="utf-8")
    second.write_text("stage: IV\n", encoding="utf-8")
    seen = tmp_path / "paged.txt"
    env = {**os.environ, "PAGER": f"sh -c 'cat > {seen}; echo PAGED'", "NO_COLOR": "1"}
    child = _spawn("compare", str(first), str(second), env=env)
    child.expect_exact("PAGED")
    child.expect(pexpect.EOF)
    assert "What changes between two sets of factors" in seen.read_text(encoding="utf-8")
    child = _spawn("compare", str(first), str(second), "--no-pager", env=env)
    out = child.read()
    assert "PAGED" not in out and "What changes between two sets of factors" in out


def test_never_pages_when_piped(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGER", "false")
    result = cli("explain", "--stage", "II", "--detail", "full", "--format", "text")
    assert result.code == 0 and "WORDS USED HERE" in result.out

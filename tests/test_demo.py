"""Teaching scenarios and ``explainer demo``: every scenario in every format, the walkthrough
with and without pauses (driven through a real pseudo-terminal), and broken scenario files."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pexpect
import pytest
from htmlcheck import check_self_contained

from explainer import Explainer, get_explainer, load_knowledge
from explainer.errors import ExitCode
from explainer.kb.scenarios import LoadedScenario, load_scenarios
from explainer.render.walkthrough import TEXT, render_scenario, walkthrough_steps

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("rich", "text", "markdown", "json", "html")
DIRECTIVE = re.compile(r"\b(you should|you must|you need|best|recommended|cure|guarantee)",
                       re.IGNORECASE)


@pytest.fixture(scope="module")
def scenarios(explainer: Explainer) -> tuple[LoadedScenario, ...]:
    return load_scenarios(explainer.kb)


def _ids() -> list[str]:
    return [item.id for item in load_scenarios(get_explainer().kb)]


def test_the_scenarios_cover_what_a_class_needs(scenarios: tuple[LoadedScenario, ...]) -> None:
    assert len(scenarios) >= 8
    profiles = [item.profile for item in scenarios]
    wanted = {
        "DCIS": lambda p: p.stage == "0",
        "early": lambda p: p.stage in ("I", "II", "III"),
        "metastatic": lambda p: p.stage == "IV",
        "HR-positive, HER2-negative": lambda p: p.hr_status == "positive"
        and p.her2_status == "negative",
        "HER2-positive": lambda p: p.her2_status == "positive",
        "HER2-low": lambda p: p.her2_status == "low",
        "triple-negative": lambda p: p.hr_status == "negative" and p.her2_status == "negative",
        "unknown receptors": lambda p: p.hr_status == "unknown" and p.her2_status == "unknown",
        "frail health": lambda p: p.general_health == "poor",
        "premenopausal": lambda p: p.menopausal_status == "premenopausal",
    }
    missing = [name for name, test in wanted.items() if not any(map(test, profiles))]
    assert missing == []


def test_teaching_points_are_short_plain_and_true(explainer: Explainer,
                                                  scenarios: tuple[LoadedScenario, ...]
                                                  ) -> None:
    for item in scenarios:
        scenario = item.scenario
        assert "\n" not in scenario.teaching_point
        assert len(scenario.teaching_point) <= 300
        for text in (scenario.teaching_point, scenario.title, scenario.ask_the_room or ""):
            assert not DIRECTIVE.search(text), (item.id, text)
        # What the teaching point relies on holds under the current rules.
        explanation = explainer.explain(item.profile)
        assert scenario.expect, item.id
        for target, relevance in scenario.expect.items():
            assert explanation.relevance_of(target) == relevance, (item.id, target)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", _ids())
def test_every_scenario_renders_in_every_format(explainer: Explainer,
                                                scenarios: tuple[LoadedScenario, ...],
                                                name: str, fmt: str) -> None:
    item = next(loaded for loaded in scenarios if loaded.id == name)
    explanation = explainer.explain(item.profile)
    out = render_scenario(item, explanation, fmt, width=100)
    if fmt == "json":
        data = json.loads(out)
        assert data["scenario"]["id"] == name
        assert data["scenario"]["teaching_point"] == item.scenario.teaching_point
        assert data["explanation"]["disclaimer"] == explanation.disclaimer
        return
    if fmt == "html":
        check_self_contained(out)
        out = out.split("<body>", 1)[1]
    flat = " ".join(out.replace("│", " ").replace("\\", "").split())
    assert " ".join(item.scenario.teaching_point.split()) in flat
    for category in explanation.categories:
        assert category.name in flat
    head = " ".join(explanation.disclaimer.split()[:6])
    tail = " ".join(explanation.disclaimer.split()[-6:])
    assert 0 <= flat.find(head) < 300
    assert flat.rfind(tail) > len(flat) - 500
    # The teaching point comes before the explanation itself.
    assert flat.find(" ".join(item.scenario.teaching_point.split()[:5])) < flat.find(
        "What you entered" if fmt != "text" else "WHAT YOU ENTERED")


def test_demo_list(cli: Callable[..., Any], scenarios: tuple[LoadedScenario, ...]) -> None:
    result = cli("demo", "--list")
    assert result.code == ExitCode.OK
    for item in scenarios:
        assert re.search(rf"^  {re.escape(item.id)} +{re.escape(item.scenario.title)}$",
                         result.out, re.MULTILINE), item.id
    data = json.loads(cli("demo", "--list", "--format", "json").out)
    assert [entry["id"] for entry in data] == [item.id for item in scenarios]
    assert data[0]["profile"]["stage"] == "0"


def test_demo_name_and_errors(cli: Callable[..., Any]) -> None:
    result = cli("demo", "early_her2_positive", "--format", "text")
    assert result.code == ExitCode.OK
    assert "TEACHING SCENARIO: EARLY (STAGE II), HER2-POSITIVE, HR-NEGATIVE" in result.out
    typo = cli("demo", "early-her2-postive")
    assert typo.code == ExitCode.BAD_INPUT
    assert "no scenario 'early-her2-postive' (did you mean 'early-her2-positive'?)" in typo.err
    assert len(typo.err.strip().splitlines()) == 1
    for args in ([], ["dcis", "--list"], ["--list", "--walkthrough"]):
        bad = cli("demo", *args)
        assert bad.code == ExitCode.BAD_INPUT, args
        assert bad.err.startswith("explainer: error:")
    assert "--no-pause goes with --walkthrough" in cli("demo", "dcis", "--no-pause").err
    html = cli("demo", "--walkthrough", "--no-pause", "--format", "html")
    assert html.code == ExitCode.BAD_INPUT and "rich, text or markdown" in html.err


def test_walkthrough_without_pauses(cli: Callable[..., Any],
                                    scenarios: tuple[LoadedScenario, ...]) -> None:
    result = cli("demo", "--walkthrough", "--no-pause", "--format", "text", "--width", "100")
    assert result.code == ExitCode.OK, result.err
    out = result.out
    positions = [out.index(TEXT["step"].format(number=number, count=len(scenarios),
                                               title=item.scenario.title))
                 for number, item in enumerate(scenarios, start=1)]
    assert positions == sorted(positions)
    assert out.index("A guided tour") < positions[0] < out.index("End of the tour")
    assert "Press Enter" not in out
    # The disclaimer opens and closes the tour.
    assert out.lstrip().startswith("╭") and "Important" in out.splitlines()[0]
    assert out.rstrip().endswith("╯")
    assert out.count("not medical advice") == 2
    # Each step after the first shows what changed from an earlier one.
    assert out.count("What changed from") == sum(
        1 for item in scenarios if item.scenario.compare_with)
    assert ("HER2-targeted therapy: Not usually used for results like these → Usually part of "
            "the talk") in out
    assert "Antibody-drug conjugates: Sometimes part of the talk → Usually part of the talk" in out


def test_walkthrough_as_a_lesson_plan(cli: Callable[..., Any], tmp_path: Path,
                                      explainer: Explainer,
                                      scenarios: tuple[LoadedScenario, ...]) -> None:
    target = tmp_path / "lesson.md"
    result = cli("demo", "--walkthrough", "--no-pause", "--format", "markdown", "--output",
                 str(target))
    assert result.code == ExitCode.OK and result.out == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("> **Important:**")
    assert text.rstrip().splitlines()[-1].startswith("> **Important:**")
    assert text.count("\n## ") == len(walkthrough_steps(explainer, scenarios))
    assert "**Ask the room:**" in text


def _spawn(*args: str) -> pexpect.spawn[str]:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "100", "LINES": "50"}
    return pexpect.spawn(sys.executable, ["-m", "explainer", *args], cwd=str(ROOT), env=env,
                         encoding="utf-8", timeout=60, dimensions=(50, 100))


def test_walkthrough_pauses_and_stops_with_ctrl_c() -> None:
    child = _spawn("demo", "--walkthrough")
    child.expect_exact("Press Enter to move on.")
    child.expect_exact(TEXT["pause"].strip())
    # It waits: the first scenario has not been shown yet.
    assert "Scenario 1 of" not in str(child.before)
    child.sendline("")
    child.expect_exact("Scenario 1 of")
    child.expect_exact(TEXT["pause"].strip())
    assert "Scenario 2 of" not in str(child.before)
    child.sendline("")
    child.expect_exact("\x1b[2J\x1b[H")  # on a terminal, a clean screen per scenario
    child.expect_exact("Scenario 2 of")
    child.expect_exact(TEXT["pause"].strip())
    child.sendintr()
    child.expect_exact(TEXT["stopped"])
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitCode.INTERRUPTED
    assert "Traceback" not in (child.before or "")


def test_walkthrough_ends_cleanly_at_end_of_input() -> None:
    child = _spawn("demo", "--walkthrough")
    child.expect_exact(TEXT["pause"].strip())
    child.sendeof()
    child.expect_exact(TEXT["ended"])
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitCode.OK


def test_walkthrough_runs_to_the_end_with_enter(scenarios: tuple[LoadedScenario, ...]) -> None:
    child = _spawn("demo", "--walkthrough")
    for _ in range(len(scenarios) + 1):
        child.expect_exact(TEXT["pause"].strip())
        child.sendline("")
    child.expect_exact("End of the tour")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitCode.OK


def test_scenarios_come_from_the_knowledge_copy(cli: Callable[..., Any], kb_copy: Path) -> None:
    path = kb_copy / "knowledge" / "scenarios.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("compare_with: dcis", "compare_with: dcsi", 1)
                    .replace("her2_status: low,", "her2_status: medium,", 1)
                    .replace("    expect:\n      surgery:", "    expect:\n      surgey:", 1),
                    encoding="utf-8")
    result = cli("demo", "--list", "--knowledge", str(kb_copy))
    assert result.code == ExitCode.INVALID_KNOWLEDGE
    lines = result.err.strip().splitlines()
    assert lines[0] == "explainer: error: the knowledge base has 3 problems:"
    assert re.search(r"scenarios\.yaml:\d+: scenario 'dcis': 'surgey' is not a category or "
                     r"kind of treatment \(fix: did you mean 'surgery'\?\)", result.err)
    assert re.search(r"scenarios\.yaml:\d+: scenario 'early-hr-positive': 'dcsi' is not an "
                     r"earlier scenario", result.err)
    assert re.search(r"scenarios\.yaml:\d+: scenario 'metastatic-her2-low': her2_status: "
                     r"'medium' is not allowed", result.err)
    path.unlink()
    missing = cli("demo", "--list", "--knowledge", str(kb_copy))
    assert missing.code == ExitCode.INVALID_KNOWLEDGE
    assert "scenarios.yaml is missing" in missing.err
    # The explanation itself does not need the scenarios.
    assert cli("explain", "--knowledge", str(kb_copy), "--format", "json").code == ExitCode.OK


def test_scenario_line_numbers_point_at_the_problem(kb_copy: Path) -> None:
    from explainer import KnowledgeBaseError

    path = kb_copy / "knowledge" / "scenarios.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if "teaching_point:" in line)
    lines[index] = lines[index].replace("teaching_point:", "teaching_pont:")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_scenarios(load_knowledge(kb_copy))
    found = caught.value.lines()
    assert any(f"scenarios.yaml:{index + 1}: scenarios.0.teaching_pont: unknown key" in line
               and "did you mean 'teaching_point'?" in line for line in found), found


def test_each_walkthrough_screen_fits_100_by_40_and_labels_its_values(
        explainer: Explainer) -> None:
    """Issue #10: the teaching point must still be on screen when the walkthrough pauses
    (one line is left for the pause prompt); every value says what it is."""
    from explainer.kb.scenarios import load_scenarios
    from explainer.render.walkthrough import (
        SCREEN_LINES,
        SCREEN_WIDTH,
        render_step,
        walkthrough_steps,
    )

    steps = walkthrough_steps(explainer, load_scenarios(explainer.kb))
    for step in steps:
        screen = render_step(step, "text", width=SCREEN_WIDTH)
        assert len(screen.splitlines()) <= SCREEN_LINES - 1, step.heading
        assert max(len(line) for line in screen.splitlines()) <= SCREEN_WIDTH
    frail = next(step for step in steps if "poor general health" in step.heading)
    entered = dict(frail.paragraphs)["Entered"]
    assert "Age: 84" in entered and "General health: Poor" in entered

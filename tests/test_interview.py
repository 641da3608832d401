"""``explainer interview`` driven through a real pseudo-terminal, as a person would use it:
answers, "I don't know", going back, changing an answer from the summary, saving a handout,
Ctrl-C, end of input and q. The Interview class is also driven directly for its parsing."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest
from htmlcheck import check_self_contained, text_of, tree_of

from explainer import Explainer
from explainer.errors import ExitCode
from explainer.explanation.interview import TEXT, Interview, Stop

ROOT = Path(__file__).resolve().parent.parent


def _spawn(*args: str) -> pexpect.spawn[str]:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "110", "LINES": "50",
           "PAGER": "cat"}
    return pexpect.spawn(sys.executable, ["-m", "explainer", "interview", *args],
                         cwd=str(ROOT), env=env, encoding="utf-8", timeout=60,
                         dimensions=(50, 110))


def _answer(child: pexpect.spawn[str], question: str, reply: str) -> None:
    child.expect_exact(question)
    child.expect_exact(f"{TEXT['prompt']}")
    child.expect_exact(": ")
    child.sendline(reply)


def _finish(child: pexpect.spawn[str]) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return str(child.before)


def test_answers_dont_know_going_back_changing_and_a_handout(tmp_path: Path) -> None:
    handout = tmp_path / "handout.html"
    child = _spawn("--format", "text", "--width", "100")
    child.expect_exact("Important")
    child.expect_exact("I will ask 10 questions")
    _answer(child, "Question 1 of 10", "c")                  # Stage II, by its letter
    _answer(child, "Question 2 of 10", "?")                  # I don't know
    _answer(child, "Question 3 of 10", "")                   # blank: the help allows it
    child.expect_exact("Question 4 of 10")
    child.sendline("<")
    child.expect_exact("press Enter to keep: I don't know")
    child.sendline("45")
    _answer(child, "Question 4 of 10", "HR+")                # an alias works too
    _answer(child, "Question 5 of 10", "maybe")              # not understood: asked again
    child.expect_exact('Sorry, I did not understand "maybe"')
    child.sendline("?")
    _answer(child, "Question 6 of 10", "<")                  # back to HER2
    child.expect_exact("Question 5 of 10")
    child.expect_exact("press Enter to keep: I don't know")
    child.sendline("b")                                      # HER2-low after all
    _answer(child, "Question 6 of 10", "?")                  # lymph nodes
    _answer(child, "Question 7 of 10", "?")
    _answer(child, "Question 8 of 10", "idk")
    _answer(child, "Question 9 of 10", "d, h")
    _answer(child, "Question 10 of 10", "?")                 # pregnancy: not answered
    child.expect_exact(TEXT["summary"])
    child.expect_exact("HER2-low")
    child.expect_exact("Being able to have children, Effects on work, family and daily life")
    child.expect_exact(TEXT["prompt"] + ": ")
    child.sendline("1")                                      # change the stage
    child.expect_exact("Question 1 of 10")
    child.expect_exact("press Enter to keep: Stage II (early)")
    child.sendline("e")
    child.expect_exact(TEXT["summary"])
    child.expect_exact("Stage IV (metastatic)")
    child.expect_exact(TEXT["prompt"] + ": ")
    child.sendline("")
    # It ends on the short answer, then offers the full one and the handout.
    child.expect_exact("You entered: Stage IV;")  # the short line leaves out the aside
    child.expect_exact("HER2-low")
    child.expect_exact("IN SHORT")
    child.expect_exact(TEXT["more"].split(".")[0])
    child.sendline("f")
    # (The full view marks a glossary term at its first use: "Stage IV (metastatic[1])".)
    child.expect_exact("WORDS USED HERE")
    child.expect_exact("Save a printable handout?")
    child.sendline(str(handout))
    child.expect_exact("Saved")
    output = _finish(child)
    assert "Wrote" not in output  # one message for the handout, not two
    assert child.exitstatus == ExitCode.OK
    assert "Traceback" not in output
    page = handout.read_text(encoding="utf-8")
    check_self_contained(page)
    shown = text_of(tree_of(page))
    assert "Stage IV" in shown and "HER2-low" in shown
    assert "Being able to have children" in shown


def test_i_dont_know_to_everything(tmp_path: Path) -> None:
    child = _spawn("--format", "text", "--width", "100")
    for number in range(1, 11):
        _answer(child, f"Question {number} of 10", "?")
    child.expect_exact(TEXT["summary"])
    child.expect_exact(TEXT["prompt"] + ": ")
    child.sendline("")
    child.expect_exact("IN SHORT")
    child.expect_exact("We can't say yet about")
    child.expect_exact("WHAT IS NOT KNOWN YET")
    child.expect_exact(TEXT["more"].split(".")[0])
    child.sendline("")                                       # the short answer is enough
    child.expect_exact("Save a printable handout?")
    child.sendline("")                                       # skip it
    _finish(child)
    assert child.exitstatus == ExitCode.OK
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_stops_cleanly() -> None:
    child = _spawn()
    _answer(child, "Question 1 of 10", "a")
    child.expect_exact("Question 2 of 10")
    child.expect_exact(TEXT["prompt"])
    child.sendintr()
    child.expect_exact(TEXT["stopped"])
    output = _finish(child)
    assert child.exitstatus == ExitCode.INTERRUPTED
    assert "Traceback" not in output and "KeyboardInterrupt" not in output


def test_end_of_input_stops_cleanly() -> None:
    child = _spawn()
    child.expect_exact("Question 1 of 10")
    child.expect_exact(TEXT["prompt"])
    child.sendeof()
    child.expect_exact(TEXT["ended"])
    output = _finish(child)
    assert child.exitstatus == ExitCode.INTERRUPTED
    assert "Traceback" not in output and "EOFError" not in output


def test_q_stops_and_back_on_the_first_question() -> None:
    child = _spawn()
    _answer(child, "Question 1 of 10", "<")
    child.expect_exact(TEXT["first"])
    child.sendline("q")
    child.expect_exact(TEXT["stopped"])
    _finish(child)
    assert child.exitstatus == ExitCode.OK


def test_handout_option_and_piped_answers(tmp_path: Path) -> None:
    """Answers can also come from a pipe (no terminal): the same questions, no handout prompt."""
    from conftest import run_process

    handout = tmp_path / "mine.html"
    done = run_process("interview", "--format", "json", "--handout", str(handout),
                       stdin="e\nc\n70\na\nd\n?\na\nb\ni\nc\n\n")
    assert done.returncode == ExitCode.OK, done.stderr
    assert "Save a printable handout?" not in done.stdout
    json_start = done.stdout.index('{\n  "schema_version"')
    import json

    data = json.loads(done.stdout[json_start:].split("\nSaved ")[0])
    assert data["profile"]["stage"] == "IV" and data["profile"]["age"] == 70
    assert data["profile"]["side_effect_concerns"] == ["none"]
    assert data["profile"]["brca_mutation"] == "negative"
    assert data["profile"]["pregnancy"] == "neither"
    assert handout.exists()


# -- the Interview class, driven directly ------------------------------------------------------


def _scripted(explainer: Explainer, replies: list[str]) -> tuple[Interview, list[str]]:
    shown: list[str] = []
    feed: Iterator[str] = iter(replies)

    def read(prompt: str) -> str:
        shown.append(prompt)
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    return Interview(explainer.kb, lambda text, _style: shown.append(text), read), shown


@pytest.mark.parametrize(("factor_id", "reply", "expected"), [
    ("stage", "a", "0"), ("stage", "4", "IV"), ("stage", "Stage IV", "IV"),
    ("stage", "dcis", "0"), ("stage", "?", None), ("stage", "I don't know", None),
    ("hr_status", "c", "negative"), ("hr_status", "b", "low"), ("hr_status", "er-low", "low"),
    ("her2_status", "HER2-low", "low"), ("her2_status", "c", "ultralow"),
    ("her2_status", "HER2-negative", "negative"), ("nodes", "a", "positive"),
    ("nodes", "node-negative", "negative"),
    ("age", "42", 42), ("age", "?", None),
    ("side_effect_concerns", "a,b", ["fatigue", "hair_loss"]),
    ("side_effect_concerns", "fertility", ["fertility"]),
    ("side_effect_concerns", "?", None),
])
def test_answers_are_understood(explainer: Explainer, factor_id: str, reply: str,
                                expected: Any) -> None:
    interview, _ = _scripted(explainer, [])
    factor = explainer.kb.factors[factor_id]
    answer = interview._parse(factor, reply)
    assert answer is not None and answer.value == expected


@pytest.mark.parametrize(("factor_id", "reply"), [
    ("stage", "z"), ("stage", "V"), ("age", "200"), ("age", "old"),
    ("side_effect_concerns", "a, none"), ("hr_status", "d"),
])
def test_answers_not_understood(explainer: Explainer, factor_id: str, reply: str) -> None:
    interview, _ = _scripted(explainer, [])
    assert interview._parse(explainer.kb.factors[factor_id], reply) is None


def test_every_question_says_why_it_is_asked(explainer: Explainer) -> None:
    asked = len(explainer.kb.factors)
    interview, shown = _scripted(explainer, ["?"] * asked + [""])
    profile = interview.run()
    assert profile == {}
    for factor in explainer.kb.factors.values():
        assert factor.question in shown
        assert f"{TEXT['why_we_ask']}: {factor.why_it_matters}" in shown
    assert shown.count(f"  ?  {TEXT['dont_know']}") == asked


def test_quit_raises_stop(explainer: Explainer) -> None:
    interview, _ = _scripted(explainer, ["a", "quit"])
    with pytest.raises(Stop):
        interview.run()

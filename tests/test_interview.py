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


def _spawn(*args: str, report: bool = False, reader: str | None = "") -> pexpect.spawn[str]:
    """The interview in a pseudo-terminal, past "Who is reading?" (answered with ``reader``;
    Enter: the person with cancer; None: not answered) unless ``--reader`` is given, and unless
    ``report``, past "Do you have the report ... (the pathology report)?" (Enter: no)."""
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "110", "LINES": "50",
           "PAGER": "cat"}
    child = pexpect.spawn(sys.executable, ["-m", "explainer", "interview", *args],
                          cwd=str(ROOT), env=env, encoding="utf-8", timeout=60,
                          dimensions=(50, 110))
    if "--reader" not in args and reader is not None:
        # Who is reading: ``reader`` (Enter: the person with cancer).
        child.expect_exact(TEXT["reader_ask"])
        child.expect_exact(TEXT["prompt"] + ": ")
        child.sendline(reader)
    if not report:
        child.expect_exact("(the pathology report)?")
        child.expect_exact(TEXT["prompt"] + ": ")
        child.sendline("")
    return child


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
    child = _spawn("--format", "text", "--width", "100", report=True, reader=None)
    child.expect_exact("Important")
    child.expect_exact(TEXT["reader_ask"])
    _answer(child, TEXT["reader_caregiver"], "a")            # the person with cancer reads
    child.expect_exact("I will ask 10 questions")
    child.expect_exact("(the pathology report)?")
    child.expect_exact(TEXT["prompt"] + ": ")
    child.sendline("n")
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
                       stdin="\ne\nc\n70\na\nd\n?\na\nb\ni\nc\n\n")
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


# -- "Do you have the report ... (the pathology report)?" -------------------------------------


def test_the_report_branch_in_a_terminal() -> None:
    # The example, typed in the report's own words: HER2 2+ with ISH not amplified,
    # ER 95%, PR 0%, pT2 pN1a M0. The same reader as `explainer report` explains each item, and
    # the answers it settles are filled in (kept with Enter); the rest is asked as usual.
    child = _spawn("--format", "text", "--width", "100", "--detail", "full", report=True)
    child.expect_exact("(the pathology report)?")
    child.expect_exact(TEXT["prompt"] + ": ")
    child.sendline("y")
    _answer(child, TEXT["report_her2"], "d")                 # 2+
    _answer(child, TEXT["report_ish"], "b")                  # not amplified
    _answer(child, TEXT["report_er"], "95")
    _answer(child, TEXT["report_pr"], "0%")
    _answer(child, TEXT["report_tnm"], "pT2 pN1a M0")
    child.expect_exact(TEXT["report_read"])
    child.expect_exact("HER2-low")
    child.expect_exact("Anatomic stage IIB")
    child.expect_exact("Filled in from your report: Stage of the cancer, Hormone receptor (HR) "
                       "status, HER2 status, Lymph nodes")
    child.expect_exact("Question 1 of 10")
    child.expect_exact("press Enter to keep: Stage II (early) (from your report)")
    child.sendline("")                                       # keep it
    _answer(child, "Question 2 of 10", "c")                  # after menopause
    _answer(child, "Question 3 of 10", "?")
    child.expect_exact("Question 4 of 10")
    child.expect_exact("press Enter to keep: HR-positive")
    child.sendline("")
    child.expect_exact("Question 5 of 10")
    child.expect_exact("press Enter to keep: HER2-low")
    child.sendline("d")                                      # changed by the person: zero
    child.expect_exact("Question 6 of 10")
    child.expect_exact("press Enter to keep: Yes, cancer was found in the lymph nodes")
    child.sendline("")
    for number in (7, 8, 9, 10):
        _answer(child, f"Question {number} of 10", "?")
    child.expect_exact(TEXT["summary"])
    child.expect_exact(TEXT["prompt"] + ": ")
    child.sendline("")
    child.expect_exact("WHAT YOU ENTERED")
    child.expect_exact("AT A GLANCE")
    entered = [" ".join(line.split()) for line in str(child.before).splitlines()]
    marked = [line for line in entered if "(from your report)" in line]
    # Stage, HR and nodes kept as the report gave them; HER2 was changed, so it is the
    # person's own answer.
    assert len(marked) == 3, entered
    assert marked[0].startswith("Stage") and "Stage II (early) (from your report)" in marked[0]
    assert marked[1].startswith("Hormone receptor")
    assert marked[2].startswith("Lymph nodes")
    assert any(line.startswith("HER2") and "HER2-zero" in line for line in entered), entered
    child.expect_exact("Save a printable handout?")
    child.sendline("")
    output = _finish(child)
    assert child.exitstatus == ExitCode.OK
    assert "Traceback" not in output


def _report_interview(explainer: Explainer, replies: list[str]) -> tuple[Interview, list[str]]:
    interview, shown = _scripted(explainer, replies)
    interview.read_report = explainer.read_report
    return interview, shown


@pytest.mark.parametrize(("replies", "expected"), [
    # HER2 score, [ISH when 2+ or not known], ER, PR, TNM
    (["a", "?", "?", "?"], {"her2_status": "negative"}),                 # IHC 0
    (["c", "?", "?", "?"], {"her2_status": "low"}),                      # 1+
    (["d", "a", "?", "?", "?"], {"her2_status": "positive"}),            # 2+, amplified
    (["d", "?", "?", "?", "?"], {}),                                     # 2+ without ISH
    (["e", "<1", "0", "?"], {"her2_status": "positive", "hr_status": "negative"}),
    (["?", "?", "positive", "?", "Stage IIIA"], {"hr_status": "positive", "stage": "III"}),
    (["b", "5", "0", "pT1c pN0 M0"], {"her2_status": "ultralow", "hr_status": "low",
                                     "stage": "I", "nodes": "negative"}),  # ER-low, 0+
])
def test_report_items_fill_the_answers(explainer: Explainer, replies: list[str],
                                       expected: dict[str, str]) -> None:
    interview, shown = _report_interview(explainer, ["y", *replies])
    assert interview.report_branch() is bool(replies.count("?") < len(replies))
    assert interview.from_report == expected
    assert TEXT["report_read"] in shown or not interview.from_report


def test_no_report_asks_nothing_more(explainer: Explainer) -> None:
    interview, shown = _report_interview(explainer, [""])
    assert interview.report_branch() is False
    assert TEXT["report_her2"] not in shown and interview.answers == {}


def test_a_conflict_is_shown_and_left_unknown(explainer: Explainer) -> None:
    # An anatomic stage that disagrees with the TNM typed beside it: shown, and left unknown.
    interview, shown = _report_interview(explainer, ["y", "?", "?", "?", "?",
                                                     "pT3 pN1 M0, anatomic stage IIA"])
    interview.report_branch()
    assert "stage" not in interview.from_report
    assert any(line.startswith("These disagree") for line in shown)


def test_a_caregiver_reads_the_questions_about_the_person_they_care_for() -> None:
    child = _spawn("--format", "text", "--width", "100", report=True, reader=None)
    child.expect_exact(TEXT["reader_ask"])
    child.expect_exact(TEXT["prompt"] + ": ")
    child.sendline("x")                                      # not a or b: asked again
    child.expect_exact(TEXT["reader_bad"])
    child.sendline("b")
    child.expect_exact("(the pathology report)?")
    child.sendline("")
    _answer(child, "Question 1 of 10", "c")
    child.expect_exact("Question 2 of 10")
    child.expect_exact("Which of these fits the person you care for best?")
    child.expect_exact("They still have periods (before menopause)")
    child.sendline("q")
    output = _finish(child)
    assert "Traceback" not in output


def test_the_reader_can_be_given_on_the_command_line() -> None:
    child = _spawn("--format", "text", "--width", "100", "--reader", "caregiver")
    _answer(child, "Question 1 of 10", "?")
    child.expect_exact("Question 2 of 10")
    child.expect_exact("Which of these fits the person you care for best?")
    child.sendline("q")
    _finish(child)

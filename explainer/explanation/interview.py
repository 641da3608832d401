"""The guided questionnaire of ``explainer interview``: one factor at a time.

Each question comes from the knowledge base with its help, a short "why we ask" (the factor's
``why_it_matters``) and an explicit "I don't know" choice. A person can go back to change an
answer, sees a summary of the answers before the explanation, and can save a printable
handout at the end. Ctrl-C or the end of input stops it with a short message, never a
traceback; nothing is stored unless a file is asked for.

:class:`Interview` holds the logic (questions, parsing answers, going back) and talks through
two functions, one that shows text and one that reads a line, so it can be driven by a real
terminal, by a pseudo-terminal in the tests, or by another front end.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from explainer.kb.phrases import phrases

if TYPE_CHECKING:
    from explainer.explanation.report.model import ReportReading
    from explainer.kb.knowledge import KnowledgeBase
    from explainer.kb.models import Factor

# The fixed phrases of this screen live in knowledge/interface.yaml (interview:).
TEXT = phrases("interview")

_DONT_KNOW = {"?", "idk", "unknown", "dontknow", "idontknow", "notsure", "unsure", "na"}
_BACK = {"<", "back", "b<"}
_QUIT = {"q", "quit", "exit", "stop"}


class Stop(Exception):
    """The person asked to stop (q)."""


@dataclass
class Answer:
    """One answer: the value to check (None for "I don't know") and how to show it."""

    value: Any
    shown: str


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-'’.]+", "", text.strip().lower())


class Interview:
    """The questionnaire for one knowledge base.

    ``show(text, style)`` prints a line (style is a rich style name, or "" for plain);
    ``read(prompt)`` returns the next line typed (raising EOFError or KeyboardInterrupt).
    """

    def __init__(self, kb: KnowledgeBase, show: Callable[[str, str], None],
                 read: Callable[[str], str],
                 option: Callable[[str, str], None] | None = None,
                 read_report: Callable[[str], ReportReading] | None = None,
                 say: Callable[[str], str] | None = None) -> None:
        self.kb = kb
        self.factors: list[Factor] = list(kb.factors.values())
        self.show = show
        self.read = read
        # ``option(key, text)`` shows one answer to choose; a front end can keep a wrapped
        # answer's lines indented under its text.
        self.option = option or (lambda key, text: show(f"  {key}  {text}", ""))
        self.say: Callable[[str], str] = say or (lambda text: text)
        """Words a question, its help and its answers for who is reading (a caregiver reads
        "the person you care for"; see :mod:`explainer.explanation.reader`)."""
        self.read_report = read_report
        """With it, :meth:`run` first offers to take answers from a pathology report."""
        self.answers: dict[str, Answer] = {}
        self.from_report: dict[str, Any] = {}
        """The answers filled in from the report, factor: value."""

    # -- one question -----------------------------------------------------------------------

    def _options(self, factor: Factor) -> list[tuple[str, str, str | None]]:
        """(letter, value id, label) for the answers offered, "I don't know" left out."""
        values = [value for value in factor.values if value.id != "unknown"]
        return [(chr(ord("a") + index), value.id, value.label)
                for index, value in enumerate(values)]

    def _present(self, factor: Factor, number: int) -> None:
        self.show("", "")
        self.show(TEXT["question"].format(number=number, count=len(self.factors)), "bold cyan")
        self.show(self.say(factor.question), "bold")
        self.show(self.say(factor.help), "")
        self.show(f"{TEXT['why_we_ask']}: {self.say(factor.why_it_matters)}", "italic")
        if factor.kind == "number":
            self.show(TEXT["number_hint"].format(min=factor.min, max=factor.max), "")
        else:
            if factor.kind == "multi":
                self.show(TEXT["multi_hint"], "")
            helps = {value.id: value.help for value in factor.values}
            for letter, value_id, label in self._options(factor):
                help_text = self.say(helps.get(value_id) or "")
                self.option(letter, self.say(str(label)) + (f" — {help_text}" if help_text else ""))
        self.option("?", TEXT["dont_know"])
        if number > 1:
            self.show(f"  <  {TEXT['back']}", "dim")

    def _parse(self, factor: Factor, text: str) -> Answer | None:
        """The answer ``text`` means, or None if it is not understood."""
        from explainer.errors import ProfileError
        from explainer.kb.profiles import parse_profile

        if _norm(text) in _DONT_KNOW or text.strip() == "?":
            return Answer(None, TEXT["dont_know"])
        options = self._options(factor)
        letters = {letter: (value_id, label) for letter, value_id, label in options}
        if factor.kind == "multi":
            parts = [part.strip().lower() for part in re.split(r"[,;\s]+", text) if part.strip()]
            if parts and all(part in letters for part in parts):
                chosen = list(dict.fromkeys(letters[part][0] for part in parts))
                raw: Any = chosen
            else:
                raw = text
        elif text.strip().lower() in letters and factor.kind == "choice":
            raw = letters[text.strip().lower()][0]
        else:
            raw = text.strip()
        try:
            profile = parse_profile({factor.id: raw}, {factor.id: factor})
        except ProfileError:
            return None
        value = profile.value(factor.id)
        labels = {option.id: option.label for option in factor.values}
        if factor.kind == "number":
            return Answer(value, str(value)) if value is not None else Answer(
                None, TEXT["dont_know"])
        if factor.kind == "multi":
            if not value:
                return Answer(None, TEXT["dont_know"])
            return Answer(list(value), ", ".join(labels[item] for item in value))
        if value == "unknown":
            return Answer(None, TEXT["dont_know"])
        return Answer(value, labels[value])

    def ask(self, index: int) -> int:
        """Ask question ``index``; returns the index to go to next (index - 1 to go back)."""
        factor = self.factors[index]
        self._present(factor, index + 1)
        previous = self.answers.get(factor.id)
        prompt = TEXT["prompt"] + (f" ({TEXT['keep'].format(answer=previous.shown)})"
                                   if previous else "") + ": "
        while True:
            text = self.read(prompt).strip()
            lowered = text.lower()
            if not text and previous is not None:
                return index + 1
            if not text and factor.kind == "number":
                # A number's help says it can be left blank: that is "I don't know".
                self.answers[factor.id] = Answer(None, TEXT["dont_know"])
                return index + 1
            if lowered in _BACK:
                if index == 0:
                    self.show(TEXT["first"], "yellow")
                    continue
                return index - 1
            if lowered in _QUIT:
                raise Stop
            answer = self._parse(factor, text) if text else None
            if answer is None:
                key = "not_understood_number" if factor.kind == "number" else "not_understood"
                self.show(TEXT[key].format(text=text[:40]), "yellow")
                continue
            self.answers[factor.id] = answer
            return index + 1

    # -- the whole interview ------------------------------------------------------------------

    # -- the pathology-report branch ------------------------------------------------------------

    def _report_item(self, question: str, help_text: str,
                     choices: list[tuple[str, str]] | None = None) -> str | None:
        """Ask one report item: a letter from ``choices`` (letter, report words) or free
        words; None for "not in my report"."""
        self.show("", "")
        self.show(question, "bold")
        self.show(help_text, "")
        letters = {}
        for index, (label, words) in enumerate(choices or []):
            letter = chr(ord("a") + index)
            letters[letter] = words
            self.show(f"  {letter}  {label}", "")
        self.show(f"  ?  {TEXT['dont_know']}", "")
        while True:
            text = self.read(TEXT["prompt"] + ": ").strip()
            lowered = text.lower()
            if lowered in _QUIT:
                raise Stop
            if _norm(text) in _DONT_KNOW or text == "?":
                return None
            if choices is not None and lowered in letters:
                return letters[lowered]
            if text and len(text) <= 200 and (choices is None or any(
                    _norm(text) == _norm(words) for words in letters.values())):
                return text
            self.show(TEXT["not_understood"].format(text=text[:40]), "yellow")

    def report_branch(self) -> bool:
        """Ask "Do you have your pathology report?" and, if so, the report's items in its own
        words (HER2 score, ISH, ER, PR, TNM or stage). They are read by the same reader as
        ``explainer report``; what they settle fills in the answers. True if it was used."""
        if self.read_report is None:
            return False
        self.show("", "")
        self.show(TEXT["report_ask"], "bold")
        while True:
            text = _norm(self.read(TEXT["prompt"] + ": "))
            if text in _QUIT:
                raise Stop
            if text in ("", "n", "no"):
                return False
            if text in ("y", "yes"):
                break
            self.show(TEXT["not_understood"].format(text=text[:40]), "yellow")
        self.show(TEXT["report_intro"], "")
        score = self._report_item(TEXT["report_her2"], TEXT["report_her2_help"], [
            (TEXT["report_her2_0"], "0"), (TEXT["report_her2_0plus"], "0+"), ("1+", "1+"),
            ("2+", "2+"), ("3+", "3+")])
        parts = [f"HER2 IHC {score}."] if score else []
        if score in (None, "2+"):
            ish = self._report_item(TEXT["report_ish"], TEXT["report_ish_help"], [
                (TEXT["report_ish_amplified"], "amplified"),
                (TEXT["report_ish_not_amplified"], "not amplified")])
            if ish:
                parts.append(f"HER2 ISH: {ish}.")
        for receptor in ("ER", "PR"):
            value = self._report_item(TEXT[f"report_{receptor.lower()}"],
                                      TEXT["report_receptor_help"])
            if value:
                number = value.rstrip("% ")
                parts.append(f"{receptor} {number}%." if re.fullmatch(r"[<>]?\s*\d{1,3}(\.\d+)?",
                                                                      number)
                             else f"{receptor}: {value}.")
        tnm = self._report_item(TEXT["report_tnm"], TEXT["report_tnm_help"])
        if tnm:
            parts.append(tnm if tnm.endswith(".") else f"{tnm}.")
        if not parts:
            return False
        self._use_reading(self.read_report("\n".join(parts)))
        return True

    def _use_reading(self, reading: ReportReading) -> None:
        """Show what the report items mean, and fill in the answers they settle."""
        from explainer.errors import ProfileError
        from explainer.kb.profiles import parse_profile

        self.show("", "")
        self.show(TEXT["report_read"], "bold cyan")
        for finding in reading.findings:
            self.show(f"  {finding.label}: {finding.means} ({finding.source})", "")
        for conflict in reading.conflicts:
            self.show(TEXT["report_conflict"].format(text="; ".join(conflict.texts)), "yellow")
        for quoted in reading.not_understood:
            self.show(TEXT["report_not_understood"].format(text=quoted), "yellow")
        for factor_id, value in reading.profile.items():
            factor = self.kb.factors.get(factor_id)
            if factor is None:
                continue  # a factor this knowledge base does not ask about (say, nodes)
            try:
                parse_profile({factor_id: value}, {factor_id: factor})
            except ProfileError:
                continue  # a value it does not list: the question stays open
            label = next(item.label for item in factor.values if item.id == value)
            self.answers[factor_id] = Answer(value, f"{label} ({TEXT['from_report']})")
            self.from_report[factor_id] = value
        if self.from_report:
            names = ", ".join(self.kb.factors[factor].label for factor in self.from_report)
            self.show(TEXT["report_filled"].format(names=names), "green")
        else:
            self.show(TEXT["report_none"], "")

    def run(self) -> dict[str, Any]:
        """Ask every question, then confirm the answers; returns the profile to explain."""
        self.report_branch()
        index = 0
        while index < len(self.factors):
            index = max(0, self.ask(index))
        while True:
            self.summary()
            text = self.read(TEXT["prompt"] + ": ").strip()
            if not text:
                break
            if text.lower() in _QUIT:
                raise Stop
            if text.isdigit() and 1 <= int(text) <= len(self.factors):
                self.ask(int(text) - 1)
                continue
            self.show(TEXT["summary_bad"].format(count=len(self.factors)), "yellow")
        return self.profile()

    def summary(self) -> None:
        """Show every answer, numbered, so that one can be changed."""
        self.show("", "")
        self.show(TEXT["summary"], "bold cyan")
        width = max(len(factor.label) for factor in self.factors)
        for number, factor in enumerate(self.factors, start=1):
            answer = self.answers.get(factor.id)
            shown = answer.shown if answer else TEXT["dont_know"]
            self.show(f"  {number:>2}  {self.say(factor.label):<{width}}  {self.say(shown)}", "")
        self.show(TEXT["summary_hint"], "")

    def profile(self) -> dict[str, Any]:
        """The answers as a profile (an "I don't know" answer is simply left out)."""
        return {factor_id: answer.value for factor_id, answer in self.answers.items()
                if answer.value is not None}

    def kept_from_report(self) -> tuple[str, ...]:
        """The factors whose answer is still the one the report gave."""
        return tuple(factor_id for factor_id, value in self.from_report.items()
                     if factor_id in self.answers and self.answers[factor_id].value == value)


# -- the command ------------------------------------------------------------------------------

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
                 option: Callable[[str, str], None] | None = None) -> None:
        self.kb = kb
        self.factors: list[Factor] = list(kb.factors.values())
        self.show = show
        self.read = read
        # ``option(key, text)`` shows one answer to choose; a front end can keep a wrapped
        # answer's lines indented under its text.
        self.option = option or (lambda key, text: show(f"  {key}  {text}", ""))
        self.answers: dict[str, Answer] = {}

    # -- one question -----------------------------------------------------------------------

    def _options(self, factor: Factor) -> list[tuple[str, str, str | None]]:
        """(letter, value id, label) for the answers offered, "I don't know" left out."""
        values = [value for value in factor.values if value.id != "unknown"]
        return [(chr(ord("a") + index), value.id, value.label)
                for index, value in enumerate(values)]

    def _present(self, factor: Factor, number: int) -> None:
        self.show("", "")
        self.show(TEXT["question"].format(number=number, count=len(self.factors)), "bold cyan")
        self.show(factor.question, "bold")
        self.show(factor.help, "")
        self.show(f"{TEXT['why_we_ask']}: {factor.why_it_matters}", "italic")
        if factor.kind == "number":
            self.show(TEXT["number_hint"].format(min=factor.min, max=factor.max), "")
        else:
            if factor.kind == "multi":
                self.show(TEXT["multi_hint"], "")
            helps = {value.id: value.help for value in factor.values}
            for letter, value_id, label in self._options(factor):
                help_text = helps.get(value_id)
                self.option(letter, f"{label}" + (f" — {help_text}" if help_text else ""))
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

    def run(self) -> dict[str, Any]:
        """Ask every question, then confirm the answers; returns the profile to explain."""
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
            self.show(f"  {number:>2}  {factor.label:<{width}}  {shown}", "")
        self.show(TEXT["summary_hint"], "")

    def profile(self) -> dict[str, Any]:
        """The answers as a profile (an "I don't know" answer is simply left out)."""
        return {factor_id: answer.value for factor_id, answer in self.answers.items()
                if answer.value is not None}


# -- the command ------------------------------------------------------------------------------

"""What a person entered, in words: one line of "Label: value" for the short view and the
handout, and the small phrasing helpers it shares with them (a list in words, a value with its
label, a bracketed aside left out)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from explainer.explanation.models import Explanation
from explainer.kb.phrases import phrases
from explainer.render.document import TEXT as LAYOUT

# The fixed phrases of the short view live in knowledge/interface.yaml (brief:).
TEXT = phrases("brief")

_WORD = re.compile(r"[A-Za-z0-9]+")
_ASIDE = re.compile(r"\s*\([^()]*\)")
_TOO_COMMON = frozenset({"status", "the", "of", "cancer", "you", "that"})


def without_aside(text: str) -> str:
    """``text`` without its asides in brackets: "Stage III (locally advanced)" -> "Stage III"."""
    return _ASIDE.sub("", text).strip()


def lower_list(labels: Sequence[str]) -> str:
    """Labels as a list in words, each lower-cased unless it is an acronym ("HER2"):
    "surgery, radiation and hormone therapy"."""
    words = [label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label
             for label in labels]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + LAYOUT["list_and"] + words[-1]


def _says_what(label: str, value_label: str) -> bool:
    """Whether a value's label names its factor ("HR-negative" does, "Fair" does not)."""
    words = {word.lower() for word in _WORD.findall(label)} - _TOO_COMMON
    return bool(words & {word.lower() for word in _WORD.findall(value_label)})


def labelled(label: str, value_label: str) -> str:
    """A value as it reads on its own: "HR-negative", but "Age: 84" and "General health:
    Good" (a bare "84" or "Good" says nothing)."""
    return value_label if _says_what(label, value_label) else f"{label}: {value_label}"


def entered_line(explanation: Explanation) -> str:
    """What was entered, in one line: "Label: value" for each factor known, then the core
    factors not known yet. A value's aside in brackets ("Stage III (locally advanced)") is
    left out: the person chose it, and the full view shows it whole."""
    reported = set(explanation.from_report)
    shown = [(item.factor in reported,
              labelled(item.label, without_aside(item.value_label) or item.value_label))
             for item in explanation.entered if item.known]
    missing = [item.label for item in explanation.entered if item.core and not item.known]
    if not shown:
        return TEXT["entered_none"]
    # What came from a pathology report (explain --report) is said once, apart.
    own = [value for from_report, value in shown if not from_report]
    read = [value for from_report, value in shown if from_report]
    parts = ([TEXT["entered_line"].format(values="; ".join(own))] if own else []) + (
        [TEXT["from_report_line"].format(values="; ".join(read))] if read else [])
    text = " ".join(parts)
    if missing:
        text += " " + TEXT["not_entered"].format(names=lower_list(missing))
    return text

"""Who is reading: the person with cancer, or someone who cares for them.

A caregiver reads on behalf of someone else. For them, every question and interface phrase that
speaks to the person with cancer as "you" (or in their voice: "my tumor", "for me") says "the
person you care for" (or "their", "them") instead, so that "you" is always the one reading.
The words live in ``knowledge/readers.yaml`` (whole phrases, then first-person words), so they
can be reviewed and translated like the rest of the knowledge base.

One mechanism for every interface:

* :func:`load_reader` -- the wording for a reader (``self`` changes nothing);
* :meth:`Reader.say` -- an interface phrase, form question or label (whole phrases only);
* :meth:`Reader.ask` -- a question for the doctor in the person's voice (phrases, then words);
* :meth:`Reader.explanation` -- an explanation with its questions, entered labels and
  disclaimer reworded; every renderer then draws it as usual (no second content source).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from explainer.explanation.models import Explanation

ReaderKind = Literal["self", "caregiver"]
READERS: tuple[ReaderKind, ...] = ("self", "caregiver")
"""``self``: the person with cancer reads (the default). ``caregiver``: someone reads for them."""

READERS_FILE = "readers.yaml"


@dataclass(frozen=True)
class Reader:
    """The wording for one reader: whole phrases first, then first-person words."""

    kind: ReaderKind = "self"
    phrases: Mapping[str, str] = field(default_factory=dict)
    first_person: Mapping[str, str] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = field(init=False, default=None, repr=False,
                                             compare=False)
    _lower: dict[str, str] = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Longest first, so that "am I" is replaced as a whole before "I".
        words = sorted(self.first_person, key=len, reverse=True)
        if words:
            # (Never "Stage I": a Roman numeral, not a person.)
            object.__setattr__(self, "_pattern", re.compile(
                r"(?<![\w'])(?<!stage )(" + "|".join(re.escape(word) for word in words)
                + r")(?![\w'])", re.IGNORECASE))
        object.__setattr__(self, "_lower", {word.lower(): word for word in words})

    def _word(self, match: re.Match[str]) -> str:
        found = match.group(1)
        # "I" is a capital in every position; others keep a capital at a sentence's start.
        key = found if found in self.first_person else self._lower[found.lower()]
        said = self.first_person[key]
        starts_sentence = match.start() == 0 or match.string[:match.start()].rstrip()[-1:] in (
            ".", "?", "!", '"')
        return said[:1].upper() + said[1:] if starts_sentence else said

    def say(self, text: str) -> str:
        """An interface phrase, question or label as this reader reads it: a listed phrase is
        replaced whole; anything else is kept (unchanged for ``self``)."""
        if self.kind == "self" or not text:
            return text
        return self.phrases.get(text, text)

    def ask(self, text: str) -> str:
        """A question for the doctor, asked in the person's own voice ("my tumor"), as this
        reader asks it ("their tumor"): a listed phrase whole, else word by word."""
        if self.kind == "self" or not text:
            return text
        if text in self.phrases:
            return self.phrases[text]
        return self._pattern.sub(self._word, text) if self._pattern is not None else text

    def explanation(self, explanation: Explanation) -> Explanation:
        """``explanation`` reworded for this reader: the questions for the doctor, what was
        entered (labels and values), the unknowns' questions, and the disclaimer."""
        if self.kind == "self":
            return explanation
        data: dict[str, Any] = explanation.model_dump()
        data["disclaimer"] = self.say(data["disclaimer"])
        data["questions_for_doctor"] = [self.ask(text) for text in data["questions_for_doctor"]]
        for question in data["questions"]:
            question["text"] = self.ask(question["text"])
        for item in data["entered"]:
            item["label"] = self.say(item["label"])
            item["value_label"] = self.say(item["value_label"])
        for item in data["unknown_factors"]:
            if item.get("question"):
                item["question"] = self.ask(item["question"])
        return Explanation.model_validate(data)


def load_reader(kind: ReaderKind, knowledge_root: Path, language: str = "en") -> Reader:
    """The wording for ``kind`` from ``knowledge_root/knowledge/readers.yaml``.

    A knowledge base without the file (an older edited copy) reads the same for everyone, and
    so does a translation: the file words English texts (its first-person words would change
    Spanish ones: "me" is a Spanish word too), and has no Spanish wording yet.
    """
    if kind == "self" or language != "en":
        return Reader(kind)
    path = knowledge_root / "knowledge" / READERS_FILE
    if not path.is_file():
        return Reader(kind)
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    section = raw.get(kind) or {}
    phrases = {str(key): str(value) for key, value in (section.get("phrases") or {}).items()}
    words = {str(key): str(value) for key, value in (section.get("first_person") or {}).items()}
    return Reader(kind, phrases, words)

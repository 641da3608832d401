"""Finding the items a report names: the mention of one spelling, and the helpers that build
the spelling patterns, merge "Estrogen Receptor (ER)" into one mention and drop overlaps."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Mention:
    """One recognised spelling in the text."""

    kind: str
    start: int
    end: int
    detail: str = ""


@dataclass
class Mask:
    """Which characters of the text are taken, to test overlaps in linear time."""

    def __init__(self, size: int) -> None:
        self.bits = bytearray(size)

    def mark(self, start: int, end: int) -> None:
        self.bits[start:end] = b"\x01" * (end - start)

    def hits(self, start: int, end: int) -> bool:
        return 1 in self.bits[start:end]



def _spelling_pattern(spelling: str) -> str:
    body = "".join(r"[\s\-]*" if char in " -" else re.escape(char) for char in spelling)
    # A short all-capital acronym matches in capitals only: "FISH" is a test, "fish" is not.
    if spelling.isalpha() and spelling.isupper() and len(spelling) <= 4:
        return f"(?-i:{body})"
    return body


def alternation(spellings: Iterable[str]) -> str:
    ordered = sorted(set(spellings), key=lambda text: (-len(text), text))
    return "|".join(_spelling_pattern(spelling) for spelling in ordered)



def merged(text: str, mentions: list[Mention]) -> list[Mention]:
    """"Estrogen Receptor (ER)" is one mention, not two."""
    merged: list[Mention] = []
    for mention in mentions:
        previous = merged[-1] if merged else None
        if (previous is not None and previous.kind == mention.kind
                and re.fullmatch(r"\s*\(\s*", text[previous.end:mention.start])
                and re.match(r"\s*\)", text[mention.end:])):
            closing = text.index(")", mention.end) + 1
            merged[-1] = Mention(previous.kind, previous.start, closing, previous.detail)
            continue
        # "ER by IHC: positive": the method named after a receptor belongs to it; it is not
        # a HER2 stain.
        if (previous is not None and previous.kind in ("er", "pr", "hr")
                and mention.kind == "her2_ihc" and text[mention.start:mention.end].upper() ==
                "IHC" and re.fullmatch(r"\s*(?:by|via|\(|,)?\s*", text[previous.end:mention.start],
                                       re.IGNORECASE)):
            after = re.match(r"\s*\)", text[mention.end:])
            end = mention.end + (after.end() if after else 0)
            merged[-1] = Mention(previous.kind, previous.start, end, previous.detail)
            continue
        merged.append(mention)
    return merged


def without_overlaps(found: list[Mention]) -> list[Mention]:
    kept: list[Mention] = []
    for mention in sorted(found, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept



def sentence_around(text: str, start: int, end: int, reach: int = 300) -> str:
    """The sentence holding text[start:end] (at most ``reach`` characters either side)."""
    low, high = max(0, start - reach), min(len(text), end + reach)
    left = max(text.rfind(stop, low, start) for stop in (".", ";", "\n"))
    left = low - 1 if left == -1 else left
    rights = [index for index in (text.find(stop, end, high) for stop in (". ", ";", "\n"))
              if index != -1]
    right = min(rights) if rights else high
    return text[left + 1:right].strip()

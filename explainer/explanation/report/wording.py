"""The wording more than one item of a report is read for: a number, positive, negative, a sign
("ER+", "HER2 (-)") and "pending"; and how a piece of the report is quoted back."""

from __future__ import annotations

import re

MAX_QUOTE = 160

NUMBER = r"\d{1,3}(?:\.\d+)?"
POSITIVE = re.compile(r"\bpositive\b|\bpos\b|\breactive\b|\bpresent\b|\bdetected\b",
                      re.IGNORECASE)
NEGATIVE = re.compile(
    r"\bnegative\b|\bneg\b|\bnot\s+detected\b|\bno\s+(?:nuclear\s+)?staining\b|\babsent\b|"
    r"\bnon[\s-]?reactive\b", re.IGNORECASE)
# A sign after a marker: "ER+", "ER (+)", "HER2- metastatic", "ER: -". A hyphen before a word
# ("ER-positive") or a dash between words ("ER - 95%") is not a sign.
_SIGN = re.compile(r"^(?:\s*[:=]?\s*\(\s*(?P<a>[+-])\s*\)|(?P<b>[+-])(?![A-Za-z\d.%])|"
                   r"\s*[:=]?\s*(?P<c>[+-])\s*(?=$|[/,;)\n]))")
PENDING = re.compile(r"pending|to follow|see (?:comment|note|addendum|below)|will be reported|"
                     r"in progress|not performed|sent out|sent to|ordered|to be reported|"
                     r"not done|not available|insufficient", re.IGNORECASE)


def short_quote(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:(")
    return text if len(text) <= MAX_QUOTE else text[:MAX_QUOTE - 1].rstrip() + "…"


def sign_of(clause: str) -> str | None:
    """"+" or "-" when the clause starts with a sign (see _SIGN), else None."""
    match = _SIGN.match(clause)
    if match is None:
        return None
    return match.group("a") or match.group("b") or match.group("c")

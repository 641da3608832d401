"""Reading ER, PR and hormone-receptor (HR) wording, and adding it up to the HR status.

Percent, Allred score, sign and words are each read to the categories they allow (negative, low,
positive, ASCO/CAP 2020 thresholds from the knowledge base); the item's value is what all of
them allow together, and a disagreement is a conflict.
"""

from __future__ import annotations

import re

from explainer.explanation.report.state import StateBase
from explainer.explanation.report.wording import NEGATIVE, NUMBER, PENDING, POSITIVE, sign_of

_PERCENT = re.compile(
    r"(?P<cmp>\u2264|\u2265|<=|>=|=<|=>|<|>|less than or equal to|greater than or equal to|"
    r"less than|fewer than|greater than|more than|under|over|up to|at least|at most)?\s*"
    rf"(?<![\w.])(?P<a>{NUMBER})\s*(?:%|percent)?\s*(?:(?:-|to)\s*(?P<b>{NUMBER})\s*)?(?:%|percent)"
    r"(?!\s*(?:or\s+(?:fewer|less|more)))", re.IGNORECASE)
_PERCENT_OR_LESS = re.compile(rf"(?P<a>{NUMBER})\s*%\s*or\s*(?P<dir>fewer|less|more)",
                              re.IGNORECASE)
_ALLRED = re.compile(r"allred(?:\s+score)?\s*(?:[:=]|of|is)?\s*\(?\s*(?P<score>[0-8])"
                     r"(?:\s*/\s*8)?(?!\d|\.\d)", re.IGNORECASE)
_LOW_POSITIVE = re.compile(r"low[\s-]*positive|\b(?:er|pr)[\s-]*low\b|^\s*[:=-]?\s*low\b",
                           re.IGNORECASE)


def _interval(match: re.Match[str]) -> tuple[float, float, bool, bool]:
    """The percent interval (low, high, low included, high included) of a percent match."""
    a = float(match.group("a"))
    b = match.group("b")
    comparator = (match.group("cmp") or "").lower()
    if b is not None:
        return a, float(b), True, True
    if comparator in ("<", "less than", "fewer than", "under"):
        return 0.0, a, True, False
    if comparator in ("\u2264", "<=", "=<", "less than or equal to", "up to", "at most"):
        return 0.0, a, True, True
    if comparator in (">", "greater than", "more than", "over"):
        return a, 100.0, False, True
    if comparator in ("\u2265", ">=", "=>", "greater than or equal to", "at least"):
        return a, 100.0, True, True
    return a, a, True, True


class ReceptorRules(StateBase):
    """The ER, PR and HR part of the reader's state."""

    def receptor(self, kind: str, clause: str, shown: str) -> None:
        evidence = self.receptors[kind]
        thresholds = self.kb.thresholds
        positive_min = thresholds.receptor_positive_min_percent
        low_max = thresholds.er_low_max_percent
        rest = clause
        low_word = _LOW_POSITIVE.search(rest)
        if low_word:
            evidence.add("word:low", shown)
            rest = rest[:low_word.start()] + " " + rest[low_word.end():]
        for match in _PERCENT.finditer(clause):
            low, high, low_in, high_in = _interval(match)
            if high > 100 or low > high:
                continue
            categories = set()
            if low < positive_min:
                categories.add("negative")
            reaches_one = high > positive_min or (high == positive_min and high_in)
            if reaches_one and (low < low_max or (low == low_max and low_in)):
                categories.add("low")
            if high > low_max:
                categories.add("positive")
            self.receptor_percent[kind] = True
            evidence.add("pct:" + ",".join(sorted(categories)), shown)
        for match in _PERCENT_OR_LESS.finditer(clause):
            value = float(match.group("a"))
            if match.group("dir").lower() in ("fewer", "less"):
                categories = {"negative"} | ({"low"} if value >= positive_min else set())
                if value > low_max:
                    categories.add("positive")
            else:
                categories = {"positive"} | ({"low"} if value <= low_max else set())
            self.receptor_percent[kind] = True
            evidence.add("pct:" + ",".join(sorted(categories)), shown)
        for match in _ALLRED.finditer(clause):
            score = int(match.group("score"))
            if score <= thresholds.allred_negative_max:
                evidence.add("pct:negative", shown)
            elif score >= thresholds.allred_positive_min:
                evidence.add("pct:positive", shown)
            else:
                self.receptor_allred_mid[kind].append(shown)
                evidence.add("pct:low,negative,positive", shown)
        sign = sign_of(clause)
        if sign:
            evidence.add("word:positive" if sign == "+" else "word:negative", shown)
        if NEGATIVE.search(rest):
            evidence.add("word:negative", shown)
        if POSITIVE.search(rest):
            evidence.add("word:positive", shown)
        if not evidence.values and PENDING.search(clause):
            evidence.add("pending", shown)

    def hr_word(self, clause: str, shown: str) -> None:
        sign = sign_of(clause)
        if sign == "+" or POSITIVE.search(clause):
            self.hr_words.add("positive", shown)
        if sign == "-" or NEGATIVE.search(clause):
            self.hr_words.add("negative", shown)

    def triple_negative(self, shown: str) -> None:
        self.receptors["er"].add("word:negative", shown)
        self.receptors["pr"].add("word:negative", shown)
        self.her2_words.add("negative", shown)

    def _receptor_value(self, kind: str) -> str | None:
        evidence = self.receptors[kind]
        sets = []
        for key in evidence.values:
            if key.startswith("pct:"):
                sets.append(set(key[4:].split(",")) - {""})
            elif key == "word:positive":
                sets.append({"low", "positive"})
            elif key == "word:low":
                sets.append({"low"})
            elif key == "word:negative":
                sets.append({"negative"})
        texts = evidence.texts()
        if not sets:
            return None
        possible = set.intersection(*sets)
        if kind == "pr":
            possible = {"positive" if value == "low" else value for value in possible}
        if not possible:
            self.conflict(kind, texts)
            return None
        if len(possible) == 1:
            value = possible.pop()
        elif (possible == {"low", "positive"} and not self.receptor_percent[kind]
              and not self.receptor_allred_mid[kind]):
            # "ER positive" with no percent: since 2020 labs report 1-10% as "low positive",
            # so a plain "positive" is the lab's own category.
            value = "positive"
        else:
            value = "needs_percent"
        self.find(kind, value, "; ".join(texts))
        return None if value == "needs_percent" else value

    def _hr(self) -> None:
        er = self._receptor_value("er")
        pr = self._receptor_value("pr")
        texts = self.receptors["er"].texts() + self.receptors["pr"].texts()
        value: str | None = None
        if er == "positive" or pr == "positive":
            value = "positive"
        elif er == "low" and pr == "negative":
            value = "low"
        elif er == "negative" and pr == "negative":
            value = "negative"
        words = set(self.hr_words.values)
        if words:
            texts += self.hr_words.texts()
            if len(words) > 1 or (value is not None and value != "low"
                                  and value not in words):
                self.conflict("hr_status", texts)
                return
            if value is None:
                value = next(iter(words))
        if value is not None:
            self.profile["hr_status"] = value
            self.find("hr_status", value, "; ".join(dict.fromkeys(texts)))
        elif texts:
            self.find("hr_status", "unknown", "; ".join(dict.fromkeys(texts)))

"""Reading HER2 wording: the IHC score (0, 0+, 1+, 2+, 3+), the ISH (FISH) numbers and words,
and adding them up to the HER2 status under the ASCO/CAP rules (ISH groups 1-5)."""

from __future__ import annotations

import re

from explainer.explanation.report.state import StateBase
from explainer.explanation.report.wording import NEGATIVE, NUMBER, PENDING, POSITIVE, sign_of

_ULTRALOW = re.compile(
    r"ultra[\s-]*low|(?<![\d.])0\s*\+|>\s*0\s*(?:but\s*)?(?:and\s*)?<\s*1\s*\+?|"
    r"0\s*\(\s*(?:with\s+)?(?:faint|weak)", re.IGNORECASE)
_NULL = re.compile(r"\bnull\b|no\s+(?:membrane\s+)?staining|absent\s+staining|"
                   r"no\s+(?:membranous\s+)?reactivity", re.IGNORECASE)
_FAINT = re.compile(r"faint|barely\s+perceptible|weak", re.IGNORECASE)
_INCOMPLETE = re.compile(r"incomplete|partial", re.IGNORECASE)
_UPTO10 = re.compile(r"(?:\u2264|<=|=<|<|up\s+to|at\s+most|no\s+more\s+than|not\s+more\s+than|"
                     r"less\s+than(?:\s+or\s+equal\s+to)?|fewer\s+than)\s*10\s*%|"
                     r"10\s*%\s*or\s*(?:fewer|less)", re.IGNORECASE)
_OVER10 = re.compile(r"(?:>|more\s+than|greater\s+than|over)\s*10\s*%", re.IGNORECASE)
_SCORE_RANGE = re.compile(r"(?<![\d.])([0-3])\s*\+?\s*(?:-|to)\s*([0-3])\s*\+", re.IGNORECASE)
_SCORE_PLUS = re.compile(r"(?<![\d.])([1-3])\s*\+(?!\s*[\d])")
_SCORE_WORD = re.compile(r"(?:score|ihc)\s*(?:of\s*)?[:=]?\s*\(?\s*([0-3])\s*(\+)?(?!\d|\.\d|%)",
                         re.IGNORECASE)
_SCORE_LEAD = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?[:=]?\s*\(?\s*([0-3])\s*(\+)?(?!\d|\.\d|%)")
_EQUIVOCAL = re.compile(r"equivocal|borderline", re.IGNORECASE)
_HER2_LOW_WORD = re.compile(r"^\s*[:=-]?\s*low\b|her2[\s-]*low", re.IGNORECASE)
_ZERO_WORD = re.compile(r"her2[\s-]*zero|^\s*[:=-]?\s*zero\b", re.IGNORECASE)
_NOT_AMPLIFIED = re.compile(
    r"(?:not\s+amplified|non[\s-]*amplified|unamplified|no\s+(?:evidence\s+of\s+)?"
    r"(?:gene\s+)?amplification|negative\s+for\s+(?:her2\s+)?(?:gene\s+)?amplification|"
    r"without\s+amplification|amplification\s+(?:is\s+)?(?:not\s+(?:seen|detected|present)|"
    r"absent))(?:\s+(?:is\s+|was\s+)?(?:detected|seen|identified|present|found))?",
    re.IGNORECASE)
_AMPLIFIED = re.compile(
    r"\bamplified\b|amplification\s+(?:is\s+)?(?:present|detected|seen|identified)|"
    r"positive\s+for\s+(?:her2\s+)?(?:gene\s+)?amplification|\bamplification\s*[:=]\s*"
    r"(?:yes|present)", re.IGNORECASE)
_RATIO = re.compile(rf"ratio\s*(?:of|[:=]|is|was)?\s*(?P<v>{NUMBER})(?!\d|\.\d|%)",
                    re.IGNORECASE)
_LEADING_NUMBER = re.compile(rf"^\s*(?:[:=]|of|is|was)?\s*(?P<v>{NUMBER})(?!\d|\.\d|%)",
                             re.IGNORECASE)
_COPIES = re.compile(
    rf"(?:copy\s*number|copies|signals)(?:\s*(?:per|/)\s*(?:cell|nucleus|nuclei))?\s*"
    rf"(?:of|[:=]|is|was)?\s*(?P<v>{NUMBER})(?!\d|\.\d|%)|"
    rf"(?<![\w.])(?P<w>{NUMBER})\s*(?:her2\s*)?(?:copies|signals)\s*(?:per|/)\s*(?:cell|nucleus)",
    re.IGNORECASE)
_ISH_GROUP = re.compile(r"group\s*([1-5])(?!\d)", re.IGNORECASE)


class Her2Rules(StateBase):
    """The HER2 part of the reader's state."""

    def her2(self, kind: str, named: str, clause: str, shown: str) -> None:
        rest = clause
        not_amplified = _NOT_AMPLIFIED.search(rest)
        if not_amplified:
            self.ish_words.add("not_amplified", shown)
            rest = rest[:not_amplified.start()] + " " + rest[not_amplified.end():]
        elif _AMPLIFIED.search(rest):
            self.ish_words.add("amplified", shown)
            rest = _AMPLIFIED.sub(" ", rest)
        if kind == "ish":
            self._ish(named, clause, shown)
            self._ish_words(clause, rest, shown)
            return
        self._ihc(clause, rest, shown)

    def _ish(self, named: str, clause: str, shown: str) -> None:
        # The numbers' names are often in the mention itself ("HER2/CEP17 ratio: 2.3").
        whole = f"{named} {clause}"
        for match in _ISH_GROUP.finditer(whole):
            self.ish_groups.add(f"group_{match.group(1)}", shown)
        ratio = _RATIO.search(whole)
        lead = _LEADING_NUMBER.match(clause)
        if ratio is None and lead is not None and "cep17" in named.lower():
            self.ish_ratio.append((float(lead.group("v")), shown))
        elif ratio is not None:
            self.ish_ratio.append((float(ratio.group("v")), shown))
        copies = _COPIES.search(whole)
        if copies is not None:
            self.ish_copies.append((float(copies.group("v") or copies.group("w")), shown))

    def _ish_words(self, clause: str, rest: str, shown: str) -> None:
        if rest != clause:
            pass  # the clause said amplified or not in so many words
        elif _EQUIVOCAL.search(rest):
            self.ish_words.add("equivocal", shown)
        elif NEGATIVE.search(rest) or sign_of(rest) == "-":
            self.ish_words.add("not_amplified", shown)
        elif POSITIVE.search(rest) or sign_of(rest) == "+":
            self.ish_words.add("amplified", shown)
        elif PENDING.search(clause) and not self.ish_words.values:
            self.ish_words.add("pending", shown)

    def _ihc(self, clause: str, rest: str, shown: str) -> None:
        found_score = False
        faint = _FAINT.search(clause) and _INCOMPLETE.search(clause)
        if faint and _NULL.search(clause):
            # The pre-2023 wording of score 0, "no staining or faint incomplete staining in
            # 10% or fewer": a plain 0, not the ultralow kind.
            self.her2_scores.add("0", shown)
            found_score = True
        elif faint and _UPTO10.search(clause):
            self.her2_scores.add("0+", shown)
            found_score = True
        elif faint and _OVER10.search(clause):
            self.her2_scores.add("1+", shown)
            found_score = True
        elif faint:
            self.her2_faint_unclear.append(shown)
        if _ULTRALOW.search(clause) and not _NULL.search(clause):
            self.her2_scores.add("0+", shown)
            found_score = True
        for match in _SCORE_RANGE.finditer(clause):
            self.her2_scores.add(f"{match.group(1)}+".replace("0+", "0"), shown)
            self.her2_scores.add(f"{match.group(2)}+", shown)
            found_score = True
        scrubbed = _SCORE_RANGE.sub(" ", _ULTRALOW.sub(" ", clause))
        scrubbed = _UPTO10.sub(" ", _OVER10.sub(" ", scrubbed))
        for match in _SCORE_PLUS.finditer(scrubbed):
            self.her2_scores.add(f"{match.group(1)}+", shown)
            found_score = True
        for pattern in (_SCORE_WORD, _SCORE_LEAD):
            for match in pattern.finditer(scrubbed):
                score = match.group(1)
                self.her2_scores.add("0" if score == "0" else f"{score}+", shown)
                found_score = True
        if _NULL.search(clause):
            self.her2_scores.add("0", shown)
            found_score = True
        sign = sign_of(rest)
        if _EQUIVOCAL.search(rest):
            self.her2_scores.add("2+", shown)
        elif _HER2_LOW_WORD.search(rest):
            self.her2_words.add("low", shown)
        elif _ZERO_WORD.search(rest):
            self.her2_scores.add("0", shown)
        if re.search(r"\bpositive\b|\bpos\b", rest, re.IGNORECASE) or sign == "+":
            self.her2_words.add("positive", shown)
        if re.search(r"\bnegative\b|\bneg\b", rest, re.IGNORECASE) or sign == "-":
            self.her2_words.add("negative", shown)
        if not found_score and not self.her2_words.values and PENDING.search(clause):
            self.her2_words.add("pending", shown)

    def _ish_result(self) -> str | None:
        """amplified / not_amplified / None (not known), reporting what the numbers say."""
        thresholds = self.kb.thresholds
        words = {value for value in self.ish_words.values if value in
                 ("amplified", "not_amplified")}
        texts = self.ish_words.texts()
        if "equivocal" in self.ish_words.values:
            self.find("ish", "equivocal", "; ".join(self.ish_words.values["equivocal"]))
        groups = set(self.ish_groups.values)
        ratios = {value for value, _ in self.ish_ratio}
        copies = {value for value, _ in self.ish_copies}
        number_texts = [text for _, text in self.ish_ratio + self.ish_copies]
        if len(ratios) == 1 and len(copies) == 1:
            ratio, count = next(iter(ratios)), next(iter(copies))
            group: int
            if ratio >= thresholds.ish_ratio_min:
                group = 1 if count >= thresholds.ish_copies_low else 2
            elif count >= thresholds.ish_copies_high:
                group = 3
            elif count >= thresholds.ish_copies_low:
                group = 4
            else:
                group = 5
            groups.add(f"group_{group}")
        elif ratios or copies:
            if len(ratios) > 1 or len(copies) > 1:
                self.conflict("ish", number_texts)
            elif not words and not groups:
                self.find("ish", "numbers_only", "; ".join(number_texts))
        group_texts = self.ish_groups.texts() + number_texts
        for group_name in sorted(groups):
            self.find("ish", group_name, "; ".join(dict.fromkeys(group_texts)))
        from_groups = set()
        if groups & {"group_1"}:
            from_groups.add("amplified")
        if groups & {"group_5"}:
            from_groups.add("not_amplified")
        if len(words) > 1 or len(from_groups) > 1 or (
                words and from_groups and words != from_groups):
            self.conflict("ish", texts + group_texts)
            return "conflict"
        result = next(iter(words or from_groups), None)
        if result is not None:
            self.find("ish", result, "; ".join(dict.fromkeys(texts + group_texts)))
        return result

    def _her2(self) -> None:
        ish = self._ish_result()
        scores = set(self.her2_scores.values)
        if scores == {"0", "0+"}:
            scores = {"0+"}  # "0 with faint incomplete staining in <=10%" is the 0+ kind of 0
        score_texts = self.her2_scores.texts()
        words = set(self.her2_words.values)
        texts = list(dict.fromkeys(score_texts + self.her2_words.texts()
                                   + self.ish_words.texts()))
        for shown_score in sorted(scores):
            self.find("her2_ihc", shown_score, "; ".join(self.her2_scores.values[shown_score]))
        if not (scores or words or ish or self.ish_words.values or self.ish_groups.values):
            if self.her2_faint_unclear:
                self.find("her2_status", "needs_score", "; ".join(self.her2_faint_unclear))
            return
        if len(scores) > 1:
            self.conflict("her2_status", score_texts)
            return
        if ish == "conflict":
            return
        score = next(iter(scores), None)
        value: str | None
        if ish == "amplified":
            value = "positive"
        elif score == "3+":
            value = "positive" if ish != "not_amplified" else None
            if value is None:
                self.conflict("her2_status", texts, self.kb.phrase("her2_discordant"))
                return
        elif score == "2+":
            value = "low" if ish == "not_amplified" or words & {"low", "negative"} else \
                "needs_ish"
        elif score == "1+":
            value = "low"
        elif score == "0+":
            value = "ultralow"
        elif score == "0":
            value = "negative"
        elif "positive" in words:
            value = "positive"
        elif "low" in words:
            value = "low"
        elif words & {"negative"} or ish == "not_amplified":
            value = "needs_score"
        else:
            value = "pending"
        # The lab's own word must agree with the score and the gene test.
        agrees = {"positive": {"positive"}, "negative": {"low", "ultralow", "negative",
                                                         "needs_score", "needs_ish"},
                  "low": {"low", "needs_ish"}, "pending": {"pending"}}
        for word in words:
            if value not in agrees.get(word, {value}) and not (
                    word == "pending" and value != "pending"):
                self.conflict("her2_status", texts)
                return
        if value in ("positive", "low", "ultralow", "negative"):
            self.profile["her2_status"] = value
        self.find("her2_status", value, "; ".join(texts))

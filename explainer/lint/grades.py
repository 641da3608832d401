"""Reading level of patient-facing text: Flesch-Kincaid and SMOG grades, measured fairly.

Both formulas count syllables, so they punish words a reader may not know. Two kinds of such
words are treated differently, on purpose:

* A term the tool **explains** (a glossary term or one of its spellings, a category or subtype
  name, a care-team role) is scored as one ordinary two-syllable word. The renderers explain it
  at its first use, so a reader is not left with an unknown word, and a text about
  chemotherapy should not fail for naming it.
* A **term of art the tool does not explain** (an acronym or gene name such as ``AKT``, or a
  medical word such as "carcinoma", that is in no glossary entry and is not explained in place
  as in "a protein called TROP2", "(ER)" or "HER2, a protein") is scored as one four-syllable
  word, whatever its real length. It so counts against the text in both formulas (FK counts
  syllables, SMOG counts words of three or more), and the ``terms`` validator reports it.

textstat is pinned to 0.7.8: it finds syllables offline (CMU dictionary, then Pyphen); newer
releases download a dictionary on first use and fail without a network.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

EXPLAINED_STAND_IN = "topic"
"""Two syllables: how an explained term of art is scored."""
UNEXPLAINED_STAND_IN = "complicated"
"""Four syllables: how a term of art that is not explained is scored."""

# Shapes of a term of art. An acronym, gene or protein name: two or more capitals, or letters
# and digits together (HER2, PD-L1, PIK3CA, DNA). Roman numerals (stage IV) are ordinary words.
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9+]*(?:[-/][A-Za-z0-9+]+)*")
_ROMAN = re.compile(r"^[IVX]+$")
# Medical word parts that mark a word as a term of art; checked on lower-case words. Common
# words that merely contain them are not affected: each is matched at a word start or end.
_MEDICAL_STEMS = ("carcino", "metasta", "adjuvant", "oncolog", "lymph", "biomark", "mutat",
                  "inhibit", "conjugat", "receptor", "malignan", "neoplas", "antibod",
                  "mastectom", "lumpectom", "palliat", "hospice", "estrogen", "progesteron",
                  "immuno", "chemo", "systemic", "cytotox", "patholog", "endocrin",
                  "aromatase", "ovarian", "genomic", "axilla", "ductal", "lobular",
                  "neuropath", "lymphedema", "edema", "tamoxifen", "in situ")
_MEDICAL_SUFFIXES = ("ectomy", "ectomies", "otomy", "itis", "emia", "osis", "opathy",
                     "plasia", "carcinoma", "sarcoma", "mab", "ciclib", "parib", "tinib",
                     "lisib", "rozole", "xifen", "tecan", "taxel", "rubicin", "platin", "limus")
_NOT_TERMS = frozenset({"diagnosis", "osis"})
"""Ordinary words the shapes above would catch."""
# "a protein called TROP2", "a gene such as PIK3CA" introduce the term right before it.
_EXPLAINED_BEFORE = re.compile(
    r"(?:called|named|known as|such as|like)\s+(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE)
# "HER2, a protein ..." or "mTOR (a protein ...)" explain the term right after it.
_EXPLAINED_AFTER = re.compile(r"^\s*(?:,\s*(?:a|an|the|which|one)\b|\()", re.IGNORECASE)


def is_term_of_art(word: str) -> bool:
    """Whether ``word`` looks like a term of art (by shape, not by a dictionary)."""
    if _ROMAN.match(word) or word.lower() in _NOT_TERMS:
        return False
    parts = re.split(r"[-/]", word)
    for part in parts:
        capitals = sum(1 for char in part if char.isupper())
        has_digit = any(char.isdigit() for char in part)
        has_letter = any(char.isalpha() for char in part)
        if (capitals >= 2 and not _ROMAN.match(part)) or (has_digit and has_letter):
            return True
    lower = word.lower()
    return any(lower.startswith(stem) for stem in _MEDICAL_STEMS) or any(
        lower.endswith(suffix) and len(lower) > len(suffix) + 2 for suffix in _MEDICAL_SUFFIXES)


def _inside_parentheses(text: str, start: int) -> bool:
    return text.rfind("(", 0, start) > text.rfind(")", 0, start)


@dataclass(frozen=True)
class Vocabulary:
    """The terms a knowledge base explains (glossary, names of categories, subtypes, roles)."""

    spellings: tuple[str, ...]

    @classmethod
    def of(cls, spellings: Iterable[str]) -> Vocabulary:
        """A vocabulary of ``spellings`` (a name with a part in parentheses adds both parts)."""
        found: set[str] = set()
        for raw in spellings:
            spelling = raw.strip()
            if not spelling:
                continue
            found.add(spelling)
            match = re.match(r"^(.*?)\s*\((.*)\)\s*$", spelling)
            if match:
                found.update(part.strip() for part in match.groups() if part.strip())
        return cls(tuple(sorted(found, key=lambda text: (-len(text), text.lower()))))

    @property
    def pattern(self) -> re.Pattern[str]:
        """Matches any explained spelling; the longest wins. A hyphen may follow (HER2-based)."""
        return _pattern(self.spellings)


@lru_cache(maxsize=16)
def _pattern(spellings: tuple[str, ...]) -> re.Pattern[str]:
    if not spellings:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(s) for s in spellings) + r")(?!\w)",
                      re.IGNORECASE)


def unexplained_terms(text: str, vocabulary: Vocabulary) -> list[str]:
    """Terms of art in ``text`` that are neither in ``vocabulary`` nor explained in place."""
    masked = vocabulary.pattern.sub(lambda match: " " * len(match.group()), text)
    found: list[str] = []
    for match in _TOKEN.finditer(masked):
        word = match.group()
        if not is_term_of_art(word) or word in found:
            continue
        start, end = match.span()
        if (_inside_parentheses(masked, start) or _EXPLAINED_BEFORE.search(masked[:start])
                or _EXPLAINED_AFTER.match(masked[end:])):
            continue
        found.append(word)
    return found


def for_scoring(text: str, vocabulary: Vocabulary) -> str:
    """``text`` with explained terms and unexplained terms of art replaced by stand-ins."""
    unexplained = unexplained_terms(text, vocabulary)
    scored = vocabulary.pattern.sub(EXPLAINED_STAND_IN, text)
    # textstat drops hyphens and would read "topic-targeted" as one long word: keep the
    # stand-in a word of its own (HER2-targeted is HER2 and targeted).
    scored = scored.replace(f"{EXPLAINED_STAND_IN}-", f"{EXPLAINED_STAND_IN} ")
    for word in unexplained:
        scored = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", UNEXPLAINED_STAND_IN, scored)
    return scored


@dataclass(frozen=True)
class Grades:
    """Reading grades of one text (after the stand-ins), and its size."""

    fk: float
    smog: float
    words: int
    sentences: int

    @property
    def worst(self) -> float:
        """The higher of the two grades."""
        return max(self.fk, self.smog)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!", ":")) else text + "."


def grade(text: str, vocabulary: Vocabulary) -> Grades:
    """Flesch-Kincaid and SMOG grades of ``text`` (see the module docstring for terms)."""
    import textstat

    scored = _sentence(for_scoring(text, vocabulary))
    return Grades(fk=round(float(textstat.flesch_kincaid_grade(scored)), 1),
                  smog=round(float(textstat.smog_index(scored)), 1),
                  words=int(textstat.lexicon_count(scored)),
                  sentences=int(textstat.sentence_count(scored)))


def grade_passage(texts: Sequence[str], vocabulary: Vocabulary) -> Grades:
    """Grades of several strings read one after another as one passage."""
    return grade(" ".join(_sentence(text) for text in texts), vocabulary)


@dataclass(frozen=True)
class Summary:
    """Median and worst of a set of grades."""

    count: int
    fk_median: float
    fk_worst: float
    smog_median: float
    smog_worst: float


def summarise(grades: Sequence[Grades]) -> Summary:
    """Median and worst FK and SMOG of ``grades`` (zeros when there are none)."""
    if not grades:
        return Summary(0, 0.0, 0.0, 0.0, 0.0)
    fk = [item.fk for item in grades]
    smog = [item.smog for item in grades]
    return Summary(len(grades), round(statistics.median(fk), 1), max(fk),
                   round(statistics.median(smog), 1), max(smog))

"""Glossary marks must point at the same thing as the text they mark.

A glossary alias is another spelling the renderers mark as the term ("lumpectomy" for
breast-conserving surgery). An alias that names something else ("genetic testing" marked as
genetic counseling, "antibody" as monoclonal antibodies) explains the wrong word. So an alias
must be a *declared* synonym:

* a form of the term: plural or singular, another ending of the same word ("metastasis" for
  metastatic), "+" or "-" for "-positive" or "-negative", "therapy" for "treatment" (the source
  uses them as one), or initials for words of the term ("HR" for hormone receptor);
* the term with words added around it, which only narrows it ("hospice care" for hospice);
* or a name the term's definition gives itself ("Also called lumpectomy").

It also reports a term that only other definitions use: "Words used here" lists the terms an
explanation's own text uses, never the words inside definitions, so such a term is never shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from explainer.kb.models import GlossaryTerm
from explainer.kb.yamlio import LineDict, LineList
from explainer.lint.base import LintContext, LintIssue, Severity, Validator

_WORD = re.compile(r"[a-z0-9/]+")
# Words the source uses interchangeably in the names of treatments.
_SAME_WORD = {"therapy": "treatment", "therapies": "treatment"}
# How many letters may differ at the end of two forms of one word (metastasis, metastatic).
_ENDING = 3
_MIN_STEM = 5


def _words(text: str) -> list[str]:
    text = text.lower().replace("+", "-positive")
    text = re.sub(r"-(?=\s|$)", "-negative", text)
    return [_SAME_WORD.get(word, word) for word in _WORD.findall(text)]


def _same_word(first: str, second: str) -> bool:
    if first == second or first.rstrip("s") == second.rstrip("s"):
        return True
    if first.endswith("ies") and first[:-3] + "y" == second:
        return True
    if second.endswith("ies") and second[:-3] + "y" == first:
        return True
    common = len(_common_prefix(first, second))
    return common >= _MIN_STEM and max(len(first), len(second)) - common <= _ENDING


def _common_prefix(first: str, second: str) -> str:
    prefix = []
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        prefix.append(a)
    return "".join(prefix)


def _same_words(first: Sequence[str], second: Sequence[str]) -> bool:
    return len(first) == len(second) and all(
        _same_word(a, b) for a, b in zip(first, second, strict=True))


def _with_initials(words: Sequence[str]) -> Iterator[list[str]]:
    """``words`` with each run of two or more words replaced by its initials."""
    for start in range(len(words)):
        for end in range(start + 2, len(words) + 1):
            yield [*words[:start], "".join(word[0] for word in words[start:end]), *words[end:]]


def _contains(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    return any(_same_words(longer[index:index + len(shorter)], shorter)
               for index in range(len(longer) - len(shorter) + 1))


def declared(alias: str, term: GlossaryTerm) -> bool:
    """Whether ``alias`` is a declared synonym of ``term`` (see the module docstring)."""
    alias_words, term_words = _words(alias), _words(term.term)
    if not alias_words:
        return False
    if _same_words(alias_words, term_words):
        return True
    if any(_same_words(variant, term_words) for variant in _with_initials(alias_words)):
        return True
    if any(_same_words(alias_words, variant) for variant in _with_initials(term_words)):
        return True
    if len(alias_words) > len(term_words) and _contains(alias_words, term_words):
        return True
    return _contains(_words(term.definition), alias_words)


class GlossaryValidator(
        Validator, name="glossary", needs_kb=True,
        concern="a glossary alias that names something else, or a term only definitions use"):
    """Glossary aliases are declared synonyms; every term is used where outputs show it."""

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        kb = context.knowledge
        path = kb.root / "knowledge" / "glossary.yaml"
        raw = context.raw.get(path)
        for index, term in enumerate(kb.glossary):
            line = _line(raw, index)
            for alias in term.aliases:
                if not declared(alias, term):
                    yield self.issue(
                        Severity.WARNING, path, line,
                        f"glossary alias '{alias}' of '{term.term}' is not a declared synonym, "
                        "so a text using it would be explained as something else",
                        f"make '{alias}' a term of its own, remove it, or say in the definition "
                        f"that it is the same thing ('Also called {alias}.')")
            if self._only_in_definitions(context, term):
                yield self.issue(
                    Severity.WARNING, path, line,
                    f"glossary term '{term.term}' is used only inside other definitions, which "
                    "are never marked, so no output lists it",
                    "use the term where it helps in a statement, or remove it")

    @staticmethod
    def _only_in_definitions(context: LintContext, term: GlossaryTerm) -> bool:
        spellings = sorted((term.term, *term.aliases), key=len, reverse=True)
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, spellings))
                             + r")(?![\w-])", re.IGNORECASE)
        in_definitions = in_outputs = False
        for item in context.texts:
            if not pattern.search(item.text):
                continue
            if item.path.name == "glossary.yaml":
                in_definitions = in_definitions or not item.where.startswith(
                    f"terms[{term.term}]")
            else:
                in_outputs = True
                break
        # A term no text uses at all is the "unused" validator's to report.
        return in_definitions and not in_outputs


def _line(raw: Any, index: int) -> int | None:
    if not isinstance(raw, LineDict):
        return None
    terms = raw.get("terms")
    return terms.line_of(index) if isinstance(terms, LineList) else None

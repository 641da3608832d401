"""Which glossary terms a text uses, for the glossary an explanation carries.

A term is found where one of its spellings stands as a whole word or phrase, whatever its case:
what the pattern ``(?<![\\w-])(?:SPELLINGS)(?![\\w-])`` (ignoring case) matches. It is found by
plain string search instead of one compiled pattern per term: compiling them cost more than
composing a first explanation (``tests/test_glossary_marks.py`` checks the two agree).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from explainer.explanation.models import GlossaryEntry
from explainer.kb.models import GlossaryTerm


class TermFinder:
    """The glossary of one knowledge base, ready to be looked for in texts."""

    def __init__(self, glossary: Sequence[GlossaryTerm]) -> None:
        self._entries = tuple(
            GlossaryEntry.model_construct(term=term.term, definition=term.definition,
                                          aliases=term.aliases)
            for term in glossary)
        self._spellings = tuple(tuple(spelling.lower() for spelling in (term.term, *term.aliases))
                                for term in glossary)
        # Every spelling with its term, for a first look with `in` (fast, in C): most texts hold
        # a few terms, so only those few are checked for whole words.
        self._each = tuple((spelling, index) for index, spellings in enumerate(self._spellings)
                           for spelling in spellings)
        # Texts come from the knowledge base (never from what a person typed): a bounded set.
        self._found: dict[str, frozenset[int]] = {}

    def terms_in(self, text: str) -> frozenset[int]:
        """The indexes of the terms ``text`` uses."""
        found = self._found.get(text)
        if found is None:
            lowered = text.lower()
            candidates = {index for spelling, index in self._each if spelling in lowered}
            found = self._found[text] = frozenset(
                index for index in candidates if mentions(lowered, self._spellings[index]))
        return found

    def entries(self, term_ids: Iterable[int]) -> tuple[GlossaryEntry, ...]:
        """The glossary entries of ``term_ids``, in the glossary's order."""
        return tuple(self._entries[index] for index in sorted(term_ids))


def mentions(lowered: str, spellings: Sequence[str]) -> bool:
    """Whether ``lowered`` (a text in lower case) holds one of ``spellings`` (in lower case) as
    a whole word or phrase: not inside a longer word or a hyphenated one."""
    for spelling in spellings:
        start = lowered.find(spelling)
        while start != -1:
            end = start + len(spelling)
            if ((start == 0 or not _in_word(lowered[start - 1]))
                    and (end == len(lowered) or not _in_word(lowered[end]))):
                return True
            start = lowered.find(spelling, start + 1)
    return False


def _in_word(char: str) -> bool:
    """A character of a word as a regular expression's ``[\\w-]`` sees it."""
    return char.isalnum() or char in "_-"

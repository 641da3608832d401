"""The layout every human-readable format shares: a :class:`Document` of sections, entries and
lines, the fixed phrases (``TEXT``), and the first-use marks of glossary terms.

Renderers (text, markdown, rich, html) only decide how a :class:`Document` looks; what an
explanation's document says, and in which order, is decided in :mod:`explainer.render.layout`
(comparisons and scenarios have their own layouts of the same model). The lines of ``TEXT``
are cited by the review packet.

The model, from the outside in:

* a :class:`Document` has a title, the disclaimer (drawn first and last) and sections;
* a :class:`Section` has a key (for styling), a title, an optional intro and table, entries;
* an :class:`Entry` is a titled block (a category, a question, a source) with lines and,
  for a category with kinds, child entries;
* a :class:`Line` is one paragraph of a given kind (why, note, source, trace...), carrying
  the :class:`TermMark` of each glossary term first used in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from explainer.explanation.models import (
    Citation,
    KnowledgeInfo,
)
from explainer.render.formats import Audience

# Audiences and formats are listed once, in explainer.render.formats (read by the CLI).

LineKind = Literal["text", "why", "note", "source", "trace", "muted"]


@dataclass(frozen=True)
class TermMark:
    """The first use of a glossary term in a document: where it is in a text, and its number.

    The "Words used here" section lists the term with the same number, so every renderer can
    explain a term where it first appears: text and Markdown put ``[n]`` after it, rich a dim
    ``[n]``, HTML can wrap it in a tooltip (``definition``) or link to the footnote. Use
    :func:`apply_marks` to draw a text with its marks.
    """

    number: int
    term: str
    definition: str
    start: int
    end: int


Marks = tuple[TermMark, ...]


@dataclass(frozen=True)
class Line:
    """One line of an entry. ``kind`` tells a renderer how to style or prefix it."""

    text: str
    kind: LineKind = "text"
    marks: Marks = ()
    """Glossary terms first used in this line (see :class:`TermMark`)."""


@dataclass(frozen=True)
class Entry:
    """A titled item (a category, a subtype, a question) with lines and nested entries."""

    title: str
    badge: str | None = None
    relevance: str | None = None
    lines: tuple[Line, ...] = ()
    children: tuple[Entry, ...] = ()
    bare: bool = False
    """Show only the lines, without the title (notes, the sources paragraph)."""
    title_marks: Marks = ()
    """Glossary terms first used in the title."""
    term_number: int | None = None
    """In "Words used here": the number this term's first use carries (None if unmarked)."""


@dataclass(frozen=True)
class Table:
    """A small table (the summary at a glance, what was entered)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    cell_marks: tuple[tuple[Marks, ...], ...] = ()
    """Glossary terms first used in each cell, row by row (empty when none)."""

    def marks_of(self, row: int, column: int) -> Marks:
        """The marks of one cell."""
        if row < len(self.cell_marks) and column < len(self.cell_marks[row]):
            return self.cell_marks[row][column]
        return ()


@dataclass(frozen=True)
class Section:
    """A section with a heading, an optional intro, a table and entries."""

    key: str
    title: str
    intro: str | None = None
    table: Table | None = None
    entries: tuple[Entry, ...] = ()
    relevance: str | None = None
    intro_marks: Marks = ()


@dataclass(frozen=True)
class Document:
    """An explanation laid out for people: the disclaimer, then sections, then it again."""

    title: str
    disclaimer: str
    sections: tuple[Section, ...] = field(default_factory=tuple)
    audience: Audience = "patient"


# Every fixed, patient-facing phrase of the layout, in one place so that it can be checked for
# plain, non-directive wording like the knowledge base is.
TEXT = {
    "title": "Breast cancer treatment options: an educational overview",
    "often_discussed": "Often discussed",
    "may_be_discussed": "May be discussed",
    "needs_more_information": "Depends on information not known yet",
    "less_likely": "Less likely, and why",
    "entered": "What you entered",
    "entered_intro": "Anything not entered is treated as not known. Nothing is guessed.",
    "from_report": "from your report",
    "from_report_intro": "Values marked 'from your report' were read from the report's "
                         "words. Anything you entered yourself comes first.",
    "factor": "Factor",
    "value": "Entered",
    "glance": "At a glance",
    "glance_intro": "How often each kind of treatment tends to come up for the factors entered.",
    "glance_relevance": "How likely to come up",
    "glance_treatments": "Treatments",
    "no_kind_likely": "None of its kinds is likely for the factors entered.",
    "kinds_often_discussed": "Some kinds are often discussed: {names}. Each kind is explained "
                             "below.",
    "kinds_may_be_discussed": "Some kinds may be discussed: {names}. Each kind is explained "
                              "below.",
    "kinds_needs_more_information": "Whether some kinds come up depends on information not "
                                    "known yet: {names}. Each kind is explained below.",
    "unknown": "Not known yet, and what it could change",
    "unknown_intro": "These factors were not entered. Your care team can tell you what they are.",
    "could_change": "Knowing it could change: {targets}.",
    "you_could_ask": 'You could ask: "{question}"',
    "stage_meaning": "What this stage means, in general",
    "stage_meaning_intro": "This is about the stage in general. It is not a prediction for "
                           "you.",
    "support": "Support and help",
    "notes": "About what you told us",
    "note": "Note",
    "questions": "Questions you could ask your doctor",
    "care_team": "Your care team may include",
    "glossary": "Words used here",
    "sources": "Where this comes from",
    "based_on": "Based on \"{title}\"",
    "reviewed_by": ", reviewed by {reviewer}",
    "last_reviewed": ", last reviewed {date}",
    "guides": "The article does not say which kind of treatment fits which case. Public guides "
              "for patients fill that gap: {guides}.",
    "version": "Knowledge base version {version}, last reviewed {date}.",
    "drafts": "{count} of the statements shown are drafts that a clinician has not reviewed yet.",
    "drafts_listed": "{count} of the statements shown are drafts that a clinician has not "
                     "reviewed yet: {items}.",
    "individual": "Care is different for every person. This cannot replace talking with your "
                  "care team.",
    "local": "local treatment",
    "systemic": "systemic treatment",
    "supportive": "supportive care",
    "research": "research",
}
DRAFT_MARK = "draft, awaiting clinician review"


def apply_marks(text: str, marks: Sequence[TermMark],
                mark: Callable[[str, TermMark], str],
                plain: Callable[[str], str] = lambda part: part) -> str:
    """``text`` drawn with its first-use marks: ``mark(shown_words, term_mark)`` draws each
    marked term and ``plain`` everything else (for example an escaping function)."""
    out: list[str] = []
    position = 0
    for item in sorted(marks, key=lambda item: item.start):
        out.append(plain(text[position:item.start]))
        out.append(mark(text[item.start:item.end], item))
        position = item.end
    out.append(plain(text[position:]))
    return "".join(out)


def cite(citation: Citation, knowledge: KnowledgeInfo) -> str:
    """A short citation: source title (publisher), section, reference markers."""
    publisher = next((source.publisher for source in knowledge.sources
                      if source.id == citation.source), None)
    text = citation.source_title + (f" ({publisher})" if publisher else "")
    text += f', section "{citation.section}"'
    if citation.refs:
        text += f", ref. {', '.join(citation.refs)}"
    return text

"""The layout every human-readable format shares: a :class:`Document` of sections, entries and
lines, the fixed phrases (``TEXT``, read from knowledge/interface.yaml), and the first-use marks
of glossary terms.

Renderers (text, markdown, rich, html) only decide how a :class:`Document` looks; what an
explanation's document says, and in which order, is decided in :mod:`explainer.render.layout`
(comparisons and scenarios have their own layouts of the same model).

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
from explainer.kb.phrases import phrases
from explainer.render.formats import Audience, Detail

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
    refs: tuple[int, ...] = ()
    """Numbers of the source notes this line rests on (the brief view cites each source once,
    in a numbered list at the end, instead of a "Source:" line under every item)."""


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
    note_number: int | None = None
    """In the numbered source notes: the number lines cite this source by."""


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
    listed: bool = False
    """Draw the entries as a compact list ("title: first line"), not as cards."""
    heading: bool = True
    """Draw the title as a heading; when False the intro reads on its own (its first words say
    what it is, as in "You entered: ...")."""


@dataclass(frozen=True)
class Document:
    """An explanation laid out for people: the disclaimer, then sections, then it again."""

    title: str
    disclaimer: str
    sections: tuple[Section, ...] = field(default_factory=tuple)
    audience: Audience = "patient"
    detail: Detail = "full"
    """``brief`` (the short answer first) or ``full`` (everything there is)."""

    def section(self, key: str) -> Section | None:
        """The section with ``key``, or None."""
        return next((section for section in self.sections if section.key == key), None)


# The fixed phrases of this screen live in knowledge/interface.yaml (document:).
TEXT = phrases("document")
LABELS = phrases("handout")
"""The labels of lines (``Why:``, ``Note:``, ``Source:``) and of the disclaimer
(``Important``), shared by every format."""
_LABELLED = ("why", "note", "source")


def line_label(kind: str) -> str:
    """The label a line of ``kind`` starts with (``Why: ``), in the current language; "" for
    a line without one (the clinician's trace has its own, per format)."""
    return LABELS[kind] + " " if kind in _LABELLED else ""


def important() -> str:
    """The label of the disclaimer (``Important``), in the current language."""
    return LABELS["important"]


STATE_MARKS = {"draft": "draft", "source_checked": "checked against its sources, no clinician "
                "yet", "clinician_reviewed": "approved by a clinician"}
"""How the clinician view marks a reason's review state."""


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


def review_sentence(knowledge: KnowledgeInfo) -> str:
    """How much of what is shown a clinician has reviewed, in one plain sentence."""
    count = knowledge.review_states.clinician_reviewed
    if not count:
        return TEXT["not_reviewed"]
    return TEXT["reviewed_some"].format(count=count, total=knowledge.statements_shown)


def cite(citation: Citation, knowledge: KnowledgeInfo) -> str:
    """A short citation: source title (publisher), section, reference markers."""
    publisher = next((source.publisher for source in knowledge.sources
                      if source.id == citation.source), None)
    text = citation.source_title + (f" ({publisher})" if publisher else "")
    text += TEXT["cite_section"].format(section=citation.section)
    if citation.refs:
        text += TEXT["cite_refs"].format(refs=", ".join(citation.refs))
    return text

"""Plain text: wrapped to a width, no colour, readable in any terminal, email or file."""

from __future__ import annotations

import textwrap

from explainer.render.document import (
    Document,
    Entry,
    Line,
    Marks,
    TermMark,
    apply_marks,
    important,
    line_label,
)

TRACE = "[clinician] "
"""The clinician's trace lines (rule ids and conditions) are for clinicians, in English."""


def _marker(shown: str, mark: TermMark) -> str:
    # The number points to the term's plain meaning under "Words used here".
    return f"{shown}[{mark.number}]"


def marked(text: str, marks: Marks) -> str:
    """``text`` with ``[n]`` after each glossary term first used in it."""
    return apply_marks(text, marks, _marker)


def _wrap(text: str, width: int, indent: str, hang: str = "") -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=indent,
                         subsequent_indent=indent + hang, break_on_hyphens=False) or [indent]


def _line(line: Line, width: int, indent: str) -> list[str]:
    prefix = TRACE if line.kind == "trace" else line_label(line.kind)
    return _wrap(prefix + marked(line.text, line.marks), width, indent, " " * len(prefix))


def _entry(entry: Entry, width: int, indent: str, bullet: str) -> list[str]:
    title = marked(entry.title, entry.title_marks)
    if entry.term_number is not None:
        title = f"[{entry.term_number}] {title}"
    title += f" -- {entry.badge}" if entry.badge else ""
    out = _wrap(f"{bullet} {title}", width, indent, "  ")
    for line in entry.lines:
        out.extend(_line(line, width, indent + "    "))
    for child in entry.children:
        out.extend(_entry(child, width, indent + "    ", "-"))
    return out


def _disclaimer(text: str, width: int) -> list[str]:
    bar = "=" * min(width, 72)
    return [bar, *_wrap(important().upper() + ": " + text, min(width, 72), ""), bar]


def render_text(document: Document, width: int = 88) -> str:
    """The document as wrapped plain text, disclaimer first and last."""
    out = _disclaimer(document.disclaimer, width)
    out += ["", document.title.upper(), ""]
    for section in document.sections:
        out += [section.title.upper(), "-" * len(section.title)]
        if section.intro:
            out.extend(_wrap(marked(section.intro, section.intro_marks), width, ""))
        if section.table:
            table = section.table
            rows = [tuple(marked(cell, table.marks_of(row_index, column))
                          for column, cell in enumerate(row))
                    for row_index, row in enumerate(table.rows)]
            key_width = max(len(row[0]) for row in rows) if rows else 0
            for row in rows:
                out.extend(_wrap(f"{row[0]:<{key_width}}  {row[1]}", width, "  ",
                                 " " * (key_width + 2)))
        for entry in section.entries:
            if entry.bare:
                for line in entry.lines:
                    out.extend(_line(line, width, "  "))
            else:
                out.extend(_entry(entry, width, "", "*"))
        out.append("")
    out += _disclaimer(document.disclaimer, width)
    return "\n".join(out) + "\n"

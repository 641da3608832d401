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


def refs(line: Line) -> str:
    """The numbers of the source notes a line cites, as `` [1, 2]`` (empty when none)."""
    return f" [{', '.join(str(number) for number in line.refs)}]" if line.refs else ""


def _line(line: Line, width: int, indent: str) -> list[str]:
    prefix = TRACE if line.kind == "trace" else line_label(line.kind)
    return _wrap(prefix + marked(line.text, line.marks) + refs(line), width, indent,
                 " " * len(prefix))


def _list_entry(entry: Entry, width: int) -> list[str]:
    """A compact list item: ``* Title (badge): first line``, further lines under it."""
    title = marked(entry.title, entry.title_marks)
    if entry.note_number is not None:
        title = f"[{entry.note_number}] {title}"
        return _wrap(title, width, "  ", "    ")
    title += f" ({entry.badge})" if entry.badge else ""
    if not entry.lines:
        return _wrap(f"* {title}", width, "", "  ")
    first, *rest = entry.lines
    out = _wrap(f"* {title}: {marked(first.text, first.marks)}{refs(first)}", width, "", "  ")
    for line in rest:
        out.extend(_line(line, width, "  "))
    return out


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


def _disclaimer(text: str, width: int, bars: bool = True) -> list[str]:
    lines = _wrap(important().upper() + ": " + text, width, "")
    if not bars:
        return lines
    bar = "=" * width
    return [bar, *lines, bar]


def render_text(document: Document, width: int = 88) -> str:
    """The document as wrapped plain text, disclaimer first and last."""
    brief = document.detail == "brief"
    # The full view keeps its boxes 72 wide (easy to read in email); the brief one uses the
    # whole width, without bars, so that it fits one screen.
    box = width if brief else min(width, 72)
    out = _disclaimer(document.disclaimer, box, bars=not brief)
    # The brief view goes straight to the answer (its first line says what was entered).
    out += [""] if brief else ["", document.title.upper(), ""]
    for section in document.sections:
        if section.heading:
            out += [section.title.upper()] if brief else [
                section.title.upper(), "-" * len(section.title)]
        notes = [entry for entry in section.entries if entry.note_number is not None]
        if notes:
            # Numbered source notes read as one paragraph, the intro after them:
            # "[1] A; [2] B. Knowledge base ..."
            paragraph = "; ".join(f"[{entry.note_number}] {entry.title}" for entry in notes)
            stop = "" if paragraph.endswith((".", "?", "!")) else "."
            out.extend(_wrap(f"{paragraph}{stop} {section.intro or ''}".rstrip(), width, ""))
        elif section.intro:
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
            if entry.note_number is not None:
                continue
            if section.listed and entry.bare:
                for line in entry.lines:
                    out.extend(_line(line, width, ""))
            elif section.listed:
                out.extend(_list_entry(entry, width))
            elif entry.bare:
                for line in entry.lines:
                    out.extend(_line(line, width, "  "))
            else:
                out.extend(_entry(entry, width, "", "*"))
        out.append("")
    out += _disclaimer(document.disclaimer, box, bars=not brief)
    return "\n".join(out) + "\n"

"""Markdown: headings, tables and lists, for notes, wikis and printing via any Markdown tool."""

from __future__ import annotations

import re

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

TRACE = "`clinician` "
"""The clinician's trace lines (rule ids and conditions) are for clinicians, in English."""


def _prefix(kind: str) -> str:
    label = line_label(kind).strip()
    if not label:
        return ""
    return f"*{label}* " if kind == "source" else f"**{label}** "


LIST_SECTIONS = ("questions", "care_team", "glossary", "notes", "sources")
"""Sections drawn as lists in the full view too."""
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str) -> str:
    """Escape characters Markdown (or HTML inside it) would treat as markup."""
    return _SPECIAL.sub(r"\\\1", text)


def _marker(shown: str, mark: TermMark) -> str:
    # The number points to the term's plain meaning under "Words used here".
    return f"{escape(shown)}\\[{mark.number}\\]"


def marked(text: str, marks: Marks) -> str:
    """``text`` escaped, with ``[n]`` after each glossary term first used in it."""
    return apply_marks(text, marks, _marker, escape)


def _refs(line: Line) -> str:
    return (" \\[" + ", ".join(str(number) for number in line.refs) + "\\]") if line.refs \
        else ""


def _line(line: Line) -> str:
    text = marked(line.text, line.marks) + _refs(line)
    if line.kind == "trace":
        text = f"`{line.text.replace('`', '')}`"
        return TRACE + text
    if line.kind == "muted":
        return f"*{text}*"
    return _prefix(line.kind) + text


def _entry(entry: Entry, level: int) -> list[str]:
    title = marked(entry.title, entry.title_marks) + (
        f" — *{escape(entry.badge)}*" if entry.badge else "")
    out = [f"{'#' * level} {title}", ""]
    for line in entry.lines:
        out += [_line(line), ""]
    for child in entry.children:
        out += _entry(child, level + 1)
    return out


def render_markdown(document: Document) -> str:
    """The document as GitHub-flavoured Markdown, disclaimer first and last."""
    disclaimer = f"> **{important()}:** {escape(document.disclaimer)}"
    out = [disclaimer, "", f"# {escape(document.title)}", ""]
    for section in document.sections:
        if section.heading:
            out += [f"## {escape(section.title)}", ""]
        if section.intro:
            out += [marked(section.intro, section.intro_marks), ""]
        if section.table:
            table = section.table
            out.append("| " + " | ".join(escape(h) for h in table.headers) + " |")
            out.append("|" + "---|" * len(table.headers))
            out += ["| " + " | ".join(marked(cell, table.marks_of(row_index, column))
                                      for column, cell in enumerate(row)) + " |"
                    for row_index, row in enumerate(table.rows)]
            out.append("")
        listed = section.listed or section.key in LIST_SECTIONS
        for entry in section.entries:
            if section.listed and entry.bare:
                if out[-1] != "":
                    out.append("")
                out += [*(_line(line) for line in entry.lines), ""]
            elif listed:
                out += _list_item(entry)
            else:
                out += _entry(entry, 3)
        if listed and section.entries and not section.entries[-1].bare:
            out.append("")
    out += [disclaimer, ""]
    return "\n".join(out)


def _list_item(entry: Entry) -> list[str]:
    if entry.note_number is not None:
        return [f"{entry.note_number}. {marked(entry.title, entry.title_marks)}"]
    badge = f" ({escape(entry.badge)})" if entry.badge else ""
    if not entry.lines:
        return [f"- {marked(entry.title, entry.title_marks)}{badge}"]
    if entry.bare:
        return [f"- {_line(line)}" for line in entry.lines]
    first, *rest = entry.lines
    number = f"\\[{entry.term_number}\\] " if entry.term_number is not None else ""
    out = [f"- **{number}{marked(entry.title, entry.title_marks)}**{badge}: {_line(first)}"]
    out += [f"  {_line(line)}" for line in rest]
    return out

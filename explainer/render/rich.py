"""Rich terminal output: panels, tables and colour where it helps; plain when piped."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from explainer.render.document import Document, Entry, Line, Marks, important, line_label
from explainer.render.document import Table as TableData

COLOURS = {"often_discussed": "bold green", "may_be_discussed": "bold cyan",
           "needs_more_information": "bold yellow", "less_likely": "bold bright_black"}
STYLE = {"text": "", "muted": "italic", "why": "bold", "note": "bold magenta", "source": "dim",
         "trace": "bold blue"}
TRACE = "clinician: "
"""The clinician's trace lines (rule ids and conditions) are for clinicians, in English."""


def marked(text: str, marks: Marks, style: str = "") -> Text:
    """``text`` with a dim ``[n]`` after each glossary term first used in it (the number of
    its plain meaning under "Words used here")."""
    result = Text()
    position = 0
    for mark in sorted(marks, key=lambda item: item.start):
        result.append(text[position:mark.end], style=style)
        result.append(f"[{mark.number}]", style="dim")
        position = mark.end
    result.append(text[position:], style=style)
    return result


def _line(line: Line) -> Text:
    prefix = TRACE if line.kind == "trace" else line_label(line.kind)
    style = STYLE[line.kind]
    text = Text()
    if prefix:
        text.append(prefix, style=style)
        text.append_text(marked(line.text, line.marks,
                                "dim" if line.kind in ("source", "trace") else ""))
    else:
        text.append_text(marked(line.text, line.marks, style))
    if line.refs:
        # The numbers of the source notes listed under "Where this comes from".
        text.append(f" [{', '.join(str(number) for number in line.refs)}]", style="dim")
    return text


def _list_item(entry: Entry) -> Text:
    """A compact list item: ``• Title (badge): first line``."""
    if entry.note_number is not None:
        item = Text(f"[{entry.note_number}] ", style="dim")
        item.append_text(marked(entry.title, entry.title_marks))
        return item
    item = Text("• ")
    item.append_text(_title(entry) if entry.lines else marked(entry.title, entry.title_marks))
    if entry.badge:
        item.append(" (")
        item.append(entry.badge, style=COLOURS.get(entry.relevance or "", "bold"))
        item.append(")")
    if entry.lines:
        item.append(": ")
        item.append_text(_line(entry.lines[0]))
    return item


def _title(entry: Entry) -> Text:
    title = Text(f"[{entry.term_number}] ", style="dim") if entry.term_number else Text()
    title.append_text(marked(entry.title, entry.title_marks, "bold"))
    return title


def _entry(entry: Entry) -> RenderableType:
    heading = _title(entry)
    if entry.badge:
        heading.append("  ")
        heading.append(f" {entry.badge} ", style=COLOURS.get(entry.relevance or "", "bold"))
    parts: list[RenderableType] = [heading]
    parts += [Padding(_line(line), (0, 0, 0, 2)) for line in entry.lines]
    parts += [Padding(_entry(child), (0, 0, 0, 4)) for child in entry.children]
    return Group(*parts)


def _table(source: TableData, compact: bool = False) -> Table:
    # The brief view draws its table without borders, so that it fits one screen.
    table = Table(show_header=not compact, header_style="bold", expand=False, pad_edge=False,
                  box=None if compact else box.HEAVY_HEAD)
    for header in source.headers:
        table.add_column(header, overflow="fold")
    for row_index, row in enumerate(source.rows):
        table.add_row(*(marked(cell, source.marks_of(row_index, column))
                        for column, cell in enumerate(row)))
    return table


# Over 60 lines on purpose: it draws the document's parts in the order they are shown; the
# other writers (text, markdown) follow the same walk and are read beside it.
def render_rich(document: Document, width: int = 100, color: bool = True) -> str:
    """The document rendered by rich to a string (ANSI colour when ``color``)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, highlight=False,
                      emoji=False, markup=False, legacy_windows=False)
    disclaimer = Panel(Text(document.disclaimer), title=important(), border_style="yellow",
                       expand=True)
    brief = document.detail == "brief"
    if brief:
        # One screen: the disclaimer as a line of its own, not a box.
        disclaimer_line = Text(important().upper() + ": ", style="bold yellow")
        disclaimer_line.append(document.disclaimer)
        console.print(disclaimer_line)
    else:
        console.print(disclaimer)
    if not brief:
        # The brief view goes straight to the answer (its first line says what was entered).
        console.print(Text(document.title, style="bold underline"), justify="center")
    for section in document.sections:
        console.print()
        style = COLOURS.get(section.relevance or "", "bold")
        if section.heading:
            console.print(Rule(Text(section.title, style=style), align="left"))
        notes = [entry for entry in section.entries if entry.note_number is not None]
        if notes:
            # Numbered source notes read as one paragraph, the intro after them.
            paragraph = Text()
            for index, entry in enumerate(notes):
                paragraph.append("; " if index else "")
                paragraph.append(f"[{entry.note_number}] ", style="dim")
                paragraph.append(entry.title)
            paragraph.append(f". {section.intro or ''}".rstrip())
            console.print(paragraph)
        elif section.intro:
            console.print(marked(section.intro, section.intro_marks, "italic"))
        if section.table:
            console.print(_table(section.table, compact=document.detail == "brief"))
        for entry in section.entries:
            if entry.note_number is not None:
                continue
            if section.listed and not entry.bare:
                console.print(Padding(_list_item(entry), (0, 0, 0, 1)))
                for line in entry.lines[1:]:
                    console.print(Padding(_line(line), (0, 0, 0, 4)))
            elif entry.bare:
                for line in entry.lines:
                    console.print(_line(line))
            elif section.key in ("questions", "care_team", "glossary"):
                bullet = Text("• ")
                bullet.append_text(_title(entry) if entry.lines else marked(
                    entry.title, entry.title_marks))
                if entry.lines:
                    bullet.append(": ")
                    bullet.append_text(_line(entry.lines[0]))
                console.print(Padding(bullet, (0, 0, 0, 1)))
                for line in entry.lines[1:]:
                    console.print(Padding(_line(line), (0, 0, 0, 4)))
            else:
                console.print(Padding(_entry(entry), (1, 0, 0, 0)))
    console.print()
    console.print(disclaimer_line if brief else disclaimer)
    text = buffer.getvalue()
    if not color:
        # Without colour codes, rich's padding is just trailing blanks: drop them.
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text

"""Rich terminal output: panels, tables and colour where it helps; plain when piped."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from explainer.render.document import Document, Entry, Line

COLOURS = {"often_discussed": "bold green", "may_be_discussed": "bold cyan",
           "needs_more_information": "bold yellow", "less_likely": "bold bright_black"}
PREFIX = {"text": ("", ""), "muted": ("", "italic"), "why": ("Why: ", "bold"),
          "note": ("Note: ", "bold magenta"), "source": ("Source: ", "dim"),
          "trace": ("clinician: ", "bold blue")}


def _line(line: Line) -> Text:
    prefix, style = PREFIX[line.kind]
    text = Text()
    if prefix:
        text.append(prefix, style=style)
        text.append(line.text, style="dim" if line.kind in ("source", "trace") else "")
    else:
        text.append(line.text, style=style)
    return text


def _entry(entry: Entry) -> RenderableType:
    heading = Text(entry.title, style="bold")
    if entry.badge:
        heading.append("  ")
        heading.append(f" {entry.badge} ", style=COLOURS.get(entry.relevance or "", "bold"))
    parts: list[RenderableType] = [heading]
    parts += [Padding(_line(line), (0, 0, 0, 2)) for line in entry.lines]
    parts += [Padding(_entry(child), (0, 0, 0, 4)) for child in entry.children]
    return Group(*parts)


def _table(headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...], colour_first: bool
           ) -> Table:
    table = Table(show_header=True, header_style="bold", expand=False, pad_edge=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        first = Text(row[0])
        table.add_row(first, *(Text(cell) for cell in row[1:]))
    del colour_first
    return table


def render_rich(document: Document, width: int = 100, color: bool = True) -> str:
    """The document rendered by rich to a string (ANSI colour when ``color``)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, highlight=False,
                      emoji=False, markup=False, legacy_windows=False)
    disclaimer = Panel(Text(document.disclaimer), title="Important", border_style="yellow",
                       expand=True)
    console.print(disclaimer)
    console.print(Text(document.title, style="bold underline"), justify="center")
    for section in document.sections:
        console.print()
        style = COLOURS.get(section.relevance or "", "bold")
        console.print(Rule(Text(section.title, style=style), align="left"))
        if section.intro:
            console.print(Text(section.intro, style="italic"))
        if section.table:
            console.print(_table(section.table.headers, section.table.rows,
                                 section.key == "glance"))
        for entry in section.entries:
            if entry.bare:
                for line in entry.lines:
                    console.print(_line(line))
            elif section.key in ("questions", "care_team", "glossary"):
                bullet = Text("• ")
                bullet.append(entry.title, style="bold" if entry.lines else "")
                if entry.lines:
                    bullet.append(": ")
                    bullet.append_text(_line(entry.lines[0]))
                console.print(Padding(bullet, (0, 0, 0, 1)))
                for line in entry.lines[1:]:
                    console.print(Padding(_line(line), (0, 0, 0, 4)))
            else:
                console.print(Padding(_entry(entry), (1, 0, 0, 0)))
    console.print()
    console.print(disclaimer)
    text = buffer.getvalue()
    if not color:
        # Without colour codes, rich's padding is just trailing blanks: drop them.
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text

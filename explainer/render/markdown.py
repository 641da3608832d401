"""Markdown: headings, tables and lists, for notes, wikis and printing via any Markdown tool."""

from __future__ import annotations

import re

from explainer.render.document import Document, Entry, Line

PREFIX = {"text": "", "muted": "", "why": "**Why:** ", "note": "**Note:** ",
          "source": "*Source:* ", "trace": "`clinician` "}
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str) -> str:
    """Escape characters Markdown (or HTML inside it) would treat as markup."""
    return _SPECIAL.sub(r"\\\1", text)


def _line(line: Line) -> str:
    text = escape(line.text)
    if line.kind == "trace":
        text = f"`{line.text.replace('`', '')}`"
        return PREFIX["trace"] + text
    if line.kind == "muted":
        return f"*{text}*"
    return PREFIX[line.kind] + text


def _entry(entry: Entry, level: int) -> list[str]:
    title = escape(entry.title) + (f" — *{escape(entry.badge)}*" if entry.badge else "")
    out = [f"{'#' * level} {title}", ""]
    for line in entry.lines:
        out += [_line(line), ""]
    for child in entry.children:
        out += _entry(child, level + 1)
    return out


def render_markdown(document: Document) -> str:
    """The document as GitHub-flavoured Markdown, disclaimer first and last."""
    disclaimer = f"> **Important:** {escape(document.disclaimer)}"
    out = [disclaimer, "", f"# {escape(document.title)}", ""]
    for section in document.sections:
        out += [f"## {escape(section.title)}", ""]
        if section.intro:
            out += [escape(section.intro), ""]
        if section.table:
            out.append("| " + " | ".join(escape(h) for h in section.table.headers) + " |")
            out.append("|" + "---|" * len(section.table.headers))
            out += ["| " + " | ".join(escape(cell) for cell in row) + " |"
                    for row in section.table.rows]
            out.append("")
        for entry in section.entries:
            if section.key in ("questions", "care_team", "glossary", "notes", "sources"):
                out += _list_item(entry)
            else:
                out += _entry(entry, 3)
        if section.key in ("questions", "care_team", "glossary", "notes", "sources"):
            out.append("")
    out += [disclaimer, ""]
    return "\n".join(out)


def _list_item(entry: Entry) -> list[str]:
    if not entry.lines:
        return [f"- {escape(entry.title)}"]
    if entry.bare:
        return [f"- {_line(line)}" for line in entry.lines]
    first, *rest = entry.lines
    out = [f"- **{escape(entry.title)}**: {_line(first)}"]
    out += [f"  {_line(line)}" for line in rest]
    return out

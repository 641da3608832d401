"""Drawing the clinician review packet: its blocks (headings, paragraphs, labelled fields,
bullets, tables) as Markdown or one self-contained HTML page, and its statements as CSV.

The packet is laid out in :mod:`explainer.lint.packet`; this module only draws it.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Sequence
from typing import NamedTuple

from explainer.render.dispatch import dispatch
from explainer.render.formats import PACKET_FORMATS

# The packet's blocks are plain named tuples: a heading, a paragraph, labelled fields, bullets,
# and a grid (a table with a header row).


class Heading(NamedTuple):
    level: int
    text: str


class Paragraph(NamedTuple):
    text: str
    style: str = ""
    """``""``, ``quote`` (the disclaimer), ``muted`` or ``code``."""


class Fields(NamedTuple):
    """Labelled values (``Reason: ...``)."""

    items: tuple[tuple[str, str], ...]


class Bullets(NamedTuple):
    items: tuple[str, ...]


class Grid(NamedTuple):
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Fields | Bullets | Grid


def _md_escape(text: str) -> str:
    from explainer.render.markdown import escape

    return escape(text)


def _md_inline(text: str) -> str:
    # `code` spans are kept as they are; the rest is escaped.
    parts = text.split("`")
    return "".join(f"`{part}`" if index % 2 else _md_escape(part)
                   for index, part in enumerate(parts))


def render_markdown(blocks: Sequence[Block]) -> str:
    """The packet as GitHub-flavoured Markdown."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * block.level} {_md_escape(block.text)}", ""]
        elif isinstance(block, Paragraph):
            text = _md_inline(block.text)
            out += [f"> **Important:** {text}" if block.style == "quote"
                    else f"*{text}*" if block.style == "muted" else text, ""]
        elif isinstance(block, Fields):
            out += [f"- **{_md_escape(label)}:** {_md_inline(value)}"
                    for label, value in block.items] + [""]
        elif isinstance(block, Bullets):
            out += [f"  - {_md_inline(item)}" for item in block.items] + [""]
        else:
            out.append("| " + " | ".join(_md_escape(h) for h in block.headers) + " |")
            out.append("|" + "---|" * len(block.headers))
            out += ["| " + " | ".join(_md_inline(cell) for cell in row) + " |"
                    for row in block.rows]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.45; color: #111; }
blockquote { border-left: 0.3rem solid #b45309; background: #fff7ed; margin: 1rem 0;
             padding: 0.6rem 1rem; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0 1.2rem; font-size: 0.92rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.45rem; text-align: left;
         vertical-align: top; }
th { background: #f3f4f6; }
dl { display: grid; grid-template-columns: 13rem 1fr; gap: 0.2rem 0.8rem; margin: 0.4rem 0 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.muted { color: #555; font-style: italic; }
code { background: #f3f4f6; padding: 0 0.2rem; }
h2 { border-bottom: 1px solid #ddd; margin-top: 2rem; }
h4 { margin-bottom: 0.2rem; }
@page { margin: 15mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; line-height: 1.3; }
  blockquote, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-before: page; break-after: avoid; }
  h1 + dl + h2, h2.summary { break-before: avoid; }
  h3, h4 { break-after: avoid; }
  h3, h4, dl, tr, blockquote { break-inside: avoid; }
  thead { display: table-header-group; }
  table { font-size: 9pt; }
  code { background: none; }
}
"""


def _html_inline(text: str) -> str:
    parts = text.split("`")
    return "".join(f"<code>{html.escape(part)}</code>" if index % 2 else html.escape(part)
                   for index, part in enumerate(parts))


def render_html(blocks: Sequence[Block], title: str = "Clinician review packet") -> str:
    """The packet as one self-contained HTML page (no scripts, no external files)."""
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{html.escape(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>"]
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{html.escape(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            text = _html_inline(block.text)
            if block.style == "quote":
                out.append(f"<blockquote><strong>Important:</strong> {text}</blockquote>")
            else:
                style = ' class="muted"' if block.style == "muted" else ""
                out.append(f"<p{style}>{text}</p>")
        elif isinstance(block, Fields):
            out.append("<dl>" + "".join(f"<dt>{html.escape(label)}</dt><dd>"
                                        f"{_html_inline(value)}</dd>"
                                        for label, value in block.items) + "</dl>")
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{_html_inline(item)}</li>"
                                        for item in block.items) + "</ul>")
        else:
            head = "".join(f"<th>{html.escape(h)}</th>" for h in block.headers)
            body = "".join("<tr>" + "".join(f"<td>{_html_inline(cell)}</td>" for cell in row)
                           + "</tr>" for row in block.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_csv(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A table for a spreadsheet (UTF-8 with a byte-order mark, so that Excel reads the
    accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def render_packet(fmt: str, blocks: Callable[[], Sequence[Block]],
                  table: Callable[[], tuple[Sequence[str], Sequence[Sequence[object]]]]) -> str:
    """The packet as ``fmt`` (one of :data:`~explainer.render.formats.PACKET_FORMATS`):
    ``blocks`` for Markdown and HTML, ``table`` (columns, rows) for CSV."""
    writers: dict[str, Callable[[], str]] = {
        "markdown": lambda: render_markdown(blocks()),
        "html": lambda: render_html(blocks()),
        "csv": lambda: render_csv(*table()),
    }
    return dispatch(fmt, {name: writers[name] for name in PACKET_FORMATS})

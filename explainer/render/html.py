"""A printable handout: one self-contained HTML file for the screen, A4 or Letter paper.

Everything is inline: the CSS is in a ``<style>`` element, there is no script, and nothing is
fetched (no font, image, stylesheet or frame; a Content-Security-Policy in the page forbids it
too). The only links are plain links to the sources. Every text printed is escaped, and the
markup is well-formed XML as well as HTML, so that a strict parser can check it.

The public API, for the command line and the local web page:

* :func:`render_html` -- an explanation as a complete handout page (registered as ``html``);
* :func:`render_document_html` -- any :class:`~explainer.render.document.Document` (for example a
  comparison) as a complete page;
* :func:`document_body` -- the same content as a fragment to place inside another page, with
  :data:`explainer.render.style.STYLE` as its stylesheet;
* :func:`page` -- wraps a body fragment in the page shell (disclaimer first and last, footer on
  every printed page).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from explainer.explanation.models import Explanation, SourceInfo, topics_in_order
from explainer.kb.phrases import language, phrases
from explainer.render.document import (
    Document,
    Entry,
    Line,
    Marks,
    Section,
    TermMark,
    apply_marks,
)
from explainer.render.formats import Audience, Handout, default_handout
from explainer.render.style import STYLE

Paper = Literal["auto", "a4", "letter"]
"""``auto`` lets the browser's print dialog choose the paper; ``a4``/``letter`` fix it."""

LANG: str | None = None
"""The page's ``lang`` when none is given: the language of the active phrases (see
:func:`explainer.kb.phrases.language`)."""

# The fixed phrases of this screen live in knowledge/interface.yaml (handout:).
TEXT = phrases("handout")

# Lines kept blank under each question, and in the notes box, for handwriting.
NOTE_LINES_PER_QUESTION = 2
NOTE_LINES_AT_END = 6


def escape(text: str) -> str:
    """Text made safe for HTML content and attribute values (quotes included)."""
    return html.escape(text, quote=True)


def _mark(shown: str, mark: TermMark) -> str:
    # A term at its first use: its plain meaning on hover (screen), and on paper its number,
    # which the "Words used here" list carries too.
    return (f'<span class="term" title="{escape(mark.definition)}">{escape(shown)}</span>'
            f'<sup class="mark"><a href="#term-{mark.number}">{mark.number}</a></sup>')


def marked(text: str, marks: Marks) -> str:
    """``text`` escaped, with each glossary term first used in it marked and linked."""
    return apply_marks(text, marks, _mark, escape)


def _css_string(text: str) -> str:
    """A CSS string literal (for ``content:``) holding ``text`` and nothing else."""
    safe = "".join(char if char.isalnum() or char in " .,:;!?'()-" else f"\\{ord(char):x} "
                   for char in text)
    return f'"{safe}"'


def page_rules(paper: Paper) -> str:
    """The @page rules for printing on ``paper`` (also served to the web page's print CSS)."""
    size = {"auto": "", "a4": " size: A4;", "letter": " size: letter;"}[paper]
    # A short reminder and the page number on every printed page (CSS page-margin boxes).
    return ("@page {" + size + " @bottom-left { content: " + _css_string(TEXT["footer"])
            + "; " + _MARGIN_BOX + " } @bottom-right { content: "
            + _css_string(TEXT["page"]) + " counter(page) " + _css_string(TEXT["of"])
            + " counter(pages); " + _MARGIN_BOX + " } }")


# Page-margin boxes do not inherit the body's font: give them the same one.
_MARGIN_BOX = ("font: 8pt system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", "
               "Arial, sans-serif; color: #555;")


@dataclass(frozen=True)
class Callout:
    """A highlighted box shown before the content (for example a demo's teaching point)."""

    title: str
    text: str


def _disclaimer(text: str, where: Literal["top", "bottom"]) -> str:
    tag = "header" if where == "top" else "div"
    return (f'<{tag} class="disclaimer" role="note"><p><strong>{escape(TEXT["important"])}:'
            f"</strong> {escape(text)}</p></{tag}>")


def page(title: str, body: str, disclaimer: str, *, lang: str | None = LANG,
         paper: Paper = "auto", closing: str = "", brief: bool = False) -> str:
    """A complete, self-contained page: ``body`` between the disclaimer, first and last.

    ``body`` must already be escaped HTML (as :func:`document_body` returns). ``closing``
    (escaped HTML too) goes in the footer, just before the last disclaimer, and is printed
    on one page with it: the last page never holds the closing box alone. ``brief`` marks
    the brief handout, printed denser to fit two pages.
    """
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang or language())}">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        # Nothing may be loaded or run: styles are inline and there is no script.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\" />",
        '<meta name="referrer" content="no-referrer" />',
        f"<title>{escape(title)}</title>",
        f"<style>\n{STYLE}\n{page_rules(paper)}\n</style>",
        "</head>",
        '<body class="brief">' if brief else "<body>",
        _disclaimer(disclaimer, "top"),
        "<main>",
        body,
        "</main>",
        '<footer class="closing">',
        *([closing] if closing else []),
        _disclaimer(disclaimer, "bottom"),
        "</footer>",
        "</body>",
        "</html>",
        "",
    ])


_PREFIX = {"why": "why", "note": "note", "source": "source", "trace": "trace"}


def _line(line: Line) -> str:
    css = line.kind
    label = TEXT[_PREFIX[line.kind]] if line.kind in _PREFIX else ""
    prefix = f'<span class="label">{escape(label)}</span> ' if label else ""
    return f'<p class="line {css}">{prefix}{marked(line.text, line.marks)}</p>'


def _badge(entry: Entry) -> str:
    if not entry.badge:
        return ""
    return f' <span class="badge {escape(entry.relevance or "")}">{escape(entry.badge)}</span>'


def _entry(entry: Entry, level: int) -> str:
    # Short entries stay whole on a page; long ones (with kinds inside) may break.
    leaf = "" if entry.children else " leaf"
    parts = [f'<div class="entry {escape(entry.relevance or "")}{leaf}">',
             f"<h{level}>{marked(entry.title, entry.title_marks)}{_badge(entry)}</h{level}>"]
    parts += [_line(line) for line in entry.lines]
    if entry.children:
        parts.append('<ul class="kinds">')
        parts += [f"<li>{_entry(child, min(level + 1, 6))}</li>" for child in entry.children]
        parts.append("</ul>")
    parts.append("</div>")
    return "\n".join(parts)


def _table(section: Section) -> str:
    assert section.table is not None
    head = "".join(f'<th scope="col">{escape(cell)}</th>' for cell in section.table.headers)
    table = section.table
    rows = "".join(
        "<tr>" + f'<th scope="row">{marked(row[0], table.marks_of(index, 0))}</th>'
        + "".join(f"<td>{marked(cell, table.marks_of(index, column))}</td>"
                  for column, cell in enumerate(row[1:], start=1)) + "</tr>"
        for index, row in enumerate(table.rows))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _write_lines(count: int) -> str:
    return "".join('<div class="write"></div>' for _ in range(count))


def _definition_list(entries: Sequence[Entry]) -> str:
    items = []
    for entry in entries:
        # Each term with its meaning in one group, so that a column or page never splits them.
        # A numbered term is where the marks in the text point.
        number = entry.term_number
        anchor = f' id="term-{number}"' if number is not None else ""
        shown = (f'<span class="num">{number}</span>' if number is not None else "") + \
            marked(entry.title, entry.title_marks)
        items.append(f'<div class="term"><dt{anchor}>{shown}</dt>'
                     + "".join(f"<dd>{marked(line.text, line.marks)}</dd>"
                               for line in entry.lines)
                     + "</div>")
    return "<dl>" + "".join(items) + "</dl>"


def _questions(section: Section, explanation: Explanation | None, audience: Audience,
               grouped: bool = True) -> str:
    parts = [f'<p class="intro">{escape(TEXT["questions_intro"])}</p>']
    marks = {entry.title: entry.title_marks for entry in section.entries}
    if explanation is None or not grouped:
        # (The brief handout keeps its few questions in the order that matters most.)
        groups: list[tuple[str | None, list[tuple[str, str | None]]]] = [
            (None, [(entry.title, None) for entry in section.entries])]
    else:
        groups = []
        for topic in topics_in_order(explanation.questions):
            chosen: list[tuple[str, str | None]] = [
                (question.text, question.origin) for question in explanation.questions
                if question.topic == topic]
            if chosen:
                groups.append((TEXT[f"topic_{topic}"], chosen))
    number = 1
    for heading, questions in groups:
        if heading:
            parts.append(f"<h3>{escape(heading)}</h3>")
        parts.append(f'<ol class="questions" start="{number}">')
        for text, origin in questions:
            trace = (f'<p class="line trace">{escape(TEXT["from"].format(origin=origin))}</p>'
                     if audience == "clinician" and origin else "")
            # A question's glossary terms are marked like any other line.
            parts.append(f"<li><p>{marked(text, marks.get(text, ()))}</p>{trace}"
                         f"{_write_lines(NOTE_LINES_PER_QUESTION)}</li>")
            number += 1
        parts.append("</ol>")
    return "\n".join(parts)


def _source_link(source: SourceInfo) -> str:
    title = escape(source.title)
    # Only plain web links are printed as links; anything else stays text.
    if source.url and source.url.startswith(("https://", "http://")):
        title = f'<a class="source-link" href="{escape(source.url)}">{title}</a>'
    # The source's own reviewer is not named: a reader could take it for a review of this
    # tool's explanations (how much of those a clinician reviewed is said above).
    details = [escape(source.publisher)] if source.publisher else []
    if source.last_reviewed:
        details.append(escape(source.last_reviewed))
    return f"<li>{title}" + (f" ({', '.join(details)})" if details else "") + "</li>"


def _section(section: Section, explanation: Explanation | None, audience: Audience,
             grouped: bool = True) -> str:
    parts = [f'<section class="{escape(section.key)}">', f"<h2>{escape(section.title)}</h2>"]
    if section.intro:
        parts.append(f'<p class="intro">{marked(section.intro, section.intro_marks)}</p>')
    if section.table is not None:
        parts.append(_table(section))
    if section.key == "questions":
        parts.append(_questions(section, explanation, audience, grouped))
    elif section.key in ("care_team", "glossary"):
        parts.append(_definition_list(section.entries))
    elif section.listed:
        # A compact list ("Start here"): plain lines, and the items between them as a list.
        items: list[str] = []
        for entry in section.entries:
            if not entry.bare:
                items.append("<li>" + " ".join(
                    [marked(entry.title, entry.title_marks)]
                    + [marked(line.text, line.marks) for line in entry.lines]) + "</li>")
                continue
            if items:
                parts.append('<ul class="listed">' + "".join(items) + "</ul>")
                items = []
            parts += [_line(line) for line in entry.lines]
        if items:
            parts.append('<ul class="listed">' + "".join(items) + "</ul>")
    else:
        for entry in section.entries:
            if entry.bare:
                parts += [_line(line) for line in entry.lines]
            else:
                parts.append(_entry(entry, 3))
    # (The brief handout names its source once, with its date, and leaves the list out.)
    if section.key == "sources" and explanation is not None and grouped:
        parts.append(f"<h3>{escape(TEXT['sources_list'])}</h3>")
        parts.append('<ul class="plain">' + "".join(
            _source_link(source) for source in explanation.knowledge.sources) + "</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def document_parts(document: Document, explanation: Explanation | None = None, *,
                   callout: Callout | None = None,
                   notes_box: bool = True) -> tuple[str, str]:
    """The content of ``document`` as two HTML fragments: the body, and what closes it (the
    notes box; without one, the last section), which :func:`page` prints on one page with the
    closing disclaimer. See :func:`document_body`."""
    parts = [f"<h1>{escape(document.title)}</h1>"]
    if explanation is not None:
        knowledge = explanation.knowledge
        parts.append('<p class="subtitle">' + escape(TEXT["subtitle"].format(
            version=knowledge.version, date=knowledge.last_reviewed)) + "</p>")
    if callout is not None:
        parts.append(f'<div class="callout"><p><strong>{escape(callout.title)}</strong></p>'
                     f"<p>{escape(callout.text)}</p></div>")
    sections = [_section(section, explanation, document.audience, document.detail == "full")
                for section in document.sections]
    if not notes_box:
        return "\n".join(parts + sections[:-1]), "\n".join(sections[-1:])
    # The notes box (not the list of sources, which can fill a page of its own) goes with the
    # closing disclaimer, so that the last page never holds the disclaimer alone.
    closing = (f'<section class="notes-box"><h2>{escape(TEXT["my_notes"])}</h2>'
               f"{_write_lines(NOTE_LINES_AT_END)}</section>")
    return "\n".join(parts + sections), closing


def document_body(document: Document, explanation: Explanation | None = None, *,
                  callout: Callout | None = None, notes_box: bool = True) -> str:
    """The content of ``document`` as an HTML fragment (no disclaimer: :func:`page` adds it).

    With ``explanation``, questions are grouped by topic with room for notes, and the sources
    are listed with their dates and links. ``callout`` is shown under the title.
    """
    return "\n".join(document_parts(document, explanation, callout=callout,
                                    notes_box=notes_box))


def render_document_html(document: Document, explanation: Explanation | None = None, *,
                         callout: Callout | None = None, notes_box: bool = True,
                         lang: str | None = LANG, paper: Paper = "auto") -> str:
    """Any :class:`Document` (an explanation, a comparison) as one self-contained page."""
    body, closing = document_parts(document, explanation, callout=callout,
                                   notes_box=notes_box)
    return page(document.title, body, document.disclaimer, lang=lang, paper=paper,
                closing=closing, brief=document.detail == "brief")


def render_html(explanation: Explanation, audience: Audience = "patient", *,
                callout: Callout | None = None, lang: str | None = LANG,
                paper: Paper = "auto", handout: Handout | None = None) -> str:
    """The printable handout for ``explanation``: a complete, self-contained HTML page.

    It holds the disclaimer (first and last, and a reminder on every printed page), what was
    entered, the categories by relevance with reasons and sources, what unknowns could change,
    questions for the doctor with room for notes, the care team, the terms used, and the
    sources with their review dates. ``paper`` fixes the printed page size (default: the print
    dialog's choice; the layout fits A4 and Letter).

    ``handout="brief"`` (a patient's default) prints only what helps at the visit, on at most
    two pages: what was entered, "In short", the table at a glance, the questions that matter
    most with room for notes, the care team, the words used, the source and its date
    (:func:`explainer.render.handout.build_brief_handout`). ``full`` (clinicians' default)
    prints everything.
    """
    from explainer.render.handout import handout_document

    chosen = handout or default_handout(audience)
    document = handout_document(explanation, audience, chosen)
    # Each question of the brief handout has its own lines for notes: no notes box.
    return render_document_html(document, explanation, callout=callout, lang=lang, paper=paper,
                                notes_box=chosen == "full")

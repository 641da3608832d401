"""Showing a :class:`~explainer.explanation.report.model.ReportReading`: text, Markdown, rich
and JSON, chosen through the one dispatch (:func:`render_report`).

All four read the same model; every fixed phrase comes from knowledge/report.yaml. The
disclaimer opens and closes every human-readable format, and is a key of the JSON.
"""

from __future__ import annotations

import io
import json
import re
import textwrap

from explainer.explanation.report.model import ReportReading
from explainer.kb.report import ReportKnowledge
from explainer.render.dispatch import dispatch
from explainer.render.formats import REPORT_FORMATS

_PROFILE_ITEMS = {"hr_status": "hr_status", "her2_status": "her2_status", "nodes": "nodes",
                  "brca_mutation": "brca"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def profile_lines(reading: ReportReading, kb: ReportKnowledge) -> list[str]:
    """One plain line per factor the report settles, e.g. "HER2-low"."""
    lines = []
    for factor, value in reading.profile.items():
        if factor == "stage":
            lines.append(kb.phrase("profile_stage", stage=value))
        else:
            lines.append(kb.meaning(_PROFILE_ITEMS[factor], value).label)
    return lines


def _term_pattern(spelling: str) -> str:
    body = re.escape(spelling)
    # Short capital acronyms (ER, T, N0) count only in capitals: "er" or "t" are not them.
    if len(spelling) <= 4 and spelling.upper() == spelling:
        return f"(?-i:{body})"
    return body


def terms_used(reading: ReportReading, kb: ReportKnowledge) -> list[tuple[str, str]]:
    """(term, definition) of each term of art that the shown findings use, in report.yaml's
    order, so every one is explained."""
    shown = " ".join(f"{finding.label} {finding.means}" for finding in reading.findings)
    used = []
    for term in kb.report.terms:
        spellings = sorted({term.term, *term.aliases}, key=len, reverse=True)
        pattern = "|".join(_term_pattern(spelling) for spelling in spellings)
        if re.search(rf"(?<![\w-])(?:{pattern})(?![\w])", shown, re.IGNORECASE):
            used.append((term.term, term.definition))
    return used


def render_json(reading: ReportReading) -> str:
    """The JSON document (schema_version 1)."""
    return json.dumps(reading.to_json(), indent=2, ensure_ascii=False) + "\n"


def render_text(reading: ReportReading, kb: ReportKnowledge, width: int = 88) -> str:
    """Plain text, wrapped to ``width``."""
    def wrap(text: str, indent: str = "", hang: str | None = None) -> list[str]:
        return textwrap.wrap(text, width, initial_indent=indent,
                             subsequent_indent=indent if hang is None else hang,
                             break_long_words=False, break_on_hyphens=False) or [""]

    def heading(text: str) -> list[str]:
        return ["", text, "-" * min(len(text), width)]

    out = [*wrap(reading.disclaimer), "", kb.phrase("title"), "=" * min(len(kb.phrase("title")),
                                                                      width)]
    if not reading.findings and not reading.conflicts:
        out += ["", *wrap(kb.phrase("nothing_found"))]
    else:
        out += heading(kb.phrase("findings"))
        for finding in reading.findings:
            out += ["", *wrap(f"* {finding.label}", "", "  ")]
            out += wrap(f'{kb.phrase("item_labels")}: "{finding.text}"', "  ")
            out += wrap(finding.means, "  ")
            out += wrap(f'{kb.phrase("source_label")}: {finding.source}', "  ")
        out += heading(kb.phrase("profile"))
        lines = profile_lines(reading, kb)
        out += [line for item in lines for line in wrap(f"* {item}", "", "  ")] or wrap(
            kb.phrase("profile_none"))
    if reading.conflicts:
        out += heading(kb.phrase("conflicts"))
        for conflict in reading.conflicts:
            quoted = "; ".join(f'"{text}"' for text in conflict.texts)
            out += ["", *wrap(f"* {quoted}", "", "  "), *wrap(conflict.means, "  ")]
    if reading.not_understood:
        out += heading(kb.phrase("not_understood"))
        out += wrap(kb.phrase("not_understood_help"))
        for text in reading.not_understood:
            out += wrap(f'* "{text}"', "", "  ")
    words = terms_used(reading, kb)
    if words:
        out += heading(kb.phrase("words_used"))
        for term, definition in words:
            out += wrap(f"* {term}: {definition}", "", "  ")
    if reading.sources:
        out += heading(kb.phrase("sources"))
        for short, full in reading.sources:
            out += wrap(f"* {short}: {full}", "", "  ")
    if reading.profile:
        out += ["", *wrap(kb.phrase("next_step"))]
    out += ["", *wrap(reading.disclaimer)]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render_markdown(reading: ReportReading, kb: ReportKnowledge) -> str:
    """Markdown: headings and lists; the report's own words are escaped."""
    out = [f"> {_md(reading.disclaimer)}", "", f"# {_md(kb.phrase('title'))}"]
    if not reading.findings and not reading.conflicts:
        out += ["", _md(kb.phrase("nothing_found"))]
    else:
        out += ["", f"## {_md(kb.phrase('findings'))}", ""]
        for finding in reading.findings:
            out.append(f"- **{_md(finding.label)}** ({_md(kb.phrase('item_labels')).lower()}: "
                       f"\u201c{_md(finding.text)}\u201d). {_md(finding.means)} "
                       f"*{_md(kb.phrase('source_label'))}: {_md(finding.source)}*")
        out += ["", f"## {_md(kb.phrase('profile'))}", ""]
        lines = profile_lines(reading, kb)
        out += [f"- {_md(line)}" for line in lines] or [_md(kb.phrase("profile_none"))]
    if reading.conflicts:
        out += ["", f"## {_md(kb.phrase('conflicts'))}", ""]
        for conflict in reading.conflicts:
            quoted = "; ".join(f"\u201c{_md(text)}\u201d" for text in conflict.texts)
            out.append(f"- {quoted}: {_md(conflict.means)}")
    if reading.not_understood:
        out += ["", f"## {_md(kb.phrase('not_understood'))}", "",
                _md(kb.phrase("not_understood_help")), ""]
        out += [f"- \u201c{_md(text)}\u201d" for text in reading.not_understood]
    words = terms_used(reading, kb)
    if words:
        out += ["", f"## {_md(kb.phrase('words_used'))}", ""]
        out += [f"- **{_md(term)}**: {_md(definition)}" for term, definition in words]
    if reading.sources:
        out += ["", f"## {_md(kb.phrase('sources'))}", ""]
        out += [f"- **{_md(short)}**: {_md(full)}" for short, full in reading.sources]
    if reading.profile:
        out += ["", _md(kb.phrase("next_step"))]
    out += ["", f"> {_md(reading.disclaimer)}"]
    return "\n".join(out) + "\n"


def render_rich(reading: ReportReading, kb: ReportKnowledge, width: int = 88,
                color: bool = False) -> str:
    """Rich terminal output (plain text when ``color`` is False), rendered to a string."""
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system=(
        "standard" if color else None), no_color=not color, highlight=False, emoji=False)
    console.print(Panel(escape(reading.disclaimer), border_style="yellow"))
    console.print(f"[bold]{escape(kb.phrase('title'))}[/bold]")
    if not reading.findings and not reading.conflicts:
        console.print(escape(kb.phrase("nothing_found")))
    else:
        table = Table(title=kb.phrase("findings"), show_lines=True, expand=True)
        table.add_column(kb.phrase("item_labels"), ratio=2)
        table.add_column(kb.phrase("meaning_label"), ratio=5)
        for finding in reading.findings:
            table.add_row(f"[bold]{escape(finding.label)}[/bold]\n\u201c{escape(finding.text)}"
                          "\u201d",
                          f"{escape(finding.means)}\n[dim]{escape(kb.phrase('source_label'))}: "
                          f"{escape(finding.source)}[/dim]")
        console.print(table)
        lines = profile_lines(reading, kb)
        body = "\n".join(f"\u2022 {escape(line)}" for line in lines) or escape(
            kb.phrase("profile_none"))
        console.print(Panel(body, title=escape(kb.phrase("profile")), border_style="green"))
    if reading.conflicts:
        console.print(f"[bold red]{escape(kb.phrase('conflicts'))}[/bold red]")
        for conflict in reading.conflicts:
            quoted = "; ".join(f"\u201c{escape(text)}\u201d" for text in conflict.texts)
            console.print(f"\u2022 {quoted}\n  {escape(conflict.means)}")
    if reading.not_understood:
        console.print(f"[bold]{escape(kb.phrase('not_understood'))}[/bold]")
        console.print(escape(kb.phrase("not_understood_help")))
        for text in reading.not_understood:
            console.print(f"\u2022 \u201c{escape(text)}\u201d")
    words = terms_used(reading, kb)
    if words:
        console.print(f"[bold]{escape(kb.phrase('words_used'))}[/bold]")
        for term, definition in words:
            console.print(f"\u2022 [bold]{escape(term)}[/bold]: {escape(definition)}")
    if reading.sources:
        console.print(f"[bold]{escape(kb.phrase('sources'))}[/bold]")
        for short, full in reading.sources:
            console.print(f"\u2022 [bold]{escape(short)}[/bold]: {escape(full)}")
    if reading.profile:
        console.print(escape(kb.phrase("next_step")))
    console.print(Panel(escape(reading.disclaimer), border_style="yellow"))
    return buffer.getvalue()


def render_report(reading: ReportReading, kb: ReportKnowledge, fmt: str, width: int = 88,
                  color: bool = False) -> str:
    """Render ``reading`` as ``fmt``, one of :data:`~explainer.render.formats.REPORT_FORMATS`."""
    writers = {"rich": lambda: render_rich(reading, kb, width=width, color=color),
               "text": lambda: render_text(reading, kb, width=width),
               "markdown": lambda: render_markdown(reading, kb),
               "json": lambda: render_json(reading)}
    return dispatch(fmt, {name: writers[name] for name in REPORT_FORMATS})

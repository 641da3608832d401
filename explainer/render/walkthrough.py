"""The screens of ``explainer demo``: a teaching scenario (its teaching point, then its whole
explanation) and the walkthrough's steps.

The walkthrough's parts are built as plain data (:func:`walkthrough_steps`) and drawn by rich
(``rich``/``text``) or as Markdown, so a web page can show the same steps.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from explainer.kb.phrases import phrases
from explainer.render.dispatch import dispatch, document_writers
from explainer.render.document import Entry, Line, Section, important
from explainer.render.formats import SCREEN_FORMATS, Audience
from explainer.render.layout import build_document

if TYPE_CHECKING:
    from rich.console import Console

    from explainer.explanation.api import Explainer
    from explainer.explanation.compare import Comparison
    from explainer.explanation.models import Explanation
    from explainer.kb.scenarios import LoadedScenario
    from explainer.render.document import Document

# The fixed phrases of this screen live in knowledge/interface.yaml (demo:).
TEXT = phrases("demo")


MAX_CHANGES = 5
"""Changes listed on one walkthrough screen; more are counted, so that a screen fits 100x40."""
SCREEN_LINES = 40
SCREEN_WIDTH = 100


# -- one scenario ---------------------------------------------------------------------------


def scenario_document(loaded: LoadedScenario, explanation: Explanation,
                      audience: Audience = "patient") -> Document:
    """The explanation's layout with the scenario's teaching point as its first section."""
    scenario = loaded.scenario
    lines = [Line(f"{TEXT['teaching_point']}: {scenario.teaching_point}", "text")]
    if scenario.ask_the_room:
        lines.append(Line(f"{TEXT['ask_the_room']}: {scenario.ask_the_room}", "text"))
    section = Section(key="scenario", title=TEXT["scenario"].format(title=scenario.title),
                      entries=(Entry(title=scenario.title, bare=True, lines=tuple(lines)),))
    document = build_document(explanation, audience)
    return replace(document, sections=(section, *document.sections))


def render_scenario(loaded: LoadedScenario, explanation: Explanation, fmt: str = "text",
                    audience: Audience = "patient", *, width: int = 88, color: bool = False) -> str:
    """One scenario in any format: its teaching point, then its whole explanation."""
    scenario = loaded.scenario

    def data() -> str:
        found = {"scenario": {"id": scenario.id, "title": scenario.title,
                              "teaching_point": scenario.teaching_point,
                              "ask_the_room": scenario.ask_the_room,
                              "profile": explanation.profile},
                 "explanation": json.loads(explanation.model_dump_json())}
        return json.dumps(found, indent=2, ensure_ascii=False) + "\n"

    def page() -> str:
        from explainer.render.html import Callout, render_html

        callout = Callout(TEXT["scenario"].format(title=scenario.title),
                          f"{TEXT['teaching_point']}: {scenario.teaching_point}")
        return render_html(explanation, audience, callout=callout, handout="full")

    return dispatch(fmt, document_writers(
        lambda: scenario_document(loaded, explanation, audience), json=data, html=page,
        width=width, color=color))


# -- the walkthrough --------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One screen of the walkthrough: a heading, paragraphs, and an optional two-column table.

    ``paragraphs`` are (label, text) pairs; a label may be empty.
    """

    heading: str
    paragraphs: tuple[tuple[str, str], ...] = ()
    table: tuple[tuple[str, str], ...] = ()
    bullets_title: str | None = None
    bullets: tuple[str, ...] = ()
    footer: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    disclaimer: str | None = None
    """Shown as a box (the first and last steps)."""


def walkthrough_steps(explainer: Explainer, scenarios: Sequence[LoadedScenario]
                      ) -> list[Step]:
    """The walkthrough as plain data: an opening, one step per scenario, and a closing."""
    from explainer.explanation.compare import compare
    from explainer.kb.models import RELEVANCE_ORDER
    from explainer.render.entered import labelled

    explanations = {item.id: explainer.explain(item.profile) for item in scenarios}
    first = explanations[scenarios[0].id]
    steps = [Step(
        heading=TEXT["tour_title"], disclaimer=first.disclaimer,
        paragraphs=(("", TEXT["tour_intro"].format(count=len(scenarios))),),
        bullets_title=TEXT["labels"],
        bullets=tuple(f"{entry.label}: {entry.meaning}" for entry in first.legend))]
    titles = {item.id: item.scenario.title for item in scenarios}
    for number, item in enumerate(scenarios, start=1):
        scenario = item.scenario
        explanation = explanations[item.id]
        # Every value labelled where it does not say what it is ("Age: 84", not "84").
        entered = " · ".join(
            labelled(entry.label, entry.value_label) if entry.known
            else f"{entry.label}: {entry.value_label}"
            for entry in explanation.entered if entry.core or entry.known)
        labels = {entry.relevance: entry.label for entry in explanation.legend}
        table = tuple(
            (labels[relevance], ", ".join(category.name for category in explanation.categories
                                          if category.relevance == relevance))
            for relevance in RELEVANCE_ORDER
            if any(category.relevance == relevance for category in explanation.categories))
        paragraphs = [(TEXT["teaching_point"], scenario.teaching_point),
                      (TEXT["entered"], entered)]
        bullets: list[str] = []
        bullets_title = None
        if scenario.compare_with is not None:
            bullets_title = TEXT["changed_from"].format(title=titles[scenario.compare_with])
            bullets = _change_bullets(compare(explanations[scenario.compare_with], explanation))
        footer = []
        if scenario.ask_the_room:
            footer.append((TEXT["ask_the_room"], scenario.ask_the_room))
        footer.append(("", TEXT["more"].format(name=item.id)))
        steps.append(Step(
            heading=TEXT["step"].format(number=number, count=len(scenarios),
                                        title=scenario.title),
            paragraphs=tuple(paragraphs), table=table, bullets_title=bullets_title,
            bullets=tuple(bullets), footer=tuple(footer)))
    steps.append(Step(heading=TEXT["end_title"], paragraphs=(("", TEXT["end_text"]),),
                      disclaimer=first.disclaimer))
    return steps


def _change_bullets(comparison: Comparison) -> list[str]:
    """What changed since the scenario compared with, as a step's bullets."""
    from explainer.render.brief import first_sentence

    bullets: list[str] = []
    # One screen per scenario (100x40): the first changes with the first sentence of
    # why, the rest counted (the scenario's own page shows them all).
    for change in comparison.changes[:MAX_CHANGES]:
        bullets.append(f"{change.name}: {change.before_label} → {change.after_label}")
        if change.reasons_after and not any(
                other.category == change.id for other in comparison.changes):
            bullets.append("    " + TEXT["why_now"].format(
                text=first_sentence(change.reasons_after[0].text)))
    if len(comparison.changes) > MAX_CHANGES:
        bullets.append(TEXT["more_changes"].format(
            count=len(comparison.changes) - MAX_CHANGES))
    if not comparison.changes:
        bullets.append(TEXT["no_change"])
    if comparison.reasons_changed:
        bullets.append(TEXT["same_but"].format(names=", ".join(
            change.name for change in comparison.reasons_changed)))
    bullets += [TEXT["new_question"].format(text=text)
                for text in comparison.questions_added[:2]]
    return bullets


def _rich_step(step: Step, console: Console) -> None:
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    if step.disclaimer and step.heading != TEXT["end_title"]:
        console.print(Panel(Text(step.disclaimer), title=important(), border_style="yellow"))
    console.print(Rule(Text(step.heading, style="bold"), align="left"))
    for label, text in step.paragraphs:
        line = Text()
        if label:
            line.append(f"{label}: ", style="bold")
        line.append(text, style="bold cyan" if label == TEXT["teaching_point"] else "")
        console.print(line)
    if step.table:
        table = Table(show_header=False, box=None, pad_edge=False, padding=(0, 2, 0, 2))
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        for row in step.table:
            table.add_row(*row)
        console.print(Text(TEXT["glance"], style="bold"))
        console.print(table)
    if step.bullets_title:
        console.print(Text(step.bullets_title, style="bold"))
    for bullet in step.bullets:
        # A grid keeps a wrapped bullet's lines under its text, not under the bullet.
        inner = bullet.startswith("    ")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=1)
        grid.add_column()
        grid.add_row("" if inner else "•", Text(bullet.strip(), style="italic" if inner else ""))
        console.print(Padding(grid, (0, 0, 0, 4 if inner else 2)))
    for label, text in step.footer:
        line = Text()
        if label:
            line.append(f"{label}: ", style="bold magenta")
        line.append(text, style="" if label else "dim")
        console.print(line)
    if step.disclaimer and step.heading == TEXT["end_title"]:
        console.print(Panel(Text(step.disclaimer), title=important(), border_style="yellow"))
    console.print()


def _markdown_step(step: Step) -> str:
    from explainer.render.markdown import escape

    out: list[str] = []
    if step.disclaimer and step.heading != TEXT["end_title"]:
        out += [f"> **{important()}:** {escape(step.disclaimer)}", ""]
    out += [f"## {escape(step.heading)}", ""]
    for label, text in step.paragraphs:
        out += [(f"**{escape(label)}:** " if label else "") + escape(text), ""]
    if step.table:
        out += [f"| {TEXT['glance']} | |", "|---|---|"]
        out += [f"| {escape(a)} | {escape(b)} |" for a, b in step.table]
        out.append("")
    if step.bullets_title:
        out += [f"**{escape(step.bullets_title)}**", ""]
    for bullet in step.bullets:
        out.append(("  - " if bullet.startswith("    ") else "- ") + escape(bullet.strip()))
    if step.bullets:
        out.append("")
    for label, text in step.footer:
        out += [(f"**{escape(label)}:** " if label else "") + escape(text), ""]
    if step.disclaimer and step.heading == TEXT["end_title"]:
        out += [f"> **{important()}:** {escape(step.disclaimer)}", ""]
    return "\n".join(out)


def _screen_step(step: Step, width: int, color: bool) -> str:
    import io

    from rich.console import Console

    # Each step is drawn whole into a buffer first: without colour, rich's padding is only
    # trailing blanks, which are dropped.
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, highlight=False,
                      emoji=False, markup=False)
    _rich_step(step, console)
    text = buffer.getvalue()
    if not color:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text


def render_step(step: Step, fmt: str, *, width: int = 88, color: bool = False) -> str:
    """One step of the walkthrough as ``fmt`` (one of
    :data:`~explainer.render.formats.SCREEN_FORMATS`): rich and text are one screen each
    (text is rich without colour), Markdown one part of a lesson plan."""
    writers = {"rich": lambda: _screen_step(step, width, color),
               "text": lambda: _screen_step(step, width, False),
               "markdown": lambda: _markdown_step(step)}
    return dispatch(fmt, {name: writers[name] for name in SCREEN_FORMATS})


def render_steps_markdown(steps: Sequence[Step]) -> str:
    """The walkthrough as one Markdown document (a lesson plan)."""
    return "\n".join(render_step(step, "markdown") for step in steps)

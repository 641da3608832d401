"""``explainer demo``: teaching scenarios for educators.

* ``explainer demo --list`` lists the scenarios of ``knowledge/scenarios.yaml``;
* ``explainer demo NAME`` shows one scenario's full explanation, its teaching point first;
* ``explainer demo --walkthrough`` steps through every scenario, about a minute each: the
  teaching point, what was entered, the picture at a glance, what changed from the scenario
  before, and a question for the group. It pauses for Enter between scenarios; ``--no-pause``
  runs straight through (projectors, tests, writing a lesson plan to a file).

The walkthrough's parts are built as plain data (:func:`walkthrough_steps`) and drawn by rich
(``rich``/``text``) or as Markdown, so a web page can show the same steps.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from explainer.explanation.api import Explainer
    from explainer.explanation.models import Explanation
    from explainer.kb.scenarios import LoadedScenario
    from explainer.render.document import Document

# Every fixed phrase of the demos, in one place.
TEXT = {
    "list_title": "Teaching scenarios",
    "list_intro": "Show one with 'explainer demo NAME', or all of them, one after another, "
                  "with 'explainer demo --walkthrough'.",
    "scenario": "Teaching scenario: {title}",
    "teaching_point": "Teaching point",
    "ask_the_room": "Ask the room",
    "tour_title": "A guided tour of the breast cancer treatment explainer",
    "tour_intro": "{count} scenarios, about a minute each. Each one shows what was entered, "
                  "which kinds of treatment tend to come up, and what changed from an "
                  "earlier scenario.",
    "labels": "How to read the labels",
    "keys_pause": "Press Enter to move on. Press Ctrl-C to stop at any time.",
    "keys_no_pause": "The scenarios follow one another without pausing.",
    "step": "Scenario {number} of {count}: {title}",
    "entered": "Entered",
    "glance": "At a glance",
    "changed_from": "What changed from \"{title}\"",
    "no_change": "No treatment changes how likely it is to come up.",
    "same_but": "Same outcome, other reasons: {names}.",
    "why_now": "Why now: {text}",
    "new_question": "New question: {text}",
    "more": "Full detail: explainer demo {name}",
    "end_title": "End of the tour",
    "end_text": "Try other factors with 'explainer interview', or change one factor with "
                "'explainer explain ... --what-if FACTOR=VALUE'.",
    "pause": "Press Enter for the next scenario (Ctrl-C to stop) ",
    "stopped": "Walkthrough stopped.",
    "ended": "Walkthrough ended early (no more input).",
    "walkthrough_formats": "--walkthrough prints rich, text or markdown (not {fmt})",
}

EXAMPLES = """\
examples:
  explainer demo --list
  explainer demo early-her2-positive
  explainer demo metastatic-her2-low --format html --output handout.html
  explainer demo --walkthrough
  explainer demo --walkthrough --no-pause --format markdown --output lesson.md

The scenarios live in knowledge/scenarios.yaml (with --knowledge DIR, in DIR's copy).
This is education, not medical advice: please discuss your situation with your doctor.
"""


def register(commands: Any) -> None:
    """Add the ``demo`` command to the CLI's subparsers."""
    from explainer.cli.options import add_knowledge_option, add_output_options

    parser = commands.add_parser(
        "demo", help="teaching scenarios for educators (list, show one, or a walkthrough)",
        description="Show named teaching scenarios: each a set of factors with a one-line "
                    "teaching point. --walkthrough steps through all of them.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False)
    parser.add_argument("name", nargs="?", metavar="NAME",
                        help="the scenario to show (see --list)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="list the scenarios")
    mode.add_argument("--walkthrough", action="store_true",
                      help="step through every scenario, pausing between them")
    parser.add_argument("--no-pause", action="store_true",
                        help="with --walkthrough: do not wait for Enter between scenarios")
    add_output_options(parser)
    add_knowledge_option(parser)
    parser.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    """Handle ``explainer demo``."""
    from explainer.errors import ExitCode, InputError
    from explainer.explanation.api import get_explainer
    from explainer.kb.scenarios import find_scenario, load_scenarios

    chosen = [flag for flag, on in (("NAME", bool(args.name)), ("--list", args.list),
                                    ("--walkthrough", args.walkthrough)) if on]
    if len(chosen) != 1:
        raise InputError("give a scenario NAME, --list or --walkthrough (one of them); see "
                         "'explainer demo --help'")
    if args.no_pause and not args.walkthrough:
        raise InputError("--no-pause goes with --walkthrough")
    explainer = get_explainer(args.knowledge)
    scenarios = load_scenarios(explainer.kb)
    if args.list:
        return _list(scenarios, args)
    if args.walkthrough:
        return _walkthrough(explainer, scenarios, args)
    loaded = find_scenario(scenarios, args.name)
    from explainer.cli.options import emit, output_width, use_color

    emit(render_scenario(loaded, explainer.explain(loaded.profile), args.format,
                         args.audience, width=output_width(args), color=use_color(args)),
         args.output)
    return ExitCode.OK


# -- one scenario ---------------------------------------------------------------------------


def scenario_document(loaded: LoadedScenario, explanation: Explanation,
                      audience: Any = "patient") -> Document:
    """The explanation's layout with the scenario's teaching point as its first section."""
    from explainer.render.document import Entry, Line, Section, build_document

    scenario = loaded.scenario
    lines = [Line(f"{TEXT['teaching_point']}: {scenario.teaching_point}", "text")]
    if scenario.ask_the_room:
        lines.append(Line(f"{TEXT['ask_the_room']}: {scenario.ask_the_room}", "text"))
    section = Section(key="scenario", title=TEXT["scenario"].format(title=scenario.title),
                      entries=(Entry(title=scenario.title, bare=True, lines=tuple(lines)),))
    document = build_document(explanation, audience)
    return replace(document, sections=(section, *document.sections))


def render_scenario(loaded: LoadedScenario, explanation: Explanation, fmt: str = "text",
                    audience: Any = "patient", *, width: int = 88, color: bool = False) -> str:
    """One scenario in any format: its teaching point, then its whole explanation."""
    scenario = loaded.scenario
    if fmt == "json":
        data = {"scenario": {"id": scenario.id, "title": scenario.title,
                             "teaching_point": scenario.teaching_point,
                             "ask_the_room": scenario.ask_the_room,
                             "profile": explanation.profile},
                "explanation": json.loads(explanation.model_dump_json())}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        from explainer.render.html import Callout, render_html

        callout = Callout(TEXT["scenario"].format(title=scenario.title),
                          f"{TEXT['teaching_point']}: {scenario.teaching_point}")
        return render_html(explanation, audience, callout=callout)
    document = scenario_document(loaded, explanation, audience)
    if fmt == "markdown":
        from explainer.render.markdown import render_markdown

        return render_markdown(document)
    if fmt == "rich":
        from explainer.render.rich import render_rich

        return render_rich(document, width, color)
    from explainer.render.text import render_text

    return render_text(document, width)


def _list(scenarios: Sequence[LoadedScenario], args: argparse.Namespace) -> int:
    from explainer.cli.options import emit
    from explainer.errors import ExitCode

    if args.format == "json":
        data = [{"id": item.id, "title": item.scenario.title,
                 "teaching_point": item.scenario.teaching_point,
                 "profile": item.profile.model_dump(mode="json")} for item in scenarios]
        emit(json.dumps(data, indent=2, ensure_ascii=False) + "\n", args.output)
        return ExitCode.OK
    import textwrap

    width = max(len(item.id) for item in scenarios) + 2
    lines = [TEXT["list_title"], "", *textwrap.wrap(TEXT["list_intro"], 88), ""]
    for item in scenarios:
        lines.append(f"  {item.id:<{width}}{item.scenario.title}")
        lines += textwrap.wrap(item.scenario.teaching_point, 88,
                               initial_indent=" " * (width + 2),
                               subsequent_indent=" " * (width + 2))
        lines.append("")
    emit("\n".join(lines), args.output)
    return ExitCode.OK


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
        entered = " · ".join(
            entry.value_label if entry.known else f"{entry.label}: {entry.value_label}"
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
            comparison = compare(explanations[scenario.compare_with], explanation)
            bullets_title = TEXT["changed_from"].format(title=titles[scenario.compare_with])
            for change in comparison.changes:
                bullets.append(f"{change.name}: {change.before_label} → {change.after_label}")
                if change.reasons_after and not any(
                        other.category == change.id for other in comparison.changes):
                    bullets.append("    " + TEXT["why_now"].format(
                        text=change.reasons_after[0].text))
            if not comparison.changes:
                bullets.append(TEXT["no_change"])
            if comparison.reasons_changed:
                bullets.append(TEXT["same_but"].format(names=", ".join(
                    change.name for change in comparison.reasons_changed)))
            bullets += [TEXT["new_question"].format(text=text)
                        for text in comparison.questions_added[:2]]
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


def _rich_step(step: Step, console: Any) -> None:
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    if step.disclaimer and step.heading != TEXT["end_title"]:
        console.print(Panel(Text(step.disclaimer), title="Important", border_style="yellow"))
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
        indent = 4 if bullet.startswith("    ") else 2
        console.print(Padding(Text(("• " if indent == 2 else "") + bullet.strip(),
                                   style="italic" if indent == 4 else ""), (0, 0, 0, indent)))
    for label, text in step.footer:
        line = Text()
        if label:
            line.append(f"{label}: ", style="bold magenta")
        line.append(text, style="" if label else "dim")
        console.print(line)
    if step.disclaimer and step.heading == TEXT["end_title"]:
        console.print(Panel(Text(step.disclaimer), title="Important", border_style="yellow"))
    console.print()


def render_steps_markdown(steps: Sequence[Step]) -> str:
    """The walkthrough as one Markdown document (a lesson plan)."""
    from explainer.render.markdown import escape

    out: list[str] = []
    for step in steps:
        if step.disclaimer and step.heading != TEXT["end_title"]:
            out += [f"> **Important:** {escape(step.disclaimer)}", ""]
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
            out += [f"> **Important:** {escape(step.disclaimer)}", ""]
    return "\n".join(out)


def _walkthrough(explainer: Explainer, scenarios: Sequence[LoadedScenario],
                 args: argparse.Namespace) -> int:
    from explainer.cli.options import emit, output_width, use_color
    from explainer.errors import ExitCode, InputError

    if args.format not in ("rich", "text", "markdown"):
        raise InputError(TEXT["walkthrough_formats"].format(fmt=args.format))
    steps = walkthrough_steps(explainer, scenarios)
    if args.format == "markdown":
        emit(render_steps_markdown(steps), args.output)
        return ExitCode.OK
    import io

    from rich.console import Console

    width = output_width(args)
    color = use_color(args)
    pause = not args.no_pause and not args.output
    written: list[str] = []

    def show(step: Step) -> None:
        # Each step is drawn whole into a buffer first: without colour, rich's padding is
        # only trailing blanks, which are dropped.
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                          color_system="standard" if color else None, highlight=False,
                          emoji=False, markup=False)
        _rich_step(step, console)
        text = buffer.getvalue()
        if not color:
            text = "\n".join(line.rstrip() for line in text.split("\n"))
        if args.output:
            written.append(text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()

    # The opening step's keys line depends on whether it pauses.
    keys = TEXT["keys_pause"] if pause else TEXT["keys_no_pause"]
    steps[0] = replace(steps[0], paragraphs=(*steps[0].paragraphs, ("", keys)))
    prompt = Console(highlight=False, markup=False, emoji=False)
    for index, step in enumerate(steps):
        show(step)
        if pause and index + 1 < len(steps):
            try:
                prompt.input(TEXT["pause"])
            except KeyboardInterrupt:
                print(f"\n{TEXT['stopped']}")
                return ExitCode.INTERRUPTED
            except EOFError:
                print(f"\n{TEXT['ended']}")
                return ExitCode.OK
            print()
    if args.output:
        emit("".join(written), args.output)
    return ExitCode.OK

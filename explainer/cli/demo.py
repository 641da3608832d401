"""``explainer demo``: teaching scenarios for educators.

* ``explainer demo --list`` lists the scenarios of ``knowledge/scenarios.yaml``;
* ``explainer demo NAME`` shows one scenario's full explanation, its teaching point first;
* ``explainer demo --walkthrough`` steps through every scenario, about a minute each: the
  teaching point, what was entered, the picture at a glance, what changed from the scenario
  before, and a question for the group. It pauses for Enter between scenarios; ``--no-pause``
  runs straight through (projectors, tests, writing a lesson plan to a file).

The screens are laid out and drawn in :mod:`explainer.render.walkthrough`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from explainer.cli.options import (
    EDUCATION_NOTE,
    add_output_options,
    explainer_for,
    output_width,
    use_color,
)
from explainer.cli.output import emit, write_stdout
from explainer.errors import ExitCode, InputError

if TYPE_CHECKING:
    from explainer.explanation.api import Explainer
    from explainer.kb.scenarios import LoadedScenario

EXAMPLES = """\
examples:
  explainer demo --list
  explainer demo early-her2-positive
  explainer demo metastatic-her2-low --format html --output handout.html
  explainer demo --walkthrough
  explainer demo --walkthrough --no-pause --format markdown --output lesson.md

The scenarios live in knowledge/scenarios.yaml (with --knowledge DIR, in DIR's copy).
"""


DESCRIPTION = ("Show named teaching scenarios: each a set of factors with a one-line "
               "teaching point. --walkthrough steps through all of them.")
EPILOG = EXAMPLES + EDUCATION_NOTE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``demo``."""
    parser.add_argument("name", nargs="?", metavar="NAME",
                        help="the scenario to show (see --list)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="list the scenarios")
    mode.add_argument("--walkthrough", action="store_true",
                      help="step through every scenario, pausing between them")
    parser.add_argument("--no-pause", action="store_true",
                        help="with --walkthrough: do not wait for Enter between scenarios")
    add_output_options(parser)


def run(args: argparse.Namespace) -> int:
    """Handle ``explainer demo``."""
    from explainer.kb.scenarios import find_scenario, load_scenarios

    chosen = [flag for flag, on in (("NAME", bool(args.name)), ("--list", args.list),
                                    ("--walkthrough", args.walkthrough)) if on]
    if len(chosen) != 1:
        raise InputError("give a scenario NAME, --list or --walkthrough (one of them); see "
                         "'explainer demo --help'")
    if args.no_pause and not args.walkthrough:
        raise InputError("--no-pause goes with --walkthrough")
    explainer = explainer_for(args)
    scenarios = load_scenarios(explainer.kb)
    if args.list:
        return _list(scenarios, args)
    if args.walkthrough:
        return _walkthrough(explainer, scenarios, args)
    loaded = find_scenario(scenarios, args.name)
    from explainer.render.walkthrough import render_scenario

    emit(render_scenario(loaded, explainer.explain(loaded.profile), args.format,
                         args.audience, width=output_width(args), color=use_color(args)),
         args.output)
    return ExitCode.OK


def _list(scenarios: Sequence[LoadedScenario], args: argparse.Namespace) -> int:
    from explainer.render.listings import render_scenario_list

    emit(render_scenario_list(scenarios, args.format), args.output)
    return ExitCode.OK


def _walkthrough(explainer: Explainer, scenarios: Sequence[LoadedScenario],
                 args: argparse.Namespace) -> int:
    from rich.console import Console

    from explainer.render.formats import SCREEN_FORMATS
    from explainer.render.walkthrough import TEXT, render_step, walkthrough_steps

    if args.format not in SCREEN_FORMATS:
        raise InputError(TEXT["walkthrough_formats"].format(fmt=args.format))
    steps = walkthrough_steps(explainer, scenarios)
    if args.format == "markdown":
        emit("\n".join(render_step(step, "markdown") for step in steps), args.output)
        return ExitCode.OK
    width = output_width(args)
    color = use_color(args)
    pause = not args.no_pause and args.output is None
    # The opening step's keys line depends on whether it pauses.
    keys = TEXT["keys_pause"] if pause else TEXT["keys_no_pause"]
    steps[0] = replace(steps[0], paragraphs=(*steps[0].paragraphs, ("", keys)))
    written: list[str] = []
    prompt = Console(highlight=False, markup=False, emoji=False)
    # On a terminal each scenario starts on a clean screen (it is sized to fit one).
    clear = pause and sys.stdout.isatty()
    for index, step in enumerate(steps):
        text = render_step(step, "rich", width=width, color=color)
        if args.output is not None:
            written.append(text)
        else:
            if clear and index:
                sys.stdout.write("\x1b[2J\x1b[H")
            write_stdout(text)
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
    if args.output is not None:
        emit("".join(written), args.output)
    return ExitCode.OK

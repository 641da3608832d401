"""Listings of the knowledge base for the command line: the factors a person can enter
(``explainer factors``) and the teaching scenarios (``explainer demo --list``), as text or JSON.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from explainer.kb.phrases import phrases
from explainer.kb.profiles import allowed_values
from explainer.render.dispatch import dispatch
from explainer.render.formats import FORMATS, LIST_FORMATS

if TYPE_CHECKING:
    from explainer.kb.knowledge import KnowledgeBase
    from explainer.kb.scenarios import LoadedScenario

TEXT = phrases("interview")


def _json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_factors(kb: KnowledgeBase, fmt: str = "text") -> str:
    """Every factor, its flag, question and allowed values, as ``fmt`` (text or json)."""

    def data() -> str:
        return _json([{"id": factor.id, "flag": f"--{factor.cli_flag}", "label": factor.label,
                       "question": factor.question, "help": factor.help, "core": factor.core,
                       "values": allowed_values(factor)} for factor in kb.factors.values()])

    def text() -> str:
        lines = []
        for factor in kb.factors.values():
            # Every factor may be left out (it then means unknown); core ones are always
            # asked (by the interview, and listed when unknown).
            core = f", {TEXT['listing_core']}" if factor.core else ""
            lines.append(f"--{factor.cli_flag}  ({factor.id}){core}")
            lines.append(f"    {factor.question}")
            if factor.kind == "number":
                lines.append("    " + TEXT["listing_number"].format(min=factor.min,
                                                                 max=factor.max))
            for value in factor.values:
                lines.append(f"    {value.id:<20} {value.label}")
            lines.append("")
        return "\n".join(lines)

    writers = {"text": text, "json": data}
    return dispatch(fmt, {name: writers[name] for name in LIST_FORMATS})


def render_scenario_list(scenarios: Sequence[LoadedScenario], fmt: str = "text") -> str:
    """The teaching scenarios with their teaching points: JSON for ``json``, else text (the
    list reads the same in every human format)."""
    from explainer.render.walkthrough import TEXT

    def data() -> str:
        return _json([{"id": item.id, "title": item.scenario.title,
                       "teaching_point": item.scenario.teaching_point,
                       "profile": item.profile.model_dump(mode="json")} for item in scenarios])

    def text() -> str:
        width = max(len(item.id) for item in scenarios) + 2
        lines = [TEXT["list_title"], "", *textwrap.wrap(TEXT["list_intro"], 88), ""]
        for item in scenarios:
            lines.append(f"  {item.id:<{width}}{item.scenario.title}")
            lines += textwrap.wrap(item.scenario.teaching_point, 88,
                                   initial_indent=" " * (width + 2),
                                   subsequent_indent=" " * (width + 2))
            lines.append("")
        return "\n".join(lines)

    return dispatch(fmt, {name: data if name == "json" else text for name in FORMATS})

"""Teaching scenarios (``knowledge/scenarios.yaml``): named profiles with a teaching point.

Read beside the knowledge base they belong to (so an edited copy given with ``--knowledge DIR``
brings its own scenarios), checked like the rest of it: every problem at once, each with
``file:line`` and a fix, raised as :class:`~explainer.errors.KnowledgeBaseError`.

    >>> from explainer import get_explainer
    >>> from explainer.scenarios import load_scenarios
    >>> scenarios = load_scenarios(get_explainer().kb)
    >>> scenarios[0].id
    'dcis'
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StrictStr, ValidationError

from explainer.errors import KnowledgeBaseError, KnowledgeIssue, ProfileError
from explainer.kb.base import Frozen, ShortText, Text
from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.models import Relevance, Sources
from explainer.kb.profiles import Profile, parse_profile
from explainer.kb.review_meta import Review
from explainer.kb.reviews import normalise
from explainer.kb.yamlio import YamlReadError, line_for, read_yaml_file

SCENARIOS_FILE = "scenarios.yaml"
ScenarioId = Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]


class Scenario(Frozen):
    """A named teaching profile: what it shows, and what that rests on."""

    id: ScenarioId
    title: ShortText
    teaching_point: Annotated[StrictStr, Field(min_length=1, max_length=300)]
    """One line (at most 300 characters): what the scenario shows."""
    profile: dict[StrictStr, object]
    compare_with: ScenarioId | None = None
    """An earlier scenario; the walkthrough shows what changes from it."""
    ask_the_room: Text | None = None
    """A question an educator can put to a group."""
    expect: dict[StrictStr, Relevance] = Field(default_factory=dict)
    """Category or subtype id -> the relevance the teaching point relies on (tests check it)."""
    sources: Sources
    review: Review


class ScenariosFile(Frozen):
    """knowledge/scenarios.yaml."""

    scenarios: Annotated[tuple[Scenario, ...], Field(min_length=1)]


@dataclass(frozen=True)
class LoadedScenario:
    """A scenario with its checked profile."""

    scenario: Scenario
    profile: Profile

    @property
    def id(self) -> str:
        """The scenario's name on the command line."""
        return self.scenario.id


def scenarios_path(kb: KnowledgeBase) -> Path:
    """Where the scenarios of ``kb`` live."""
    return kb.root / "knowledge" / SCENARIOS_FILE


def _validation_issues(path: Path, data: Any, error: ValidationError) -> list[KnowledgeIssue]:
    issues = []
    for detail in error.errors():
        location = tuple(detail["loc"])
        where = ".".join(str(step) for step in location) or "(top level)"
        if detail["type"] == "missing":
            line = line_for(data, location[:-1])
            message, hint = f"{where}: is missing", f"add '{location[-1]}'"
        elif detail["type"] == "extra_forbidden":
            line = line_for(data, location)
            allowed = sorted(Scenario.model_fields)
            near = difflib.get_close_matches(str(location[-1]), allowed, n=1)
            message = f"{where}: unknown key"
            hint = (f"did you mean '{near[0]}'? " if near else "") + "allowed keys: " + \
                ", ".join(allowed)
        else:
            line = line_for(data, location)
            message, hint = f"{where}: {detail['msg']}", "see the other scenarios for the form"
        issues.append(KnowledgeIssue(path, line, message, hint))
    return issues


def _cross_check(kb: KnowledgeBase, path: Path, data: Any,
                 parsed: ScenariosFile) -> tuple[list[KnowledgeIssue], list[LoadedScenario]]:
    issues: list[KnowledgeIssue] = []
    loaded: list[LoadedScenario] = []
    seen: set[str] = set()
    targets = set(kb.categories) | set(kb.subtypes)
    for index, scenario in enumerate(parsed.scenarios):
        here: tuple[int | str, ...] = ("scenarios", index)

        def issue(key: str, message: str, hint: str, here: tuple[int | str, ...] = here,
                  name: str = scenario.id) -> None:
            issues.append(KnowledgeIssue(path, line_for(data, (*here, key)),
                                         f"scenario '{name}': {message}", hint))

        if scenario.id in seen:
            issue("id", "the id is used twice", "give each scenario its own id")
        if scenario.compare_with is not None and scenario.compare_with not in seen:
            issue("compare_with", f"'{scenario.compare_with}' is not an earlier scenario",
                  "name a scenario listed above this one")
        seen.add(scenario.id)
        for target in scenario.expect:
            if target not in targets:
                near = difflib.get_close_matches(target, sorted(targets), n=1)
                issue("expect", f"'{target}' is not a category or kind of treatment",
                      f"did you mean '{near[0]}'?" if near else "use an id from "
                      "categories.yaml")
        for ref in scenario.sources:
            source = kb.sources.get(ref.source)
            if source is None or ref.section not in {section.id for section in
                                                     source.sections}:
                issue("sources", f"no source section '{ref.source}/{ref.section}'",
                      "use a source and section id from source.yaml")
        try:
            profile = parse_profile(scenario.profile, kb.factors)
        except ProfileError as error:
            issue("profile", str(error), "use the factor ids and values of factors.yaml")
            continue
        loaded.append(LoadedScenario(scenario=scenario, profile=profile))
    return issues, loaded


def load_scenarios(kb: KnowledgeBase, *, translated: bool = True
                   ) -> tuple[LoadedScenario, ...]:
    """The teaching scenarios of ``kb``, checked against it (profiles, ids, sources), with
    their texts in ``kb``'s language (unless ``translated`` is False).

    Raises :class:`KnowledgeBaseError` listing every problem with ``file:line``.
    """
    path = scenarios_path(kb)
    if not path.is_file():
        raise KnowledgeBaseError([KnowledgeIssue(
            path, None, f"{SCENARIOS_FILE} is missing",
            "copy it from the project's knowledge/ folder")], kb.root)
    try:
        data = read_yaml_file(path)
    except YamlReadError as error:
        raise KnowledgeBaseError([KnowledgeIssue(
            path, error.line, error.message,
            error.hint)], kb.root) from None
    if data is None:
        raise KnowledgeBaseError([KnowledgeIssue(path, None, "the file is empty",
                                                 "add scenarios; see the project's copy")],
                                 kb.root)
    try:
        parsed = ScenariosFile.model_validate(data)
    except ValidationError as error:
        raise KnowledgeBaseError(_validation_issues(path, data, error), kb.root) from None
    issues, loaded = _cross_check(kb, path, data, parsed)
    if issues:
        raise KnowledgeBaseError(issues, kb.root)
    if translated and kb.language != "en":
        return translate_scenarios(kb, loaded)
    return tuple(loaded)


SCENARIO_FIELDS = ("title", "teaching_point", "ask_the_room")
"""The texts of a teaching scenario a translation gives (``scenario:<id>/<field>``)."""


def scenario_texts(kb: KnowledgeBase) -> dict[str, str]:
    """The texts of the teaching scenarios (``scenario:<id>/title``...), by id; none when the
    scenarios do not load (``explainer demo`` and the lint report why)."""
    try:
        loaded = load_scenarios(kb, translated=False)
    except KnowledgeBaseError:
        return {}
    return {f"scenario:{item.id}/{name}": normalise(text) for item in loaded
            for name in SCENARIO_FIELDS
            if (text := getattr(item.scenario, name)) is not None}


def translate_scenarios(kb: KnowledgeBase, loaded: Sequence[LoadedScenario]
                        ) -> tuple[LoadedScenario, ...]:
    """The teaching scenarios with their texts in ``kb``'s language (English where the layer
    lacks one: the lint reports it)."""
    from explainer.kb.translation import read_layer

    layer = read_layer(kb.root, kb.language)
    found = []
    for item in loaded:
        scenario = item.scenario
        update = {name: layer.text(f"scenario:{item.id}/{name}") or getattr(scenario, name)
                  for name in SCENARIO_FIELDS if getattr(scenario, name) is not None}
        found.append(LoadedScenario(scenario.model_copy(update=update), item.profile))
    return tuple(found)


def find_scenario(scenarios: Sequence[LoadedScenario], name: str) -> LoadedScenario:
    """The scenario called ``name`` (underscores and case ignored), or a one-line InputError."""
    from explainer.errors import InputError

    wanted = name.strip().lower().replace("_", "-")
    for loaded in scenarios:
        if loaded.id == wanted:
            return loaded
    names = [loaded.id for loaded in scenarios]
    near = difflib.get_close_matches(wanted, names, n=1)
    hint = f" (did you mean '{near[0]}'?)" if near else ""
    raise InputError(f"no scenario '{name}'{hint}; see 'explainer demo --list' "
                     f"({', '.join(names)})")

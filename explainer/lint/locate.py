"""Where a knowledge entry is written: its file and line, found by its kind and id.

The loaded models keep no line numbers; validators that report on the loaded knowledge base
(:mod:`explainer.lint.usage`, :mod:`explainer.lint.review_meta`) find them here, in the parsed
YAML the run keeps.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from explainer.kb.yamlio import line_for
from explainer.lint.base import LintContext


def line_at(context: LintContext, path: Path, location: tuple[Any, ...]) -> int | None:
    """The line of ``location`` (a path of keys and positions) in the YAML file ``path``."""
    return line_for(context.raw.get(path), location)


class Locator:
    """Finds the file and line of a knowledge entry by id."""

    def __init__(self, context: LintContext) -> None:
        self.context = context

    @cached_property
    def _index(self) -> dict[tuple[str, str], tuple[Path, tuple[Any, ...]]]:
        root = self.context.root / "knowledge"
        index: dict[tuple[str, str], tuple[Path, tuple[Any, ...]]] = {}
        kb = self.context.kb
        assert kb is not None
        for position, factor in enumerate(kb.factors.values()):
            index[("factor", factor.id)] = (root / "factors.yaml", ("factors", position))
            for value_position, value in enumerate(factor.values):
                index[("value", f"{factor.id}={value.id}")] = (
                    root / "factors.yaml", ("factors", position, "values", value_position))
        for position, category in enumerate(kb.categories.values()):
            index[("target", category.id)] = (root / "categories.yaml",
                                              ("categories", position))
            for sub_position, subtype in enumerate(category.subtypes):
                index[("target", subtype.id)] = (
                    root / "categories.yaml", ("categories", position, "subtypes", sub_position))
        for position, role in enumerate(kb.care_team):
            index[("role", role.id)] = (root / "care_team.yaml", ("roles", position))
        for position, term in enumerate(kb.glossary):
            index[("term", term.term)] = (root / "glossary.yaml", ("terms", position))
        for position, question in enumerate(kb.disclaimer.general_questions):
            index[("question", question.id)] = (root / "disclaimer.yaml",
                                                ("general_questions", position))
        for position, source in enumerate(kb.source_file.sources):
            for section_position, section in enumerate(source.sections):
                index[("section", f"{source.id}/{section.id}")] = (
                    root / "source.yaml", ("sources", position, "sections", section_position))
        return index

    def find(self, kind: str, key: str, *deeper: Any) -> tuple[Path, int | None]:
        """The file and line of the entry ``key`` of ``kind`` (``factor``, ``value``,
        ``target``, ``role``, ``term``, ``question``, ``section``), or of a key ``deeper`` in
        it."""
        path, location = self._index[(kind, key)]
        return path, line_at(self.context, path, (*location, *deeper))

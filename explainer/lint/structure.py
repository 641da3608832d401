"""Validators for the structure of the knowledge base: schema and references, and citations."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from explainer.kb.yamlio import LineDict, LineList
from explainer.lint.base import LintContext, LintIssue, Severity, Validator
from explainer.lint.texts import iter_rules

# Loader messages about citations; the citations validator reports these itself, with its own
# wording, so the knowledge-base validator leaves them out when both run.
_CITATION_MESSAGE = re.compile(r"unknown source '|has no section '|^refs \[|\bsources\b")


class KnowledgeBaseValidator(
        Validator, name="knowledge-base",
        concern="schema and cross-reference errors (unknown ids, duplicate ids, bad YAML)"):
    """Schema and cross-reference errors, exactly as the loader finds them.

    Unknown keys, wrong types, unknown factor, value, category and source ids, duplicate ids,
    broken YAML: any of these stops the knowledge base from loading (exit code 3).
    """

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        leave_citations = CitationsValidator.name in context.enabled
        for problem in context.load_issues:
            if leave_citations and _CITATION_MESSAGE.search(problem.message):
                continue
            yield self.issue(Severity.ERROR, problem.path, problem.line, problem.message,
                             problem.hint)


# The entries that make statements, and so must cite a source: (file, list key, nested list).
_CITED_LISTS: tuple[tuple[str, str, str | None], ...] = (
    ("factors.yaml", "factors", None),
    ("categories.yaml", "categories", "subtypes"),
    ("care_team.yaml", "roles", None),
    ("glossary.yaml", "terms", None),
    ("disclaimer.yaml", "general_questions", None),
    ("disclaimer.yaml", "question_order", None),
    ("stage_meanings.yaml", "meanings", None),
    ("support.yaml", "items", None),
)


def _entry_name(entry: Mapping[str, Any], index: int) -> str:
    for key in ("id", "term", "stage"):
        if isinstance(entry.get(key), str):
            return str(entry[key])
    return f"entry {index + 1}"


class CitationsValidator(
        Validator, name="citations",
        concern="a statement without a source, or a citation of a section source.yaml lacks"):
    """Every statement cites a source, and every citation names a section the source defines.

    Reads the raw YAML, so it works when the knowledge base does not load.
    """

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        sections = self._sections(context)
        for name, list_key, nested in _CITED_LISTS:
            path = context.root / "knowledge" / name
            data = context.raw.get(path)
            if not isinstance(data, LineDict):
                continue
            entries = data.get(list_key)
            if not isinstance(entries, LineList):
                continue
            for index, entry in enumerate(entries):
                if not isinstance(entry, LineDict):
                    continue
                yield from self._entry(path, entry, _entry_name(entry, index), sections)
                children = entry.get(nested) if nested else None
                if isinstance(children, LineList):
                    for child_index, child in enumerate(children):
                        if isinstance(child, LineDict):
                            yield from self._entry(path, child, _entry_name(child, child_index),
                                                   sections)
        for path, rule in iter_rules(context.raw, context.root):
            yield from self._entry(path, rule, f"rule {rule.get('id', path.stem)}", sections)
        yield from self._report(context)

    def _report(self, context: LintContext) -> Iterator[LintIssue]:
        """The report reader's files cite their own sources (guidelines, not the article):
        every meaning and the stage table name one that report.yaml lists, with a URL."""
        path = context.root / "knowledge" / "report.yaml"
        data = context.raw.get(path)
        if not isinstance(data, LineDict):
            return  # no report files, or broken YAML: the loader reports it
        known: dict[str, Any] = {}
        sources = data.get("sources")
        if isinstance(sources, LineList):
            for index, source in enumerate(sources):
                if not isinstance(source, LineDict):
                    continue
                known[str(source.get("id"))] = source
                url = source.get("url")
                if not isinstance(url, str) or not url.startswith("https://"):
                    yield self.issue(Severity.ERROR, path, sources.line_of(index),
                                     f"report source '{source.get('id')}' has no https:// URL",
                                     "add url: the public page of the guideline or resource")
        hint = f"use one of: {', '.join(known)} (the sources of knowledge/report.yaml)"
        meanings = data.get("meanings")
        for item, values in (meanings.items() if isinstance(meanings, Mapping) else ()):
            for value, meaning in (values.items() if isinstance(values, Mapping) else ()):
                if not isinstance(meaning, LineDict):
                    continue
                source = meaning.get("source")
                where = f"meanings.{item}.{value}"
                if source is None:
                    yield self.issue(Severity.ERROR, path, meaning.line, f"{where} cites no "
                                     "source", f"add source: an id; {hint}")
                elif str(source) not in known:
                    yield self.issue(Severity.ERROR, path, meaning.line_of("source"),
                                     f"{where} cites an unknown source '{source}'", hint)
        stage_path = context.root / "knowledge" / "report_stage.yaml"
        stage = context.raw.get(stage_path)
        if isinstance(stage, LineDict) and str(stage.get("source")) not in known:
            yield self.issue(Severity.ERROR, stage_path, stage.line_of("source"),
                             f"the stage table cites an unknown source '{stage.get('source')}'",
                             hint)

    def _sections(self, context: LintContext) -> dict[str, dict[str, list[str]]] | None:
        data = context.raw.get(context.root / "knowledge" / "source.yaml")
        if not isinstance(data, LineDict) or not isinstance(data.get("sources"), list):
            return None  # the loader reports a missing or broken source.yaml
        found: dict[str, dict[str, list[str]]] = {}
        for source in data["sources"]:
            if isinstance(source, Mapping) and isinstance(source.get("sections"), list):
                found[str(source.get("id"))] = {
                    str(section.get("id")): [str(ref) for ref in section.get("refs") or ()]
                    for section in source["sections"] if isinstance(section, Mapping)}
        return found

    def _entry(self, path: Path, entry: LineDict, what: str,
               sections: dict[str, dict[str, list[str]]] | None) -> Iterator[LintIssue]:
        refs = entry.get("sources")
        if not isinstance(refs, list) or not refs:
            yield self.issue(Severity.ERROR, path, entry.line_of("sources"),
                             f"{what} cites no source",
                             "add sources: [{source: article, section: ...}] naming the "
                             "section it rests on")
            return
        if sections is None:
            return
        for index, ref in enumerate(refs):
            line = refs.line_of(index) if isinstance(refs, LineList) else entry.line
            if not isinstance(ref, Mapping):
                continue
            source, section = str(ref.get("source")), str(ref.get("section"))
            if source not in sections:
                yield self.issue(Severity.ERROR, path, line,
                                 f"{what} cites an unknown source '{source}'",
                                 f"use one of: {', '.join(sections)} (knowledge/source.yaml)")
            elif section not in sections[source]:
                yield self.issue(Severity.ERROR, path, line,
                                 f"{what} cites section '{section}', which source '{source}' "
                                 "does not define", "use one of: "
                                 f"{', '.join(sections[source])}, or add the section to "
                                 "knowledge/source.yaml")
            elif ref.get("refs") is not None:
                wanted = [str(marker) for marker in ref.get("refs") or ()]
                missing = [marker for marker in wanted if marker not in sections[source][section]]
                if missing:
                    yield self.issue(Severity.ERROR, path, line,
                                     f"{what} cites markers {missing} that section '{section}' "
                                     "does not print",
                                     f"use the section's markers {sections[source][section]}")

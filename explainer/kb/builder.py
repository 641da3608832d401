"""Building a KnowledgeBase from YAML: parse, validate with pydantic, cross-check.

Every problem is collected (not just the first) and reported with ``file:line`` and a fix, so a
person editing a copy of the knowledge base can repair it in one pass. Used by
:func:`explainer.kb.loader.load_knowledge` when the knowledge-base cache has no entry.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from explainer.errors import KnowledgeBaseError, KnowledgeIssue, ProfileError
from explainer.kb.conditions import ConditionError, parse_condition
from explainer.kb.knowledge import KnowledgeBase, LoadedRule
from explainer.kb.models import (
    CareTeamFile,
    CategoriesFile,
    DisclaimerFile,
    Factor,
    FactorsFile,
    GlossaryFile,
    RelevanceFile,
    Rule,
    RuleCases,
    SourceFile,
    SourceRef,
)
from explainer.kb.paths import (
    CASES_SUFFIX,
    KNOWLEDGE_FILES,
    MAX_FILE_BYTES,
    NOTES_FOLDER,
    RESERVED_FLAGS,
)
from explainer.kb.profiles import Profile, parse_profile
from explainer.kb.yamlio import LineDict, YamlReadError, line_for, read_yaml_file

M = TypeVar("M", bound=BaseModel)


class _Collector:
    """Gathers issues while loading, so all of them can be reported together."""

    def __init__(self) -> None:
        self.issues: list[KnowledgeIssue] = []

    def add(self, path: Path, line: int | None, message: str, hint: str = "") -> None:
        self.issues.append(KnowledgeIssue(path, line, message, hint))


_FAILED = object()
"""Returned by _read when the file could not be read or parsed (an issue has been added)."""


def _read(path: Path, issues: _Collector) -> Any:
    """Parsed YAML (None for an empty file), or _FAILED."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            issues.add(path, None, "the file is larger than 2 MB", "split or shorten it")
            return _FAILED
        return read_yaml_file(path)
    except YamlReadError as error:
        issues.add(path, error.line, error.message, "fix the YAML syntax (check indentation "
                   "and quotes)")
    except OSError as error:
        issues.add(path, None, f"cannot read the file ({error.strerror})",
                   "check that it exists and is readable")
    return _FAILED


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _model_at(model: type[BaseModel] | None,
              location: Sequence[int | str]) -> type[BaseModel] | None:
    for step in location:
        if model is None:
            return None
        if isinstance(step, int):
            continue
        field = model.model_fields.get(step)
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model


def _readable_location(data: Any, location: Sequence[int | str]) -> str:
    parts: list[str] = []
    node = data
    for step in location:
        if isinstance(step, int):
            label = str(step)
            if isinstance(node, list) and 0 <= step < len(node):
                node = node[step]
                if isinstance(node, Mapping) and isinstance(node.get("id"), str):
                    label = node["id"]
            parts.append(f"[{label}]")
        else:
            parts.append(f".{step}" if parts else str(step))
            node = node.get(step) if isinstance(node, Mapping) else None
    return "".join(parts) or "(top level)"


def _validation_issues(
    path: Path, data: Any, model: type[BaseModel], error: ValidationError
) -> list[KnowledgeIssue]:
    found: list[KnowledgeIssue] = []
    for detail in error.errors():
        location = tuple(detail["loc"])
        where = _readable_location(data, location)
        parent = _readable_location(data, location[:-1])
        line = line_for(data, location)
        kind = detail["type"]
        last = location[-1] if location else ""
        if kind == "missing":
            line = line_for(data, location[:-1])
            message, hint = f"{parent}: '{last}' is missing", f"add the key '{last}'"
        elif kind == "extra_forbidden":
            owner = _model_at(model, location[:-1])
            allowed = sorted(owner.model_fields) if owner else []
            near = difflib.get_close_matches(str(last), allowed, n=1)
            message = f"{parent}: unknown key '{last}'"
            hint = (f"did you mean '{near[0]}'?" if near else "remove it") + (
                f" Allowed keys: {', '.join(allowed)}" if allowed else "")
        elif kind in {"string_type", "str_type"}:
            message = f"{where}: should be text, found {detail.get('input')!r}"
            hint = "put the value in quotes"
        else:
            message = f"{where}: {detail['msg']}"
            hint = "see the other entries in this file for the expected form"
        found.append(KnowledgeIssue(path, line, message.removeprefix("(top level): "), hint))
    return found


def _validate(model: type[M], data: Any, path: Path, issues: _Collector) -> M | None:
    if data is None:
        issues.add(path, None, "the file is empty", "fill it in; see the project's copy")
        return None
    try:
        # Validate plain dicts and lists: the models (and so the cached pickle) must not keep
        # the line-tracking containers, whose only use is locating errors in ``data``.
        return model.model_validate(_plain(data))
    except ValidationError as error:
        issues.issues.extend(_validation_issues(path, data, model, error))
        return None


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(item) for item in data]
    return data


def build_knowledge(root: Path, fingerprint: str) -> KnowledgeBase:
    """Parse, validate and cross-check the knowledge base in ``root``.

    Raises :class:`~explainer.errors.KnowledgeBaseError` listing every problem.
    """
    issues = _Collector()
    raw: dict[str, Any] = {}
    models: dict[str, Any] = {}
    files: dict[str, Path] = {}
    for name, model in KNOWLEDGE_FILES.items():
        file_path = root / "knowledge" / name
        files[name] = file_path
        if not file_path.is_file():
            issues.add(file_path, None, f"{name} is missing",
                       "copy it from the project's knowledge/ folder")
            continue
        raw[name] = _read(file_path, issues)
        if raw[name] is not _FAILED:
            models[name] = _validate(model, raw[name], file_path, issues)
    if any(models.get(name) is None for name in KNOWLEDGE_FILES):
        # Cross-references need every file; report what was found so far.
        raise KnowledgeBaseError(issues.issues, root)

    source_file: SourceFile = models["source.yaml"]
    factors_file: FactorsFile = models["factors.yaml"]
    categories_file: CategoriesFile = models["categories.yaml"]
    relevance_file: RelevanceFile = models["relevance.yaml"]
    care_file: CareTeamFile = models["care_team.yaml"]
    glossary_file: GlossaryFile = models["glossary.yaml"]
    disclaimer_file: DisclaimerFile = models["disclaimer.yaml"]

    checker = _CrossChecker(root, raw, issues, source_file)
    factors = checker.factors(factors_file)
    categories = checker.categories(categories_file)
    checker.relevance(relevance_file)
    checker.care_team(care_file, categories)
    checker.glossary(glossary_file)
    checker.disclaimer(disclaimer_file)
    rules = _load_rules(root, factors, categories_file, issues, checker)
    if issues.issues:
        raise KnowledgeBaseError(issues.issues, root)
    return KnowledgeBase(
        root=root,
        source_file=source_file,
        factors=factors,
        not_known_label=factors_file.not_known_label,
        categories={category.id: category for category in categories_file.categories},
        relevance_levels={level.id: level for level in relevance_file.levels},
        relevance_many=relevance_file.many,
        care_team=care_file.roles,
        glossary=glossary_file.terms,
        disclaimer=disclaimer_file,
        rules=rules,
        fingerprint=fingerprint,
        files=files,
    )


class _CrossChecker:
    """Checks that ids are unique and that every reference points at something that exists."""

    def __init__(self, root: Path, raw: dict[str, Any], issues: _Collector,
                 source_file: SourceFile) -> None:
        self.root = root
        self.raw = raw
        self.issues = issues
        self.sections = {
            source.id: {section.id: section for section in source.sections}
            for source in source_file.sources
        }
        self._unique("source.yaml", ("sources",), [s.id for s in source_file.sources], "source")
        for index, source in enumerate(source_file.sources):
            self._unique("source.yaml", ("sources", index, "sections"),
                         [section.id for section in source.sections], "section")
        if not any(source.primary for source in source_file.sources):
            self._issue("source.yaml", ("sources",), "no source is marked primary: true",
                        "mark the main article with primary: true")

    def _issue(self, name: str, location: tuple[Any, ...], message: str, hint: str) -> None:
        path = self.root / "knowledge" / name
        self.issues.add(path, line_for(self.raw.get(name), location), message, hint)

    def _unique(self, name: str, location: tuple[Any, ...], ids: Iterable[str], what: str) -> None:
        seen: set[str] = set()
        for index, item in enumerate(ids):
            if item in seen:
                self._issue(name, (*location, index), f"duplicate {what} id '{item}'",
                            f"give each {what} its own id")
            seen.add(item)

    def sources(self, name: str, location: tuple[Any, ...], refs: Sequence[SourceRef],
                raw: Any = None, path: Path | None = None) -> None:
        """Check that every citation names a known source and section."""
        for index, ref in enumerate(refs):
            message = ""
            sections = self.sections.get(ref.source)
            if sections is None:
                message = f"unknown source '{ref.source}'"
                hint = f"use one of: {', '.join(self.sections)} (source.yaml)"
            elif ref.section not in sections:
                message = f"source '{ref.source}' has no section '{ref.section}'"
                hint = f"use one of: {', '.join(sections)}"
            elif ref.refs is not None and not set(ref.refs) <= set(sections[ref.section].refs):
                message = f"refs {list(ref.refs)} are not all in section '{ref.section}'"
                hint = f"that section's markers are {list(sections[ref.section].refs)}"
            if message:
                where = (*location, index)
                if path is not None:
                    self.issues.add(path, line_for(raw, where), message, hint)
                else:
                    self._issue(name, where, message, hint)

    def factors(self, factors_file: FactorsFile) -> dict[str, Factor]:
        name = "factors.yaml"
        factors = factors_file.factors
        self._unique(name, ("factors",), [factor.id for factor in factors], "factor")
        self._unique(name, ("factors",), [factor.cli_flag for factor in factors], "cli_flag")
        for index, factor in enumerate(factors):
            here = ("factors", index)
            self.sources(name, (*here, "sources"), factor.sources)
            if factor.cli_flag in RESERVED_FLAGS:
                self._issue(name, (*here, "cli_flag"), f"cli_flag '{factor.cli_flag}' is "
                            "used by the explain command itself", "choose another flag name")
            if factor.id == "any":
                self._issue(name, (*here, "id"), "'any' is reserved in rule conditions",
                            "choose another id")
            value_ids = [value.id for value in factor.values]
            self._unique(name, (*here, "values"), value_ids, "value")
            spellings: dict[str, str] = {}
            for value_index, value in enumerate(factor.values):
                for alias in (value.id, *value.aliases):
                    key = alias.lower()
                    if key in spellings and spellings[key] != value.id:
                        self._issue(name, (*here, "values", value_index),
                                    f"'{alias}' names both '{spellings[key]}' and '{value.id}'",
                                    "remove the alias from one of them")
                    spellings[key] = value.id
            if factor.kind == "choice" and "unknown" not in value_ids:
                self._issue(name, (*here, "values"), f"factor '{factor.id}' has no 'unknown' "
                            "value", "add a value with id: unknown (every factor may be unknown)")
            if factor.kind == "multi" and "unknown" in value_ids:
                self._issue(name, (*here, "values"), "a multi-choice factor must not list "
                            "'unknown'", "remove it: an empty answer already means unknown")
            if factor.kind == "number":
                self._bands(name, here, factor)
        for required in Profile.model_fields:
            if required not in {factor.id for factor in factors}:
                self._issue(name, ("factors",), f"the factor '{required}' is missing",
                            "the CLI flags and the JSON profile rely on it; add it back")
        return {factor.id: factor for factor in factors}

    def _bands(self, name: str, here: tuple[Any, ...], factor: Factor) -> None:
        assert factor.min is not None and factor.max is not None
        expected = factor.min
        for band_index, band in enumerate(sorted(factor.bands, key=lambda band: band.min)):
            if band.min != expected or band.max < band.min:
                self._issue(name, (*here, "bands", band_index),
                            f"band '{band.id}' does not start at {expected}",
                            "make the bands cover min..max without gaps or overlaps")
                return
            expected = band.max + 1
        if expected != factor.max + 1:
            self._issue(name, (*here, "bands"), f"the bands stop before max ({factor.max})",
                        "extend the last band to max")

    def categories(self, categories_file: CategoriesFile) -> CategoriesFile:
        name = "categories.yaml"
        all_ids = [category.id for category in categories_file.categories] + [
            subtype.id for category in categories_file.categories
            for subtype in category.subtypes]
        self._unique(name, ("categories",), all_ids, "category or subtype")
        for index, category in enumerate(categories_file.categories):
            here = ("categories", index)
            self.sources(name, (*here, "sources"), category.sources)
            for sub_index, subtype in enumerate(category.subtypes):
                self.sources(name, (*here, "subtypes", sub_index, "sources"), subtype.sources)
        return categories_file

    def relevance(self, relevance_file: RelevanceFile) -> None:
        ids = [level.id for level in relevance_file.levels]
        self._unique("relevance.yaml", ("levels",), ids, "relevance level")

    def care_team(self, care_file: CareTeamFile, categories: CategoriesFile) -> None:
        name = "care_team.yaml"
        known = {category.id for category in categories.categories}
        self._unique(name, ("roles",), [role.id for role in care_file.roles], "role")
        for index, role in enumerate(care_file.roles):
            self.sources(name, ("roles", index, "sources"), role.sources)
            for cat_index, category_id in enumerate(role.categories):
                if category_id not in known:
                    self._issue(name, ("roles", index, "categories", cat_index),
                                f"unknown category '{category_id}'",
                                f"use one of: {', '.join(sorted(known))}")
            if not role.categories and not role.always:
                self._issue(name, ("roles", index), f"role '{role.id}' is never shown",
                            "list its categories or set always: true")

    def glossary(self, glossary_file: GlossaryFile) -> None:
        name = "glossary.yaml"
        self._unique(name, ("terms",), [term.term.lower() for term in glossary_file.terms], "term")
        for index, term in enumerate(glossary_file.terms):
            self.sources(name, ("terms", index, "sources"), term.sources)

    def disclaimer(self, disclaimer_file: DisclaimerFile) -> None:
        name = "disclaimer.yaml"
        questions = disclaimer_file.general_questions
        self._unique(name, ("general_questions",), [q.id for q in questions], "question")
        for index, question in enumerate(questions):
            self.sources(name, ("general_questions", index, "sources"), question.sources)


def _rule_files(root: Path, issues: _Collector) -> tuple[list[Path], dict[Path, Path]]:
    rules_dir = root / "rules"
    rule_files: list[Path] = []
    cases: dict[Path, Path] = {}
    for path in sorted(rules_dir.rglob("*")):
        if path.is_dir():
            continue
        if path.suffix == ".yml":
            issues.add(path, None, "rule files end in .yaml", f"rename it to {path.stem}.yaml")
        elif path.name.endswith(CASES_SUFFIX):
            cases[path.with_name(path.name.removesuffix(CASES_SUFFIX) + ".yaml")] = path
        elif path.suffix == ".yaml":
            rule_files.append(path)
    for rule_path, cases_path in cases.items():
        if rule_path not in rule_files:
            issues.add(cases_path, None, f"no rule file {rule_path.name} beside these cases",
                       "rename the cases file to match its rule, or remove it")
    return rule_files, cases


def _load_rules(root: Path, factors: dict[str, Factor], categories_file: CategoriesFile,
                issues: _Collector, checker: _CrossChecker) -> tuple[LoadedRule, ...]:
    categories = {category.id: category for category in categories_file.categories}
    owner = {subtype.id: category.id for category in categories.values()
             for subtype in category.subtypes}
    owner.update({category_id: category_id for category_id in categories})
    rule_files, cases = _rule_files(root, issues)
    loaded: list[tuple[tuple[int, int, str], LoadedRule]] = []
    seen: dict[str, Path] = {}
    for path in rule_files:
        data = _read(path, issues)
        if data is _FAILED:
            continue
        if not isinstance(data, LineDict):
            issues.add(path, None, "a rule file must be a mapping", "see any rule for the form")
            continue
        rule = _validate(Rule, data, path, issues)
        if rule is None:
            continue
        problems_before = len(issues.issues)
        if rule.id != path.stem:
            issues.add(path, data.line_of("id"), f"rule id '{rule.id}' differs from the file "
                       f"name", f"rename the file to {rule.id}.yaml or set id: {path.stem}")
        if rule.id in seen:
            issues.add(path, data.line_of("id"), f"duplicate rule id '{rule.id}' (also in "
                       f"{seen[rule.id].relative_to(root)})", "give each rule its own id")
        seen[rule.id] = path
        folder = path.parent.name
        if rule.target is not None and rule.target not in owner:
            issues.add(path, data.line_of("target"), f"unknown target '{rule.target}'",
                       f"use a category or subtype id: {', '.join(owner)}")
        else:
            if rule.relevance is not None and rule.target in categories and categories[
                    rule.target].subtypes:
                issues.add(path, data.line_of("target"), f"'{rule.target}' takes its relevance "
                           "from its subtypes", "target one of its subtypes, or drop relevance "
                           "to make this a note")
            expected = owner[rule.target] if rule.target else NOTES_FOLDER
            if folder != expected:
                issues.add(path, None, f"the rule lives in rules/{folder}/ but its target "
                           f"belongs in rules/{expected}/", f"move it to rules/{expected}/")
        checker.sources("", ("sources",), rule.sources, raw=data, path=path)
        try:
            condition = parse_condition(data["when"], factors)
        except ConditionError as error:
            issues.add(path, line_for(data, ("when", *error.path)), f"when: {error.message}",
                       "fix the condition (factor: value, [values] or {not: value})")
            continue
        rule_cases, cases_path = None, cases.get(path)
        if cases_path is not None:
            rule_cases = _load_cases(cases_path, factors, issues)
        if len(issues.issues) != problems_before:
            continue
        category_index = list(categories).index(owner[rule.target]) if rule.target else len(
            categories)
        loaded.append(((category_index, rule.relevance is None, rule.id), LoadedRule(
            rule=rule, condition=condition, path=path, order=0, cases=rule_cases,
            cases_path=cases_path)))
    loaded.sort(key=lambda item: item[0])
    return tuple(
        LoadedRule(rule=item.rule, condition=item.condition, path=item.path, order=index,
                   cases=item.cases, cases_path=item.cases_path)
        for index, (_, item) in enumerate(loaded)
    )


def _load_cases(path: Path, factors: dict[str, Factor], issues: _Collector
                ) -> RuleCases | None:
    data = _read(path, issues)
    if data is _FAILED:
        return None
    if data is None:
        issues.add(path, None, "the cases file is empty",
                   "add profiles under fires: and silent:")
        return None
    cases = _validate(RuleCases, data, path, issues)
    if cases is None:
        return None
    for group in ("fires", "overridden", "silent"):
        for index, profile in enumerate(getattr(cases, group)):
            try:
                parse_profile(profile, factors)
            except ProfileError as error:
                issues.add(path, line_for(data, (group, index)), f"{group} case: {error}",
                           "use factor ids and allowed values")
    return cases

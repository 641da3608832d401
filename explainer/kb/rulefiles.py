"""Loading the rule files: one YAML file per rule under ``rules/<category>/``, each with an
optional ``.cases.yaml`` beside it, checked against the factors and categories."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from explainer.errors import ProfileError
from explainer.kb.conditions import ConditionError, parse_condition
from explainer.kb.knowledge import LoadedRule
from explainer.kb.models import Factor, Rule, SourceRef
from explainer.kb.paths import CASES_SUFFIX, NOTES_FOLDER
from explainer.kb.profiles import parse_profile
from explainer.kb.schema import CategoriesFile, RuleCases
from explainer.kb.validation import FAILED, Collector, read, validate
from explainer.kb.yamlio import LineDict, line_for


class SourceCheck(Protocol):
    """Checks the citations of an entry (see the builder's cross-checker)."""

    def __call__(self, name: str, location: tuple[Any, ...], refs: Sequence[SourceRef], *,
                 raw: Any = None, path: Path | None = None) -> None: ...


def _rule_files(root: Path, issues: Collector) -> tuple[list[Path], dict[Path, Path]]:
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


def _owners(categories_file: CategoriesFile) -> dict[str, str]:
    """The category of every target id (a category is its own)."""
    owner = {subtype.id: category.id for category in categories_file.categories
             for subtype in category.subtypes}
    owner.update({category.id: category.id for category in categories_file.categories})
    return owner


def _check_place(root: Path, path: Path, data: LineDict, rule: Rule,
                 categories_file: CategoriesFile, seen: dict[str, Path],
                 issues: Collector) -> None:
    """A rule's id matches its file and is unique; its target exists, can take a relevance,
    and lives in the folder of its category (notes in rules/notes/)."""
    categories = {category.id: category for category in categories_file.categories}
    owner = _owners(categories_file)
    if rule.id != path.stem:
        issues.add(path, data.line_of("id"), f"rule id '{rule.id}' differs from the file "
                   f"name", f"rename the file to {rule.id}.yaml or set id: {path.stem}")
    if rule.id in seen:
        issues.add(path, data.line_of("id"), f"duplicate rule id '{rule.id}' (also in "
                   f"{seen[rule.id].relative_to(root)})", "give each rule its own id")
    if rule.target is not None and rule.target not in owner:
        issues.add(path, data.line_of("target"), f"unknown target '{rule.target}'",
                   f"use a category or subtype id: {', '.join(owner)}")
        return
    if rule.relevance is not None and rule.target in categories and categories[
            rule.target].subtypes:
        issues.add(path, data.line_of("target"), f"'{rule.target}' takes its relevance "
                   "from its subtypes", "target one of its subtypes, or drop relevance "
                   "to make this a note")
    folder = path.parent.name
    expected = owner[rule.target] if rule.target else NOTES_FOLDER
    if folder != expected:
        issues.add(path, None, f"the rule lives in rules/{folder}/ but its target "
                   f"belongs in rules/{expected}/", f"move it to rules/{expected}/")


def load_rules(root: Path, factors: dict[str, Factor], categories_file: CategoriesFile,
               issues: Collector, check_sources: SourceCheck) -> tuple[LoadedRule, ...]:
    """Every rule under ``root/rules``, with its condition and cases, in a stable order:
    by category, deciding rules before notes, then by id. ``check_sources`` checks a rule's
    citations (the cross-checker's, which knows the sources)."""
    categories = [category.id for category in categories_file.categories]
    owner = _owners(categories_file)
    rule_files, cases = _rule_files(root, issues)
    loaded: list[tuple[tuple[int, int, str], LoadedRule]] = []
    seen: dict[str, Path] = {}
    for path in rule_files:
        data = read(path, issues)
        if data is FAILED:
            continue
        if not isinstance(data, LineDict):
            issues.add(path, None, "a rule file must be a mapping", "see any rule for the form")
            continue
        rule = validate(Rule, data, path, issues)
        if rule is None:
            continue
        problems_before = len(issues.issues)
        _check_place(root, path, data, rule, categories_file, seen, issues)
        seen[rule.id] = path
        check_sources("", ("sources",), rule.sources, raw=data, path=path)
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
        category_index = categories.index(owner[rule.target]) if rule.target else len(
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


def _load_cases(path: Path, factors: dict[str, Factor], issues: Collector
                ) -> RuleCases | None:
    data = read(path, issues)
    if data is FAILED:
        return None
    if data is None:
        issues.add(path, None, "the cases file is empty",
                   "add profiles under fires: and silent:")
        return None
    cases = validate(RuleCases, data, path, issues)
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

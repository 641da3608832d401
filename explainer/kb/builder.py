"""Building a KnowledgeBase from YAML: parse, validate with pydantic, cross-check.

Every problem is collected (not just the first) and reported with ``file:line`` and a fix, so a
person editing a copy of the knowledge base can repair it in one pass. Used by
:func:`explainer.kb.loader.load_knowledge` when the knowledge-base cache has no entry. Reading
and validating one file is in :mod:`explainer.kb.validation`; the rule files are loaded by
:mod:`explainer.kb.rulefiles`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from explainer.errors import KnowledgeBaseError
from explainer.kb.conditions import ConditionError, parse_condition
from explainer.kb.interface import InterfaceFile, check_phrases
from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.models import DisclaimerFile, Factor, SourceFile, SourceRef, SupportFile
from explainer.kb.paths import CLINICIAN_FILE, COMMENTS_FILE, RESERVED_FLAGS, REVIEWS_FOLDER
from explainer.kb.profiles import Profile
from explainer.kb.reportfiles import build_report_knowledge
from explainer.kb.reviews import statement_reviews
from explainer.kb.rulefiles import load_rules
from explainer.kb.schema import (
    KNOWLEDGE_FILES,
    CareTeamFile,
    CategoriesFile,
    ClinicianFile,
    CommentsFile,
    FactorsFile,
    GlossaryFile,
    RelevanceFile,
    StageMeaningsFile,
)
from explainer.kb.validation import FAILED, Collector, M, read, validate
from explainer.kb.yamlio import line_for


# Over 60 lines on purpose: it reads, checks and assembles the files in the order they depend
# on each other, collecting every problem before it raises (the checks are _CrossChecker's).
def build_knowledge(root: Path, fingerprint: str) -> KnowledgeBase:
    """Parse, validate and cross-check the knowledge base in ``root``.

    Raises :class:`~explainer.errors.KnowledgeBaseError` listing every problem.
    """
    issues = Collector()
    raw: dict[str, Any] = {}
    models: dict[str, Any] = {}
    files: dict[str, Path] = {}
    for name, model in KNOWLEDGE_FILES.items():
        file_path = root / "knowledge" / name
        files[name] = file_path
        if not file_path.exists() and not file_path.is_symlink():
            issues.add(file_path, None, f"{name} is missing",
                       "copy it from the project's knowledge/ folder")
            continue
        raw[name] = read(file_path, issues)
        if raw[name] is not FAILED:
            models[name] = validate(model, raw[name], file_path, issues)
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
    meanings_file: StageMeaningsFile = models["stage_meanings.yaml"]
    support_file: SupportFile = models["support.yaml"]
    interface_file: InterfaceFile = models["interface.yaml"]

    checker = _CrossChecker(root, raw, issues, source_file)
    factors = checker.factors(factors_file)
    categories = checker.categories(categories_file)
    checker.relevance(relevance_file)
    checker.care_team(care_file, categories)
    checker.glossary(glossary_file)
    checker.disclaimer(disclaimer_file)
    checker.stage_meanings(meanings_file, factors)
    checker.support(support_file)
    for location, message, hint in check_phrases(raw.get("interface.yaml")):
        checker.issue("interface.yaml", location, message, hint)
    rules = load_rules(root, factors, categories_file, issues, checker.sources)
    report, report_issues = build_report_knowledge(root / "knowledge")
    issues.issues.extend(report_issues)
    checker.role_rules(care_file, {loaded.id for loaded in rules})
    checker.question_order(disclaimer_file, factors, categories_file,
                           {loaded.id: bool(loaded.rule.questions) for loaded in rules})
    clinician_file = _ledger(root / "knowledge" / REVIEWS_FOLDER / CLINICIAN_FILE,
                             ClinicianFile, issues)
    comments_file = _ledger(root / "knowledge" / REVIEWS_FOLDER / COMMENTS_FILE,
                            CommentsFile, issues)
    if issues.issues or report is None:
        raise KnowledgeBaseError(issues.issues, root)
    kb = KnowledgeBase(
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
        interface=interface_file,
        rules=rules,
        report=report,
        fingerprint=fingerprint,
        files=files,
        stage_meanings={meaning.stage: meaning for meaning in meanings_file.meanings},
        support=support_file,
        clinician_reviews=clinician_file.reviews if clinician_file else (),
        review_comments=comments_file.comments if comments_file else (),
    )
    # Every statement's review state, worked out once and kept (in the cache too) with the rest.
    return replace(kb, statement_reviews=statement_reviews(kb))


def _ledger(path: Path, model: type[M], issues: Collector) -> M | None:
    """A file of the review ledger: optional (no file, or an empty one, means no records)."""
    if not path.is_file():
        return None
    data = read(path, issues)
    if data is FAILED or data is None:
        return None
    return validate(model, data, path, issues)


class _CrossChecker:
    """Checks that ids are unique and that every reference points at something that exists."""

    def __init__(self, root: Path, raw: dict[str, Any], issues: Collector,
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
            self.issue("source.yaml", ("sources",), "no source is marked primary: true",
                        "mark the main article with primary: true")

    def issue(self, name: str, location: tuple[Any, ...], message: str, hint: str) -> None:
        """Report a problem at ``location`` in the knowledge file ``name``."""
        path = self.root / "knowledge" / name
        self.issues.add(path, line_for(self.raw.get(name), location), message, hint)

    def _unique(self, name: str, location: tuple[Any, ...], ids: Iterable[str], what: str) -> None:
        seen: set[str] = set()
        for index, item in enumerate(ids):
            if item in seen:
                self.issue(name, (*location, index), f"duplicate {what} id '{item}'",
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
                    self.issue(name, where, message, hint)

    def factors(self, factors_file: FactorsFile) -> dict[str, Factor]:
        name = "factors.yaml"
        factors = factors_file.factors
        self._unique(name, ("factors",), [factor.id for factor in factors], "factor")
        self._unique(name, ("factors",), [factor.cli_flag for factor in factors], "cli_flag")
        for index, factor in enumerate(factors):
            here = ("factors", index)
            self.sources(name, (*here, "sources"), factor.sources)
            if factor.cli_flag in RESERVED_FLAGS:
                self.issue(name, (*here, "cli_flag"), f"cli_flag '{factor.cli_flag}' is "
                            "used by the explain command itself", "choose another flag name")
            if factor.id == "any":
                self.issue(name, (*here, "id"), "'any' is reserved in rule conditions",
                            "choose another id")
            value_ids = [value.id for value in factor.values]
            self._unique(name, (*here, "values"), value_ids, "value")
            spellings: dict[str, str] = {}
            for value_index, value in enumerate(factor.values):
                for alias in (value.id, *value.aliases):
                    key = alias.lower()
                    if key in spellings and spellings[key] != value.id:
                        self.issue(name, (*here, "values", value_index),
                                    f"'{alias}' names both '{spellings[key]}' and '{value.id}'",
                                    "remove the alias from one of them")
                    spellings[key] = value.id
            if factor.kind == "choice" and "unknown" not in value_ids:
                self.issue(name, (*here, "values"), f"factor '{factor.id}' has no 'unknown' "
                            "value", "add a value with id: unknown (every factor may be unknown)")
            if factor.kind == "multi" and "unknown" in value_ids:
                self.issue(name, (*here, "values"), "a multi-choice factor must not list "
                            "'unknown'", "remove it: an empty answer already means unknown")
            if factor.kind == "number":
                self._bands(name, here, factor)
        by_id = {factor.id: factor for factor in factors}
        for index, factor in enumerate(factors):
            if factor.not_asked_when is None:
                continue
            try:
                parse_condition(factor.not_asked_when, by_id)
            except ConditionError as error:
                self.issue(name, ("factors", index, "not_asked_when", *error.path),
                            f"not_asked_when: {error.message}",
                            "fix the condition (factor: value, [values] or {not: value})")
        for required, field in Profile.model_fields.items():
            # The profile's own fields take the factors' checked values as they are (see
            # profiles.parse_profile), so each must be of the kind its field holds.
            kind = "choice" if field.annotation is str else "number"
            if required not in by_id:
                self.issue(name, ("factors",), f"the factor '{required}' is missing",
                            "the CLI flags and the JSON profile rely on it; add it back")
            elif by_id[required].kind != kind:
                self.issue(name, ("factors", factors.index(by_id[required]), "kind"),
                            f"the factor '{required}' must be of kind {kind}, not "
                            f"{by_id[required].kind}", f"set kind: {kind}")
        return {factor.id: factor for factor in factors}

    def _bands(self, name: str, here: tuple[Any, ...], factor: Factor) -> None:
        assert factor.min is not None and factor.max is not None
        expected = factor.min
        for band_index, band in enumerate(sorted(factor.bands, key=lambda band: band.min)):
            if band.min != expected or band.max < band.min:
                self.issue(name, (*here, "bands", band_index),
                            f"band '{band.id}' does not start at {expected}",
                            "make the bands cover min..max without gaps or overlaps")
                return
            expected = band.max + 1
        if expected != factor.max + 1:
            self.issue(name, (*here, "bands"), f"the bands stop before max ({factor.max})",
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
                    self.issue(name, ("roles", index, "categories", cat_index),
                                f"unknown category '{category_id}'",
                                f"use one of: {', '.join(sorted(known))}")
            if not role.categories and not role.rules and not role.always:
                self.issue(name, ("roles", index), f"role '{role.id}' is never shown",
                            "list its categories or rules, or set always: true")

    def stage_meanings(self, meanings_file: StageMeaningsFile,
                       factors: dict[str, Factor]) -> None:
        """One meaning per stage value, each cited."""
        name = "stage_meanings.yaml"
        stage = factors.get("stage")
        stages = [value.id for value in stage.values] if stage is not None else []
        given = [meaning.stage for meaning in meanings_file.meanings]
        self._unique(name, ("meanings",), given, "stage")
        for index, meaning in enumerate(meanings_file.meanings):
            self.sources(name, ("meanings", index, "sources"), meaning.sources)
            if meaning.stage not in stages:
                self.issue(name, ("meanings", index, "stage"),
                            f"unknown stage '{meaning.stage}'", f"use one of: {', '.join(stages)}")
        for stage_id in stages:
            if stage_id not in given:
                self.issue(name, ("meanings",), f"no meaning for stage '{stage_id}'",
                            "add one (every stage value, unknown included, needs its meaning)")

    def support(self, support_file: SupportFile) -> None:
        """Support items have unique ids and cite known sources."""
        name = "support.yaml"
        self._unique(name, ("items",), [item.id for item in support_file.items], "support item")
        for index, item in enumerate(support_file.items):
            self.sources(name, ("items", index, "sources"), item.sources)

    def role_rules(self, care_file: CareTeamFile, rule_ids: set[str]) -> None:
        """Check that the rules that bring in a care role exist."""
        for index, role in enumerate(care_file.roles):
            for rule_index, rule_id in enumerate(role.rules):
                if rule_id not in rule_ids:
                    self.issue("care_team.yaml", ("roles", index, "rules", rule_index),
                                f"unknown rule '{rule_id}'",
                                "use the id of a rule file under rules/ (its file name)")

    def question_order(self, disclaimer_file: DisclaimerFile, factors: dict[str, Factor],
                       categories_file: CategoriesFile, rule_questions: dict[str, bool]) -> None:
        """Check each question order: its condition, its sources, and that every question it
        names is one the knowledge base can ask."""
        name = "disclaimer.yaml"
        orders = disclaimer_file.question_order
        self._unique(name, ("question_order",), [order.id for order in orders], "question order")
        askable = {f"general:{question.id}" for question in disclaimer_file.general_questions}
        askable |= {f"rule:{rule_id}" for rule_id, has in rule_questions.items() if has}
        askable |= {f"factor:{factor.id}" for factor in factors.values()
                    if factor.if_unknown_question}
        for category in categories_file.categories:
            if category.questions:
                askable.add(f"category:{category.id}")
            askable |= {f"subtype:{subtype.id}" for subtype in category.subtypes
                        if subtype.questions}
        for index, order in enumerate(orders):
            here = ("question_order", index)
            self.sources(name, (*here, "sources"), order.sources)
            try:
                parse_condition(order.when, factors)
            except ConditionError as error:
                self.issue(name, (*here, "when", *error.path), f"when: {error.message}",
                            "fix the condition (factor: value, [values] or {not: value})")
            for field in ("first", "last"):
                for position, origin in enumerate(getattr(order, field)):
                    if origin not in askable:
                        self.issue(name, (*here, field, position),
                                    f"'{origin}' names no question the knowledge base asks",
                                    "use general:<id>, rule:<id>, factor:<id>, category:<id> or "
                                    "subtype:<id> of an entry that has a question")

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

"""Reading level and terms of art: the ``reading-level`` and ``terms`` validators.

What is scored, and how (see :mod:`explainer.lint.grades` for how terms count):

* Running text of 20 words or more (a description, a rule's reason) is scored on its own:
  both its Flesch-Kincaid and its SMOG grade must be at most ``--max-grade`` (8; aim for 6-7).
* Shorter strings are too short for either formula: on a dozen words one syllable moves the
  Flesch-Kincaid grade by a whole grade. They are scored in pools of their own sort (all
  questions, all care-team "why" texts, all glossary definitions ...), read one after another
  as one passage; a pool over the limit is reported at its hardest string. A short string is
  still reported on its own if its Flesch-Kincaid grade passes the limit by more than 4.
* Names and labels (category names, value labels, headings) are not scored; the wording and
  terms checks still read them.
* Whole explanations: the patient text of the explanation for each representative profile
  (the project's five reference profiles, and the scenarios in knowledge/scenarios.yaml when
  there are any), read as the person reads it, must meet the same limit.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explainer.lint.base import LintContext, LintIssue, Severity, Validator
from explainer.lint.grades import (
    Grades,
    Summary,
    Vocabulary,
    grade,
    grade_passage,
    summarise,
    unexplained_terms,
)
from explainer.lint.texts import TextItem

MIN_WORDS = 20
"""Strings with fewer words are scored in pools (see the module docstring)."""
OUTLIER_MARGIN = 4.0
BRIEF_MAX_FK = 6.5
"""The brief view's median Flesch-Kincaid grade over the reference profiles, at most."""
FULL_MAX_FK = 7.5
"""The full view's median Flesch-Kincaid grade over the reference profiles, at most."""
"""A short string whose own FK grade passes the limit by more than this is reported alone."""

REPRESENTATIVE_PROFILES: dict[str, dict[str, Any]] = {
    "metastatic-hr-positive": {"stage": "IV", "hr_status": "positive", "her2_status": "negative",
                               "menopausal_status": "postmenopausal", "general_health": "good",
                               "age": 63},
    "early-her2-positive": {"stage": "II", "hr_status": "negative", "her2_status": "positive",
                            "menopausal_status": "premenopausal", "general_health": "good",
                            "age": 42},
    "triple-negative": {"stage": "II", "hr_status": "negative", "her2_status": "negative",
                        "menopausal_status": "premenopausal", "general_health": "fair",
                        "side_effect_concerns": ["fertility", "hair_loss"]},
    "dcis": {"stage": "0", "hr_status": "positive", "menopausal_status": "postmenopausal",
             "general_health": "good"},
    "all-unknown": {},
}
"""The reference profiles (the same five the golden-output tests render)."""


def vocabulary(context: LintContext) -> Vocabulary:
    """The terms this knowledge base explains: glossary terms and spellings, the names of
    categories, subtypes and care-team roles (each has its own plain description), and the
    report reader's terms (report.yaml; its outputs define each one they use)."""
    spellings: list[str] = []
    for item in context.texts:
        if item.field == "label" and item.path.parent.name == "knowledge" and (
                item.path.name in ("glossary.yaml", "categories.yaml", "care_team.yaml")):
            spellings.append(item.text)
    glossary = context.raw.get(context.root / "knowledge" / "glossary.yaml")
    if isinstance(glossary, Mapping) and isinstance(glossary.get("terms"), list):
        for term in glossary["terms"]:
            if isinstance(term, Mapping) and isinstance(term.get("aliases"), list):
                spellings.extend(str(alias) for alias in term["aliases"])
    report = context.raw.get(context.root / "knowledge" / "report.yaml")
    if isinstance(report, Mapping) and isinstance(report.get("terms"), list):
        for term in report["terms"]:
            if isinstance(term, Mapping):
                spellings.extend(str(spelling) for spelling in
                                 [term.get("term"), *(term.get("aliases") or [])] if spelling)
    return Vocabulary.of(spellings)


def scenario_profiles(root: Path, raw: Mapping[Path, Any]) -> dict[str, dict[str, Any]]:
    """Profiles of knowledge/scenarios.yaml, if the knowledge base has one (id -> profile)."""
    data = raw.get(root / "knowledge" / "scenarios.yaml")
    entries = data.get("scenarios") if isinstance(data, Mapping) else data
    found: dict[str, dict[str, Any]] = {}
    if isinstance(entries, list):
        for index, entry in enumerate(entries):
            if isinstance(entry, Mapping) and isinstance(entry.get("profile"), Mapping):
                name = str(entry.get("id") or entry.get("name") or f"scenario-{index + 1}")
                found[f"scenario {name}"] = dict(entry["profile"])
    return found


def explanation_prose(document: Any) -> list[str]:
    """The running text of a laid-out explanation, in reading order (no names, tables,
    sources or clinician traces): what a reader actually reads as sentences."""
    texts = [document.disclaimer]
    for section in document.sections:
        if section.intro:
            texts.append(section.intro)
        for entry in section.entries:
            if section.key == "questions":
                texts.append(entry.title)
            texts.extend(_entry_prose(entry))
    return texts


def document_text(document: Any) -> list[str]:
    """Everything a reader reads in a laid-out explanation, in order, labels included:
    headings, table headers and cells, entry titles and badges, and the lines (not sources or
    clinician traces). The brief and full views are graded on this."""
    texts = [document.disclaimer]
    for section in document.sections:
        if section.heading:
            texts.append(section.title)
        if section.intro:
            texts.append(section.intro)
        if section.table is not None:
            texts.extend(section.table.headers)
            texts.extend(cell for row in section.table.rows for cell in row)
        for entry in section.entries:
            texts.extend(_entry_text(entry))
    texts.append(document.disclaimer)
    return texts


def _entry_text(entry: Any) -> list[str]:
    texts = [] if entry.bare else [entry.title]
    if entry.badge:
        texts.append(entry.badge)
    texts.extend(line.text for line in entry.lines if line.kind not in ("source", "trace"))
    for child in entry.children:
        texts.extend(_entry_text(child))
    return texts


def _entry_prose(entry: Any) -> list[str]:
    texts = [line.text for line in entry.lines if line.kind in ("text", "why", "note", "muted")]
    for child in entry.children:
        texts.extend(_entry_prose(child))
    return texts


@dataclass(frozen=True)
class Pool:
    """Short strings of one sort, scored together as one passage."""

    field: str
    grades: Grades
    members: tuple[tuple[TextItem, Grades], ...]


@dataclass(frozen=True)
class ReadingReport:
    """Every grade measured in one run."""

    alone: tuple[tuple[TextItem, Grades], ...]
    """Strings of MIN_WORDS words or more, each scored on its own."""
    pools: tuple[Pool, ...]
    explanations: tuple[tuple[str, Grades], ...]
    """Whole explanations of the representative profiles."""
    views: tuple[tuple[str, str, Grades], ...] = ()
    """(detail, profile, grades): the brief and the full view of each reference profile as
    a reader sees it, headings, labels and table cells included."""

    def view_median(self, detail: str) -> float:
        """The median Flesch-Kincaid grade of one detail level's views (0 when none)."""
        grades = [item.fk for level, _, item in self.views if level == detail]
        return round(statistics.median(grades), 1) if grades else 0.0

    def strings(self) -> list[tuple[TextItem, Grades]]:
        """Every scored string with its own grades (short ones included)."""
        return [*self.alone, *(member for pool in self.pools for member in pool.members)]

    def summaries(self) -> dict[str, Summary]:
        """Median and worst FK and SMOG: of the strings scored alone, of the pools, of every
        string scored alone (short ones too, for comparison), and of the explanations."""
        return {
            "strings of 20+ words": summarise([grades for _, grades in self.alone]),
            "pools of short strings": summarise([pool.grades for pool in self.pools]),
            "every string, alone": summarise([grades for _, grades in self.strings()]),
            "whole explanations": summarise([grades for _, grades in self.explanations]),
            "brief views, with labels": summarise(
                [grades for level, _, grades in self.views if level == "brief"]),
            "full views, with labels": summarise(
                [grades for level, _, grades in self.views if level == "full"]),
        }


def measure(context: LintContext) -> ReadingReport:
    """Score the knowledge base's patient-facing text (see the module docstring); once per run."""
    cached = context.cache.get("reading")
    if isinstance(cached, ReadingReport):
        return cached
    words = vocabulary(context)
    alone: list[tuple[TextItem, Grades]] = []
    pooled: dict[str, list[tuple[TextItem, Grades]]] = defaultdict(list)
    for item in context.texts:
        if item.kind == "label" or item.field == "developer":
            continue
        grades = grade(item.text, words)
        if grades.words >= MIN_WORDS:
            alone.append((item, grades))
        else:
            pooled[item.field].append((item, grades))
    pools = tuple(Pool(field, grade_passage([item.text for item, _ in members], words),
                       tuple(members))
                  for field, members in sorted(pooled.items()))
    explanations, views = _explanations(context, words) if context.kb is not None else ([], [])
    report = context.cache["reading"] = ReadingReport(tuple(alone), pools, tuple(explanations),
                                                      tuple(views))
    return report


def _explanations(context: LintContext, words: Vocabulary
                  ) -> tuple[list[tuple[str, Grades]], list[tuple[str, str, Grades]]]:
    from explainer.engine.oracle import oracle_fired
    from explainer.errors import ExplainerError
    from explainer.explanation.compose import Composer
    from explainer.kb.profiles import parse_profile, to_fact
    from explainer.render.layout import build_document

    kb = context.knowledge
    composer = Composer(kb)
    profiles = {**REPRESENTATIVE_PROFILES, **scenario_profiles(context.root, context.raw)}
    found = []
    views = []
    for name, data in profiles.items():
        try:
            profile = parse_profile(data, kb.factors)
            explanation = composer.compose(profile, oracle_fired(kb, to_fact(profile,
                                                                               kb.factors)))
        except ExplainerError:
            continue  # a profile this knowledge base cannot read; other validators report why
        found.append((name, grade_passage(explanation_prose(build_document(explanation)),
                                          words)))
        if name in REPRESENTATIVE_PROFILES:
            for detail in ("brief", "full"):
                document = build_document(explanation, "patient", detail)
                views.append((detail, name, grade_passage(document_text(document), words)))
    return found, views


def _over(grades: Grades, limit: float) -> bool:
    return grades.fk > limit or grades.smog > limit


def _grades_text(grades: Grades) -> str:
    return f"FK {grades.fk:.1f}, SMOG {grades.smog:.1f}"


class ReadingLevelValidator(
        Validator, name="reading-level",
        concern="patient-facing text above the reading grade limit (FK and SMOG)"):
    """Flesch-Kincaid and SMOG grades of patient-facing text, alone and as whole explanations."""

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        limit = context.options.max_grade
        report = measure(context)
        for item, grades in report.alone:
            if _over(grades, limit):
                yield self.issue(Severity.WARNING, item.path, item.line,
                                 f"{item.where}: reading grade {_grades_text(grades)} is above "
                                 f"{limit:g}", _hint(grades))
        for pool in report.pools:
            hardest, hardest_grades = max(pool.members, key=lambda member: member[1].worst)
            if _over(pool.grades, limit):
                yield self.issue(Severity.WARNING, hardest.path, hardest.line,
                                 f"the {len(pool.members)} short '{pool.field}' texts read "
                                 f"together score {_grades_text(pool.grades)}, above {limit:g};"
                                 f" the hardest is {hardest.where} "
                                 f"({_grades_text(hardest_grades)})", _hint(hardest_grades))
            for item, grades in pool.members:
                if grades.fk > limit + OUTLIER_MARGIN:
                    yield self.issue(Severity.WARNING, item.path, item.line,
                                     f"{item.where}: reading grade FK {grades.fk:.1f} is far "
                                     f"above {limit:g}, even for a short text", _hint(grades))
        for detail, ceiling in (("brief", BRIEF_MAX_FK), ("full", FULL_MAX_FK)):
            median = report.view_median(detail)
            if median > ceiling:
                yield self.issue(Severity.WARNING, None, None,
                                 f"the {detail} view of the reference profiles reads at a "
                                 f"median Flesch-Kincaid grade of {median:.1f}, above "
                                 f"{ceiling:g}", "shorten the sentences and the long words "
                                 f"of the {detail} view (its phrases and the texts it shows)")
        for name, grades in report.explanations:
            if _over(grades, limit):
                yield self.issue(Severity.WARNING, None, None,
                                 f"the explanation for the profile '{name}' reads at "
                                 f"{_grades_text(grades)} ({grades.words} words), above "
                                 f"{limit:g}", "shorten the sentences and the long words of "
                                 "the texts it shows (each is checked on its own above)")


def _hint(grades: Grades) -> str:
    if grades.fk >= grades.smog:
        return ("split long sentences (aim for 15 words or fewer) and prefer short words; "
                "aim for grade 6-7")
    return ("use fewer words of three or more syllables (or explain a term in the glossary); "
            "aim for grade 6-7")


class TermsValidator(
        Validator, name="terms",
        concern="a term of art that neither the glossary nor the text itself explains"):
    """Terms of art used in patient-facing text that are not explained.

    A term is explained when knowledge/glossary.yaml lists it (or a spelling of it), when it
    names a category, subtype or care-team role, or in place: in parentheses after the plain
    words, after "called", "named", "such as", or followed by ", a ..." as in "HER2, a protein".
    """

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        words = vocabulary(context)
        for item in context.texts:
            if _is_glossary_entry(item) or item.field == "developer":
                continue
            for term in unexplained_terms(item.text, words):
                yield self.issue(Severity.WARNING, item.path, item.line,
                                 f"{item.where}: the term of art '{term}' is not explained",
                                 "add it to knowledge/glossary.yaml with a plain definition, "
                                 f"or explain it in place ('... called {term}', '{term}, a "
                                 "...', or the plain words first and the term in parentheses)")


def _is_glossary_entry(item: TextItem) -> bool:
    # A glossary entry's own term is what it explains.
    return item.path.name == "glossary.yaml" and item.field == "label"

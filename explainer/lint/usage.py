# Over 400 lines for now: four whole-knowledge-base validators share one set of helpers here.
# The review-metadata validator is the natural piece to move out (issue 11 follow-up).
"""Validators that need the whole, loaded knowledge base: rule cases, unused entries, what no
profile can show, and review metadata."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from explainer.kb.models import SourceRef
from explainer.kb.profiles import describe_profile
from explainer.kb.review_meta import Review
from explainer.kb.yamlio import LineDict, line_for
from explainer.lint.base import LintContext, LintIssue, ProblemCode, Severity, Validator
from explainer.lint.factor_space import Coverage, coverage, satisfiable


def shared_coverage(context: LintContext) -> Coverage:
    """The factor-space coverage, computed once per run and shared by validators."""
    cached = context.cache.get("coverage")
    if not isinstance(cached, Coverage):
        assert context.kb is not None
        cached = context.cache["coverage"] = coverage(context.kb)
    return cached


def _line(context: LintContext, path: Path, location: tuple[Any, ...]) -> int | None:
    return line_for(context.raw.get(path), location)


class _Locator:
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
        path, location = self._index[(kind, key)]
        return path, _line(self.context, path, (*location, *deeper))


class RuleCasesValidator(
        Validator, name="cases", needs_kb=True,
        concern="a rule without cases, a case file without expectations, a failing case"):
    """Every rule has cases that say where it must fire and where it must not, and they pass."""

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        from explainer.explanation.api import get_explainer
        from explainer.lint.cases import case_file_problems, run_rule_cases

        kb = context.knowledge
        for problem in case_file_problems(kb):
            loaded = kb.rule(problem.subject)
            path = loaded.cases_path or loaded.path
            # A missing case is a gap in the tests; an overridden note is a contradiction.
            severity = (Severity.ERROR if problem.code is ProblemCode.NOTE_OVERRIDDEN
                        else Severity.WARNING)
            yield self.issue(severity, path, None, f"rule {problem.subject}: {problem.message}",
                             f"list profiles under fires: and silent: in "
                             f"{loaded.path.with_name(loaded.id + '.cases.yaml').name}")
        for problem in run_rule_cases(get_explainer(kb)):
            loaded = kb.rule(problem.subject)
            yield self.issue(Severity.ERROR, loaded.cases_path or loaded.path, None,
                             f"rule {problem.subject}: {problem.message}",
                             "fix the rule's condition or priority, or the case if it was wrong")


_WORD_BOUNDARY = r"(?<![\w-])(?:{})(?![\w-])"


class UnusedEntriesValidator(
        Validator, name="unused", needs_kb=True,
        concern="a knowledge entry nothing uses (term, section, factor value, role, question)"):
    """Knowledge entries nothing uses: a glossary term no text uses, a source section nobody
    cites, a factor value no rule tells apart, a care role or a question no profile shows."""

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        kb = context.knowledge
        where = _Locator(context)
        yield from self._terms(context, where)
        yield from self._sections(context, where)
        yield from self._values(context, where)
        space = shared_coverage(context)
        for role in kb.care_team:
            # A role brought in by notes is shown whenever one of them can fire (notes look at
            # factors the enumerated space leaves out, such as age or concerns).
            if not role.always and role.id not in space.shown_roles and not any(
                    satisfiable(kb, kb.rule(rule_id).condition) for rule_id in role.rules):
                yield self.issue_at(Severity.WARNING, where.find("role", role.id),
                                    f"care role '{role.id}' is never shown: none of its "
                                    f"categories ({', '.join(role.categories)}) is ever often or "
                                    "may be discussed", "link it to a category that comes up, "
                                    "or set always: true")
        for target_id, questions in self._target_questions(context):
            if questions and "often_discussed" not in space.relevances(target_id):
                yield self.issue_at(Severity.WARNING, where.find("target", target_id, "questions"),
                                    f"the questions of '{target_id}' are never shown: questions "
                                    "appear only where it is often discussed, and no profile "
                                    "gets there", "move them to the rules that bring it up "
                                    "(questions: in the rule file), or remove them")

    def _target_questions(self, context: LintContext) -> Iterator[tuple[str, tuple[str, ...]]]:
        kb = context.knowledge
        for category in kb.categories.values():
            yield category.id, category.questions
            for subtype in category.subtypes:
                yield subtype.id, subtype.questions

    def _terms(self, context: LintContext, where: _Locator) -> Iterator[LintIssue]:
        kb = context.knowledge
        for term in kb.glossary:
            spellings = sorted((term.term, *term.aliases), key=len, reverse=True)
            pattern = re.compile(_WORD_BOUNDARY.format("|".join(map(re.escape, spellings))),
                                 re.IGNORECASE)
            used = any(pattern.search(item.text) for item in context.texts
                       if not (item.path.name == "glossary.yaml"
                               and item.where.startswith(f"terms[{term.term}]")))
            if not used:
                yield self.issue_at(Severity.WARNING, where.find("term", term.term),
                                    f"glossary term '{term.term}' is used by no text, so no "
                                    "output ever shows it", "remove it, or use the term where it "
                                    "helps (its definition then appears with it)")

    def _sections(self, context: LintContext, where: _Locator) -> Iterator[LintIssue]:
        kb = context.knowledge
        cited: set[tuple[str, str]] = set()

        def cite(refs: tuple[SourceRef, ...]) -> None:
            cited.update((ref.source, ref.section) for ref in refs)

        for factor in kb.factors.values():
            cite(factor.sources)
        for category in kb.categories.values():
            cite(category.sources)
            for subtype in category.subtypes:
                cite(subtype.sources)
        for role in kb.care_team:
            cite(role.sources)
        for term in kb.glossary:
            cite(term.sources)
        for question in kb.disclaimer.general_questions:
            cite(question.sources)
        for order in kb.disclaimer.question_order:
            cite(order.sources)
        for loaded in kb.rules:
            cite(loaded.rule.sources)
        for meaning in kb.stage_meanings.values():
            cite(meaning.sources)
        for item in kb.support.items if kb.support else ():
            cite(item.sources)
        for source in kb.source_file.sources:
            for section in source.sections:
                if (source.id, section.id) not in cited:
                    yield self.issue_at(
                        Severity.WARNING, where.find("section", f"{source.id}/{section.id}"),
                        f"section '{section.id}' of source '{source.id}' is cited "
                        "by nothing", "cite it where a statement rests on it, or "
                        "remove it from source.yaml")

    def _values(self, context: LintContext, where: _Locator) -> Iterator[LintIssue]:
        kb = context.knowledge
        mentioned: dict[str, set[str]] = {}
        for loaded in kb.rules:
            for test in _tests(loaded.condition):
                mentioned.setdefault(test.factor.id, set()).update(test.values)
        for factor in kb.factors.values():
            if factor.id not in mentioned:
                yield self.issue_at(Severity.WARNING, where.find("factor", factor.id),
                                    f"factor '{factor.id}' is asked but no rule uses it",
                                    "write a rule that uses it, or remove the factor")
                continue
            for value in factor.values:
                if value.id == "unknown" or value.exclusive or value.id in mentioned[factor.id]:
                    continue
                yield self.issue_at(Severity.INFO, where.find("value", f"{factor.id}={value.id}"),
                                    f"no rule names {factor.id}={value.id}; rules treat it only as "
                                    "'none of the values they name'", "fine for a default such "
                                    "as general_health=good; otherwise write the rule it needs")


def _tests(condition: Any) -> Iterator[Any]:
    yield from condition.tests
    for branch in condition.any_of:
        yield from _tests(branch)


class ReachabilityValidator(Validator, name="reachability", needs_kb=True,
                            concern="a category, subtype or rule that no profile can ever show"):
    """What no profile can ever show, found by enumerating the factor space.

    A category or subtype that is never often or may be discussed for any combination of the
    factors is reported, unless its entry says so on purpose with ``never_discussed: <why>`` (an
    acknowledgement this check also verifies: it fails if a profile does show the entry). Rules
    that can never fire, or fire but are always outranked, are reported too.
    """

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        kb = context.knowledge
        space = shared_coverage(context)
        where = _Locator(context)
        for gap in space.gaps:
            yield self.issue(Severity.ERROR, kb.root / "rules", None, gap,
                             "add or fix a rule so that every combination gets exactly one "
                             "relevance")
        for category in kb.categories.values():
            if category.subtypes and category.never_discussed:
                yield self.issue_at(
                    Severity.WARNING, where.find("target", category.id, "never_discussed"),
                    f"'{category.id}' takes its relevance from its kinds, so "
                    "never_discussed there has no effect",
                    "put never_discussed on the kinds it is true of")
        yield from self._targets(context, space, where)
        yield from self._rules(context, space)

    def _targets(self, context: LintContext, space: Coverage, where: _Locator
                 ) -> Iterator[LintIssue]:
        """Categories and kinds that no profile shows (or that show despite never_discussed)."""
        kb = context.knowledge
        targets = [(category.id, category.never_discussed) for category in kb.categories.values()
                   if not category.subtypes]
        targets += [(subtype_id, subtype.never_discussed)
                    for subtype_id, (_, subtype) in kb.subtypes.items()]
        for target_id, acknowledged in targets:
            levels = space.relevances(target_id)
            shown = [level for level in levels if level in ("often_discussed", "may_be_discussed")]
            if shown and acknowledged:
                example = describe_profile(space.examples[(target_id, shown[0])])
                yield self.issue_at(
                    Severity.WARNING, where.find("target", target_id, "never_discussed"),
                    f"'{target_id}' is marked never_discussed, but the profile "
                    f"{example} shows it as {shown[0]}",
                    "remove never_discussed, or fix the rule that brings it up")
            elif not shown and levels:
                path, line = where.find("target", target_id,
                                        "never_discussed" if acknowledged else "id")
                counts = ", ".join(f"{level} for {space.counts[target_id][level]}"
                                   for level in levels)
                if acknowledged:
                    yield self.issue(Severity.INFO, path, line,
                                     f"'{target_id}' is never often or may be discussed "
                                     f"({counts} of {space.total} combinations), as its entry "
                                     "acknowledges", "")
                else:
                    yield self.issue(Severity.WARNING, path, line,
                                     f"no profile shows '{target_id}' as often or may be "
                                     f"discussed ({counts} of {space.total} combinations)",
                                     "fix the rules, or if it is deliberate say why in the "
                                     "entry with never_discussed: <reason>")

    def _rules(self, context: LintContext, space: Coverage) -> Iterator[LintIssue]:
        """Rules that can never fire, or that fire but never decide."""
        kb = context.knowledge
        for loaded in kb.rules:
            # The space holds every factor a deciding rule uses; a note may use others (age,
            # concerns), so its condition is checked on its own.
            fires = loaded.id in space.fired or (
                not loaded.decides and satisfiable(kb, loaded.condition))
            if not fires:
                yield self.issue(Severity.WARNING, loaded.path,
                                 _line(context, loaded.path, ("when",)),
                                 f"rule {loaded.id} can never fire: no profile meets its "
                                 "condition", "fix the condition (check the values and any "
                                 "'not')")
            elif loaded.decides and loaded.id not in space.decided:
                yield self.issue(Severity.WARNING, loaded.path,
                                 _line(context, loaded.path, ("priority",)),
                                 f"rule {loaded.id} fires but never decides: a rule of higher "
                                 "priority always outranks it", "narrow the other rule, raise "
                                 "this one's priority, or remove it")


class ReviewMetadataValidator(
        Validator, name="review", needs_kb=True,
        concern="review metadata in the future, stale, older than the source's revision, or "
                "the words changed since review"):
    """Review metadata: not in the future, not stale, not older than its sources, and still
    about the current words (a changed text no longer counts as checked or reviewed)."""

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        kb = context.knowledge
        where = _Locator(context)
        options = context.options
        entries: list[tuple[str, Review, tuple[SourceRef, ...], Path, int | None]] = []
        for factor in kb.factors.values():
            entries.append((f"factor {factor.id}", factor.review, factor.sources,
                            *where.find("factor", factor.id, "review")))
        for category in kb.categories.values():
            entries.append((f"category {category.id}", category.review, category.sources,
                            *where.find("target", category.id, "review")))
            for subtype in category.subtypes:
                entries.append((f"subtype {subtype.id}", subtype.review, subtype.sources,
                                *where.find("target", subtype.id, "review")))
        for role in kb.care_team:
            entries.append((f"care role {role.id}", role.review, role.sources,
                            *where.find("role", role.id, "review")))
        for term in kb.glossary:
            entries.append((f"glossary term '{term.term}'", term.review, term.sources,
                            *where.find("term", term.term, "review")))
        for question in kb.disclaimer.general_questions:
            entries.append((f"question {question.id}", question.review, question.sources,
                            *where.find("question", question.id, "review")))
        meanings_path = kb.root / "knowledge" / "stage_meanings.yaml"
        for index, meaning in enumerate(kb.stage_meanings.values()):
            entries.append((f"stage meaning {meaning.stage}", meaning.review, meaning.sources,
                            meanings_path, _line(context, meanings_path,
                                                 ("meanings", index, "review"))))
        support_path = kb.root / "knowledge" / "support.yaml"
        for index, item in enumerate(kb.support.items if kb.support else ()):
            entries.append((f"support item {item.id}", item.review, item.sources,
                            support_path, _line(context, support_path,
                                                ("items", index, "review"))))
        disclaimer_path = kb.root / "knowledge" / "disclaimer.yaml"
        entries.append(("the disclaimer", kb.disclaimer.review, (), disclaimer_path,
                        _line(context, disclaimer_path, ("review",))))
        for loaded in kb.rules:
            raw = context.raw.get(loaded.path)
            line = raw.line_of("status") if isinstance(raw, LineDict) else None
            entries.append((f"rule {loaded.id}", loaded.rule.review, loaded.rule.sources,
                            loaded.path, line))
        for what, review, sources, path, line in entries:
            yield from self._entry(kb, what, review, sources, path, line, options.today,
                                   options.stale_days)
        yield from self._changed(context)

    def _changed(self, context: LintContext) -> Iterator[LintIssue]:
        """Statements whose words changed since their source check or clinician review, ledger
        records for statements that no longer exist, and the counts per state."""
        from explainer.lint.statements import statements

        kb = context.knowledge
        found = statements(kb)
        known = {item.id for item in found}
        reported: set[str] = set()
        for item in found:
            state = item.state
            if state.changed_since == "clinician_reviewed":
                yield self.issue(Severity.ERROR, *_where(kb, item.location),
                                 f"{item.id} changed since review: a "
                                 "clinician approved other words, so it now counts as not "
                                 "reviewed", "ask for a new review (explainer review --format "
                                 "csv, then explainer review apply), or remove the old record "
                                 "from knowledge/reviews/clinician.yaml")
            elif state.changed_since == "source_checked":
                entry = item.id.partition("/")[0]
                if entry in reported:
                    continue
                reported.add(entry)
                yield self.issue(Severity.ERROR, *_where(kb, item.location),
                                 f"{entry} changed since review: its texts "
                                 "are not the ones checked against the sources (text_hash), "
                                 "so it counts as a draft",
                                 "set its status to draft, or check it against its sources "
                                 "again and update checked_by, checked_on and text_hash "
                                 f"(now {_entry_hash(kb, entry)})")
        ledger = kb.root / "knowledge" / "reviews"
        named = [record.statement for record in kb.clinician_reviews]
        named += [comment.statement for comment in kb.review_comments]
        for statement_id in dict.fromkeys(named):
            if statement_id not in known:
                yield self.issue(Severity.WARNING, ledger, None,
                                 f"a review record names {statement_id}, which no longer "
                                 "exists", "remove the record, or restore the statement")
        counts = Counter(item.status for item in found)
        yield self.issue(Severity.INFO, None, None,
                         f"{len(found)} statements: {counts['clinician_reviewed']} reviewed by "
                         f"a clinician, {counts['source_checked']} checked against their "
                         f"sources, {counts['draft']} drafts",
                         "explainer review lists them for sign-off")

    def _entry(self, kb: Any, what: str, review: Review, sources: tuple[SourceRef, ...],
               path: Path, line: int | None, today: dt.date,
               stale_days: int) -> Iterator[LintIssue]:
        date = review.checked_on
        if date is None:
            return
        if date > today:
            yield self.issue(Severity.ERROR, path, line,
                             f"{what} was checked on {date}, which is in the future",
                             "use the date the check took place")
            return
        age = (today - date).days
        if review.status == "source_checked" and age > stale_days:
            yield self.issue(Severity.WARNING, path, line,
                             f"{what} was checked against its sources {age} days ago ({date}); "
                             f"checks older than {stale_days} days are stale",
                             "check it again and update checked_on")
        for ref in sources:
            source_date = _source_date(kb.sources[ref.source].last_reviewed)
            if (source_date is not None and review.status == "source_checked"
                    and date < source_date):
                yield self.issue(Severity.WARNING, path, line,
                                 f"{what} was checked on {date}, before its source "
                                 f"'{ref.source}' was last revised "
                                 f"({kb.sources[ref.source].last_reviewed})",
                                 "check it against the current source and update "
                                 "checked_on")
                break


def _where(kb: Any, location: str) -> tuple[Path | None, int | None]:
    # A statement's location is "file:line" relative to the knowledge base.
    if not location:
        return None, None
    name, _, line = location.rpartition(":")
    if not line.isdigit():
        return kb.root / location, None
    return kb.root / name, int(line)


def _entry_hash(kb: Any, entry_id: str) -> str:
    from explainer.kb.reviews import entries

    return next((entry.text_hash for entry in entries(kb) if entry.id == entry_id), "?")


def _source_date(text: str | None) -> dt.date | None:
    # A source may give only a month ("2023-06"); its first day is the earliest the revision
    # can have been, so only a review surely older than the revision is reported.
    if not text:
        return None
    parts = [int(part) for part in text.split("-")]
    return dt.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)

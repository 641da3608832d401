"""Validators that need the whole, loaded knowledge base: rule cases, unused entries, and what
no profile can show. (Review metadata, which needs it too, is :mod:`explainer.lint.review_meta`.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from explainer.kb.models import SourceRef
from explainer.kb.profiles import describe_profile
from explainer.lint.base import LintContext, LintIssue, ProblemCode, Severity, Validator
from explainer.lint.factor_space import Coverage, coverage, satisfiable
from explainer.lint.locate import Locator, line_at


def shared_coverage(context: LintContext) -> Coverage:
    """The factor-space coverage, computed once per run and shared by validators."""
    cached = context.cache.get("coverage")
    if not isinstance(cached, Coverage):
        assert context.kb is not None
        cached = context.cache["coverage"] = coverage(context.kb)
    return cached


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
        where = Locator(context)
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

    def _terms(self, context: LintContext, where: Locator) -> Iterator[LintIssue]:
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

    def _sections(self, context: LintContext, where: Locator) -> Iterator[LintIssue]:
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

    def _values(self, context: LintContext, where: Locator) -> Iterator[LintIssue]:
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
        where = Locator(context)
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

    def _targets(self, context: LintContext, space: Coverage, where: Locator
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
                                 line_at(context, loaded.path, ("when",)),
                                 f"rule {loaded.id} can never fire: no profile meets its "
                                 "condition", "fix the condition (check the values and any "
                                 "'not')")
            elif loaded.decides and loaded.id not in space.decided:
                yield self.issue(Severity.WARNING, loaded.path,
                                 line_at(context, loaded.path, ("priority",)),
                                 f"rule {loaded.id} fires but never decides: a rule of higher "
                                 "priority always outranks it", "narrow the other rule, raise "
                                 "this one's priority, or remove it")

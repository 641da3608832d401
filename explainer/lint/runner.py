"""Running the validators, and reporting what they found (text with a summary table, or JSON).

Exit codes of ``explainer lint`` (see :class:`explainer.errors.ExitCode`):

* 0: no warnings or errors (info notes may remain), or issues found without ``--fail-on-issues``;
* 1: ``--fail-on-issues`` and at least one warning or error;
* 3: the knowledge base is invalid (it does not load); every problem is still listed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explainer.errors import ExitCode, KnowledgeBaseError
from explainer.lint.base import LintContext, LintIssue, LintOptions, Severity, Validator
from explainer.lint.companions import CompanionsValidator
from explainer.lint.glossary import GlossaryValidator
from explainer.lint.reading import ReadingLevelValidator, ReadingReport, TermsValidator, measure
from explainer.lint.review_meta import ReviewMetadataValidator
from explainer.lint.structure import CitationsValidator, KnowledgeBaseValidator
from explainer.lint.texts import collect_texts, read_raw
from explainer.lint.translation import TranslationValidator
from explainer.lint.usage import ReachabilityValidator, RuleCasesValidator, UnusedEntriesValidator
from explainer.lint.wording import WordingValidator

VALIDATORS: tuple[type[Validator], ...] = (
    KnowledgeBaseValidator,
    CitationsValidator,
    WordingValidator,
    ReadingLevelValidator,
    TermsValidator,
    RuleCasesValidator,
    UnusedEntriesValidator,
    GlossaryValidator,
    ReachabilityValidator,
    ReviewMetadataValidator,
    CompanionsValidator,
    TranslationValidator,
)
"""Every validator, in the order they run and are reported."""

VALIDATOR_NAMES: tuple[str, ...] = tuple(validator.name for validator in VALIDATORS)


@dataclass(frozen=True)
class LintResult:
    """What one run found."""

    root: Path
    issues: tuple[LintIssue, ...]
    valid: bool
    """Whether the knowledge base loaded."""
    skipped: tuple[str, ...]
    """Validators that could not run because the knowledge base did not load."""
    validators: tuple[str, ...]
    reading: ReadingReport | None

    def counts(self) -> Counter[tuple[str, Severity]]:
        """Issues by (validator, severity)."""
        return Counter((issue.validator, issue.severity) for issue in self.issues)

    @property
    def failing(self) -> int:
        """How many issues are warnings or errors."""
        return sum(1 for issue in self.issues if issue.severity >= Severity.WARNING)

    def exit_code(self, fail_on_issues: bool) -> int:
        """The exit code (see the module docstring)."""
        if not self.valid:
            return ExitCode.INVALID_KNOWLEDGE
        if fail_on_issues and self.failing:
            return ExitCode.LINT_ISSUES
        return ExitCode.OK


def run_lint(knowledge: str | Path | None = None, options: LintOptions | None = None,
             exclude: Iterable[str] = ()) -> LintResult:
    """Run every validator (except ``exclude``) on the knowledge base at ``knowledge``.

    Never raises for problems in the knowledge base: a base that does not load is reported as
    issues of the ``knowledge-base`` validator, and the checks that need a loaded base are
    skipped. Raises ValueError for an unknown validator name in ``exclude``.
    """
    from explainer.kb.loader import load_knowledge
    from explainer.kb.paths import resolve_root

    excluded = set(exclude)
    unknown = excluded - set(VALIDATOR_NAMES)
    if unknown:
        raise ValueError(f"unknown validator {', '.join(sorted(unknown))}; use one of "
                         f"{', '.join(VALIDATOR_NAMES)}")
    root = resolve_root(knowledge)
    kb = None
    load_issues = []
    try:
        kb = load_knowledge(root)
    except KnowledgeBaseError as error:
        load_issues = list(error.issues)
    raw = read_raw(root)
    chosen = [validator() for validator in VALIDATORS if validator.name not in excluded]
    context = LintContext(root=root, kb=kb, load_issues=load_issues,
                          texts=collect_texts(root, raw), raw=raw,
                          options=options or LintOptions(),
                          enabled=frozenset(validator.name for validator in chosen))
    issues: list[LintIssue] = []
    skipped: list[str] = []
    for validator in chosen:
        if validator.needs_kb and kb is None:
            skipped.append(validator.name)
            continue
        issues.extend(validator.check(context))
    reading = None
    if ReadingLevelValidator.name in context.enabled:
        reading = measure(context)
    return LintResult(root=root, issues=tuple(_deduplicated(issues)), valid=kb is not None,
                      skipped=tuple(skipped), validators=tuple(v.name for v in chosen),
                      reading=reading)


def _deduplicated(issues: Sequence[LintIssue]) -> list[LintIssue]:
    seen: set[tuple[str, Path | None, int | None, str]] = set()
    kept = []
    for issue in issues:
        key = (issue.validator, issue.path, issue.line, issue.message)
        if key not in seen:
            seen.add(key)
            kept.append(issue)
    return kept


# --- reports -----------------------------------------------------------------------------------


def summary_rows(result: LintResult) -> list[tuple[str, int, int, int]]:
    """(validator, errors, warnings, infos) for every validator that ran, in order."""
    counts = result.counts()
    return [(name, counts[(name, Severity.ERROR)], counts[(name, Severity.WARNING)],
             counts[(name, Severity.INFO)]) for name in result.validators]


def format_text(result: LintResult, fail_on_issues: bool = False) -> str:
    """The report for people: one line per issue, then the summary table and the outcome."""
    lines: list[str] = []
    for issue in result.issues:
        text = (f"{issue.location(result.root)}: {issue.severity.label} [{issue.validator}] "
                f"{issue.message}")
        if issue.hint:
            text += f" (fix: {issue.hint})"
        lines.append(text)
    if result.issues:
        lines.append("")
    rows = summary_rows(result)
    width = max(len("validator"), *(len(row[0]) for row in rows))
    lines.append(f"{'validator':<{width}}  {'error':>5}  {'warning':>7}  {'info':>4}")
    lines.append(f"{'-' * width}  {'-' * 5}  {'-' * 7}  {'-' * 4}")
    for name, errors, warnings, infos in rows:
        note = "  (skipped: the knowledge base did not load)" if name in result.skipped else ""
        lines.append(f"{name:<{width}}  {errors:>5}  {warnings:>7}  {infos:>4}{note}")
    totals = [sum(row[1] for row in rows), sum(row[2] for row in rows),
              sum(row[3] for row in rows)]
    lines.append(f"{'total':<{width}}  {totals[0]:>5}  {totals[1]:>7}  {totals[2]:>4}")
    if result.reading is not None:
        lines.append("")
        lines.append("Reading grade (median / worst)   Flesch-Kincaid   SMOG")
        for label, summary in result.reading.summaries().items():
            if summary.count:
                lines.append(f"  {label + f' ({summary.count})':<31}"
                             f"{summary.fk_median:>5.1f} / {summary.fk_worst:<5.1f}    "
                             f"{summary.smog_median:>4.1f} / {summary.smog_worst:.1f}")
    lines.append("")
    lines.append(_outcome(result, fail_on_issues))
    return "\n".join(lines) + "\n"


def _outcome(result: LintResult, fail_on_issues: bool) -> str:
    if not result.valid:
        return ("The knowledge base does not load (exit 3); fix the knowledge-base errors "
                "first, then the other checks run.")
    if not result.failing:
        return "No issues: the knowledge base passes every check."
    noun = "issue" if result.failing == 1 else "issues"
    if fail_on_issues:
        return f"{result.failing} {noun} to fix (exit 1)."
    return f"{result.failing} {noun} to fix (exit 0; add --fail-on-issues to fail on them)."


def as_json(result: LintResult, fail_on_issues: bool = False) -> dict[str, Any]:
    """The report as JSON-ready data (for tools and CI)."""
    data: dict[str, Any] = {
        "valid": result.valid,
        "exit_code": result.exit_code(fail_on_issues),
        "issues": [{"validator": issue.validator, "severity": issue.severity.label,
                    "file": (str(issue.path.relative_to(result.root))
                             if issue.path is not None and issue.path.is_relative_to(result.root)
                             else (str(issue.path) if issue.path is not None else None)),
                    "line": issue.line, "message": issue.message, "hint": issue.hint}
                   for issue in result.issues],
        "summary": [{"validator": name, "error": errors, "warning": warnings, "info": infos}
                    for name, errors, warnings, infos in summary_rows(result)],
        "skipped": list(result.skipped),
    }
    if result.reading is not None:
        data["reading_grades"] = {
            label: {"count": summary.count, "fk_median": summary.fk_median,
                    "fk_worst": summary.fk_worst, "smog_median": summary.smog_median,
                    "smog_worst": summary.smog_worst}
            for label, summary in result.reading.summaries().items()}
    return data


def format_json(result: LintResult, fail_on_issues: bool = False) -> str:
    """The JSON report as text."""
    return json.dumps(as_json(result, fail_on_issues), indent=2, ensure_ascii=False) + "\n"


def format_report(result: LintResult, fmt: str = "text", fail_on_issues: bool = False) -> str:
    """The report as ``fmt`` (one of :data:`~explainer.render.formats.LIST_FORMATS`)."""
    from explainer.render.dispatch import dispatch

    return dispatch(fmt, {"text": lambda: format_text(result, fail_on_issues),
                          "json": lambda: format_json(result, fail_on_issues)})

"""The review-metadata validator: every entry's own check is not in the future, not stale,
not older than the revision of its sources, and still about the current words (a text changed
since its source check or clinician review no longer counts as checked or reviewed)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from explainer.kb.models import SourceRef
from explainer.kb.review_meta import Review
from explainer.kb.yamlio import LineDict
from explainer.lint.base import LintContext, LintIssue, Severity, Validator
from explainer.lint.locate import Locator, line_at


class ReviewMetadataValidator(
        Validator, name="review", needs_kb=True,
        concern="review metadata in the future, stale, older than the source's revision, or "
                "the words changed since review"):
    """Review metadata: not in the future, not stale, not older than its sources, and still
    about the current words (a changed text no longer counts as checked or reviewed)."""

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        kb = context.knowledge
        where = Locator(context)
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
                            meanings_path, line_at(context, meanings_path,
                                                 ("meanings", index, "review"))))
        support_path = kb.root / "knowledge" / "support.yaml"
        for index, item in enumerate(kb.support.items if kb.support else ()):
            entries.append((f"support item {item.id}", item.review, item.sources,
                            support_path, line_at(context, support_path,
                                                ("items", index, "review"))))
        disclaimer_path = kb.root / "knowledge" / "disclaimer.yaml"
        entries.append(("the disclaimer", kb.disclaimer.review, (), disclaimer_path,
                        line_at(context, disclaimer_path, ("review",))))
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

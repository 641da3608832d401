"""Laying out and drawing a comparison (see :mod:`explainer.explanation.compare`).

The human formats share one layout (:func:`build_comparison_document`), drawn by the same
writers as an explanation.
"""

from __future__ import annotations

from collections.abc import Sequence

from explainer.explanation.compare import Comparison, RelevanceChange
from explainer.explanation.models import Reason
from explainer.kb.phrases import phrases
from explainer.render.dispatch import dispatch, document_writers
from explainer.render.document import (
    Document,
    Entry,
    Line,
    Section,
    Table,
    cite,
    review_sentence,
)
from explainer.render.formats import Audience

# The fixed phrases of this screen live in knowledge/interface.yaml (compare:).
TEXT = phrases("compare")

def _side_lines(label: str, reasons: Sequence[Reason], audience: Audience) -> list[Line]:
    lines = [Line(TEXT["side"].format(label=label, text=reason.text), "text")
             for reason in reasons]
    if audience == "clinician":
        lines += [Line(TEXT["trace"].format(label=label, rule_id=reason.rule_id,
                                            priority=reason.priority,
                                            condition=reason.condition), "trace")
                  for reason in reasons]
    return lines


def _change_entry(change: RelevanceChange, comparison: Comparison, audience: Audience,
                  badge: str) -> Entry:
    title = change.name
    if change.category_name is not None:
        title += f" ({TEXT['kind_of'].format(category=change.category_name)})"
    if any(other.category == change.id for other in comparison.changes):
        # Its reasons are those of its kinds, which are listed one by one: say so instead of
        # repeating them.
        lines = [Line(TEXT["follows_kinds"], "text")]
    else:
        lines = _side_lines(comparison.before_label, change.reasons_before, audience)
        lines += _side_lines(comparison.after_label, change.reasons_after, audience)
    lines += [Line(cite(citation, comparison.knowledge), "source")
              for citation in change.sources]
    return Entry(title=title, badge=badge, relevance=change.after, lines=tuple(lines))


def build_comparison_document(comparison: Comparison, audience: Audience = "patient"
                              ) -> Document:
    """Lay out a comparison for people (the shared layout of rich, text, markdown and html)."""
    sections: list[Section] = []
    if comparison.factor_changes:
        sections.append(Section(
            key="factors", title=TEXT["factors"], intro=TEXT["factors_intro"],
            table=Table((TEXT["factor"], TEXT["sides"].format(
                before=comparison.before_label, after=comparison.after_label)),
                        tuple((change.label, TEXT["sides"].format(before=change.before,
                                                                   after=change.after))
                              for change in comparison.factor_changes))))
    else:
        sections.append(Section(key="factors", title=TEXT["factors"],
                                intro=TEXT["factors_same"]))
    sections.append(Section(
        key="changes", title=TEXT["changes"],
        intro=TEXT["changes_intro"] if comparison.changes else TEXT["no_changes"],
        entries=tuple(_change_entry(change, comparison, audience,
                                    f"{change.before_label} → {change.after_label}")
                      for change in comparison.changes)))
    if comparison.reasons_changed:
        sections.append(Section(
            key="reasons_changed", title=TEXT["reasons_changed"],
            intro=TEXT["reasons_changed_intro"],
            entries=tuple(_change_entry(change, comparison, audience,
                                        change.after_label)
                          for change in comparison.reasons_changed)))
    sections.append(Section(key="unchanged", title=TEXT["unchanged"], entries=(
        Entry(title=TEXT["unchanged"], bare=True,
              lines=(Line(comparison.unchanged_summary),)),)))
    if comparison.questions_added:
        sections.append(Section(key="questions", title=TEXT["questions_added"], entries=tuple(
            Entry(title=text) for text in comparison.questions_added)))
    if comparison.questions_removed:
        sections.append(Section(key="questions", title=TEXT["questions_removed"],
                                entries=tuple(Entry(title=text)
                                              for text in comparison.questions_removed)))
    knowledge = comparison.knowledge
    sections.append(Section(key="sources", title=TEXT["sources"], entries=(Entry(
        title=TEXT["sources"], bare=True, lines=(
            Line(TEXT["version"].format(version=knowledge.version)),
            Line(review_sentence(knowledge), "note"),
            Line(TEXT["individual"], "note"))),)))
    title = TEXT["what_if_title"] if comparison.what_if else TEXT["title"]
    return Document(title=title, disclaimer=comparison.disclaimer, sections=tuple(sections),
                    audience=audience)


def render_comparison(comparison: Comparison, fmt: str = "text",
                      audience: Audience = "patient", *, width: int = 88,
                      color: bool = False) -> str:
    """Render ``comparison`` as ``fmt`` (one of :data:`~explainer.render.formats.FORMATS`).

    ``html`` is a complete, self-contained page (see :mod:`explainer.render.html`); ``json`` is
    the :class:`~explainer.explanation.compare.Comparison` model.
    """
    return dispatch(fmt, document_writers(
        lambda: build_comparison_document(comparison, audience),
        json=lambda: comparison.model_dump_json(indent=2) + "\n", width=width, color=color))

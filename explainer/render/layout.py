"""Laying out an Explanation as the :class:`~explainer.render.document.Document` every
human-readable format draws.

What it says, in which order, and what the clinician audience adds, is decided here. The order
follows the project's design, the short answer first: disclaimer (and, for clinicians, how many
statements are drafts), what was entered, what the stage means, "In short", "Start here", the
summary at a glance, what the person told us (worries first), the categories by relevance with
their reasons and sources, what unknowns could change, questions, the care team, support, words
used, where the information comes from, and the disclaimer again. ``detail="brief"`` gives the
short view of :mod:`explainer.render.brief`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence

from explainer.explanation.models import (
    CategoryResult,
    Citation,
    Considered,
    Explanation,
    GlossaryEntry,
    Reason,
    SubtypeResult,
)
from explainer.render.brief import (
    badge,
    build_brief,
    card_order,
    glance_table,
    in_short_section,
    notes_worries_first,
    relevance_order,
    shown_name,
    stage_unknown,
    start_here_section,
)
from explainer.render.document import (
    STATE_MARKS,
    TEXT,
    Document,
    Entry,
    Line,
    LineKind,
    Marks,
    Section,
    Table,
    TermMark,
    cite,
    review_sentence,
)
from explainer.render.formats import Audience, Detail


class _FirstUses:
    """Finds the first use of each glossary term, in reading order, and numbers them."""

    # Lines that are not running text for the reader: citations and clinician traces.
    SKIPPED_KINDS = frozenset({"source", "trace"})

    def __init__(self, glossary: Sequence[GlossaryEntry]) -> None:
        self.entries = {entry.term: entry for entry in glossary}
        spellings = sorted(((spelling, entry.term) for entry in glossary
                            for spelling in (entry.term, *entry.aliases)),
                           key=lambda pair: -len(pair[0]))
        self.term_of = {spelling.lower(): term for spelling, term in spellings}
        self.pattern = re.compile(r"(?<![\w-])(?:" + "|".join(
            re.escape(spelling) for spelling, _ in spellings) + r")(?![\w-])",
            re.IGNORECASE) if spellings else None
        self.used: dict[str, int] = {}

    def marks(self, text: str | None) -> Marks:
        if not text or self.pattern is None:
            return ()
        found = []
        for match in self.pattern.finditer(text):
            term = self.term_of[match.group().lower()]
            if term in self.used:
                continue
            self.used[term] = len(self.used) + 1
            found.append(TermMark(self.used[term], term, self.entries[term].definition,
                                  match.start(), match.end()))
        return tuple(found)

    def entry(self, entry: Entry) -> Entry:
        title_marks = self.marks(entry.title)
        lines = tuple(line if line.kind in self.SKIPPED_KINDS
                      else dataclasses.replace(line, marks=self.marks(line.text))
                      for line in entry.lines)
        children = tuple(self.entry(child) for child in entry.children)
        return dataclasses.replace(entry, title_marks=title_marks, lines=lines,
                                   children=children)

    def section(self, section: Section) -> Section:
        intro_marks = self.marks(section.intro)
        table = section.table
        if table is not None:
            cell_marks = tuple(tuple(self.marks(cell) for cell in row) for row in table.rows)
            table = dataclasses.replace(table, cell_marks=cell_marks)
        return dataclasses.replace(section, intro_marks=intro_marks, table=table,
                                   entries=tuple(self.entry(entry) for entry in section.entries))

    def glossary_entries(self) -> Iterator[Entry]:
        """The terms this document uses, in the order of their numbers. A term of the
        explanation's glossary that no shown line uses (it appears only in a text this layout
        leaves out, such as the description of a less likely category) is not listed: "Words
        used here" lists words used here."""
        for term, number in self.used.items():
            yield Entry(title=term, lines=(Line(self.entries[term].definition),),
                        term_number=number)


def _labels(explanation: Explanation) -> dict[str, str]:
    return {entry.relevance: entry.label for entry in explanation.legend}


def _matched(reason: Reason, explanation: Explanation) -> str:
    values = []
    for factor in reason.factors:
        value = explanation.profile.get(factor)
        shown = ", ".join(value) if isinstance(value, list) else value
        values.append(f"{factor}={shown if shown not in (None, '') else 'unknown'}")
    return "; ".join(values)


def _reason_lines(reason: Reason, explanation: Explanation, audience: Audience,
                  kind: LineKind = "why") -> list[Line]:
    lines = [Line(reason.text, kind)]
    if audience == "clinician":
        status = STATE_MARKS[reason.review_state]
        lines.append(Line(
            f"rule {reason.rule_id} (priority {reason.priority}, {status}): when "
            f"{reason.condition}; matched {_matched(reason, explanation)}", "trace"))
    return lines


def _considered_lines(considered: Sequence[Considered], labels: dict[str, str],
                      audience: Audience) -> list[Line]:
    if audience != "clinician":
        return []
    return [Line(f"also fired, outranked: rule {item.rule_id} -> {labels[item.relevance]} "
                 f"(priority {item.priority})", "trace") for item in considered]


def _source_lines(citations: Sequence[Citation], explanation: Explanation) -> list[Line]:
    return [Line(cite(citation, explanation.knowledge), "source") for citation in citations]


def _closing_lines(result: CategoryResult | SubtypeResult, explanation: Explanation,
                   audience: Audience) -> list[Line]:
    """What ends every category's and kind's entry: its notes, the rules it outranked
    (clinicians), and its sources."""
    lines: list[Line] = []
    for note in result.notes:
        lines.extend(_reason_lines(note, explanation, audience, "note"))
    lines.extend(_considered_lines(result.considered, _labels(explanation), audience))
    lines.extend(_source_lines(result.sources, explanation))
    return lines


def _subtype_entry(subtype: SubtypeResult, explanation: Explanation,
                   audience: Audience) -> Entry:
    lines = [Line(subtype.summary)]
    for reason in subtype.reasons:
        lines.extend(_reason_lines(reason, explanation, audience))
    lines.extend(_closing_lines(subtype, explanation, audience))
    return Entry(title=subtype.name, badge=badge(subtype, explanation),
                 relevance=subtype.relevance, lines=tuple(lines))


def _category_entry(category: CategoryResult, explanation: Explanation,
                    audience: Audience) -> Entry:
    lines = [Line(category.summary)]
    if category.relevance in ("often_discussed", "may_be_discussed"):
        # Shown as supportive care (stages 0 to III), palliative care's description, which
        # compares it with hospice, is left out: hospice wording belongs to stage IV.
        if shown_name(category, explanation) == category.name:
            lines.append(Line(category.description, "muted"))
        lines.append(Line(category.side_effects, "muted"))
    if category.subtypes:
        names = [sub.name for sub in category.subtypes if sub.relevance == category.relevance]
        if category.relevance != "less_likely":
            lines.append(Line(TEXT[f"kinds_{category.relevance}"].format(
                names=", ".join(names)), "why"))
        else:
            lines.append(Line(TEXT["no_kind_likely"], "why"))
    else:
        for reason in category.reasons:
            lines.extend(_reason_lines(reason, explanation, audience))
    lines.extend(_closing_lines(category, explanation, audience))
    children = tuple(_subtype_entry(sub, explanation, audience) for sub in category.subtypes)
    name = shown_name(category, explanation)
    # "Supportive care (palliative care)" already says its kind.
    kind = "" if name != category.name else f" ({TEXT[category.kind]})"
    return Entry(title=f"{name}{kind}", badge=badge(category, explanation),
                 relevance=category.relevance, lines=tuple(lines), children=children)


def build_document(explanation: Explanation, audience: Audience = "patient",
                   detail: Detail = "full") -> Document:
    """Lay out ``explanation`` for people; ``clinician`` adds rule ids, conditions, matches.

    ``detail="brief"`` gives the short answer (:func:`explainer.render.brief.build_brief`);
    ``full`` everything there is, with the same "In short" and "Start here" at its top.
    """
    if detail == "brief":
        return build_brief(explanation, audience)
    sections = [*_drafts_section(explanation, audience), _entered_section(explanation)]
    if explanation.stage_meaning is not None:
        sections.append(_stage_meaning_section(explanation))
    in_short = in_short_section(explanation)
    if in_short is not None:
        sections.append(in_short)
    # The stage's meaning is said once: sourced, in its own section above.
    sections += [start_here_section(
        explanation, meaning=explanation.stage_meaning is None or stage_unknown(explanation)),
                 _glance_section(explanation)]
    if explanation.notes:
        # What the person told us, worries first, before the detail of each treatment.
        sections.append(Section(
            key="notes", title=TEXT["notes"],
            entries=tuple(
                Entry(title=TEXT["note"], bare=True, lines=tuple(
                    _reason_lines(note, explanation, audience, "text")
                    + _source_lines(note.sources, explanation)))
                for note in notes_worries_first(explanation.notes))))
    sections += _relevance_sections(explanation, audience)
    if explanation.unknown_factors:
        sections.append(_unknown_section(explanation))
    sections.append(Section(
        key="questions", title=TEXT["questions"],
        entries=tuple(
            Entry(title=question.text, lines=(
                (Line(f"from {question.origin}", "trace"),) if audience == "clinician" else ()))
            for question in explanation.questions)))
    sections.append(Section(
        key="care_team", title=TEXT["care_team"],
        entries=tuple(Entry(title=member.role, lines=(Line(member.why),))
                      for member in explanation.care_team)))
    if explanation.support:
        sections.append(Section(
            key="support", title=TEXT["support"],
            entries=tuple(Entry(title=item.title, lines=(
                Line(item.text), *_source_lines(item.sources, explanation)))
                for item in explanation.support)))
    # Each glossary term is explained where it is first used (a numbered mark) and listed
    # under "Words used here" with the same number.
    first_uses = _FirstUses(explanation.glossary)
    sections = [first_uses.section(section) for section in sections]
    if first_uses.used:
        sections.append(Section(key="glossary", title=TEXT["glossary"],
                                entries=tuple(first_uses.glossary_entries())))
    sections.append(_sources_section(explanation, audience))
    return Document(title=TEXT["title"],
                    disclaimer=explanation.disclaimer, sections=tuple(sections),
                    audience=audience, detail="full")


def _drafts_section(explanation: Explanation, audience: Audience) -> list[Section]:
    """For clinicians, how many statements shown are drafts, near the top (beside the
    disclaimer): they are the ones to check first."""
    count = explanation.knowledge.draft_statements
    if audience != "clinician" or not count:
        return []
    return [Section(key="drafts", title=TEXT["drafts_title"],
                    intro=TEXT["drafts_top"].format(count=count))]


def _entered_section(explanation: Explanation) -> Section:
    from_report = set(explanation.from_report)
    entered_rows = tuple(
        (item.label, f"{item.value_label} ({TEXT['from_report']})"
         if item.factor in from_report else item.value_label)
        for item in explanation.entered if item.core or item.known)
    intro = TEXT["entered_intro"]
    if from_report:
        intro = f"{intro} {TEXT['from_report_intro']}"
    return Section(
        key="entered", title=TEXT["entered"], intro=intro,
        table=Table((TEXT["factor"], TEXT["value"]), entered_rows))


def _stage_meaning_section(explanation: Explanation) -> Section:
    """What the stage entered means, in general words (never a prediction)."""
    meaning = explanation.stage_meaning
    assert meaning is not None
    return Section(
        key="stage_meaning", title=TEXT["stage_meaning"], intro=TEXT["stage_meaning_intro"],
        entries=(Entry(title=TEXT["stage_meaning"], bare=True, lines=(
            Line(meaning.text), *_source_lines(meaning.sources, explanation))),))


def _glance_section(explanation: Explanation) -> Section:
    return Section(key="glance", title=TEXT["glance"], intro=TEXT["glance_intro"],
                   table=glance_table(explanation))


def _relevance_sections(explanation: Explanation, audience: Audience) -> list[Section]:
    """One section per relevance that any category has, strongest first."""
    meanings = {entry.relevance: entry.meaning for entry in explanation.legend}
    sections = []
    for relevance in relevance_order(explanation):
        members = card_order([category for category in explanation.categories
                              if category.relevance == relevance], explanation)
        if not members:
            continue
        sections.append(Section(
            key=relevance, title=TEXT[relevance], intro=meanings[relevance],
            relevance=relevance,
            entries=tuple(_category_entry(category, explanation, audience)
                          for category in members)))
    return sections


def _unknown_section(explanation: Explanation) -> Section:
    """What each factor not known could change, and how to find it out."""
    target_names = {result.id: result.name for result, _ in explanation.results()}
    target_names.update({category.id: shown_name(category, explanation)
                         for category in explanation.categories})
    entries = []
    for item in explanation.unknown_factors:
        lines = [Line(item.why_it_matters)]
        if item.affects:
            targets = ", ".join(target_names[target] for target in item.affects)
            lines.append(Line(TEXT["could_change"].format(targets=targets)))
        if item.question:
            lines.append(Line(TEXT["you_could_ask"].format(question=item.question), "note"))
        entries.append(Entry(title=item.label, lines=tuple(lines)))
    return Section(key="unknown", title=TEXT["unknown"], intro=TEXT["unknown_intro"],
                   entries=tuple(entries))


def _sources_section(explanation: Explanation, audience: Audience) -> Section:
    """Where the information comes from, the knowledge base's version, and how much of what
    is shown a clinician has reviewed (the clinician audience adds the counts per state and
    the drafts)."""
    knowledge = explanation.knowledge
    primary = next(source for source in knowledge.sources if source.primary)
    lines = [Line(
        TEXT["based_on"].format(title=primary.title)
        + (TEXT["source_date"].format(date=primary.last_reviewed)
           if primary.last_reviewed else "") + ".")]
    others = [source for source in knowledge.sources if not source.primary]
    if others:
        guides = "; ".join(f"{source.title} ({source.publisher})" for source in others)
        lines.append(Line(TEXT["guides"].format(guides=guides)))
    lines.append(Line(TEXT["version"].format(version=knowledge.version)))
    lines.append(Line(review_sentence(knowledge), "note"))
    if audience == "clinician":
        counts = knowledge.review_states
        lines.append(Line(TEXT["review_states"].format(
            total=knowledge.statements_shown, clinician=counts.clinician_reviewed,
            checked=counts.source_checked, draft=counts.draft), "note"))
        if knowledge.drafts:
            lines.append(Line(TEXT["drafts_listed"].format(items="; ".join(knowledge.drafts)),
                              "note"))
    lines.append(Line(TEXT["individual"], "note"))
    return Section(key="sources", title=TEXT["sources"],
                   entries=(Entry(title=TEXT["sources"], bare=True, lines=tuple(lines)),))

"""The brief handout: what to take to a visit, on at most two printed pages (A4 or Letter).

``--format html`` prints the handout; ``--handout brief`` (the default for a patient) lays out
only what helps at the visit, from the same pieces as the brief view
(:mod:`explainer.render.brief`): what was entered, "In short", the table at a glance, the
questions that matter most with lines for notes, the care team, the words used, the source and
its date, and the disclaimer first and last. ``--handout full`` prints everything
(:func:`explainer.render.layout.build_document`).
"""

from __future__ import annotations

from explainer.explanation.models import Explanation
from explainer.render.brief import (
    MAX_QUESTIONS,
    glance_table,
    in_short_section,
    top_questions,
)
from explainer.render.brief import TEXT as BRIEF
from explainer.render.document import TEXT as LAYOUT
from explainer.render.document import Document, Entry, Line, Section, review_sentence
from explainer.render.entered import entered_line
from explainer.render.formats import Audience, Handout
from explainer.render.layout import _FirstUses, build_document


def handout_document(explanation: Explanation, audience: Audience = "patient",
                     handout: Handout = "brief") -> Document:
    """The layout of the handout: :func:`build_brief_handout` or the full layout."""
    if handout == "full":
        return build_document(explanation, audience, "full")
    return build_brief_handout(explanation, audience)


def build_brief_handout(explanation: Explanation, audience: Audience = "patient") -> Document:
    """The brief handout's sections, in the order they print."""
    sections: list[Section] = [
        Section(key="entered", title=BRIEF["entered"], intro=entered_line(explanation))]
    in_short = in_short_section(explanation)
    if in_short is not None:
        sections.append(in_short)
    sections.append(Section(key="glance", title=LAYOUT["glance"],
                            intro=LAYOUT["glance_intro"], table=glance_table(explanation)))
    questions = top_questions(explanation, MAX_QUESTIONS)
    sections.append(Section(key="questions", title=LAYOUT["questions"], entries=tuple(
        Entry(title=question.text) for question in questions)))
    sections.append(Section(key="care_team", title=LAYOUT["care_team"], entries=tuple(
        Entry(title=member.role, lines=(Line(member.why),))
        for member in explanation.care_team)))
    # Each term is explained where it is first used, and listed with the same number; only
    # the terms this handout uses are listed.
    first_uses = _FirstUses(explanation.glossary)
    sections = [first_uses.section(section) for section in sections]
    used = tuple(entry for entry in first_uses.glossary_entries()
                 if entry.term_number is not None)
    if used:
        sections.append(Section(key="glossary", title=LAYOUT["glossary"], entries=used))
    sections.append(_source_section(explanation))
    return Document(title=LAYOUT["title"], disclaimer=explanation.disclaimer,
                    sections=tuple(sections), audience=audience, detail="brief")


def _source_section(explanation: Explanation) -> Section:
    """The source and its date, once: the article, the guides, the knowledge base's version."""
    knowledge = explanation.knowledge
    primary = next(source for source in knowledge.sources if source.primary)
    lines = [Line(
        LAYOUT["based_on"].format(title=primary.title)
        + (LAYOUT["source_date"].format(date=primary.last_reviewed)
           if primary.last_reviewed else "") + "."),
        Line(BRIEF["version"].format(version=knowledge.version)),
        Line(review_sentence(knowledge), "note"),
        Line(LAYOUT["individual"], "note")]
    return Section(key="sources", title=LAYOUT["sources"],
                   entries=(Entry(title=LAYOUT["sources"], bare=True, lines=tuple(lines)),))

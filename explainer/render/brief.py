"""The short answer first: the pieces both detail levels share, and the brief layout.

Decision aids present information in layers (IPDAS): the short answer, then detail on request.
This module holds what a worried reader sees first, built only from the Explanation:

* :func:`in_short_section` -- "In short": the explanation's ``in_short`` sentences (built by
  the composer from the rules that fired, never written per profile);
* :func:`start_here_section` -- "Start here": what the stage entered means in general words
  (or "can't say yet" before everything else when it is not known), the top three questions,
  and that there is usually time to decide;
* :func:`notes_worries_first` -- what the person said worries them comes first among the notes;
* :class:`SourceNotes` -- each source cited once, as a numbered note;
* :func:`build_brief` -- the brief layout (``--detail brief``): everything above, the table at
  a glance, one line of why per category shown, the unknowns that matter most, at most six
  questions, how to see more, and the numbered sources.

The line of what was entered, and the small phrasing helpers, are in :mod:`.entered`.

The full layout (:func:`explainer.render.layout.build_document`) shows the same "In short"
and "Start here" sections at its top, so the two levels never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from explainer.explanation.models import (
    CategoryResult,
    Citation,
    Explanation,
    Question,
    Reason,
    SubtypeResult,
    UnknownFactor,
    waiting_for,
)
from explainer.kb.models import RELEVANCE_ORDER, Relevance
from explainer.kb.phrases import phrases
from explainer.render.document import TEXT as LAYOUT
from explainer.render.document import Document, Entry, Line, Section, Table, review_sentence
from explainer.render.entered import entered_line, lower_list, without_aside
from explainer.render.formats import Audience

# The fixed phrases of the short view live in knowledge/interface.yaml (brief:).
TEXT = phrases("brief")

STAGE = "stage"
"""The factor whose absence puts "can't say yet" before everything else."""
WORRY_FACTOR = "side_effect_concerns"
"""Notes about this factor are what the person said worries them: they come first."""
PALLIATIVE = "palliative_care"
"""Never the first card when the stage is unknown; called supportive care before stage IV."""
EARLY_STAGES = frozenset({"0", "I", "II", "III"})
TOP_QUESTIONS = 3
_COUNT_KEYS = {1: "one", 2: "two", 3: "three"}
"""How many first questions, in words, by the phrase that says it (``brief.one`` ...)."""
MAX_QUESTIONS = 6
MAX_UNKNOWNS = 3
MAX_APART: dict[str, int] = {"often_discussed": 99, "may_be_discussed": 1,
                             "needs_more_information": 2}
"""More categories than this of one relevance share one line of why (each alone would not
fit one screen): those that sometimes come up, and those that wait for a result."""
GROUPED = ("may_be_discussed", "needs_more_information")
MAX_NAMED = 3
"""More treatments than this, that an unknown could change, are counted, not named."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def stage_unknown(explanation: Explanation) -> bool:
    """Whether the stage was not entered."""
    return explanation.profile.get(STAGE) in (None, "unknown")


def stage_meaning(explanation: Explanation) -> str | None:
    """What the entered stage means in general words, in its short form (the sourced
    ``Explanation.stage_meaning``; its ``text`` when the knowledge base has no short form), or
    None when the knowledge base says nothing about stages."""
    meaning = explanation.stage_meaning
    if meaning is None:
        return None
    return meaning.short or meaning.text


def shown_name(category: CategoryResult, explanation: Explanation) -> str:
    """The category's name as shown: palliative care is called supportive care for stages 0
    to III (hospice wording belongs to stage IV)."""
    if category.id == PALLIATIVE and explanation.profile.get(STAGE) in EARLY_STAGES:
        return f"{TEXT['supportive']} ({category.name.lower()})"
    return category.name


def card_order(members: Sequence[CategoryResult],
               explanation: Explanation) -> list[CategoryResult]:
    """Categories in the order they are shown: palliative care never first when the stage is
    unknown (a person who has not said how far the cancer has spread is not met with it)."""
    ordered = list(members)
    if stage_unknown(explanation) and len(ordered) > 1 and ordered[0].id == PALLIATIVE:
        ordered.append(ordered.pop(0))
    return ordered


def relevance_order(explanation: Explanation) -> list[Relevance]:
    """Relevance groups in the order they are shown: "can't say yet" first when the stage is
    unknown, else from usually part of the talk to not usually used."""
    order = list(RELEVANCE_ORDER)
    if stage_unknown(explanation):
        order.remove("needs_more_information")
        order.insert(0, "needs_more_information")
    return order


def notes_worries_first(notes: Sequence[Reason]) -> list[Reason]:
    """The general notes with what the person said worries them first (a stable sort)."""
    return sorted(notes, key=lambda note: WORRY_FACTOR not in note.factors)


def top_questions(explanation: Explanation, count: int = MAX_QUESTIONS) -> list[Question]:
    """The questions that matter most first: what is not known yet and would change the
    picture (the stage first), then the worries entered, then the treatments that come up,
    then questions anyone could ask, then unknowns that change nothing shown; or, when the
    knowledge base ordered the questions for this person, its order."""
    if explanation.question_order is not None:
        # The knowledge base put these questions in a sourced order for this person (older
        # age, poor health: goals and side effects first, gene tests last): keep it.
        return list(explanation.questions[:count])
    changes = {item.factor for item in explanation.unknown_factors if item.affects}

    def rank(question: Question) -> tuple[int, int]:
        factor = question.origin.removeprefix("factor:")
        if question.topic == "unknown":
            if factor == STAGE:
                return (0, 0)
            return (1, 0) if factor in changes else (5, 0)
        return ({"concern": 2, "treatment": 3, "general": 4}[question.topic], 0)

    return sorted(explanation.questions, key=rank)[:count]


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (all of it when it has one)."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def badge(category: CategoryResult | SubtypeResult, explanation: Explanation) -> str:
    """The label next to one category: for "can't say yet", which missing result it waits for
    when that is known ("Can't say yet: depends on HER2 status")."""
    legend = {entry.relevance: entry for entry in explanation.legend}
    entry = legend[category.relevance]
    if category.relevance == "needs_more_information" and entry.label_with_factors:
        factors = waiting_for([category], explanation.unknown_factors)
        # A label is short: when it waits for more than two results, the list is left to the
        # "not known yet" section.
        if 0 < len(factors) <= 2:
            return entry.label_with_factors.replace("{factors}", lower_list(factors))
    return entry.label


class SourceNotes:
    """Each source cited once, as a numbered note, numbered in order of first use."""

    def __init__(self, explanation: Explanation) -> None:
        self.explanation = explanation
        self.numbers: dict[str, int] = {}

    def cite(self, citations: Iterable[Citation]) -> tuple[int, ...]:
        """The numbers of the sources of ``citations`` (new sources get the next number)."""
        found: list[int] = []
        for citation in citations:
            number = self.numbers.setdefault(citation.source, len(self.numbers) + 1)
            if number not in found:
                found.append(number)
        return tuple(sorted(found))

    def entries(self) -> tuple[Entry, ...]:
        """One entry per source cited, in the order of its number."""
        sources = {source.id: source for source in self.explanation.knowledge.sources}
        out = []
        for source_id, number in self.numbers.items():
            source = sources.get(source_id)
            if source is None:
                continue
            # The publisher is what a reader recognises; the full view gives every title.
            # (Without a journal's name in brackets: "... Pathologists (J Clin Oncol, 2020)".)
            text = without_aside(source.publisher) if source.publisher else source.title
            out.append(Entry(title=text, note_number=number))
        return tuple(out)


def in_short_section(explanation: Explanation) -> Section | None:
    """ "In short": the explanation's short answer, or None when it has none."""
    if not explanation.in_short:
        return None
    text = " ".join(explanation.in_short)
    for category in explanation.categories:
        shown = shown_name(category, explanation)
        if shown != category.name:
            # The sentences name categories as the knowledge base does; before stage IV
            # palliative care is shown as supportive care, here too.
            text = re.sub(rf"\b{re.escape(category.name.lower())}\b", shown.lower(), text)
    return Section(key="in_short", title=TEXT["in_short"], intro=text)


def start_here_section(explanation: Explanation, *, meaning: bool = True) -> Section:
    """ "Start here": what the stage means (or "can't say yet"), three questions, and time.

    ``meaning=False`` leaves the stage out (the full view says it, sourced, just above)."""
    # Without the stage, "can't say yet" comes before everything else (the knowledge base's
    # general words for an unknown stage say the same, so they are not repeated).
    intro: str | None = None
    if meaning:
        intro = (TEXT["stage_unknown"] if stage_unknown(explanation)
                 else stage_meaning(explanation))
    questions = top_questions(explanation, TOP_QUESTIONS)
    entries = [Entry(title=TEXT["first_questions"], bare=True,
                     lines=(Line(TEXT["first_questions"].format(
                         count=TEXT[_COUNT_KEYS[len(questions)]]
                         if len(questions) in _COUNT_KEYS else str(len(questions)))
                         + ":"),))]
    entries += [Entry(title=question.text) for question in questions]
    entries.append(Entry(title=TEXT["time_to_decide"], bare=True,
                         lines=(Line(TEXT["time_to_decide"]),)))
    return Section(key="start_here", title=TEXT["start_here"], intro=intro,
                   entries=tuple(entries), listed=True)


def glance_table(explanation: Explanation) -> Table:
    """The table at a glance: each relevance label with the categories that have it."""
    labels = {entry.relevance: entry.label for entry in explanation.legend}
    rows = []
    for relevance in relevance_order(explanation):
        members = card_order([category for category in explanation.categories
                              if category.relevance == relevance], explanation)
        if members:
            rows.append((labels[relevance],
                         ", ".join(shown_name(category, explanation) for category in members)))
    return Table((LAYOUT["glance_relevance"], LAYOUT["glance_treatments"]), tuple(rows))


def _why_line(category: CategoryResult) -> str:
    if category.reasons:
        return first_sentence(category.reasons[0].text)
    return category.summary


def _unknowns(explanation: Explanation) -> list[UnknownFactor]:
    """The unknowns that matter most: those that would change the most of what is shown."""
    changing = [item for item in explanation.unknown_factors if item.affects]
    changing.sort(key=lambda item: (item.factor != STAGE, -len(item.affects)))
    return changing[:MAX_UNKNOWNS]


def build_brief(explanation: Explanation, audience: Audience = "patient") -> Document:
    """The brief layout: the short answer a worried person can read in two minutes.

    It fits 60 lines of 88 columns and 450 words for every profile (a test checks the whole
    factor space): what was entered in one line, In short, Start here, the table at a glance,
    one line of why for each category that comes up or waits for a result, the unknowns that
    matter most with what to ask, how to see more, and each source once.
    """
    notes = SourceNotes(explanation)
    sections: list[Section] = [
        Section(key="entered", title=TEXT["entered"], intro=entered_line(explanation),
                heading=False)]
    in_short = in_short_section(explanation)
    if in_short is not None:
        sections.append(in_short)
    sections.append(start_here_section(explanation))
    sections.append(Section(key="glance", title=LAYOUT["glance"], table=glance_table(explanation)))
    sections.append(Section(key="why", title=TEXT["why"],
                            entries=_why_entries(explanation, notes), listed=True))

    asked = {question.text for question in top_questions(explanation, TOP_QUESTIONS)}
    unknowns = _unknowns(explanation)
    if unknowns:
        names = {category.id: shown_name(category, explanation)
                 for category in explanation.categories}
        entries = []
        for item in unknowns:
            lines = [Line(TEXT["could_change"].format(
                targets=_target_names(item, explanation, names)))]
            # Under the knowledge base's own question order (older age, poor health) the first
            # questions above are the ones it puts first; the rest wait for the full view.
            if item.question and item.question not in asked and len(asked) < MAX_QUESTIONS \
                    and explanation.question_order is None:
                lines.append(Line(TEXT["ask"].format(question=item.question)))
                asked.add(item.question)
            entries.append(Entry(title=item.label, lines=tuple(lines)))
        sections.append(Section(key="unknown", title=TEXT["unknown"], entries=tuple(entries),
                                listed=True))

    sections.append(Section(key="more", title=TEXT["more"], intro=TEXT["more_text"],
                            heading=False))
    knowledge = explanation.knowledge
    sections.append(Section(
        key="source_notes", title=TEXT["sources"],
        # Every view says how much of it a clinician has reviewed (none yet: it says so); the
        # knowledge base's version is in the full view and the handout.
        intro=review_sentence(knowledge),
        entries=notes.entries(), listed=True))
    return Document(title=LAYOUT["title"], disclaimer=explanation.disclaimer,
                    sections=tuple(sections), audience=audience, detail="brief")


def _shown(explanation: Explanation) -> list[CategoryResult]:
    """The categories the brief view explains: those that come up, then those that wait for a
    result (those not usually used are named in "In short" and the table)."""
    return [category for relevance in relevance_order(explanation)
            if relevance != "less_likely"
            for category in card_order([c for c in explanation.categories
                                        if c.relevance == relevance], explanation)]


def _why_entries(explanation: Explanation, notes: SourceNotes) -> tuple[Entry, ...]:
    """One line of why per category that comes up (those that wait for a result only when
    nothing else says so); those that wait for a result share one
    line when there are more than :data:`MAX_WAITING` of them (the unknowns that follow say
    what each result could change)."""
    shown = _shown(explanation)
    if explanation.in_short and explanation.unknown_factors and not stage_unknown(explanation):
        # "In short" names what can't be said yet and what it waits for, and "What is not
        # known yet" says what each result could change: a third line each would only repeat.
        shown = [category for category in shown
                 if category.relevance != "needs_more_information"]
    groups = {relevance: [category for category in shown if category.relevance == relevance]
              for relevance in GROUPED}
    meanings = {entry.relevance: entry.meaning for entry in explanation.legend}
    entries = []
    for category in shown:
        group = groups.get(category.relevance, [])
        if len(group) <= MAX_APART[category.relevance]:
            entries.append(_why_entry(category, explanation, notes))
        elif category is group[0]:
            # Many alike share one line: their names, and what the label means.
            why = (TEXT["waiting"] if category.relevance == "needs_more_information"
                   else TEXT["sometimes"] if category.relevance == "may_be_discussed"
                   else first_sentence(meanings[category.relevance]))
            entries.append(Entry(
                title=_legend_label(category, explanation), relevance=category.relevance,
                lines=(Line(lower_list([shown_name(item, explanation) for item in group])
                            + ". " + why, "text", refs=notes.cite(
                                citation for item in group for citation in item.sources[:1])),)))
    return tuple(entries)


def _why_entry(category: CategoryResult, explanation: Explanation,
               notes: SourceNotes) -> Entry:
    """One line of why: the first sentence of the deciding rule's reason, with its sources."""
    reason = category.reasons[0] if category.reasons else None
    refs = notes.cite(reason.sources if reason is not None and reason.sources
                      else category.sources[:1])
    if category.relevance == "needs_more_information":
        # Why it cannot be said yet is which result it waits for (the unknowns below say
        # what to ask).
        text = badge(category, explanation) + "."
    else:
        text = first_sentence(reason.text) if reason is not None else category.summary
    return Entry(title=shown_name(category, explanation), relevance=category.relevance,
                 lines=(Line(text, "text", refs=refs),))


def _legend_label(category: CategoryResult, explanation: Explanation) -> str:
    return next(entry.label for entry in explanation.legend
                if entry.relevance == category.relevance)


def _target_names(item: UnknownFactor, explanation: Explanation,
                  names: dict[str, str]) -> str:
    """What an unknown could change, named by category (a subtype's category once)."""
    shown: list[str] = []
    for target in item.affects:
        category = next((c for c in explanation.categories
                         if c.id == target or any(s.id == target for s in c.subtypes)), None)
        name = names[category.id] if category is not None else names.get(target, target)
        if name not in shown:
            shown.append(name)
    if len(shown) > MAX_NAMED:
        return TEXT["many"].format(count=len(shown))
    return lower_list(shown)

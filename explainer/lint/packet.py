"""The review packet a clinician reads and signs (``explainer review``).

One document holds every statement the tool can show, with its source and review status:
the disclaimer, the plain wording of the relevance values, every category and subtype, every
rule as "When ... then ..." with its reason, questions, sources, review status and test cases,
the factors with their questions and help, the care team, what each stage means and the support
items, the glossary, the fixed phrases of the layout, and a coverage table (for each category
and subtype, how many combinations of the deciding factors lead to each relevance). Formats:
Markdown and HTML to read and sign; CSV, one row per statement, to track the review in a
spreadsheet. The statements are gathered in
:mod:`explainer.lint.statements`; the packet is drawn by :mod:`explainer.render.packet`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from explainer.explanation.plain import plain_profile
from explainer.kb.interface import SCREENS
from explainer.kb.knowledge import KnowledgeBase, LoadedRule
from explainer.kb.models import RELEVANCE_ORDER, SourceRef
from explainer.kb.review_meta import REVIEW_STATES, StatementReview, slug
from explainer.kb.reviews import SUPPORT_INTRO
from explainer.lint.factor_space import Coverage, coverage
from explainer.lint.packet_report import report_blocks
from explainer.lint.statements import (
    CSV_COLUMNS,
    Statement,
    cite_refs,
    comment_text,
    role_shown,
    statement_rows,
    statements,
    when_then,
)
from explainer.render.packet import Block, Bullets, Fields, Grid, Heading, Paragraph, render_packet

STATE_MEANINGS = {
    "clinician_reviewed": "a named clinician approved these exact words",
    "source_checked": "a maintainer checked it against its cited sources; no clinician yet",
    "draft": "written, not checked yet (or changed since its check)",
}


def state_text(state: StatementReview) -> str:
    """A statement's state in words: ``clinician_reviewed by Dr A (oncologist) on ...``."""
    text: str = state.state
    if state.state == "clinician_reviewed":
        text += f" by {state.by} ({state.role}) on {state.date}"
    elif state.state == "source_checked":
        text += f" by {state.by} on {state.date}"
    if state.changed_since:
        text += f" (changed since it was {state.changed_since.replace('_', ' ')})"
    return text


@dataclass
class _Packet:
    kb: KnowledgeBase
    space: Coverage
    found: list[Statement]
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def sources(self, refs: Sequence[SourceRef]) -> str:
        return cite_refs(self.kb, refs)

    def review(self, entry_id: str) -> list[tuple[str, str]]:
        """The review lines of one entry: its state (one line per statement when they
        differ), then each open comment beside the statement it is about."""
        found = [item for item in self.found if item.id.partition("/")[0] == entry_id]
        states = {state_text(item.state) for item in found}
        lines: list[tuple[str, str]] = []
        if len(states) == 1:
            lines.append(("Review", states.pop()))
        else:
            lines.extend(("Review", f"{item.field}: {state_text(item.state)}") for item in found)
        for item in found:
            lines.extend(("Open comment", f"{item.field}: {comment_text(comment)}")
                         for comment in item.state.open_comments)
        return lines

    def review_cell(self, entry_id: str) -> str:
        """The review lines of one entry, in one table cell."""
        return "; ".join(text if label == "Review" else f"{label.lower()}: {text}"
                         for label, text in self.review(entry_id))


def build_packet(kb: KnowledgeBase) -> list[Block]:
    """The review packet of ``kb`` as a list of blocks (rendered to Markdown or HTML)."""
    found = statements(kb)
    packet = _Packet(kb, coverage(kb), found)
    counts = Counter(item.status for item in found)
    entries = {item.id.partition("/")[0] for item in found}
    commented = sum(1 for item in found if item.state.open_comments)
    primary = next(source for source in kb.sources.values() if source.primary)
    packet.add(
        Paragraph(kb.disclaimer.disclaimer, "quote"),
        Heading(1, "Clinician review packet"),
        Fields((
            ("Knowledge base", f"version {kb.version}"),
            ("Primary source", f"{primary.title}"
                               + (f", {primary.publisher}" if primary.publisher else "")
                               + (f", {primary.last_reviewed}" if primary.last_reviewed else "")),
            ("Statements", f"{len(found)} texts in {len(entries)} entries; "
                           f"{commented} with open comments"),
            ("Rules", f"{len(kb.rules)}"),
        )),
        Heading(2, "Review state: summary"),
        Grid(("State", "Statements", "Meaning"), tuple(
            (state, str(counts.get(state, 0)), STATE_MEANINGS[state])
            for state in REVIEW_STATES)),
        Paragraph("Every text the tool can show a person is below, with where it comes from and "
                  "its review state. A check or an approval holds for the exact words: when a "
                  "text changes, it counts as a draft again. Please check that each is "
                  "accurate, balanced, plain, and sourced. The CSV form of this packet "
                  "(explainer review --format csv) has one row per statement, with its id, the "
                  "hash of its words and empty verdict (approve, change or reject) and comment "
                  "columns; explainer review apply FILE.csv --reviewer NAME --role ROLE records "
                  "them.", "muted"),
        Heading(2, "Sign-off"),
        Grid(("", "Filled in by the reviewer"), (
            ("Reviewer", " "), ("Role", " "), ("Date", " "), ("Signature", " "),
            ("Statements needing changes (statement id)", " "))),
    )
    _coverage_section(packet)
    _categories_section(packet)
    _rules_section(packet)
    _factors_section(packet)
    _care_team_section(packet)
    _meaning_section(packet)
    _glossary_section(packet)
    _general_section(packet)
    packet.add(*report_blocks(packet.kb))
    _sources_section(packet)
    packet.add(Paragraph(kb.disclaimer.disclaimer, "quote"))
    return packet.blocks


def _coverage_section(packet: _Packet) -> None:
    kb, space = packet.kb, packet.space
    labels = [kb.relevance_levels[level].label for level in RELEVANCE_ORDER]
    rows = []
    for category in kb.categories.values():
        targets = [(category.id, category.name)] + [
            (subtype.id, f"— {subtype.name}") for subtype in category.subtypes]
        for target_id, name in targets:
            counts = space.counts.get(target_id, Counter())
            rows.append((name, *(str(counts.get(level, 0)) for level in RELEVANCE_ORDER)))
    factors = ", ".join(kb.factors[factor_id].label for factor_id in space.factor_ids)
    others = ", ".join(factor.label for factor_id, factor in kb.factors.items()
                       if factor_id not in space.factor_ids)
    packet.add(
        Heading(2, "Coverage: how many profiles lead to each relevance"),
        Paragraph(f"Every combination of the factors that decide relevance ({factors}; each "
                  f"value, including not known) was run through the rules: {space.total} "
                  f"combinations. The other factors ({others}) only add notes. A category with "
                  "kinds takes the strongest relevance among its kinds."),
        Grid(("Category or kind", *labels), tuple(rows)))
    if space.gaps:
        packet.add(Bullets(tuple(f"Gap: {gap}" for gap in space.gaps)))


def _categories_section(packet: _Packet) -> None:
    kb = packet.kb
    packet.add(Heading(2, "Categories and their kinds"))
    kind_names = {"local": "local treatment", "systemic": "systemic treatment",
                  "supportive": "supportive care", "research": "research"}
    for category in kb.categories.values():
        packet.add(Heading(3, f"{category.name} ({kind_names[category.kind]})"),
                   Fields((("Summary", category.summary), ("Description", category.description),
                           ("Side effects", category.side_effects),
                           *_questions(category.questions),
                           *_never(category.never_discussed),
                           ("Sources", packet.sources(category.sources)),
                           *packet.review(f"category:{category.id}"))))
        for subtype in category.subtypes:
            packet.add(Heading(4, subtype.name),
                       Fields((("Summary", subtype.summary),
                               ("Description", subtype.description),
                               *_questions(subtype.questions),
                               *_never(subtype.never_discussed),
                               ("Sources", packet.sources(subtype.sources)),
                               *packet.review(f"subtype:{subtype.id}"))))


def _questions(questions: Sequence[str]) -> list[tuple[str, str]]:
    return [("Question for the doctor", text) for text in questions]


def _never(reason: str | None) -> list[tuple[str, str]]:
    return [("Never often or may be discussed, on purpose", reason)] if reason else []


def _rules_section(packet: _Packet) -> None:
    kb = packet.kb
    packet.add(Heading(2, "Rules"),
               Paragraph("Each rule sets the relevance of one category or kind, or adds a note. "
                         "When several rules for the same one fire, the highest priority "
                         "decides. Cases are the profiles the rule is tested on: it must fire "
                         "and decide, fire but be outranked, or stay silent."))
    groups: dict[str, list[LoadedRule]] = {}
    for loaded in kb.rules:
        groups.setdefault(loaded.rule.target or "", []).append(loaded)
    order = [target for category in kb.categories.values()
             for target in (category.id, *(subtype.id for subtype in category.subtypes))]
    for target in [*order, ""]:
        if target not in groups:
            continue
        packet.add(Heading(3, kb.target_name(target) if target else "General notes"))
        for loaded in groups[target]:
            rule = loaded.rule
            items: list[tuple[str, str]] = [
                ("Rule", when_then(kb, loaded)),
                ("Reason shown", " ".join(rule.reason.split())),
                *(("Question for the doctor", text) for text in rule.questions),
                ("Sources", packet.sources(rule.sources)),
                *packet.review(f"rule:{rule.id}"),
                ("Exact condition", f"`{_describe(loaded)}`"),
            ]
            items.extend(_cases(kb, loaded))
            items.append(("File", str(loaded.path.relative_to(kb.root))
                          if loaded.path.is_relative_to(kb.root) else str(loaded.path)))
            packet.add(Heading(4, rule.id), Fields(tuple(items)))


def _describe(loaded: LoadedRule) -> str:
    from explainer.kb.conditions import describe

    return describe(loaded.condition)


def _cases(kb: KnowledgeBase, loaded: LoadedRule) -> Iterator[tuple[str, str]]:
    cases = loaded.cases
    if cases is None:
        yield ("Cases", "none (explainer lint reports this)")
        return
    fires = "Fires and decides for" if loaded.decides else "Fires for"
    for label, group in ((fires, cases.fires), ("Fires but is outranked for", cases.overridden),
                         ("Stays silent for", cases.silent)):
        if group:
            yield (label, "; ".join(plain_profile(kb, case) for case in group))


def _factors_section(packet: _Packet) -> None:
    kb = packet.kb
    packet.add(Heading(2, "Factors: the questions a person answers"))
    for factor in kb.factors.values():
        values = []
        for value in factor.values:
            values.append(f"{value.label}" + (f": {value.help}" if value.help else ""))
        for band in factor.bands:
            values.append(band.label)
        packet.add(Heading(3, factor.label),
                   Fields((("Question", factor.question), ("Help", factor.help),
                           ("Why it matters", factor.why_it_matters),
                           *((("If not known, ask", factor.if_unknown_question),)
                             if factor.if_unknown_question else ()),
                           ("Sources", packet.sources(factor.sources)),
                           *packet.review(f"factor:{factor.id}"))),
                   Bullets(tuple(values)))


def _care_team_section(packet: _Packet) -> None:
    kb = packet.kb
    rows = []
    for role in kb.care_team:
        shown = "always" if role.always else role_shown(kb, role)
        rows.append((role.role, role.why, shown, packet.sources(role.sources),
                     packet.review_cell(f"care_team:{role.id}")))
    packet.add(Heading(2, "Care team"),
               Grid(("Role", "Why", "Shown with", "Sources", "Review"), tuple(rows)))


def _meaning_section(packet: _Packet) -> None:
    kb = packet.kb
    labels = {value.id: value.label for value in kb.factors["stage"].values}
    packet.add(Heading(2, "What each stage means, and support"),
               Paragraph("Shown in every full explanation: the meaning of the stage entered "
                         "(in general words, never a prediction), then the support items."),
               Grid(("Stage", "Meaning shown", "Brief view", "Sources", "Review"), tuple(
                   (labels.get(meaning.stage, meaning.stage), meaning.meaning,
                    meaning.short or meaning.meaning, packet.sources(meaning.sources),
                    packet.review_cell(f"stage:{meaning.stage}"))
                   for meaning in kb.stage_meanings.values())))
    if kb.support is not None:
        intro = packet.review_cell(f"support:{SUPPORT_INTRO}")
        packet.add(Paragraph(f"{kb.support.intro} (Review: {intro})"), Grid(
            ("Support", "Text", "Sources", "Review"), tuple(
                (item.title, item.text, packet.sources(item.sources),
                 packet.review_cell(f"support:{item.id}")) for item in kb.support.items)))


def _glossary_section(packet: _Packet) -> None:
    kb = packet.kb
    rows = tuple((term.term, term.definition, ", ".join(term.aliases),
                  packet.sources(term.sources), packet.review_cell(f"glossary:{slug(term.term)}"))
                 for term in kb.glossary)
    packet.add(Heading(2, "Glossary"),
               Paragraph("Each term is explained where an output first uses it, and listed "
                         "under \"Words used here\"."),
               Grid(("Term", "Plain meaning", "Other spellings", "Sources", "Review"), rows))


def _general_section(packet: _Packet) -> None:
    kb = packet.kb
    packet.add(Heading(2, "Disclaimer, relevance wording and general questions"),
               Fields((("Disclaimer (first and last in every output)", kb.disclaimer.disclaimer),
                       *packet.review("disclaimer:disclaimer"))),
               Grid(("Relevance", "Label", "Meaning shown", "Review"), tuple(
                   (level.id, level.label, level.meaning,
                    packet.review_cell(f"relevance:{level.id}"))
                   for level in kb.relevance_levels.values())))
    rows = []
    for question in kb.disclaimer.general_questions:
        tailored = question.tailored.text if question.tailored is not None else ""
        rows.append((question.text, tailored, packet.review_cell(f"general:{question.id}")))
    packet.add(Grid(("Question asked whatever was entered", "Wording naming the treatments",
                     "Review"), tuple(rows)))
    phrases = [item for item in packet.found if item.section == "fixed phrase"]
    packet.add(Heading(3, "Fixed phrases of the interface"),
               Paragraph("These live in knowledge/interface.yaml, grouped by screen ("
                         + ", ".join(SCREENS) + "); {braces} are filled in."),
               Grid(("Key", "Phrase", "Where", "Review"), tuple(
                   (item.entry, item.text, item.location,
                    packet.review_cell(item.id.partition("/")[0]))
                   for item in phrases)))


def _sources_section(packet: _Packet) -> None:
    kb = packet.kb
    rows = []
    for source in kb.sources.values():
        about = ", ".join(part for part in (
            source.publisher,
            f"the source's own reviewer: {source.reviewer}" if source.reviewer else None,
            source.last_reviewed, source.url) if part)
        sections = "; ".join(section.title + (f" (ref. {', '.join(section.refs)})"
                                              if section.refs else "")
                             for section in source.sections)
        rows.append((source.title + (" (primary)" if source.primary else ""), about, sections))
    packet.add(Heading(2, "Sources"), Grid(("Source", "About", "Sections cited"), tuple(rows)))


def review_packet(kb: KnowledgeBase, fmt: str = "markdown") -> str:
    """The whole review packet of ``kb`` as ``fmt`` (markdown, html or csv)."""
    return render_packet(fmt, lambda: build_packet(kb),
                         lambda: (CSV_COLUMNS, statement_rows(statements(kb))))

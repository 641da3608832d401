"""``explainer review``: the review packet a clinician reads and signs.

One document holds every statement the tool can show, with its source and review status:
the disclaimer, the plain wording of the relevance values, every category and subtype, every
rule as "When ... then ..." with its reason, questions, sources, review status and test cases,
the factors with their questions and help, the care team, the glossary, the fixed phrases of
the layout, and a coverage table (for each category and subtype, how many combinations of the
deciding factors lead to each relevance). Formats: Markdown and HTML to read and sign; CSV,
one row per statement, to track the review in a spreadsheet.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explainer.knowledge import KnowledgeBase, LoadedRule
from explainer.lint.coverage import Coverage, coverage, describe_profile
from explainer.lint.texts import read_raw, ui_texts
from explainer.models.knowledge import RELEVANCE_ORDER, CareTeamRole, Review, SourceRef
from explainer.plain import plain_condition, plain_profile
from explainer.yamlio import line_for

FORMATS = ("markdown", "html", "csv")
CSV_COLUMNS = ("number", "section", "entry", "field", "text", "detail", "sources", "status",
               "reviewed_by", "last_reviewed", "location", "clinician_ok", "clinician_comment")


@dataclass(frozen=True)
class Statement:
    """One reviewable text, with everything a reviewer needs to judge and find it."""

    section: str
    entry: str
    field: str
    text: str
    detail: str
    sources: str
    review: Review | None
    """None for the fixed phrases of the layout (they live in code, not in the YAML)."""
    location: str

    @property
    def status(self) -> str:
        """``draft`` or ``reviewed``; ``code`` for a fixed phrase of the layout; ``untracked``
        for the relevance wording (relevance.yaml has no review fields)."""
        if self.review is not None:
            return self.review.status
        return "code" if self.section == "fixed phrase" else "untracked"


# --- gathering ---------------------------------------------------------------------------------


class _Gatherer:
    """Collects the statements of a knowledge base, with file:line locations."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.raw = read_raw(kb.root)
        self.statements: list[Statement] = []

    def where(self, path: Path, location: tuple[Any, ...]) -> str:
        line = line_for(self.raw.get(path), location)
        shown = path.relative_to(self.kb.root) if path.is_relative_to(self.kb.root) else path
        return f"{shown}:{line}" if line else str(shown)

    def cite(self, refs: Sequence[SourceRef]) -> str:
        parts = []
        for ref in refs:
            section = self.kb.section(ref)
            markers = ref.refs if ref.refs is not None else section.refs
            parts.append(f"{self.kb.sources[ref.source].title}, \"{section.title}\""
                         + (f" (ref. {', '.join(markers)})" if markers else ""))
        return "; ".join(parts)

    def add(self, section: str, entry: str, fields: Sequence[tuple[str, str | None]],
            review: Review | None, refs: Sequence[SourceRef], path: Path,
            location: tuple[Any, ...], detail: str = "") -> None:
        sources = self.cite(refs)
        for name, text in fields:
            if text:
                self.statements.append(Statement(
                    section, entry, name, " ".join(text.split()), detail, sources, review,
                    self.where(path, (*location, name.split("[")[0]))))

    def gather(self) -> list[Statement]:
        kb = self.kb
        knowledge = kb.root / "knowledge"
        disclaimer = knowledge / "disclaimer.yaml"
        self.add("disclaimer", "disclaimer", [("disclaimer", kb.disclaimer.disclaimer)],
                 kb.disclaimer.review, (), disclaimer, ())
        for index, level in enumerate(kb.relevance_levels.values()):
            self.add("relevance", level.id, [("label", level.label), ("meaning", level.meaning)],
                     None, (), knowledge / "relevance.yaml", ("levels", index))
        for index, category in enumerate(kb.categories.values()):
            here = ("categories", index)
            self.add("category", category.id, [
                ("summary", category.summary), ("description", category.description),
                ("side_effects", category.side_effects),
                *((f"questions[{n}]", text) for n, text in enumerate(category.questions)),
                ("never_discussed", category.never_discussed)],
                category.review, category.sources, knowledge / "categories.yaml", here)
            for sub_index, subtype in enumerate(category.subtypes):
                self.add("subtype", subtype.id, [
                    ("summary", subtype.summary), ("description", subtype.description),
                    *((f"questions[{n}]", text) for n, text in enumerate(subtype.questions)),
                    ("never_discussed", subtype.never_discussed)],
                    subtype.review, subtype.sources, knowledge / "categories.yaml",
                    (*here, "subtypes", sub_index), detail=f"a kind of {category.name}")
        for loaded in kb.rules:
            rule = loaded.rule
            self.add("rule", rule.id, [
                ("reason", rule.reason),
                *((f"questions[{n}]", text) for n, text in enumerate(rule.questions))],
                rule.review, rule.sources, loaded.path, (), detail=when_then(kb, loaded))
        for index, factor in enumerate(kb.factors.values()):
            here = ("factors", index)
            self.add("factor", factor.id, [
                ("question", factor.question), ("help", factor.help),
                ("why_it_matters", factor.why_it_matters),
                ("if_unknown_question", factor.if_unknown_question)],
                factor.review, factor.sources, knowledge / "factors.yaml", here)
            for value_index, value in enumerate(factor.values):
                self.add("factor value", f"{factor.id}={value.id}", [("help", value.help)],
                         factor.review, factor.sources, knowledge / "factors.yaml",
                         (*here, "values", value_index), detail=value.label)
        for index, role in enumerate(kb.care_team):
            shown_with = "always shown" if role.always else "shown with " + _role_shown(kb, role)
            self.add("care team", role.id, [("why", role.why)], role.review, role.sources,
                     knowledge / "care_team.yaml", ("roles", index),
                     detail=f"{role.role} ({shown_with})")
        for index, term in enumerate(kb.glossary):
            self.add("glossary", term.term, [("definition", term.definition)], term.review,
                     term.sources, knowledge / "glossary.yaml", ("terms", index),
                     detail=", ".join(term.aliases))
        stage_labels = {value.id: value.label for value in kb.factors["stage"].values}
        for index, meaning in enumerate(kb.stage_meanings.values()):
            self.add("stage meaning", meaning.stage, [("meaning", meaning.meaning)],
                     meaning.review, meaning.sources, knowledge / "stage_meanings.yaml",
                     ("meanings", index), detail=stage_labels.get(meaning.stage, ""))
        for index, support in enumerate(kb.support.items if kb.support else ()):
            self.add("support", support.id, [("title", support.title), ("text", support.text)],
                     support.review, support.sources, knowledge / "support.yaml",
                     ("items", index))
        for index, question in enumerate(kb.disclaimer.general_questions):
            fields = [("text", question.text)]
            if question.tailored is not None:
                fields.append(("tailored", question.tailored.text))
            self.add("general question", question.id, fields, question.review,
                     question.sources, disclaimer, ("general_questions", index))
        for item in ui_texts():
            location = f"explainer/render/document.py:{item.line}" if item.line else ""
            self.statements.append(Statement("fixed phrase", item.where, "text",
                                             _original_phrase(item.where), "", "", None,
                                             location))
        return self.statements


def _original_phrase(where: str) -> str:
    from explainer.render.document import TEXT

    return TEXT[where.removeprefix("TEXT[").removesuffix("]")]


def when_then(kb: KnowledgeBase, loaded: LoadedRule) -> str:
    """A rule in plain words: ``When <condition>, then <target> is <relevance>.``"""
    rule = loaded.rule
    when = f"When {plain_condition(loaded.condition)}"
    if rule.target is None:
        return f"{when}, then add this general note."
    target = kb.target_name(rule.target)
    if rule.relevance is None:
        return f"{when}, then add this note to {target}."
    label = kb.relevance_levels[rule.relevance].label.lower()
    return f"{when}, then {target}: {label} (priority {rule.priority})."


def statements(kb: KnowledgeBase) -> list[Statement]:
    """Every statement of ``kb``, in packet order."""
    return _Gatherer(kb).gather()


# --- the packet as blocks ---------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = ""
    """``""``, ``quote`` (the disclaimer), ``muted`` or ``code``."""


@dataclass(frozen=True)
class Fields:
    """Labelled values (``Reason: ...``)."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Grid:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Fields | Bullets | Grid


def _review_text(review: Review) -> str:
    if review.status == "reviewed":
        return f"reviewed by {review.reviewed_by} on {review.last_reviewed}"
    text = "DRAFT, awaiting clinician review"
    if review.reviewed_by:
        text += f" (last looked at by {review.reviewed_by}"
        text += f" on {review.last_reviewed})" if review.last_reviewed else ")"
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
        return "; ".join(_cite(self.kb, ref) for ref in refs)


def _cite(kb: KnowledgeBase, ref: SourceRef) -> str:
    section = kb.section(ref)
    markers = ref.refs if ref.refs is not None else section.refs
    return (f"{kb.sources[ref.source].title}, \"{section.title}\""
            + (f" (ref. {', '.join(markers)})" if markers else ""))


def build_packet(kb: KnowledgeBase) -> list[Block]:
    """The review packet of ``kb`` as a list of blocks (rendered to Markdown or HTML)."""
    found = statements(kb)
    packet = _Packet(kb, coverage(kb), found)
    drafts = sum(1 for item in found if item.status == "draft")
    entries = {(item.section, item.entry) for item in found if item.review is not None}
    draft_entries = {(item.section, item.entry) for item in found if item.status == "draft"}
    primary = next(source for source in kb.sources.values() if source.primary)
    packet.add(
        Paragraph(kb.disclaimer.disclaimer, "quote"),
        Heading(1, "Clinician review packet"),
        Fields((
            ("Knowledge base", f"version {kb.version}, last reviewed "
                               f"{kb.source_file.last_reviewed}"),
            ("Primary source", f"{primary.title}"
                               + (f", reviewed by {primary.reviewer}" if primary.reviewer else "")
                               + (f", {primary.last_reviewed}" if primary.last_reviewed else "")),
            ("Statements", f"{len(found)} texts in {len(entries)} entries; {drafts} texts in "
                           f"{len(draft_entries)} entries are drafts awaiting review"),
            ("Rules", f"{len(kb.rules)}"),
        )),
        Paragraph("Every text the tool can show a person is below, with where it comes from and "
                  "whether a clinician has reviewed it. Please check that each is accurate, "
                  "balanced, plain, and sourced. The CSV form of this packet (explainer review "
                  "--format csv) has one row per statement, with columns for your verdict and "
                  "comments.", "muted"),
        Heading(2, "Sign-off"),
        Grid(("", "Filled in by the reviewer"), (
            ("Reviewer", " "), ("Role", " "), ("Date", " "), ("Signature", " "),
            ("Statements needing changes (number or file:line)", " "))),
    )
    _coverage_section(packet)
    _categories_section(packet)
    _rules_section(packet)
    _factors_section(packet)
    _care_team_section(packet)
    _meaning_section(packet)
    _glossary_section(packet)
    _general_section(packet)
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
                           ("Review", _review_text(category.review)))))
        for subtype in category.subtypes:
            packet.add(Heading(4, subtype.name),
                       Fields((("Summary", subtype.summary),
                               ("Description", subtype.description),
                               *_questions(subtype.questions),
                               *_never(subtype.never_discussed),
                               ("Sources", packet.sources(subtype.sources)),
                               ("Review", _review_text(subtype.review)))))


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
                ("Review", _review_text(rule.review)),
                ("Exact condition", f"`{_describe(loaded)}`"),
            ]
            items.extend(_cases(kb, loaded))
            items.append(("File", str(loaded.path.relative_to(kb.root))
                          if loaded.path.is_relative_to(kb.root) else str(loaded.path)))
            packet.add(Heading(4, rule.id), Fields(tuple(items)))


def _describe(loaded: LoadedRule) -> str:
    from explainer.conditions import describe

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
                           ("Review", _review_text(factor.review)))),
                   Bullets(tuple(values)))


def _care_team_section(packet: _Packet) -> None:
    kb = packet.kb
    rows = []
    for role in kb.care_team:
        shown = "always" if role.always else _role_shown(kb, role)
        rows.append((role.role, role.why, shown, packet.sources(role.sources),
                     _review_text(role.review)))
    packet.add(Heading(2, "Care team"),
               Grid(("Role", "Why", "Shown with", "Sources", "Review"), tuple(rows)))


def _role_shown(kb: KnowledgeBase, role: CareTeamRole) -> str:
    """What brings a care role in: its categories, then its rules."""
    return ", ".join([*(kb.categories[c].name for c in role.categories),
                      *(f"rule {rule_id}" for rule_id in role.rules)])


def _meaning_section(packet: _Packet) -> None:
    kb = packet.kb
    labels = {value.id: value.label for value in kb.factors["stage"].values}
    packet.add(Heading(2, "What each stage means, and support"),
               Paragraph("Shown in every full explanation: the meaning of the stage entered "
                         "(in general words, never a prediction), then the support items."),
               Grid(("Stage", "Meaning shown", "Sources", "Review"), tuple(
                   (labels.get(meaning.stage, meaning.stage), meaning.meaning,
                    packet.sources(meaning.sources), _review_text(meaning.review))
                   for meaning in kb.stage_meanings.values())))
    if kb.support is not None:
        packet.add(Paragraph(kb.support.intro), Grid(
            ("Support", "Text", "Sources", "Review"), tuple(
                (item.title, item.text, packet.sources(item.sources),
                 _review_text(item.review)) for item in kb.support.items)))


def _glossary_section(packet: _Packet) -> None:
    kb = packet.kb
    rows = tuple((term.term, term.definition, ", ".join(term.aliases),
                  packet.sources(term.sources), _review_text(term.review))
                 for term in kb.glossary)
    packet.add(Heading(2, "Glossary"),
               Paragraph("Each term is explained where an output first uses it, and listed "
                         "under \"Words used here\"."),
               Grid(("Term", "Plain meaning", "Other spellings", "Sources", "Review"), rows))


def _general_section(packet: _Packet) -> None:
    kb = packet.kb
    packet.add(Heading(2, "Disclaimer, relevance wording and general questions"),
               Fields((("Disclaimer (first and last in every output)", kb.disclaimer.disclaimer),
                       ("Review", _review_text(kb.disclaimer.review)))),
               Grid(("Relevance", "Label", "Meaning shown"), tuple(
                   (level.id, level.label, level.meaning)
                   for level in kb.relevance_levels.values())))
    rows = []
    for question in kb.disclaimer.general_questions:
        tailored = question.tailored.text if question.tailored is not None else ""
        rows.append((question.text, tailored, _review_text(question.review)))
    packet.add(Grid(("Question asked whatever was entered", "Wording naming the treatments",
                     "Review"), tuple(rows)))
    phrases = [item for item in packet.found if item.section == "fixed phrase"]
    packet.add(Heading(3, "Fixed phrases of every explanation"),
               Paragraph("These live in explainer/render/document.py; {braces} are filled in."),
               Grid(("Key", "Phrase"), tuple((item.entry, item.text) for item in phrases)))


def _sources_section(packet: _Packet) -> None:
    kb = packet.kb
    rows = []
    for source in kb.sources.values():
        about = ", ".join(part for part in (
            source.publisher, f"reviewed by {source.reviewer}" if source.reviewer else None,
            source.last_reviewed, source.url) if part)
        sections = "; ".join(section.title + (f" (ref. {', '.join(section.refs)})"
                                              if section.refs else "")
                             for section in source.sections)
        rows.append((source.title + (" (primary)" if source.primary else ""), about, sections))
    packet.add(Heading(2, "Sources"), Grid(("Source", "About", "Sections cited"), tuple(rows)))


# --- rendering ---------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    from explainer.render.markdown import escape

    return escape(text)


def _md_inline(text: str) -> str:
    # `code` spans are kept as they are; the rest is escaped.
    parts = text.split("`")
    return "".join(f"`{part}`" if index % 2 else _md_escape(part)
                   for index, part in enumerate(parts))


def render_markdown(blocks: Sequence[Block]) -> str:
    """The packet as GitHub-flavoured Markdown."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * block.level} {_md_escape(block.text)}", ""]
        elif isinstance(block, Paragraph):
            text = _md_inline(block.text)
            out += [f"> **Important:** {text}" if block.style == "quote"
                    else f"*{text}*" if block.style == "muted" else text, ""]
        elif isinstance(block, Fields):
            out += [f"- **{_md_escape(label)}:** {_md_inline(value)}"
                    for label, value in block.items] + [""]
        elif isinstance(block, Bullets):
            out += [f"  - {_md_inline(item)}" for item in block.items] + [""]
        else:
            out.append("| " + " | ".join(_md_escape(h) for h in block.headers) + " |")
            out.append("|" + "---|" * len(block.headers))
            out += ["| " + " | ".join(_md_inline(cell) for cell in row) + " |"
                    for row in block.rows]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.45; color: #111; }
blockquote { border-left: 0.3rem solid #b45309; background: #fff7ed; margin: 1rem 0;
             padding: 0.6rem 1rem; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0 1.2rem; font-size: 0.92rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.45rem; text-align: left;
         vertical-align: top; }
th { background: #f3f4f6; }
dl { display: grid; grid-template-columns: 13rem 1fr; gap: 0.2rem 0.8rem; margin: 0.4rem 0 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.muted { color: #555; font-style: italic; }
code { background: #f3f4f6; padding: 0 0.2rem; }
h2 { border-bottom: 1px solid #ddd; margin-top: 2rem; }
h4 { margin-bottom: 0.2rem; }
@media print { h2 { break-before: page; } h3, h4, dl, tr { break-inside: avoid; } }
"""


def _html_inline(text: str) -> str:
    parts = text.split("`")
    return "".join(f"<code>{html.escape(part)}</code>" if index % 2 else html.escape(part)
                   for index, part in enumerate(parts))


def render_html(blocks: Sequence[Block], title: str = "Clinician review packet") -> str:
    """The packet as one self-contained HTML page (no scripts, no external files)."""
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{html.escape(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>"]
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{html.escape(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            text = _html_inline(block.text)
            if block.style == "quote":
                out.append(f"<blockquote><strong>Important:</strong> {text}</blockquote>")
            else:
                style = ' class="muted"' if block.style == "muted" else ""
                out.append(f"<p{style}>{text}</p>")
        elif isinstance(block, Fields):
            out.append("<dl>" + "".join(f"<dt>{html.escape(label)}</dt><dd>"
                                        f"{_html_inline(value)}</dd>"
                                        for label, value in block.items) + "</dl>")
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{_html_inline(item)}</li>"
                                        for item in block.items) + "</ul>")
        else:
            head = "".join(f"<th>{html.escape(h)}</th>" for h in block.headers)
            body = "".join("<tr>" + "".join(f"<td>{_html_inline(cell)}</td>" for cell in row)
                           + "</tr>" for row in block.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_csv(found: Sequence[Statement]) -> str:
    """One row per statement, for a spreadsheet (UTF-8 with a byte-order mark, so that Excel
    reads the accents; the last two columns are for the reviewer)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for number, item in enumerate(found, 1):
        review = item.review
        writer.writerow((number, item.section, item.entry, item.field, item.text, item.detail,
                         item.sources, item.status,
                         review.reviewed_by or "" if review else "",
                         str(review.last_reviewed or "") if review else "", item.location,
                         "", ""))
    return "\ufeff" + buffer.getvalue()


def review_packet(kb: KnowledgeBase, fmt: str = "markdown") -> str:
    """The whole review packet of ``kb`` as ``fmt`` (markdown, html or csv)."""
    renderers: dict[str, Callable[[], str]] = {
        "markdown": lambda: render_markdown(build_packet(kb)),
        "html": lambda: render_html(build_packet(kb)),
        "csv": lambda: render_csv(statements(kb)),
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    return renderers[fmt]()


# --- the command -------------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    """Add the ``review`` command."""
    from explainer.cli import add_knowledge_option

    parser = subparsers.add_parser(
        "review", help="write the clinician review packet (every statement, its source, "
                       "review status, rules and coverage)",
        description="Write the review packet a clinician reads and signs: every category and "
                    "kind, every rule as 'When ... then ...' with its reason, sources, review "
                    "status and cases, the factors, care team, glossary, fixed phrases, the "
                    "disclaimer, and a coverage table. CSV gives one row per statement.",
        epilog="examples:\n  explainer review --output packet.md\n"
               "  explainer review --format html --output packet.html\n"
               "  explainer review --format csv --output statements.csv\n"
               "  explainer review --knowledge my-kb --format html --output my-packet.html",
        formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    parser.add_argument("--format", choices=list(FORMATS), default="markdown",
                        help="markdown (default), html, or csv (one row per statement)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    add_knowledge_option(parser)
    parser.set_defaults(handler=_run_review)


def _run_review(args: argparse.Namespace) -> int:
    from explainer.cli import emit
    from explainer.errors import ExitCode
    from explainer.loader import load_knowledge

    emit(review_packet(load_knowledge(args.knowledge), args.format), args.output)
    return ExitCode.OK


__all__ = ["FORMATS", "Statement", "build_packet", "describe_profile", "review_packet",
           "statements", "when_then"]

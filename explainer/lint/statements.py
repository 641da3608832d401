"""Every statement the tool can show, gathered for the clinician review (see
:mod:`explainer.lint.packet`): its stable id, text, where it comes from, its sources and its
effective review state (see :mod:`explainer.kb.reviews`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explainer.explanation.plain import plain_condition
from explainer.kb.interface import SCREENS
from explainer.kb.knowledge import KnowledgeBase, LoadedRule
from explainer.kb.models import CareTeamRole, Category, SourceRef, Subtype
from explainer.kb.review_meta import Review, ReviewComment, StatementReview, slug
from explainer.kb.reviews import RELEVANCE_MANY, SUPPORT_INTRO, statement_reviews
from explainer.kb.yamlio import line_for
from explainer.lint.texts import read_raw

CSV_COLUMNS = ("number", "statement_id", "section", "entry", "field", "text", "detail",
               "sources", "state", "reviewer", "role", "date", "open_comments", "location",
               "text_hash", "verdict", "comment")
"""The packet's CSV: the last two columns are for the clinician (verdict: approve, change or
reject; a comment for change and reject). ``explainer review apply`` reads them back."""
REVIEWER_COLUMNS = ("verdict", "comment")


@dataclass(frozen=True)
class Statement:
    """One reviewable text, with everything a reviewer needs to judge and find it."""

    id: str
    """Stable and readable: ``rule:chemo-stage-unknown/reason``, ``glossary:her2/definition``."""
    section: str
    entry: str
    field: str
    text: str
    detail: str
    sources: str
    review: Review | None
    """The entry's own review fields; None for the interface's phrases and the relevance
    wording (interface.yaml and relevance.yaml have no review fields)."""
    location: str
    state: StatementReview
    """The effective state: a clinician's approval of these words, the entry's source check
    if its words are unchanged, else draft."""

    @property
    def status(self) -> str:
        """The effective review state: ``draft``, ``source_checked`` or
        ``clinician_reviewed``."""
        return self.state.state


# --- gathering ---------------------------------------------------------------------------------


def cite_refs(kb: KnowledgeBase, refs: Sequence[SourceRef]) -> str:
    """Sources in one line: ``Title, "Section" (ref. 1, 2); ...``."""
    parts = []
    for ref in refs:
        section = kb.section(ref)
        markers = ref.refs if ref.refs is not None else section.refs
        parts.append(f"{kb.sources[ref.source].title}, \"{section.title}\""
                     + (f" (ref. {', '.join(markers)})" if markers else ""))
    return "; ".join(parts)


def role_shown(kb: KnowledgeBase, role: CareTeamRole) -> str:
    """What brings a care role in: its categories, then its rules."""
    return ", ".join([*(kb.categories[c].name for c in role.categories),
                      *(f"rule {rule_id}" for rule_id in role.rules)])


def _treatment_fields(item: Category | Subtype) -> list[tuple[str, str | None]]:
    """The texts of a category or kind, by field (a kind has no side effects of its own)."""
    side_effects = [("side_effects", item.side_effects)] if isinstance(item, Category) else []
    return [("summary", item.summary), ("description", item.description), *side_effects,
            *((f"questions[{n}]", text) for n, text in enumerate(item.questions)),
            ("never_discussed", item.never_discussed)]


class _Gatherer:
    """Collects the statements of a knowledge base, with file:line locations."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.raw = read_raw(kb.root)
        self.statements: list[Statement] = []
        self.reviews = statement_reviews(kb, [
            (phrase_id(screen, key), text, None)
            for screen in SCREENS for key, text in kb.interface.texts(screen).items()])

    def where(self, path: Path, location: tuple[Any, ...]) -> str:
        line = line_for(self.raw.get(path), location)
        shown = path.relative_to(self.kb.root) if path.is_relative_to(self.kb.root) else path
        return f"{shown}:{line}" if line else str(shown)

    def add(self, section: str, entry: str, fields: Sequence[tuple[str, str | None]],
            review: Review | None, refs: Sequence[SourceRef], path: Path,
            location: tuple[Any, ...], detail: str = "", *, entry_id: str,
            field_id: str = "") -> None:
        sources = cite_refs(self.kb, refs)
        for name, text in fields:
            if text:
                ident = f"{entry_id}/{field_id or _field_id(name)}"
                self.statements.append(Statement(
                    ident, section, entry, name, " ".join(text.split()), detail, sources,
                    review, self.where(path, (*location, name.split("[")[0])),
                    self.reviews[ident]))

    # Over 60 lines on purpose: every kind of statement, in the order the packet lists them,
    # a few lines each.
    def gather(self) -> list[Statement]:
        kb = self.kb
        knowledge = kb.root / "knowledge"
        disclaimer = knowledge / "disclaimer.yaml"
        self.add("disclaimer", "disclaimer", [("disclaimer", kb.disclaimer.disclaimer)],
                 kb.disclaimer.review, (), disclaimer, (), entry_id="disclaimer:disclaimer",
                 field_id="text")
        for index, level in enumerate(kb.relevance_levels.values()):
            self.add("relevance", level.id, [("label", level.label), ("meaning", level.meaning),
                                             ("label_with_factors", level.label_with_factors),
                                             ("in_short", level.in_short)],
                     None, (), knowledge / "relevance.yaml", ("levels", index),
                     entry_id=f"relevance:{level.id}")
        if kb.relevance_many:
            self.add("relevance", "many", [("many", kb.relevance_many)], None, (),
                     knowledge / "relevance.yaml", (), entry_id=f"relevance:{RELEVANCE_MANY}",
                     field_id="text")
        for index, category in enumerate(kb.categories.values()):
            here = ("categories", index)
            self.add("category", category.id, _treatment_fields(category),
                     category.review, category.sources, knowledge / "categories.yaml", here,
                     entry_id=f"category:{category.id}")
            for sub_index, subtype in enumerate(category.subtypes):
                self.add("subtype", subtype.id, _treatment_fields(subtype),
                         subtype.review, subtype.sources, knowledge / "categories.yaml",
                         (*here, "subtypes", sub_index), detail=f"a kind of {category.name}",
                         entry_id=f"subtype:{subtype.id}")
        for loaded in kb.rules:
            rule = loaded.rule
            self.add("rule", rule.id, [
                ("reason", rule.reason),
                *((f"questions[{n}]", text) for n, text in enumerate(rule.questions))],
                rule.review, rule.sources, loaded.path, (), detail=when_then(kb, loaded),
                entry_id=f"rule:{rule.id}")
        for index, factor in enumerate(kb.factors.values()):
            here = ("factors", index)
            self.add("factor", factor.id, [
                ("question", factor.question), ("help", factor.help),
                ("why_it_matters", factor.why_it_matters),
                ("if_unknown_question", factor.if_unknown_question)],
                factor.review, factor.sources, knowledge / "factors.yaml", here,
                entry_id=f"factor:{factor.id}")
            for value_index, value in enumerate(factor.values):
                self.add("factor value", f"{factor.id}={value.id}", [("help", value.help)],
                         factor.review, factor.sources, knowledge / "factors.yaml",
                         (*here, "values", value_index), detail=value.label,
                         entry_id=f"factor:{factor.id}", field_id=f"value.{value.id}")
        for index, role in enumerate(kb.care_team):
            shown_with = "always shown" if role.always else "shown with " + role_shown(kb, role)
            self.add("care team", role.id, [("why", role.why)], role.review, role.sources,
                     knowledge / "care_team.yaml", ("roles", index),
                     detail=f"{role.role} ({shown_with})", entry_id=f"care_team:{role.id}")
        for index, term in enumerate(kb.glossary):
            self.add("glossary", term.term, [("definition", term.definition)], term.review,
                     term.sources, knowledge / "glossary.yaml", ("terms", index),
                     detail=", ".join(term.aliases), entry_id=f"glossary:{slug(term.term)}")
        stage_labels = {value.id: value.label for value in kb.factors["stage"].values}
        for index, meaning in enumerate(kb.stage_meanings.values()):
            fields = [("meaning", meaning.meaning)]
            if meaning.short is not None:
                fields.append(("short", meaning.short))
            self.add("stage meaning", meaning.stage, fields,
                     meaning.review, meaning.sources, knowledge / "stage_meanings.yaml",
                     ("meanings", index), detail=stage_labels.get(meaning.stage, ""),
                     entry_id=f"stage:{meaning.stage}")
        if kb.support is not None:
            self.add("support", "intro", [("intro", kb.support.intro)], None, (),
                     knowledge / "support.yaml", (), entry_id=f"support:{SUPPORT_INTRO}",
                     field_id="text")
        for index, support in enumerate(kb.support.items if kb.support else ()):
            self.add("support", support.id, [("title", support.title), ("text", support.text)],
                     support.review, support.sources, knowledge / "support.yaml",
                     ("items", index), entry_id=f"support:{support.id}")
        for index, question in enumerate(kb.disclaimer.general_questions):
            fields = [("text", question.text)]
            if question.tailored is not None:
                fields.append(("tailored", question.tailored.text))
            self.add("general question", question.id, fields, question.review,
                     question.sources, disclaimer, ("general_questions", index),
                     entry_id=f"general:{question.id}")
        interface = knowledge / "interface.yaml"
        for screen in SCREENS:
            for key, text in kb.interface.texts(screen).items():
                ident = phrase_id(screen, key)
                # Kept as written (no whitespace folding): "Page " and " of " are exact.
                self.statements.append(Statement(ident, "fixed phrase", f"{screen}.{key}", "text",
                                                 text, "", "", None,
                                                 self.where(interface, (screen, key)),
                                                 self.reviews[ident]))
        return self.statements


def _field_id(name: str) -> str:
    # questions[0] -> question.1: the statement id counts from one, as a reader does.
    if name.endswith("]") and "[" in name:
        base, _, number = name[:-1].partition("[")
        return f"{base.removesuffix('s')}.{int(number) + 1}"
    return name


def phrase_id(screen: str, key: str) -> str:
    """The statement id of a fixed phrase of the interface: ``phrase:<screen>.<key>/text``."""
    return f"phrase:{screen}.{key}/text"


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


def comment_text(comment: ReviewComment) -> str:
    """One open comment in one line: ``change (Dr A, oncologist, 2026-12-01): ...``."""
    return (f"{comment.verdict} ({comment.reviewer}, {comment.role}, {comment.date}): "
            f"{' '.join(comment.comment.split())}")


def statement_rows(found: Sequence[Statement]) -> list[tuple[object, ...]]:
    """One row per statement, in the order of :data:`CSV_COLUMNS` (the last two are for the
    reviewer to fill in)."""
    rows: list[tuple[object, ...]] = []
    for number, item in enumerate(found, 1):
        state = item.state
        rows.append((number, item.id, item.section, item.entry, item.field, item.text,
                     item.detail, item.sources, state.state, state.by, state.role,
                     str(state.date or ""),
                     " | ".join(comment_text(comment) for comment in state.open_comments),
                     item.location, state.text_hash, "", ""))
    return rows

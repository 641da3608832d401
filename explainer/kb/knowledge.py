"""The loaded, cross-checked knowledge base: what every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explainer.kb.conditions import Condition
from explainer.kb.interface import InterfaceFile
from explainer.kb.models import (
    CareTeamRole,
    Category,
    DisclaimerFile,
    Factor,
    GlossaryTerm,
    RelevanceLevel,
    Rule,
    Source,
    SourceFile,
    SourceRef,
    SourceSection,
    StageMeaning,
    Subtype,
    SupportFile,
)
from explainer.kb.review_meta import ClinicianReview, ReviewComment, slug

if TYPE_CHECKING:
    from explainer.kb.report import ReportKnowledge
    from explainer.kb.review_meta import StatementReview
    from explainer.kb.schema import RuleCases

# The cache (explainer.kb.cache) pickles the knowledge base. What only some commands read is
# pickled there as bytes of its own, unpickled when first read: where each rule came from and
# its cases (lint), the file paths, and the pathology-report reader's knowledge (whose model
# classes are then not even imported). An explanation's start skips about a tenth of loading.
_LATER = "_pickled_for_later"


def _state_for_later(instance: object, names: tuple[str, ...]) -> dict[str, Any]:
    """The pickled state of ``instance``: its attributes, with ``names`` as one pickled bytes."""
    state = dict(instance.__dict__)
    if all(name in state for name in names):  # else still pickled, as it came from the cache
        import pickle

        later = {name: state.pop(name) for name in names}
        state[_LATER] = pickle.dumps(later, protocol=pickle.HIGHEST_PROTOCOL)
    return state


def _unpickle_later(instance: object, name: str) -> Any:
    """Attribute ``name`` of an unpickled ``instance``, from the bytes pickled for later."""
    found = instance.__dict__
    later = found.get(_LATER)
    if later is not None:
        import pickle

        values = pickle.loads(later)
        if name in values:
            found.update(values)
            found.pop(_LATER, None)
    if name in found:  # also when another thread has just unpickled it
        return found[name]
    raise AttributeError(f"{type(instance).__name__!r} object has no attribute {name!r}")


@dataclass(frozen=True, eq=False)
class LoadedRule:
    """A rule with its parsed condition, its place on disk and its cases."""

    rule: Rule
    condition: Condition
    path: Path
    order: int
    cases: RuleCases | None
    cases_path: Path | None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with its path and cases for later (see ``_LATER``)."""
        return _state_for_later(self, _RULE_LATER)

    if not TYPE_CHECKING:  # (a __getattr__ would let mypy accept any attribute name)
        def __getattr__(self, name: str) -> Any:
            return _unpickle_later(self, name)

    @property
    def id(self) -> str:
        """The rule id (equal to its file name)."""
        return self.rule.id

    @property
    def decides(self) -> bool:
        """True for a rule that sets a relevance (not a note)."""
        return self.rule.relevance is not None


# Pickled for later (no default: a class attribute would be read before __getattr__ is asked).
_RULE_LATER = ("path", "cases", "cases_path")


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything loaded from ``knowledge/`` and ``rules/``, validated and cross-referenced.

    Build it with :func:`explainer.load_knowledge`. Mappings keep the order of the YAML files.
    """

    root: Path
    source_file: SourceFile
    factors: dict[str, Factor]
    not_known_label: str
    categories: dict[str, Category]
    relevance_levels: dict[str, RelevanceLevel]
    care_team: tuple[CareTeamRole, ...]
    glossary: tuple[GlossaryTerm, ...]
    disclaimer: DisclaimerFile
    interface: InterfaceFile
    """The interface's fixed phrases, by screen (knowledge/interface.yaml)."""
    rules: tuple[LoadedRule, ...]
    report: ReportKnowledge
    """What the pathology-report reader knows (report.yaml and report_stage.yaml)."""
    fingerprint: str
    files: dict[str, Path] = field(default_factory=dict)
    stage_meanings: dict[str, StageMeaning] = field(default_factory=dict)
    """What each stage value means, in general words, by stage value id."""
    support: SupportFile | None = None
    """Support shown with every explanation (knowledge/support.yaml)."""
    clinician_reviews: tuple[ClinicianReview, ...] = ()
    """Approvals from ``knowledge/reviews/clinician.yaml`` (see :mod:`explainer.kb.reviews`)."""
    review_comments: tuple[ReviewComment, ...] = ()
    """Change and reject comments from ``knowledge/reviews/comments.yaml``."""
    relevance_many: str | None = None
    """How "In short" names more than three treatments at once (``many`` in relevance.yaml)."""
    language: str = "en"
    """The language of every text (``en``, the source, or a layer, see
    :mod:`explainer.kb.translation`); ids and values are the same in every language."""
    translation_notice: str = ""
    """For a translation: its status line (also added to the disclaimer)."""
    untranslated: tuple[str, ...] = ()
    """For a translation: the ids it lacks (shown in English, reported by the lint)."""
    term_keys: dict[str, str] = field(default_factory=dict)
    """For a translation: each glossary term as shown -> the key of its statement ids."""
    translated_reviews: dict[str, StatementReview] | None = None
    """For a translation: the review state of each statement, from the translation's own."""

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with its report knowledge and file paths for later (see ``_LATER``)."""
        return _state_for_later(self, ("report", "files"))

    if not TYPE_CHECKING:  # (a __getattr__ would let mypy accept any attribute name)
        def __getattr__(self, name: str) -> Any:
            return _unpickle_later(self, name)

    @property
    def version(self) -> str:
        """The knowledge base's own version (``knowledge_version`` in source.yaml)."""
        return self.source_file.knowledge_version

    @cached_property
    def sources(self) -> dict[str, Source]:
        """Sources by id."""
        return {source.id: source for source in self.source_file.sources}

    @cached_property
    def subtypes(self) -> dict[str, tuple[Category, Subtype]]:
        """Every subtype by id, with the category it belongs to."""
        return {
            subtype.id: (category, subtype)
            for category in self.categories.values()
            for subtype in category.subtypes
        }

    def target_name(self, target_id: str) -> str:
        """The display name of a category or subtype id."""
        if target_id in self.categories:
            return self.categories[target_id].name
        return self.subtypes[target_id][1].name

    def category_of(self, target_id: str) -> str:
        """The category id a target belongs to (itself for a category)."""
        if target_id in self.categories:
            return target_id
        return self.subtypes[target_id][0].id

    def section(self, ref: SourceRef) -> SourceSection:
        """The section a citation points to (the loader has checked that it exists)."""
        source = self.sources[ref.source]
        return next(section for section in source.sections if section.id == ref.section)

    @cached_property
    def statement_reviews(self) -> dict[str, StatementReview]:
        """The effective review state of every statement, by statement id."""
        if self.translated_reviews is not None:
            return self.translated_reviews
        from explainer.kb.reviews import statement_reviews

        return statement_reviews(self)

    def term_key(self, term: str) -> str:
        """The key of a glossary term's statement ids (``glossary:<key>/definition``): the
        slug of its English name, whatever the language shown."""
        found = self.term_keys.get(term)
        if found is not None:
            return found
        return slug(term)

    @cached_property
    def rules_by_id(self) -> dict[str, LoadedRule]:
        """Rules by id."""
        return {loaded.id: loaded for loaded in self.rules}

    def rule(self, rule_id: str) -> LoadedRule:
        """A rule by id (KeyError if there is none)."""
        return self.rules_by_id[rule_id]

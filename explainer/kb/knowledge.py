"""The loaded, cross-checked knowledge base: what every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

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

_LATER = "_pickled_for_later"


class PickledForLater:
    """Attributes named in ``pickled_for_later`` are pickled as bytes of their own and
    unpickled when first read.

    The cache (:mod:`explainer.kb.cache`) pickles the knowledge base. What only some commands
    read is kept that way: where each rule came from and its cases (lint), the file paths,
    and the pathology-report reader's knowledge (whose model classes an explanation then never
    imports). Those attributes must have no default, or the class attribute would be read
    instead of asking ``__getattr__``.
    """

    pickled_for_later: ClassVar[tuple[str, ...]] = ()

    def __getstate__(self) -> dict[str, Any]:
        """Its attributes, with those of ``pickled_for_later`` as one pickled bytes."""
        state = dict(self.__dict__)
        if all(name in state for name in self.pickled_for_later):  # else still pickled
            import pickle

            later = {name: state.pop(name) for name in self.pickled_for_later}
            state[_LATER] = pickle.dumps(later, protocol=pickle.HIGHEST_PROTOCOL)
        return state

    if not TYPE_CHECKING:  # (a __getattr__ would let mypy accept any attribute name)
        def __getattr__(self, name: str) -> Any:
            found = self.__dict__
            later = found.get(_LATER)
            if later is not None and name in self.pickled_for_later:
                import pickle

                found.update(pickle.loads(later))
                found.pop(_LATER, None)
            if name in found:  # also when another thread has just unpickled it
                return found[name]
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


# Both compared by identity, with a short repr of their own: the generated methods (a field-by-
# field repr would print the whole knowledge base) cost a millisecond of every start to make.
@dataclass(frozen=True, eq=False, repr=False)
class LoadedRule(PickledForLater):
    """A rule with its parsed condition, its place on disk and its cases."""

    rule: Rule
    condition: Condition
    path: Path
    order: int
    cases: RuleCases | None
    cases_path: Path | None
    pickled_for_later = ("path", "cases", "cases_path")

    @property
    def id(self) -> str:
        """The rule id (equal to its file name)."""
        return self.rule.id

    @property
    def decides(self) -> bool:
        """True for a rule that sets a relevance (not a note)."""
        return self.rule.relevance is not None

    def __repr__(self) -> str:
        return f"LoadedRule({self.id!r})"


@dataclass(frozen=True, eq=False, repr=False)
class KnowledgeBase(PickledForLater):
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
    statement_reviews: dict[str, StatementReview] = field(default_factory=dict)
    """The effective review state of every statement, by statement id: worked out when the
    knowledge base is built (:func:`explainer.kb.reviews.statement_reviews`); for a
    translation, from the translation's own states."""

    pickled_for_later = ("report", "files")

    def __repr__(self) -> str:
        return (f"KnowledgeBase(root={str(self.root)!r}, language={self.language!r}, "
                f"fingerprint={self.fingerprint[:12]!r})")

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

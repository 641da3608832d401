"""The shapes of the knowledge base's YAML files: the top-level model of each file (its
entries are the models of :mod:`explainer.kb.models`), of a rule's cases file, and of the
review ledger's two files (their records are in :mod:`explainer.kb.review_meta`).

Only building the knowledge base and the lint read files, so only they import this module: a
command whose knowledge base comes from the cache never creates these classes.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StrictStr

from explainer.kb import models, review_meta
from explainer.kb.base import Frozen, ShortText
from explainer.kb.interface import InterfaceFile


class FactorsFile(Frozen):
    """knowledge/factors.yaml."""

    not_known_label: ShortText
    """How an unknown factor is shown under "what you entered"."""
    factors: Annotated[tuple[models.Factor, ...], Field(min_length=1)]


class CategoriesFile(Frozen):
    """knowledge/categories.yaml."""

    categories: Annotated[tuple[models.Category, ...], Field(min_length=1)]


class RelevanceFile(Frozen):
    """knowledge/relevance.yaml."""

    levels: Annotated[tuple[models.RelevanceLevel, ...], Field(min_length=4, max_length=4)]
    many: ShortText | None = None
    """How "In short" names more than three treatments at once (``{count}`` becomes their
    number); without it, it names them all."""


class CareTeamFile(Frozen):
    """knowledge/care_team.yaml."""

    roles: Annotated[tuple[models.CareTeamRole, ...], Field(min_length=1)]


class GlossaryFile(Frozen):
    """knowledge/glossary.yaml."""

    terms: tuple[models.GlossaryTerm, ...]


class StageMeaningsFile(Frozen):
    """knowledge/stage_meanings.yaml: one meaning per stage value, "unknown" included."""

    meanings: Annotated[tuple[models.StageMeaning, ...], Field(min_length=1)]


class RuleCases(Frozen):
    """rules/<category>/<id>.cases.yaml: profiles that must fire the rule, and must not.

    ``fires``: the rule fires and (for a deciding rule) its relevance is the one shown.
    ``overridden``: the rule fires but a higher-priority rule decides the target.
    ``silent``: the rule does not fire.
    """

    fires: tuple[dict[StrictStr, object], ...] = ()
    overridden: tuple[dict[StrictStr, object], ...] = ()
    silent: tuple[dict[StrictStr, object], ...] = ()


class ClinicianFile(Frozen):
    """knowledge/reviews/clinician.yaml: one record per approval, written by
    ``explainer review apply``."""

    reviews: tuple[review_meta.ClinicianReview, ...] = ()


class CommentsFile(Frozen):
    """knowledge/reviews/comments.yaml: the clinicians' change and reject comments."""

    comments: tuple[review_meta.ReviewComment, ...] = ()


KNOWLEDGE_FILES: dict[str, type[BaseModel]] = {
    "source.yaml": models.SourceFile,
    "factors.yaml": FactorsFile,
    "categories.yaml": CategoriesFile,
    "relevance.yaml": RelevanceFile,
    "care_team.yaml": CareTeamFile,
    "glossary.yaml": GlossaryFile,
    "disclaimer.yaml": models.DisclaimerFile,
    "stage_meanings.yaml": StageMeaningsFile,
    "support.yaml": models.SupportFile,
    "interface.yaml": InterfaceFile,
}
"""Each file of knowledge/ and the model it must match."""

"""The review metadata of the knowledge base: what an entry says about its own check, the
review states a statement can be in, and the records of the review ledger
(``knowledge/reviews/``).

How these combine into the effective state of each statement is :mod:`explainer.kb.reviews`.
"""

# No `from __future__ import annotations`: pydantic would then evaluate each field's
# annotation from its text when a class is made, a few ms of every start (docs/performance.md).

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, NamedTuple

from pydantic import Field, StrictStr, model_validator

from explainer.kb.base import Frozen, ShortText, Text

ReviewStatus = Literal["draft", "source_checked"]
"""What an entry's YAML can say about its own check: ``draft`` (written, not checked) or
``source_checked`` (a maintainer checked it against the cited sources). A clinician's approval
is not written in the entry: it is a record in ``knowledge/reviews/clinician.yaml``."""
ReviewState = Literal["draft", "source_checked", "clinician_reviewed"]
"""The effective state of one statement (see :mod:`explainer.kb.reviews`)."""
REVIEW_STATES: tuple[ReviewState, ...] = ("clinician_reviewed", "source_checked", "draft")
"""Review states from the most to the least checked."""
TextHash = Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{12}$")]
"""The first 12 hex digits of the SHA-256 of a normalised text (see :mod:`explainer.kb.reviews`)."""


def slug(name: str) -> str:
    """An id-safe form of a glossary term, the key of its statement ids: lower case, other
    characters as ``-``."""
    return re.sub(r"[^a-z0-9+]+", "-", name.lower()).replace("+", "-plus").strip("-")


class SelfChecked(Frozen):
    """Base of the models that state their own check (``status``, ``checked_by``,
    ``checked_on``, ``text_hash``): :class:`Review`, and a rule, whose YAML writes the same keys
    at its top level. Old status values are refused, and a ``source_checked`` one needs who
    checked, when, and the hash of the texts they checked.

    Each subclass declares the four fields itself, where its YAML has them, so that the
    problems of a file are reported in the order of its keys.
    """

    checked_noun: ClassVar[str] = "entry"
    """What the error about a ``source_checked`` check calls the model."""

    if TYPE_CHECKING:
        status: ReviewStatus
        checked_by: str | None
        checked_on: dt.date | None
        text_hash: str | None

    @model_validator(mode="before")
    @classmethod
    def _no_old_status(cls, data: Any) -> Any:
        # One clear error for the review values this version no longer reads (``reviewed``,
        # which did not say who had checked what, and ``clinician_reviewed``, which is a
        # ledger record, not an entry's own claim).
        if isinstance(data, dict):
            status = data.get("status")
            if status == "reviewed":
                raise ValueError("status 'reviewed' is no longer used: write 'source_checked' "
                                 "with checked_by, checked_on and text_hash (explainer review "
                                 "migrate converts old files), or 'draft'")
            if status == "clinician_reviewed":
                raise ValueError("a clinician's review is recorded in knowledge/reviews/"
                                 "clinician.yaml by explainer review apply, not in the entry: "
                                 "use 'source_checked' or 'draft' here")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> "SelfChecked":
        self.check_other_fields()
        if self.status == "source_checked" and (
                self.checked_by is None or self.checked_on is None or self.text_hash is None):
            raise ValueError(f"a 'source_checked' {self.checked_noun} needs checked_by, "
                             "checked_on and text_hash")
        return self

    def check_other_fields(self) -> None:
        """Raise ValueError for a problem among the subclass's other fields (checked first)."""


class Review(SelfChecked):
    """What the entry says about its own check. ``source_checked`` needs who checked it, when,
    and the hash of the texts they checked: when the texts change, the check no longer counts.
    """

    status: ReviewStatus
    checked_by: ShortText | None = None
    checked_on: dt.date | None = None
    text_hash: TextHash | None = None


# --- the review ledger (knowledge/reviews/) ----------------------------------------------------

StatementId = Annotated[StrictStr, Field(pattern=r"^[a-z_]+:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$",
                                         max_length=200)]


class ClinicianReview(Frozen):
    """A clinician approved these exact words of one statement (``text_hash``)."""

    statement: StatementId
    text_hash: TextHash
    verdict: Literal["approve"]
    reviewer: ShortText
    role: ShortText
    date: dt.date


class ReviewComment(Frozen):
    """A clinician asked for a change to, or rejected, these exact words of one statement."""

    statement: StatementId
    text_hash: TextHash
    verdict: Literal["change", "reject"]
    comment: Text
    reviewer: ShortText
    role: ShortText
    date: dt.date


class StatementReview(NamedTuple):
    """The effective review state of one statement, and the record behind it (worked out by
    :func:`explainer.kb.reviews.statement_reviews`)."""

    state: ReviewState
    text_hash: str
    """The hash of the statement's current text (what a clinician's record must match)."""
    by: str = ""
    """Who checked it (source_checked) or approved it (clinician_reviewed)."""
    role: str = ""
    """The clinician's role (clinician_reviewed only)."""
    date: dt.date | None = None
    changed_since: str = ""
    """``source_checked`` or ``clinician_reviewed`` when a check or approval exists for
    earlier words: the statement changed since then, so it counts as a draft."""
    open_comments: tuple[ReviewComment, ...] = ()
    """Change and reject comments on these exact words, not followed by an approval."""

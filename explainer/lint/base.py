"""What every validator shares: an issue, its severity, and the context validators read.

A validator is a small class with a ``name`` (used by ``--exclude``), a one-line ``concern`` and
a ``check(context)`` method that yields :class:`LintIssue` objects. Validators never raise for a
problem in the knowledge base: they report it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from explainer.errors import KnowledgeIssue
    from explainer.kb.knowledge import KnowledgeBase
    from explainer.lint.texts import TextItem


class Severity(enum.IntEnum):
    """How much an issue matters. ``--fail-on-issues`` fails on warnings and errors."""

    INFO = 0
    """Worth knowing, never a failure (for example an acknowledged exception)."""
    WARNING = 1
    """Should be fixed: unclear, stale or unused content."""
    ERROR = 2
    """Must be fixed: invalid, unsourced or directive content."""

    @property
    def label(self) -> str:
        """The lower-case name shown in reports."""
        return self.name.lower()


@dataclass(frozen=True)
class LintIssue:
    """One problem: which validator found it, how bad it is, where, what, and how to fix it."""

    validator: str
    severity: Severity
    path: Path | None
    line: int | None
    message: str
    hint: str = ""

    def location(self, root: Path | None = None) -> str:
        """``file:line`` (relative to ``root`` when possible), or ``-`` when there is no file."""
        if self.path is None:
            return "-"
        shown = self.path
        if root is not None and self.path.is_relative_to(root):
            shown = self.path.relative_to(root)
        return f"{shown}:{self.line}" if self.line else str(shown)


@dataclass(frozen=True)
class LintOptions:
    """Settings a clinician or CI can change from the command line."""

    max_grade: float = 8.0
    """Highest reading grade (Flesch-Kincaid and SMOG) allowed for patient-facing text."""
    stale_days: int = 365
    """A review older than this many days is stale."""
    today: dt.date = field(default_factory=dt.date.today)
    languages: tuple[str, ...] = ()
    """Translation layers to check besides the English (``explainer lint --lang es``)."""


@dataclass
class LintContext:
    """Everything validators read. ``kb`` is None when the knowledge base failed to load."""

    root: Path
    kb: KnowledgeBase | None
    load_issues: list[KnowledgeIssue]
    texts: list[TextItem]
    raw: dict[Path, object]
    """Parsed YAML of every readable file (LineDict/LineList keep line numbers)."""
    options: LintOptions
    enabled: frozenset[str] = frozenset()
    """Names of the validators taking part in this run."""
    cache: dict[str, object] = field(default_factory=dict)
    """Work shared between validators of one run (the factor-space coverage)."""

    @property
    def knowledge(self) -> KnowledgeBase:
        """The loaded knowledge base, for validators that set ``needs_kb`` (the runner skips
        them when it did not load)."""
        assert self.kb is not None, "a validator without needs_kb read the knowledge base"
        return self.kb


class Validator:
    """Base class: one concern, checked by :meth:`check`.

    A validator names itself in its class line: ``class X(Validator, name="...",
    concern="...", needs_kb=True)``; ``needs_kb`` means it needs a knowledge base that loaded
    (it is skipped otherwise).
    """

    name: ClassVar[str]
    concern: ClassVar[str]
    needs_kb: ClassVar[bool] = False

    def __init_subclass__(cls, *, name: str, concern: str, needs_kb: bool = False,
                          **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name, cls.concern, cls.needs_kb = name, concern, needs_kb

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        """Yield every issue found."""
        raise NotImplementedError

    def issue(self, severity: Severity, path: Path | None, line: int | None, message: str,
              hint: str = "") -> LintIssue:
        """An issue found by this validator."""
        return LintIssue(self.name, severity, path, line, message, hint)

    def issue_at(self, severity: Severity, place: tuple[Path, int | None], message: str,
                 hint: str = "") -> LintIssue:
        """An issue at ``place`` (a file and line, as a locator finds them)."""
        return LintIssue(self.name, severity, place[0], place[1], message, hint)


class ProblemCode(enum.Enum):
    """What a whole-knowledge-base check found (rule cases, the factor space). Callers branch
    on the code, never on a message's words."""

    NO_CASES_FILE = "no-cases-file"
    NO_FIRING_CASE = "no-firing-case"
    NO_SILENT_CASE = "no-silent-case"
    NOTE_OVERRIDDEN = "note-overridden"
    """A note's cases list it as overridden, which a note cannot be."""
    CASE_DID_NOT_FIRE = "case-did-not-fire"
    CASE_FIRED = "case-fired"
    """A silent case fired."""
    CASE_DID_NOT_DECIDE = "case-did-not-decide"
    CASE_DECIDED = "case-decided"
    """An overridden case decided its target after all."""
    ENGINE_DIFFERS = "engine-differs"
    """durable-rules and the plain-Python oracle fired different rules."""
    DECISION_GAP = "decision-gap"
    """No rule decides a target for some profile, or rules of equal priority disagree."""


@dataclass(frozen=True)
class Problem:
    """One failed check: its code, which rule or profile, and what is wrong."""

    code: ProblemCode
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"

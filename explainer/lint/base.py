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
from typing import TYPE_CHECKING, ClassVar

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


class Validator:
    """Base class: one concern, checked by :meth:`check`."""

    name: ClassVar[str]
    concern: ClassVar[str]
    needs_kb: ClassVar[bool] = False
    """True when the check needs a knowledge base that loaded (skipped otherwise)."""

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        """Yield every issue found."""
        raise NotImplementedError

    def issue(self, severity: Severity, path: Path | None, line: int | None, message: str,
              hint: str = "") -> LintIssue:
        """An issue found by this validator."""
        return LintIssue(self.name, severity, path, line, message, hint)

"""Errors the public API raises, and the exit codes the CLI maps them to.

Every error carries a message meant for a person: what is wrong, where, and how to fix it.
"""

from __future__ import annotations

import enum

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see _Record)
if TYPE_CHECKING:
    from pathlib import Path


class ExitCode(enum.IntEnum):
    """Exit statuses of the ``explainer`` command."""

    OK = 0
    LINT_ISSUES = 1
    """``explainer lint --fail-on-issues`` found issues."""
    BAD_INPUT = 2
    """Bad usage, an invalid value, an unreadable or invalid profile file, or output that
    could not be written (``--output`` refused, a full disk, a closed standard output)."""
    INVALID_KNOWLEDGE = 3
    """The knowledge base or rules could not be loaded, or contradict each other."""
    INTERNAL_ERROR = 4
    """The explainer could not run: a broken installation, or a bug (please report it)."""
    INTERRUPTED = 130
    """Stopped with Ctrl-C."""


class ExplainerError(Exception):
    """Base of every error the explainer raises on purpose."""

    exit_code: ExitCode = ExitCode.INTERNAL_ERROR


class _Record:
    """A small immutable value: equal, hashed and shown by its fields, like a frozen dataclass.

    Written out because this module is imported by every command, ``explainer --help``
    included, and importing :mod:`dataclasses` (with :mod:`inspect` behind it) would double
    that command's start-up (issue 11; ``bench/run.py`` measures it).
    """

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[type[_Record], tuple[object, ...]]:
        return type(self), self._values()  # pickled and copied through __init__

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name!r}")

    __delattr__ = __setattr__  # type: ignore[assignment]


class FieldProblem(_Record):
    """One problem with one field of a profile."""

    __slots__ = ("field", "message")
    _fields = ("field", "message")
    field: str
    message: str

    def __init__(self, field: str, message: str) -> None:
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "message", message)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ProfileError(ExplainerError, ValueError):
    """A profile (the factors a person entered) is not valid.

    ``problems`` lists every problem found; ``str(error)`` joins them on one line, each naming
    the field, what is wrong, the allowed values and, for a near miss, the likely intended one.
    """

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))

    @property
    def fields(self) -> list[str]:
        """The names of the fields that have problems."""
        return [problem.field for problem in self.problems]


class InputError(ExplainerError, ValueError):
    """Bad input that is not about one profile field: an unreadable file, a bad flag."""

    exit_code = ExitCode.BAD_INPUT


class OutputError(ExplainerError):
    """The result could not be written: ``--output`` names something that may not be
    overwritten, or the write failed (a full disk, a closed standard output)."""

    exit_code = ExitCode.BAD_INPUT


class KnowledgeIssue(_Record):
    """One problem in the knowledge base, located as ``path:line``."""

    __slots__ = ("hint", "line", "message", "path")
    _fields = ("path", "line", "message", "hint")
    path: Path
    line: int | None
    message: str
    hint: str

    def __init__(self, path: Path, line: int | None, message: str, hint: str = "") -> None:
        for name, value in zip(self._fields, (path, line, message, hint), strict=True):
            object.__setattr__(self, name, value)

    def location(self, root: Path | None = None) -> str:
        """``path:line`` (relative to ``root`` when possible)."""
        shown = self.path
        if root is not None and self.path.is_relative_to(root):
            shown = self.path.relative_to(root)
        return f"{shown}:{self.line}" if self.line else str(shown)

    def format(self, root: Path | None = None) -> str:
        """One line: location, message and, when there is one, the fix."""
        text = f"{self.location(root)}: {self.message}"
        return f"{text} (fix: {self.hint})" if self.hint else text


class KnowledgeBaseError(ExplainerError):
    """The knowledge base could not be loaded. ``issues`` lists every problem found at once."""

    exit_code = ExitCode.INVALID_KNOWLEDGE

    def __init__(self, issues: list[KnowledgeIssue], root: Path | None = None) -> None:
        self.issues = issues
        self.root = root
        count = len(issues)
        head = f"the knowledge base has {count} problem{'s' if count != 1 else ''}"
        super().__init__(head + ": " + "; ".join(issue.format(root) for issue in issues[:3])
                         + ("; ..." if count > 3 else ""))

    def lines(self) -> list[str]:
        """One line per issue, for printing."""
        return [issue.format(self.root) for issue in self.issues]


class DecisionGap(KnowledgeBaseError):
    """The rules leave a gap for one profile: no rule decides a category or kind, or rules of
    equal priority disagree about it. ``summary`` names the gap without the profile, so that
    checks over many profiles report each gap once."""

    def __init__(self, issue: KnowledgeIssue, root: Path | None, summary: str) -> None:
        super().__init__([issue], root)
        self.summary = summary


class EngineError(ExplainerError):
    """The rules engine could not run (for example durable-rules failed to import)."""

    exit_code = ExitCode.INTERNAL_ERROR
